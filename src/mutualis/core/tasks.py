"""Work a person asks for that takes longer than a page may wait: a push of figures to a DHIS2
server (dozens of requests to a server far away), later the sending of a newsletter. The service
records what is asked, waiting; `mutualis work` does it between two readings of the logs, and
the page shows how far it has gone. An app declares `TASKS = [Task(...)]` in its `tasks.py`.

A task must be safe to run again and to cut short: each does what is still waiting, recording
its progress as it goes, so that a worker stopped half-way leaves the rest to the next round.
"""

from collections.abc import Callable
from dataclasses import dataclass

from mutualis.core import mail
from mutualis.core.declarations import declared_by_apps


@dataclass(frozen=True)
class Task:
    """`run()` does what is waiting of its kind and says how many things it worked on."""

    name: str
    run: Callable[[], int]


def declared() -> list[Task]:
    return declared_by_apps("tasks", "TASKS")


def run_waiting(tasks: list[Task] | None = None) -> dict[str, int]:
    """Runs each task; how many things each worked on, for those that worked on any."""
    done = {task.name: task.run() for task in (declared() if tasks is None else tasks)}
    return {name: count for name, count in done.items() if count}


# core's own: the e-mail every app queues (core.mail)
TASKS = [Task("mail", lambda: mail.send_waiting())]
