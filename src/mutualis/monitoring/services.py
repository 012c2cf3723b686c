"""Changes to the monitoring made by people (docs/monitoring.md): a union's own alert
thresholds, for itself and the organisations under it; a user's subscription to the alerts'
digest; a development plan. Checked for the acting user's role and
scope and for what is given; audited; nothing written unless all is right."""

from collections.abc import Sequence
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.core.audit import (
    audit_created,
    audit_deleted,
    audit_updated,
    snapshot,
)
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import MONITORING_READERS, PLANNERS, THRESHOLD_SETTERS, UNIONS
from mutualis.federation.services import require_in_scope_as
from mutualis.monitoring.calculator import Inputs
from mutualis.monitoring.catalogue import BY_CODE, Thresholds
from mutualis.monitoring.models import AlertSubscription, Plan, PlanYear, Study, Threshold
from mutualis.monitoring.plans import FIGURES, YearPlanned, plan_errors

# the bounds of a rate in basis points (0 % to 1,000 %), of an average in hundredths
LIMIT = 10_000_000


def threshold_errors(bounds: Thresholds) -> dict[str, list[str]]:
    """Why a set of bounds cannot be: out of range, or a warning beyond its alarm."""
    errors: dict[str, list[str]] = {}
    for name in ("warn_below", "alarm_below", "warn_above", "alarm_above"):
        value = getattr(bounds, name)
        if value is not None and not -LIMIT <= value <= LIMIT:
            errors[name] = [_("Give a value between -100,000 and 100,000.")]
    warn_below, alarm_below = bounds.warn_below, bounds.alarm_below
    warn_above, alarm_above = bounds.warn_above, bounds.alarm_above
    if warn_below is not None and alarm_below is not None and alarm_below > warn_below:
        errors.setdefault("alarm_below", []).append(
            _("The alarm below is a value under the warning below, or the same.")
        )
    if warn_above is not None and alarm_above is not None and alarm_above < warn_above:
        errors.setdefault("alarm_above", []).append(
            _("The alarm above is a value over the warning above, or the same.")
        )
    lows = [v for v in (warn_below, alarm_below) if v is not None]
    highs = [v for v in (warn_above, alarm_above) if v is not None]
    if lows and highs and max(lows) >= min(highs):
        errors.setdefault("warn_above", []).append(_("The bounds above are over the bounds below."))
    return errors


@transaction.atomic
def threshold_set(
    *, by: User | None, union: Organisation, indicator: str, bounds: Thresholds | None
) -> Threshold | None:
    """The union's own thresholds for one indicator, for itself and the organisations under it
    that set none; `bounds` None goes back to those of the union above (or the catalogue's)."""
    require_in_scope_as(by, THRESHOLD_SETTERS, union, "organisation")
    if union.kind not in UNIONS:
        raise ValidationError({"organisation": [_("Thresholds are set by a union.")]})
    if indicator not in BY_CODE:
        raise ValidationError({"indicator": [_("Choose an indicator of the catalogue.")]})
    existing = (
        Threshold.objects.select_for_update()
        .filter(organisation=union, indicator=indicator)
        .first()
    )
    if bounds is None:
        if existing is not None:
            audit_deleted(actor=by, obj=existing)
            existing.delete()
        return None
    errors = threshold_errors(bounds)
    if errors:
        raise ValidationError(errors)
    values = {
        "warn_below": bounds.warn_below,
        "alarm_below": bounds.alarm_below,
        "warn_above": bounds.warn_above,
        "alarm_above": bounds.alarm_above,
    }
    if existing is None:
        created = Threshold.objects.create(organisation=union, indicator=indicator, **values)
        audit_created(actor=by, obj=created)
        return created
    before = snapshot(existing)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save()
    audit_updated(actor=by, obj=existing, before=before)
    return existing


@transaction.atomic
def alerts_subscribe(*, by: User, organisation: Organisation) -> AlertSubscription:
    """The user receives each month the alerts of the organisation by e-mail."""
    require_in_scope_as(by, MONITORING_READERS, organisation, "organisation")
    if not by.email:
        raise ValidationError(
            {"email": [_("Your account has no e-mail address to send the alerts to.")]}
        )
    subscription, created = AlertSubscription.objects.get_or_create(
        user=by, organisation=organisation
    )
    if created:
        audit_created(actor=by, obj=subscription)
    return subscription


@transaction.atomic
def alerts_unsubscribe(*, by: User, organisation: Organisation) -> None:
    """The user no longer receives the organisation's alerts."""
    require_in_scope_as(by, MONITORING_READERS, organisation, "organisation")
    for subscription in AlertSubscription.objects.filter(user=by, organisation=organisation):
        audit_deleted(actor=by, obj=subscription)
        subscription.delete()


@transaction.atomic
def plan_record(
    *, by: User | None, organisation: Organisation, name: str, years: Sequence[YearPlanned]
) -> Plan:
    """A new plan of the organisation (a mutual's, or a union's)."""
    require_in_scope_as(by, PLANNERS, organisation, "organisation")
    if organisation.kind == Organisation.Kind.SUPPORT_STRUCTURE:
        raise ValidationError({"organisation": [_("A plan is a mutual's or a union's.")]})
    errors = plan_errors(years)
    if not name.strip():
        errors["name"] = [_("Name the plan.")]
    if errors:
        raise ValidationError(errors)
    plan = Plan.objects.create(organisation=organisation, name=name.strip(), created_by=by)
    audit_created(actor=by, obj=plan)
    for planned in sorted(years, key=lambda y: y.year):
        row = PlanYear.objects.create(
            plan=plan, **{"year": planned.year, **{n: getattr(planned, n) for n in FIGURES}}
        )
        audit_created(actor=by, obj=row)
    return plan


@transaction.atomic
def study_save(*, by: User | None, organisation: Organisation, name: str, inputs: Inputs) -> Study:
    """Keeps a contribution study's inputs under a name, to open it again."""
    require_in_scope_as(by, PLANNERS, organisation, "organisation")
    if not name.strip():
        raise ValidationError({"name": [_("Name the study to keep it.")]})
    study = Study.objects.create(
        organisation=organisation, name=name.strip(), inputs=asdict(inputs), created_by=by
    )
    audit_created(actor=by, obj=study)
    return study
