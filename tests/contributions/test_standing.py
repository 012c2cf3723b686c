"""Where a household stands (contributions/standing.py), the reading the homes and the arrears
lists make of the rules, against the reference (tests/contributions/reference.py) and the words
of issue 12:
- a household is in arrears on a day by what its members still owe of the registration fee and
  of the member shares of every period begun by that day (third payers' shares are not theirs
  to pay; a period not begun is not owed yet);
- its head's cover ends, if nothing more is paid, on the last day of the run of covered days
  (days of grace included), never on or after the household's resignation;
- a household waits for its cover from its payment to the end of its waiting period.

Mutations these catch: owing the whole due instead of the member share, counting a period not
yet begun, forgetting the fee, ending cover before its days of grace, cover running past a
resignation, the first day of cover before the waiting period is over.

Then the rows are kept up to date by the services that change a household, whatever the path.
"""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.contributions.models import Owed, Standing
from mutualis.contributions.queries import household_account
from mutualis.contributions.standing import Standings, head_cover, owed_of, refresh
from tests.conftest import person
from tests.contributions import reference
from tests.contributions.test_coverage_properties import (
    days_to_check,
    desks,
    last_day_of_interest,
)
from tests.contributions.test_payments import pay

D = datetime.date
DAY = datetime.timedelta(days=1)
FAR = D(2100, 1, 1)


def arrears_by_the_rule(history, on):
    """Once enrolled, the fee not received, and each period begun by `on`: its members' shares
    not received."""
    if history.terms is None or on < history.enrolled_on:
        return 0
    owed = max(history.fee - history.received(None, FAR), 0)
    start = history.periods.start(history.enrolled_on)
    while start <= on:
        terms = reference.version_on(history.versions, max(start, history.enrolled_on))
        shares = sum(
            reference.member_share(terms, amount, category)
            for _key, category, amount in history.lines(start)
        )
        owed += max(shares - history.received(start, FAR), 0)
        start = history.periods.following(start)
    return owed


def compare(desk, data):
    history = desk.history()
    last = last_day_of_interest(desk)
    horizon = last + 400 * DAY
    facts = desk.household(horizon + 400 * DAY)
    owed = owed_of(facts)
    covered_from, covered_until = head_cover(facts)
    walked = reference.walk(history, 1, horizon)  # the head (tests' households: key 1)
    for day in days_to_check(desk, data):
        assert sum(amount for due, amount in owed if due <= day) == arrears_by_the_rule(
            history, day
        ), day
        covered, reasons, until = reference.coverage(history, 1, day, None, walked)
        if covered:
            assert covered_from is not None and covered_from <= day, day
            stop = history.resigned_on or D.max
            resumes = any(
                state.state in ("paid", "grace")
                for later, state in walked.days.items()
                if until + DAY < later < stop
            )
            if until < horizon and not resumes:
                assert covered_until == until, (day, until, covered_until)
            elif until < horizon:
                # cover resumes after a gap (a reversal took back a period paid in between):
                # the standing names the end of the last run
                assert covered_until > until, (day, until, covered_until)
        waiting = {date for reason, date in reasons if reason == "waiting_period"}
        covered_before = any(
            state.state in ("paid", "grace")
            for earlier, state in walked.days.items()
            if earlier < day
        )
        if (
            reasons == {("waiting_period", date) for date in waiting}
            and waiting
            and not covered_before
        ):
            # waiting for a first cover on the day (not to re-enter after a suspension): cover
            # starts later, by the end the day's version names at the latest unless a later
            # version lengthens the wait (it may shorten it)
            assert covered_from is not None and day < covered_from, (day, covered_from)
            in_force = max(
                (v for v in history.versions if v.valid_from <= day), key=lambda v: v.valid_from
            )
            later = [v for v in history.versions if v.valid_from > day]
            if all(v.waiting_days <= in_force.waiting_days for v in later):
                assert covered_from <= max(waiting), (day, waiting, covered_from)


@settings(max_examples=25, deadline=None)
@given(desk=desks(), data=st.data())
def test_a_households_standing_agrees_with_the_rules(desk, data):
    compare(desk, data)


@settings(max_examples=10, deadline=None)
@given(desk=desks(reversals=True), data=st.data())
def test_a_households_standing_agrees_with_the_rules_after_reversals(desk, data):
    compare(desk, data)


# --- kept up to date --------------------------------------------------------------------------


def arrears_on(household, day):
    return sum(
        Owed.objects.filter(household=household, due_on__lte=day).values_list("amount", flat=True)
    )


@pytest.mark.django_db
def test_every_change_of_a_household_rebuilds_its_standing(family, cast):
    from mutualis.contributions.services import payment_reverse
    from mutualis.federation.rules import Role
    from mutualis.membership.services import beneficiary_add, beneficiary_leave, household_resign

    day = D(2025, 3, 1)
    manager = cast[Role.MUTUAL_MANAGER]
    # enrolled: the fee and the first year's member shares are owed
    assert arrears_on(family, day) == household_account(family, day).arrears > 0
    # paid in full: nothing owed, covered to the end of the year and its days of grace
    payment = pay(family, household_account(family, day).arrears, day="2025-01-10")
    assert arrears_on(family, day) == 0
    assert Standing.objects.get(household=family).covered_until == D(2026, 1, 30)
    # a newborn: its share of the year is owed
    beneficiary_add(
        by=manager,
        household=family,
        person=person("Khady", "Diop", "F", "2025-02-20"),
        enrolled_on=D(2025, 2, 25),
    )
    assert arrears_on(family, day) == household_account(family, day).arrears
    # the payment reversed: everything owed again
    payment_reverse(by=manager, payment=payment, reason="chèque sans provision", on=day)
    assert arrears_on(family, day) == household_account(family, day).arrears
    # a member leaves, the household resigns: what stays owed follows
    awa = family.beneficiaries.get(first_name="Awa")
    beneficiary_leave(by=manager, beneficiary=awa, on=D(2025, 6, 1))
    assert arrears_on(family, D(2026, 3, 1)) == household_account(family, D(2026, 3, 1)).arrears
    household_resign(by=manager, household=family, on=D(2025, 12, 1))
    assert Standing.objects.get(household=family).resigned_on == D(2025, 12, 1)
    assert arrears_on(family, D(2026, 3, 1)) == household_account(family, D(2026, 3, 1)).arrears


@pytest.mark.django_db
def test_standings_read_with_other_rules_or_missing_are_rebuilt_before_a_read(
    family, cmu_package, federation
):
    day = D(2025, 3, 1)
    Owed.objects.all().delete()
    Standing.objects.all().delete()
    # missing: rebuilt
    assert Standings([federation.m1.pk], day).arrears_total() == {
        "households": 1,
        "amount": household_account(family, day).arrears,
    }
    # the package's rules changed since: rebuilt with the new ones
    from mutualis.benefits.services import package_version_add

    package_version_add(
        by=None,
        package=cmu_package,
        valid_from=timezone.localdate() + DAY,
        period="year",
        contribution=9000,
        registration_fee=1000,
        waiting_days=30,
        grace_days=30,
    )
    cmu_package.refresh_from_db()
    assert Standing.objects.get(household=family).revision != cmu_package.rules_revision
    total = Standings([federation.m1.pk], day).arrears_total()
    assert total["amount"] == household_account(family, day).arrears
    assert Standing.objects.get(household=family).revision == cmu_package.rules_revision


@pytest.mark.django_db
def test_a_standing_whose_dues_reach_too_little_ahead_is_rebuilt(family, federation):
    day = D(2025, 3, 1)
    refresh([family.pk], today=day)
    # two years later, the dues read then stop short of the periods begun since
    later = D(2027, 3, 1)
    assert Standings([federation.m1.pk], later).arrears_total()["amount"] == (
        household_account(family, later).arrears
    )
    assert Standing.objects.get(household=family).horizon > later


@pytest.mark.django_db
def test_the_standings_command_builds_what_is_missing(family):
    from django.core.management import call_command

    Owed.objects.all().delete()
    Standing.objects.all().delete()
    call_command("standings", verbosity=0)
    assert Standing.objects.filter(household=family).exists()
    today = timezone.localdate()
    assert arrears_on(family, today) == household_account(family, today).arrears
