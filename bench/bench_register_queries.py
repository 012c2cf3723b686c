"""coverage_check_ms and household_search_ms at national scale (about 500,000 beneficiaries).

Uses the database that bench_register_demo.py leaves in var/bench/tmp/register/ (the benchmarks
run in name order), or builds it with the same demo command when run alone. The figures are
medians over varied beneficiaries and queries, database reads included, in a process of their
own (bench/probes/register_queries.py).
"""

import json
import os
import subprocess
import sys

from bench import BenchError, Context, Result

DEMO = ["demo", "--mutuals", "100", "--households-per-mutual", "1000", "--seed", "1"]


def run(ctx: Context) -> list[Result]:
    database = ctx.tmp / "register" / "demo.sqlite3"
    if not database.exists():
        folder = ctx.scratch("register")
        ctx.mutualis(
            "migrate",
            "--noinput",
            "--verbosity",
            "0",
            database_url=ctx.sqlite_url(database),
            var_dir=folder,
        )
        ctx.mutualis(*DEMO, database_url=ctx.sqlite_url(database), var_dir=folder, timeout=900)
    env = {
        **os.environ,
        "DATABASE_URL": ctx.sqlite_url(database),
        "MUTUALIS_VAR_DIR": str(database.parent),
    }
    completed = subprocess.run(
        [sys.executable, str(ctx.root / "bench" / "probes" / "register_queries.py")],
        cwd=ctx.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(completed.stderr[-4000:])
    figures = json.loads(completed.stdout)
    if figures["beneficiaries"] < 400_000:
        raise BenchError(f"only {figures['beneficiaries']} beneficiaries in the database")
    if figures["searches_with_results"] < 0.9:
        raise BenchError(f"searches found too little: {figures['searches_with_results']:.0%}")
    print(f"  {figures['beneficiaries']} beneficiaries")
    return [
        Result("coverage_check_ms", figures["coverage_check_ms"], "ms", goal=2, better="lower"),
        Result(
            "household_search_ms", figures["household_search_ms"], "ms", goal=100, better="lower"
        ),
    ]
