import random
import time
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mutualis.core.demo import Demo, demo_modules


class Command(BaseCommand):
    help = "Fills the database with deterministic, realistic demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds data",
        )
        for module in demo_modules():
            module.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        modules = demo_modules()
        if any(module.has_data() for module in modules):
            if options["if_empty"]:
                self.stdout.write("The database already holds data: demo data not loaded.")
                self.write_summaries(modules)
                return
            raise CommandError(
                "The database already holds data; demo data goes into an empty "
                "database (delete var/mutualis.sqlite3 or use a new DATABASE_URL)."
            )
        started = time.perf_counter()
        demo = Demo(options=options, rng=random.Random(options["seed"]), log=self.stdout.write)
        with transaction.atomic():
            for module in modules:
                module.generate(demo)
            demo.events.flush()
        self.stdout.write(f"Demo data loaded in {time.perf_counter() - started:.1f} s.")
        self.write_summaries(modules)

    def write_summaries(self, modules: Iterable[ModuleType]) -> None:
        # what to do next with the demo data, e.g. the log-ins (a module's optional summary())
        for module in modules:
            if hasattr(module, "summary"):
                for line in module.summary():
                    self.stdout.write(line)
