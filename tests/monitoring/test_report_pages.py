"""The reports' pages: a mutual's months, the form of a month, the Excel template and its upload
(a good file, a file with a formula, a file that is no workbook, one too large), the target
population, and the union's list of reports waiting with its decisions; in French and English."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.monitoring.models import Report, TargetPopulation
from mutualis.monitoring.report_files import REPORT_MAX_BYTES, report_template
from mutualis.monitoring.reports import report_submit
from tests.monitoring.test_reports import GOOD


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def manager(client, cast):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    return client


@pytest.fixture
def officer(client, cast):
    client.force_login(cast[Role.UNION_OFFICER])
    return client


def filled(mutual, month, figures, language="fr") -> bytes:
    """The template as a manager fills it in: the values typed in column B."""
    book = load_workbook(io.BytesIO(report_template(mutual, month, language)))
    sheet = book.active
    for row in sheet.iter_rows():
        code = row[2].value
        if code in figures:
            row[1].value = figures[code]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, mutual, content, name="rapport.xlsx", month=None):
    return client.post(
        f"/reports/{mutual.pk}/upload/",
        {"month": f"{month or last_month():%Y-%m}", "file": SimpleUploadedFile(name, content)},
    )


def nothing_written(call):
    before = (Report.objects.count(), AuditEntry.objects.count(), Event.objects.count())
    answer = call()
    assert (Report.objects.count(), AuditEntry.objects.count(), Event.objects.count()) == before
    return answer


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", ["Rapports mensuels", "manquant"]), ("en", ["Monthly reports", "missing"])],
)
def test_the_menu_opens_the_mutuals_months_in_either_language(manager, federation, language, words):
    manager.cookies["django_language"] = language
    page = manager.get("/reports/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200 and page.context["organisation"] == federation.m1
    text = page.content.decode()
    assert all(word in text for word in words), words
    assert len(page.context["rows"]) == 12


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_form_of_a_month_submits_its_figures(manager, federation, language):
    manager.cookies["django_language"] = language
    month = last_month()
    url = f"/reports/{federation.m1.pk}/fill/?month={month:%Y-%m}"
    assert manager.get(url).status_code == 200

    answer = manager.post(url, {**GOOD, "month": f"{month:%Y-%m}"})

    assert answer.status_code == 302
    report = Report.objects.get()
    assert report.month == month and report.figures == GOOD


def test_the_form_shows_the_rules_broken_and_keeps_what_was_typed(manager, federation):
    month = last_month()
    url = f"/reports/{federation.m1.pk}/fill/?month={month:%Y-%m}"
    answer = nothing_written(lambda: manager.post(url, {**GOOD, "claims_rejected": 99}))
    assert answer.status_code == 200
    assert answer.context["form"].errors["claims_rejected"]
    assert 'value="99"' in answer.content.decode()


def test_the_template_lists_the_figures_with_their_codes_hidden_and_no_formula(manager, federation):
    answer = manager.get(f"/reports/{federation.m1.pk}/template.xlsx?month=2025-03")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.column_dimensions["C"].hidden
    codes = [row[2].value for row in sheet.iter_rows()]
    assert "members" in codes and "benefits_incurred" in codes
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert "Mutuelle de santé de Joal" in [row[1].value for row in sheet.iter_rows()]


def test_a_good_file_is_submitted(manager, federation):
    content = filled(federation.m1, last_month(), GOOD)
    answer = upload(manager, federation.m1, content)
    assert answer.status_code == 302, answer.context and answer.context["problems"]
    assert Report.objects.get().figures == GOOD


def test_a_file_with_a_formula_is_refused_and_nothing_saved(manager, federation):
    content = filled(federation.m1, last_month(), {**GOOD, "members": "=cmd|' /C calc'!A0"})
    answer = nothing_written(lambda: upload(manager, federation.m1, content))
    assert answer.status_code == 200
    problems = " ".join(answer.context["problems"])
    assert "formule" in problems and "Ligne 8" in problems and "Adhérents" in problems


def test_text_in_place_of_a_number_is_refused_naming_its_row(manager, federation):
    content = filled(federation.m1, last_month(), {**GOOD, "visits": "beaucoup"})
    answer = nothing_written(lambda: upload(manager, federation.m1, content))
    assert any("Ligne" in problem for problem in answer.context["problems"])


def test_a_file_that_is_no_workbook_is_refused(manager, federation):
    for name, content in (
        ("rapport.xlsx", b"%PDF-1.4 not a workbook"),
        ("rapport.csv", b"members;120\n"),
        ("rapport.xlsx", b"PK\x03\x04 broken zip"),
    ):
        answer = nothing_written(
            lambda name=name, content=content: upload(manager, federation.m1, content, name)
        )
        assert answer.status_code == 200 and answer.context["problems"]


def test_a_huge_file_is_refused_before_it_is_read(manager, federation):
    answer = nothing_written(
        lambda: upload(manager, federation.m1, b"PK" + b"0" * REPORT_MAX_BYTES)
    )
    assert "Ko" in " ".join(answer.context["problems"]) or "KB" in " ".join(
        answer.context["problems"]
    )


def test_a_template_of_another_month_or_mutual_is_refused(manager, federation):
    month = last_month()
    other = (month - datetime.timedelta(days=1)).replace(day=1)
    answer = nothing_written(
        lambda: upload(manager, federation.m1, filled(federation.m1, other, GOOD), month=month)
    )
    assert answer.context["problems"]
    answer = nothing_written(
        lambda: upload(manager, federation.m1, filled(federation.m2, month, GOOD), month=month)
    )
    assert answer.context["problems"]


def test_a_rule_broken_in_the_file_is_shown_and_nothing_saved(manager, federation):
    content = filled(federation.m1, last_month(), {**GOOD, "beneficiaries": 10})
    answer = nothing_written(lambda: upload(manager, federation.m1, content))
    assert answer.context["problems"]


def test_the_target_population_is_saved(manager, federation):
    answer = manager.post(
        f"/reports/{federation.m1.pk}/population/",
        {"year": 2026, "population": 24000, "source": "RGPH-5"},
    )
    assert answer.status_code == 302
    assert TargetPopulation.objects.get().population == 24000


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_officer_sees_the_reports_waiting_and_accepts_one(officer, cast, federation, language):
    officer.cookies["django_language"] = language
    report = report_submit(
        by=cast[Role.MUTUAL_MANAGER], mutual=federation.m1, month=last_month(), figures=GOOD
    )
    page = officer.get("/reports/")
    assert page.status_code == 200
    assert [r for r, _on_time in page.context["rows"]] == [report]
    assert officer.get(f"/reports/report/{report.pk}/").status_code == 200

    answer = officer.post(f"/reports/report/{report.pk}/", {"action": "accept"})

    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED


def test_the_officer_returns_with_a_comment_and_reopens_with_a_reason(officer, cast, federation):
    report = report_submit(
        by=cast[Role.MUTUAL_MANAGER], mutual=federation.m1, month=last_month(), figures=GOOD
    )
    page = officer.post(f"/reports/report/{report.pk}/", {"action": "return"})
    assert page.status_code == 200 and page.context["form"].errors["comment"]
    officer.post(f"/reports/report/{report.pk}/", {"action": "return", "comment": "Revoir mars"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.comment == "Revoir mars"


def test_a_manager_cannot_decide_on_a_report(manager, cast, federation):
    report = report_submit(
        by=cast[Role.MUTUAL_MANAGER], mutual=federation.m1, month=last_month(), figures=GOOD
    )
    page = nothing_written(
        lambda: manager.post(f"/reports/report/{report.pk}/", {"action": "accept"})
    )
    assert page.status_code == 200
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_a_mutual_of_another_union_is_not_found(officer, federation):
    assert officer.get(f"/reports/{federation.m2.pk}/").status_code == 404
    assert officer.get(f"/reports/{federation.d1.pk}/").status_code == 404


def workbook_with(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_that_is_not_the_template_is_refused(manager, federation):
    answer = nothing_written(
        lambda: upload(manager, federation.m1, workbook_with(["nom", "valeur"], ["a", 1]))
    )
    assert "modèle" in " ".join(answer.context["problems"])


def test_the_list_of_reports_waiting_reads_the_same_queries_however_many_wait(
    officer, cast, federation
):

    def waiting(count):
        for index in range(count):
            month = (last_month() - datetime.timedelta(days=31 * index)).replace(day=1)
            if not Report.objects.filter(month=month).exists():
                report_submit(
                    by=cast[Role.MUTUAL_MANAGER], mutual=federation.m1, month=month, figures=GOOD
                )
        with CaptureQueriesContext(connection) as queries:
            assert officer.get("/reports/waiting/").status_code == 200
        return len(queries)

    assert waiting(1) == waiting(4)
