"""Issue 10's rules through `claims_submit`: the facts read from the database (earlier claims,
letters, the agreement's terms, the package's rates) reach the engine, and the three parts are
stored on every line and claim. Runs on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from mutualis.benefits.models import CoverageRule
from mutualis.claims.choices import Outcome, ReasonCode
from mutualis.claims.models import Claim, ClaimLine, ReviewPolicy
from mutualis.claims.queries import paid_in_year
from mutualis.claims.services import (
    ClaimInput,
    LineInput,
    claims_submit,
    letter_cancel,
    letter_issue,
)
from mutualis.core.ids import new_uid
from mutualis.federation.rules import Role
from mutualis.providers.models import AgreementVersion

D = datetime.date
TODAY = D(2025, 3, 31)


def bill(who, reference, day, lines, end=None, **extra):
    (claim,) = claims_submit(
        [
            ClaimInput(
                member_number=who.member_number,
                provider_code="PS-JOAL",
                provider_reference=reference,
                service_from=day,
                service_to=end,
                lines=lines,
                **extra,
            )
        ],
        channel="clerk",
        actor=None,
        scope_prefix="/",
        today=TODAY,
    ).claims
    return claim


def consultation(day=None):
    return LineInput("CS-PS", 1, 1000, day)


def change_consultations(cmu_package, **rule):
    CoverageRule.objects.filter(service_category="consultation", level="health_post").update(**rule)
    cmu_package.rules_revision = new_uid()  # the package's rules are cached by revision
    cmu_package.save()


@pytest.fixture(autouse=True)
def no_review(federation):
    ReviewPolicy.objects.create(owner=federation.national, sample_bp=0, review_adjusted=False)


def test_the_three_parts_are_stored_on_every_line_and_claim_and_add_up_to_the_amount_asked(care):
    # given a consultation, tablets above the tariff, an unknown act and the consultation twice
    lines = (
        consultation(),
        LineInput("PARA500", 10, 30),
        LineInput("NOPE", 1, 700),
        consultation(),
    )
    # when the invoice is submitted
    claim = bill(care.moussa, "T-1", D(2025, 3, 10), lines)
    # then each line says who pays what
    stored = [
        (line.outcome, line.mutual_share, line.member_share, line.provider_loss, line.copay)
        for line in claim.lines.all()
    ]
    assert stored == [
        (Outcome.APPROVED, 800, 200, 0, 200),
        (Outcome.ADJUSTED, 200, 50, 50, 50),  # 50 above the tariff: the provider's loss
        (Outcome.REJECTED, 0, 0, 700, 0),  # an unknown act may not be billed
        (Outcome.REJECTED, 0, 0, 1000, 0),  # nor the same act twice the same day
    ]
    assert (claim.asked, claim.mutual_share, claim.member_share, claim.provider_loss) == (
        3000,
        1000,
        250,
        1750,
    )
    assert not ClaimLine.objects.exclude(
        asked=F("mutual_share") + F("member_share") + F("provider_loss")
    ).exists()
    # and the database refuses parts that do not add up
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(member_share=F("member_share") + 1)


def test_a_stay_billed_on_two_invoices_shares_its_episode_ceiling(care, cmu_package):
    change_consultations(cmu_package, ceiling_per_episode=1200)
    first = bill(care.moussa, "S-1", D(2025, 3, 10), (consultation(),))
    assert first.mutual_share == 800
    # the next day, on another invoice submitted later: the same stay
    second = bill(care.moussa, "S-2", D(2025, 3, 11), (consultation(),))
    (line,) = second.lines.all()
    assert (line.mutual_share, line.member_share, line.reasons) == (
        400,
        600,
        ReasonCode.CEILING_PER_EPISODE,
    )
    # after a day without care, a new stay
    third = bill(care.moussa, "S-3", D(2025, 3, 13), (consultation(),))
    assert third.mutual_share == 800


def march_letter(care, manager):
    """A letter of 5,000 for Moussa at the health post, for March 2025."""
    return letter_issue(
        by=manager,
        beneficiary=care.moussa,
        provider=care.post,
        valid_from=D(2025, 3, 1),
        valid_until=D(2025, 3, 31),
        cap=5000,
    )


def test_a_cancelled_letter_still_covers_the_care_given_before_its_cancellation(
    care, cmu_package, cast
):
    change_consultations(cmu_package, guarantee_letter_required=True)
    manager = cast[Role.MUTUAL_MANAGER]
    letter = march_letter(care, manager)
    letter_cancel(by=manager, letter=letter, on=D(2025, 3, 12))
    before = bill(care.moussa, "L-1", D(2025, 3, 11), (consultation(),))
    assert before.guarantee_letter == letter and before.mutual_share == 800
    named = bill(care.moussa, "L-2", D(2025, 3, 12), (consultation(),), letter_number=letter.number)
    (line,) = named.lines.all()
    assert line.reasons == ReasonCode.LETTER_MISSING
    assert (line.member_share, line.provider_loss) == (1000, 0)  # the member's rights


def test_a_provider_that_requires_a_referral_is_paid_at_the_referral_rate_for_one(
    care, cmu_package
):
    AgreementVersion.objects.filter(agreement=care.agreements["PS-JOAL"]).update(
        referral_required=True
    )
    change_consultations(cmu_package, referral_rate_bp=9000)
    normal = bill(care.moussa, "R-1", D(2025, 3, 10), (consultation(),))
    (line,) = normal.lines.all()
    assert line.reasons == ReasonCode.REFERRAL_MISSING
    assert (line.mutual_share, line.member_share, line.provider_loss) == (0, 0, 1000)
    referred = bill(care.moussa, "R-2", D(2025, 3, 11), (consultation(),), visit_type="referral")
    assert (referred.mutual_share, referred.member_share) == (900, 100)
    emergency = bill(care.moussa, "R-3", D(2025, 3, 12), (consultation(),), visit_type="emergency")
    assert (emergency.mutual_share, emergency.member_share) == (800, 200)


def test_what_was_paid_in_a_year_counts_the_lines_dated_in_it_whenever_their_stay_began(care):
    stay = Claim.objects.create(
        mutual=care.moussa.mutual,
        beneficiary=care.moussa,
        provider=care.post,
        provider_reference="NY-1",
        service_from=D(2024, 12, 30),
        service_to=D(2025, 1, 2),
        channel="clerk",
        submitted_on=D(2025, 1, 5),
        status="decided",
        asked=3000,
        mutual_share=2400,
        member_share=600,
        provider_loss=0,
        copay=600,
    )
    for position, day in enumerate((D(2024, 12, 31), D(2025, 1, 1), D(2025, 1, 2)), start=1):
        ClaimLine.objects.create(
            mutual=care.moussa.mutual,
            claim=stay,
            position=position,
            item_code="CS-PS",
            item=care.consultation,
            service_category="consultation",
            service_date=day,
            quantity=1,
            unit_price=1000,
            asked=1000,
            outcome=Outcome.APPROVED,
            mutual_share=800,
            member_share=200,
            provider_loss=0,
            copay=200,
        )
    assert paid_in_year(care.moussa.pk, 2024) == {"consultation": 800}
    assert paid_in_year(care.moussa.pk, 2025) == {"consultation": 1600}


def test_a_letter_issued_and_cancelled_appends_its_events(care, cast):
    from mutualis.core.models import Event

    manager = cast[Role.MUTUAL_MANAGER]
    letter = march_letter(care, manager)
    letter_cancel(by=manager, letter=letter, on=D(2025, 3, 12))
    issued, cancelled = Event.objects.filter(subject=letter.uid).order_by("sequence")
    assert (issued.kind, issued.payload["cap"], issued.payload["valid_until"]) == (
        "letter.issued",
        5000,
        "2025-03-31",
    )
    assert (cancelled.kind, cancelled.payload["cancelled_on"]) == ("letter.cancelled", "2025-03-12")
    assert issued.organisation_id == care.moussa.mutual_id
