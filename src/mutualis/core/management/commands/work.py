import signal
import time
from types import FrameType

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from mutualis.core.consumers import declared, drain
from mutualis.core.daily import run_due


class Command(BaseCommand):
    help = (
        "Runs the daily jobs not yet done today, then the consumers of the event log (the books, "
        "the indicators, the messages…): once, or as a loop beside the production server, "
        "reading what happened since their last run."
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
        while True:
            for job, said in run_due().items():
                self.stdout.write(f"{job}: {said}")
            busy = False
            for consumer in consumers:
                run = drain(consumer)
                busy = busy or run.read > 0
                if run.read or run.failed:
                    self.stdout.write(
                        f"{consumer.name}: {run.handled} handled of {run.read} read"
                        + (
                            f", stopped on a failing event in {run.failed} logs"
                            if run.failed
                            else ""
                        )
                    )
                if stopping:
                    break
            if options["once"] or stopping:
                return
            if not busy:
                connection.close()  # no connection held while idle
                time.sleep(float(options["interval"]))  # type: ignore[arg-type]
