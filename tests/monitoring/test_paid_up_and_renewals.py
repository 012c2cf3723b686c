"""The paid-up rate and the renewal rate from the operations (issue 15, DOMAIN.md §3 and §7,
docs/monitoring.md "Up to date and renewals"), worked by hand.

Six households of Joal enrol on 1 January 2025 in a package of quarters: 3,000 XOF per
beneficiary and quarter, 500 to register, all of it paid by the State for the indigent. The
daily job recognises each quarter's member shares on its first day.

| household | people | Q1 (share, paid) | then | Q2 (share, paid) |
|---|---|---|---|---|
| Ndiaye, on time | 2 | 6,000 on 5 Jan | | 6,000 ahead, on 20 Mar |
| Fall, late | 1 | 3,000 on 10 Feb | | 3,000 on 10 May |
| Sow, partly | 3 | 9,000 on 5 Jan | | 4,000 of 9,000, on 10 Apr |
| Ba, subsidised | 1 (indigent) | nothing to pay | | nothing to pay |
| Diallo, a leaver | 2 | 6,000 on 5 Jan | the dependant leaves on 15 Feb | 3,000 on 2 Apr |
| Gaye, resigns | 1 | 3,000 on 5 Jan | resigns on 15 Mar | |

At the end of each month, by hand (beneficiaries; up to date):
- January: 10; 9 (Fall owes Q1);
- February: 9 (the dependant of the Diallos left); 9;
- March: 8 (the Gayes resigned); 8 (Q2 has not begun);
- April: 8; 4 (Ndiaye 2, Ba 1, Diallo 1: Fall owes Q2, the Sows owe 5,000 of it);
- May: 8; 5 (Fall paid).

The first quarter ends on 31 March: four members come up for renewal in March (Ndiaye, Fall,
Sow, Diallo: each had paid the quarter; the Bas had nothing to pay, the Gayes resigned), and
two renewed by the end of April (Ndiaye, Diallo): Fall paid after, the Sows only part. No
other month has a renewal.
"""

import datetime

import pytest
from django.utils import timezone

from mutualis.benefits.services import package_create, package_version_add
from mutualis.contributions.services import dues_recognise, payment_record, payment_reverse
from mutualis.core.consumers import drain
from mutualis.membership.services import beneficiary_leave, household_enrol, household_resign
from mutualis.monitoring import compute
from mutualis.monitoring.catalogue import BY_CODE, evaluate
from mutualis.monitoring.consumers import CONSUMERS
from mutualis.monitoring.models import Figure, Source
from tests.conftest import person

(INDICATORS,) = CONSUMERS
D = datetime.date
CODES = ("beneficiaries", "beneficiaries_up_to_date", "members_due_to_renew", "members_renewed")


@pytest.fixture
def quarterly(federation, state):
    package = package_create(by=None, owner=federation.national, code="TRIM", name="Trimestriel")
    package_version_add(
        by=None,
        package=package,
        valid_from=D(2024, 1, 1),
        allow_past=True,
        period="quarter",
        contribution=3_000,
        registration_fee=500,
        subsidies=[(state, "indigent", 10_000)],
    )
    return package


def enrol(federation, package, name, dependants=0, category="adult"):
    return household_enrol(
        by=None,
        mutual=federation.m1,
        package=package,
        enrolled_on=D(2025, 1, 1),
        head=person("Awa", name, "F", "1980-01-01", category=category),
        dependents=[person(f"Enfant{n}", name, "M", "2015-01-01") for n in range(dependants)],
    )


def pay(household, amount, day):
    return payment_record(
        by=None, household=household, amount=amount, method="cash", received_on=day
    )


def indicator(code, mutual, span, start, months):
    found = Figure.objects.filter(organisation=mutual, span=span, start=start)
    return evaluate(BY_CODE[code], {f.code: f.value for f in found}, months).value


def months(mutual) -> dict[datetime.date, dict[str, int]]:
    found: dict[datetime.date, dict[str, int]] = {}
    for figure in Figure.objects.filter(organisation=mutual, span="month", code__in=CODES):
        found.setdefault(figure.start, {})[figure.code] = figure.value
    return found


@pytest.fixture
def joal(federation, quarterly):
    ndiaye = enrol(federation, quarterly, "Ndiaye", 1)
    fall = enrol(federation, quarterly, "Fall")
    sow = enrol(federation, quarterly, "Sow", 2)
    enrol(federation, quarterly, "Ba", category="indigent")
    diallo = enrol(federation, quarterly, "Diallo", 1)
    gaye = enrol(federation, quarterly, "Gaye")
    dues_recognise(by=None, mutual=federation.m1, on=D(2025, 1, 1))
    pay(ndiaye, 6_500, D(2025, 1, 5))
    pay(sow, 9_500, D(2025, 1, 5))
    pay(diallo, 6_500, D(2025, 1, 5))
    pay(gaye, 3_500, D(2025, 1, 5))
    pay(fall, 3_500, D(2025, 2, 10))
    beneficiary_leave(
        by=None,
        beneficiary=diallo.beneficiaries.exclude(relationship="head").get(),
        on=D(2025, 2, 15),
    )
    household_resign(by=None, household=gaye, on=D(2025, 3, 15))
    ahead = pay(ndiaye, 6_000, D(2025, 3, 20))
    dues_recognise(by=None, mutual=federation.m1, on=D(2025, 4, 1))
    pay(diallo, 3_000, D(2025, 4, 2))
    pay(sow, 4_000, D(2025, 4, 10))
    pay(fall, 3_000, D(2025, 5, 10))
    return ahead


def test_members_up_to_date_and_renewals_are_counted_month_by_month_as_worked_by_hand(
    federation, joal
):
    assert not drain(INDICATORS).failed

    found = months(federation.m1)
    assert found[D(2025, 1, 1)] == {
        "beneficiaries": 10,
        "beneficiaries_up_to_date": 9,
        "members_due_to_renew": 0,
        "members_renewed": 0,
    }
    assert (
        found[D(2025, 2, 1)]["beneficiaries"]
        == found[D(2025, 2, 1)]["beneficiaries_up_to_date"]
        == 9
    )
    assert found[D(2025, 3, 1)] == {
        "beneficiaries": 8,
        "beneficiaries_up_to_date": 8,
        "members_due_to_renew": 4,
        "members_renewed": 2,
    }
    assert found[D(2025, 4, 1)] == {
        "beneficiaries": 8,
        "beneficiaries_up_to_date": 4,
        "members_due_to_renew": 0,
        "members_renewed": 0,
    }
    assert found[D(2025, 5, 1)]["beneficiaries_up_to_date"] == 5
    # the second quarter ends in June: the Ndiayes, Fall and the Diallos had paid it, none of
    # them the third quarter (never recognised here)
    assert (
        found[D(2025, 6, 1)]["members_due_to_renew"],
        found[D(2025, 6, 1)]["members_renewed"],
    ) == (
        3,
        0,
    )
    # no later period began: every household stays as in May
    assert found[timezone.localdate().replace(day=1)]["beneficiaries_up_to_date"] == 5
    assert {
        figure.source
        for figure in Figure.objects.filter(organisation=federation.m1, code__in=CODES)
    } == {Source.OPERATIONS}

    # the renewal rate of the first quarter, and the paid-up rate of April
    assert indicator("M.2", federation.m1, "quarter", D(2025, 1, 1), 3) == 5_000
    assert indicator("KPI.RENEWAL", federation.m1, "quarter", D(2025, 1, 1), 3) == 5_000
    assert indicator("PAID_UP", federation.m1, "month", D(2025, 4, 1), 1) == 5_000
    # the union above has the sums, and a full recomputation finds what the consumer kept
    assert (
        Figure.objects.get(
            organisation=federation.d1, span="month", start=D(2025, 3, 1), code="members_renewed"
        ).value
        == 2
    )
    compute.recompute(INDICATORS.name, timezone.localdate())
    assert months(federation.m1) == found


def test_a_payment_reversed_before_the_window_closes_undoes_the_renewal_and_the_standing(
    federation, joal
):
    # the Ndiayes' payment ahead for Q2 is refunded on 15 April
    payment_reverse(by=None, payment=joal, reason="remboursé", on=D(2025, 4, 15))
    assert not drain(INDICATORS).failed

    found = months(federation.m1)
    # still up to date at the end of March (the money was there), no longer at April's end
    assert found[D(2025, 3, 1)]["beneficiaries_up_to_date"] == 8
    assert found[D(2025, 4, 1)]["beneficiaries_up_to_date"] == 2
    assert (
        found[D(2025, 3, 1)]["members_due_to_renew"],
        found[D(2025, 3, 1)]["members_renewed"],
    ) == (
        4,
        1,
    )


def test_a_renewal_paid_on_the_last_day_of_the_month_after_counts_and_the_day_after_not(
    federation, quarterly
):
    on_time = enrol(federation, quarterly, "Ndoye")
    late = enrol(federation, quarterly, "Thiam")
    dues_recognise(by=None, mutual=federation.m1, on=D(2025, 1, 1))
    pay(on_time, 3_500, D(2025, 1, 2))
    pay(late, 3_500, D(2025, 1, 2))
    dues_recognise(by=None, mutual=federation.m1, on=D(2025, 4, 1))
    pay(on_time, 3_000, D(2025, 4, 30))
    pay(late, 3_000, D(2025, 5, 1))
    assert not drain(INDICATORS).failed

    found = months(federation.m1)
    assert (
        found[D(2025, 3, 1)]["members_due_to_renew"],
        found[D(2025, 3, 1)]["members_renewed"],
    ) == (
        2,
        1,
    )
    # the second quarter ends on 30 June: neither paid the third, both come up, none renewed
    assert (
        found[D(2025, 6, 1)]["members_due_to_renew"],
        found[D(2025, 6, 1)]["members_renewed"],
    ) == (
        2,
        0,
    )
