"""`mutualis check-events`: does the event log tell what the tables hold? (issue 13)

Every app declares in its `events.py` the traces its changes leave (`TRACES`): each row of a
set has exactly one event of given kinds about it, and each such event is about one of those
rows. A change and its events are written in one transaction, so after any crash both are there
or neither; a difference means a writer forgot its events, or someone wrote to the tables
behind the application's back. The numbering is checked too: each organisation's log runs
from 1 to the last number given, without a gap.
"""

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min, QuerySet

from mutualis.core.consumers import as_uuid
from mutualis.core.declarations import declared_by_apps
from mutualis.core.models import Event, EventSequence
from mutualis.core.sql import table

# how many differences of each kind a report names; the counts are always complete
SHOWN = 5


def own_subject(subject: uuid.UUID, payload: dict[str, Any]) -> Iterable[uuid.UUID]:
    return (subject,)


@dataclass(frozen=True)
class Trace:
    """Each row of `rows()` (a queryset of the rows concerned) has exactly one event of `kinds`
    naming it, and every event of `kinds` names one of them. `subjects` says which rows an
    event names (its subject by default; an enrolment names its members too)."""

    label: str
    rows: Callable[[], QuerySet[Any]]
    kinds: tuple[str, ...]
    subjects: Callable[[uuid.UUID, dict[str, Any]], Iterable[uuid.UUID]] = own_subject
    needs_payload: bool = False


@dataclass
class Difference:
    label: str
    without_event: list[uuid.UUID] = field(default_factory=list)
    without_row: list[uuid.UUID] = field(default_factory=list)
    repeated: list[uuid.UUID] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.without_event or self.without_row or self.repeated)


def declared() -> list[Trace]:
    return declared_by_apps("events", "TRACES")


def named_by(trace: Trace) -> Counter[uuid.UUID]:
    named: Counter[uuid.UUID] = Counter()
    columns = "subject, payload" if trace.needs_payload else "subject, NULL"
    marks = ", ".join(["%s"] * len(trace.kinds))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table(Event)} WHERE kind IN ({marks})", list(trace.kinds)
        )
        for subject, payload in cursor:
            data = json.loads(payload) if isinstance(payload, str) else payload or {}
            named.update(trace.subjects(as_uuid(subject), data))
    return named


def compare(trace: Trace) -> Difference:
    rows = {as_uuid(uid) for uid in trace.rows().values_list("uid", flat=True)}
    named = named_by(trace)
    return Difference(
        trace.label,
        without_event=sorted(rows - named.keys()),
        without_row=sorted(named.keys() - rows),
        repeated=sorted(uid for uid, times in named.items() if times > 1 and uid in rows),
    )


@dataclass(frozen=True)
class Gap:
    organisation_id: int
    events: int
    first: int | None
    last: int | None
    numbered: int


def gaps() -> list[Gap]:
    """Organisations whose log does not run 1, 2, … up to the last number given."""
    given = dict(EventSequence.objects.values_list("organisation_id", "last"))
    found = []
    logged = Event.objects.values("organisation_id").annotate(
        events=Count("pk"), first=Min("sequence"), last=Max("sequence")
    )
    seen = set()
    for log in logged:
        organisation_id = log["organisation_id"]
        seen.add(organisation_id)
        numbered = given.get(organisation_id, 0)
        if not (log["first"] == 1 and log["last"] == log["events"] == numbered):
            found.append(Gap(organisation_id, log["events"], log["first"], log["last"], numbered))
    found.extend(
        Gap(organisation_id, 0, None, None, numbered)
        for organisation_id, numbered in given.items()
        if numbered and organisation_id not in seen
    )
    return found


@dataclass
class Report:
    differences: list[Difference]
    gaps: list[Gap]

    def __bool__(self) -> bool:
        """True when the log and the tables agree."""
        return not self.gaps and not any(self.differences)


def check(traces: list[Trace] | None = None) -> Report:
    return Report([compare(trace) for trace in traces or declared()], gaps())
