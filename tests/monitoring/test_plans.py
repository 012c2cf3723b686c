"""Development plans: a mutual's or a union's targets year by year, checked, and the actuals
against them on the plans' page and the dashboard."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.federation.rules import Role
from mutualis.monitoring.models import Plan
from mutualis.monitoring.plans import YearPlanned, plan_errors
from mutualis.monitoring.services import plan_record
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.monitoring.test_dashboard import treated  # noqa: F401 - three visits in March 2025
from tests.settlements.conftest import bill, no_review  # noqa: F401 - claims decided at once


def year(year, subsidy=1000, members=10, **rest):
    figures = {"beneficiaries": 40, "contributions": 100_000, "benefits": 70_000}
    figures |= {"income": 120_000, "costs": 30_000, **rest}
    return YearPlanned(year, members, subsidy=subsidy, **figures)


def test_a_plan_s_years_follow_one_another_and_its_subsidy_decreases():
    assert plan_errors([year(2025), year(2026, subsidy=800), year(2027, subsidy=0)]) == {}
    assert "years" in plan_errors([])
    assert "years" in plan_errors([year(2025), year(2027)])
    assert "years" in plan_errors([year(2025), year(2025)])
    assert "subsidy" in plan_errors([year(2025, subsidy=500), year(2026, subsidy=600)])
    assert "members" in plan_errors([year(2025, members=-1)])
    assert "years" in plan_errors([year(2020 + n) for n in range(11)])


def test_a_plan_is_kept_within_the_scope(federation, cast):
    manager = cast[Role.MUTUAL_MANAGER]  # of M1
    plan = plan_record(
        by=manager,
        organisation=federation.m1,
        name="Plan 2025-2027",
        years=[
            year(2025),
            year(2026, subsidy=500),
        ],
    )
    assert [y.year for y in plan.years.order_by("year")] == [2025, 2026]
    with pytest.raises(ValidationError) as refused:
        plan_record(by=manager, organisation=federation.m2, name="x", years=[year(2025)])
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        plan_record(by=manager, organisation=federation.m1, name=" ", years=[year(2025)])
    assert "name" in refused.value.message_dict
    assert Plan.objects.count() == 1


def test_the_page_records_a_plan_and_shows_the_actuals(
    client,
    federation,
    cast,
    treated,  # noqa: F811
):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    url = f"/monitoring/{federation.m1.pk}/plans/"
    rows = {
        "years-TOTAL_FORMS": "5",
        "years-INITIAL_FORMS": "0",
        "years-0-year": "2025",
        "years-0-members": "3",
        "years-0-beneficiaries": "8",
        "years-0-contributions": "20000",
        "years-0-benefits": "10000",
        "years-0-income": "25000",
        "years-0-costs": "6000",
        "years-0-subsidy": "5000",
    }
    assert client.post(url, {"name": "Plan triennal", **rows}).status_code == 302
    page = client.get(url).content.decode()
    assert "Plan triennal" in page and "4 / 8" in page  # four beneficiaries of eight planned
    dashboard = client.get(f"/monitoring/{federation.m1.pk}/?period=2025").content.decode()
    assert "Plan triennal" in dashboard
    # a growing subsidy is refused, naming the rule, and nothing is kept
    rows |= {"years-1-year": "2026", "years-1-subsidy": "9000"}
    answer = client.post(url, {"name": "Autre plan", **rows})
    assert answer.status_code == 200 and Plan.objects.count() == 1
