"""adjudication_with_books_claims_per_s, books_lag_after_batch_seconds: adjudicating the
adjudication benchmark's 200,000 claims on SQLite while `mutualis work` posts their entries in
another process, and how long the books take to catch up once the last claim is in.

The same demo register as bench_adjudication.py (20 mutuals × 1,000 households), its log posted
by `mutualis work --once` first (the books and the daily jobs), then the probe
(bench/probes/books_running.py) submits the claims in uploads of 10,000, one after another, with
the books' worker running: each upload waits for the worker's transaction under way, and the
worker for the upload's. Two processes on one SQLite file in WAL mode, as a union's server runs
them.
"""

from bench import Context, Result

MUTUALS = 20
HOUSEHOLDS_PER_MUTUAL = 1000


def run(ctx: Context) -> list[Result]:
    folder, url = ctx.demo_database(
        "books_running",
        "--mutuals",
        str(MUTUALS),
        "--households-per-mutual",
        str(HOUSEHOLDS_PER_MUTUAL),
        "--claims-months",
        "0",  # the claims are the benchmark's own
    )
    ctx.mutualis("work", "--once", database_url=url, var_dir=folder, timeout=1800)
    figures = ctx.probe("books_running", database_url=url, var_dir=folder)
    seconds = figures["seconds"]
    print(
        f"  {figures['claims']} claims in {figures['uploads']} uploads in {seconds:.1f} s "
        f"(CPU {figures['cpu_seconds']:.1f} s) with the books' worker running; "
        f"{figures['waiting_at_end']} events left to post after the last upload, posted in "
        f"{figures['lag_seconds']:.1f} s; {figures['ledger_lines']} lines in the books",
        flush=True,
    )
    return [
        Result(
            "adjudication_with_books_claims_per_s",
            round(figures["claims"] / seconds),
            "claims/s",
            goal=3000,
            better="higher",
        ),
        Result(
            # a clerk who uploads the month's claims sees their mutual's expenses in the books
            # within the minute; the books post about 100,000 lines in that time
            "books_lag_after_batch_seconds",
            round(figures["lag_seconds"], 1),
            "s",
            goal=60,
            better="lower",
        ),
    ]
