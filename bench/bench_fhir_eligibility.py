"""fhir_eligibility_rps, fhir_eligibility_p99_ms: FHIR eligibility checks over real HTTP at
national scale (about 500,000 beneficiaries), from 16 clients at once.

The database is the 500,000-beneficiary demo that bench_register_demo.py leaves in
var/bench/tmp/register/ when it is there (copied, so that it stays as that benchmark left it),
else one built here the same way. A health post (level: health post) and a provider clerk of
the national union with an API key are added to it, and the production server (`mutualis serve
--production`: gunicorn, WORKERS sync workers: on two cores three did better than two, five or
threads) serves it on a free port.

The load generator is this process: 16 asyncio connections speaking plain HTTP/1.1 with
keep-alive, each posting a CoverageEligibilityRequest (validation and benefits, at the health
post) about a member drawn from 5,000 real member numbers, as soon as its previous answer is
in. Every answer must be a 200 CoverageEligibilityResponse, or the benchmark fails. After a
warm-up, ROUNDS timed rounds of ROUND_SECONDS each: the figures are the medians over the
rounds of the answers per second and of the 99th percentile of the time from sending a request
to reading its whole answer.

The generator shares the machine's two cores with the server, where the clients it stands for
would have their own machines. So the server runs at a lower priority (SERVER_NICENESS): a
generator kept waiting for a core would add its own waits to the times it measures, and would
hold gunicorn's sync workers, which wait for the client to close before they take the next
request. The CPU time each side used is printed beside the figures.
"""

import asyncio
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import BenchError, Context, Result
from bench.bench_pages import free_port

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
CLIENTS = 16
MEMBERS = 5000
WARM_UP_SECONDS = 5
ROUNDS = 5
ROUND_SECONDS = 6
WORKERS = 3
THREADS = 1
SERVER_NICENESS = 5
PROVIDER = "PS-BENCH"

SETUP = """
from mutualis.federation.models import Organisation
from mutualis.federation.services import user_create
from mutualis.providers.services import provider_create

national = Organisation.objects.get(parent=None, kind="national_union")
provider_create(
    by=None, owner=national, code="PS-BENCH", name="Poste de santé du banc d'essai",
    kind="health_post", level="health_post", sector="public",
)
user_create(by=None, username="fhir-bench-clerk", organisation=national, roles=["provider_clerk"])
"""


def demo_database(ctx: Context, folder: Path) -> Path:
    """The 500,000-beneficiary demo: bench_register_demo's copied when it is there, else built."""
    database = folder / "demo.sqlite3"
    left = ctx.tmp / "register" / "demo.sqlite3"
    if left.exists():
        with sqlite3.connect(left) as source, sqlite3.connect(database) as copy:
            source.backup(copy)
    url = ctx.sqlite_url(database)
    ctx.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    if not left.exists():
        ctx.mutualis(*DEMO, database_url=url, var_dir=folder, timeout=1800)
    return database


def member_numbers(database: Path, count: int) -> list[str]:
    with sqlite3.connect(database) as connection:
        (last,) = connection.execute("SELECT max(id) FROM membership_beneficiary").fetchone()
        (people,) = connection.execute("SELECT count(*) FROM membership_beneficiary").fetchone()
        if people < 400_000:
            raise BenchError(f"only {people} beneficiaries in the database")
        rng = random.Random(11)
        ids = sorted({rng.randint(1, last) for _ in range(count * 2)})
        numbers = [
            number
            for (number,) in connection.execute(
                f"SELECT member_number FROM membership_beneficiary"
                f" WHERE id IN ({','.join(map(str, ids))})"
            )
        ]
    rng.shuffle(numbers)
    return numbers[:count]


def request_bytes(number: str, key: str, port: int) -> bytes:
    body = json.dumps(
        {
            "resourceType": "CoverageEligibilityRequest",
            "status": "active",
            "purpose": ["validation", "benefits"],
            "patient": {"reference": f"Patient/{number}"},
            "created": time.strftime("%Y-%m-%d"),
            "provider": {"reference": f"Organization/{PROVIDER}"},
            "insurer": {"reference": "Organization/UN"},
        }
    ).encode()
    head = (
        f"POST /fhir/r4/CoverageEligibilityRequest HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {key}\r\n"
        f"Content-Type: application/fhir+json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Load:
    """What the clients saw: latencies of the answers read, and what went wrong."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.recording = False


async def client(port: int, requests: list[bytes], offset: int, stop: float, load: Load):
    connection = None
    index = offset
    while time.perf_counter() < stop and not load.errors:
        request = requests[index % len(requests)]
        index += 1
        started = time.perf_counter()
        if connection is None:
            connection = await asyncio.open_connection("127.0.0.1", port)
        reader, writer = connection
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        status = head[9:12]
        headers = head.lower()
        length_at = headers.index(b"content-length:") + len(b"content-length:")
        length = int(headers[length_at : headers.index(b"\r\n", length_at)])
        body = await reader.readexactly(length)
        if load.recording:
            load.latencies.append(time.perf_counter() - started)
        if status != b"200" or b'"CoverageEligibilityResponse"' not in body:
            load.errors.append(f"{head.decode(errors='replace')}{body[:500]!r}")
        if b"connection: close" in headers:
            writer.close()
            connection = None
    if connection is not None:
        connection[1].close()


async def rounds(port: int, requests: list[bytes]) -> list[tuple[float, float, float]]:
    """(answers per second, p99 in ms, CPU seconds of this process) of each timed round."""
    load = Load()
    figures = []
    stop = time.perf_counter() + WARM_UP_SECONDS + ROUNDS * ROUND_SECONDS
    clients = [
        asyncio.create_task(client(port, requests, n * len(requests) // CLIENTS, stop, load))
        for n in range(CLIENTS)
    ]
    await asyncio.sleep(WARM_UP_SECONDS)
    for _round in range(ROUNDS):
        load.latencies = []
        load.recording = True
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.sleep(ROUND_SECONDS)
        elapsed, used = time.perf_counter() - started, time.process_time() - cpu
        latencies = sorted(load.latencies)
        if not latencies:
            raise BenchError("no answer at all in a round")
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        figures.append((len(latencies) / elapsed, p99 * 1000, used))
    await asyncio.gather(*clients)
    if load.errors:
        raise BenchError(f"{len(load.errors)} wrong answers; the first:\n{load.errors[0]}")
    return figures


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children that are alive (Linux /proc)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(entry.name) == pid or int(fields[1]) == pid:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def serve(ctx: Context, database: Path, folder: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": ctx.sqlite_url(database),
        "MUTUALIS_VAR_DIR": str(folder),
        "MUTUALIS_HTTPS": "0",
        "MUTUALIS_DEBUG": "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mutualis",
            "serve",
            "--production",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
        ],
        cwd=ctx.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.nice(SERVER_NICENESS),
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/fhir/r4/metadata", timeout=2)
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                raise BenchError("the production server did not start") from None
            time.sleep(0.2)


def run(ctx: Context) -> list[Result]:
    folder = ctx.scratch("fhir")
    database = demo_database(ctx, folder)
    url = ctx.sqlite_url(database)
    ctx.mutualis("shell", "--command", SETUP, database_url=url, var_dir=folder)
    key = ctx.mutualis(
        "api_key", "fhir-bench-clerk", "benchmark", database_url=url, var_dir=folder
    ).stdout.strip()
    ctx.mutualis("collectstatic", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    port = free_port()
    requests = [request_bytes(n, key, port) for n in member_numbers(database, MEMBERS)]
    server = serve(ctx, database, folder, port)
    try:
        started, server_cpu = time.perf_counter(), cpu_seconds(server.pid)
        figures = asyncio.run(rounds(port, requests))
        elapsed, server_cpu = time.perf_counter() - started, cpu_seconds(server.pid) - server_cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    rps = statistics.median(f[0] for f in figures)
    p99 = statistics.median(f[1] for f in figures)
    generator = sum(f[2] for f in figures) / (ROUNDS * ROUND_SECONDS)
    answers = statistics.mean(f[0] for f in figures) * elapsed
    print(
        f"  rounds: {', '.join(f'{f[0]:.0f}/s p99 {f[1]:.1f} ms' for f in figures)}\n"
        f"  load generator: {generator:.0%} of a core, {generator * 1000 / rps:.2f} ms per answer;"
        f" server: {server_cpu / elapsed:.2f} cores, about {server_cpu * 1000 / answers:.2f} ms"
        f" per answer",
        flush=True,
    )
    return [
        Result("fhir_eligibility_rps", round(rps), "answers/s", goal=500, better="higher"),
        Result("fhir_eligibility_p99_ms", round(p99, 1), "ms", goal=50, better="lower"),
    ]
