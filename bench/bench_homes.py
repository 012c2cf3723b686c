"""home_manager_ms, home_union_ms and home_slow_link_ms (issue 12): a user's home answers from
indexed reads at any scale, and reaches a phone on a weak link in time.

- The manager's home of a 25,000-beneficiary mutual (`demo --mutuals 1
  --households-per-mutual 5000`), served by the production server (gunicorn, one worker) over
  real HTTP to a signed-in manager: median of 30 answers after the first (which brings the
  households' standings up to date, printed apart), with the server's CPU time per answer.
- The home of an officer of the national union over 700 mutuals (`demo --mutuals 700
  --households-per-mutual 10`), their table of mutuals side by side: the same way.
- The manager's home in Chromium, its cache emptied, on a link throttled to 250 kbit/s down,
  300 kbit/s up and 300 ms of round trip (a weak mobile connection): from the navigation's start
  to the load event (the page drawn, its stylesheet and script loaded), median of 3.
"""

import sqlite3
import statistics
import time

from bench import BenchError, Context, Result
from bench.bench_fhir_eligibility import cpu_seconds
from bench.bench_pages import Browser

ANSWERS = 30
SLOW_LOADS = 3
CHROMIUM = "/usr/bin/chromium"
# Chromium's network emulation: bytes per second, milliseconds
SLOW_LINK = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 250_000 / 8,
    "uploadThroughput": 300_000 / 8,
}
NATIONAL_OFFICER = (
    "from mutualis.federation.models import Organisation\n"
    "from mutualis.federation.rules import Kind, Role\n"
    "from mutualis.federation.services import user_create\n"
    "user_create(by=None, username='national', password='mutualis', first_name='Awa',"
    " organisation=Organisation.objects.get(kind=Kind.NATIONAL_UNION),"
    " roles=[Role.UNION_OFFICER])\n"
)


def demo_with_static_files(ctx: Context, name: str, *args: str):
    folder, database = ctx.demo_database(name, *args)
    ctx.mutualis(
        "collectstatic", "--noinput", "--verbosity", "0", database_url=database, var_dir=folder
    )
    return folder, database


def home_answers(server, username: str) -> tuple[float, float, float]:
    """The time of signing in (whose answer is the home, drawn first), then the median and the
    server's CPU time per answer of the next homes, in milliseconds."""
    browser = Browser(server.url)
    started = time.perf_counter()
    browser.sign_in(username)
    first = (time.perf_counter() - started) * 1000
    _size, html, _ = browser.fetch("/")
    if b'class="panel' not in html:
        raise BenchError(f"{username}'s home shows no panel")
    durations = []
    cpu_before = cpu_seconds(server.process.pid)
    for _ in range(ANSWERS):
        started = time.perf_counter()
        browser.fetch("/")
        durations.append((time.perf_counter() - started) * 1000)
    cpu = (cpu_seconds(server.process.pid) - cpu_before) * 1000 / ANSWERS
    return first, statistics.median(durations), cpu


def slow_link_loads(server, username: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(server.url + "/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "mutualis")
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state("load")
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        for _ in range(SLOW_LOADS):
            network.send("Network.clearBrowserCache")
            network.send("Network.emulateNetworkConditions", SLOW_LINK)
            page.goto(server.url + "/", wait_until="load", timeout=60_000)
            timing = page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return n.loadEventEnd - n.startTime; }"
            )
            network.send(
                "Network.emulateNetworkConditions",
                {**SLOW_LINK, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
            loads.append(timing)
        browser.close()
    return loads


def run(ctx: Context) -> list[Result]:
    folder, database = demo_with_static_files(
        ctx,
        "homes-mutual",
        "--mutuals",
        "1",
        "--households-per-mutual",
        "5000",
        "--claims-months",
        "3",
    )
    with sqlite3.connect(folder / "demo.sqlite3") as connection:
        (beneficiaries,) = connection.execute(
            "SELECT count(*) FROM membership_beneficiary b JOIN federation_user u"
            " ON u.organisation_id = b.mutual_id WHERE u.username = 'manager'"
        ).fetchone()
    if beneficiaries < 20_000:
        raise BenchError(f"the manager's mutual has {beneficiaries} beneficiaries, not 25,000")
    with ctx.production_server(database_url=database, var_dir=folder, workers=1) as server:
        first, manager_ms, manager_cpu = home_answers(server, "manager")
        loads = slow_link_loads(server, "manager")
    print(
        f"  manager, {beneficiaries:,} beneficiaries: signed in and first home {first:.0f} ms"
        f" (standings brought up to date), then median {manager_ms:.1f} ms, server CPU"
        f" {manager_cpu:.1f} ms per answer"
    )
    print(f"  slow link: {', '.join(f'{load:.0f}' for load in loads)} ms")

    folder, database = demo_with_static_files(
        ctx,
        "homes-union",
        "--mutuals",
        "700",
        "--households-per-mutual",
        "10",
        "--claims-months",
        "2",
    )
    ctx.mutualis("shell", "-c", NATIONAL_OFFICER, database_url=database, var_dir=folder)
    with ctx.production_server(database_url=database, var_dir=folder, workers=1) as server:
        first, union_ms, union_cpu = home_answers(server, "national")
    print(
        f"  national officer, 700 mutuals: signed in and first home {first:.0f} ms, then median"
        f" {union_ms:.1f} ms, server CPU {union_cpu:.1f} ms per answer"
    )
    return [
        Result("home_manager_ms", round(manager_ms, 1), "ms", goal=200, better="lower"),
        Result("home_union_ms", round(union_ms, 1), "ms", goal=200, better="lower"),
        Result(
            "home_slow_link_ms", round(statistics.median(loads)), "ms", goal=3000, better="lower"
        ),
    ]
