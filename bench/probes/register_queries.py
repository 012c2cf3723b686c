"""Run by bench_register_queries.py in a process of its own, against the database in
DATABASE_URL: times coverage checks and household searches, prints the figures as JSON."""

import json
import os
import random
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from mutualis.contributions.queries import coverage_by_id  # noqa: E402
from mutualis.federation.models import User  # noqa: E402
from mutualis.membership.models import Beneficiary  # noqa: E402
from mutualis.membership.queries import household_search  # noqa: E402

CHECKS = 2000
SEARCHES = 300


def median_ms(durations: list[float]) -> float:
    return round(statistics.median(durations) * 1000, 3)


def main() -> None:
    rng = random.Random(7)
    last_id = Beneficiary.objects.order_by("-pk").values_list("pk", flat=True).first()
    count = Beneficiary.objects.count()
    today = timezone.localdate()
    ids = [rng.randint(1, last_id) for _ in range(CHECKS)]
    services = [None, "consultation", "childbirth", "hospitalisation"]
    # warm the process: the package rules are kept in memory after the first check
    coverage_by_id(ids[0], today)
    durations = []
    for pk in ids:
        service = rng.choice(services)
        started = time.perf_counter()
        found = coverage_by_id(pk, today, service)
        if found is not None:
            durations.append(time.perf_counter() - started)

    officer = User.objects.get(username="admin")  # the whole national federation in scope
    sample = list(
        Beneficiary.objects.filter(
            pk__in=[rng.randint(1, last_id) for _ in range(SEARCHES)]
        ).values_list("first_name", "last_name", "member_number", "phone")
    )
    queries = []
    for first, last, number, phone in sample:
        kind = rng.randrange(4)
        if kind == 0:
            queries.append(last[: rng.randint(min(3, len(last)), len(last))])
        elif kind == 1:
            queries.append(f"{first[:3]} {last[:4]}")
        elif kind == 2:
            queries.append(number)
        else:
            queries.append(phone or f"{first} {last}")
    search_durations = []
    found = 0
    for query in queries:
        started = time.perf_counter()
        households = household_search(officer, query)
        search_durations.append(time.perf_counter() - started)
        found += bool(households)
    json.dump(
        {
            "beneficiaries": count,
            "coverage_check_ms": median_ms(durations),
            "household_search_ms": median_ms(search_durations),
            "searches_with_results": found / len(queries),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
