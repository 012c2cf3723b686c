"""Run by bench_inventory.py in a process of its own, against the migrated SQLite database in
DATABASE_URL: writes 5,000 inventoried mutuals of twelve countries kept by one support
structure, each with a validated record for each of 10 years (50,000 records, with
core.bulk.insert), then times the synthesis tables of every country and year
(inventory.queries.synthesis_tables: reading the validated records, working out the counts,
sums, coverage, medians and ranges), median of 7 runs with their CPU time. Prints the figures
as JSON on its last line."""

import json
import os
import random
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualis.core.bulk import insert, write_cache  # noqa: E402
from mutualis.core.ids import new_bulk_uid  # noqa: E402
from mutualis.federation.rules import Kind  # noqa: E402
from mutualis.federation.services import organisation_create  # noqa: E402
from mutualis.inventory.models import Entry, Record  # noqa: E402
from mutualis.inventory.queries import synthesis_tables  # noqa: E402

MUTUALS = 5000
YEARS = range(2016, 2026)
COUNTRIES = ["SN", "ML", "BF", "BJ", "TG", "CI", "GN", "CM", "NE", "CD", "BI", "MR"]
CURRENCY = {"GN": "GNF", "CM": "XAF", "CD": "CDF", "BI": "BIF", "MR": "MRU"}


def main() -> None:
    rng = random.Random(5)
    steward = organisation_create(
        by=None,
        kind=Kind.SUPPORT_STRUCTURE,
        parent=None,
        code="BENCH",
        name="Concertation",
        support_type="ngo",
    )
    now = timezone.now()
    with transaction.atomic(), write_cache():
        insert(
            Entry,
            ["uid", "steward", "name", "country", "mutual_type"],
            (
                (
                    new_bulk_uid(),
                    steward.pk,
                    f"Mutuelle {index}",
                    COUNTRIES[index % len(COUNTRIES)],
                    rng.choice(["community", "professional", "workplace", "microfinance"]),
                )
                for index in range(MUTUALS)
            ),
        )
        entries = list(Entry.objects.values_list("pk", "country"))

        def records():
            for entry, country in entries:
                members = rng.randint(30, 3000)
                for year in YEARS:
                    members = members * rng.randint(90, 125) // 100
                    beneficiaries = members * rng.randint(2, 7)
                    yield (
                        new_bulk_uid(),
                        entry,
                        year,
                        rng.choice(
                            ["functioning", "functioning", "starting", "project", "stopped"]
                        ),
                        members,
                        beneficiaries,
                        rng.choice([None, beneficiaries * rng.randint(3, 12)]),
                        rng.choice(["", "primary", "secondary", "tertiary"]),
                        rng.choice([None, rng.randint(100, 2000)]),
                        rng.choice(["month", "quarter", "year"]),
                        CURRENCY.get(country, "XOF"),
                        "validated",
                        now,
                        [],
                        [],
                        [],
                    )

        written = insert(
            Record,
            [
                "uid",
                "entry",
                "year",
                "status",
                "members",
                "beneficiaries",
                "target_population",
                "level",
                "contribution",
                "contribution_period",
                "currency",
                "state",
                "saved_at",
                "services",
                "tools",
                "prefilled",
            ],
            records(),
        )
    walls, cpus = [], []
    for _ in range(7):
        wall, cpu = time.perf_counter(), time.process_time()
        tables = synthesis_tables()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    counted = sum(table.mutuals for (country, _year), table in tables.items() if country)
    print(
        json.dumps(
            {
                "records": written,
                "counted": counted,
                "tables": len(tables),
                "ms": statistics.median(walls) * 1000,
                "cpu_ms": statistics.median(cpus) * 1000,
                "all_ms": [round(w * 1000, 1) for w in walls],
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
