"""coverage_check_ms and household_search_ms at national scale (about 500,000 beneficiaries).

Uses the database that bench_register_demo.py leaves in var/bench/tmp/register/ (the benchmarks
run in name order), or builds it with the same demo command when run alone. The figures are
medians over varied beneficiaries and queries, database reads included, in a process of their
own (bench/probes/register_queries.py).
"""

from bench import BenchError, Context, Result
from bench.bench_register_demo import register_database


def run(ctx: Context) -> list[Result]:
    database = register_database(ctx)
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
