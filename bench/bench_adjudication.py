"""adjudication_claims_per_s, adjudication_vs_executemany_ratio: adjudicating and storing a
batch of 200,000 claims (about 600,000 lines) on SQLite.

A demo register of 20 mutuals × 1,000 households (about 100,000 beneficiaries with two years of
contributions) gets a health centre per mutual under agreement with it. The probe
(bench/probes/adjudication.py, a process of its own) builds the claims in memory, then times
`claims_submit` on all of them — resolving numbers and codes, reading coverage, agreements and
histories, adjudicating every line, choosing claims for review and writing everything in one
transaction — and, in the same run, the same rows inserted with plain `executemany` into a copy
of the database taken just before: the floor. The ratio is the floor's time over ours (1 would
be as fast as inserting precomputed rows).

events_read_per_s, drain_200k_claims_seconds: then a consumer that does nothing reads the whole
log (the batch's 200,000 events and the register's), moving its cursors a batch at a time.
"""

from bench import Context, Result

MUTUALS = 20
HOUSEHOLDS_PER_MUTUAL = 1000


def run(ctx: Context) -> list[Result]:
    folder, url = ctx.demo_database(
        "adjudication",
        "--mutuals",
        str(MUTUALS),
        "--households-per-mutual",
        str(HOUSEHOLDS_PER_MUTUAL),
        "--claims-months",
        "0",  # the claims are the benchmark's own
    )
    figures = ctx.probe("adjudication", database_url=url, var_dir=folder)
    seconds = figures["seconds"]
    print(
        f"  {figures['claims']} claims, {figures['lines']} lines in {seconds:.1f} s "
        f"(CPU {figures['cpu_seconds']:.1f} s); executemany of the same rows "
        f"{figures['executemany_seconds']:.1f} s; lines {figures['outcomes']}; "
        f"claims {figures['statuses']}; reasons {figures['reasons']}; a consumer doing "
        f"nothing read the {figures['drained_events']} events of the log in "
        f"{figures['drain_seconds']:.2f} s (CPU {figures['drain_cpu_seconds']:.2f} s)",
        flush=True,
    )
    return [
        Result(
            "adjudication_claims_per_s",
            round(figures["claims"] / seconds),
            "claims/s",
            goal=3000,
            better="higher",
        ),
        Result(
            "adjudication_vs_executemany_ratio",
            round(figures["executemany_seconds"] / seconds, 2),
            "×",
            goal=0.3,
            better="higher",
        ),
        Result(
            "events_read_per_s",
            round(figures["drained_events"] / figures["drain_seconds"]),
            "events/s",
            goal=100_000,
            better="higher",
        ),
        Result(
            "drain_200k_claims_seconds",
            round(figures["drain_seconds"], 2),
            "s",
            goal=5,
            better="lower",
        ),
    ]
