"""Kill -9 at random points during a register import, an adjudication batch and a consumer run
(issue 13, faults): afterwards no change lacks its event and no event lacks its change
(`mutualis check-events` finds them in agreement), the work done again completes, and the
consumer, started again, has handled every event exactly once.

The processes work on a database of their own (a SQLite file, or a PostgreSQL database beside
the test one), set up through the services by tests/faults/crash_worker.py."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.apart import MUTUALIS, database_apart, run

WORKER = Path(__file__).with_name("crash_worker.py")
SEED = int(os.environ.get("CRASH_SEED", random.randrange(10**6)))


@pytest.fixture(scope="module")
def database(tmp_path_factory, django_db_blocker):
    with database_apart(tmp_path_factory.mktemp("crash"), django_db_blocker, "crash") as env:
        run(env, sys.executable, str(WORKER), "setup")
        yield env


def killed_during(env, mode: str, rng: random.Random, within: float) -> bool:
    """Starts the worker, kills it with SIGKILL at a random moment of its work; True when it
    was killed before it finished."""
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), mode], env=env, stdout=subprocess.PIPE, text=True
    )
    assert worker.stdout.readline().strip() == "working"
    time.sleep(rng.uniform(0.0, within))
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    rest = worker.stdout.read()
    worker.stdout.close()
    return "done" not in rest


def agree(env) -> None:
    done = run(env, str(MUTUALIS), "check-events")
    assert "The event log and the tables agree." in done.stdout


def count(env, sql: str) -> int:
    done = run(
        env,
        sys.executable,
        "-c",
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
        " 'mutualis.config.settings'); django.setup();"
        "from django.db import connection; c = connection.cursor();"
        f"c.execute({sql!r}); print(c.fetchone()[0])",
    )
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode, within", [("import", 4.0), ("claims", 6.0)])
def test_a_batch_killed_anywhere_leaves_no_change_without_its_event(database, mode, within):
    rng = random.Random(f"{SEED}-{mode}")
    kills = sum(killed_during(database, mode, rng, within) for _ in range(3))
    agree(database)
    run(database, sys.executable, str(WORKER), mode)  # done again, to the end
    agree(database)
    print(f"seed {SEED}: {kills} of 3 {mode} runs killed before the end")


def test_a_consumer_killed_anywhere_handles_every_event_once(database):
    rng = random.Random(f"{SEED}-consume")
    for _ in range(4):
        killed_during(database, "consume", rng, 1.5)
    run(database, sys.executable, str(WORKER), "consume")
    events = count(database, "SELECT count(*) FROM core_event")
    assert count(database, "SELECT count(*) FROM tally") == events
    assert count(database, "SELECT count(*) FROM core_cursor WHERE failed_at IS NOT NULL") == 0
    agree(database)


# holds SQLite's write lock on the file named in argv[1] for argv[2] seconds
HOLD = """
import sqlite3, sys, time
held = sqlite3.connect(sys.argv[1], isolation_level=None)
held.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
held.execute("COMMIT")
"""


def test_the_worker_waits_out_a_write_that_holds_the_database_beyond_its_patience(database):
    """A batch of claims holds SQLite's write lock for as long as it takes; the books' worker,
    whose wait (busy timeout, 10 s) runs out, tries again instead of stopping."""
    if not database["DATABASE_URL"].startswith("sqlite:"):
        pytest.skip("PostgreSQL locks rows, not the whole database")
    path = database["DATABASE_URL"].removeprefix("sqlite:///")
    # held twice the worker's patience: its first try must come while more than 10 s are left,
    # however long starting it takes on a busy machine (the tests share its processors)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, path, "20"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    done = run(database, str(MUTUALIS), "work", "--once", "--interval", "0.5")
    assert time.monotonic() - started > 10, "the worker did not wait for the lock"
    assert "trying again" in done.stderr
    assert holder.wait() == 0
    holder.stdout.close()
