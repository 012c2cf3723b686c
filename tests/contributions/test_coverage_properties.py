"""Cover on a date (contributions/rules.py, `coverage_at`) against a plain reading of issue 10's
rules (tests/contributions/reference.py), over random histories of households: enrolment,
dependants added later, children growing past the age limit, members leaving, payments at the
cashier's desk on random days (some back-dated), reversals; monthly, quarterly and yearly
periods, calendar or anniversary; grace, waiting and re-entry waiting periods. Then the worked
examples of cover and status, on the same desk.
"""

import datetime
from dataclasses import fields, replace

from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mutualis.benefits.choices import Category, NewcomerBilling, PeriodAnchor, Relationship
from mutualis.benefits.terms import Terms
from mutualis.contributions.choices import Reason, Status
from mutualis.contributions.rules import (
    LAPSE_AFTER_DAYS,
    Because,
    Member,
    Settled,
    allocate_member_payment,
    coverage_at,
    coverage_by_service,
    household_of,
    household_status,
)
from mutualis.contributions.templatetags.coverage import reason
from mutualis.core.money import BASIS_POINTS
from mutualis.core.periods import PeriodUnit
from tests.contributions import reference

D = datetime.date
DAY = datetime.timedelta(days=1)
STATE = 1
SERVICES = ["consultation", "delivery", "hospitalisation", "dental"]
ADVANCE = 366 * DAY  # the cashier takes up to a year ahead
PAYMENT_REASONS = {"never_paid", "waiting_period", "contributions_unpaid"}


# --- the cashier's desk -----------------------------------------------------------------------


class Desk:
    """A household at the cashier's desk. Members are added on the day they join, and a
    departure is known from the day it happens; each payment settles the fee then the oldest
    member shares, against the dues known on the day it is recorded (as
    contributions.services.payment_record does); a reversal takes back each allocation of a
    payment (payment_reverse)."""

    def __init__(self, versions, enrolled_on, members, resigned_on=None):
        self.versions = tuple(versions)
        self.enrolled_on = enrolled_on
        self.members = list(members)
        self.resigned_on = resigned_on
        self.rows: list[Settled] = []
        self.cancelled: list[Settled] = []  # reversed payments and their reversals

    def __repr__(self):
        defaults = Terms(valid_from=D.min)
        versions = [
            {
                f.name: getattr(t, f.name)
                for f in fields(Terms)
                if f.name == "valid_from" or getattr(t, f.name) != getattr(defaults, f.name)
            }
            for t in self.versions
        ]
        rows = [
            (r.received_on, r.kind[0], r.period_start, r.amount, r.recorded_on) for r in self.rows
        ]
        return (
            f"Desk(versions={versions}, enrolled_on={self.enrolled_on!r}, "
            f"resigned_on={self.resigned_on!r}, members={self.members!r}, rows={rows})"
        )

    def known_on(self, day):
        return [
            member if member.left_on is None or member.left_on <= day else _stayed(member)
            for member in self.members
            if member.enrolled_on <= day
        ]

    def pay(self, received_on, amount=None, recorded_on=None, parts=None):
        """Records a payment; `amount` None pays everything owed up to a year ahead, `parts`
        pays that many items owed (the fee, then each period) and `amount` more."""
        recorded_on = recorded_on or received_on
        resigned = (
            self.resigned_on if self.resigned_on and self.resigned_on <= recorded_on else None
        )
        facts = household_of(
            self.versions,
            self.enrolled_on,
            resigned,
            self.known_on(recorded_on),
            self.live(),
            received_on + ADVANCE,
        )
        terms = reference.version_on(self.versions, self.enrolled_on)
        fee_left = max((terms.registration_fee if terms else 0) - facts.settlement.fee_paid, 0)
        outstanding = [
            (
                due.period_start,
                due.member - facts.settlement.paid_by_period.get(due.period_start, 0),
            )
            for due in facts.dues
        ]
        outstanding = [(start, owed) for start, owed in outstanding if owed > 0]
        if parts is not None:
            owed = [fee_left, *(owed for _start, owed in outstanding)]
            amount = sum(owed[:parts]) + min(amount or 0, sum(owed[parts:]))
        elif amount is None:
            amount = fee_left + sum(owed for _start, owed in outstanding)
        if amount <= 0:
            return []
        rows = [
            Settled(received_on, kind, start, part, recorded_on)
            for kind, start, part in allocate_member_payment(amount, fee_left, outstanding)
        ]
        self.rows.extend(rows)
        return rows

    def reverse(self, rows, on):
        reversal = [Settled(on, row.kind, row.period_start, -row.amount, on) for row in rows]
        self.rows.extend(reversal)
        self.cancelled.extend([*rows, *reversal])

    def household(self, until):
        return household_of(
            self.versions, self.enrolled_on, self.resigned_on, self.members, self.live(), until
        )

    def live(self):
        """The rows as contributions.queries.households_of reads them: without the payments
        reversed and their reversals."""
        return [row for row in self.rows if not any(row is gone for gone in self.cancelled)]

    def coverage(self, key, on, service=None):
        return coverage_at(self.household(max(on, self.enrolled_on) + 800 * DAY), key, on, service)

    def history(self):
        return reference.History(
            self.versions,
            self.enrolled_on,
            self.resigned_on,
            tuple(self.members),
            tuple(
                reference.Payment(
                    row.period_start if row.kind == "contribution" else None,
                    row.amount,
                    row.received_on,
                    row.recorded_on or row.received_on,
                )
                for row in self.rows
                # a reversal cancels a payment: the rules read it as never received
                if not any(row is cancelled for cancelled in self.cancelled)
            ),
        )


def _stayed(member):
    return Member(
        member.key,
        member.category,
        member.enrolled_on,
        None,
        member.relationship,
        member.birth_date,
    )


# --- random histories -------------------------------------------------------------------------

ONE_IN_FOUR = st.sampled_from([False, False, False, True])
UNITS = st.sampled_from([PeriodUnit.MONTH, PeriodUnit.QUARTER, PeriodUnit.YEAR])
ANCHORS = st.sampled_from([PeriodAnchor.CALENDAR, PeriodAnchor.ANNIVERSARY])
ENROLMENTS = st.dates(min_value=D(2024, 1, 1), max_value=D(2025, 12, 31))
SUBSIDIES = st.sampled_from(
    [(), ((STATE, "", 5_000), (STATE, Category.INDIGENT, BASIS_POINTS)), ((STATE, "", 3_333),)]
)


def days_after(draw, day, least, most):
    return day + draw(st.integers(min_value=least, max_value=most)) * DAY


@st.composite
def packages(draw, enrolled_on):
    rules = {
        "period": draw(UNITS),
        "period_anchor": draw(ANCHORS),
        "per_household": draw(ONE_IN_FOUR),
        "contribution": draw(st.sampled_from([600, 1_000, 3_650, 7_000])),
        "registration_fee": draw(st.sampled_from([0, 500, 1_000])),
        "subsidies": draw(SUBSIDIES),
        "newcomer_billing": draw(st.sampled_from(list(NewcomerBilling))),
        "waiting_days": draw(st.sampled_from([0, 10, 30, 60])),
        "waiting_days_by_service": draw(
            st.dictionaries(st.sampled_from(SERVICES), st.sampled_from([0, 90, 270]), max_size=2)
        ),
        "excluded_services": draw(st.frozensets(st.sampled_from(SERVICES), max_size=1)),
        "reentry_waiting_days": draw(st.sampled_from([0, 0, 15])),
        "grace_days": draw(st.sampled_from([0, 15, 30, 45])),
        "child_age_limit": 18,
        "adult_dependants_allowed": draw(ONE_IN_FOUR),
        "newborns_exempt": draw(ONE_IN_FOUR),
    }
    if draw(st.booleans()):
        rules["amounts_by_category"] = {Category.CHILD: rules["contribution"] // 2}
    versions = [Terms(valid_from=days_after(draw, enrolled_on, -400, 0), **rules)]
    if draw(ONE_IN_FOUR):
        # a new version: other amounts and days, the same periods
        changes = {
            "contribution": draw(st.sampled_from([800, 1_200, 7_300])),
            "grace_days": draw(st.sampled_from([0, 30])),
            "waiting_days": draw(st.sampled_from([0, 30])),
            "reentry_waiting_days": draw(st.sampled_from([0, 10])),
            "adult_dependants_allowed": draw(st.booleans()),
        }
        valid_from = days_after(draw, enrolled_on, 1, 700)
        versions.append(Terms(valid_from=valid_from, **{**rules, **changes}))
    return versions


@st.composite
def households(draw):
    enrolled_on = draw(ENROLMENTS)
    versions = draw(packages(enrolled_on))
    head = Member(1, draw(st.sampled_from([Category.ADULT, Category.INDIGENT])), enrolled_on)
    members = [head]
    for key in range(2, 2 + draw(st.integers(0, 3))):
        joined = enrolled_on if draw(st.booleans()) else days_after(draw, enrolled_on, 1, 700)
        left_on = days_after(draw, joined, 1, 900) if draw(ONE_IN_FOUR) else None
        if draw(st.booleans()):
            # a child who reaches the age limit (18) some day after the household enrolled
            adult_on = days_after(draw, enrolled_on, 1, 1_200)
            born = D(adult_on.year - 18, adult_on.month, min(adult_on.day, 28))
            if draw(ONE_IN_FOUR):  # a newborn
                born = days_after(draw, joined, -80, 0)
            member = Member(key, Category.CHILD, joined, left_on, Relationship.CHILD, born)
        else:
            member = Member(key, Category.ADULT, joined, left_on, Relationship.SPOUSE)
        members.append(member)
    members.sort(key=lambda m: (m.enrolled_on, m.key))
    resigned_on = None
    if draw(ONE_IN_FOUR):
        # a household resigns after its members joined
        resigned_on = days_after(draw, max(m.enrolled_on for m in members), 1, 500)
    return versions, enrolled_on, members, resigned_on


@st.composite
def desks(draw, reversals=False, back_dated=True):
    """A household and its payments at the desk: each pays that many items owed (the fee, the
    oldest periods) and sometimes part of the next; a few received before they are recorded."""
    versions, enrolled_on, members, resigned_on = draw(households())
    desk = Desk(versions, enrolled_on, members, resigned_on)
    payments = []
    received_on = days_after(draw, enrolled_on, -20, 90)
    for _ in range(draw(st.integers(0, 10))):
        late = draw(st.sampled_from([0, 0, 0, 0, 1, 20, 60])) if back_dated else 0
        parts = draw(st.sampled_from([1, 1, 1, 2, 3, 6]))
        extra = draw(st.sampled_from([0, 0, 0, 100, 350]))
        payments.append((received_on + late * DAY, received_on, parts, extra))
        received_on = days_after(draw, received_on, 1, draw(st.sampled_from([10, 40, 100, 400])))
    payments.sort()
    reversing = []  # (day, rows): reversals to come, recorded in turn with the payments

    def reverse_until(day):
        for on, rows in sorted(reversing, key=lambda item: item[0]):
            if on <= day:
                desk.reverse(rows, on)
                reversing.remove((on, rows))

    for recorded_on, received_on, parts, extra in payments:
        reverse_until(recorded_on)
        if resigned_on is not None and received_on >= resigned_on:
            continue
        rows = desk.pay(received_on, extra, recorded_on, parts=parts)
        if reversals and rows and draw(ONE_IN_FOUR):
            reversing.append((days_after(draw, recorded_on, 0, 90), rows))
    reverse_until(D.max)
    return desk


def last_day_of_interest(desk):
    return max([desk.enrolled_on, *(row.received_on for row in desk.rows)]) + 60 * DAY


MONTHLY = Terms(
    valid_from=D(2020, 1, 1),
    period=PeriodUnit.MONTH,
    contribution=600,
    waiting_days=0,
    grace_days=0,
)


def days_to_check(desk, data):
    """Days where a rule may change its answer (enrolments, payments, period starts, the ends of
    grace and waiting periods, birthdays, departures), the day before and after; and others."""
    history = desk.history()
    last = last_day_of_interest(desk)
    edges = {desk.enrolled_on, last}
    for row in desk.rows:
        edges.update({row.received_on, row.recorded_on})
        for terms in desk.versions:
            edges.update(row.recorded_on + days * DAY for days in (terms.waiting_days, 30, 15, 60))
    for member in desk.members:
        edges.update({member.enrolled_on, member.left_on})
        if member.birth_date:
            edges.add(reference.turns(member.birth_date, 18))
    edges.update(terms.valid_from for terms in desk.versions)
    if history.terms is not None:
        start = history.periods.start(desk.enrolled_on)
        while start <= last:
            edges.update(start + days * DAY for days in (0, 15, 30, 45))
            start = history.periods.following(start)
    edges.discard(None)
    days = {edge + shift * DAY for edge in edges for shift in (-1, 0, 1)}
    if data is not None:
        days.update(data.draw(st.lists(st.dates(desk.enrolled_on - 30 * DAY, last), max_size=5)))
    return sorted(day for day in days if day <= last)


def compare(desk, data, services=(None,), until=True):
    """`coverage_at` against the reference, for every member on every day to check."""
    history = desk.history()
    last = last_day_of_interest(desk)
    horizon = last + 800 * DAY
    household = desk.household(horizon + 400 * DAY)
    days = days_to_check(desk, data)
    for member in desk.members:
        walked = reference.walk(history, member.key, horizon)
        for day in days:
            for service in services:
                got = coverage_at(household, member.key, day, service)
                covered, reasons, covered_until = reference.coverage(
                    history, member.key, day, service, walked
                )
                context = (member, day, service, got, reasons, covered_until)
                assert got.covered == covered, context
                codes = {(str(b.reason), b.date) for b in got.reasons}
                if {"household_resigned", "left_household", "over_age_limit"} & {
                    code for code, _ in reasons
                }:
                    # once out of the household, or past the age its cover ends at, what it
                    # owes no longer says anything of them: a child past the limit owes
                    # nothing of the periods after it, and the household's re-entry wait (its
                    # periods owing nothing count as paid the day they begin) is not theirs
                    codes = {code for code in codes if code[0] not in PAYMENT_REASONS}
                    reasons = {code for code in reasons if code[0] not in PAYMENT_REASONS}
                assert codes == set(reasons), context
                if covered and until and covered_until < horizon:
                    assert got.covered_until == covered_until, context


# --- the properties ---------------------------------------------------------------------------


@settings(max_examples=60)
@given(desk=desks(), data=st.data())
def test_cover_agrees_with_the_rules_read_day_by_day(desk, data):
    compare(desk, data)


@settings(max_examples=25)
@given(desk=desks(back_dated=False), data=st.data())
def test_cover_by_service_agrees_with_the_rules_read_day_by_day(desk, data):
    compare(desk, data, services=SERVICES, until=False)


def paid_then_reversed():
    """January paid on 1 January, the payment reversed on the 2nd."""
    desk = Desk([MONTHLY], D(2024, 1, 1), [Member(1, Category.ADULT, D(2024, 1, 1))])
    desk.reverse(desk.pay(D(2024, 1, 1), 600), D(2024, 1, 2))
    return desk


REENTRY = replace(MONTHLY, reentry_waiting_days=15)


def paid_ahead_then_the_month_before_reversed(late_payment=False):
    """January, February and March paid early in January; February's payment reversed (a
    bounced cheque), so that February is unpaid; then, maybe, February paid late, on 2 March.
    March's money came before the suspension and its wait ran out long ago: covered from 1
    March, and paying February's arrears on the 2nd never takes that back."""
    desk = Desk([REENTRY], D(2024, 1, 1), [Member(1, Category.ADULT, D(2024, 1, 1))])
    desk.pay(D(2024, 1, 2), 600)
    february = desk.pay(D(2024, 1, 3), 600)
    desk.pay(D(2024, 1, 4), 600)
    desk.reverse(february, D(2024, 1, 5))
    if late_payment:
        desk.pay(D(2024, 3, 2), 600)
    return desk


def wait_under_way_into_a_period_paid_ahead():
    """A quarter left unpaid, then paid on 27 August (recorded 16 September) with the next:
    the wait after the suspension runs to 1 October. The quarter after, paid ahead by money
    received on 1 August but recorded on 30 September, starts no second wait."""
    quarterly = replace(REENTRY, valid_from=D(2024, 1, 27), period=PeriodUnit.QUARTER)
    desk = Desk([quarterly], D(2024, 1, 27), [Member(1, Category.ADULT, D(2024, 1, 27))])
    desk.pay(D(2024, 3, 14), 429)
    desk.pay(D(2024, 8, 27), 1200, recorded_on=D(2024, 9, 16))
    desk.pay(D(2024, 8, 1), 600, recorded_on=D(2024, 9, 30))
    return desk


@settings(max_examples=40)
@given(desk=desks(reversals=True), data=st.data())
@example(desk=paid_then_reversed(), data=None)
@example(desk=paid_ahead_then_the_month_before_reversed(), data=None)
@example(desk=paid_ahead_then_the_month_before_reversed(late_payment=True), data=None)
@example(desk=wait_under_way_into_a_period_paid_ahead(), data=None)
def test_cover_after_reversals_agrees_with_the_rules_read_day_by_day(desk, data):
    compare(desk, data)


@settings(max_examples=40)
@given(desk=desks(), data=st.data())
def test_money_received_never_makes_earlier_care_covered(desk, data):
    # Rule 1, on its own: whatever is paid later, the answer for a day before it stays.
    last = last_day_of_interest(desk)
    before = desk.household(last + 800 * DAY)
    received_on = data.draw(st.dates(desk.enrolled_on, last))
    if desk.resigned_on is not None and received_on >= desk.resigned_on:
        return
    recorded_on = received_on + data.draw(st.sampled_from([0, 30])) * DAY
    if not desk.pay(received_on, data.draw(st.integers(1, 20_000)), recorded_on, parts=99):
        return
    after = desk.household(last + 800 * DAY)
    for member in desk.members:
        for day in days_to_check(desk, data):
            if day >= received_on or reference.version_on(desk.versions, day) is None:
                continue  # (without a package, "never paid" means "not even since")
            now, then = coverage_at(after, member.key, day), coverage_at(before, member.key, day)
            assert now.covered == then.covered, (member, day)
            assert reasons(now) == reasons(then)


def arrears_paid_after_a_reversal():
    """January, February and March paid ahead; February's payment reversed on 3 January."""
    desk = Desk([MONTHLY], D(2024, 1, 1), [Member(1, Category.ADULT, D(2024, 1, 1))])
    desk.pay(D(2024, 1, 1), 600)
    february = desk.pay(D(2024, 1, 1), 600)
    desk.pay(D(2024, 1, 2), 600)
    desk.reverse(february, D(2024, 1, 3))
    return desk


@settings(max_examples=40)
@given(desk=desks(reversals=True), data=st.data())
@example(desk=arrears_paid_after_a_reversal(), data=None)
def test_money_received_never_changes_earlier_cover_even_after_reversals(desk, data):
    last = last_day_of_interest(desk)
    before = desk.household(last + 800 * DAY)
    received_on = data.draw(st.dates(desk.enrolled_on, last)) if data else D(2024, 3, 10)
    if desk.resigned_on is not None and received_on >= desk.resigned_on:
        return
    if not desk.pay(received_on, 0, parts=2):
        return
    after = desk.household(last + 800 * DAY)
    for member in desk.members:
        for day in days_to_check(desk, data):
            if day < received_on:
                now, then = (
                    coverage_at(after, member.key, day),
                    coverage_at(before, member.key, day),
                )
                assert now.covered == then.covered, (member, day)


@settings(max_examples=40)
@given(desk=desks(), data=st.data())
def test_recording_a_payment_later_never_shortens_a_waiting_period(desk, data):
    # Rule 1: the same money, recorded later, covers no day it did not cover.
    last = last_day_of_interest(desk)
    sooner = desk.household(last + 800 * DAY)
    lag = data.draw(st.integers(1, 90)) * DAY
    desk.rows = [
        Settled(
            r.received_on, r.kind, r.period_start, r.amount, (r.recorded_on or r.received_on) + lag
        )
        for r in desk.rows
    ]
    later = desk.household(last + 800 * DAY)
    for member in desk.members:
        for day in days_to_check(desk, data):
            if coverage_at(later, member.key, day).covered:
                assert coverage_at(sooner, member.key, day).covered, (member, day)


@settings(max_examples=40)
@given(desk=desks(), data=st.data())
def test_adding_a_dependant_never_changes_the_cover_of_those_already_there(desk, data):
    # Rule 3: with the same payments, a newcomer changes nobody else's cover, on any day.
    last = last_day_of_interest(desk)
    before = desk.household(last + 800 * DAY)
    latest = max(m.enrolled_on for m in desk.members) + DAY
    joined = data.draw(st.dates(latest, max(latest, last)))
    newcomer = Member(99, Category.ADULT, joined, None, Relationship.SPOUSE)
    desk.members.append(newcomer)
    after = desk.household(last + 800 * DAY)
    for member in desk.members[:-1]:
        for day in days_to_check(desk, data):
            assert coverage_at(after, member.key, day) == coverage_at(before, member.key, day), (
                member,
                day,
            )


@settings(max_examples=25)
@given(desk=desks(), data=st.data())
def test_coverage_by_service_agrees_with_coverage_at_for_each_service(desk, data):
    household = desk.household(last_day_of_interest(desk) + 800 * DAY)
    for day in data.draw(st.lists(st.sampled_from(days_to_check(desk, data)), max_size=10)):
        for member in desk.members:
            assert coverage_by_service(household, member.key, day, SERVICES) == {
                service: coverage_at(household, member.key, day, service) for service in SERVICES
            }


# --- worked examples --------------------------------------------------------------------------

PACKAGE = Terms(
    valid_from=D(2020, 1, 1),
    period=PeriodUnit.MONTH,
    contribution=1_000,
    registration_fee=500,
    waiting_days=30,
    grace_days=15,
    child_age_limit=21,
    waiting_days_by_service={"delivery": 270},
    excluded_services=frozenset({"dental"}),
)
ENROLLED_ON = D(2026, 1, 5)
PAID_ON = D(2026, 1, 10)  # the fee and January to June, on 10 January


def head(**changes):
    return Member(**{"key": 1, "category": Category.ADULT, "enrolled_on": ENROLLED_ON, **changes})


def spouse(**changes):
    return head(**{"key": 2, "relationship": Relationship.SPOUSE, **changes})


def child(birth_date, **changes):
    facts = {"key": 3, "category": Category.CHILD, "relationship": Relationship.CHILD}
    return head(**{**facts, "birth_date": birth_date, **changes})


JUNE = D(2026, 6, 1)


def desk_of(*members, versions=(PACKAGE,), resigned_on=None, paid_to=JUNE):
    """A household enrolled on 5 January that paid its fee and January to June on 10 January."""
    desk = Desk(versions, ENROLLED_ON, list(members) or [head()], resigned_on)
    facts = desk.household(paid_to)
    desk.pay(PAID_ON, 500 + sum(due.member for due in facts.dues))
    return desk


def coverage_of(desk, key, day, service=None):
    return desk.coverage(key, day, service)


def reasons(coverage):
    return {(str(because.reason), because.date) for because in coverage.reasons}


def test_a_household_that_paid_is_covered_once_the_waiting_period_is_over():
    # given a household in cover from 10 January, with a waiting period of 30 days
    # when its head seeks care on 9 February, the first covered day
    coverage = coverage_of(desk_of(), 1, D(2026, 2, 9))
    # then they are covered
    assert coverage.covered
    assert coverage.reasons == ()


def test_a_household_is_not_covered_during_its_waiting_period():
    coverage = coverage_of(desk_of(), 1, D(2026, 2, 8))
    assert reasons(coverage) == {("waiting_period", D(2026, 2, 9))}


def test_the_first_calendar_period_is_prorated_and_settles_cover():
    # 1,000 × 27 / 31 days = 870.97: the head owes 871 for January (rule 5)
    desk = desk_of()
    assert desk.household(D(2026, 1, 31)).dues[0].member == 871
    assert sum(row.amount for row in desk.rows) == 500 + 871 + 5 * 1_000


def test_the_waiting_period_depends_on_the_service():
    # given a package with 270 days of waiting for deliveries
    desk = desk_of(head(), spouse())
    # when the head's wife delivers in March, the delivery is not covered until 7 October
    assert reasons(coverage_of(desk, 2, D(2026, 3, 1), "delivery")) == {
        ("waiting_period", D(2026, 10, 7))
    }
    # while a consultation is
    assert coverage_of(desk, 2, D(2026, 3, 1), "consultation").covered


def test_a_child_over_the_age_limit_is_not_covered():
    # given a child who turns 21, the package's limit, on 1 March 2026 (a period's first day)
    desk = desk_of(head(), child(D(2005, 3, 1)))
    # then on their birthday they are no longer covered, nor billed
    assert reasons(coverage_of(desk, 3, D(2026, 3, 1))) == {("over_age_limit", D(2026, 3, 1))}
    assert coverage_of(desk, 3, D(2026, 2, 28)).covered
    march = desk.household(D(2026, 3, 1)).dues[2]
    assert [line.key for line in march.lines] == [1]


def test_a_child_is_covered_to_the_end_of_the_period_they_reach_the_age_limit_in():
    # Rule 4: a child who turns 21 on 10 March is billed, and covered, until 31 March
    desk = desk_of(head(), child(D(2005, 3, 10)))
    assert coverage_of(desk, 3, D(2026, 3, 31)).covered
    assert coverage_of(desk, 3, D(2026, 3, 20)).covered_until == D(2026, 3, 31)
    assert reasons(coverage_of(desk, 3, D(2026, 4, 1))) == {("over_age_limit", D(2026, 4, 1))}


def test_a_child_born_on_29_february_reaches_the_age_limit_on_1_march_in_a_common_year():
    # given a child born on 29 February 2004, who turns 21 on 1 March 2025, a common year
    desk = desk_of(head(), child(D(2004, 2, 29)))
    assert "over_age_limit" not in coverage_of(desk, 3, D(2025, 2, 28)).codes
    assert ("over_age_limit", D(2025, 3, 1)) in reasons(coverage_of(desk, 3, D(2025, 3, 1)))


def test_the_age_limit_is_for_children_only():
    desk = desk_of(head(), spouse(birth_date=D(2005, 3, 1)))
    assert coverage_of(desk, 2, D(2026, 3, 1)).covered


def test_a_household_is_covered_during_the_grace_period_after_an_unpaid_period_starts():
    # given a household that paid January to June, and not yet July; 15 days of grace
    desk = desk_of()
    # when its head seeks care on 10 July, they are covered, and told until when
    coverage = coverage_of(desk, 1, D(2026, 7, 10))
    assert coverage.covered
    assert (coverage.grace_until, coverage.covered_until) == (D(2026, 7, 15), D(2026, 7, 15))
    # and the last day of grace still is, the next is not
    assert coverage_of(desk, 1, D(2026, 7, 15)).covered
    after = coverage_of(desk, 1, D(2026, 7, 16))
    assert reasons(after) == {("contributions_unpaid", D(2026, 7, 1))}
    assert after.grace_until is None


def test_covered_until_is_the_end_of_the_grace_after_the_last_paid_period():
    coverage = coverage_of(desk_of(), 1, D(2026, 3, 3))
    assert (coverage.covered_until, coverage.grace_until) == (D(2026, 7, 15), None)


def test_there_is_no_grace_when_the_period_before_was_unpaid_too():
    # given July and August unpaid
    # when the head seeks care on 3 August, within the days of grace after August's start
    coverage = coverage_of(desk_of(), 1, D(2026, 8, 3))
    # then there is no grace: contributions are unpaid since July
    assert reasons(coverage) == {("contributions_unpaid", D(2026, 7, 1))}


def test_a_paid_period_has_no_grace_period_to_report():
    coverage = coverage_of(desk_of(), 1, D(2026, 6, 3))
    assert coverage.covered
    assert coverage.grace_until is None


def test_unpaid_contributions_suspend_every_member_of_the_household():
    # given a household of four that paid to June
    members = [
        head(),
        spouse(birth_date=D(1985, 1, 1)),
        child(D(2015, 4, 2)),
        head(key=4, relationship=Relationship.PARENT, birth_date=D(1950, 1, 1)),
    ]
    desk = desk_of(*members)
    # then none of them is covered in July after the grace, for the same reason
    for member in members:
        coverage = coverage_of(desk, member.key, D(2026, 7, 20))
        assert reasons(coverage) == {("contributions_unpaid", D(2026, 7, 1))}


def test_a_household_that_never_paid_is_not_covered():
    desk = Desk([PACKAGE], ENROLLED_ON, [head()])
    assert reasons(coverage_of(desk, 1, D(2026, 3, 1))) == {("never_paid", None)}


def test_an_excluded_service_is_not_covered():
    assert reasons(coverage_of(desk_of(), 1, D(2026, 3, 1), "dental")) == {
        ("service_excluded", None)
    }


def test_a_newborn_waits_like_any_newcomer_unless_the_package_exempts_newborns():
    # This example changed with rule 2: a baby added to the household on 12 March used to be
    # covered from that day; they wait 30 days from their own cover, as any newcomer, unless
    # the package exempts the newborns of a covered member.
    baby = child(D(2026, 3, 10), enrolled_on=D(2026, 3, 12))
    for exempt in (False, True):
        desk = desk_of(head(), versions=(replace(PACKAGE, newborns_exempt=exempt),))
        desk.members.append(baby)
        before = coverage_of(desk, 3, D(2026, 3, 11))
        assert reasons(before) == {("not_enrolled", D(2026, 3, 12)), ("never_paid", None)}
        on_the_day = coverage_of(desk, 3, D(2026, 3, 12))
        if exempt:
            assert on_the_day.covered
        else:
            assert reasons(on_the_day) == {("waiting_period", D(2026, 4, 11))}
            assert coverage_of(desk, 3, D(2026, 4, 11)).covered


def test_a_beneficiary_who_left_the_household_is_not_covered():
    desk = desk_of(head(), spouse(left_on=D(2026, 4, 1)))
    assert coverage_of(desk, 2, D(2026, 3, 31)).covered
    assert coverage_of(desk, 2, D(2026, 3, 10)).covered_until == D(2026, 3, 31)
    assert reasons(coverage_of(desk, 2, D(2026, 4, 1))) == {("left_household", D(2026, 4, 1))}


def test_a_resigned_household_is_not_covered():
    desk = desk_of(resigned_on=D(2026, 5, 1))
    assert coverage_of(desk, 1, D(2026, 4, 30)).covered
    assert reasons(coverage_of(desk, 1, D(2026, 5, 1))) == {("household_resigned", D(2026, 5, 1))}


def test_no_package_in_force_is_a_reason_and_so_is_never_having_paid():
    # given a package that starts in 2027: the household can owe nothing, nor pay
    later = Terms(D(2027, 1, 1), PeriodUnit.MONTH, waiting_days=30, grace_days=15)
    desk = Desk([later], ENROLLED_ON, [head()])
    # then both reasons are given (every reason is given)
    assert reasons(coverage_of(desk, 1, D(2026, 3, 1))) == {
        ("no_package", None),
        ("never_paid", None),
    }
    # a household that paid, asked about a day before its package and its enrolment, is not
    # told it never paid
    starting = replace(PACKAGE, valid_from=D(2026, 1, 1))
    assert reasons(coverage_of(desk_of(versions=(starting,)), 1, D(2025, 12, 1))) == {
        ("no_package", None),
        ("not_enrolled", ENROLLED_ON),
    }


def test_every_reason_is_given_at_once():
    # given a child over the age limit, asking for an excluded service during the waiting period
    desk = desk_of(head(), child(D(2000, 1, 1)))
    coverage = coverage_of(desk, 3, D(2026, 1, 20), "dental")
    assert reasons(coverage) == {
        ("over_age_limit", D(2021, 1, 1)),
        ("service_excluded", None),
        ("waiting_period", D(2026, 2, 9)),
    }


def test_the_version_in_force_on_the_date_decides():
    # given a new version from 1 March that excludes consultations and raises the age limit
    new = replace(
        PACKAGE,
        valid_from=D(2026, 3, 1),
        child_age_limit=25,
        excluded_services=frozenset({"consultation"}),
    )
    desk = desk_of(head(), child(D(2004, 1, 1)), versions=(new, PACKAGE))
    assert coverage_of(desk, 1, D(2026, 2, 28), "consultation").covered
    assert coverage_of(desk, 1, D(2026, 3, 1), "consultation").codes == ("service_excluded",)
    # a child of 22, out of cover and dues in January and February, is covered again (and
    # billed) under the new limit of 25
    assert coverage_of(desk, 3, D(2026, 2, 20)).codes == ("over_age_limit",)
    assert coverage_of(desk, 3, D(2026, 3, 1)).covered


def test_a_reason_reads_as_a_sentence_with_its_date():
    with translation.override("en"):
        assert str(Because(Reason.WAITING_PERIOD, D(2026, 2, 9))) == (
            "in the waiting period until 2026-02-09"
        )
        assert str(Because(Reason.NO_PACKAGE)) == "no benefit package in force"


def test_a_reason_on_a_page_writes_its_date_as_the_page_writes_dates():
    for language in ("fr", "en"):
        with translation.override(language):
            text = reason(Because(Reason.WAITING_PERIOD, D(2026, 2, 9)))
            assert "09/02/2026" in text
            assert "2026-02-09" not in text


# household_status


def status_on(day, desk=None):
    desk = desk or desk_of()
    return household_status(coverage_of(desk, 1, day), day)


def test_a_household_that_never_paid_is_waiting():
    assert status_on(D(2026, 3, 1), Desk([PACKAGE], ENROLLED_ON, [head()])) == Status.WAITING


def test_a_household_in_its_waiting_period_is_waiting():
    assert status_on(D(2026, 1, 20)) == Status.WAITING


def test_a_household_that_paid_is_covered():
    assert status_on(D(2026, 3, 1)) == Status.COVERED
    assert status_on(D(2026, 7, 10)) == Status.COVERED  # in its grace period


def test_a_household_behind_with_its_contributions_is_suspended():
    assert status_on(D(2026, 7, 16)) == Status.SUSPENDED


def test_a_household_unpaid_for_more_than_a_year_has_lapsed():
    # unpaid since 1 July 2026: 365 days later it is still suspended, the day after lapsed
    assert status_on(D(2026, 7, 1) + LAPSE_AFTER_DAYS * DAY) == Status.SUSPENDED
    assert status_on(D(2026, 7, 1) + (LAPSE_AFTER_DAYS + 1) * DAY) == Status.LAPSED


def test_a_resigned_household_is_resigned_whatever_it_owes():
    desk = desk_of(resigned_on=D(2026, 8, 1))
    assert status_on(D(2026, 9, 1), desk) == Status.RESIGNED
    assert status_on(D(2026, 7, 31), desk) == Status.SUSPENDED


# --- disagreements between the code and the rules' words (reported) --------------------------


def monthly_desk(enrolled_on=None, **changes):
    enrolled_on = enrolled_on or D(2024, 1, 1)
    terms = replace(MONTHLY, **changes)
    return Desk([terms], enrolled_on, [Member(1, Category.ADULT, enrolled_on)])


def test_unpaid_since_the_first_period_still_unpaid_not_one_paid_late():
    # given January paid on 1 January, February paid late on 1 March, March unpaid
    desk = monthly_desk()
    desk.pay(D(2024, 1, 1), 600)
    desk.pay(D(2024, 3, 1), 600)
    # then in March contributions are unpaid since 1 March: February is paid; a household
    # that pays each month a month late is behind by a month, not for ever (it never lapses)
    assert reasons(desk.coverage(1, D(2024, 3, 5))) == {("contributions_unpaid", D(2024, 3, 1))}


def test_unpaid_since_the_first_period_still_unpaid_before_cover_began():
    # given January (the first period) paid only on 1 March; February and March unpaid
    desk = monthly_desk()
    desk.pay(D(2024, 3, 1), 600)
    # then on 5 March contributions are unpaid since February
    assert reasons(desk.coverage(1, D(2024, 3, 5))) == {("contributions_unpaid", D(2024, 2, 1))}


def test_no_reentry_wait_before_any_covered_day():
    # given a package with 15 days of re-entry waiting; a household enrolled on 30 January
    # that pays January (2 days: 39) on 1 February, then February and March on 2 March
    desk = monthly_desk(D(2024, 1, 30), reentry_waiting_days=15)
    desk.pay(D(2024, 2, 1), 39)
    desk.pay(D(2024, 3, 2), 1_200)
    # then it was never covered to re-enter: care is covered from 2 March, as it would be had
    # February been paid on 20 February
    assert desk.coverage(1, D(2024, 3, 2)).covered


def test_no_reentry_wait_before_any_covered_day_when_paid_within_the_period():
    desk = monthly_desk(D(2024, 1, 30), reentry_waiting_days=15)
    desk.pay(D(2024, 2, 1), 39)
    desk.pay(D(2024, 2, 20), 600)
    assert desk.coverage(1, D(2024, 2, 20)).covered


def test_a_back_dated_part_of_the_first_payment_never_shortens_the_waiting_period():
    # given 30 days of waiting; 100 received on 2 January, and 500 received on 1 January but
    # recorded on 21 January (back-dated)
    desk = monthly_desk(waiting_days=30)
    desk.pay(D(2024, 1, 2), 100)
    desk.pay(D(2024, 1, 1), 500, recorded_on=D(2024, 1, 21))
    # then cover started on 2 January, but the mutual knew of the money only on the 21st: the
    # waiting period ends on 20 February, as if the 500 had been received that day
    assert reasons(desk.coverage(1, D(2024, 1, 25))) == {("waiting_period", D(2024, 2, 20))}


def test_a_reversed_payment_is_read_as_never_received():
    # A reversal cancels a payment (a receipt entered by mistake, money that never came): the
    # days it seemed to pay were never paid, and a claim decided then is not decided again.
    desk = paid_then_reversed()
    assert reasons(desk.coverage(1, D(2024, 1, 1))) == {("never_paid", None)}
    desk.pay(D(2024, 1, 10), 600)
    assert not desk.coverage(1, D(2024, 1, 9)).covered
    assert desk.coverage(1, D(2024, 1, 10)).covered


def test_a_back_dated_payment_never_shortens_a_reentry_wait():
    # given 15 days of re-entry waiting; January paid, February unpaid (suspended) and paid
    # late on 5 March; March's money received on 20 February but recorded on 1 April
    desk = monthly_desk(reentry_waiting_days=15)
    desk.pay(D(2024, 1, 1), 600)
    desk.pay(D(2024, 3, 5), 600)
    desk.pay(D(2024, 2, 20), 600, recorded_on=D(2024, 4, 1))
    # then March's money covers from 20 February after the re-entry wait counted from 1 April:
    # recorded on time (on 1 April), the same money would have covered nothing before 16 April
    assert reasons(desk.coverage(1, D(2024, 3, 25))) == {("waiting_period", D(2024, 4, 16))}


def test_a_baby_born_while_the_head_waits_is_not_exempt_from_waiting():
    # given a package of 10 days of waiting that exempts the newborns of a covered member; a
    # head who paid on 1 January (covered from the 11th) and a baby born and enrolled on the 5th
    desk = monthly_desk(waiting_days=10, newborns_exempt=True)
    desk.pay(D(2024, 1, 1), 600)
    desk.members.append(
        Member(2, Category.CHILD, D(2024, 1, 5), None, Relationship.CHILD, D(2024, 1, 5))
    )
    assert reasons(desk.coverage(1, D(2024, 1, 5))) == {("waiting_period", D(2024, 1, 11))}
    # then the baby is no more covered than the parent: the head was not covered on the day
    # of birth, so the baby waits as any newcomer (counted from their own cover, the 5th)
    assert reasons(desk.coverage(2, D(2024, 1, 5))) == {("waiting_period", D(2024, 1, 15))}


def test_paying_arrears_never_takes_cover_away():
    # given January, February and March paid ahead, February's payment reversed on 3 January
    # (no re-entry waiting period, no grace, no waiting)
    desk = arrears_paid_after_a_reversal()
    assert desk.coverage(1, D(2024, 3, 5)).covered
    # when February's arrears are paid on 10 March
    desk.pay(D(2024, 3, 10), 600)
    assert desk.rows[-1].period_start == D(2024, 2, 1)
    # then 5 March, covered by March's money received on 2 January, stays covered (rule 1:
    # cover on a date depends on what had been paid by that date)
    assert desk.coverage(1, D(2024, 3, 5)).covered
