"""`mutualis demo`: one generator per app, run in the order of INSTALLED_APPS.

An app contributes demo data with a module `<app>/demo.py` that defines::

    def add_arguments(parser): ...       # its own options, e.g. --households-per-mutual
    def generate(demo: Demo) -> None: ...  # reads demo.options, demo.rng; shares what later
                                           # generators need in demo.made
    def has_data() -> bool: ...            # demo data goes only into an empty database

Generators write with bulk inserts inside one transaction, and draw every random choice from
`demo.rng`, so the same seed gives the same data on any machine and any database.

They log the very events the services would (core.events), built by their app's `events.py`,
in each organisation's log in date order: a generator writing in bulk queues its events in
`demo.events` with the day each happened (`EventQueue.add`); one writing through the services,
which append at once (claims, settlements), first releases what the queue holds up to the day
it writes at (`EventQueue.flush(until=day)`); the command releases the rest at the end. The
events of a day keep the order they were queued in.
"""

import bisect
import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps

from mutualis.core.events import NewEvent, append_all

# (day, order queued, the event or what builds it, actor)
Queued = tuple[datetime.date, int, NewEvent | Callable[[], NewEvent], Any]


class EventQueue:
    """Events of the demo's bulk writers waiting for their place in their organisation's log.

    `add(organisation_id, day, event)` queues an event, or a function of no argument that
    builds it (built only when released, so that a national register's events are not all held
    at once); `actor` is the user the service would pass (the cashier who recorded a payment)."""

    def __init__(self) -> None:
        self.pending: dict[int, list[Queued]] = defaultdict(list)
        self.ordered: set[int] = set()
        self.queued = 0
        self.appended = 0

    def add(
        self,
        organisation_id: int,
        day: datetime.date,
        event: NewEvent | Callable[[], NewEvent],
        actor: Any = None,
    ) -> None:
        self.pending[organisation_id].append((day, self.queued, event, actor))
        self.ordered.discard(organisation_id)
        self.queued += 1

    def flush(self, until: datetime.date | None = None) -> int:
        """Appends the queued events of every organisation dated `until` or earlier (all of
        them without `until`), in date order; returns how many."""
        written = 0
        for organisation_id in sorted(self.pending):
            items = self.pending[organisation_id]
            if organisation_id not in self.ordered:
                items.sort(key=lambda item: (item[0], item[1]))
                self.ordered.add(organisation_id)
            cut = (
                len(items)
                if until is None
                else bisect.bisect_right(items, until, key=lambda item: item[0])
            )
            if not cut:
                continue
            released, self.pending[organisation_id] = items[:cut], items[cut:]
            start = 0
            while start < cut:  # one append per run of events of the same actor
                actor = released[start][3]
                end = start + 1
                while end < cut and released[end][3] is actor:
                    end += 1
                append_all(
                    organisation_id,
                    [
                        event if isinstance(event, NewEvent) else event()
                        for _day, _order, event, _actor in released[start:end]
                    ],
                    actor,
                )
                start = end
            written += cut
        self.pending = defaultdict(list, {k: v for k, v in self.pending.items() if v})
        self.appended += written
        return written


@dataclass
class Demo:
    options: dict[str, Any]
    rng: random.Random
    log: Callable[[str], None]
    made: dict[str, Any] = field(default_factory=dict)
    events: EventQueue = field(default_factory=EventQueue)


def demo_modules() -> list[ModuleType]:
    modules = []
    for app in apps.get_app_configs():
        name = f"{app.name}.demo"
        if name == __name__:  # this registry, not a generator
            continue
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules
