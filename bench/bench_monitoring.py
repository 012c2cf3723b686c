"""indicators_full_seconds, indicators_incremental_seconds, dashboard_national_ms (issue 15):
the indicators of 700 mutuals from the operations of 500,000 beneficiaries and 2 million claims
over 24 months.

The 700-mutual demo federation (one household each, no claims) gets 24 months of operations,
ending with the current month, in each mutual's log, built by the apps' own event builders
(bench/probes/monitoring.py, a process of its own): households enrolled with their dependants
(about 714 beneficiaries a mutual), some leaving or resigning, members' monthly or quarterly
contributions due and paid with their registration fee, about 2,857 claims a mutual (a few
rejected, a few sent to the medical advisor and reviewed). Then

- every fact and figure is worked out again from the whole log (`monitoring.compute.recompute`),
  once, with one process reading the logs per processor;
- one member's payment is appended to a mutual's log, and the indicators' consumer drained
  until that mutual's and every union's figures are current, in ten mutuals;
- the production server serves the national union's dashboard to the demo's administrator
  over real HTTP, for the default period (a quarter) and for a year.
"""

import statistics
import time

from bench import BenchError, Context, Result
from bench.bench_fhir_eligibility import cpu_seconds
from bench.bench_pages import Browser

MUTUALS = 700
WARM_UPS = 3
ANSWERS = 20


def dashboard_times(server, path: str) -> tuple[float, float]:
    """The median time of the page and the server's CPU time per answer, in milliseconds."""
    browser = Browser(server.url)
    browser.sign_in("admin")
    for _ in range(WARM_UPS):
        _size, html, _final = browser.fetch(path)
    if b'class="side-by-side"' not in html:
        raise BenchError(f"{path} shows no member organisation side by side")
    durations = []
    cpu_before = cpu_seconds(server.process.pid)
    for _ in range(ANSWERS):
        started = time.perf_counter()
        browser.fetch(path)
        durations.append((time.perf_counter() - started) * 1000)
    cpu = (cpu_seconds(server.process.pid) - cpu_before) * 1000 / ANSWERS
    return statistics.median(durations), cpu


def run(ctx: Context) -> list[Result]:
    folder, url = ctx.demo_database(
        "monitoring",
        "--mutuals",
        str(MUTUALS),
        "--households-per-mutual",
        "1",
        "--claims-months",
        "0",
    )
    ctx.mutualis("collectstatic", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    figures = ctx.probe("monitoring", database_url=url, var_dir=folder, timeout=3600)
    if not 450_000 <= figures["beneficiaries"] <= 550_000:
        raise BenchError(f"{figures['beneficiaries']} beneficiaries covered, not about 500,000")
    if not 1_900_000 <= figures["claims"] <= 2_100_000:
        raise BenchError(f"{figures['claims']} claims submitted, not about 2 million")
    print(
        f"  {figures['events']:,} events of {figures['mutuals']} mutuals logged in "
        f"{figures['build_seconds']:.0f} s (not a figure): {figures['beneficiaries']:,} "
        f"beneficiaries covered this month, {figures['claims']:,} claims\n"
        f"  full recomputation {figures['full_seconds']:.1f} s (CPU "
        f"{figures['full_cpu_seconds']:.1f} s in {figures['processes']} processes), "
        f"{figures['events'] / figures['full_seconds']:,.0f} events read a second, "
        f"{figures['figures']:,} figures written\n"
        f"  a payment carried to the nation: median {figures['incremental_seconds'] * 1000:.0f} ms"
        f" (CPU {figures['incremental_cpu_seconds'] * 1000:.0f} ms)",
        flush=True,
    )
    national = figures["national"]
    with ctx.production_server(database_url=url, var_dir=folder, workers=1) as server:
        quarter_ms, quarter_cpu = dashboard_times(server, f"/monitoring/{national}/")
        year_ms, year_cpu = dashboard_times(
            server, f"/monitoring/{national}/?period={figures['year']}"
        )
    print(
        f"  national dashboard: default period (a quarter) {quarter_ms:.0f} ms (server CPU "
        f"{quarter_cpu:.0f} ms), year {figures['year']} {year_ms:.0f} ms (server CPU "
        f"{year_cpu:.0f} ms)",
        flush=True,
    )
    return [
        Result(
            "indicators_full_seconds",
            round(figures["full_seconds"], 1),
            "s",
            goal=30,
            better="lower",
        ),
        Result(
            "indicators_incremental_seconds",
            round(figures["incremental_seconds"], 3),
            "s",
            goal=1,
            better="lower",
        ),
        Result(
            "dashboard_national_ms",
            round(max(quarter_ms, year_ms), 1),
            "ms",
            goal=200,
            better="lower",
        ),
    ]
