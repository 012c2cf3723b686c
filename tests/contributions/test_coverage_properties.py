"""Coverage at a date (membership/coverage.py): who is covered, and every reason someone is not.

The property test compares `coverage_at` with a deliberately plain reference written from the
module's docstring: periods are found by walking day by day, the unpaid run by walking the
household's periods from its first one.
"""

import calendar
import datetime

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.benefits.choices import Relationship
from mutualis.core.periods import PeriodUnit, shift
from mutualis.membership.coverage import (
    LAPSE_AFTER_DAYS,
    Because,
    BeneficiaryFacts,
    CoverageTerms,
    HouseholdFacts,
    Reason,
    Status,
    coverage_at,
    coverage_by_service,
    household_status,
)

D = datetime.date
DAY = datetime.timedelta(days=1)
SERVICES = ["consultation", "delivery", "hospitalisation", "dental"]


# The reference: the docstring's rules, one by one, in plain loops

MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "semester": 6, "year": 12}


def begins_a_period(day, unit):
    return day.day == 1 and (day.month - 1) % MONTHS_PER_PERIOD[unit] == 0


def start_of_period(day, unit):
    while not begins_a_period(day, unit):
        day -= DAY
    return day


def next_period(start, unit):
    day = start + DAY
    while not begins_a_period(day, unit):
        day += DAY
    return day


def turns(birth_date, years):
    """The birthday on which someone turns `years`; born on 29 February, 1 March in common
    years."""
    year = birth_date.year + years
    if (birth_date.month, birth_date.day) == (2, 29) and not calendar.isleap(year):
        return D(year, 3, 1)
    return D(year, birth_date.month, birth_date.day)


def reference(beneficiary, household, versions, on, service):
    """(covered, {(reason, date)}, grace_until) by the docstring's rules."""
    reasons = set()
    enrolment = max(household.enrolled_on, beneficiary.enrolled_on)
    if on < enrolment:
        reasons.add(("not_enrolled", enrolment))
    if household.resigned_on is not None and household.resigned_on <= on:
        reasons.add(("household_resigned", household.resigned_on))
    if beneficiary.left_on is not None and beneficiary.left_on <= on:
        reasons.add(("left_household", beneficiary.left_on))
    if household.covered_from is None:
        reasons.add(("never_paid", None))
    in_force = [version for version in versions if version.valid_from <= on]
    if not in_force:
        reasons.add(("no_package", None))
        return False, reasons, None
    terms = max(in_force, key=lambda version: version.valid_from)
    if beneficiary.relationship == "child":
        limit = turns(beneficiary.birth_date, terms.child_age_limit)
        if on >= limit:
            reasons.add(("over_age_limit", limit))
    if service is not None and service in terms.excluded_services:
        reasons.add(("service_excluded", None))
    grace_until = None
    if household.covered_from is not None:
        waiting = terms.waiting_days
        if service is not None and service in terms.waiting_days_by_service:
            waiting = terms.waiting_days_by_service[service]
        first_covered_day = household.covered_from + waiting * DAY
        if on < first_covered_day:
            reasons.add(("waiting_period", first_covered_day))
        if on >= household.covered_from:
            # walk the household's periods from its first: where does the unpaid run begin?
            current = start_of_period(on, terms.period)
            period = start_of_period(household.enrolled_on, terms.period)
            assert period <= current  # the cases below never come into cover before
            run_start = None
            while period <= current:
                if period in household.paid_periods:
                    run_start = None
                elif run_start is None:
                    run_start = period
                period = next_period(period, terms.period)
            if run_start is not None:
                grace_end = current + terms.grace_days * DAY
                if run_start == current and on < grace_end:
                    grace_until = grace_end - DAY
                else:
                    reasons.add(("contributions_unpaid", run_start))
    covered = not reasons
    return covered, reasons, grace_until if covered else None


# Random histories, most of them of households that joined and paid, so that every rule,
# covered days and grace periods come up often. Days are drawn as offsets from a few anchors,
# with strategies made once (Hypothesis caches them; fresh ones per draw are slow).

ONE_IN_FOUR = st.sampled_from([False, False, False, True])  # even draws, shrinks to False
ENROLMENTS = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))
SERVICE = st.none() | st.sampled_from(SERVICES)
AGE_LIMITS = st.integers(min_value=1, max_value=25)
WAITING_BY_SERVICE = st.dictionaries(st.sampled_from(SERVICES), st.integers(0, 365))
EXCLUDED = st.frozensets(st.sampled_from(SERVICES), max_size=2)
LEAP_DAYS = st.sampled_from([D(2004, 2, 29), D(2008, 2, 29), D(2020, 2, 29)])
UNPAID_RUNS = {
    (count, at_least): st.lists(
        st.tuples(st.integers(0, count - 1), st.integers(1, 4)), min_size=at_least, max_size=4
    )
    for count in (5, 10, 20, 60)
    for at_least in (0, 1)
}


def days_after(draw, day, least, most):
    return day + draw(st.integers(min_value=least, max_value=most)) * DAY


def sometimes(draw, value, otherwise=None):
    """`value()` once in four draws, `otherwise` the other times."""
    return value() if draw(ONE_IN_FOUR) else otherwise


@st.composite
def versions_of(draw, unit, enrolled_on, age_limits=AGE_LIMITS):
    def later():
        return days_after(draw, enrolled_on, -400, 900)

    first = sometimes(draw, later, days_after(draw, enrolled_on, -400, 0))
    starts = {first, *(later() for _ in range(draw(st.integers(0, 2))))}
    return [
        CoverageTerms(
            valid_from=start,
            period=unit,  # every version of a package keeps its period unit
            waiting_days=draw(st.integers(min_value=0, max_value=120)),
            grace_days=draw(st.integers(min_value=0, max_value=60)),
            child_age_limit=draw(age_limits),
            waiting_days_by_service=draw(WAITING_BY_SERVICE),
            excluded_services=draw(EXCLUDED),
        )
        for start in sorted(starts)
    ]


EDGES = ["resignation", "departure", "version", "age limit", "waiting", "grace", "enrolment"]


@st.composite
def histories(draw):
    # Seven times in eight, the history is built around one of the days where a rule changes
    # its answer, and the date asked about is the day before, of or after it.
    focus = draw(st.sampled_from([None, *EDGES]))
    unit = draw(st.sampled_from(list(MONTHS_PER_PERIOD)))
    enrolled_on = draw(ENROLMENTS)
    on = days_after(draw, enrolled_on, -60, 1500)
    if focus == "resignation" or draw(ONE_IN_FOUR):
        resigned_on = days_after(draw, enrolled_on, 1, 1200)
    else:
        resigned_on = None
    first_period = start_of_period(enrolled_on, unit)
    covered_from = days_after(draw, first_period, 0, 400)
    if focus not in ("waiting", "grace") and draw(ONE_IN_FOUR):
        covered_from = None
    # the household's periods over five years, paid but for a few runs of unpaid ones
    count = 60 // MONTHS_PER_PERIOD[unit]
    unpaid = set()
    for first, length in draw(UNPAID_RUNS[count, 1 if focus == "grace" else 0]):
        unpaid.update(range(first, first + length))
    starts = [shift(first_period, unit, n) for n in range(count)]  # (periods are proven apart)
    paid_periods = {start for index, start in enumerate(starts) if index not in unpaid}
    runs = [starts[i] for i in sorted(unpaid) if i - 1 not in unpaid and i < count]
    household = HouseholdFacts(enrolled_on, resigned_on, covered_from, frozenset(paid_periods))
    beneficiary_enrolled_on = sometimes(
        draw, lambda: days_after(draw, enrolled_on, 0, 400), enrolled_on
    )
    if focus == "departure" or draw(ONE_IN_FOUR):
        left_on = days_after(draw, beneficiary_enrolled_on, 1, 900)
    else:
        left_on = None
    birth_date = sometimes(
        draw, lambda: draw(LEAP_DAYS), days_after(draw, enrolled_on, -80 * 365, 0)
    )
    relationship = draw(st.sampled_from([*Relationship, Relationship.CHILD]))
    limit = draw(AGE_LIMITS)
    if focus == "age limit":
        # a child who reaches the package's age limit while the household is a member
        reached = days_after(draw, enrolled_on, 0, 1500)
        birth_date = reached.replace(year=reached.year - limit, day=min(reached.day, 28))
        relationship = Relationship.CHILD
    beneficiary = BeneficiaryFacts(birth_date, relationship, beneficiary_enrolled_on, left_on)
    if focus == "age limit":
        versions = draw(versions_of(unit, enrolled_on, st.just(limit)))
    elif focus in ("version", "waiting", "grace") or not draw(ONE_IN_FOUR):
        versions = draw(versions_of(unit, enrolled_on))
    else:
        versions = []
    service = draw(SERVICE)
    edges = {
        "enrolment": [enrolled_on, beneficiary.enrolled_on],
        "resignation": [resigned_on],
        "departure": [beneficiary.left_on],
        "version": [version.valid_from for version in versions],
        "age limit": [turns(beneficiary.birth_date, v.child_age_limit) for v in versions],
        "waiting": [covered_from + v.waiting_for(service) * DAY for v in versions if covered_from],
        "grace": [start + v.grace_days * DAY for start in runs for v in versions],
    }
    if focus is not None:
        on = draw(st.sampled_from(edges[focus])) + draw(st.sampled_from([-1, 0, 1])) * DAY
    return beneficiary, household, versions, on, service


@settings(max_examples=500)
@given(case=histories())
def test_coverage_agrees_with_the_plain_reading_of_the_rules(case):
    beneficiary, household, versions, on, service = case
    coverage = coverage_at(beneficiary, household, versions, on, service)
    covered, reasons, grace_until = reference(beneficiary, household, versions, on, service)
    assert coverage.covered == covered
    assert {(str(because.reason), because.date) for because in coverage.reasons} == reasons
    assert len(coverage.codes) == len(set(coverage.codes))  # each reason once
    assert coverage.grace_until == grace_until


@given(case=histories())
def test_coverage_by_service_agrees_with_coverage_at_for_each_service(case):
    beneficiary, household, versions, on, _service = case
    by_service = coverage_by_service(beneficiary, household, versions, on, SERVICES)
    assert by_service == {
        service: coverage_at(beneficiary, household, versions, on, service) for service in SERVICES
    }


@given(case=histories())
def test_every_member_of_a_household_shares_its_payment_reasons(case):
    # Non-payment suspends the member and all dependents: the household's reasons do not
    # depend on who asks.
    beneficiary, household, versions, on, service = case
    household_reasons = {"never_paid", "waiting_period", "contributions_unpaid"}
    codes = set()
    for relationship in Relationship:
        facts = BeneficiaryFacts(beneficiary.birth_date, relationship, household.enrolled_on)
        coverage = coverage_at(facts, household, versions, on, service)
        codes.add(frozenset(set(coverage.codes) & household_reasons))
    assert len(codes) == 1


# Examples

PACKAGE = CoverageTerms(
    valid_from=D(2020, 1, 1),
    period=PeriodUnit.MONTH,
    waiting_days=30,
    grace_days=15,
    child_age_limit=21,
    waiting_days_by_service={"delivery": 270},
    excluded_services=frozenset({"dental"}),
)
ENROLLED_ON = D(2026, 1, 5)
COVERED_FROM = D(2026, 1, 10)  # the day the fee and January were paid
JANUARY_TO_JUNE = frozenset(D(2026, month, 1) for month in range(1, 7))


def household(paid=JANUARY_TO_JUNE, covered_from=COVERED_FROM, resigned_on=None):
    return HouseholdFacts(ENROLLED_ON, resigned_on, covered_from, paid)


def head(**changes):
    facts = {
        "birth_date": D(1980, 6, 1),
        "relationship": Relationship.HEAD,
        "enrolled_on": ENROLLED_ON,
        **changes,
    }
    return BeneficiaryFacts(**facts)


def child(birth_date, **changes):
    return head(birth_date=birth_date, relationship=Relationship.CHILD, **changes)


def reasons(coverage):
    return {(str(because.reason), because.date) for because in coverage.reasons}


def test_a_household_that_paid_is_covered_once_the_waiting_period_is_over():
    # given a household in cover from 10 January, with a waiting period of 30 days
    # when its head seeks care on 9 February, the first covered day
    coverage = coverage_at(head(), household(), [PACKAGE], D(2026, 2, 9))
    # then they are covered
    assert coverage.covered
    assert coverage.reasons == ()


def test_a_household_is_not_covered_during_its_waiting_period():
    # given the same household, on the day before the waiting period ends
    coverage = coverage_at(head(), household(), [PACKAGE], D(2026, 2, 8))
    # then care waits until 9 February
    assert not coverage.covered
    assert reasons(coverage) == {("waiting_period", D(2026, 2, 9))}


def test_the_waiting_period_depends_on_the_service():
    # given a package with 270 days of waiting for deliveries
    # when the head's wife delivers in March
    spouse = head(relationship=Relationship.SPOUSE)
    coverage = coverage_at(spouse, household(), [PACKAGE], D(2026, 3, 1), "delivery")
    # then the delivery is not covered until 7 October, while a consultation is
    assert reasons(coverage) == {("waiting_period", D(2026, 10, 7))}
    assert coverage_at(spouse, household(), [PACKAGE], D(2026, 3, 1), "consultation").covered


def test_a_child_over_the_age_limit_is_not_covered():
    # given a child who turns 21, the package's limit, on 1 March 2026
    born = D(2005, 3, 1)
    # when they seek care on their birthday
    coverage = coverage_at(child(born), household(), [PACKAGE], D(2026, 3, 1))
    # then they are no longer covered, since that birthday
    assert reasons(coverage) == {("over_age_limit", D(2026, 3, 1))}
    # and the day before they still were
    assert coverage_at(child(born), household(), [PACKAGE], D(2026, 2, 28)).covered


def test_a_child_born_on_29_february_reaches_the_age_limit_on_1_march_in_a_common_year():
    # given a child born on 29 February 2004, who turns 21 in 2025, a common year
    born = D(2004, 2, 29)
    # then on 28 February 2025 they are not over the limit yet, and from 1 March they are
    on_28_february = coverage_at(child(born), household(), [PACKAGE], D(2025, 2, 28))
    assert "over_age_limit" not in on_28_february.codes
    on_1_march = coverage_at(child(born), household(), [PACKAGE], D(2025, 3, 1))
    assert ("over_age_limit", D(2025, 3, 1)) in reasons(on_1_march)


def test_the_age_limit_is_for_children_only():
    # given a spouse of 21
    spouse = head(birth_date=D(2005, 3, 1), relationship=Relationship.SPOUSE)
    # then the child limit does not apply to them
    assert coverage_at(spouse, household(), [PACKAGE], D(2026, 3, 1)).covered


def test_a_household_is_covered_during_the_grace_period_after_an_unpaid_period_starts():
    # given a household that paid January to June, and not yet July; 15 days of grace
    # when its head seeks care on 10 July
    coverage = coverage_at(head(), household(), [PACKAGE], D(2026, 7, 10))
    # then they are covered, and told until when
    assert coverage.covered
    assert coverage.grace_until == D(2026, 7, 15)
    # and the last day of grace still is, the next is not
    assert coverage_at(head(), household(), [PACKAGE], D(2026, 7, 15)).covered
    after = coverage_at(head(), household(), [PACKAGE], D(2026, 7, 16))
    assert reasons(after) == {("contributions_unpaid", D(2026, 7, 1))}
    assert after.grace_until is None


def test_there_is_no_grace_when_the_period_before_was_unpaid_too():
    # given July and August unpaid
    # when the head seeks care on 3 August, within the days of grace after August's start
    coverage = coverage_at(head(), household(), [PACKAGE], D(2026, 8, 3))
    # then there is no grace: contributions are unpaid since July
    assert reasons(coverage) == {("contributions_unpaid", D(2026, 7, 1))}


def test_a_paid_period_has_no_grace_period_to_report():
    coverage = coverage_at(head(), household(), [PACKAGE], D(2026, 6, 3))
    assert coverage.covered
    assert coverage.grace_until is None


def test_unpaid_contributions_suspend_every_member_of_the_household():
    # given a household whose contributions are unpaid since July
    # when any of its members seeks care in August
    members = [
        head(),
        head(relationship=Relationship.SPOUSE, birth_date=D(1985, 1, 1)),
        child(D(2015, 4, 2)),
        head(relationship=Relationship.PARENT, birth_date=D(1950, 1, 1)),
    ]
    # then none of them is covered, for the same reason
    for member in members:
        coverage = coverage_at(member, household(), [PACKAGE], D(2026, 8, 20))
        assert reasons(coverage) == {("contributions_unpaid", D(2026, 7, 1))}


def test_a_household_that_never_paid_is_not_covered():
    coverage = coverage_at(
        head(), household(paid=frozenset(), covered_from=None), [PACKAGE], D(2026, 3, 1)
    )
    assert reasons(coverage) == {("never_paid", None)}


def test_an_excluded_service_is_not_covered():
    coverage = coverage_at(head(), household(), [PACKAGE], D(2026, 3, 1), "dental")
    assert reasons(coverage) == {("service_excluded", None)}


def test_a_newborn_is_covered_from_their_own_enrolment():
    # given a baby added to the household on 12 March
    baby = child(D(2026, 3, 10), enrolled_on=D(2026, 3, 12))
    # then they are not covered the day before, and are from that day
    before = coverage_at(baby, household(), [PACKAGE], D(2026, 3, 11))
    assert reasons(before) == {("not_enrolled", D(2026, 3, 12))}
    assert coverage_at(baby, household(), [PACKAGE], D(2026, 3, 12)).covered


def test_a_beneficiary_who_left_the_household_is_not_covered():
    gone = head(relationship=Relationship.SPOUSE, left_on=D(2026, 4, 1))
    assert coverage_at(gone, household(), [PACKAGE], D(2026, 3, 31)).covered
    coverage = coverage_at(gone, household(), [PACKAGE], D(2026, 4, 1))
    assert reasons(coverage) == {("left_household", D(2026, 4, 1))}


def test_a_resigned_household_is_not_covered():
    resigned = household(resigned_on=D(2026, 5, 1))
    assert coverage_at(head(), resigned, [PACKAGE], D(2026, 4, 30)).covered
    coverage = coverage_at(head(), resigned, [PACKAGE], D(2026, 5, 1))
    assert reasons(coverage) == {("household_resigned", D(2026, 5, 1))}


def test_no_package_in_force_is_a_reason_and_so_is_never_having_paid():
    # given a package that starts in 2027, and a household that never paid
    later = CoverageTerms(D(2027, 1, 1), PeriodUnit.MONTH, 30, 15, 21)
    unpaid = household(paid=frozenset(), covered_from=None)
    # then both reasons are given: the one that showed code and docstring disagreeing (every
    # reason is given), as never_paid used to be left out when no package was in force
    coverage = coverage_at(head(), unpaid, [later], D(2026, 3, 1))
    assert reasons(coverage) == {("no_package", None), ("never_paid", None)}
    # a household that paid is only told about the package
    assert coverage_at(head(), household(), [later], D(2026, 3, 1)).codes == ("no_package",)


def test_every_reason_is_given_at_once():
    # given a child over the age limit, asking for an excluded service during the waiting period
    coverage = coverage_at(child(D(2000, 1, 1)), household(), [PACKAGE], D(2026, 1, 20), "dental")
    # then each reason is there with its date
    assert reasons(coverage) == {
        ("over_age_limit", D(2021, 1, 1)),
        ("service_excluded", None),
        ("waiting_period", D(2026, 2, 9)),
    }


def test_the_version_in_force_on_the_date_decides():
    # given a new version from 1 March that excludes consultations and raises the age limit
    new = CoverageTerms(
        D(2026, 3, 1),
        PeriodUnit.MONTH,
        30,
        15,
        25,
        excluded_services=frozenset({"consultation"}),
    )
    versions = [new, PACKAGE]
    assert coverage_at(head(), household(), versions, D(2026, 2, 28), "consultation").covered
    after = coverage_at(head(), household(), versions, D(2026, 3, 1), "consultation")
    assert after.codes == ("service_excluded",)
    # a child of 22 is covered again under the new limit of 25
    assert coverage_at(child(D(2004, 1, 1)), household(), versions, D(2026, 3, 1)).covered


def test_a_reason_reads_as_a_sentence_with_its_date():
    with translation.override("en"):
        assert str(Because(Reason.WAITING_PERIOD, D(2026, 2, 9))) == (
            "in the waiting period until 2026-02-09"
        )
        assert str(Because(Reason.NO_PACKAGE)) == "no benefit package in force"


# household_status


def status_on(day, facts=None):
    return household_status(coverage_at(head(), facts or household(), [PACKAGE], day), day)


def test_a_household_that_never_paid_is_waiting():
    assert (
        status_on(D(2026, 3, 1), household(paid=frozenset(), covered_from=None)) == Status.WAITING
    )


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
    resigned = household(resigned_on=D(2026, 8, 1))
    assert status_on(D(2026, 9, 1), resigned) == Status.RESIGNED
    assert status_on(D(2026, 7, 31), resigned) == Status.SUSPENDED
