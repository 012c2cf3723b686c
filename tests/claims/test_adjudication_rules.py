"""Issue 10's rules of adjudication, one worked example each, through the pure engine
(docs/claims.md says them in words)."""

import datetime

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

D = datetime.date
CONSULTATION = Item(1, "consultation")
PARACETAMOL = Item(2, "medicines", max_quantity=30)
XRAY = Item(4, "imaging", min_days_between=30)
BED_DAY = Item(5, "hospitalisation")
SURGERY = Item(6, "surgery")
TARIFFS = {1: 1000, 2: 50, 4: 8000, 5: 10000, 6: 50000}
AGREEMENT = AgreementTerms(D(2020, 1, 1), None, 90, TARIFFS)
BENEFITS = {
    "consultation": Benefit(8000),
    "medicines": Benefit(8000),
    "imaging": Benefit(5000),
    "hospitalisation": Benefit(10000, ceiling_per_episode=25000, ceiling_per_year=100000),
    "surgery": Benefit(8000, letter_required=True),
}


def claim(*lines, provider=7, start=None, end=None, **changes) -> ClaimFacts:
    start = start or lines[0].service_date
    end = end or max(line.service_date for line in lines)
    values = {
        "provider": provider,
        "service_from": start,
        "service_to": end,
        "submitted_on": end + datetime.timedelta(days=5),
        "lines": lines,
        "agreement": AGREEMENT,
        "benefits": BENEFITS,
        "not_covered": {},
    }
    values.update(changes)
    return ClaimFacts(**values)


def line(item, day, quantity=1, price=None) -> Line:
    return Line(item, quantity, TARIFFS[item.id] if price is None else price, day)


def decide(facts: ClaimFacts, history: History):
    decisions = adjudicate(facts, history)
    history.record(facts, decisions)
    return decisions


def parts(decision) -> tuple[int, int, int]:
    return decision.mutual_share, decision.member_share, decision.provider_loss


# --- rule 7: a cancelled letter still covers care given before its cancellation -------------


def test_rule_7_a_letter_cancelled_on_a_day_still_covers_the_care_given_before_it():
    # given a letter for surgery valid all March, cancelled from 15 March
    letter = Letter(9, D(2025, 3, 1), D(2025, 3, 31), 60000, "surgery", cancelled_on=D(2025, 3, 15))
    # when surgery on 14 March and on 15 March is claimed under it
    before = adjudicate(claim(line(SURGERY, D(2025, 3, 14)), letter=letter), History())
    on_the_day = adjudicate(claim(line(SURGERY, D(2025, 3, 15)), letter=letter), History())
    # then the first is paid under the letter, the second lacks one
    assert before[0].outcome == Outcome.APPROVED and before[0].mutual_share == 40000
    assert on_the_day[0].reasons == (ReasonCode.LETTER_MISSING,)
    # and the letter's validity still bounds it
    expired = adjudicate(claim(line(SURGERY, D(2025, 4, 1)), letter=letter), History())
    assert expired[0].reasons == (ReasonCode.LETTER_MISSING,)


def test_rule_7_a_cancelled_letter_covers_the_lines_of_a_stay_dated_before_its_cancellation():
    letter = Letter(9, D(2025, 3, 1), D(2025, 3, 31), 60000, "surgery", cancelled_on=D(2025, 3, 15))
    twin = Item(7, "surgery")
    facts = claim(
        line(SURGERY, D(2025, 3, 14)),
        Line(twin, 1, 50000, D(2025, 3, 16)),
        letter=letter,
        agreement=AgreementTerms(D(2020, 1, 1), None, 90, {**TARIFFS, 7: 50000}),
    )
    covered, after = adjudicate(facts, History())
    assert covered.outcome == Outcome.APPROVED
    assert after.reasons == (ReasonCode.LETTER_MISSING,)


# --- rule 8: duplicates and quantity and frequency limits look at every line ---------------


def test_rule_8_a_second_line_for_the_same_act_on_the_same_day_is_a_duplicate():
    day = D(2025, 6, 2)
    first, second = adjudicate(claim(line(CONSULTATION, day), line(CONSULTATION, day)), History())
    assert first.outcome == Outcome.APPROVED
    assert second.reasons == (ReasonCode.DUPLICATE,)
    # the provider may not bill the same act twice: its loss, not the member's debt
    assert parts(second) == (0, 0, 1000)


def test_rule_8_the_same_act_the_same_day_at_another_provider_is_a_duplicate():
    day = D(2025, 6, 2)
    history = History()
    decide(claim(line(CONSULTATION, day), provider=7), history)
    (elsewhere,) = adjudicate(claim(line(CONSULTATION, day), provider=8), history)
    assert elsewhere.reasons == (ReasonCode.DUPLICATE,)
    (next_day,) = adjudicate(claim(line(CONSULTATION, D(2025, 6, 3)), provider=8), history)
    assert next_day.outcome == Outcome.APPROVED


def test_rule_8_a_quantity_split_over_two_lines_the_same_day_cannot_pass_the_limit():
    # given 30 tablets a day at most, asked as 20 and 20 on two lines of one day
    day = D(2025, 6, 2)
    first, second = adjudicate(
        claim(line(PARACETAMOL, day, quantity=20), line(PARACETAMOL, day, quantity=20)), History()
    )
    # then the first is paid and the second is a duplicate: 20 tablets paid, not 40
    assert first.outcome == Outcome.APPROVED and first.mutual_share == 800
    assert second.reasons == (ReasonCode.DUPLICATE,)


def test_rule_8_the_quantity_limit_is_per_day_so_another_day_has_its_own():
    first, second = adjudicate(
        claim(
            line(PARACETAMOL, D(2025, 6, 2), quantity=40),
            line(PARACETAMOL, D(2025, 6, 3), quantity=30),
        ),
        History(),
    )
    assert first.reasons == (ReasonCode.QUANTITY_LIMIT,)
    # 30 tablets paid at 80 %; the member owes the co-payment and the 10 beyond the limit
    assert parts(first) == (1200, 300 + 500, 0)
    assert second.outcome == Outcome.APPROVED and second.mutual_share == 1200


def test_rule_8_the_frequency_limit_counts_an_earlier_line_of_the_same_claim():
    facts = claim(line(XRAY, D(2025, 6, 2)), line(XRAY, D(2025, 6, 20)))
    first, second = adjudicate(facts, History())
    assert first.outcome == Outcome.APPROVED
    assert second.reasons == (ReasonCode.TOO_FREQUENT,)
    # repeated too soon is a limit of the member's rights: the member owes it
    assert parts(second) == (0, 8000, 0)


# --- rule 9: an episode is a stay, not an invoice ------------------------------------------


def test_rule_9_a_stay_billed_in_two_invoices_shares_one_episode_ceiling():
    # given a stay of 1–3 May billed as 1–2 May then 3 May, 25,000 at most per episode
    history = History()
    first = decide(
        claim(line(BED_DAY, D(2025, 5, 1)), line(BED_DAY, D(2025, 5, 2)), provider=7), history
    )
    assert [d.mutual_share for d in first] == [10000, 10000]
    # when the second invoice, starting the day after the first ended, comes
    (third_day,) = decide(claim(line(BED_DAY, D(2025, 5, 3)), provider=7), history)
    # then only what the stay has left is paid; the member owes the rest
    assert third_day.reasons == (ReasonCode.CEILING_PER_EPISODE,)
    assert parts(third_day) == (5000, 5000, 0)


def test_rule_9_a_gap_of_a_day_or_another_provider_begins_a_new_stay():
    history = History()
    decide(claim(line(BED_DAY, D(2025, 5, 1)), line(BED_DAY, D(2025, 5, 2))), history)
    decide(claim(line(BED_DAY, D(2025, 5, 3))), history)  # the stay's ceiling is now used up
    (after_a_gap,) = adjudicate(claim(line(BED_DAY, D(2025, 5, 5))), history)
    assert after_a_gap.outcome == Outcome.APPROVED
    (elsewhere,) = adjudicate(claim(line(BED_DAY, D(2025, 5, 4)), provider=8), history)
    assert elsewhere.outcome == Outcome.APPROVED
    (continued,) = adjudicate(claim(line(BED_DAY, D(2025, 5, 4))), history)
    assert continued.outcome == Outcome.REJECTED


def test_rule_9_invoices_under_the_same_letter_are_one_stay_whatever_their_dates():
    letter = Letter(3, D(2025, 5, 1), D(2025, 5, 31), 1_000_000, "hospitalisation")
    history = History()
    decide(
        claim(line(BED_DAY, D(2025, 5, 1)), line(BED_DAY, D(2025, 5, 2)), letter=letter), history
    )
    (later,) = adjudicate(claim(line(BED_DAY, D(2025, 5, 20)), letter=letter), history)
    assert later.reasons == (ReasonCode.CEILING_PER_EPISODE,) and later.mutual_share == 5000


def test_rule_9_a_used_up_ceiling_rejects_the_line_and_the_member_owes_all_of_it():
    history = History()
    decide(claim(line(BED_DAY, D(2025, 5, 1)), line(BED_DAY, D(2025, 5, 2))), history)
    decide(claim(line(BED_DAY, D(2025, 5, 3))), history)
    (nothing_left,) = adjudicate(claim(line(BED_DAY, D(2025, 5, 4), price=12000)), history)
    assert nothing_left.outcome == Outcome.REJECTED
    assert nothing_left.reasons == (ReasonCode.ABOVE_TARIFF, ReasonCode.CEILING_PER_EPISODE)
    # the whole allowed amount, without a co-payment on top; above the tariff: the provider's
    assert parts(nothing_left) == (0, 10000, 2000)
    assert nothing_left.copay == 0


def test_rule_9_a_ceiling_that_takes_nothing_off_is_no_reason():
    # given two stays of 1 and 3 May each paid up to the ceiling, then a free day on 2 May that
    # joins them into one stay over its ceiling (found by the property test)
    history = History()
    decide(claim(line(BED_DAY, D(2025, 5, 1), quantity=3)), history)
    decide(claim(line(BED_DAY, D(2025, 5, 3), quantity=3)), history)
    (free_day,) = adjudicate(claim(line(BED_DAY, D(2025, 5, 2), price=0)), history)
    # then the line the mutual pays nothing for anyway is approved, without a ceiling's reason
    assert free_day.outcome == Outcome.APPROVED and free_day.reasons == ()
    assert parts(free_day) == (0, 0, 0)


# --- rule 10: each line counts against the year of its own date of service ----------------


def test_rule_10_a_stay_over_new_year_is_split_between_the_two_years_ceilings():
    # given 95,000 of the 100,000 yearly ceiling used in 2025
    history = History()
    for day in range(1, 20, 2):  # ten separate stays of one day, 9,500 each
        decide(claim(line(BED_DAY, D(2025, 3, day), price=9500)), history)
    assert history.paid_in_year[(2025, "hospitalisation")] == 95000
    # when a stay from 31 December to 2 January is billed on one invoice
    facts = claim(
        line(BED_DAY, D(2025, 12, 31)),
        line(BED_DAY, D(2026, 1, 1)),
        line(BED_DAY, D(2026, 1, 2)),
    )
    december, first, second = adjudicate(facts, history)
    # then the December night uses 2025's last 5,000, the January nights 2026's ceiling
    assert december.reasons == (ReasonCode.CEILING_PER_YEAR,) and december.mutual_share == 5000
    assert first.mutual_share == 10000
    assert second.mutual_share == 10000 and second.outcome == Outcome.APPROVED
    history.record(facts, (december, first, second))
    assert history.paid_in_year[(2026, "hospitalisation")] == 20000


# --- rule 11: three parts that add up to the amount asked ----------------------------------


def test_rule_11_above_the_tariff_is_the_providers_loss_and_the_copayment_the_members():
    (decision,) = adjudicate(claim(line(CONSULTATION, D(2025, 6, 2), price=1500)), History())
    assert parts(decision) == (800, 200, 500)
    assert decision.copay == 200
    assert sum(parts(decision)) == decision.asked


def test_rule_11_a_rejection_about_the_members_rights_is_owed_by_the_member_at_the_tariff():
    facts = claim(
        line(CONSULTATION, D(2025, 6, 2), price=1500),
        not_covered={"consultation": ("waiting_period",)},
    )
    (decision,) = adjudicate(facts, History())
    assert decision.reasons == (ReasonCode.WAITING_PERIOD,)
    assert parts(decision) == (0, 1000, 500)


def test_rule_11_a_rejection_about_the_providers_billing_is_all_the_providers_loss():
    facts = claim(line(CONSULTATION, D(2025, 6, 2)), submitted_on=D(2025, 12, 1))
    (late,) = adjudicate(facts, History())
    assert late.reasons == (ReasonCode.SUBMITTED_LATE,)
    assert parts(late) == (0, 0, 1000)
    # and the provider's reason wins when the member's rights are also at stake
    both = claim(
        line(CONSULTATION, D(2025, 6, 2)),
        submitted_on=D(2025, 12, 1),
        not_covered={"consultation": ("contributions_unpaid",)},
    )
    assert parts(adjudicate(both, History())[0]) == (0, 0, 1000)


# --- rule 13: the agreement's care protocols and the visit type ----------------------------


def test_rule_13_care_at_a_provider_that_requires_a_referral_is_rejected_without_one():
    hospital = AgreementTerms(D(2020, 1, 1), None, 90, TARIFFS, referral_required=True)
    day = D(2025, 6, 2)
    (normal,) = adjudicate(claim(line(CONSULTATION, day), agreement=hospital), History())
    assert normal.reasons == (ReasonCode.REFERRAL_MISSING,)
    assert parts(normal) == (0, 0, 1000)  # the provider should not have taken it so
    for visit in ("referral", "emergency"):
        facts = claim(line(CONSULTATION, day), agreement=hospital, visit_type=visit)
        assert adjudicate(facts, History())[0].outcome == Outcome.APPROVED


def test_rule_13_the_visit_type_changes_the_rate_where_the_package_says_so():
    package = {
        "consultation": Benefit(8000, referral_rate_bp=9000, emergency_rate_bp=5000),
        "imaging": Benefit(5000),
    }
    day = D(2025, 6, 2)
    rates = {}
    for visit in ("normal", "referral", "emergency"):
        facts = claim(line(CONSULTATION, day), line(XRAY, day), benefits=package, visit_type=visit)
        consultation, xray = adjudicate(facts, History())
        rates[visit] = (consultation.mutual_share, consultation.member_share, xray.mutual_share)
    # the imaging rule has no rate per visit type: its own rate applies to every visit
    assert rates == {
        "normal": (800, 200, 4000),
        "referral": (900, 100, 4000),
        "emergency": (500, 500, 4000),
    }
