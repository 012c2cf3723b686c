"""The members' shares recognised as dues of the mutual (issue 15, M.6): each household's member
share of a period once it has begun, dated the day it fell due (the period's first day, or the
household's enrolment during it), then each change the register brings, dated the day it was
noticed; each with its `dues.recognised` event for the indicators.

Expected amounts of the examples are worked out from the rules' words (domain-rules.md §3–4),
as in test_receivables. The property compares, whatever the enrolments, dependants added,
departures, categories changed, resignations and new package versions between the daily runs,
what was recognised with the plain reference written from the rules' words
(tests/contributions/reference.py): for each household and period begun, the member's dues are
the period's lines less the third payers' shares; with the third payers' receivables they make
the period's contribution; a run on the same day adds nothing.

Mutations these tests catch: the whole period's contribution recognised as the member's (the
third payers' shares not taken out); a difference recorded as the whole share again (the rows
recognised before not subtracted), or not recorded at all (a key seen once never looked at
again); a share gone to nothing (found indigent, a back-dated resignation) never reversed; the
first row dated the day noticed instead of the day it fell due, or the enrolment forgotten (a
row dated before the household existed); a period not yet begun recognised; a run by a user
outside the mutual accepted; a row without its event.
"""

import contextlib
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.benefits.services import package_create, package_version_add
from mutualis.benefits.terms import package_terms
from mutualis.contributions.models import Due, Receivable
from mutualis.contributions.rules import Member
from mutualis.contributions.services import dues_recognise, receivables_recognise
from mutualis.core.daily import run_due
from mutualis.core.event_check import check
from mutualis.core.models import Event
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.services import (
    beneficiary_add,
    beneficiary_leave,
    beneficiary_update,
    household_enrol,
    household_resign,
)
from tests.conftest import person
from tests.contributions import reference

D = datetime.date
DAY = datetime.timedelta(days=1)


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# the Diop household enrolled on 10 January 2025: 356 of the year's 365 days left; the State
# pays half of each line, rounded once, the member the rest
LINE_2025 = half_up(Decimal(7000) * 356 / 365)
MEMBER_2025 = LINE_2025 - half_up(Decimal(LINE_2025) / 2)


def rows(found):
    return [(r.household_id, r.period_start, r.amount, r.recognised_on) for r in found]


def test_a_period_begun_makes_the_members_share_a_due_dated_the_day_it_fell_due(family, federation):
    found = dues_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1))

    # four lines prorated from the enrolment, each less the State's half; dated the enrolment,
    # the day the household came to owe it, not the year's first day
    assert rows(found) == [(family.pk, D(2025, 1, 1), 4 * MEMBER_2025, D(2025, 1, 10))]
    (event,) = Event.objects.filter(kind="dues.recognised")
    assert (event.organisation_id, event.subject, event.version) == (
        federation.m1.pk,
        found[0].uid,
        2,
    )
    assert event.payload == {
        "due": str(found[0].uid),
        "household": str(family.uid),
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "recognised_on": "2025-01-10",
        "amount": 4 * MEMBER_2025,
    }
    # nothing is recognised twice, the same day or later in the year
    assert dues_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1)) == []
    assert dues_recognise(by=None, mutual=federation.m1, on=D(2025, 12, 31)) == []
    # with the State's receivable, the period's whole contribution
    receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1))
    recognised = sum(Due.objects.values_list("amount", flat=True)) + sum(
        Receivable.objects.values_list("amount", flat=True)
    )
    assert recognised == 4 * LINE_2025


def test_the_register_s_changes_are_recognised_as_differences_dated_the_day_noticed(
    family, federation
):
    dues_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1))
    moussa = family.beneficiaries.get(relationship="head")

    # Moussa found indigent: the State pays his whole line, his household owes his share no more
    beneficiary_update(by=None, beneficiary=moussa, category="indigent")
    (less,) = dues_recognise(by=None, mutual=federation.m1, on=D(2025, 5, 2))
    assert rows([less]) == [(family.pk, D(2025, 1, 1), -MEMBER_2025, D(2025, 5, 2))]

    # a newborn added in April owes from the next period (rule 3); 2026 begins
    beneficiary_add(
        by=None,
        household=family,
        person=person("Mariama", "Diop", "F", "2025-04-01"),
        enrolled_on=D(2025, 4, 2),
    )
    assert dues_recognise(by=None, mutual=federation.m1, on=D(2025, 12, 31)) == []
    (year,) = dues_recognise(by=None, mutual=federation.m1, on=D(2026, 1, 2))
    assert rows([year]) == [(family.pk, D(2026, 1, 1), 4 * 3500, D(2026, 1, 1))]

    # the decision reversed: his share is owed again, for both years
    beneficiary_update(by=None, beneficiary=moussa, category="adult")
    more = dues_recognise(by=None, mutual=federation.m1, on=D(2026, 2, 3))
    assert rows(more) == [
        (family.pk, D(2025, 1, 1), MEMBER_2025, D(2026, 2, 3)),
        (family.pk, D(2026, 1, 1), 3500, D(2026, 2, 3)),
    ]
    totals: dict = defaultdict(int)
    for row in Due.objects.all():
        totals[row.period_start] += row.amount
    assert totals == {D(2025, 1, 1): 4 * MEMBER_2025, D(2026, 1, 1): 5 * 3500}
    assert check()

    # the household resigned on the last day of 2025, told in February: 2026 is owed no more,
    # 2025 still is; the event of the period brought back to nothing says when it ends
    household_resign(by=None, household=family, on=D(2025, 12, 31))
    (gone,) = dues_recognise(by=None, mutual=federation.m1, on=D(2026, 2, 10))
    assert rows([gone]) == [(family.pk, D(2026, 1, 1), -5 * 3500, D(2026, 2, 10))]
    event = Event.objects.get(kind="dues.recognised", subject=gone.uid)
    assert event.payload["period_end"] == "2026-12-31"


def test_only_the_mutual_s_own_staff_may_recognise_its_dues(family, federation):
    outsider = user_create(
        by=None, username="other-manager", organisation=federation.m2, roles=[Role.MUTUAL_MANAGER]
    )
    with pytest.raises(ValidationError) as refused:
        dues_recognise(by=outsider, mutual=federation.m1, on=D(2025, 3, 1))
    assert "mutual" in refused.value.message_dict
    assert not Due.objects.exists() and not Event.objects.filter(kind="dues.recognised").exists()


def test_the_worker_recognises_the_dues_of_every_mutual_once_a_day(family, federation):
    said = run_due(day=D(2025, 3, 1))
    assert said["dues"] == "dues recognised: 1"
    assert run_due(day=D(2025, 3, 1)) == {}
    assert Due.objects.count() == 1


def test_the_daily_job_reads_the_register_in_a_few_queries_whatever_its_size(
    federation, cmu_package, django_assert_max_num_queries
):
    for number in range(30):
        household_enrol(
            by=None,
            mutual=federation.m1,
            package=cmu_package,
            enrolled_on=D(2025, 1, 1) + number * DAY,
            head=person("Awa", f"Ndiaye{number}", "F", "1990-01-01"),
            dependents=[person("Fatou", f"Ndiaye{number}", "F", "2015-01-01")],
        )
    # the mutual's lock, the rows recognised, the register (two reads), the package's terms,
    # the insert and the log: not a query a household
    with django_assert_max_num_queries(20):
        found = dues_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1))
    assert len(found) == 30


# --- the property -----------------------------------------------------------------------------

FIRST = D(2025, 1, 1)
CATEGORIES = ["adult", "child", "indigent", "elderly"]
OFFSETS = st.integers(min_value=0, max_value=45)  # days after the operation before
ENROL = st.tuples(
    st.just("enrol"),
    OFFSETS,
    st.lists(st.sampled_from(CATEGORIES), min_size=0, max_size=3),
    st.sampled_from(["adult", "indigent"]),
)
OPERATIONS = st.tuples(
    st.lists(ENROL, min_size=1, max_size=3),
    st.lists(
        st.one_of(
            ENROL,
            st.tuples(
                st.just("add"),
                OFFSETS,
                st.integers(0, 9),
                st.sampled_from(CATEGORIES),
                st.sampled_from(["2010-05-01", "2024-12-20", "2008-02-29"]),
            ),
            st.tuples(st.just("leave"), OFFSETS, st.integers(0, 19), st.integers(0, 120)),
            st.tuples(
                st.just("category"), OFFSETS, st.integers(0, 19), st.sampled_from(CATEGORIES)
            ),
            st.tuples(st.just("resign"), OFFSETS, st.integers(0, 9), st.integers(0, 120)),
            st.tuples(
                st.just("version"),
                OFFSETS,
                st.sampled_from([600, 3_650, 7_001]),
                st.sampled_from([0, 3_333, 5_000]),
            ),
        ),
        max_size=12,
    ),
).map(lambda parts: parts[0] + parts[1])
# after an operation, whether the daily job runs that day
RUNS = st.lists(st.booleans(), min_size=15, max_size=15)
PACKAGES = st.fixed_dictionaries(
    {
        "period": st.sampled_from(["month", "quarter", "year"]),
        "period_anchor": st.sampled_from(["calendar", "anniversary"]),
        "contribution_basis": st.sampled_from(["per_beneficiary", "per_household"]),
        "newcomer_billing": st.sampled_from(["next_period", "pro_rata"]),
        "contribution": st.sampled_from([1_000, 7_000]),
        "adult_dependants_allowed": st.booleans(),
        "child_age_limit": st.sampled_from([5, 18]),
    }
)


class Undo(Exception):
    """Raised at the end of each example to roll back what it wrote."""


def pick(items, index):
    return items[index % len(items)] if items else None


def share_rules(state, points):
    """The State's share for all, and the whole contribution of the indigent."""
    return [(state, "", points), (state, "indigent", 10_000)] if points else []


def play(operation, day, mutual, package, state, rules) -> None:
    kind, _offset, *args = operation
    refused = contextlib.suppress(ValidationError)
    households = list(Household.objects.filter(mutual=mutual).order_by("pk"))
    dependants = list(
        Beneficiary.objects.filter(household__mutual=mutual).exclude(relationship="head")
    )
    if kind == "enrol":
        categories, head = args
        with refused:
            household_enrol(
                by=None,
                mutual=mutual,
                package=package,
                enrolled_on=day,
                head=person("Awa", f"Sarr{len(households)}", "F", "1985-03-01", category=head),
                dependents=[
                    person(f"Enfant{n}", f"Sarr{len(households)}", "M", "2021-06-15", category=c)
                    for n, c in enumerate(categories)
                ],
                acknowledge_duplicates=True,
            )
    elif kind == "add":
        household, category, born = pick(households, args[0]), args[1], args[2]
        if household is not None:
            with refused:
                beneficiary_add(
                    by=None,
                    household=household,
                    person=person("Bébé", "Sarr", "M", born, category=category),
                    enrolled_on=day,
                    acknowledge_duplicates=True,
                )
    elif kind == "leave":
        beneficiary = pick(dependants, args[0])
        if beneficiary is not None and beneficiary.left_on is None:
            with refused:  # a departure told late: back-dated up to four months
                beneficiary_leave(by=None, beneficiary=beneficiary, on=day - args[1] * DAY)
    elif kind == "category":
        beneficiary = pick(
            list(Beneficiary.objects.filter(household__mutual=mutual).order_by("pk")), args[0]
        )
        if beneficiary is not None:
            with refused:
                beneficiary_update(by=None, beneficiary=beneficiary, category=args[1])
    elif kind == "resign":
        household = pick(households, args[0])
        if household is not None:
            with refused:
                household_resign(by=None, household=household, on=day - args[1] * DAY)
    elif kind == "version":
        contribution, points = args
        with refused:
            package_version_add(
                by=None,
                package=package,
                valid_from=day,
                allow_past=True,
                contribution=contribution,
                subsidies=share_rules(state, points),
                **rules,
            )


def expected(mutual, last):
    """From the reference: for each household and period begun by `last`, (the member's
    share, the period's contribution)."""
    found = {}
    for household in Household.objects.filter(mutual=mutual).select_related("package"):
        versions = package_terms(household.package_id, household.package.rules_revision)
        members = tuple(
            Member(b.pk, b.category, b.enrolled_on, b.left_on, b.relationship, b.birth_date)
            for b in household.beneficiaries.all()
        )
        history = reference.History(versions, household.enrolled_on, household.resigned_on, members)
        if history.terms is None:
            continue
        start = history.periods.start(household.enrolled_on)
        while start <= last:
            terms = reference.version_on(versions, max(start, household.enrolled_on))
            lines = history.lines(start)
            member = sum(reference.member_share(terms, amount, c) for _k, c, amount in lines)
            total = sum(amount for _k, _c, amount in lines)
            found[household.pk, start] = (member, total)
            start = history.periods.following(start)
    return found


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    package_rules=PACKAGES,
    points=st.sampled_from([0, 5_000]),
    operations=OPERATIONS,
    daily=RUNS,
)
def test_members_dues_and_third_payers_receivables_make_each_period_s_contribution(
    federation, state, package_rules, points, operations, daily
):
    try:
        with transaction.atomic():
            mutual = federation.m1
            package = package_create(by=None, owner=federation.national, code="P", name="P")
            # what every version keeps (a new version changes the amount and the shares)
            rules = {k: v for k, v in package_rules.items() if k != "contribution"}
            package_version_add(
                by=None,
                package=package,
                valid_from=D(2024, 1, 1),
                allow_past=True,
                contribution=package_rules["contribution"],
                subsidies=share_rules(state, points),
                **rules,
            )
            day = FIRST
            runs = []
            for operation, run in zip(operations, daily, strict=False):
                day += operation[1] * DAY
                play(operation, day, mutual, package, state, rules)
                if run:
                    dues_recognise(by=None, mutual=mutual, on=day)
                    receivables_recognise(by=None, mutual=mutual, on=day)
                    runs.append(day)
            last = day + 30 * DAY
            dues_recognise(by=None, mutual=mutual, on=last)
            receivables_recognise(by=None, mutual=mutual, on=last)
            runs.append(last)

            # run again the same day: nothing to add
            assert dues_recognise(by=None, mutual=mutual, on=last) == []
            want = expected(mutual, last)
            members: dict = defaultdict(int)
            by_period: dict = defaultdict(int)
            first_rows: dict = {}
            for due in Due.objects.order_by("pk"):
                members[due.household_id, due.period_start] += due.amount
                by_period[due.period_start] += due.amount
                first_rows.setdefault((due.household_id, due.period_start), due)
            for receivable in Receivable.objects.all():
                by_period[receivable.period_start] += receivable.amount
            # the member's dues of each household and period, as the rules' words give them
            assert {k: v for k, v in members.items() if v} == {
                key: member for key, (member, _total) in want.items() if member
            }
            # with the third payers' shares, each period's contribution
            totals: dict = defaultdict(int)
            for (_household, start), (_member, total) in want.items():
                totals[start] += total
            assert {k: v for k, v in by_period.items() if v} == {
                k: v for k, v in totals.items() if v
            }
            # the first row of a share is dated the day it fell due, the others a run's day
            enrolled = dict(Household.objects.values_list("pk", "enrolled_on"))
            for due in Due.objects.all():
                first = first_rows[due.household_id, due.period_start]
                if due.pk == first.pk:
                    assert due.recognised_on == max(due.period_start, enrolled[due.household_id])
                else:
                    assert due.recognised_on in runs
            # and every row has its event
            assert check()
            raise Undo
    except Undo:
        pass
