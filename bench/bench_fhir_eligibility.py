"""fhir_eligibility_rps, fhir_eligibility_p99_ms: FHIR eligibility checks over real HTTP at
national scale (about 500,000 beneficiaries), from 16 clients at once.

The database is the 500,000-beneficiary demo that bench_register_demo.py leaves in
var/bench/tmp/register/, built there the same way when it is not (register_database), and
copied, so that it stays as that benchmark left it. A health post (level: health post) and a
provider clerk of the national union with an API key are added to it, and the production
server (`mutualis serve --production`: gunicorn, WORKERS sync workers: on two cores three did
better than two, five or threads) serves it on a free port.

The clients are wrk (Debian's package; `make system-deps` installs it), the usual HTTP load
generator: one thread holding 16 connections, each posting a CoverageEligibilityRequest
(validation and benefits, at the health post) about a member drawn from 5,000 real member
numbers as soon as its previous answer is in. Every answer must be a 200
CoverageEligibilityResponse, or the benchmark fails. After a warm-up, ROUNDS timed rounds of
ROUND_SECONDS each: the figures are the medians over the rounds of the answers per second and of
the 99th percentile of the time from sending a request to reading its whole answer.

The clients share the machine's two cores with the server, where the clinics' programs would
have their own machines. So the clients are written in C (wrk takes a third of the CPU time per
answer that an asyncio client in Python took), and the server runs at a lower priority
(SERVER_NICENESS): clients kept waiting for a core would add their own waits to the times they
measure, and would hold gunicorn's sync workers, which wait for the client to close before they
take the next request.
The CPU time each side used is printed beside the figures.
"""

import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench import BenchError, Context, Result
from bench.bench_register_demo import register_database

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
    """A copy of the 500,000-beneficiary register, which stays as bench_register_demo left it."""
    database = folder / "demo.sqlite3"
    with sqlite3.connect(register_database(ctx)) as source, sqlite3.connect(database) as copy:
        source.backup(copy)
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


def request_body(number: str) -> str:
    return json.dumps(
        {
            "resourceType": "CoverageEligibilityRequest",
            "status": "active",
            "purpose": ["validation", "benefits"],
            "patient": {"reference": f"Patient/{number}"},
            "created": time.strftime("%Y-%m-%d"),
            "provider": {"reference": f"Organization/{PROVIDER}"},
            "insurer": {"reference": "Organization/UN"},
        }
    )


# The connections post the bodies in turn. Each thread of wrk counts the answers that are not a
# 200 CoverageEligibilityResponse in its own Lua state, and keeps the first to be shown.
WRK_SCRIPT = """
bodies = %(bodies)s
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/fhir+json"
wrk.headers["Authorization"] = "Bearer %(key)s"
sent = 0
request = function()
  sent = sent %% #bodies + 1
  return wrk.format(nil, "/fhir/r4/CoverageEligibilityRequest", nil, bodies[sent])
end
wrong, first_wrong = 0, nil
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"CoverageEligibilityResponse"', 1, true) then
    wrong = wrong + 1
    first_wrong = first_wrong or (status .. " " .. string.sub(body, 1, 500))
  end
end
threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  local wrong, first_wrong = 0, nil
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("wrong")
    first_wrong = first_wrong or thread:get("first_wrong")
  end
  io.write(string.format("answers %%d seconds %%.6f p99 %%.3f failed %%d wrong %%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(99) / 1000, failed, wrong))
  if first_wrong then io.write("first wrong answer: " .. first_wrong .. "\\n") end
end
"""
RESULT = re.compile(r"answers (\d+) seconds ([\d.]+) p99 ([\d.]+) failed (\d+) wrong (\d+)")


def wrk_script(folder: Path, numbers: list[str], key: str) -> Path:
    bodies = "{" + ",".join(json.dumps(request_body(n)) for n in numbers) + "}"
    script = folder / "eligibility.lua"
    script.write_text(WRK_SCRIPT % {"bodies": bodies, "key": key})
    return script


def load(port: int, script: Path, seconds: float) -> tuple[int, float, float]:
    """(answers, seconds, p99 in ms) of `seconds` of load by wrk's connections."""
    run = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(CLIENTS),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    found = RESULT.search(run.stdout)
    if run.returncode != 0 or found is None:
        raise BenchError(f"wrk failed:\n{run.stdout}{run.stderr}")
    answers, elapsed, p99, failed, wrong = found.groups()
    if int(failed) or int(wrong):
        raise BenchError(f"{failed} failed requests and {wrong} wrong answers:\n{run.stdout}")
    return int(answers), float(elapsed), float(p99)


@dataclass(frozen=True)
class Round:
    answers: int
    seconds: float
    p99_ms: float
    server_cpu: float  # CPU seconds of the server's processes
    client_cpu: float  # of wrk

    @property
    def per_second(self) -> float:
        return self.answers / self.seconds


def rounds(port: int, script: Path, server_pid: int) -> list[Round]:
    load(port, script, WARM_UP_SECONDS)
    found = []
    for _round in range(ROUNDS):
        server_before = cpu_seconds(server_pid)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        answers, seconds, p99 = load(port, script, ROUND_SECONDS)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        found.append(Round(answers, seconds, p99, cpu_seconds(server_pid) - server_before, client))
    return found


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


def run(ctx: Context) -> list[Result]:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is missing: `make system-deps` installs it (Debian's package wrk)")
    folder = ctx.scratch("fhir")
    database = demo_database(ctx, folder)
    url = ctx.sqlite_url(database)
    ctx.mutualis("shell", "--command", SETUP, database_url=url, var_dir=folder)
    key = ctx.mutualis(
        "api_key", "fhir-bench-clerk", "benchmark", database_url=url, var_dir=folder
    ).stdout.strip()
    ctx.mutualis("collectstatic", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    script = wrk_script(folder, member_numbers(database, MEMBERS), key)
    with ctx.production_server(
        database_url=url,
        var_dir=folder,
        workers=WORKERS,
        threads=THREADS,
        niceness=SERVER_NICENESS,
    ) as server:
        timed = rounds(server.port, script, server.process.pid)
    rps = statistics.median(r.per_second for r in timed)
    p99 = statistics.median(r.p99_ms for r in timed)
    answers = sum(r.answers for r in timed)
    print(
        f"  rounds: {', '.join(f'{r.per_second:.0f}/s p99 {r.p99_ms:.1f} ms' for r in timed)}\n"
        f"  CPU time per answer: server {sum(r.server_cpu for r in timed) * 1000 / answers:.2f}"
        f" ms, wrk {sum(r.client_cpu for r in timed) * 1000 / answers:.2f} ms",
        flush=True,
    )
    return [
        Result("fhir_eligibility_rps", round(rps), "answers/s", goal=500, better="higher"),
        Result("fhir_eligibility_p99_ms", round(p99, 1), "ms", goal=50, better="lower"),
    ]
