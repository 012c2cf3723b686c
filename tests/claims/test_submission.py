"""Submitting claims: resolution, adjudication under the right agreement, portability, review,
and bad input that changes nothing. Runs on SQLite and PostgreSQL."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualis.claims.choices import ClaimStatus, Outcome, ReasonCode, ReviewReason
from mutualis.claims.models import Claim, ClaimLine, ReviewPolicy
from mutualis.claims.services import ClaimInput, LineInput, claims_approve, claims_submit
from mutualis.core.audit import audit_trail

TODAY = datetime.date(2025, 3, 20)
CARE = datetime.date(2025, 3, 10)


def consultation(who, reference="F-001", provider="PS-JOAL", day=CARE, lines=None, **extra):
    return ClaimInput(
        member_number=who.member_number,
        provider_code=provider,
        provider_reference=reference,
        service_from=day,
        service_to=None,
        lines=lines or (LineInput("CS-PS", 1, 1000), LineInput("PARA500", 10, 30)),
        **extra,
    )


def submit(*inputs, prefix="/", **options):
    return claims_submit(
        list(inputs), channel="clerk", actor=None, scope_prefix=prefix, today=TODAY, **options
    )


@pytest.fixture(autouse=True)
def no_random_review(federation):
    ReviewPolicy.objects.create(owner=federation.national, sample_bp=0, review_adjusted=False)


def test_a_covered_member_is_paid_at_the_package_rate_and_agreed_prices(care, federation):
    submission = submit(consultation(care.moussa))
    assert submission.saved and submission.errors == {}
    (claim,) = submission.claims
    consultation_line, medicine = claim.lines.all()
    assert (consultation_line.outcome, consultation_line.mutual_share) == (Outcome.APPROVED, 800)
    # 10 tablets asked at 30, agreed at 25: 250 allowed, 80 % paid by the mutual, 20 % owed by
    # the member, and the 50 above the tariff the provider may not bill
    assert medicine.outcome == Outcome.ADJUSTED
    assert medicine.reasons == ReasonCode.ABOVE_TARIFF
    parts = (medicine.mutual_share, medicine.member_share, medicine.provider_loss)
    assert parts == (200, 50, 50)
    assert medicine.copay == 50
    parts = (claim.mutual_share, claim.member_share, claim.provider_loss)
    assert (claim.asked, *parts, claim.copay) == (1300, 1000, 250, 50, 250)
    assert claim.mutual == federation.m1 and claim.payer == federation.m1
    assert claim.agreement == care.agreements["PS-JOAL"]
    assert claim.status == ClaimStatus.DECIDED
    assert [entry.action for entry in audit_trail(claim)] == ["create"]


def test_care_in_the_waiting_period_is_rejected_with_its_reason(care):
    (claim,) = submit(consultation(care.moussa, day=datetime.date(2025, 2, 1))).claims
    assert {line.outcome for line in claim.lines.all()} == {Outcome.REJECTED}
    assert claim.lines.all()[0].reasons == ReasonCode.WAITING_PERIOD
    # the member owes the care at the agreed tariffs; what is above them is the provider's loss
    assert (claim.mutual_share, claim.member_share, claim.provider_loss) == (0, 1250, 50)
    assert claim.copay == 0


def test_portability_pays_through_the_other_union_and_charges_back_the_mutual(care, federation):
    (claim,) = submit(consultation(care.awa, provider="PS-PAKOUR")).claims
    assert claim.mutual == federation.m1
    assert claim.payer == federation.d2
    assert claim.mutual_share == 1000


def test_the_same_care_claimed_again_is_not_paid_twice(care):
    submit(consultation(care.moussa))
    (again,) = submit(consultation(care.moussa, reference="F-002")).claims
    assert again.mutual_share == 0
    assert {line.reasons for line in again.lines.all()} == {ReasonCode.DUPLICATE}


def test_an_unknown_act_rejects_its_line_only(care):
    lines = (LineInput("CS-PS", 1, 1000), LineInput("NOPE", 1, 500))
    (claim,) = submit(consultation(care.moussa, lines=lines)).claims
    known, unknown = claim.lines.all()
    assert known.outcome == Outcome.APPROVED
    assert (unknown.outcome, unknown.reasons, unknown.item_id) == (
        Outcome.REJECTED,
        ReasonCode.UNKNOWN_ITEM,
        None,
    )


def test_care_after_the_submission_date_is_rejected(care):
    (claim,) = submit(consultation(care.moussa, day=TODAY + datetime.timedelta(days=1))).claims
    assert claim.lines.all()[0].reasons == ReasonCode.FUTURE_DATE


def test_an_expired_agreement_rejects_the_claim(care):
    agreement = care.agreements["PS-JOAL"]
    agreement.ends_on = datetime.date(2025, 3, 1)
    agreement.save()
    (claim,) = submit(consultation(care.moussa)).claims
    assert claim.lines.all()[0].reasons == ReasonCode.AGREEMENT_EXPIRED
    assert claim.agreement == agreement and claim.mutual_share == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"member_number": "M1-999999-Z"}, "member_number"),
        ({"provider_code": "XX"}, "provider_code"),
        ({"lines": (LineInput("CS-PS", -1, 1000),)}, "lines.0.quantity"),
        ({"lines": (LineInput("CS-PS", 1, -5),)}, "lines.0.unit_price"),
        ({"lines": ()}, "lines"),
        ({"diagnosis": "ZZZ.9"}, "diagnosis"),
        ({"provider_reference": " "}, "provider_reference"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_saves_nothing(care, change, field):
    good = consultation(care.moussa, reference="OK-1")
    bad = consultation(care.fatou, reference="BAD-1")
    bad = ClaimInput(**{**bad.__dict__, **change})
    submission = submit(good, bad)
    assert not submission.saved
    assert list(submission.errors) == [1]
    assert field in submission.errors[1]
    assert all(submission.errors[1][field])
    assert not Claim.objects.exists() and not ClaimLine.objects.exists()


def test_valid_only_saves_the_good_claims_of_a_batch(care):
    submission = submit(
        consultation(care.moussa, reference="A"),
        consultation(care.moussa, reference="A"),
        valid_only=True,
    )
    assert submission.saved
    assert submission.claim_ids[0] is not None and submission.claim_ids[1] is None
    assert "provider_reference" in submission.errors[1]
    assert Claim.objects.count() == 1


def test_an_invoice_number_is_accepted_once_per_provider(care):
    submit(consultation(care.moussa, reference="F-9"))
    submission = submit(consultation(care.fatou, reference="F-9"))
    assert not submission.saved
    assert "provider_reference" in submission.errors[0]
    assert Claim.objects.count() == 1


def test_a_member_outside_the_submitters_scope_is_unknown(care, federation):
    submission = submit(consultation(care.moussa), prefix=federation.m2.path)
    assert "member_number" in submission.errors[0]


def test_claims_above_the_threshold_wait_for_the_medical_advisor(care, federation):
    ReviewPolicy.objects.filter(owner=federation.national).update(amount_threshold=1000)
    (claim,) = submit(consultation(care.moussa)).claims
    assert claim.status == ClaimStatus.IN_REVIEW
    assert claim.review_reasons == ReviewReason.AMOUNT


def test_approving_claims_decides_all_of_them_or_none(care, federation):
    ReviewPolicy.objects.filter(owner=federation.national).update(amount_threshold=1000)
    first, second = submit(
        consultation(care.moussa, reference="R-1"), consultation(care.awa, reference="R-2")
    ).claims
    claims_approve(by=None, claims=[first])
    with pytest.raises(ValidationError):
        claims_approve(by=None, claims=[second, first])  # the first was decided already
    second.refresh_from_db()
    assert second.status == ClaimStatus.IN_REVIEW
    assert claims_approve(by=None, claims=[second]) == 1
    second.refresh_from_db()
    assert second.status == ClaimStatus.DECIDED
    assert second.asked == second.mutual_share + second.member_share + second.provider_loss


def test_a_batch_is_audited_once_per_mutual(care, federation):
    submission = submit(
        consultation(care.moussa, reference="B-1"), consultation(care.awa, reference="B-2")
    )
    assert len([pk for pk in submission.claim_ids if pk]) == 2
    entry = audit_trail(federation.m1).get(action="create", changes__has_key="claims")
    assert entry.changes["claims"][1] == {"channel": "clerk", "claims": 2}


def test_a_decision_appends_the_claims_event_with_parts_that_add_up(care, federation):
    from mutualis.core.models import Event

    ReviewPolicy.objects.filter(owner=federation.national).update(amount_threshold=1000)
    first, _second = submit(
        consultation(care.moussa, reference="R-1"), consultation(care.awa, reference="R-2")
    ).claims
    with pytest.raises(ValidationError):
        claims_approve(by=None, claims=[first, first])  # the second time: already decided
    assert not Event.objects.filter(kind="claim.reviewed").exists()  # nothing half-written
    claims_approve(by=None, claims=[first])
    (event,) = Event.objects.filter(kind="claim.reviewed")
    assert (event.organisation_id, event.subject) == (first.mutual_id, first.uid)
    parts = ("mutual_share", "member_share", "provider_loss")
    assert sum(event.payload[part] for part in parts) == event.payload["asked"]
    # approved as adjudicated: each line's outcome as the engine decided it
    assert [line["outcome"] for line in event.payload["lines"]] == list(
        first.lines.order_by("position").values_list("outcome", flat=True)
    )
    assert (
        sum(line["mutual_share"] for line in event.payload["lines"])
        == (event.payload["mutual_share"])
    )


def test_every_claim_of_a_batch_appends_one_event_to_its_mutuals_log(care, federation):
    from mutualis.core.models import Event

    ReviewPolicy.objects.filter(owner=federation.national).update(amount_threshold=1000)
    cheap = consultation(care.moussa, reference="E-1", lines=(LineInput("CS-PS", 1, 1000),))
    dear = consultation(care.awa, reference="E-2")
    decided, waiting = submit(cheap, dear).claims
    assert (decided.status, waiting.status) == (ClaimStatus.DECIDED, ClaimStatus.IN_REVIEW)
    logged = {
        event.subject: event
        for event in Event.objects.filter(kind__in=["claim.adjudicated", "claim.submitted"])
    }
    assert set(logged) == {decided.uid, waiting.uid}
    assert logged[decided.uid].kind == "claim.adjudicated"
    assert logged[waiting.uid].kind == "claim.submitted"
    for claim in (decided, waiting):
        event = logged[claim.uid]
        assert event.organisation_id == claim.mutual_id
        payload = event.payload
        assert (payload["beneficiary"], payload["provider"], payload["payer"]) == (
            str(claim.beneficiary.uid),
            str(claim.provider.uid),
            str(claim.payer.uid),
        )
        assert payload["service_from"] == claim.service_from.isoformat()
        parts = ("mutual_share", "member_share", "provider_loss")
        assert [payload[part] for part in parts] == [getattr(claim, part) for part in parts]
        assert [line["mutual_share"] for line in payload["lines"]] == list(
            claim.lines.order_by("position").values_list("mutual_share", flat=True)
        )
    # numbered after whatever the mutual's log held, without gaps
    numbers = sorted(
        Event.objects.filter(organisation_id=decided.mutual_id).values_list("sequence", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_batch_read_before_the_write_lock_is_decided_again_when_anything_was_logged_since(
    care,
):
    """A batch is read and decided before the write lock is taken; a claim for the same care
    saved in between (here, as the lock is taken and the log's size read again) is seen: the
    batch is decided again and its claim is not paid twice."""
    sizes_read: list = []
    meanwhile: list = []

    def another_clerk_submits_first(execute, sql, params, many, context):
        if "SUM(" in sql and "core_eventsequence" in sql:
            sizes_read.append(sql)
            if len(sizes_read) == 2:  # the second reading: under the lock
                meanwhile.append(submit(consultation(care.moussa, reference="F-EARLIER")))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(another_clerk_submits_first):
        (late,) = submit(consultation(care.moussa, reference="F-LATER")).claims
    (earlier,) = meanwhile[0].claims
    assert earlier.mutual_share == 1000
    assert late.mutual_share == 0
    assert {line.reasons for line in late.lines.all()} == {ReasonCode.DUPLICATE}
