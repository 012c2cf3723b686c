"""The events of the periodic reports, in the log of the mutual whose report it is, in the
transaction of the change, version 1:

- `report.submitted`, about the report: {"report", "month", "figures", "on_behalf"} (the
  figures as code → integer; `on_behalf` when a union's officer typed them for the mutual);
- `report.accepted`, about the report: {"report", "month"}: its figures now count;
- `report.returned`, about the report: {"report", "month", "comment"}: to be corrected;
- `report.reopened`, about the report: {"report", "month", "reason"}: an accepted report
  sent back (its figures no longer count until accepted again);
- `target_population.set`, about the mutual: {"year", "population", "source"}.

A report is submitted again after it is returned, so a report's uid names several events:
no trace (core.event_check) pairs each report with one event.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.monitoring.models import Report, TargetPopulation

REPORT_SUBMITTED = "report.submitted"
REPORT_ACCEPTED = "report.accepted"
REPORT_RETURNED = "report.returned"
REPORT_REOPENED = "report.reopened"
TARGET_POPULATION_SET = "target_population.set"


def report_submitted(report: Report, on_behalf: bool) -> NewEvent:
    return NewEvent(
        REPORT_SUBMITTED,
        report.uid,
        {
            "report": str(report.uid),
            "month": report.month.isoformat(),
            "figures": dict(report.figures),
            "on_behalf": on_behalf,
        },
    )


def report_decided(report: Report, kind: str) -> NewEvent:
    payload = {"report": str(report.uid), "month": report.month.isoformat()}
    if kind == REPORT_RETURNED:
        payload["comment"] = report.comment
    elif kind == REPORT_REOPENED:
        payload["reason"] = report.comment
    return NewEvent(kind, report.uid, payload)


def target_population_set(target: TargetPopulation, mutual_uid) -> NewEvent:
    return NewEvent(
        TARGET_POPULATION_SET,
        mutual_uid,
        {"year": target.year, "population": target.population, "source": target.source},
    )


KINDS = [
    Kind(REPORT_SUBMITTED, _("Periodic report submitted")),
    Kind(REPORT_ACCEPTED, _("Periodic report accepted")),
    Kind(REPORT_RETURNED, _("Periodic report returned")),
    Kind(REPORT_REOPENED, _("Periodic report reopened")),
    Kind(TARGET_POPULATION_SET, _("Target population set")),
]
