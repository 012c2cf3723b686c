"""demo_500k_seconds: how long `mutualis demo --mutuals 100 --households-per-mutual 1000
--claims-months 0 --seed 1` takes on SQLite: it measures the register and the contributions
(100,000 households, about 500,000 beneficiaries and 24 months of their payments), without the
claims, which the engine adjudicates at its own pace (bench_adjudication.py measures it).

The database is left in var/bench/tmp/register/demo.sqlite3 (until the next benchmark run) for
whoever wants a national-size register to try pages, searches or reports on."""

import sqlite3
import time
from pathlib import Path

from bench import BenchError, Context, Result

MUTUALS = 100
HOUSEHOLDS_PER_MUTUAL = 1000
EXPECTED_BENEFICIARIES = 500_000
TOLERANCE = 0.15
DEMO = [
    "demo",
    "--mutuals",
    str(MUTUALS),
    "--households-per-mutual",
    str(HOUSEHOLDS_PER_MUTUAL),
    "--claims-months",
    "0",
    "--seed",
    "1",
]


def register_database(ctx: Context) -> Path:
    """The national-size register this benchmark leaves in var/bench/tmp/register/, for the
    benchmarks that read one; built the same way, untimed, when it is not there (a benchmark
    run alone, or before this one)."""
    database = ctx.tmp / "register" / "demo.sqlite3"
    if not database.exists():
        folder = ctx.scratch("register")
        url = ctx.sqlite_url(database)
        ctx.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
        ctx.mutualis(*DEMO, database_url=url, var_dir=folder, timeout=1800)
    return database


def run(ctx: Context) -> list[Result]:
    folder = ctx.scratch("register")
    database = folder / "demo.sqlite3"
    url = ctx.sqlite_url(database)
    # Migrating is not what is measured.
    ctx.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    started = time.perf_counter()
    ctx.mutualis(*DEMO, database_url=url, var_dir=folder, timeout=1800)
    duration = time.perf_counter() - started
    with sqlite3.connect(database) as connection:
        (households,) = connection.execute("SELECT count(*) FROM membership_household").fetchone()
        (people,) = connection.execute("SELECT count(*) FROM membership_beneficiary").fetchone()
        (payments,) = connection.execute("SELECT count(*) FROM contributions_payment").fetchone()
    if households != MUTUALS * HOUSEHOLDS_PER_MUTUAL:
        raise BenchError(
            f"the demo wrote {households} households, not {MUTUALS * HOUSEHOLDS_PER_MUTUAL}"
        )
    if abs(people - EXPECTED_BENEFICIARIES) > TOLERANCE * EXPECTED_BENEFICIARIES:
        raise BenchError(
            f"the demo wrote {people} beneficiaries, not about {EXPECTED_BENEFICIARIES}"
        )
    if payments < households:
        raise BenchError(f"the demo wrote only {payments} payments for {households} households")
    return [Result("demo_500k_seconds", round(duration, 1), "s", goal=300, better="lower")]
