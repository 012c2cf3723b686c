"""inventory_synthesis_ms: the inventory's synthesis tables over 5,000 mutuals × 10 years.

A fresh migrated SQLite database gets 5,000 inventoried mutuals of twelve countries, each with
a validated record for each of 10 years (bench/probes/inventory.py); the probe times the
synthesis tables of every country and year, and of every country together, as the public page
and the API read them (inventory.queries.synthesis_tables: the validated records read, then
counted, summed, their medians and ranges worked out), median of 7; the CPU time is printed
beside it, which a busy machine inflates less."""

from bench import BenchError, Context, Result

RECORDS = 50_000


def run(ctx: Context) -> list[Result]:
    folder = ctx.scratch("inventory")
    url = ctx.sqlite_url(folder / "inventory.sqlite3")
    ctx.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    figures = ctx.probe("inventory", database_url=url, var_dir=folder)
    if figures["records"] != RECORDS or figures["counted"] != RECORDS:
        raise BenchError(f"the tables are not what the figure assumes: {figures}")
    print(
        f"  {figures['records']} records, {figures['tables']} tables in {figures['ms']:.0f} ms "
        f"(CPU {figures['cpu_ms']:.0f} ms; runs {figures['all_ms']})",
        flush=True,
    )
    return [
        Result("inventory_synthesis_ms", round(figures["ms"], 1), "ms", goal=300, better="lower"),
    ]
