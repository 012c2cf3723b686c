"""What the eligibility check refuses, and how: HTTP 400 with an OperationOutcome whose issues
name the element that is wrong. Never a server error, whatever is sent."""

import copy
import json

from fhir.resources.R4B.operationoutcome import OperationOutcome
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.interop import codes
from tests.interop.conftest import asking, member, post


def refused(response, status=400) -> list[dict]:
    """The issues of a refusal, which must be a valid OperationOutcome."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    OperationOutcome.model_validate_json(response.content)
    issues = response.json()["issue"]
    assert issues and all(issue["severity"] == "error" and issue["diagnostics"] for issue in issues)
    return issues


def expressions(issues) -> list[str]:
    return [expression for issue in issues for expression in issue.get("expression", [])]


def test_a_body_that_is_not_json_is_refused(client, paid, clerk):
    [issue] = refused(post(client, "{not json", clerk))
    assert issue["code"] == "structure"


def test_another_resource_type_is_refused(client, paid, clerk):
    [issue] = refused(post(client, {"resourceType": "Patient", "id": "x"}, clerk))
    assert issue["code"] == "invalid"
    assert issue["expression"] == ["resourceType"]
    assert "Patient" in issue["diagnostics"]


def test_a_missing_required_element_is_named(client, paid, clerk):
    for element in ("patient", "created"):
        request = asking(member(paid, "Awa"))
        del request[element]
        [issue] = refused(post(client, request, clerk))
        assert issue["code"] == "required"
        assert issue["expression"] == [f"CoverageEligibilityRequest.{element}"]


def test_a_bad_date_is_named(client, paid, clerk):
    [issue] = refused(post(client, asking(member(paid, "Awa"), day="2025-13-45"), clerk))
    assert issue["code"] == "value"
    assert issue["expression"] == ["CoverageEligibilityRequest.servicedDate"]


def test_a_month_is_not_a_day_of_care(client, paid, health_post, clerk):
    [issue] = refused(post(client, asking(member(paid, "Awa"), day="2025-03"), clerk))
    assert issue["expression"] == ["CoverageEligibilityRequest.servicedDate"]


def test_an_element_fhir_does_not_have_is_named_with_its_place(client, paid, clerk):
    request = asking(member(paid, "Awa"))
    request["item"] = [{"category": {"coding": [{"code": "69", "diplay": "Maternity"}]}}]
    [issue] = refused(post(client, request, clerk))
    assert issue["code"] == "structure"
    assert issue["expression"] == ["CoverageEligibilityRequest.item[0].category.coding[0].diplay"]


def test_a_status_outside_fhirs_codes_is_refused(client, paid, clerk):
    [issue] = refused(post(client, asking(member(paid, "Awa"), status="valid"), clerk))
    assert issue["expression"] == ["CoverageEligibilityRequest.status"]


def test_an_unknown_member_is_refused_and_named(client, paid, health_post, clerk):
    [issue] = refused(post(client, asking("M1-999999-Z"), clerk))
    assert issue["code"] == "not-found"
    assert issue["expression"] == ["CoverageEligibilityRequest.patient"]
    assert "M1-999999-Z" in issue["diagnostics"]


def test_a_member_outside_the_scope_is_unknown(client, paid, health_post, outsider, cast, key_of):
    manager = key_of(cast["mutual_manager"])
    number = outsider.member_number
    response = post(client, asking(number), manager)
    [issue] = refused(response)
    assert issue["code"] == "not-found"
    assert "Samba" not in response.content.decode()
    # the same answer, word for word, as a number nobody has
    unknown = post(client, asking(number.replace("M2", "M9")), manager)
    assert refused(unknown)[0]["diagnostics"] == issue["diagnostics"].replace("M2", "M9")


def test_a_providers_clerk_checks_the_members_of_every_mutual(
    client, paid, health_post, outsider, clerk
):
    # portability: a member of another union is treated at Joal on the strength of their card
    response = post(client, asking(outsider.member_number), clerk)
    assert response.status_code == 200
    assert response.json()["patient"] == {"reference": f"Patient/{outsider.member_number}"}
    # but the clerk does not browse the register: reading the patient is for the scope
    assert client.get(f"/fhir/r4/Patient/{outsider.member_number}", headers=clerk).status_code == (
        404
    )


def test_an_unknown_provider_or_one_outside_the_scope_is_refused(
    client, paid, health_post, health_centre_of_m2, clerk
):
    for code in ("NOWHERE", "CS-PAKOUR"):
        [issue] = refused(post(client, asking(member(paid, "Awa"), provider=code), clerk))
        assert issue["code"] == "not-found"
        assert issue["expression"] == ["CoverageEligibilityRequest.provider"]


def test_benefits_need_the_provider_whose_level_selects_them(client, paid, clerk):
    [issue] = refused(post(client, asking(member(paid, "Awa"), provider=None), clerk))
    assert issue["code"] == "required"
    assert issue["expression"] == ["CoverageEligibilityRequest.provider"]


def test_whether_coverage_is_in_force_needs_no_provider(client, paid, clerk):
    request = asking(member(paid, "Awa"), provider=None, purpose=["validation"])
    response = post(client, request, clerk)
    assert response.status_code == 200
    assert response.json()["insurance"][0]["inforce"] is True


def test_a_patient_that_is_not_a_member_is_refused(client, paid, clerk):
    request = asking("x")
    request["patient"] = {"reference": "Practitioner/1"}
    [issue] = refused(post(client, request, clerk))
    assert issue["expression"] == ["CoverageEligibilityRequest.patient.reference"]
    request["patient"] = {"identifier": {"system": "urn:oid:1.2.3", "value": "654321"}}
    [issue] = refused(post(client, request, clerk))
    assert issue["code"] == "code-invalid"
    assert issue["expression"] == ["CoverageEligibilityRequest.patient.identifier.system"]
    request["patient"] = {"display": "Awa Diop"}
    [issue] = refused(post(client, request, clerk))
    assert issue["code"] == "required"


def test_an_unknown_category_of_ours_is_refused(client, paid, health_post, clerk):
    request = asking(member(paid, "Awa"))
    request["item"] = [
        {"category": {"coding": [{"system": codes.SERVICE_CATEGORY, "code": "spa"}]}}
    ]
    [issue] = refused(post(client, request, clerk))
    assert issue["expression"] == ["CoverageEligibilityRequest.item[0].category"]


def test_a_body_that_is_not_json_by_its_type_is_refused(client, paid, clerk):
    response = post(client, asking(member(paid, "Awa")), clerk, content_type="text/plain")
    refused(response, 415)


def test_plain_json_is_accepted_too(client, paid, health_post, clerk):
    response = post(client, asking(member(paid, "Awa")), clerk, content_type="application/json")
    assert response.status_code == 200


def anything():
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=6,
    )


def paths(value, prefix=()):
    """Every place in a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


@settings(max_examples=60)
@given(data=st.data())
def test_whatever_is_sent_the_answer_is_never_a_server_error(
    client, paid, health_post, clerk, data
):
    # given a valid request, with one element replaced by anything at all
    request = asking(member(paid, "Awa"))
    request["item"] = [
        {"category": {"coding": [{"system": codes.SERVICE_CATEGORY, "code": "dental"}]}}
    ]
    places = [place for place in paths(request) if place]
    place = data.draw(st.sampled_from(places))
    changed = copy.deepcopy(request)
    target = changed
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = data.draw(anything())
    # then the answer is a resource or a refusal saying why, never a crash
    response = post(client, json.dumps(changed), clerk)
    assert response.status_code in (200, 400), response.content
    kind = response.json()["resourceType"]
    assert kind == (
        "CoverageEligibilityResponse" if response.status_code == 200 else "OperationOutcome"
    )
