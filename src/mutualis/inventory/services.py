"""The only writers of the inventory (issue 16, docs/inventory.md).

A mutual's entry and its records are written by whoever keeps it: the mutual's manager, or an
officer of a union or a support structure whose scope holds the entry's steward. The country's
focal point validates a record, returns it with a comment, or reopens a validated one (which
then changes no more until reopened). The system administrator designates the focal points.
Each service checks the acting user's role and scope for every row it is handed, refuses
impossible figures with the field and the rule, writes nothing unless all is right, records
the audit trail and appends its event to the steward's log, in one transaction."""

import datetime
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.audit import (
    audit_created,
    audit_deleted,
    audit_record,
    audit_updated,
    changes_between,
    snapshot,
)
from mutualis.core.events import append
from mutualis.core.models import AuditEntry
from mutualis.federation.iso import is_country_code, is_currency_code
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Kind, Role
from mutualis.federation.services import require_in_scope_as, require_role
from mutualis.inventory import events
from mutualis.inventory.choices import (
    LegalStatus,
    Level,
    MutualType,
    Period,
    Service,
    State,
    Status,
    Tool,
)
from mutualis.inventory.models import Entry, FocalPoint, Record
from mutualis.inventory.queries import monitoring_figures
from mutualis.inventory.rules import (
    FIGURES,
    FIRST_YEAR,
    FOCAL_POINT_DESIGNATORS,
    RECORD_KEEPERS,
    VALIDATORS,
    record_errors,
)
from mutualis.monitoring.rules import tolerance_bp


@dataclass(frozen=True)
class Identity:
    """Who a mutual of the inventory is."""

    name: str
    country: str
    mutual_type: str
    place: str = ""
    founded_on: datetime.date | None = None
    legal_status: str = ""
    registration: str = ""
    networks: str = ""
    supporters: str = ""


@dataclass(frozen=True)
class Year:
    """What a record says of a mutual's year; None: not given."""

    status: str
    currency: str
    members: int | None = None
    beneficiaries: int | None = None
    women_members: int | None = None
    target_population: int | None = None
    services: tuple[str, ...] = ()
    level: str = ""
    coverage_rate: int | None = None
    hospital_coverage_rate: int | None = None
    contribution: int | None = None
    contribution_period: str = ""
    registration_fee: int | None = None
    waiting_days: int | None = None
    contributions_due: int | None = None
    contributions_collected: int | None = None
    benefits_paid: int | None = None
    subsidies: int | None = None
    reserves: int | None = None
    providers: int | None = None
    provider_names: str = ""
    tools: tuple[str, ...] = field(default=())


def identity_errors(identity: Identity, today: datetime.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not identity.name.strip():
        errors["name"] = [_("Give the mutual's name.")]
    if not is_country_code(identity.country):
        errors["country"] = [_("Choose a country.")]
    if identity.mutual_type not in MutualType.values:
        errors["mutual_type"] = [_("Choose the type of mutual.")]
    if identity.legal_status and identity.legal_status not in LegalStatus.values:
        errors["legal_status"] = [_("Choose a legal status of the list.")]
    if identity.founded_on is not None and identity.founded_on > today:
        errors["founded_on"] = [_("A mutual is created on a day that has come.")]
    return errors


def require_keeper(by: User | None, entry: Entry, field: str) -> None:
    steward = Organisation.objects.get(pk=entry.steward_id)
    require_in_scope_as(by, RECORD_KEEPERS, steward, field)


def require_focal_point(by: User | None, country: str, field: str) -> None:
    """An officer designated focal point of the country; the system acts for anyone."""
    require_role(by, VALIDATORS, field)
    if by is not None and not FocalPoint.objects.filter(user=by, country=country).exists():
        raise ValidationError(
            {field: [_("Only a focal point of the country validates its records.")]}
        )


def require_linkable(by: User | None, organisation: Organisation, entry: Entry | None) -> None:
    require_in_scope_as(by, RECORD_KEEPERS, organisation, "organisation")
    if organisation.kind != Kind.MUTUAL:
        raise ValidationError({"organisation": [_("Only a mutual is inventoried.")]})
    taken = Entry.objects.filter(organisation=organisation)
    if entry is not None:
        taken = taken.exclude(pk=entry.pk)
    if taken.exists():
        raise ValidationError({"organisation": [_("This mutual is already in the inventory.")]})


@transaction.atomic
def entry_create(
    *,
    by: User | None,
    steward: Organisation,
    identity: Identity,
    organisation: Organisation | None = None,
    today: datetime.date | None = None,
) -> Entry:
    """Adds a mutual to the inventory, kept by `steward` (the mutual itself, its union or a
    support structure); `organisation` when the mutual runs Mutualis."""
    require_in_scope_as(by, RECORD_KEEPERS, steward, "steward")
    if organisation is not None:
        require_linkable(by, organisation, None)
    if (
        by is not None
        and Role.UNION_OFFICER not in by.roles
        and (organisation is None or organisation.pk != by.organisation_id)
    ):
        # the other mutuals of the inventory are kept by their unions and support structures
        raise ValidationError(
            {"organisation": [_("A mutual's manager adds their own mutual to the inventory.")]}
        )
    errors = identity_errors(identity, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    entry = Entry(steward=steward, organisation=organisation, **cleaned(identity))
    entry.full_clean()
    entry.save()
    audit_created(actor=by, obj=entry)
    organisation_uid = organisation.uid if organisation is not None else None
    append(steward.pk, events.entry_created(entry, organisation_uid), by)
    return entry


def cleaned(identity: Identity) -> dict[str, object]:
    values = asdict(identity)
    for name in ("name", "place", "registration", "networks", "supporters"):
        values[name] = str(values[name]).strip()
    return values


@transaction.atomic
def entry_update(
    *, by: User | None, entry: Entry, identity: Identity, today: datetime.date | None = None
) -> Entry:
    """Changes who the mutual is (its name, place, status, networks…)."""
    require_keeper(by, entry, "entry")
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    errors = identity_errors(identity, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    before = snapshot(entry)
    for name, value in cleaned(identity).items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    changes = changes_between(before, snapshot(entry))
    if changes:
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, obj=entry, changes=changes)
        append(entry.steward_id, events.entry_changed(entry, changes), by)
    return entry


def year_errors(year: int, facts: Year, today: datetime.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= today.year:
        errors["year"] = [
            _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year}
        ]
    if facts.status not in Status.values:
        errors["status"] = [_("Choose where the mutual stands this year.")]
    if not is_currency_code(facts.currency):
        errors["currency"] = [_("Choose the currency of the amounts.")]
    if facts.level and facts.level not in Level.values:
        errors["level"] = [_("Choose a level of care of the list.")]
    if facts.contribution_period and facts.contribution_period not in Period.values:
        errors["contribution_period"] = [_("Choose a period of the list.")]
    if not set(facts.services) <= set(Service.values):
        errors["services"] = [_("Choose services of the list.")]
    if not set(facts.tools) <= set(Tool.values):
        errors["tools"] = [_("Choose tools of the list.")]
    figures = {name: getattr(facts, name) for name in FIGURES}
    for name, message in record_errors(
        figures, tolerance=tolerance_bp(), contribution_period=facts.contribution_period
    ):
        errors.setdefault(name, []).append(message)
    return errors


@transaction.atomic
def record_save(
    *, by: User | None, entry: Entry, year: int, facts: Year, today: datetime.date | None = None
) -> Record:
    """Fills or updates the mutual's record of `year` and sends it to the country's focal
    point. A validated record must be reopened first. A figure equal to the monitoring's for
    the year (a mutual that runs Mutualis) is marked as pre-filled."""
    require_keeper(by, entry, "entry")
    today = today or timezone.localdate()
    errors = year_errors(year, facts, today)
    if errors:
        raise ValidationError(errors)
    record = Record.objects.select_for_update().filter(entry=entry, year=year).first()
    if record is not None and record.state == State.VALIDATED:
        raise ValidationError(
            {
                "year": [
                    _(
                        "The record of this year is validated: the focal point reopens it "
                        "before it changes."
                    )
                ]
            }
        )
    known = monitoring_figures(entry.organisation_id, year) if entry.organisation_id else {}
    values = {
        **asdict(facts),
        "services": sorted(set(facts.services)),
        "tools": sorted(set(facts.tools)),
        "provider_names": facts.provider_names.strip(),
        "prefilled": sorted(n for n, v in known.items() if getattr(facts, n) == v),
        "state": State.SUBMITTED,
        "saved_at": timezone.now(),
        "saved_by": by,
        "decided_at": None,
        "decided_by": None,
        "comment": "",
    }
    if record is None:
        record = Record(entry=entry, year=year, **values)
        record.full_clean()
        record.save()
        audit_created(actor=by, obj=record)
    else:
        before = snapshot(record)
        for name, value in values.items():
            setattr(record, name, value)
        record.full_clean()
        record.save()
        audit_updated(actor=by, obj=record, before=before)
    figures = {name: getattr(facts, name) for name in FIGURES}
    append(entry.steward_id, events.record_saved(record, entry.uid, figures), by)
    return record


def decide(by: User | None, record: Record, state: str, comment: str, kind: str) -> Record:
    entry = Entry.objects.get(pk=record.entry_id)
    require_focal_point(by, entry.country, "record")
    record = Record.objects.select_for_update().get(pk=record.pk)
    wanted = State.VALIDATED if kind == events.RECORD_REOPENED else State.SUBMITTED
    if record.state != wanted:
        message = (
            _("Only a validated record is reopened.")
            if kind == events.RECORD_REOPENED
            else _("Only a record waiting for validation is validated or returned.")
        )
        raise ValidationError({"record": [message]})
    before = snapshot(record)
    record.state = state
    record.decided_at = timezone.now()
    record.decided_by = by
    record.comment = comment
    record.save(update_fields=["state", "decided_at", "decided_by", "comment"])
    audit_updated(actor=by, obj=record, before=before)
    append(entry.steward_id, events.record_decided(record, entry.uid, kind), by)
    return record


@transaction.atomic
def record_validate(*, by: User | None, record: Record) -> Record:
    """The focal point validates a record: it counts in the synthesis and the open data, and
    changes no more until reopened."""
    return decide(by, record, State.VALIDATED, "", events.RECORD_VALIDATED)


@transaction.atomic
def record_return(*, by: User | None, record: Record, comment: str) -> Record:
    """The focal point returns a record to whoever keeps it, saying what to correct."""
    if not comment.strip():
        entry = Entry.objects.get(pk=record.entry_id)
        require_focal_point(by, entry.country, "record")
        raise ValidationError({"comment": [_("Say what should be corrected.")]})
    return decide(by, record, State.RETURNED, comment.strip(), events.RECORD_RETURNED)


@transaction.atomic
def record_reopen(*, by: User | None, record: Record, reason: str) -> Record:
    """The focal point reopens a validated record, with the reason: it leaves the synthesis
    and may change until validated again."""
    if not reason.strip():
        entry = Entry.objects.get(pk=record.entry_id)
        require_focal_point(by, entry.country, "record")
        raise ValidationError({"reason": [_("Give the reason for reopening the record.")]})
    return decide(by, record, State.RETURNED, reason.strip(), events.RECORD_REOPENED)


@transaction.atomic
def focal_point_designate(*, by: User | None, user: User, country: str) -> FocalPoint:
    """Designates an officer of a union or a support structure focal point of a country."""
    require_in_scope_as(by, FOCAL_POINT_DESIGNATORS, user.organisation, "user")
    if Role.UNION_OFFICER not in user.roles:
        raise ValidationError(
            {"user": [_("A focal point is an officer of a union or a support structure.")]}
        )
    if not is_country_code(country):
        raise ValidationError({"country": [_("Choose a country.")]})
    existing = FocalPoint.objects.filter(user=user, country=country).first()
    if existing is not None:
        return existing
    focal_point = FocalPoint.objects.create(
        user=user, country=country, designated_at=timezone.now()
    )
    audit_created(actor=by, obj=focal_point)
    return focal_point


@transaction.atomic
def focal_point_remove(*, by: User | None, focal_point: FocalPoint) -> None:
    """The user is no longer the country's focal point."""
    user = User.objects.select_related("organisation").get(pk=focal_point.user_id)
    require_in_scope_as(by, FOCAL_POINT_DESIGNATORS, user.organisation, "focal_point")
    audit_deleted(actor=by, obj=focal_point)
    focal_point.delete()
