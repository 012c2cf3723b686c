"""The use and cost of care: visits and the mutual's share by level, service and provider, from
the claims' decisions, with the providers named by the registry's events; the providers that
stand out among those of their level."""

from mutualis.monitoring.care import Line, flagged
from mutualis.monitoring.models import Care, CareProvider
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.monitoring.test_dashboard import treated  # noqa: F401 - three visits in March 2025
from tests.settlements.conftest import bill, no_review  # noqa: F401 - claims decided at once


def test_the_care_of_a_quarter_by_level_service_and_provider(
    client,
    federation,
    cast,
    treated,  # noqa: F811
):
    joal = CareProvider.objects.get(code="PS-JOAL")
    assert (joal.name, joal.level) == ("Poste de santé de Joal", "health_post")
    visits = Care.objects.get(organisation=federation.m1, service="")
    lines = Care.objects.get(organisation=federation.m1, service="consultation")
    assert (visits.count, lines.count) == (3, 3)
    assert visits.incurred == sum(
        c.incurred for c in Care.objects.filter(organisation=federation.m1).exclude(service="")
    )
    client.force_login(cast["union_officer"])
    page = client.get(f"/monitoring/{federation.d1.pk}/care/?period=2025-Q1")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Poste de santé de Joal" in html and '<td class="amount">3</td>' in html


def line(name, visits, incurred, rejected=0, level="health_post"):
    return Line(name, level, visits, rejected, incurred)


def test_a_provider_stands_out_by_its_cost_or_its_rejections_among_its_level():
    found = {
        one.label: one.stands_out
        for one in flagged(
            [
                line("A", 20, 20_000),
                line("B", 20, 22_000),
                line("C", 20, 45_000),  # 2,250 a visit where the middle is 1,100
                line("D", 5, 90_000),  # too few visits to say
                line("E", 20, 21_000, rejected=9),  # rejections far above the others'
                line("F", 20, 20_000, rejected=2),
                line("H", 20, 80_000, level="district_hospital"),  # alone at its level
            ]
        )
    }
    assert found["C"] == ("cost",)
    assert found["E"] == ("rejections",)
    assert found["A"] == found["B"] == found["D"] == found["H"] == ()
