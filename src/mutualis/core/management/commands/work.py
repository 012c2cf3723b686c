import signal
import time
from collections.abc import Callable
from types import FrameType

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, connection

from mutualis.core.consumers import Consumer, declared, drain
from mutualis.core.daily import run_due
from mutualis.core.tasks import run_waiting


class Command(BaseCommand):
    help = (
        "Runs the daily jobs not yet done today, the tasks people asked for (a push to DHIS2…), "
        "then the consumers of the event log (the books, the indicators…): once, or as a loop "
        "beside the production server, reading what happened since their last run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="handle what is waiting, then stop")
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="seconds between two readings of the log when nothing is waiting (default 2)",
        )
        parser.add_argument(
            "--consumer", action="append", default=[], help="run only this consumer (repeatable)"
        )
        parser.add_argument(
            "--preparing",
            type=int,
            default=0,
            help="other processes preparing the batches of the consumers that prepare them (the"
            " books) while this one writes them: one catches up a long log half as fast again",
        )

    def handle(self, *args: object, **options: object) -> None:
        consumers = declared()
        wanted = list(options["consumer"])  # type: ignore[call-overload]
        unknown = set(wanted) - {consumer.name for consumer in consumers}
        if unknown:
            raise CommandError(f"No consumer named {', '.join(sorted(unknown))}.")
        if wanted:
            consumers = [consumer for consumer in consumers if consumer.name in wanted]
        stopping = False

        def stop(_number: int, _frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        interval = float(options["interval"])  # type: ignore[arg-type]
        preparing = max(0, int(options["preparing"]))  # type: ignore[call-overload]
        while True:
            try:
                busy = self.work_once(consumers, preparing, lambda: stopping)
            except OperationalError as error:
                # the database is held by a long write (a batch of claims on SQLite) or out of
                # reach for a moment: what was not done is done on the next round, not lost
                self.stderr.write(f"The database is busy or out of reach ({error}): trying again.")
                connection.close()
                time.sleep(interval)
                continue
            if options["once"] or stopping:
                return
            if not busy:
                connection.close()  # no connection held while idle
                time.sleep(interval)

    def work_once(
        self, consumers: list[Consumer], preparing: int, stopping: Callable[[], bool]
    ) -> bool:
        """The jobs due, the tasks waiting, each consumer's waiting events, then the tasks
        again (what the consumers asked for, the flash news' mails, goes out in the same round);
        True when a task or a consumer had anything to do."""
        for job, said in run_due().items():
            self.stdout.write(f"{job}: {said}")
        busy = self.run_tasks()
        for consumer in consumers:
            run = drain(consumer, preparing=preparing)
            busy = busy or run.read > 0
            if run.read or run.failed:
                self.stdout.write(
                    f"{consumer.name}: {run.handled} handled of {run.read} read"
                    + (f" ({run.prepared} batches prepared apart)" if run.prepared else "")
                    + (f", stopped on a failing event in {run.failed} logs" if run.failed else "")
                )
            if stopping():
                return busy
        return self.run_tasks() or busy

    def run_tasks(self) -> bool:
        done = run_waiting()
        for task, count in done.items():
            self.stdout.write(f"{task}: {count} done")
        return bool(done)
