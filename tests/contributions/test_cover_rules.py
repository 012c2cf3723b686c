"""Issue 10's rules of contributions and cover, one worked example each (contributions/rules.py),
as a mutual meets them in its first year: the household pays at the cashier's desk, its members
come and go, and the clerk asks whether someone is covered on the day of care."""

import datetime

from mutualis.benefits.choices import Category, NewcomerBilling, PeriodAnchor, Relationship
from mutualis.benefits.terms import Terms
from mutualis.contributions.rules import (
    Member,
    Settled,
    allocate_member_payment,
    coverage_at,
    household_dues,
    household_of,
)
from mutualis.core.money import BASIS_POINTS

D = datetime.date
STATE = 1
YEAR_AHEAD = datetime.timedelta(days=366)


def cmu(**changes) -> Terms:
    """Senegal CMU: 7,000 a year per beneficiary, half paid by the State (all of it for the
    indigent), a fee of 1,000, 30 days of waiting and of grace."""
    rules = {
        "valid_from": D(2020, 1, 1),
        "period": "year",
        "contribution": 7000,
        "registration_fee": 1000,
        "subsidies": ((STATE, "", 5000), (STATE, Category.INDIGENT, BASIS_POINTS)),
        "waiting_days": 30,
        "grace_days": 30,
    }
    return Terms(**{**rules, **changes})


def adult(key, enrolled_on, relationship=Relationship.HEAD, **extra):
    return Member(key, Category.ADULT, enrolled_on, relationship=relationship, **extra)


def child(key, enrolled_on, birth_date, **extra):
    return Member(key, Category.CHILD, enrolled_on, None, Relationship.CHILD, birth_date, **extra)


class Desk:
    """A cashier's desk: each payment settles the fee then the oldest member shares, as the
    payment service does, against the dues known on the day."""

    def __init__(self, terms: Terms, members, enrolled_on: D):
        self.versions = (terms,)
        self.members = list(members)
        self.enrolled_on = enrolled_on
        self.rows: list[Settled] = []

    def pay(self, day: D, amount: int, recorded_on: D | None = None) -> None:
        facts = self.facts(day + YEAR_AHEAD)
        fee_left = self.versions[0].registration_fee - facts.settlement.fee_paid
        outstanding = [
            (
                due.period_start,
                due.member - facts.settlement.paid_by_period.get(due.period_start, 0),
            )
            for due in facts.dues
        ]
        parts = allocate_member_payment(amount, fee_left, [(s, o) for s, o in outstanding if o])
        for kind, start, part in parts:
            self.rows.append(Settled(day, kind, start, part, recorded_on))

    def facts(self, until: D):
        return household_of(self.versions, self.enrolled_on, None, self.members, self.rows, until)

    def coverage(self, key: int, on: D, service: str | None = None):
        return coverage_at(self.facts(max(on, D(2027, 12, 31))), key, on, service)


def test_rule_1_money_received_covers_care_from_that_day_never_before():
    # given a household in cover in 2024 that pays 2025 only on 10 June 2025
    desk = Desk(cmu(), [adult(1, D(2024, 1, 1))], D(2024, 1, 1))
    desk.pay(D(2024, 1, 1), 1000 + 3500)
    desk.pay(D(2025, 6, 10), 3500)
    # then care in the grace period is covered, care while suspended stays refused…
    assert desk.coverage(1, D(2025, 1, 20)).covered
    refused = desk.coverage(1, D(2025, 3, 1))
    assert refused.codes == ("contributions_unpaid",)
    assert refused.reasons[0].date == D(2025, 1, 1)
    # …and care from the day the money came is covered again
    assert not desk.coverage(1, D(2025, 6, 9)).covered
    assert desk.coverage(1, D(2025, 6, 10)).covered


def test_rule_1_a_package_may_set_a_waiting_period_after_a_suspension():
    desk = Desk(cmu(reentry_waiting_days=15), [adult(1, D(2024, 1, 1))], D(2024, 1, 1))
    desk.pay(D(2024, 1, 1), 1000 + 3500)
    desk.pay(D(2025, 6, 10), 3500)
    waiting = desk.coverage(1, D(2025, 6, 20))
    assert waiting.codes == ("waiting_period",) and waiting.reasons[0].date == D(2025, 6, 25)
    assert desk.coverage(1, D(2025, 6, 25)).covered


def test_rule_1_a_back_dated_payment_never_shortens_the_waiting_period():
    # given money received on 10 January but recorded on 1 March
    desk = Desk(cmu(), [adult(1, D(2025, 1, 10))], D(2025, 1, 10))
    desk.pay(D(2025, 1, 10), 1000 + 3413, recorded_on=D(2025, 3, 1))
    # then the waiting period counts from 1 March, not 10 January
    waiting = desk.coverage(1, D(2025, 3, 15))
    assert waiting.codes == ("waiting_period",) and waiting.reasons[0].date == D(2025, 3, 31)
    assert desk.coverage(1, D(2025, 3, 31)).covered


def test_rule_2_a_spouse_added_in_may_waits_even_if_the_household_waited_long_ago():
    # given a household covered since 2024 that paid 2025 in January
    desk = Desk(cmu(), [adult(1, D(2024, 1, 1))], D(2024, 1, 1))
    desk.pay(D(2024, 1, 1), 1000 + 3500)
    desk.pay(D(2025, 1, 2), 3500)
    # when a spouse joins on 10 May (billed from the next period: nothing to pay now)
    desk.members.append(adult(2, D(2025, 5, 10), Relationship.SPOUSE))
    # then she waits 30 days from her own enrolment while the head stays covered
    spouse = desk.coverage(2, D(2025, 5, 20))
    assert spouse.codes == ("waiting_period",) and spouse.reasons[0].date == D(2025, 6, 9)
    assert desk.coverage(1, D(2025, 5, 20)).covered
    assert desk.coverage(2, D(2025, 6, 9)).covered


def test_rule_2_newborns_of_a_covered_member_may_be_exempt_from_waiting():
    baby = child(2, D(2025, 5, 5), D(2025, 5, 1))
    for exempt, covered in ((False, False), (True, True)):
        desk = Desk(cmu(newborns_exempt=exempt), [adult(1, D(2024, 1, 1))], D(2024, 1, 1))
        desk.pay(D(2024, 1, 1), 1000 + 3500)
        desk.pay(D(2025, 1, 2), 3500)
        desk.members.append(baby)
        assert desk.coverage(2, D(2025, 5, 6)).covered is covered


def test_rule_3_a_dependant_added_pro_rata_owes_the_days_left_and_only_they_wait_for_it():
    desk = Desk(
        cmu(newcomer_billing=NewcomerBilling.PRO_RATA), [adult(1, D(2024, 1, 1))], D(2024, 1, 1)
    )
    desk.pay(D(2024, 1, 1), 1000 + 3500)
    desk.pay(D(2025, 1, 2), 3500)
    # when a spouse joins on 2 July 2025: 7,000 × 183 / 365 = 3,510, half by the State
    desk.members.append(adult(2, D(2025, 7, 2), Relationship.SPOUSE))
    due_2025 = desk.facts(D(2025, 12, 31)).dues[1]
    assert [(line.key, line.member, line.payers[STATE]) for line in due_2025.lines] == [
        (1, 3500, 3500),
        (2, 1755, 1755),
    ]
    # then the head's paid year stays paid; the spouse is not covered until her share is paid
    assert desk.coverage(1, D(2025, 7, 20)).covered
    assert desk.coverage(2, D(2025, 8, 20)).codes == ("never_paid",)
    desk.pay(D(2025, 9, 1), 1755)
    assert desk.coverage(2, D(2025, 9, 15)).codes == ("waiting_period",)
    assert desk.coverage(2, D(2025, 10, 1)).covered


def test_rule_4_a_child_past_the_age_limit_is_billed_until_the_period_ends_then_no_more():
    grown = child(2, D(2024, 1, 1), D(2004, 3, 15))  # 21 on 15 March 2025
    members = [adult(1, D(2024, 1, 1)), grown]
    dues = household_dues((cmu(),), members, D(2024, 1, 1), D(2026, 6, 1))
    assert [[line.key for line in due.lines] for due in dues] == [[1, 2], [1, 2], [1]]
    desk = Desk(cmu(), members, D(2024, 1, 1))
    desk.pay(D(2024, 1, 1), 1000 + 7000)
    desk.pay(D(2025, 1, 2), 7000)
    desk.pay(D(2026, 1, 2), 3500)
    assert desk.coverage(2, D(2025, 12, 31)).covered
    over = desk.coverage(2, D(2026, 1, 1))
    assert over.codes == ("over_age_limit",) and over.reasons[0].date == D(2026, 1, 1)


def test_rule_4_a_package_may_keep_grown_children_as_adult_dependants():
    terms = cmu(adult_dependants_allowed=True, amounts_by_category={Category.ADULT: 9000})
    grown = child(2, D(2024, 1, 1), D(2004, 3, 15))
    dues = household_dues((terms,), [adult(1, D(2024, 1, 1)), grown], D(2024, 1, 1), D(2026, 1, 1))
    assert [line.total for line in dues[1].lines] == [9000, 7000]  # 2025: still a child
    assert [line.total for line in dues[2].lines] == [9000, 9000]  # 2026: an adult dependant


def test_rule_4_someone_who_left_is_billed_for_the_period_they_left_in_only():
    members = [
        adult(1, D(2024, 1, 1)),
        adult(2, D(2024, 1, 1), Relationship.SPOUSE, left_on=D(2025, 4, 1)),
    ]
    dues = household_dues((cmu(),), members, D(2024, 1, 1), D(2026, 1, 1))
    assert [[line.key for line in due.lines] for due in dues] == [[1, 2], [1, 2], [1]]


def test_rule_5_a_family_enrolled_on_15_december_owes_the_days_left_of_a_calendar_year():
    members = [adult(1, D(2025, 12, 15)), adult(2, D(2025, 12, 15), Relationship.SPOUSE)]
    first = household_dues((cmu(),), members, D(2025, 12, 15), D(2025, 12, 31))[0]
    # 7,000 × 17 / 365 = 326.03: 326 each, 163 of it by the State
    assert [(line.member, line.payers[STATE]) for line in first.lines] == [(163, 163), (163, 163)]


def test_rule_5_anniversary_periods_start_on_the_day_of_enrolment_and_are_whole():
    terms = cmu(period_anchor=PeriodAnchor.ANNIVERSARY)
    dues = household_dues((terms,), [adult(1, D(2025, 12, 15))], D(2025, 12, 15), D(2027, 1, 1))
    assert [(due.period_start, due.total) for due in dues] == [
        (D(2025, 12, 15), 7000),
        (D(2026, 12, 15), 7000),
    ]


def test_rule_6_the_state_pays_all_of_an_indigent_households_contribution():
    terms = cmu(per_household=True, contribution=20000)
    head = Member(1, Category.INDIGENT, D(2024, 1, 1))
    due = household_dues(
        (terms,), [head, adult(2, D(2024, 1, 1), Relationship.SPOUSE)], D(2024, 1, 1), D(2024, 1, 1)
    )[0]
    assert (due.member, due.payers) == (0, {STATE: 20000})
    other = household_dues((terms,), [adult(1, D(2024, 1, 1))], D(2024, 1, 1), D(2024, 1, 1))[0]
    assert (other.member, other.payers) == (10000, {STATE: 10000})


def test_rule_12_covered_until_stops_where_the_grace_of_an_unpaid_month_cannot_reach():
    # given monthly periods with 30 days of grace; January paid, February not
    terms = cmu(period="month", contribution=1000, waiting_days=0)
    desk = Desk(terms, [adult(1, D(2025, 1, 1))], D(2025, 1, 1))
    desk.pay(D(2025, 1, 1), 1000 + 500)
    # then in January cover runs to the end of February's grace, which February's end cuts
    january = desk.coverage(1, D(2025, 1, 20))
    assert (january.covered_until, january.grace_until) == (D(2025, 2, 28), None)
    february = desk.coverage(1, D(2025, 2, 15))
    assert (february.covered_until, february.grace_until) == (D(2025, 2, 28), D(2025, 2, 28))
    assert desk.coverage(1, D(2025, 3, 1)).codes == ("contributions_unpaid",)


def test_rule_12_a_year_paid_ahead_covers_until_the_end_of_its_grace():
    desk = Desk(cmu(), [adult(1, D(2024, 1, 1))], D(2024, 1, 1))
    desk.pay(D(2024, 1, 1), 1000 + 3500 + 3500)
    assert desk.coverage(1, D(2024, 6, 1)).covered_until == D(2026, 1, 30)


def test_a_household_unpaid_for_more_than_a_year_has_lapsed_since_its_first_unpaid_period():
    from mutualis.contributions.choices import Status
    from mutualis.contributions.rules import household_status

    desk = Desk(cmu(), [adult(1, D(2023, 1, 1))], D(2023, 1, 1))
    desk.pay(D(2023, 1, 1), 1000 + 3500)
    unpaid = desk.coverage(1, D(2025, 6, 1))
    assert unpaid.reasons[0].date == D(2024, 1, 1)
    assert household_status(unpaid, D(2025, 6, 1)) == Status.LAPSED
    assert household_status(desk.coverage(1, D(2024, 6, 1)), D(2024, 6, 1)) == Status.SUSPENDED


def test_rule_1_only_the_money_a_share_needed_decides_when_its_waiting_counts_from():
    # given two adults on monthly periods; 100 received on 1 January but recorded on the 21st,
    # then 1,100 received and recorded on 2 January
    terms = cmu(period="month", contribution=1200, registration_fee=0, waiting_days=10)
    desk = Desk(
        terms,
        [adult(1, D(2024, 1, 1)), adult(2, D(2024, 1, 1), Relationship.SPOUSE)],
        D(2024, 1, 1),
    )
    desk.pay(D(2024, 1, 1), 100, recorded_on=D(2024, 1, 21))
    desk.pay(D(2024, 1, 2), 1100)
    # then the head's share was paid with money recorded on the 2nd: waiting until the 12th;
    # the spouse's needed the back-dated 100 too: waiting until the 31st
    assert desk.coverage(1, D(2024, 1, 5)).reasons[0].date == D(2024, 1, 12)
    assert desk.coverage(2, D(2024, 1, 5)).reasons[0].date == D(2024, 1, 31)
