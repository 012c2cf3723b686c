"""ledger_lines_posted_per_s, trial_balance_union_seconds, income_statement_ms: the books of
700 mutuals for a year, about five million journal lines, posted from the event log on SQLite.

The 700-mutual demo federation (one household each, no claims) gets a year of operations' events
in each mutual's log, built by the apps' own event builders (bench/probes/books.py, a process of
its own): members' payments, third payers' shares recognised, claims decided, provider payments.
The books then post the whole log, then the national union's trial balance over the year reads
every line, then thirty mutuals' income statements are read.
"""

from bench import Context, Result

MUTUALS = 700


def run(ctx: Context) -> list[Result]:
    folder, url = ctx.demo_database(
        "books", "--mutuals", str(MUTUALS), "--households-per-mutual", "1", "--claims-months", "0"
    )
    figures = ctx.probe("books", database_url=url, var_dir=folder, timeout=3600)
    seconds = figures["seconds"]
    print(
        f"  {figures['events']} events of {figures['mutuals']} mutuals posted as "
        f"{figures['lines']} lines in {seconds:.1f} s (CPU {figures['cpu_seconds']:.1f} s in "
        f"two processes, {figures['cpu_seconds'] / figures['lines'] * 1e6:.1f} µs a line); "
        f"national trial "
        f"balance {figures['trial_balance_seconds']:.2f} s; a mutual's income statement "
        f"{figures['income_statement_ms']:.1f} ms",
        flush=True,
    )
    return [
        Result(
            "ledger_lines_posted_per_s",
            round(figures["lines"] / seconds),
            "lines/s",
            goal=50_000,
            better="higher",
        ),
        Result(
            "trial_balance_union_seconds",
            round(figures["trial_balance_seconds"], 2),
            "s",
            goal=3,
            better="lower",
        ),
        Result(
            "income_statement_ms",
            round(figures["income_statement_ms"], 1),
            "ms",
            goal=100,
            better="lower",
        ),
    ]
