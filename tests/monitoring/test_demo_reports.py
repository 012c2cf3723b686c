"""The demo's reports: the mutuals without operations report twelve months, most accepted, some
late, one or two missing, one returned with a comment, the last waiting for the union, one
mutual's last quarter alarming; the log agrees with the tables and the unions' figures count
the accepted reports."""

import random

from django.utils import timezone

from mutualis.core.demo import Demo
from mutualis.core.event_check import check
from mutualis.core.models import Event
from mutualis.monitoring import demo as monitoring_demo
from mutualis.monitoring.compute import on_time
from mutualis.monitoring.figures import Span
from mutualis.monitoring.models import Figure, Report, TargetPopulation
from mutualis.monitoring.rules import report_errors


def test_the_mutuals_without_operations_report_a_year(federation, cast):
    logged = []
    demo = Demo(options={}, rng=random.Random(1), log=logged.append, made={})
    demo.made["today"] = timezone.localdate()

    monitoring_demo.generate(demo)

    reports = list(Report.objects.order_by("mutual_id", "month"))
    assert {r.mutual_id for r in reports} == {federation.m1.pk, federation.m2.pk}
    assert len(reports) == 2 * 12 - 2  # a month missing in each
    statuses = [r.status for r in reports]
    assert statuses.count(Report.Status.RETURNED) == 1
    assert statuses.count(Report.Status.SUBMITTED) == 2  # the last month, waiting
    assert statuses.count(Report.Status.ACCEPTED) == len(reports) - 3
    returned = Report.objects.get(status=Report.Status.RETURNED)
    assert returned.comment
    assert all(report_errors(r.figures) == [] for r in reports)
    assert 0 < sum(not on_time(r) for r in reports) < len(reports) // 2
    assert TargetPopulation.objects.count() >= 2
    assert Event.objects.filter(kind="report.submitted").count() == len(reports)
    assert check(), "the log agrees with the tables"
    assert "Reports:" in logged[-1]

    # the alarming mutual's last accepted month: claims above earned, collection below 60 %
    alarming = Report.objects.filter(mutual=federation.m2, status="accepted").latest("month")
    figures = alarming.figures
    assert figures["benefits_incurred"] > figures["contributions_earned"]
    assert figures["contributions_collected"] * 10 < figures["contributions_due"] * 6
    # the unions' figures sum the accepted reports
    month = alarming.month
    union = Figure.objects.get(
        organisation=federation.national, span=Span.MONTH, start=month, code="members"
    )
    accepted = Report.objects.filter(month=month, status="accepted")
    assert union.value == sum(r.figures["members"] for r in accepted)
