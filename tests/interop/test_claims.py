"""Claiming through FHIR: a provider's software posts a Claim, the claim is adjudicated and
saved like a clerk's, and the ClaimResponse says per item what was asked, what is eligible, the
co-payment, what the mutual pays and why."""

import json

import pytest
from fhir.resources.R4B.claimresponse import ClaimResponse

from mutualis.claims.models import Claim
from mutualis.interop import codes
from mutualis.providers.models import Tariff
from tests.interop.conftest import fhir_claim


def post(client, resource, headers):
    return client.post(
        "/fhir/r4/Claim",
        json.dumps(resource),
        content_type="application/fhir+json",
        headers=headers,
    )


def responded(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    ClaimResponse.model_validate_json(response.content)
    return response.json()


def adjudication(item: dict) -> dict:
    """{category: amount or value} and the reasons of one item."""
    found, reasons = {}, []
    for entry in item["adjudication"]:
        category = entry["category"]["coding"][0]["code"]
        if "reason" in entry:
            reasons.append(entry["reason"]["coding"][0]["code"])
        elif "amount" in entry:
            found[category] = entry["amount"]["value"]
        elif "value" in entry:
            found[category] = entry["value"]
    return found | {"reasons": reasons}


def test_a_claim_is_adjudicated_saved_and_answered_item_by_item(client, care, day, clerk_of_joal):
    # given a consultation at the agreed tariff and ten tablets above it
    resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000), ("PARA500", 10, 30)])
    # when the health post's software posts it
    body = responded(post(client, resource, clerk_of_joal))
    # then the consultation is paid at 80 %, the tablets at the tariff (25) and 80 % of it
    first, second = (adjudication(item) for item in body["item"])
    assert [item["itemSequence"] for item in body["item"]] == [1, 2]
    assert first == {
        "submitted": 1000,
        "eligible": 1000,
        "copay": 200,
        "eligpercent": 80,
        "benefit": 800,
        "reasons": [],
    }
    assert type(first["eligpercent"]) is int  # 80, not 80.0
    # the 50 above the tariff is not eligible: the provider's loss, never the member's
    assert (second["submitted"], second["eligible"]) == (300, 250)
    assert second["benefit"] == 200 and second["copay"] == 50
    assert second["reasons"] == ["above_tariff"]
    totals = {t["category"]["coding"][0]["code"]: t["amount"]["value"] for t in body["total"]}
    assert totals == {"submitted": 1300, "eligible": 1250, "copay": 250, "benefit": 1000}
    # the claim is the provider's invoice, saved as coming through FHIR
    claim = Claim.objects.get()
    assert (claim.provider_reference, claim.channel) == ("F-2001", "fhir")
    assert body["identifier"] == [{"system": codes.CLAIM_UID, "value": str(claim.uid)}]
    assert body["request"]["identifier"]["value"] == "F-2001"
    assert body["patient"] == {"reference": f"Patient/{care.awa.member_number}"}
    assert body["requestor"] == {"reference": "Organization/PS-JOAL"}
    # an adjusted line sends the claim to the medical advisor: decided, not final
    assert body["outcome"] == "queued"
    assert claim.status == "in_review"


def test_a_claim_paid_as_asked_is_complete(client, care, day, clerk_of_joal):
    resource = fhir_claim(care.moussa.member_number, day, [("CS-PS", 1, 1000)])
    body = responded(post(client, resource, clerk_of_joal))
    assert body["outcome"] == "complete"
    assert adjudication(body["item"][0])["benefit"] == 800


def test_an_item_nobody_knows_is_rejected_with_its_reason(client, care, day, clerk_of_joal):
    resource = fhir_claim(care.moussa.member_number, day, [("XYZ", 1, 500)], invoice="F-2002")
    body = responded(post(client, resource, clerk_of_joal))
    [item] = body["item"]
    assert adjudication(item)["reasons"] == ["unknown_item"]
    # an act nobody knows may not be billed: nothing is eligible, nothing owed by the member
    assert (adjudication(item)["submitted"], adjudication(item)["eligible"]) == (500, 0)
    assert body["outcome"] == "error"


def test_the_three_parts_follow_from_hls_categories_when_the_member_owes_a_rejected_line(
    client, care, day, clerk_of_joal
):
    # given a delivery the agreement prices at 15,000 but the package does not cover at a
    # health post, billed at 18,000
    version = care.agreements["PS-JOAL"].versions.get()
    Tariff.objects.create(version=version, item=care.delivery, price=15000)
    resource = fhir_claim(care.moussa.member_number, day, [("ACC-SIMP", 1, 18000)])
    # when it is posted
    body = responded(post(client, resource, clerk_of_joal))
    # then the 3,000 above the tariff is not eligible (the provider's loss) and the member owes
    # the eligible 15,000 the mutual does not pay
    [item] = body["item"]
    found = adjudication(item)
    assert found["reasons"] == ["not_in_package"]
    assert (found["submitted"], found["eligible"], found["benefit"]) == (18000, 15000, 0)
    claim = Claim.objects.get()
    assert (claim.mutual_share, claim.member_share, claim.provider_loss) == (0, 15000, 3000)
    assert found["submitted"] - found["eligible"] == claim.provider_loss
    assert found["eligible"] - found["benefit"] == claim.member_share
    assert "à la charge de l’adhérent\xa0: 15\xa0000 XOF" in body["disposition"]


def test_the_same_invoice_twice_is_refused_the_second_time(client, care, day, clerk_of_joal):
    resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000)], invoice="F-2003")
    responded(post(client, resource, clerk_of_joal))
    response = post(client, resource, clerk_of_joal)
    assert response.status_code == 400
    [issue] = response.json()["issue"]
    assert issue["expression"] == ["Claim.identifier"]
    assert Claim.objects.count() == 1


def test_an_unknown_member_is_refused_on_the_patient(client, care, day, clerk_of_joal):
    response = post(client, fhir_claim("M1-999999-Z", day, [("CS-PS", 1, 1000)]), clerk_of_joal)
    assert response.status_code == 400
    [issue] = response.json()["issue"]
    assert issue["expression"] == ["Claim.patient"]
    assert not Claim.objects.exists()


def test_a_clerk_bills_only_for_their_own_provider(client, care, day, clerk_of_joal):
    resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000)], provider="PS-PAKOUR")
    response = post(client, resource, clerk_of_joal)
    assert response.status_code == 400
    assert response.json()["issue"][0]["expression"] == ["Claim.provider"]
    assert not Claim.objects.exists()


def test_a_manager_may_bill_for_a_provider_of_their_scope(client, care, day, cast, key_of):
    resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000)])
    responded(post(client, resource, key_of(cast["mutual_manager"])))
    assert Claim.objects.get().submitted_by == cast["mutual_manager"]


def test_roles_that_do_not_bill_are_refused(client, care, day, cast, key_of):
    for role in ("cashier", "enrolment_agent", "medical_advisor"):
        resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000)])
        assert post(client, resource, key_of(cast[role])).status_code == 403
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("change", "element"),
    [
        (lambda r: r.pop("priority"), "Claim.priority"),
        (lambda r: r["item"][0]["quantity"].update(value=1.5), "Claim.item[0].quantity.value"),
        (lambda r: r["item"][0]["unitPrice"].update(value=999.99), "Claim.item[0].unitPrice.value"),
        (lambda r: r["item"][0].pop("unitPrice"), "Claim.item[0].unitPrice"),
        (lambda r: r["item"][0]["quantity"].update(value=0), "Claim.item[0].quantity"),
        (lambda r: r.update(use="preauthorization"), "Claim.use"),
        (lambda r: r.pop("identifier"), "Claim.identifier"),
        (lambda r: r["billablePeriod"].update(start="2025-13-01"), "Claim.billablePeriod.start"),
    ],
)
def test_what_is_wrong_is_named_and_nothing_is_saved(
    client, care, day, clerk_of_joal, change, element
):
    resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000)])
    change(resource)
    response = post(client, resource, clerk_of_joal)
    assert response.status_code == 400, response.content
    assert element in [e for issue in response.json()["issue"] for e in issue["expression"]]
    assert not Claim.objects.exists()


def test_a_clerk_bills_for_a_member_of_another_mutual(
    client, care, day, clerk_of_joal, outsider, federation
):
    # portability: the claim belongs to the member's mutual, whoever treated them
    resource = fhir_claim(outsider.member_number, day, [("CS-PS", 1, 1000)], invoice="F-2009")
    body = responded(post(client, resource, clerk_of_joal))
    assert Claim.objects.get().mutual == federation.m2
    assert body["insurer"]["identifier"]["value"] == str(federation.m2.uid)


def test_the_answer_repeats_no_medical_detail(client, care, day, cast, key_of):
    # issue 10: the ClaimResponse names each item by its sequence and the claim by the invoice,
    # so that neither the diagnosis nor the acts go back out, even to a manager who billed
    resource = fhir_claim(
        care.awa.member_number,
        day,
        [("CS-PS", 1, 1000), ("PARA500", 10, 25)],
        diagnosis=[
            {
                "sequence": 1,
                "diagnosisCodeableConcept": {"coding": [{"system": codes.ICD_10, "code": "A09"}]},
            }
        ],
    )
    answer = responded(post(client, resource, key_of(cast["mutual_manager"])))
    text = json.dumps(answer)
    assert Claim.objects.get().diagnosis == "A09"
    assert not [word for word in ("A09", "CS-PS", "PARA500", "Paracétamol") if word in text]
