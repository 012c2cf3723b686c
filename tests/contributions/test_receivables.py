"""Third payers' shares recognised as receivables of the mutual (issue 13): the whole share of a
period once it has begun, dated its first day, then each change the register brings, dated the
day it was noticed; each with its `receivable.recognised` event for the books.

Expected amounts are worked out here from the rules' words (domain-rules.md §3–4): the CMU costs
7,000 XOF per beneficiary and year, the State pays half of each line, all of it for the
indigent; a household enrolled during a year owes the days left of it, each line rounded once,
half up (rule 5); the State's share of a line is rounded once, the member pays the rest."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError

from mutualis.contributions.models import Receivable
from mutualis.contributions.services import receivables_recognise
from mutualis.core.daily import Daily, run_due
from mutualis.core.models import DailyRun, Event
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.membership.services import beneficiary_add, beneficiary_update
from tests.conftest import person

D = datetime.date


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def prorated(amount: int, days_left: int, days: int) -> int:
    return half_up(Decimal(amount) * days_left / days)


# the Diop household enrolled on 10 January 2025: 356 of the year's 365 days left
LINE_2025 = prorated(7000, 356, 365)
STATE_2025 = half_up(Decimal(LINE_2025) / 2)


def recognised(rows):
    return [(r.payer.code, r.period_start, r.amount, r.households, r.recognised_on) for r in rows]


def test_a_period_begun_makes_the_state_s_share_a_receivable_dated_its_first_day(
    family, federation
):
    rows = receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1))

    assert recognised(rows) == [("ETAT", D(2025, 1, 1), 4 * STATE_2025, 1, D(2025, 1, 1))]
    (event,) = Event.objects.filter(kind="receivable.recognised")
    assert (event.organisation_id, event.subject) == (federation.m1.pk, rows[0].uid)
    assert event.payload == {
        "receivable": str(rows[0].uid),
        "payer": str(rows[0].payer.uid),
        "period_start": "2025-01-01",
        "recognised_on": "2025-01-01",
        "amount": 13656,
        "households": 1,
    }
    # nothing is recognised twice, the same day or later in the year
    assert receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1)) == []
    assert receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 12, 31)) == []


def test_nothing_is_owed_for_a_period_not_yet_begun(family, federation):
    receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 12, 31))
    assert {row.period_start for row in Receivable.objects.all()} == {D(2025, 1, 1)}


def test_the_register_s_changes_are_recognised_as_differences_dated_the_day_they_are_noticed(
    family, federation
):
    receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 3, 1))
    moussa = family.beneficiaries.get(relationship="head")

    # Moussa found indigent: the State owes his whole line, for 2025 as for any period
    beneficiary_update(by=None, beneficiary=moussa, category="indigent")
    (more,) = receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 5, 2))
    assert (more.period_start, more.amount, more.recognised_on) == (
        D(2025, 1, 1),
        LINE_2025 - STATE_2025,
        D(2025, 5, 2),
    )

    # a newborn added in April owes from the next period (rule 3), and 2026 begins
    beneficiary_add(
        by=None,
        household=family,
        person=person("Mariama", "Diop", "F", "2025-04-01"),
        enrolled_on=D(2025, 4, 2),
    )
    assert receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 12, 31)) == []
    (year,) = receivables_recognise(by=None, mutual=federation.m1, on=D(2026, 1, 2))
    assert (year.period_start, year.amount, year.recognised_on) == (
        D(2026, 1, 1),
        7000 + 4 * 3500,  # Moussa whole, his wife, two children and the newborn half
        D(2026, 1, 1),
    )

    # the decision reversed: the State's share of both years goes down, never below what is due
    beneficiary_update(by=None, beneficiary=moussa, category="adult")
    less = receivables_recognise(by=None, mutual=federation.m1, on=D(2026, 2, 3))
    assert [(r.period_start, r.amount, r.recognised_on) for r in less] == [
        (D(2025, 1, 1), STATE_2025 - LINE_2025, D(2026, 2, 3)),
        (D(2026, 1, 1), -3500, D(2026, 2, 3)),
    ]
    totals = {}
    for row in Receivable.objects.all():
        totals[row.period_start] = totals.get(row.period_start, 0) + row.amount
    assert totals == {D(2025, 1, 1): 4 * STATE_2025, D(2026, 1, 1): 5 * 3500}
    # each row has its event, the negative ones too
    logged = Event.objects.filter(kind="receivable.recognised")
    assert sorted(event.payload["amount"] for event in logged) == sorted(
        Receivable.objects.values_list("amount", flat=True)
    )


def test_only_the_mutual_s_own_staff_may_recognise_its_receivables(family, federation):
    outsider = user_create(
        by=None,
        username="other-manager",
        organisation=federation.m2,
        roles=[Role.MUTUAL_MANAGER],
    )
    with pytest.raises(ValidationError) as refused:
        receivables_recognise(by=outsider, mutual=federation.m1, on=D(2025, 3, 1))
    assert "mutual" in refused.value.message_dict
    assert (
        not Receivable.objects.exists()
        and not Event.objects.filter(kind="receivable.recognised").exists()
    )


def test_a_daily_job_runs_once_a_day_and_again_after_a_run_cut_short(db):
    days = []

    def job(day):
        days.append(day)
        if len(days) == 2:
            raise RuntimeError("the machine went down")
        return "done"

    jobs = [Daily("count", job)]
    assert run_due(jobs, D(2026, 1, 1)) == {"count": "done"}
    assert run_due(jobs, D(2026, 1, 1)) == {}
    with pytest.raises(RuntimeError):
        run_due(jobs, D(2026, 1, 2))
    assert run_due(jobs, D(2026, 1, 2)) == {"count": "done"}
    assert days == [D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 2)]
    assert list(DailyRun.objects.order_by("day").values_list("job", "day")) == [
        ("count", D(2026, 1, 1)),
        ("count", D(2026, 1, 2)),
    ]


def test_the_worker_recognises_the_receivables_of_every_mutual_once_a_day(family, federation):
    said = run_due(day=D(2025, 3, 1))
    assert said["receivables"] == "receivables recognised: 1"
    assert run_due(day=D(2025, 3, 1)) == {}
    assert Receivable.objects.count() == 1
