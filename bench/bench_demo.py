"""demo_700_mutuals_seconds: how long `mutualis demo --mutuals 700 --seed 1` takes on SQLite."""

import shutil
import sqlite3
import statistics
import time

from bench import BenchError, Context, Result

MUTUALS = 700
RUNS = 3


def run(ctx: Context) -> list[Result]:
    folder = ctx.scratch("demo")
    # Migrating is not what is measured: migrate once, copy the migrated file for every run.
    template = folder / "template.sqlite3"
    ctx.mutualis(
        "migrate",
        "--noinput",
        "--verbosity",
        "0",
        database_url=ctx.sqlite_url(template),
        var_dir=folder,
    )
    durations = []
    for number in range(1, RUNS + 1):
        database = folder / f"run-{number}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if (template.parent / f"{template.name}{suffix}").exists():
                shutil.copyfile(
                    template.parent / f"{template.name}{suffix}",
                    database.parent / f"{database.name}{suffix}",
                )
        started = time.perf_counter()
        ctx.mutualis(
            "demo",
            "--mutuals",
            str(MUTUALS),
            "--seed",
            "1",
            database_url=ctx.sqlite_url(database),
            var_dir=folder,
        )
        durations.append(time.perf_counter() - started)
        with sqlite3.connect(database) as connection:
            (mutuals,) = connection.execute(
                "SELECT count(*) FROM federation_organisation WHERE kind = 'mutual'"
            ).fetchone()
        if mutuals != MUTUALS:
            raise BenchError(f"the demo wrote {mutuals} mutuals, not {MUTUALS}")
    return [
        Result(
            "demo_700_mutuals_seconds",
            round(statistics.median(durations), 2),
            "s",
            goal=30,
            better="lower",
        )
    ]
