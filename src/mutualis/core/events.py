"""The event log (issue 13): what happened in each organisation's operations, in order.

A service appends the events of its change in the same transaction (`append`, or `append_all`
for a bulk path); numbers follow one another per organisation without gaps, since a rolled-back
change takes its numbers back with it. Events are never updated or deleted: the database refuses
it (migration core 0004). A payload carries what a reader needs without reading the tables back:
amounts by part and payer, dates, the parties' uids, as JSON values (integers, ISO dates, uid
strings).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mutualis.core import bulk
from mutualis.core.ids import new_bulk_uid
from mutualis.core.models import Event, EventSequence


@dataclass(frozen=True)
class NewEvent:
    kind: str
    subject: uuid.UUID
    payload: dict[str, Any] = field(default_factory=dict)
    version: int = 1


def numbers_take(organisation_id: int, count: int) -> int:
    """Reserves `count` numbers of an organisation's log and returns the first. Must run in the
    transaction of the change: the row lock queues the organisation's writers until it ends."""
    EventSequence.objects.get_or_create(organisation_id=organisation_id)
    sequence = EventSequence.objects.select_for_update().get(organisation_id=organisation_id)
    EventSequence.objects.filter(pk=sequence.pk).update(last=F("last") + count)
    return sequence.last + 1


def append_all(organisation_id: int, events: Sequence[NewEvent], actor: Any = None) -> range:
    """Appends events to an organisation's log, numbered in the order given; returns their
    numbers. Written by `core.bulk.insert`, so that a batch of 200,000 claims logs its events
    for a fraction of what the claims cost."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are appended in the transaction of the change they record")
    if not events:
        return range(0)
    first = numbers_take(organisation_id, len(events))
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    bulk.insert(
        Event,
        FIELDS,
        (
            (
                new_bulk_uid(),
                organisation_id,
                first + offset,
                now,
                actor_id,
                event.kind,
                event.version,
                event.subject,
                event.payload,
            )
            for offset, event in enumerate(events)
        ),
    )
    return range(first, first + len(events))


FIELDS = (
    "uid",
    "organisation_id",
    "sequence",
    "at",
    "actor",
    "kind",
    "version",
    "subject",
    "payload",
)


def append(organisation_id: int, event: NewEvent, actor: Any = None) -> int:
    """Appends one event; returns its number in the organisation's log."""
    return append_all(organisation_id, [event], actor)[0]
