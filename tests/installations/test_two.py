"""Two installations of one network (issue 13, part 5): the union's server and a mutual's
laptop, made from a copy of the server's database, work for the same mutual at the same time.
The laptop numbers from a block the server reserved for it, so member and receipt numbers never
collide; each numbers its own log, and the events the laptop sends are taken in by the server
once, in order, numbered after its own, without a collision or a gap."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection  # noqa: F401 - read by the skip condition

WORKER = Path(__file__).with_name("installation.py")
MUTUALIS = Path(sys.executable).with_name("mutualis")
pytestmark = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="two SQLite installations, whatever the test database"
)


def run(env, *command) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def installation(folder: Path, code: str, **extra) -> dict:
    folder.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MUTUALIS_VAR_DIR": str(folder),
        "MUTUALIS_INSTALLATION": code,
        "PYTHONPATH": str(WORKER.parents[2]),
        **extra,
    }


def show(env) -> dict:
    return json.loads(run(env, sys.executable, str(WORKER), "show").splitlines()[-1])


def test_a_server_and_a_laptop_never_give_the_same_number(tmp_path):
    server = installation(tmp_path / "server", "union-server")
    run(server, str(MUTUALIS), "migrate", "--noinput", "--verbosity", "0")
    run(server, sys.executable, str(WORKER), "setup")
    laptop = installation(tmp_path / "laptop", "m1-laptop", MUTUALIS_NUMBERS_FROM_BLOCKS="1")
    shutil.copyfile(tmp_path / "server" / "db.sqlite3", tmp_path / "laptop" / "db.sqlite3")

    # without a block, the laptop numbers nothing rather than collide
    refused = subprocess.run(
        [sys.executable, str(WORKER), "enrol", "1"], env=laptop, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "numbers reserve" in refused.stderr
    block = tmp_path / "block.json"
    run(server, str(MUTUALIS), "numbers", "reserve", "M1", "--count", "100", "--to", str(block))
    run(laptop, str(MUTUALIS), "numbers", "receive", str(block))

    run(server, sys.executable, str(WORKER), "enrol", "3")
    run(laptop, sys.executable, str(WORKER), "enrol", "3")
    run(server, sys.executable, str(WORKER), "enrol", "2")
    at_server, at_laptop = show(server), show(laptop)
    for kind in ("members", "receipts"):
        assert not set(at_server[kind]) & set(at_laptop[kind]), kind
    # the block is the series' next hundred: the laptop's, and the server numbers after it
    assert at_laptop["members"][0].startswith("M1-000001-")
    assert at_server["members"][0].startswith("M1-000101-")

    sent = tmp_path / "laptop-log.json"
    run(laptop, sys.executable, str(WORKER), "export", str(sent))
    assert run(server, sys.executable, str(WORKER), "receive", str(sent)).strip() == "6"
    assert run(server, sys.executable, str(WORKER), "receive", str(sent)).strip() == "0"
    log = show(server)["log"]
    assert [sequence for sequence, *_rest in log] == list(range(1, len(log) + 1))
    theirs = [origin_sequence for _s, origin, origin_sequence, _uid in log if origin == "m1-laptop"]
    assert theirs == sorted(theirs) and len(theirs) == 6  # 3 enrolments, 3 payments
    assert len({uid for *_rest, uid in log}) == len(log)
