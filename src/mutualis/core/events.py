"""The event log (issue 13): what happened in each organisation's operations, in order.

A service appends the events of its change in the same transaction (`append`, or `append_all`
for a bulk path); numbers follow one another per organisation without gaps, since a rolled-back
change takes its numbers back with it. Events are never updated or deleted: the database refuses
it (migration core 0004). A payload carries what a reader needs without reading the tables back:
amounts by part and payer, dates, the parties' uids, as JSON values (integers, ISO dates, uid
strings).
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Sum
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


def logged_so_far() -> int:
    """How many events the logs hold together. A writer that read outside its transaction
    compares it with what it was before reading: the same, nothing it read has changed since,
    provided that what it read is changed only with an event logged (the operations' rule)."""
    return EventSequence.objects.aggregate(total=Sum("last"))["total"] or 0


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
    here = settings.MUTUALIS_INSTALLATION
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
                here,
                first + offset,
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
    "origin",
    "origin_sequence",
)


def append(organisation_id: int, event: NewEvent, actor: Any = None) -> int:
    """Appends one event; returns its number in the organisation's log."""
    return append_all(organisation_id, [event], actor)[0]


def exported(organisation_id: int, after: int = 0, limit: int = 10_000) -> list[dict[str, Any]]:
    """The events of an organisation's log numbered above `after` here, in order, as another
    installation receives them (`receive`): everything but this installation's numbering and
    its users (an actor is named by uid in what travels)."""
    rows = (
        Event.objects.filter(organisation_id=organisation_id, sequence__gt=after)
        .order_by("sequence")
        .select_related("actor")[:limit]
    )
    return [
        {
            "uid": str(event.uid),
            "organisation_id": event.organisation_id,
            "sequence": event.sequence,
            "origin": event.origin,
            "origin_sequence": event.origin_sequence,
            "at": event.at.isoformat(),
            "actor": str(event.actor.uid) if event.actor else None,
            "kind": event.kind,
            "version": event.version,
            "subject": str(event.subject),
            "payload": event.payload,
        }
        for event in rows
    ]


class ForeignLogError(ValueError):
    """Events received that this log cannot take as they are."""


def receive(events: Sequence[dict[str, Any]]) -> int:
    """Appends the events another installation wrote (as `exported` gives them) to this
    installation's logs, numbered here in the order received; those already here (by uid) are
    passed over, so receiving twice changes nothing. Returns how many were new. Refuses events
    of this installation's own origin, or an origin's events out of their order."""
    here = settings.MUTUALIS_INSTALLATION
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are received in one transaction")
    known = set(
        Event.objects.filter(uid__in=[event["uid"] for event in events]).values_list(
            "uid", flat=True
        )
    )
    new = [event for event in events if uuid.UUID(event["uid"]) not in known]
    by_organisation: dict[int, list[dict[str, Any]]] = {}
    for event in new:
        if event["origin"] == here:
            raise ForeignLogError(
                f"event {event['uid']} claims to come from this installation ({here}): two "
                "installations share one code (MUTUALIS_INSTALLATION)"
            )
        by_organisation.setdefault(int(event["organisation_id"]), []).append(event)
    # the actors are named by uid: those with an account here are linked to it
    actors = dict(
        get_user_model()
        ._default_manager.filter(uid__in={e["actor"] for e in new if e.get("actor")})
        .values_list("uid", "pk")
    )
    for organisation_id, received in by_organisation.items():
        check_order(organisation_id, received)
        first = numbers_take(organisation_id, len(received))
        bulk.insert(
            Event,
            FIELDS,
            (
                (
                    uuid.UUID(event["uid"]),
                    organisation_id,
                    first + offset,
                    datetime.datetime.fromisoformat(event["at"]),
                    actors.get(uuid.UUID(event["actor"])) if event.get("actor") else None,
                    event["kind"],
                    int(event["version"]),
                    uuid.UUID(event["subject"]),
                    event["payload"],
                    event["origin"],
                    int(event["origin_sequence"]),
                )
                for offset, event in enumerate(received)
            ),
        )
    return len(new)


def check_order(organisation_id: int, received: list[dict[str, Any]]) -> None:
    """Each origin's events arrive in the order its log holds them, after those already here.
    (Its numbers have gaps where it took in others' events; that nothing was lost on the way
    is for the exchange to tell, by the sender's numbers it asks from.)"""
    last: dict[str, int] = {}
    for event in received:
        origin = event["origin"]
        if origin not in last:
            last[origin] = (
                Event.objects.filter(organisation_id=organisation_id, origin=origin)
                .order_by("-origin_sequence")
                .values_list("origin_sequence", flat=True)
                .first()
                or 0
            )
        if int(event["origin_sequence"]) <= last[origin]:
            raise ForeignLogError(
                f"events of {origin} in the log of {organisation_id}: "
                f"n° {event['origin_sequence']} comes after n° {last[origin]}"
            )
        last[origin] = int(event["origin_sequence"])
