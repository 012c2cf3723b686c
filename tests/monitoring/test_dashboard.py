"""The dashboards (issue 15): a union officer finds the mutual in trouble from the national page,
the member organisations side by side sortable by any indicator, a union's ratios worked out
from its sums, thresholds a union adjusts, the Excel export and the API."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from mutualis.core.consumers import drain
from mutualis.core.pdf import extract_text
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.monitoring.catalogue import Thresholds
from mutualis.monitoring.consumers import CONSUMERS
from mutualis.monitoring.documents import dashboard_pdf
from mutualis.monitoring.models import Figure
from mutualis.monitoring.queries import Period, figures
from mutualis.monitoring.services import threshold_set
from mutualis.monitoring.views import dashboard_context
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.settlements.conftest import bill, no_review  # noqa: F401 - claims decided at once

(INDICATORS,) = CONSUMERS
D = datetime.date
Q1 = "2025-Q1"


@pytest.fixture
def national_officer(federation):
    return user_create(
        by=None,
        username="national-officer",
        organisation=federation.national,
        roles=[Role.UNION_OFFICER],
    )


@pytest.fixture
def treated(care, bill):  # noqa: F811
    """The Diop household paid for 2025 and three consultations in March at Joal."""
    for day in (D(2025, 3, 3), D(2025, 3, 10), D(2025, 3, 17)):
        bill(day=day)
    assert not drain(INDICATORS).failed


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_officer_finds_the_mutual_in_alarm_from_the_national_page(
    client, federation, national_officer, treated
):
    # the national union holds that a claims ratio above 10 % of the quarter is an alarm
    threshold_set(
        by=national_officer,
        union=federation.national,
        indicator="F.5",
        bounds=Thresholds(alarm_above=1000),
    )
    national = page(client, national_officer, f"/monitoring/{federation.national.pk}/?period={Q1}")
    # the period's alerts name the mutual in alarm, with a link to its own dashboard: one
    # click away; the other mutuals are not in alarm
    alerts = national.split("<h2>")[2]
    link = f"/monitoring/{federation.m1.pk}/?period={Q1}"
    assert link in alerts and 'class="level-alarm"' in alerts
    assert f"/monitoring/{federation.m2.pk}/" not in alerts
    mutual = page(client, national_officer, link)
    assert "level-alarm" in mutual
    # its base figures say where they come from
    assert "operations in Mutualis" in mutual or "opérations dans Mutualis" in mutual


def test_a_union_s_ratio_is_worked_out_from_its_sums(federation, treated):
    period = Period.parse(Q1)
    found = figures([federation.m1.pk, federation.d1.pk, federation.national.pk], period)
    mutual, union = found[federation.m1.pk], found[federation.national.pk]
    for code in ("benefits_incurred", "contributions_earned", "visits", "beneficiaries"):
        assert union[code] == sum(
            f.value
            for f in Figure.objects.filter(
                organisation__kind="mutual", span="quarter", start=D(2025, 1, 1), code=code
            )
        )
    assert mutual["visits"] == 3


def test_members_are_sorted_by_the_indicator_asked(client, federation, cast, treated):
    officer = cast[Role.UNION_OFFICER]  # of D1, whose mutual M1 had claims
    ascending = page(client, officer, f"/monitoring/{federation.d1.pk}/?period={Q1}&sort=USE")
    descending = page(
        client, officer, f"/monitoring/{federation.d1.pk}/?period={Q1}&sort=USE&order=desc"
    )
    assert 'aria-sort="ascending"' in ascending and 'aria-sort="descending"' in descending


def test_a_period_that_means_nothing_shows_the_default_one(client, federation, cast, treated):
    html = page(client, cast[Role.UNION_OFFICER], f"/monitoring/{federation.d1.pk}/?period=2025-13")
    assert "<h1>" in html


def test_the_excel_export_holds_values_never_formulas(client, federation, cast, treated):
    client.force_login(cast[Role.UNION_OFFICER])
    response = client.get(f"/monitoring/{federation.d1.pk}/indicators.xlsx?period={Q1}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert "F.5" in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_a_union_sets_its_thresholds_for_its_subtree_and_goes_back(
    client, federation, cast, treated
):
    officer = cast[Role.UNION_OFFICER]
    client.force_login(officer)
    url = f"/monitoring/{federation.d1.pk}/thresholds/"
    response = client.post(url, {"indicator": "USE", "warn_below": "5", "alarm_below": "4"})
    assert response.status_code == 302
    html = page(client, officer, f"/monitoring/{federation.m1.pk}/?period={Q1}")
    assert "level-alarm" in html  # three visits a quarter is far below four a year each
    # a warning beyond its alarm is refused, naming the field, and changes nothing
    response = client.post(url, {"indicator": "USE", "warn_below": "3", "alarm_below": "4"})
    assert response.status_code == 200
    assert (
        "alarm below" in response.content.decode().lower() or "alarme" in response.content.decode()
    )
    # every bound empty: back to the guide's
    client.post(url, {"indicator": "USE"})
    assert "level-alarm" not in page(
        client, officer, f"/monitoring/{federation.m1.pk}/?period={Q1}"
    )


def test_thresholds_are_a_union_s_and_within_its_scope(federation, cast):
    with pytest.raises(ValidationError) as refused:
        threshold_set(
            by=None, union=federation.m1, indicator="F.5", bounds=Thresholds(alarm_above=1)
        )
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        threshold_set(
            by=None, union=federation.d1, indicator="NOPE", bounds=Thresholds(alarm_above=1)
        )
    assert "indicator" in refused.value.message_dict


def test_the_api_gives_figures_and_indicators_in_scope_only(client, federation, cast, treated):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    answer = client.get(f"/api/organisations/{federation.m1.uid}/indicators?period={Q1}")
    assert answer.status_code == 200
    values = {i["code"]: i for i in answer.json()["indicators"]}
    assert values["USE"]["numerator"] is not None and values["M.5"]["value"] is None
    figures_answer = client.get(f"/api/organisations/{federation.m1.uid}/figures?period={Q1}")
    visits = [f for f in figures_answer.json()["figures"] if f["code"] == "visits"]
    assert visits == [{"code": "visits", "kind": "flow", "value": 3, "source": "operations"}]
    assert client.get(f"/api/organisations/{federation.m2.uid}/figures").status_code == 404
    refused = client.get(f"/api/organisations/{federation.m1.uid}/figures?period=2025-Q5")
    assert refused.status_code == 400 and "period" in refused.json()["detail"]


def test_the_pdf_report_holds_the_charts_alerts_and_members(
    client, rf, federation, national_officer, treated
):
    threshold_set(
        by=national_officer,
        union=federation.national,
        indicator="F.5",
        bounds=Thresholds(alarm_above=1000),
    )
    client.force_login(national_officer)
    response = client.get(f"/monitoring/{federation.national.pk}/report.pdf?period={Q1}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    request = rf.get("/", {"period": Q1})
    request.user = national_officer
    text = extract_text(
        dashboard_pdf(dashboard_context(request, federation.national), "en", compress=False)
    )
    assert "Monitoring report" in text and "Q1 2025" in text
    assert federation.m1.name in text  # in the alerts
    assert federation.r1.name in text  # a member organisation
    assert "Claims ratio" in text
