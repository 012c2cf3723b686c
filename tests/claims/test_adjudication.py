"""The adjudication engine: every line adds up, no ceiling is exceeded, nothing is paid twice
(properties over random claims), and each reason in its own example."""

import datetime
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.claims.adjudication import (
    AgreementTerms,
    Benefit,
    ClaimFacts,
    History,
    Item,
    Letter,
    Line,
    adjudicate,
)
from mutualis.claims.choices import Outcome, ReasonCode
from mutualis.claims.review import Parts, reviewed
from mutualis.core.money import share

DAY = datetime.date(2025, 6, 2)
CONSULTATION = Item(1, "consultation")
PARACETAMOL = Item(2, "medicines", max_quantity=30)
DELIVERY = Item(3, "childbirth", max_quantity=1)
XRAY = Item(4, "imaging", min_days_between=30)
UNPRICED = Item(5, "consultation")
ITEMS = [CONSULTATION, PARACETAMOL, DELIVERY, XRAY]
TARIFFS = {1: 1000, 2: 50, 3: 15000, 4: 8000}
AGREEMENT = AgreementTerms(datetime.date(2024, 1, 1), None, 90, TARIFFS)
BENEFITS = {
    "consultation": Benefit(8000),
    "medicines": Benefit(8000, ceiling_per_act=40),
    "childbirth": Benefit(10000, ceiling_per_episode=12000, letter_required=False),
    "imaging": Benefit(5000, ceiling_per_year=10000),
}


def claim(*lines, provider=7, day=DAY, submitted=None, **changes) -> ClaimFacts:
    values = {
        "provider": provider,
        "service_from": day,
        "service_to": day,
        "submitted_on": submitted or day,
        "lines": lines,
        "agreement": AGREEMENT,
        "benefits": BENEFITS,
        "not_covered": {},
        "letter": None,
    }
    values.update(changes)
    return ClaimFacts(**values)


def line(item, quantity=1, price=None, day=DAY) -> Line:
    return Line(item, quantity, TARIFFS.get(item.id, 100) if price is None else price, day)


def only(decisions):
    (decision,) = decisions
    return decision


# --- properties ---------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=200_000)
ceilings = st.none() | st.integers(min_value=0, max_value=100_000)


@st.composite
def packages(draw):
    categories = ["consultation", "medicines", "childbirth", "imaging"]
    return {
        category: Benefit(
            rate_bp=draw(st.integers(0, 10_000)),
            ceiling_per_act=draw(ceilings),
            ceiling_per_episode=draw(ceilings),
            ceiling_per_year=draw(ceilings),
            letter_required=draw(st.booleans()),
            excluded=draw(st.booleans()),
        )
        for category in categories
        if draw(st.integers(0, 9)) > 0
    }


@st.composite
def items(draw):
    return Item(
        id=draw(st.integers(1, 6)),
        service_category=draw(
            st.sampled_from(["consultation", "medicines", "childbirth", "imaging"])
        ),
        max_quantity=draw(st.none() | st.integers(1, 5)),
        min_days_between=draw(st.none() | st.integers(1, 60)),
    )


@st.composite
def claims(draw, benefits, letter):
    day = DAY + datetime.timedelta(days=draw(st.integers(-400, 400)))
    lines = draw(
        st.lists(
            st.builds(
                Line,
                st.none() | items(),
                st.integers(1, 10),
                amounts,
                st.just(day),
            ),
            min_size=1,
            max_size=6,
        )
    )
    tariffs = draw(st.dictionaries(st.integers(1, 6), amounts, max_size=6))
    agreement = draw(
        st.none() | st.just(AgreementTerms(datetime.date(2020, 1, 1), None, 90, tariffs))
    )
    not_covered = draw(
        st.dictionaries(
            st.sampled_from(["consultation", "imaging"]),
            st.lists(st.sampled_from(["waiting_period", "contributions_unpaid"]), max_size=1),
            max_size=2,
        )
    )
    return ClaimFacts(
        provider=draw(st.integers(1, 3)),
        service_from=day,
        service_to=day,
        submitted_on=day + datetime.timedelta(days=draw(st.integers(-2, 120))),
        lines=lines,
        agreement=agreement,
        benefits=benefits,
        not_covered=not_covered,
        letter=letter if draw(st.booleans()) else None,
    )


@st.composite
def histories_of_claims(draw):
    benefits = draw(packages())
    letter = Letter(
        99, DAY - datetime.timedelta(days=500), DAY + datetime.timedelta(days=500), draw(amounts)
    )
    return benefits, letter, draw(st.lists(claims(benefits, letter), min_size=1, max_size=8))


@settings(max_examples=150, deadline=None)
@given(histories_of_claims())
def test_every_line_adds_up_and_no_ceiling_is_ever_exceeded(case):
    benefits, letter, sequence = case
    history = History()
    paid_in_year = defaultdict(int)
    paid_by_letter = 0
    for facts in sequence:
        decisions = adjudicate(facts, history)
        history.record(facts, decisions)
        assert len(decisions) == len(facts.lines)
        paid_in_episode = defaultdict(int)
        for line_facts, decision in zip(facts.lines, decisions, strict=True):
            parts = (decision.mutual_share, decision.member_share, decision.provider_loss)
            assert min(parts) >= 0
            assert sum(parts) == decision.asked == line_facts.asked
            if decision.outcome == Outcome.REJECTED:
                assert decision.mutual_share == 0
                assert decision.reasons
                continue
            category = line_facts.item.service_category
            benefit = benefits[category]
            item = line_facts.item
            quantity = min(line_facts.quantity, item.max_quantity or line_facts.quantity)
            allowed = quantity * min(line_facts.unit_price, facts.agreement.tariffs[item.id])
            assert decision.copay == allowed - share(allowed, benefit.rate_bp)
            assert decision.mutual_share <= share(allowed, benefit.rate_bp)
            if benefit.ceiling_per_act is not None:
                assert decision.mutual_share <= benefit.ceiling_per_act * line_facts.quantity
            paid_in_episode[category] += decision.mutual_share
            paid_in_year[(facts.service_from.year, category)] += decision.mutual_share
            if benefit.ceiling_per_episode is not None:
                assert paid_in_episode[category] <= benefit.ceiling_per_episode
            if benefit.ceiling_per_year is not None:
                assert paid_in_year[(facts.service_from.year, category)] <= benefit.ceiling_per_year
            if facts.letter is not None and facts.letter.applies(category, facts.service_from):
                paid_by_letter += decision.mutual_share
            assert decision.outcome == (Outcome.ADJUSTED if decision.reasons else Outcome.APPROVED)
        assert paid_by_letter <= letter.cap


@settings(max_examples=100, deadline=None)
@given(histories_of_claims())
def test_a_claim_is_never_paid_twice(case):
    """Submitted again (under another invoice number), a claim gets nothing more for the lines
    it was paid for, nor beyond its episode's ceiling."""
    _benefits, _letter, sequence = case
    history = History()
    first = []
    for facts in sequence:
        decisions = adjudicate(facts, history)
        history.record(facts, decisions)
        first.append(decisions)
    for facts, decisions in zip(sequence, first, strict=True):
        again = adjudicate(facts, history)
        for before, after in zip(decisions, again, strict=True):
            if before.mutual_share > 0:
                assert after.mutual_share == 0
                assert ReasonCode.DUPLICATE in after.reasons


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 10), st.integers(0, 5000), st.integers(0, 5000))
def test_an_uncapped_line_pays_the_rate_of_the_allowed_amount(rate, quantity, price, tariff):
    item = Item(1, "consultation")
    facts = claim(
        Line(item, quantity, price, DAY),
        agreement=AgreementTerms(datetime.date(2024, 1, 1), None, 90, {1: tariff}),
        benefits={"consultation": Benefit(rate)},
    )
    decision = only(adjudicate(facts, History()))
    allowed = quantity * min(price, tariff)
    assert decision.mutual_share == share(allowed, rate)
    assert decision.copay == allowed - share(allowed, rate)
    assert decision.member_share == decision.copay
    assert decision.provider_loss == quantity * price - allowed
    assert (ReasonCode.ABOVE_TARIFF in decision.reasons) == (price > tariff)


# --- each reason, in its example ------------------------------------------------------------


def test_an_ordinary_consultation_is_approved_at_the_package_rate():
    decision = only(adjudicate(claim(line(CONSULTATION)), History()))
    assert decision.outcome == Outcome.APPROVED
    assert (decision.mutual_share, decision.member_share, decision.provider_loss) == (800, 200, 0)
    assert decision.rate_bp == 8000


def test_a_price_above_the_tariff_is_adjusted_to_it():
    decision = only(adjudicate(claim(line(CONSULTATION, price=1500)), History()))
    assert decision.outcome == Outcome.ADJUSTED
    assert decision.reasons == (ReasonCode.ABOVE_TARIFF,)
    # the 500 above the tariff is the provider's loss, never the member's
    assert (decision.mutual_share, decision.member_share, decision.provider_loss) == (800, 200, 500)


def test_a_quantity_above_the_limit_is_cut_to_it():
    decision = only(adjudicate(claim(line(PARACETAMOL, quantity=40, price=10)), History()))
    assert decision.reasons == (ReasonCode.QUANTITY_LIMIT,)
    # 30 tablets at 10: 300 allowed, 80 % is 240 but the ceiling per act is 40 a tablet; the
    # member owes the co-payment (60) and the 10 tablets beyond the limit (100)
    assert decision.mutual_share == 240
    assert (decision.member_share, decision.provider_loss, decision.copay) == (160, 0, 60)


def test_the_ceiling_per_act_caps_the_mutual_share():
    decision = only(adjudicate(claim(line(PARACETAMOL, quantity=10, price=50)), History()))
    # 500 allowed, 80 % is 400, the ceiling 40 × 10 = 400: exactly at it, not above
    assert decision.outcome == Outcome.APPROVED
    decision = only(
        adjudicate(
            claim(
                line(PARACETAMOL, quantity=10, price=50),
                benefits={**BENEFITS, "medicines": Benefit(8000, ceiling_per_act=30)},
            ),
            History(),
        )
    )
    assert decision.reasons == (ReasonCode.CEILING_PER_ACT,)
    assert (decision.mutual_share, decision.member_share, decision.provider_loss) == (300, 200, 0)
    assert decision.copay == 100


def test_the_episode_ceiling_is_shared_by_the_lines_of_the_claim():
    # two deliveries would be odd; two lines of the same category share the episode ceiling
    twin = Item(6, "childbirth", max_quantity=1)
    facts = claim(
        line(DELIVERY),
        Line(twin, 1, 15000, DAY),
        agreement=AgreementTerms(AGREEMENT.starts_on, None, 90, {**TARIFFS, 6: 15000}),
    )
    first, second = adjudicate(facts, History())
    assert first.mutual_share == 12000
    assert first.reasons == (ReasonCode.CEILING_PER_EPISODE,)
    assert second.mutual_share == 0
    assert second.outcome == Outcome.REJECTED
    assert second.reasons == (ReasonCode.CEILING_PER_EPISODE,)


def test_the_yearly_ceiling_counts_what_was_paid_before_and_renews_each_year():
    history = History()
    first = claim(line(XRAY))
    history.record(first, adjudicate(first, history))  # 4,000 paid of 10,000
    later = claim(line(XRAY, day=DAY.replace(month=8)), day=DAY.replace(month=8))
    decision = only(adjudicate(later, history))
    history.record(later, (decision,))
    assert decision.mutual_share == 4000
    last = claim(line(XRAY, day=DAY.replace(month=10)), day=DAY.replace(month=10))
    decision = only(adjudicate(last, history))
    assert decision.mutual_share == 2000
    assert decision.reasons == (ReasonCode.CEILING_PER_YEAR,)
    next_year = DAY.replace(year=2026, month=1)
    fresh = only(
        adjudicate(claim(line(XRAY, day=next_year), day=next_year, submitted=next_year), history)
    )
    assert fresh.mutual_share == 4000


def test_a_second_xray_within_thirty_days_is_too_frequent():
    history = History()
    first = claim(line(XRAY))
    history.record(first, adjudicate(first, history))
    soon = DAY + datetime.timedelta(days=10)
    decision = only(adjudicate(claim(line(XRAY, day=soon), provider=8, day=soon), history))
    assert decision.reasons == (ReasonCode.TOO_FREQUENT,)


def test_the_same_act_on_the_same_day_is_a_duplicate_at_any_provider():
    history = History()
    first = claim(line(CONSULTATION))
    history.record(first, adjudicate(first, history))
    again = only(adjudicate(first, history))
    assert again.reasons == (ReasonCode.DUPLICATE,)
    assert again.provider_loss == again.asked  # the provider may not bill it twice
    elsewhere = only(adjudicate(claim(line(CONSULTATION), provider=8), history))
    assert elsewhere.reasons == (ReasonCode.DUPLICATE,)


def test_a_rejected_line_can_be_claimed_again():
    history = History()
    unpaid = claim(line(CONSULTATION), not_covered={"consultation": ("contributions_unpaid",)})
    history.record(unpaid, adjudicate(unpaid, history))
    assert only(adjudicate(claim(line(CONSULTATION)), history)).outcome == Outcome.APPROVED


def test_coverage_reasons_reject_the_lines_of_their_service_only():
    facts = claim(
        line(CONSULTATION), line(DELIVERY), not_covered={"childbirth": ("waiting_period",)}
    )
    consultation, delivery = adjudicate(facts, History())
    assert consultation.outcome == Outcome.APPROVED
    assert delivery.outcome == Outcome.REJECTED
    assert delivery.reasons == (ReasonCode.WAITING_PERIOD,)
    assert delivery.member_share == delivery.asked  # care in the waiting period is the member's


def test_claim_level_reasons_reject_every_line():
    future = only(
        adjudicate(claim(line(CONSULTATION), submitted=DAY - datetime.timedelta(1)), History())
    )
    assert future.reasons == (ReasonCode.FUTURE_DATE,)
    late = only(
        adjudicate(claim(line(CONSULTATION), submitted=DAY + datetime.timedelta(91)), History())
    )
    assert late.reasons == (ReasonCode.SUBMITTED_LATE,)
    within = only(
        adjudicate(claim(line(CONSULTATION), submitted=DAY + datetime.timedelta(90)), History())
    )
    assert within.outcome == Outcome.APPROVED
    none = only(adjudicate(claim(line(CONSULTATION), agreement=None), History()))
    assert none.reasons == (ReasonCode.NO_AGREEMENT,)
    ended = AgreementTerms(datetime.date(2024, 1, 1), DAY - datetime.timedelta(1), 90, TARIFFS)
    expired = only(adjudicate(claim(line(CONSULTATION), agreement=ended), History()))
    assert expired.reasons == (ReasonCode.AGREEMENT_EXPIRED,)


def test_lines_outside_the_package_the_agreement_or_the_list_are_rejected():
    dental = Item(8, "dental")
    unknown, not_in_package, not_priced = adjudicate(
        claim(Line(None, 1, 500, DAY), line(dental, price=500), line(UNPRICED, price=500)),
        History(),
    )
    assert unknown.reasons == (ReasonCode.UNKNOWN_ITEM,)
    assert ReasonCode.NOT_IN_PACKAGE in not_in_package.reasons
    assert ReasonCode.NOT_IN_AGREEMENT in not_in_package.reasons
    assert not_priced.reasons == (ReasonCode.NOT_IN_AGREEMENT,)
    excluded = only(
        adjudicate(
            claim(line(CONSULTATION), benefits={"consultation": Benefit(8000, excluded=True)}),
            History(),
        )
    )
    assert excluded.reasons == (ReasonCode.SERVICE_EXCLUDED,)


def test_a_guarantee_letter_is_required_where_the_package_says_and_caps_the_share():
    needs_letter = {**BENEFITS, "childbirth": Benefit(10000, letter_required=True)}
    missing = only(adjudicate(claim(line(DELIVERY), benefits=needs_letter), History()))
    assert missing.reasons == (ReasonCode.LETTER_MISSING,)
    letter = Letter(1, DAY, DAY + datetime.timedelta(days=10), 9000, "childbirth")
    history = History()
    facts = claim(line(DELIVERY), benefits=needs_letter, letter=letter)
    decision = only(adjudicate(facts, history))
    assert decision.mutual_share == 9000
    assert decision.reasons == (ReasonCode.LETTER_EXCEEDED,)
    history.record(facts, (decision,))
    assert history.letter_paid[1] == 9000
    expired = Letter(1, DAY - datetime.timedelta(days=30), DAY - datetime.timedelta(days=1), 9000)
    late = only(adjudicate(claim(line(DELIVERY), benefits=needs_letter, letter=expired), History()))
    assert late.reasons == (ReasonCode.LETTER_MISSING,)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 100_000),
    st.integers(0, 10_000),
    st.sampled_from([Outcome.APPROVED, Outcome.ADJUSTED, Outcome.REJECTED]),
    st.integers(-10, 200_000),
    st.sampled_from([ReasonCode.NOT_JUSTIFIED, ReasonCode.WAITING_PERIOD]),
)
def test_the_advisors_decision_still_adds_up_and_never_pays_more(
    asked, rate, outcome, amount, reason
):
    decided = only(
        adjudicate(
            claim(
                Line(CONSULTATION, 1, asked, DAY),
                agreement=AgreementTerms(datetime.date(2024, 1, 1), None, 90, {1: asked}),
                benefits={"consultation": Benefit(rate)},
            ),
            History(),
        )
    )
    before = Parts(
        decided.outcome,
        decided.mutual_share,
        decided.member_share,
        decided.provider_loss,
        decided.copay,
    )
    try:
        after = reviewed(asked, before, outcome, amount, reason)
    except ValueError:
        assert outcome == Outcome.ADJUSTED and not 0 <= amount <= decided.mutual_share
        return
    assert after.mutual_share + after.member_share + after.provider_loss == asked
    assert min(after.mutual_share, after.member_share, after.provider_loss) >= 0
    assert after.mutual_share <= decided.mutual_share
    assert after.copay <= after.member_share
    if reason == ReasonCode.NOT_JUSTIFIED:  # the advisor's cut is the provider's loss
        assert after.member_share == (decided.member_share if outcome != Outcome.REJECTED else 0)
