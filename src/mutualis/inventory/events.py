"""The events of the inventory, in the log of the organisation that keeps the mutual's entry
(its steward: the mutual itself, its union or a support structure), in the transaction of the
change, version 1:

- `inventory.entry_created`, about the entry: {"entry", "name", "country", "organisation"}
  (`organisation`: the uid of the mutual's organisation in Mutualis, or null);
- `inventory.entry_changed`, about the entry: {"entry", "changes"} (field → [before, after]);
- `inventory.record_saved`, about the record: {"entry", "year", "status", "figures",
  "prefilled"} (the figures as field → integer or null);
- `inventory.record_validated`, about the record: {"entry", "year"};
- `inventory.record_returned`, about the record: {"entry", "year", "comment"};
- `inventory.record_reopened`, about the record: {"entry", "year", "reason"}.

A record is saved again after it is returned, so a record's uid names several events; each
entry has exactly one `inventory.entry_created` (its trace).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.inventory.models import Entry, Record

ENTRY_CREATED = "inventory.entry_created"
ENTRY_CHANGED = "inventory.entry_changed"
RECORD_SAVED = "inventory.record_saved"
RECORD_VALIDATED = "inventory.record_validated"
RECORD_RETURNED = "inventory.record_returned"
RECORD_REOPENED = "inventory.record_reopened"


def entry_created(entry: Entry, organisation_uid: Any) -> NewEvent:
    return NewEvent(
        ENTRY_CREATED,
        entry.uid,
        {
            "entry": str(entry.uid),
            "name": entry.name,
            "country": entry.country,
            "organisation": str(organisation_uid) if organisation_uid else None,
        },
    )


def entry_changed(entry: Entry, changes: dict[str, list[Any]]) -> NewEvent:
    return NewEvent(ENTRY_CHANGED, entry.uid, {"entry": str(entry.uid), "changes": changes})


def record_saved(record: Record, entry_uid: Any, figures: dict[str, int | None]) -> NewEvent:
    return NewEvent(
        RECORD_SAVED,
        record.uid,
        {
            "entry": str(entry_uid),
            "year": record.year,
            "status": record.status,
            "figures": figures,
            "prefilled": list(record.prefilled),
        },
    )


def record_decided(record: Record, entry_uid: Any, kind: str) -> NewEvent:
    payload: dict[str, Any] = {"entry": str(entry_uid), "year": record.year}
    if kind == RECORD_RETURNED:
        payload["comment"] = record.comment
    elif kind == RECORD_REOPENED:
        payload["reason"] = record.comment
    return NewEvent(kind, record.uid, payload)


KINDS = [
    Kind(ENTRY_CREATED, _("Mutual added to the inventory")),
    Kind(ENTRY_CHANGED, _("Inventory entry changed"), Entry),
    Kind(RECORD_SAVED, _("Inventory record saved")),
    Kind(RECORD_VALIDATED, _("Inventory record validated")),
    Kind(RECORD_RETURNED, _("Inventory record returned")),
    Kind(RECORD_REOPENED, _("Inventory record reopened")),
]

TRACES = [Trace("inventory entries", Entry.objects.all, (ENTRY_CREATED,))]
