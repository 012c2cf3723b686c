"""Run by bench_dhis2.py in a process of its own, against the SQLite database in DATABASE_URL (a
federation of 700 mutuals): writes a year of synthetic monthly base figures for every mutual
(monitoring's Figure rows, with core.bulk.insert), maps every indicator and base figure to a data
element and every mutual to an org unit, then times building the dataValueSets document of the
700 mutuals × 12 months (interop.dhis2.documents: reading the figures through
monitoring.queries, working out the indicators, writing the JSON), three times, and the ADX
message once. Prints the figures as JSON on its last line."""

import datetime
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
from mutualis.federation.models import Organisation  # noqa: E402
from mutualis.federation.rules import Kind  # noqa: E402
from mutualis.interop.dhis2 import documents  # noqa: E402
from mutualis.monitoring.figures import BASES  # noqa: E402
from mutualis.monitoring.figures import Kind as FigureKind  # noqa: E402
from mutualis.monitoring.models import Figure  # noqa: E402

YEAR = 2023
# the year's months and the month before, whose stocks are the first month's start
MONTHS = [datetime.date(YEAR - 1, 12, 1)] + [datetime.date(YEAR, m, 1) for m in range(1, 13)]


def synthetic(rng: random.Random, organisation: int) -> list[tuple]:
    """A mutual's figures: every base figure every month, each indicator computable."""
    rows = []
    members = rng.randint(200, 3000)
    for month in MONTHS:
        members += rng.randint(-20, 40)
        for base in BASES:
            if base.kind == FigureKind.STOCK:
                value = {"members": members, "beneficiaries": members * 5}.get(
                    base.code, rng.randint(1, members * 10)
                )
            else:
                value = rng.randint(1, 500)
            rows.append((organisation, "month", month, base.code, value, "operations"))
    return rows


def main() -> None:
    mutuals = list(
        Organisation.objects.filter(kind=Kind.MUTUAL).order_by("pk").values_list("pk", flat=True)
    )
    rng = random.Random(3)
    with transaction.atomic(), write_cache():
        Figure.objects.filter(span="month", start__in=MONTHS).delete()
        written = insert(
            Figure,
            ["organisation", "span", "start", "code", "value", "source"],
            (row for mutual in mutuals for row in synthetic(rng, mutual)),
        )
    codes = documents.mappable_codes()
    elements = {
        code: documents.Element(f"de{index:09d}") for index, code in enumerate(codes, start=1)
    }
    org_units = {pk: f"ou{pk:09d}" for pk in mutuals}
    months = MONTHS[1:]

    def build() -> tuple[bytes, int]:
        figures = documents.month_figures(mutuals, months)
        values = documents.data_values(figures, org_units, elements)
        return documents.data_value_set_json(values, "dsMutuals01"), len(values)

    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        body, count = build()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    wall = time.perf_counter()
    figures = documents.month_figures(mutuals, months)
    adx = documents.adx(
        documents.data_values(figures, org_units, elements), "dsMutuals01", timezone.now()
    )
    adx_seconds = time.perf_counter() - wall
    json.loads(body)  # it is a whole JSON document
    print(
        json.dumps(
            {
                "mutuals": len(mutuals),
                "months": len(months),
                "figure_rows": written,
                "values": count,
                "json_bytes": len(body),
                "adx_bytes": len(adx),
                "seconds": statistics.median(walls),
                "cpu_seconds": statistics.median(cpus),
                "all_seconds": walls,
                "adx_seconds": adx_seconds,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
