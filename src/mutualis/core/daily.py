"""Work that time, not an event, brings about: a period that begins makes the third payers'
shares of it due, and nobody acts on that day. An app declares `DAILY = [Daily(...)]` in its
`daily.py`; `mutualis work` runs each job once a day, before reading the logs, so that what a
job appends is read in the same round.

A job must be safe to run again: each does what is still missing on the day it runs (the
receivables not yet recognised…), so a run cut short by a crash is completed by the next one,
and a day the worker was stopped is caught up by the next day's run.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from mutualis.core.declarations import declared_by_apps
from mutualis.core.models import DailyRun


@dataclass(frozen=True)
class Daily:
    """`run(day)` does the job's work for `day` and says in a few words what it did."""

    name: str
    run: Callable[[datetime.date], str]


def declared() -> list[Daily]:
    return declared_by_apps("daily", "DAILY")


def run_due(
    jobs: Sequence[Daily] | None = None, day: datetime.date | None = None
) -> dict[str, str]:
    """Runs each job not yet finished on `day` (today by default); what each run said, by job."""
    day = day or timezone.localdate()
    jobs = declared() if jobs is None else jobs
    finished = set(DailyRun.objects.filter(day=day).values_list("job", flat=True))
    said = {}
    for job in jobs:
        if job.name in finished:
            continue
        said[job.name] = job.run(day)
        DailyRun.objects.create(job=job.name, day=day)
    return said


def last_runs() -> dict[str, datetime.date]:
    """The last day each job finished, for /health."""
    return dict(DailyRun.objects.values_list("job").annotate(last=Max("day")))
