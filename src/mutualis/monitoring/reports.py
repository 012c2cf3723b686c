"""The periodic reports of the mutuals that do not record their operations in Mutualis (issue
15, docs/monitoring.md § Reports): the only writers of `Report` and `TargetPopulation`.

A mutual's manager submits a month's figures once the month is over, or an officer of a union
above it does on its behalf; an officer of a union above the mutual accepts the report (its
figures then count, in the mutual's and every union's figures) or returns it with a comment,
and may reopen an accepted one, with its reason. Each service checks the acting user's role and
scope, writes nothing unless all is right, records the audit trail and appends its event to the
mutual's log, in one transaction; accepting and reopening bring the figures up to date in it."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.audit import (
    audit_created,
    audit_updated,
    snapshot,
)
from mutualis.core.events import append
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import (
    REPORT_DECIDERS,
    REPORT_SUBMITTERS,
    UNIONS,
    Kind,
    Role,
    is_within,
)
from mutualis.federation.services import require_in_scope_as
from mutualis.monitoring import compute, events
from mutualis.monitoring.models import Report, TargetPopulation
from mutualis.monitoring.rules import report_errors

# the years a target population may be given for
FIRST_YEAR = 2000


def is_union_above(by: User, mutual: Organisation) -> bool:
    """Whether `by` is an officer of a union above the mutual (not of a support structure,
    whose officers follow mutuals without answering for their figures)."""
    union = by.organisation
    return (
        Role.UNION_OFFICER in by.roles
        and union is not None
        and union.kind in UNIONS
        and union.pk != mutual.pk
        and is_within(mutual.path, union.path)
    )


def require_reporter(by: User | None, mutual: Organisation, field: str) -> None:
    """The mutual's own manager, or an officer of a union above it."""
    require_in_scope_as(by, REPORT_SUBMITTERS, mutual, field)
    require_mutual(mutual, field)
    if by is None:
        return
    own = Role.MUTUAL_MANAGER in by.roles and by.organisation_id == mutual.pk
    if not (own or is_union_above(by, mutual)):
        raise ValidationError(
            {
                field: _(
                    "Only the mutual's manager, or an officer of its union, reports its figures."
                )
            }
        )


def require_decider(by: User | None, mutual: Organisation, field: str) -> None:
    require_in_scope_as(by, REPORT_DECIDERS, mutual, field)
    if by is not None and not is_union_above(by, mutual):
        raise ValidationError({field: _("Only an officer of a union above the mutual decides.")})


def require_mutual(organisation: Organisation, field: str) -> None:
    if organisation.kind != Kind.MUTUAL:
        raise ValidationError({field: _("Only a mutual reports its figures.")})


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def report_submit(
    *,
    by: User,
    mutual: Organisation,
    month: datetime.date,
    figures: Mapping[str, int],
    today: datetime.date | None = None,
) -> Report:
    """Submits a mutual's figures for a month that is over (a month's report is on time by
    the 15th of the next, DOMAIN.md §7, T.9). A returned or submitted report of the month is
    replaced; an accepted one must be reopened by the union first. `figures`: code → whole
    number, blank figures left out (missing, never 0); checked by monitoring.rules."""
    if by is None:
        raise ValueError("a report is submitted by someone: its row keeps who")
    require_reporter(by, mutual, "mutual")
    today = today or timezone.localdate()
    month = month_start(month)
    if month >= month_start(today):
        raise ValidationError({"month": [_("A month is reported once it is over.")]})
    errors: dict[str, list[str]] = {}
    for code, message in report_errors(figures):
        errors.setdefault(code, []).append(message)
    if errors:
        raise ValidationError(errors)
    report = Report.objects.select_for_update().filter(mutual=mutual, month=month).first()
    if report is not None and report.status == Report.Status.ACCEPTED:
        raise ValidationError(
            {
                "month": [
                    _(
                        "The report of this month has been accepted: the union must reopen it "
                        "before it is reported again."
                    )
                ]
            }
        )
    values = {
        "figures": {code: int(value) for code, value in figures.items()},
        "status": Report.Status.SUBMITTED,
        "submitted_at": timezone.now(),
        "submitted_by": by,
        "decided_at": None,
        "decided_by": None,
        "comment": "",
    }
    if report is None:
        report = Report.objects.create(mutual=mutual, month=month, **values)
        audit_created(actor=by, obj=report)
    else:
        before = snapshot(report)
        for name, value in values.items():
            setattr(report, name, value)
        report.save()
        audit_updated(actor=by, obj=report, before=before)
    on_behalf = by.organisation_id != mutual.pk
    append(mutual.pk, events.report_submitted(report, on_behalf), by)
    return report


def decide(by: User | None, report: Report, status: str, comment: str, kind: str) -> Report:
    before = snapshot(report)
    report.status = status
    report.decided_at = timezone.now()
    report.decided_by = by
    report.comment = comment
    report.save(update_fields=["status", "decided_at", "decided_by", "comment"])
    audit_updated(actor=by, obj=report, before=before)
    append(report.mutual_id, events.report_decided(report, kind), by)
    return report


def locked(report: Report, by: User | None) -> Report:
    """The report as it stands, locked until the end of the transaction (two officers deciding
    at once: the second sees the first's decision)."""
    mutual = Organisation.objects.get(pk=report.mutual_id)
    require_decider(by, mutual, "report")
    return Report.objects.select_for_update().get(pk=report.pk)


def require_status(report: Report, status: str, message: str) -> None:
    if report.status != status:
        raise ValidationError({"report": [message]})


@transaction.atomic
def report_accept(*, by: User | None, report: Report, today: datetime.date | None = None) -> Report:
    """Accepts a submitted report: its figures count from now on, in the mutual's figures and
    every union's above it (worked out again in this transaction)."""
    report = locked(report, by)
    require_status(report, Report.Status.SUBMITTED, _("Only a submitted report is accepted."))
    decide(by, report, Report.Status.ACCEPTED, "", events.REPORT_ACCEPTED)
    compute.refresh([report.mutual_id], today or timezone.localdate())
    return report


@transaction.atomic
def report_return(*, by: User | None, report: Report, comment: str) -> Report:
    """Returns a submitted report to the mutual, saying what to correct."""
    report = locked(report, by)
    require_status(report, Report.Status.SUBMITTED, _("Only a submitted report is returned."))
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what the mutual should correct.")]})
    return decide(by, report, Report.Status.RETURNED, comment.strip(), events.REPORT_RETURNED)


@transaction.atomic
def report_reopen(
    *, by: User | None, report: Report, reason: str, today: datetime.date | None = None
) -> Report:
    """Reopens an accepted report: it is returned to the mutual with the reason, and its
    figures no longer count until it is submitted and accepted again."""
    report = locked(report, by)
    require_status(report, Report.Status.ACCEPTED, _("Only an accepted report is reopened."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for reopening the report.")]})
    decide(by, report, Report.Status.RETURNED, reason.strip(), events.REPORT_REOPENED)
    compute.refresh([report.mutual_id], today or timezone.localdate())
    return report


@transaction.atomic
def target_population_set(
    *,
    by: User | None,
    mutual: Organisation,
    year: int,
    population: int,
    source: str,
    today: datetime.date | None = None,
) -> TargetPopulation:
    """Sets the population a mutual means to cover from `year` on (the denominator of its
    penetration rate, M.5), with where the number comes from (a census, the commune)."""
    require_reporter(by, mutual, "mutual")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= today.year + 1:
        errors["year"] = [
            _("Give a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year + 1}
        ]
    if population <= 0:
        errors["population"] = [_("Give a population of one person or more.")]
    if not source.strip():
        errors["source"] = [_("Say where the number comes from.")]
    if errors:
        raise ValidationError(errors)
    target = TargetPopulation.objects.select_for_update().filter(mutual=mutual, year=year).first()
    if target is None:
        target = TargetPopulation.objects.create(
            mutual=mutual, year=year, population=population, source=source.strip()
        )
        audit_created(actor=by, obj=target)
    else:
        before = snapshot(target)
        target.population, target.source = population, source.strip()
        target.save(update_fields=["population", "source"])
        audit_updated(actor=by, obj=target, before=before)
    append(mutual.pk, events.target_population_set(target, mutual.uid), by)
    compute.refresh([mutual.pk], today)
    return target
