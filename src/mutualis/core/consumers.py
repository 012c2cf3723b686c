"""Consumers of the event log (issue 13): the books, the indicators, the sync and the messages
learn what happened by reading each organisation's log in order, never by calling into the apps
that wrote it.

An app declares `CONSUMERS = [Consumer(...)]` in its `consumers.py`; `mutualis work` runs them.
A consumer keeps a cursor per organisation (core.models.Cursor), moved in the same transaction
as what it wrote for the events it read: killed at any point, it starts again after the last
event whose effects were kept, and so handles each event once. A consumer that acts outside the
database (an e-mail, an SMS) names what it did by the event's uid, so that doing it again after
a crash can be recognised.

When handling an event fails, everything done for it is rolled back, the cursor stays on the
event before, and the error is recorded with the event's number; that organisation waits
there, the others go on, and the next run tries the event again (after the fix).

A consumer with much to work out before it writes (the books: five million lines a year for a
national union) splits its work in two: `prepare`, which only reads, and `handle`, which writes
what was prepared. Drained with other processes preparing, the batches are prepared there,
ahead, while this one writes them in order, each in the transaction that moves the cursor;
`handle` raises `Stale` when what the preparing read has changed since, and the batch is
prepared again inside the transaction.
"""

import datetime
import multiprocessing
import threading
import traceback
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise

from mutualis.core.bulk import collector_paused
from mutualis.core.declarations import declared_by_apps
from mutualis.core.models import Cursor, Event, EventSequence
from mutualis.core.sql import table

# Events read per transaction: large enough that a consumer with little to do reads hundreds of
# thousands a second, small enough that the worker never holds a long write lock.
BATCH = 2000
# batches prepared ahead of the writing, per preparing process: what waits holds a batch's rows
PREPARED_AHEAD = 4


class Logged:
    """An event as a consumer reads it; the payload, uid, subject and time are decoded when
    first read, so that events a consumer passes over cost almost nothing. `stored_uid` and
    `stored_subject` are the uid and subject as the database gives them (32 hexadecimal digits
    on SQLite, a uuid on PostgreSQL), for a consumer that only writes them back with
    core.bulk.insert: decoding a uid costs a microsecond, a tenth of the books' Python a line.

    Plain properties caching in slots rather than functools.cached_property, which takes a lock
    on every read before Python 3.12: the books read three of them per event."""

    __slots__ = (
        "_at",
        "_decoded",
        "_moment",
        "_payload",
        "_subject",
        "_uid",
        "actor_id",
        "kind",
        "organisation_id",
        "sequence",
        "stored_subject",
        "stored_uid",
        "version",
    )

    def __init__(self, organisation_id: int, row: Sequence[Any]):
        self.organisation_id = organisation_id
        (
            self.sequence,
            self.stored_uid,
            self._at,
            self.actor_id,
            self.kind,
            self.version,
            self.stored_subject,
            self._payload,
        ) = row
        self._uid: uuid.UUID | None = None
        self._subject: uuid.UUID | None = None
        self._moment: datetime.datetime | None = None
        self._decoded: dict[str, Any] | None = None

    @property
    def uid(self) -> uuid.UUID:
        if self._uid is None:
            self._uid = as_uuid(self.stored_uid)
        return self._uid

    @property
    def subject(self) -> uuid.UUID:
        if self._subject is None:
            self._subject = as_uuid(self.stored_subject)
        return self._subject

    @property
    def at(self) -> datetime.datetime:
        if self._moment is None:
            self._moment = moment(self._at)
        return self._moment

    @property
    def payload(self) -> dict[str, Any]:
        if self._decoded is None:
            self._decoded = decoded(self._payload)
        return self._decoded

    def __repr__(self) -> str:
        return f"<Logged {self.organisation_id}#{self.sequence} {self.kind}>"


def moment(value: datetime.datetime | str) -> datetime.datetime:
    """A time read by raw SQL, aware: SQLite gives it naive in UTC, or as text."""
    if not isinstance(value, datetime.datetime):
        parsed = parse_datetime(value)
        assert parsed is not None, value
        value = parsed
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def as_read(events: Sequence[Logged]) -> Sequence[Logged]:
    return events


class Stale(Exception):
    """Raised by a consumer's `handle` when what its `prepare` read outside the transaction has
    changed since: the batch is prepared again inside it."""


@dataclass(frozen=True)
class Consumer:
    """`handle` is called with what `prepare` makes of events of `kinds` (every kind when None;
    by default the events themselves), in the order of each organisation's log, inside the
    transaction that moves the cursor: a batch at a time, so that a consumer can write what
    they bring in bulk, or one at a time while a failing event is being found. `prepare` only
    reads: it may run in another process, before the transaction (see above). `each(function)`
    makes a handler of a function of one event. `label`: what the administrator's home calls it
    (its name by default)."""

    name: str
    handle: Callable[[Any], None]
    kinds: frozenset[str] | None = None
    label: str | Promise = ""
    prepare: Callable[[Sequence[Logged]], Any] = as_read

    def wanted(self, events: Sequence[Logged]) -> list[Logged]:
        return [e for e in events if self.kinds is None or e.kind in self.kinds]


def each(handle_one: Callable[[Logged], None]) -> Callable[[Sequence[Logged]], None]:
    def handle(events: Sequence[Logged]) -> None:
        for event in events:
            handle_one(event)

    return handle


def declared() -> list[Consumer]:
    return declared_by_apps("consumers", "CONSUMERS")


@dataclass
class Run:
    handled: int = 0
    read: int = 0
    failed: int = 0  # organisations stopped on a failing event
    prepared: int = 0  # batches prepared in other processes and handled so


def read_after(
    organisation_id: int, position: int, limit: int, until: int | None = None
) -> list[Logged]:
    """The next `limit` events after `position` (and up to `until`)."""
    bound = "" if until is None else " AND sequence <= %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sequence, uid, at, actor_id, kind, version, subject, payload"
            f" FROM {table(Event)} WHERE organisation_id = %s AND sequence > %s{bound}"
            f" ORDER BY sequence LIMIT %s",
            [organisation_id, position, *([] if until is None else [until]), limit],
        )
        return [Logged(organisation_id, row) for row in cursor.fetchall()]


def kinds_after(
    organisation_id: int, position: int, kinds: Collection[str], limit: int, until: int
) -> list[tuple[int, str, Any]]:
    """The (sequence, kind, payload as stored: `decoded` gives it) of the next events of
    `kinds` after `position` and up to `until`, for a reader of a whole log that needs nothing
    else of them: it reads a third of what `read_after` does (no uid, time or subject, none of
    the other kinds).
    Decoding each payload just before it is used, rather than a batch at once, keeps the
    objects in the processor's cache: it takes a third of the time."""
    if not kinds:
        return []
    marks = ", ".join(["%s"] * len(kinds))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sequence, kind, payload FROM {table(Event)}"
            f" WHERE organisation_id = %s AND sequence > %s AND sequence <= %s"
            f" AND kind IN ({marks}) ORDER BY sequence LIMIT %s",
            [organisation_id, position, until, *sorted(kinds), limit],
        )
        rows: list[tuple[int, str, Any]] = cursor.fetchall()
        return rows


def decoded(payload: dict[str, Any] | str) -> dict[str, Any]:
    """A payload read by raw SQL: text on SQLite, already decoded by some drivers. orjson
    decodes a claim's event in a third of the time of the standard library's parser: the
    consumers reading whole logs spend much of their time here."""
    return payload if isinstance(payload, dict) else orjson.loads(payload)


def behind(consumer: Consumer) -> dict[int, int]:
    """How many events past the consumer's cursor each organisation's log holds, for the logs
    that hold any."""
    positions = dict(
        Cursor.objects.filter(consumer=consumer.name).values_list("organisation_id", "position")
    )
    return {
        organisation_id: last - positions.get(organisation_id, 0)
        for organisation_id, last in EventSequence.objects.values_list("organisation_id", "last")
        if last > positions.get(organisation_id, 0)
    }


def drain(consumer: Consumer, *, batch: int = BATCH, preparing: int = 0) -> Run:
    """Hands every event not yet handled to the consumer; returns what it did. `preparing`:
    how many other processes prepare the batches of a consumer that prepares (see above)."""
    run = Run()
    if preparing > 0 and consumer.prepare is not as_read:
        waiting = behind(consumer)
        # a batch or less is handled sooner here than by starting processes
        if sum(waiting.values()) > batch:
            drain_prepared(consumer, list(waiting), batch, preparing, run)
    for organisation_id in behind(consumer):
        Cursor.objects.get_or_create(consumer=consumer.name, organisation_id=organisation_id)
        while (read := drain_batch(consumer, organisation_id, batch, run)) is not None:
            if read < batch:
                break
        if read is None:
            run.failed += 1
    return run


def drain_batch(consumer: Consumer, organisation_id: int, batch: int, run: Run) -> int | None:
    """Handles the next events of one organisation in one transaction; returns how many were
    read, or None when one failed (recorded on the cursor)."""
    with transaction.atomic():
        cursor = Cursor.objects.select_for_update().get(
            consumer=consumer.name, organisation_id=organisation_id
        )
        events = read_after(organisation_id, cursor.position, batch)
        if not events:
            return 0
        wanted = consumer.wanted(events)
        try:
            # a batch makes hundreds of thousands of objects that live until it ends
            with transaction.atomic(), collector_paused():
                if wanted:
                    consumer.handle(consumer.prepare(wanted))
        except Exception:
            # Rolled back as a whole; handle them again one at a time to keep the good ones
            # and stop on the first that fails.
            return handle_one_by_one(consumer, cursor, events, run)
        move(cursor, events[-1].sequence)
        run.read += len(events)
        run.handled += len(wanted)
        return len(events)


def handle_one_by_one(
    consumer: Consumer, cursor: Cursor, events: list[Logged], run: Run
) -> int | None:
    """Handles the events one at a time: those before the one that fails are kept. Returns how
    many were read, or None when one failed."""
    position = cursor.position
    for event in events:
        if consumer.kinds is None or event.kind in consumer.kinds:
            try:
                with transaction.atomic():
                    consumer.handle(consumer.prepare([event]))
            except Exception:
                Cursor.objects.filter(pk=cursor.pk).update(
                    position=position,
                    failed_at=event.sequence,
                    error=traceback.format_exc(limit=8)[-4000:],
                    failed_since=cursor.failed_since
                    if cursor.failed_at == event.sequence
                    else timezone.now(),
                    updated_at=timezone.now(),
                )
                return None
            run.handled += 1
        run.read += 1
        position = event.sequence
    move(cursor, position)
    return len(events)


class Prepared(NamedTuple):
    """A batch of an organisation's log, the events after `after` up to `until`, as a preparing
    process sends it: how many were read and wanted, and what the consumer made of them (None
    when preparing failed: the drain that follows meets the failure and records it)."""

    organisation_id: int
    after: int
    until: int
    read: int
    wanted: int
    made: Any
    failed: bool = False


def drain_prepared(
    consumer: Consumer, waiting: Collection[int], batch: int, processes: int, run: Run
) -> None:
    """Drains the logs of the organisations `waiting` up to where they end when it begins,
    each batch prepared in one of `processes` others and handled here, in order. What cannot
    be handled so (an organisation whose cursor another worker moved, a batch that fails) is
    left, from there on, to the drain that follows, which handles it as if prepared here."""
    if connection.in_atomic_block:
        raise RuntimeError("batches are prepared by other processes outside a transaction only")
    # where each log ends, read before the cursors: every event up to there is in the log (a
    # batch never reaches past it, to events logged later), and a cursor another worker moved
    # past it leaves nothing to do
    ends = dict(
        EventSequence.objects.filter(organisation_id__in=waiting).values_list(
            "organisation_id", "last"
        )
    )
    for organisation_id in ends:
        Cursor.objects.get_or_create(consumer=consumer.name, organisation_id=organisation_id)
    positions = dict(
        Cursor.objects.filter(consumer=consumer.name).values_list("organisation_id", "position")
    )
    tasks = [
        (organisation_id, after, min(after + batch, last))
        for organisation_id, last in ends.items()
        for after in range(positions[organisation_id], last, batch)
    ]
    # the preparing processes run ahead by so many batches, no more: their rows wait in memory
    ahead = threading.Semaphore(processes * PREPARED_AHEAD)
    stopping = threading.Event()

    def handed_out() -> Iterator[tuple[int, int, int]]:
        for task in tasks:
            ahead.acquire()
            if stopping.is_set():
                return
            yield task

    left: set[int] = set()
    connections.close_all()  # each process opens its own connection: none may inherit this one's
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=prepare_for, initargs=(consumer,)) as pool:
        try:
            for prepared in pool.imap(prepare_apart, handed_out()):
                ahead.release()
                if prepared.organisation_id not in left and not handle_prepared(
                    consumer, prepared, run
                ):
                    left.add(prepared.organisation_id)
        finally:
            # the thread handing out batches may wait for room: it must end for the pool to
            stopping.set()
            ahead.release()


PREPARING: list[Consumer] = []  # in a preparing process, the consumer it prepares for


def prepare_for(consumer: Consumer) -> None:
    PREPARING.append(consumer)


def prepare_apart(task: tuple[int, int, int]) -> Prepared:
    """Reads a batch and prepares it, in a preparing process."""
    (consumer,) = PREPARING
    organisation_id, after, until = task
    events: list[Logged] = []
    try:
        events = read_after(organisation_id, after, until - after, until)
        wanted = consumer.wanted(events)
        made = consumer.prepare(wanted) if wanted else None
        return Prepared(organisation_id, after, until, len(events), len(wanted), made)
    except Exception:
        return Prepared(organisation_id, after, until, len(events), 0, None, failed=True)
    finally:
        connections.close_all()


def handle_prepared(consumer: Consumer, prepared: Prepared, run: Run) -> bool:
    """Handles a prepared batch and moves the cursor past it, in one transaction; False, with
    nothing done, when the cursor is no longer where the batch begins or handling it fails."""
    organisation_id, after, until, read, wanted, made, failed = prepared
    if failed:
        return False
    with transaction.atomic():
        cursor = Cursor.objects.select_for_update().get(
            consumer=consumer.name, organisation_id=organisation_id
        )
        if cursor.position != after:
            return False
        if wanted:
            try:
                with transaction.atomic(), collector_paused():
                    try:
                        with transaction.atomic():
                            consumer.handle(made)
                    except Stale:
                        events = read_after(organisation_id, after, until - after, until)
                        consumer.handle(consumer.prepare(consumer.wanted(events)))
            except Exception:
                return False
        move(cursor, until)
    run.read += read
    run.handled += wanted
    run.prepared += 1
    return True


def move(cursor: Cursor, position: int) -> None:
    Cursor.objects.filter(pk=cursor.pk).update(
        position=position, failed_at=None, error="", failed_since=None, updated_at=timezone.now()
    )


def drain_all(consumers: Sequence[Consumer] | None = None) -> dict[str, Run]:
    return {consumer.name: drain(consumer) for consumer in consumers or declared()}


@dataclass(frozen=True)
class Lag:
    """How far behind the log a consumer is: events not yet handled, the time of the oldest,
    and the organisations stopped on a failing event."""

    consumer: str
    label: str | Promise
    events: int
    oldest: datetime.datetime | None
    failing: list[Cursor]


def lag(consumer: Consumer) -> Lag:
    waiting = behind(consumer)
    oldest = None
    if waiting:
        # from each log's end to its first event waiting, found by the log's own index: read
        # from the events' side, the query walked every event of every log (5 s for 4 million)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT min(e.at) FROM {table(EventSequence)} s"
                f" LEFT JOIN {table(Cursor)} c"
                f" ON c.organisation_id = s.organisation_id AND c.consumer = %s"
                f" JOIN {table(Event)} e ON e.organisation_id = s.organisation_id"
                f" AND e.sequence = coalesce(c.position, 0) + 1"
                f' WHERE s."last" > coalesce(c.position, 0)',
                [consumer.name],
            )
            (first,) = cursor.fetchone()
        oldest = moment(first) if first else None
    failing = list(
        Cursor.objects.filter(consumer=consumer.name, failed_at__isnull=False).order_by(
            F("failed_since").asc(nulls_last=True)
        )
    )
    return Lag(
        consumer.name, consumer.label or consumer.name, sum(waiting.values()), oldest, failing
    )


def lags(consumers: Sequence[Consumer] | None = None) -> list[Lag]:
    return [lag(consumer) for consumer in consumers or declared()]
