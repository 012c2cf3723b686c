"""The audit trail: services record every change of business data here (design-rules.md rule 5)."""

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import AuditEntry

Snapshot = dict[str, Any]
Changes = dict[str, list[Any]]

# Secrets never enter the trail: the service that changes one records that it changed.
HIDDEN_VALUE = "********"
HIDDEN_FIELDS = frozenset({"password"})


def as_json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> Snapshot:
    """The values of an object's concrete fields, as they would be stored (foreign keys as ids)."""
    values = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        values[field.name] = HIDDEN_VALUE if field.name in HIDDEN_FIELDS else as_json_value(value)
    return values


def changes_between(before: Snapshot, after: Snapshot) -> Changes:
    """Each field whose value differs, as [before, after]; a field missing on one side is None."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }


def audit_record(*, actor: Any, action: str, obj: models.Model, changes: Changes) -> AuditEntry:
    """Add one entry to the trail. `actor` is the user who made the change (None for the system)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:255],
        changes=changes,
    )


def audit_created(*, actor: Any, obj: models.Model) -> AuditEntry:
    return audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=obj,
        changes=changes_between({}, snapshot(obj)),
    )


def audit_updated(*, actor: Any, obj: models.Model, before: Snapshot) -> AuditEntry:
    """Records what changed in `obj` since `before`, its snapshot taken before the change."""
    return audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=obj,
        changes=changes_between(before, snapshot(obj)),
    )


def audit_deleted(*, actor: Any, obj: models.Model) -> AuditEntry:
    """Records what `obj` held, before the caller deletes it (a setting, never a record)."""
    return audit_record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        obj=obj,
        changes=changes_between(snapshot(obj), {}),
    )


def audit_trail(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """The entries of one object, newest first, with their actors."""
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


# Names the services record in the trail that are not fields of the model.
RECORDED_NAMES = {"roles": _("roles"), "on": _("effective date"), "backdated": _("back-dated")}
