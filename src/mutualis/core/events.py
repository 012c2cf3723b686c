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


def append_all(organisation_id: int, events: Sequence[NewEvent], actor: Any = None) -> list[Event]:
    """Appends events to an organisation's log, numbered in the order given."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are appended in the transaction of the change they record")
    if not events:
        return []
    first = numbers_take(organisation_id, len(events))
    now = timezone.now()
    return Event.objects.bulk_create(
        [
            Event(
                organisation_id=organisation_id,
                sequence=first + offset,
                at=now,
                actor=actor if getattr(actor, "pk", None) else None,
                kind=event.kind,
                version=event.version,
                subject=event.subject,
                payload=event.payload,
            )
            for offset, event in enumerate(events)
        ],
        batch_size=2000,
    )


def append(organisation_id: int, event: NewEvent, actor: Any = None) -> Event:
    return append_all(organisation_id, [event], actor)[0]
