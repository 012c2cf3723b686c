"""A mutual's periodic report: submitted by its manager or by an officer of a union above it for
a month that is over, accepted (its figures then count up the federation), returned with a
comment, or reopened by an officer of a union above it; each change audited and in the
mutual's log, and nothing half-written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.monitoring import compute
from mutualis.monitoring.figures import Span
from mutualis.monitoring.models import Figure, Report, TargetPopulation
from mutualis.monitoring.reports import (
    report_accept,
    report_reopen,
    report_return,
    report_submit,
    target_population_set,
)

D = datetime.date
TODAY = D(2026, 5, 20)
MARCH = D(2026, 3, 1)
GOOD = {
    "members": 120,
    "beneficiaries": 540,
    "women_members": 70,
    "contributions_due": 600_000,
    "contributions_collected": 480_000,
    "contributions_earned": 500_000,
    "claims_submitted": 40,
    "claims_rejected": 2,
    "visits": 38,
    "benefits_incurred": 310_000,
}


@pytest.fixture(autouse=True)
def in_english():
    # the messages are read in the language of the source
    with translation.override("en"):
        yield


@pytest.fixture
def manager(cast):
    return cast[Role.MUTUAL_MANAGER]


@pytest.fixture
def officer(cast):
    return cast[Role.UNION_OFFICER]


@pytest.fixture
def stranger_officer(federation):
    return user_create(
        by=None, username="officer-d2", organisation=federation.d2, roles=[Role.UNION_OFFICER]
    )


@pytest.fixture
def stranger_manager(federation):
    return user_create(
        by=None, username="manager-m2", organisation=federation.m2, roles=[Role.MUTUAL_MANAGER]
    )


def submit(by, mutual, month=MARCH, figures=None):
    return report_submit(
        by=by, mutual=mutual, month=month, figures=GOOD if figures is None else figures, today=TODAY
    )


def kinds(mutual):
    return list(
        Event.objects.filter(organisation_id=mutual.pk, kind__startswith="report.")
        .order_by("sequence")
        .values_list("kind", flat=True)
    )


def refused(call, field):
    audit, events, reports = (
        AuditEntry.objects.count(),
        Event.objects.count(),
        list(Report.objects.values_list()),
    )
    with pytest.raises(ValidationError) as error:
        call()
    assert field in error.value.message_dict, error.value.message_dict
    assert AuditEntry.objects.count() == audit
    assert Event.objects.count() == events
    assert list(Report.objects.values_list()) == reports
    return " ".join(error.value.message_dict[field])


def union_figure(union, code, month=MARCH):
    return (
        Figure.objects.filter(organisation=union, span=Span.MONTH, start=month, code=code)
        .values_list("value", flat=True)
        .first()
    )


def test_a_manager_submits_a_month_that_is_over(federation, manager):
    report = submit(manager, federation.m1, month=D(2026, 3, 17))

    assert report.month == MARCH and report.status == Report.Status.SUBMITTED
    assert report.figures == GOOD and report.submitted_by == manager
    assert kinds(federation.m1) == ["report.submitted"]
    event = Event.objects.get(organisation_id=federation.m1.pk, kind="report.submitted")
    assert event.payload["on_behalf"] is False and event.payload["figures"]["members"] == 120
    assert AuditEntry.objects.filter(object_repr__startswith=str(federation.m1.pk)).exists()


def test_an_officer_of_a_union_above_submits_on_the_mutuals_behalf(federation, officer):
    submit(officer, federation.m1)
    assert Event.objects.get(kind="report.submitted").payload["on_behalf"] is True


def test_an_officer_of_another_union_is_refused(federation, stranger_officer):
    message = refused(lambda: submit(stranger_officer, federation.m1), "mutual")
    assert "outside your scope" in message


def test_a_manager_of_another_mutual_is_refused(federation, stranger_manager):
    message = refused(lambda: submit(stranger_manager, federation.m1), "mutual")
    assert "outside your scope" in message


def test_a_cashier_may_not_submit(federation, cast):
    message = refused(lambda: submit(cast[Role.CASHIER], federation.m1), "mutual")
    assert "role does not allow" in message


def test_a_union_reports_no_figures_of_its_own(federation, cast):
    national = user_create(
        by=None, username="officer-n", organisation=federation.national, roles=[Role.UNION_OFFICER]
    )
    message = refused(lambda: submit(national, federation.d1), "mutual")
    assert "Only a mutual" in message


def test_the_current_month_and_a_month_to_come_are_refused(federation, manager):
    for month in (D(2026, 5, 1), D(2026, 6, 1), D(2027, 1, 1)):
        message = refused(lambda month=month: submit(manager, federation.m1, month), "month")
        assert "once it is over" in message


def test_figures_that_break_the_rules_are_refused_naming_each_figure(federation, manager):
    bad = {**GOOD, "claims_rejected": 50, "women_members": -1}
    refused(lambda: submit(manager, federation.m1, figures=bad), "claims_rejected")
    with pytest.raises(ValidationError) as error:
        submit(manager, federation.m1, figures=bad)
    assert set(error.value.message_dict) == {"claims_rejected", "women_members"}


def test_a_submitted_or_returned_report_is_replaced(federation, manager, officer):
    first = submit(manager, federation.m1)
    again = submit(manager, federation.m1, figures={**GOOD, "members": 121})
    assert again.pk == first.pk and again.figures["members"] == 121
    report_return(by=officer, report=again, comment="Les bénéficiaires manquent")
    third = submit(manager, federation.m1, figures={**GOOD, "members": 122})
    assert third.pk == first.pk and third.status == Report.Status.SUBMITTED
    assert third.comment == "" and third.decided_by is None
    assert Report.objects.count() == 1
    assert kinds(federation.m1) == [
        "report.submitted",
        "report.submitted",
        "report.returned",
        "report.submitted",
    ]


def test_an_accepted_month_is_refused_until_the_union_reopens_it(federation, manager, officer):
    report_accept(by=officer, report=submit(manager, federation.m1), today=TODAY)
    message = refused(lambda: submit(manager, federation.m1), "month")
    assert "the union must reopen it" in message
    report_reopen(
        by=officer, report=Report.objects.get(), reason="Chiffres de mars revus", today=TODAY
    )
    assert submit(manager, federation.m1).status == Report.Status.SUBMITTED


def test_accepting_makes_the_unions_figures_include_the_report_and_reopening_drops_it(
    federation, manager, officer
):
    report = submit(manager, federation.m1)
    assert union_figure(federation.d1, "members") is None  # submitted does not count

    report_accept(by=officer, report=report, today=TODAY)

    for union in (federation.d1, federation.r1, federation.national):
        assert union_figure(union, "members") == 120
        assert union_figure(union, "benefits_incurred") == 310_000
    assert union_figure(federation.r2, "members") is None
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED and report.decided_by == officer

    report_reopen(by=officer, report=report, reason="Erreur de saisie", today=TODAY)

    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.comment == "Erreur de saisie"
    assert union_figure(federation.d1, "members") is None
    assert union_figure(federation.national, "benefits_incurred") is None
    assert kinds(federation.m1) == ["report.submitted", "report.accepted", "report.reopened"]


def test_only_an_officer_of_a_union_above_decides(
    federation, manager, officer, stranger_officer, cast
):
    report = submit(manager, federation.m1)
    message = refused(lambda: report_accept(by=stranger_officer, report=report), "report")
    assert "outside your scope" in message
    message = refused(lambda: report_accept(by=manager, report=report), "report")
    assert "role does not allow" in message
    message = refused(
        lambda: report_return(by=stranger_officer, report=report, comment="x"), "report"
    )
    assert "outside your scope" in message
    refused(lambda: report_accept(by=cast[Role.SYSTEM_ADMIN], report=report), "report")


def test_a_decision_needs_the_right_state_and_its_words(federation, manager, officer):
    report = submit(manager, federation.m1)
    refused(lambda: report_return(by=officer, report=report, comment="  "), "comment")
    refused(lambda: report_reopen(by=officer, report=report, reason="why"), "report")
    report_accept(by=officer, report=report, today=TODAY)
    refused(lambda: report_accept(by=officer, report=report, today=TODAY), "report")
    refused(lambda: report_return(by=officer, report=report, comment="non"), "report")
    refused(lambda: report_reopen(by=officer, report=report, reason=""), "reason")


def test_nothing_is_half_written_when_the_figures_cannot_be_worked_out(
    federation, manager, officer, monkeypatch
):
    report = submit(manager, federation.m1)
    audit, events = AuditEntry.objects.count(), Event.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(compute, "refresh", broken)
    with pytest.raises(RuntimeError):
        report_accept(by=officer, report=report, today=TODAY)

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.decided_at is None
    assert (AuditEntry.objects.count(), Event.objects.count()) == (audit, events)


def test_the_target_population_is_set_and_counts(federation, manager, officer, stranger_officer):
    target_population_set(
        by=manager, mutual=federation.m1, year=2026, population=25_000, source="RGPH", today=TODAY
    )
    target_population_set(
        by=officer, mutual=federation.m1, year=2026, population=26_000, source="Mairie", today=TODAY
    )
    target = TargetPopulation.objects.get()
    assert (target.population, target.source) == (26_000, "Mairie")
    assert union_figure(federation.d1, "target_population", D(2026, 4, 1)) == 26_000
    assert Event.objects.filter(kind="target_population.set").count() == 2
    refused(
        lambda: target_population_set(
            by=stranger_officer, mutual=federation.m1, year=2026, population=1, source="x"
        ),
        "mutual",
    )
    for year, population, source, field in (
        (1990, 10, "x", "year"),
        (2026, 0, "x", "population"),
        (2026, 10, " ", "source"),
    ):
        with pytest.raises(ValidationError) as error:
            target_population_set(
                by=manager, mutual=federation.m1, year=year, population=population, source=source
            )
        assert field in error.value.message_dict
