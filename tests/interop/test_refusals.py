"""What the eligibility check refuses, and how: HTTP 400 with an OperationOutcome whose issues
name the element that is wrong. Never a server error, whatever is sent."""

import json

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome

from mutualis.claims.models import Claim
from mutualis.interop import codes
from tests.interop.conftest import asking, fhir_claim, member, post


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


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ("servicedDate", "0001-01-01"),
        ("servicedDate", "9999-12-31"),
        ("servicedPeriod", {"start": "0001-01-01T00:00:00Z"}),
        ("servicedPeriod", {"start": "9999-12-31T23:59:59+14:00"}),
    ],
)
def test_a_day_outside_the_window_is_refused_with_its_element(
    client, paid, health_post, clerk, element, value
):
    request = asking(member(paid, "Awa"), day=None, **{element: value})
    del request["servicedDate"]
    request[element] = value
    [issue] = refused(post(client, request, clerk))
    assert issue["code"] == "value"
    at = "servicedPeriod.start" if element == "servicedPeriod" else element
    assert issue["expression"] == [f"CoverageEligibilityRequest.{at}"]


def test_a_member_number_longer_than_any_or_with_a_control_character_is_refused(
    client, paid, health_post, clerk
):
    for number in ("M" * 10_000, "M1-000001\x00"):
        [issue] = refused(post(client, asking(number), clerk))
        assert issue["expression"] == ["CoverageEligibilityRequest.patient.reference"]
        assert len(issue["diagnostics"]) < 200


def hostile_claim(care, day, change) -> dict:
    resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000)])
    change(resource)
    return resource


CLAIM_FAULTS = {
    "billablePeriod.start": lambda r: r.update(billablePeriod={"start": "0001-01-01"}),
    "billablePeriod.end": lambda r: r["billablePeriod"].update(end="9999-12-31T23:59:59+14:00"),
    "item[0].servicedDate": lambda r: r["item"][0].update(servicedDate="9999-12-31"),
    "item[0].productOrService": lambda r: r["item"][0]["productOrService"]["coding"][0].update(
        code="C" * 10_000
    ),
    "identifier": lambda r: r["identifier"][0].update(value="F-\x00\x1b[31m"),
    "diagnosis": lambda r: r.update(
        diagnosis=[
            {
                "sequence": 1,
                "diagnosisCodeableConcept": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "A" * 10_000}]
                },
            }
        ]
    ),
    "insurance[0].preAuthRef": lambda r: r["insurance"][0].update(preAuthRef=["9" * 25]),
    "item[0].quantity.value": lambda r: r["item"][0]["quantity"].update(value=10**25),
    "item[0].unitPrice.value": lambda r: r["item"][0]["unitPrice"].update(value=1e300),
}


@pytest.mark.parametrize("element", sorted(CLAIM_FAULTS))
def test_a_claim_beyond_the_limits_is_refused_with_its_element_and_saves_nothing(
    client, care, day, clerk_of_joal, element
):
    resource = hostile_claim(care, day, CLAIM_FAULTS[element])
    response = client.post(
        "/fhir/r4/Claim",
        json.dumps(resource),
        content_type="application/fhir+json",
        headers=clerk_of_joal,
    )
    [issue] = refused(response)
    assert issue["expression"] == [f"Claim.{element}"]
    assert not Claim.objects.exists()


def test_a_read_of_an_id_no_resource_could_have_is_not_found(client, paid, clerk):
    for kind in ("Patient", "Coverage", "Organization"):
        for wrong in ("A%00B", "M" * 10_000, "%1B%5B31m"):
            [issue] = refused(client.get(f"/fhir/r4/{kind}/{wrong}", headers=clerk), 404)
            assert issue["code"] == "not-found"


def test_a_path_the_server_does_not_have_is_not_found_in_fhirs_way(client, db):
    for path in ("Patient/", "Patient/a/b", "Encounter/1", "metadata/x"):
        [issue] = refused(client.get(f"/fhir/r4/{path}"), 404)
        assert issue["code"] == "not-found"


def test_a_body_nested_too_deeply_or_too_large_is_refused(client, paid, clerk):
    [issue] = refused(post(client, "[" * 100_000 + "]" * 100_000, clerk))
    assert issue["code"] == "too-costly"
    [issue] = refused(post(client, '{"id": "' + "x" * 3_000_000 + '"}', clerk), 413)
    assert issue["code"] == "too-costly"
