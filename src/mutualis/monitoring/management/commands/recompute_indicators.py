import os
import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mutualis.monitoring import compute
from mutualis.monitoring.consumers import CONSUMERS


class Command(BaseCommand):
    help = (
        "Works out every indicator's facts and figures again from the whole event log, at every "
        "level, as the consumer 'indicators' would have kept them; it then goes on from the end "
        "of each log. For a change of the way figures are counted, or a restored database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="processes reading the logs at once (default: one per processor)",
        )

    def handle(self, *args: object, **options: object) -> None:
        processes = options["processes"]
        assert isinstance(processes, int)
        (indicators,) = CONSUMERS
        started = time.perf_counter()
        written = compute.recompute(indicators.name, timezone.localdate(), max(1, processes))
        self.stdout.write(
            f"{written} figures worked out again in {time.perf_counter() - started:.1f} s."
        )
