"""library_search_ms: a page of the library's search over 10,000 documents.

A fresh migrated SQLite database is filled with 10,000 published documents (bench/probes/
library.py); the probe times the library's page as a reader asks for it (the search, the count
and the page's 20 documents) over 26 varied queries — French and English words, with and
without accents, common and rare, with and without filters — five times each: the median of
those runs, with the CPU time's median beside it, which a busy machine inflates less."""

from bench import BenchError, Context, Result


def run(ctx: Context) -> list[Result]:
    folder = ctx.scratch("library")
    url = ctx.sqlite_url(folder / "library.sqlite3")
    ctx.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    figures = ctx.probe("library", database_url=url, var_dir=folder, timeout=1800)
    if figures["documents"] != 10_000 or not figures["found"]["mutuelle {}"]:
        raise BenchError(f"the library is not what the figure assumes: {figures}")
    print(
        f"  {figures['documents']} documents indexed in {figures['fill_seconds']:.0f} s; "
        f"{figures['queries']} queries: median {figures['median_ms']:.1f} ms (CPU "
        f"{figures['cpu_median_ms']:.1f} ms), 90th percentile {figures['p90_ms']:.1f} ms, "
        f"slowest {figures['max_ms']:.1f} ms",
        flush=True,
    )
    return [
        Result("library_search_ms", round(figures["median_ms"], 1), "ms", goal=50, better="lower")
    ]
