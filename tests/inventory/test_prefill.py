"""A mutual that runs Mutualis finds its record pre-filled from its figures in the monitoring
(its accepted reports here): each figure taken as it was is marked as such, one changed by
the keeper is not."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from mutualis.federation.rules import Role
from mutualis.inventory.queries import monitoring_figures
from mutualis.inventory.services import record_save
from mutualis.monitoring.reports import report_accept, report_submit
from tests.inventory.conftest import YEAR

FIGURES = {
    "members": 130,
    "beneficiaries": 600,
    "women_members": 80,
    "contributions_due": 250_000,
    "contributions_collected": 200_000,
    "contributions_earned": 210_000,
    "claims_submitted": 30,
    "claims_rejected": 1,
    "visits": 29,
    "benefits_incurred": 150_000,
}


@pytest.fixture
def reported(federation, cast):
    officer = cast[Role.UNION_OFFICER]
    for month in (1, 2):
        report = report_submit(
            by=officer,
            mutual=federation.m1,
            month=datetime.date(2025, month, 1),
            figures=FIGURES,
            today=datetime.date(2025, 3, 20),
        )
        report_accept(by=officer, report=report, today=timezone.localdate())


def test_the_monitorings_figures_of_the_year_are_read(federation, reported):
    known = monitoring_figures(federation.m1.pk, 2025)
    assert known["members"] == 130 and known["beneficiaries"] == 600
    assert known["contributions_due"] == 500_000  # a flow: the year's months added
    assert known["benefits_paid"] == 300_000
    assert monitoring_figures(federation.m1.pk, 2019) == {}


def test_the_figures_taken_as_they_were_are_marked_prefilled(joal, cast, reported):
    known = monitoring_figures(joal.organisation_id, 2025)
    facts = dataclasses.replace(YEAR, **{**known, "members": 131, "reserves": None})
    record = record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=2025, facts=facts)
    assert "beneficiaries" in record.prefilled and "contributions_due" in record.prefilled
    assert "members" not in record.prefilled


def test_the_form_of_a_new_year_shows_the_monitorings_figures(client, joal, cast, reported):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    page = client.get(f"/inventory/records/{joal.pk}/year/?year=2025").content.decode()
    assert 'name="beneficiaries" value="600"' in page
    assert "Pre-filled from the monitoring" in page or "Prérempli" in page


def test_the_focal_point_sees_which_figures_came_from_the_monitoring(
    client, joal, cast, reported, focal_point
):
    known = monitoring_figures(joal.organisation_id, 2025)
    record_save(
        by=cast[Role.MUTUAL_MANAGER],
        entry=joal,
        year=2025,
        facts=dataclasses.replace(YEAR, **{**known, "members": 131}),
    )
    client.force_login(focal_point)
    page = client.get("/inventory/validation/").content.decode()
    assert page.count('class="prefilled-mark"') == len(known) - 1  # all but the members
