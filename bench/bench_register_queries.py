"""coverage_check_ms and household_search_ms at national scale (about 500,000 beneficiaries).

Uses the database that bench_register_demo.py leaves in var/bench/tmp/register/ (the benchmarks
run in name order), or builds it with the same demo command when run alone. The figures are
medians over varied beneficiaries and queries, database reads included, in a process of their
own (bench/probes/register_queries.py).
"""

from bench import BenchError, Context, Result

# the register of bench_register_demo.py, built the same way when this benchmark runs alone
DEMO = [
    "demo",
    "--mutuals",
    "100",
    "--households-per-mutual",
    "1000",
    "--claims-months",
    "0",
    "--seed",
    "1",
]


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
    figures = ctx.probe(
        "register_queries",
        database_url=ctx.sqlite_url(database),
        var_dir=database.parent,
        timeout=900,
    )
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
