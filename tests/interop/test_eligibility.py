"""Checking eligibility at the point of care: a CoverageEligibilityRequest in, a valid
CoverageEligibilityResponse out, saying whether the coverage is in force, why not, and what
the package pays at the provider's level of care."""

import datetime
import json

from django.conf import settings
from django.utils import translation
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse

from mutualis.claims.choices import ReasonCode
from mutualis.claims.models import Claim, ClaimLine
from mutualis.core.signing import card_payload, card_signature
from mutualis.interop import codes
from mutualis.providers.services import provider_create
from tests.interop.conftest import D, asking, example, member, post


def answered(response) -> tuple[dict, CoverageEligibilityResponse]:
    """The answer as JSON, and parsed back by the R4B model: it must be a valid resource."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    body = response.json()
    return body, CoverageEligibilityResponse.model_validate_json(response.content)


def reasons(element: dict) -> list[tuple[str, str | None]]:
    found = []
    for extension in element.get("extension", []):
        assert extension["url"] == codes.COVERAGE_REASON
        parts = {part["url"]: part for part in extension["extension"]}
        coding = parts["reason"]["valueCodeableConcept"]["coding"][0]
        assert coding["system"] == codes.REASON
        found.append((coding["code"], parts.get("date", {}).get("valueDate")))
    return found


def items_by_category(body: dict) -> dict[str, dict]:
    return {item["category"]["coding"][0]["code"]: item for item in body["insurance"][0]["item"]}


def benefit(item: dict, system: str, code: str) -> dict:
    return next(
        b
        for b in item["benefit"]
        if b["type"]["coding"][0]["system"] == system and b["type"]["coding"][0]["code"] == code
    )


def test_hl7s_first_example_about_a_covered_member_says_in_force(client, paid, health_post, clerk):
    # given HL7's example, about our member at our provider
    request = example("coverageeligibilityrequest-example")
    request["patient"] = {"reference": f"Patient/{member(paid, 'Awa')}"}
    request["provider"] = {"reference": "Organization/PS-JOAL"}
    request["servicedDate"] = "2025-03-01"
    # when the clerk's program sends it
    body, resource = answered(post(client, request, clerk))
    # then the coverage is in force, with no reason against it
    assert resource.outcome == "complete"
    assert body["insurance"][0]["inforce"] is True
    assert reasons(body["insurance"][0]) == []
    assert body["patient"] == {"reference": f"Patient/{member(paid, 'Awa')}"}
    assert body["request"]["identifier"]["value"] == "52345"
    assert body["insurer"]["identifier"] == {
        "system": codes.ORGANISATION_UID,
        "value": str(paid.mutual.uid),
    }
    # validation only was asked for: no benefits
    assert "item" not in body["insurance"][0]


def test_hl7s_second_example_asks_about_maternity_and_hears_of_childbirths_waiting(
    client, paid, health_post, clerk
):
    request = example("coverageeligibilityrequest-example-2")
    request["patient"] = {"reference": f"Patient/{member(paid, 'Awa')}"}
    request["provider"] = {"reference": "Organization/PS-JOAL"}
    request["servicedDate"] = "2025-03-01"
    body, _resource = answered(post(client, request, clerk))
    insurance = body["insurance"][0]
    assert insurance["inforce"] is True
    # HL7's "69 Maternity" is our antenatal care, childbirth and caesarean
    items = items_by_category(body)
    assert list(items) == ["antenatal_care", "childbirth", "caesarean"]
    # childbirth waits 270 days from the first payment, the rest 30
    assert reasons(items["childbirth"]) == [("waiting_period", "2025-10-07")]
    assert reasons(items["antenatal_care"]) == []
    assert items["childbirth"]["excluded"] is False
    assert benefit(items["childbirth"], codes.HL7_BENEFIT_TYPE, "copay-percent") == {
        "type": benefit(items["childbirth"], codes.HL7_BENEFIT_TYPE, "copay-percent")["type"],
        "allowedUnsignedInt": 0,
    }
    # not in the package at a health post
    assert items["antenatal_care"]["excluded"] is True
    assert items["caesarean"]["excluded"] is True


def test_each_service_category_says_what_the_package_pays_at_the_providers_level(
    client, paid, health_post, clerk
):
    body, _resource = answered(post(client, asking(member(paid, "Moussa")), clerk))
    items = items_by_category(body)
    assert len(items) == 11
    consultation = items["consultation"]
    assert (
        benefit(consultation, codes.HL7_BENEFIT_TYPE, "copay-percent")["allowedUnsignedInt"] == 20
    )
    assert benefit(consultation, codes.BENEFIT_TYPE, "coverage-rate")["allowedUnsignedInt"] == 8000
    assert consultation["authorizationRequired"] is False
    # 82.5 % covered: a co-payment of 17.5 %, which no whole number says
    medicines = items["medicines"]
    assert benefit(medicines, codes.HL7_BENEFIT_TYPE, "copay-percent")["allowedString"] == "17.5"
    assert benefit(medicines, codes.BENEFIT_TYPE, "ceiling-per-act")["allowedMoney"] == {
        "value": 10000,
        "currency": "XOF",
    }
    assert items["optical"]["excluded"] is True
    assert "benefit" not in items["optical"]


def test_the_level_of_the_provider_selects_the_rules(client, paid, federation, clerk):
    provider_create(
        by=None,
        owner=federation.d1,
        code="CS-MBOUR",
        name="Centre de santé de Mbour",
        kind="health_centre",
        level="health_centre",
        sector="public",
    )
    body, _resource = answered(
        post(client, asking(member(paid, "Moussa"), provider="CS-MBOUR"), clerk)
    )
    items = items_by_category(body)
    assert benefit(items["consultation"], codes.BENEFIT_TYPE, "coverage-rate") == {
        "type": benefit(items["consultation"], codes.BENEFIT_TYPE, "coverage-rate")["type"],
        "allowedUnsignedInt": 7000,
    }
    hospitalisation = items["hospitalisation"]
    assert hospitalisation["authorizationRequired"] is True
    assert (
        benefit(hospitalisation, codes.BENEFIT_TYPE, "ceiling-per-episode")["allowedMoney"]["value"]
        == 150_000
    )
    # medicines have no rule at a health centre
    assert items["medicines"]["excluded"] is True


def claim(household, first_name, provider, day, lines):
    """A claim already decided, with (category, outcome, mutual share) lines."""
    beneficiary = household.beneficiaries.get(first_name=first_name)
    total = sum(share for _category, _outcome, share in lines)
    found = Claim.objects.create(
        mutual=household.mutual,
        beneficiary=beneficiary,
        provider=provider,
        provider_reference=f"F-{day}-{total}",
        service_from=day,
        service_to=day,
        channel="clerk",
        submitted_on=day,
        status="decided",
        asked=total,
        mutual_share=total,
        member_share=0,
        provider_loss=0,
        copay=0,
    )
    for position, (category, outcome, share) in enumerate(lines, start=1):
        ClaimLine.objects.create(
            mutual=household.mutual,
            claim=found,
            position=position,
            item_code="MED",
            service_category=category,
            service_date=day,
            quantity=1,
            unit_price=share,
            asked=share,
            outcome=outcome,
            mutual_share=share if outcome != "rejected" else 0,
            member_share=0,
            provider_loss=share if outcome == "rejected" else 0,
            copay=0,
        )


def test_what_is_left_of_the_yearly_ceiling_counts_this_years_claims_not_rejected(
    client, paid, health_post, clerk
):
    # given medicines paid for Moussa this year and last year, one line rejected, and Awa's
    claim(paid, "Moussa", health_post, D(2025, 2, 1), [("medicines", "approved", 12_000)])
    claim(
        paid,
        "Moussa",
        health_post,
        D(2025, 2, 15),
        [("medicines", "adjusted", 3_000), ("medicines", "rejected", 9_000)],
    )
    claim(paid, "Moussa", health_post, D(2025, 2, 20), [("consultation", "approved", 2_000)])
    claim(paid, "Moussa", health_post, D(2024, 12, 30), [("medicines", "approved", 7_000)])
    claim(paid, "Awa", health_post, D(2025, 2, 1), [("medicines", "approved", 5_000)])
    # when the clerk asks about Moussa in 2025
    body, _resource = answered(post(client, asking(member(paid, "Moussa")), clerk))
    medicines = items_by_category(body)["medicines"]
    yearly = benefit(medicines, codes.HL7_BENEFIT_TYPE, "benefit")
    # then 50,000 a year, 15,000 used: 35,000 left
    assert yearly["allowedMoney"] == {"value": 50000, "currency": "XOF"}
    assert yearly["usedMoney"] == {"value": 15000, "currency": "XOF"}
    assert "35" in medicines["description"] and "000" in medicines["description"]
    assert medicines["term"]["coding"][0]["code"] == "annual"
    assert body["insurance"][0]["benefitPeriod"] == {"start": "2025-01-01", "end": "2025-12-31"}


def test_a_member_in_the_waiting_period_is_not_in_force_and_says_until_when(
    client, paid, health_post, clerk
):
    body, _resource = answered(post(client, asking(member(paid, "Fatou"), day="2025-01-20"), clerk))
    insurance = body["insurance"][0]
    assert insurance["inforce"] is False
    assert reasons(insurance) == [("waiting_period", "2025-02-09")]
    reason = insurance["extension"][0]["extension"][0]["valueCodeableConcept"]
    # the display is the reason's label, in the language of the site (French by default)
    with translation.override("fr"):
        assert reason["coding"][0]["display"] == str(ReasonCode.WAITING_PERIOD.label)
    assert "2025-02-09" in reason["text"]
    assert body["outcome"] == "complete"


def test_the_answer_speaks_the_language_the_user_chose(client, paid, health_post, clerk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body, _resource = answered(post(client, asking(member(paid, "Fatou"), day="2025-01-20"), clerk))
    reason = body["insurance"][0]["extension"][0]["extension"][0]["valueCodeableConcept"]
    assert reason["coding"][0]["display"] == "care during the waiting period"
    assert reason["text"] == "in the waiting period until 2025-02-09"
    assert items_by_category(body)["consultation"]["category"]["coding"][0]["display"] == (
        "consultation"
    )


def test_unpaid_contributions_are_the_reason_a_year_later(client, paid, health_post, clerk):
    body, _resource = answered(
        post(client, asking(member(paid, "Ibrahima"), day="2026-03-01"), clerk)
    )
    assert body["insurance"][0]["inforce"] is False
    assert reasons(body["insurance"][0]) == [("contributions_unpaid", "2026-01-01")]


def test_a_household_that_never_paid_has_every_reason(
    client, family, rich_package, health_post, clerk
):
    body, _resource = answered(
        post(client, asking(member(family, "Moussa"), day="2025-01-05"), clerk)
    )
    assert body["insurance"][0]["inforce"] is False
    assert reasons(body["insurance"][0]) == [("not_enrolled", "2025-01-10"), ("never_paid", None)]


def test_a_signed_card_names_the_member(client, paid, health_post, clerk):
    request = asking("ignored")
    request["patient"] = {
        "identifier": {"system": codes.MEMBER_CARD, "value": card_payload(member(paid, "Awa"))}
    }
    body, _resource = answered(post(client, request, clerk))
    assert body["patient"] == {"reference": f"Patient/{member(paid, 'Awa')}"}
    assert body["insurance"][0]["inforce"] is True


def card_answer(client, clerk, payload):
    request = asking("ignored")
    request["patient"] = {"identifier": {"system": codes.MEMBER_CARD, "value": payload}}
    body, resource = answered(post(client, request, clerk))
    assert resource.outcome == "error"
    assert "insurance" not in body
    [error] = body["error"]
    assert error["code"]["coding"][0]["system"] == codes.CARD_PROBLEM
    return error["code"]["coding"][0]["code"]


def test_a_forged_card_is_reported_and_says_nothing_of_the_member(client, paid, health_post, clerk):
    number = member(paid, "Awa")
    forged = f"MUTUALIS1:{number}:{card_signature(member(paid, 'Moussa'))}"
    assert card_answer(client, clerk, forged) == "forged"


def test_an_unsigned_or_malformed_card_is_reported(client, paid, health_post, clerk):
    assert card_answer(client, clerk, f"MUTUALIS1:{member(paid, 'Awa')}") == "unsigned"
    assert card_answer(client, clerk, "https://example.org/not-a-card") == "malformed"


def test_the_member_number_may_come_as_an_identifier(client, paid, health_post, clerk):
    request = asking("ignored")
    request["patient"] = {
        "identifier": {"system": codes.MEMBER_NUMBER, "value": member(paid, "Awa")}
    }
    body, _resource = answered(post(client, request, clerk))
    assert body["insurance"][0]["coverage"] == {"reference": f"Coverage/{member(paid, 'Awa')}"}


def test_the_answer_is_the_json_of_the_validated_model(client, paid, health_post, clerk):
    # the answer is written from the elements the models validated: both say the same
    response = post(client, asking(member(paid, "Moussa")), clerk)
    body, resource = answered(response)
    dumped = json.loads(resource.model_dump_json())
    # the same instant, which pydantic writes with a Z
    assert datetime.datetime.fromisoformat(body.pop("created")) == resource.created
    dumped.pop("created")
    assert dumped == body
