"""The audit trail read from the event log (issue 13, part 3): for one organisation, who did
what and when, one entry per event — so one per claim of a batch of 200,000, one per household
of an import — each naming its subject by uid, with the values before and after for a change
and the figures that matter (amounts, dates, numbers) for the rest.

Apps declare in their `events.py` what each kind is called (`KINDS = [Kind(...)]`), and for a
kind whose payload carries `changes`, the model whose fields they are, so that a change reads
"changed the first name from Awa to Awa Marie". Nothing here reads an app's tables.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualis.core.declarations import declared_by_apps
from mutualis.core.formats import format_amount, format_date
from mutualis.core.history import (
    TECHNICAL_FIELDS,
    actor_name,
    change_part,
    field_label,
    field_of,
    readable,
    when,
)
from mutualis.core.models import Event

PAGE = 50

# The payload's figures worth showing, in this order; the others (uids, lists) are for machines.
AMOUNTS = {
    "amount": _("amount"),
    "total": _("total"),
    "asked": _("amount asked"),
    "mutual_share": _("paid by the mutual"),
    "member_share": _("owed by the member"),
    "provider_loss": _("not billable"),
    "cap": _("ceiling"),
}
DATES = {
    "received_on": _("received on"),
    "paid_on": _("paid on"),
    "enrolled_on": _("enrolled on"),
    "service_from": _("care from"),
    "period_start": _("period from"),
    "recognised_on": _("recognised on"),
    "left_on": _("left on"),
    "resigned_on": _("resigned on"),
    "cancelled_on": _("cancelled on"),
    "issued_on": _("issued on"),
    "due_on": _("to be paid by"),
    "valid_from": _("valid from"),
    "valid_until": _("valid until"),
    "on": _("effective date"),
}
TEXTS = {
    "number": _("number"),
    "receipt_number": _("receipt number"),
    "member_number": _("member number"),
    "code": _("code"),
    "name": _("name"),
    "reference": _("reference"),
    "reason": _("reason"),
}


@dataclass(frozen=True)
class Kind:
    """What an event of `kind` is called in the journal; `model`: whose fields its payload's
    `changes` are."""

    kind: str
    label: str | Promise
    model: type[models.Model] | None = None


@cache
def kinds() -> dict[str, Kind]:
    return {declared.kind: declared for declared in declared_by_apps("events", "KINDS")}


@dataclass(frozen=True)
class Entry:
    sequence: int
    at: datetime.datetime
    moment: str  # "5 December 2026 at 10:14", in the reader's language
    actor: str
    what: str
    subject: uuid.UUID
    details: list[tuple[str, str]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def details_of(payload: dict[str, Any], currency: str) -> list[tuple[str, str]]:
    shown = []
    for key, label in AMOUNTS.items():
        if isinstance(payload.get(key), int):
            shown.append((str(label), format_amount(payload[key], currency)))
    for key, label in DATES.items():
        if isinstance(payload.get(key), str) and payload[key]:
            try:
                day = datetime.date.fromisoformat(payload[key])
            except ValueError:
                continue
            shown.append((str(label), format_date(day)))
    for key, label in TEXTS.items():
        if payload.get(key) not in (None, ""):
            shown.append((str(label), str(payload[key])))
    return shown


def changes_of(
    payload: dict[str, Any], model: type[models.Model] | None, currency: str
) -> list[str]:
    changes = payload.get("changes")
    if not isinstance(changes, dict):
        return []
    told = []
    for name, values in changes.items():
        if name in TECHNICAL_FIELDS or not (isinstance(values, list) and len(values) == 2):
            continue
        found = field_of(model, name) if model else None
        if found is not None and found.is_relation:
            continue  # an id means nothing to a reader; the page of the row tells it by name
        before, after = (readable(value, found, names={}, currency=currency) for value in values)
        label = field_label(model, name) if model else name
        told.append(change_part(label, before, after, hidden=False))
    return told


def journal(
    organisation_id: int,
    *,
    currency: str = "",
    before: int | None = None,
    kind: str = "",
    subject: uuid.UUID | None = None,
    limit: int = PAGE,
) -> list[Entry]:
    """The organisation's events, newest first: those numbered below `before`, of one kind, or
    about one subject when asked."""
    events = Event.objects.filter(organisation_id=organisation_id)
    if before is not None:
        events = events.filter(sequence__lt=before)
    if kind:
        events = events.filter(kind=kind)
    if subject is not None:
        events = events.filter(subject=subject)
    rows = list(events.order_by("-sequence")[:limit])
    users = get_user_model()._default_manager.in_bulk({e.actor_id for e in rows if e.actor_id})
    known = kinds()
    entries = []
    for event in rows:
        declared = known.get(event.kind)
        entries.append(
            Entry(
                sequence=event.sequence,
                at=event.at,
                moment=gettext("%(date)s at %(time)s") % when(event.at),
                actor=actor_name(users.get(event.actor_id)),
                what=str(declared.label) if declared else event.kind,
                subject=event.subject,
                details=details_of(event.payload, currency),
                changes=changes_of(event.payload, declared.model if declared else None, currency),
            )
        )
    return entries


def kind_choices() -> Sequence[tuple[str, str]]:
    return sorted(((k.kind, str(k.label)) for k in kinds().values()), key=lambda c: c[1])
