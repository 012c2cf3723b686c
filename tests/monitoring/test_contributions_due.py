"""The contributions due reach the indicators from the operations (issue 15, M.6): a mutual's
`contributions_due` of a month is the sum, over its households, of what is due for the periods
that begin in that month — the members' shares (`dues.recognised`) and the third payers'
(`receivable.recognised`), the changes the register brings counted in the period's month
whenever they were noticed — and 0 in a month where no period begins.

Expected values are the periods' contributions as the plain reference reads the rules' words
(tests/contributions/reference.py, through test_dues_recognised.expected), never the
monitoring's code.
Mutations these tests catch: the third payers' shares or the members' left out; a change counted
in the month it was noticed instead of the period's; the figure missing (instead of 0) in a month
of an operated mutual without a period beginning; a negative change not subtracted."""

import datetime
from collections import Counter

from django.utils import timezone

from mutualis.benefits.services import package_create, package_version_add
from mutualis.contributions.services import dues_recognise, receivables_recognise
from mutualis.core.consumers import drain
from mutualis.membership.models import Beneficiary
from mutualis.membership.services import beneficiary_leave, beneficiary_update, household_enrol
from mutualis.monitoring import compute
from mutualis.monitoring.consumers import CONSUMERS
from mutualis.monitoring.models import Figure, Source
from tests.conftest import person
from tests.contributions.test_dues_recognised import expected

(INDICATORS,) = CONSUMERS
D = datetime.date


def recognise(mutual, day):
    dues_recognise(by=None, mutual=mutual, on=day)
    receivables_recognise(by=None, mutual=mutual, on=day)


def due_by_month(mutual) -> dict[datetime.date, int]:
    return {
        f.start: f.value
        for f in Figure.objects.filter(organisation=mutual, span="month", code="contributions_due")
    }


def test_a_month_s_contributions_due_are_what_the_periods_beginning_in_it_make_due(
    federation, family, state
):
    # given the Diop household on the CMU's yearly periods, and a household on monthly periods
    # from 15 March (the State half, all of it for the indigent)
    monthly = package_create(by=None, owner=federation.national, code="MOIS", name="Mensuel")
    package_version_add(
        by=None,
        package=monthly,
        valid_from=D(2024, 1, 1),
        allow_past=True,
        period="month",
        contribution=1_001,
        subsidies=[(state, "", 5_000), (state, "indigent", 10_000)],
    )
    household_enrol(
        by=None,
        mutual=federation.m1,
        package=monthly,
        enrolled_on=D(2025, 3, 15),
        head=person("Aminata", "Sarr", "F", "1990-06-15"),
        dependents=[person("Ousmane", "Sarr", "M", "2018-01-01")],
    )
    recognise(federation.m1, D(2025, 5, 2))
    # the head of the Diop household found indigent in June: the State owes his whole share of
    # 2025, his household no longer; nothing changes in the year's total
    moussa = family.beneficiaries.get(relationship="head")
    beneficiary_update(by=None, beneficiary=moussa, category="indigent")
    # Ousmane left the Sarr household on 20 April, told on 3 June: May owes his share no more
    ousmane = Beneficiary.objects.get(first_name="Ousmane")
    beneficiary_leave(by=None, beneficiary=ousmane, on=D(2025, 4, 20))
    recognise(federation.m1, D(2025, 6, 3))

    assert not drain(INDICATORS).failed

    # then each month has what the periods beginning in it make due, whenever recognised
    want: Counter = Counter()
    for (_household, start), (_member, total) in expected(federation.m1, D(2025, 6, 3)).items():
        want[start.replace(day=1)] += total
    found = due_by_month(federation.m1)
    current = timezone.localdate().replace(day=1)
    assert found[D(2025, 1, 1)] == want[D(2025, 1, 1)] > 0
    assert found[D(2025, 3, 1)] == want[D(2025, 3, 1)] > 0  # the days left of March, prorated
    assert found[D(2025, 5, 1)] == want[D(2025, 5, 1)] == 1_001  # Aminata alone
    assert found[D(2025, 6, 1)] == want[D(2025, 6, 1)] == 1_001
    for month, value in found.items():
        assert value == want.get(month, 0), month
    # every month of an operated mutual has the figure, 0 where no period begins
    assert found[D(2025, 2, 1)] == 0
    assert max(found) == current
    sources = set(
        Figure.objects.filter(organisation=federation.m1, code="contributions_due").values_list(
            "source", flat=True
        )
    )
    assert sources == {Source.OPERATIONS}
    quarter = Figure.objects.get(
        organisation=federation.m1, span="quarter", start=D(2025, 1, 1), code="contributions_due"
    )
    assert quarter.value == want[D(2025, 1, 1)] + want[D(2025, 3, 1)]
    # and the union above has its mutuals' sum; a full recomputation finds the same
    assert (
        Figure.objects.get(
            organisation=federation.d1, span="month", start=D(2025, 1, 1), code="contributions_due"
        ).value
        == found[D(2025, 1, 1)]
    )
    compute.recompute(INDICATORS.name, timezone.localdate())
    assert due_by_month(federation.m1) == found
