"""Run by bench_books_running.py in a process of its own, against the SQLite database in
DATABASE_URL (a demo register whose log the books have caught up with): adds the adjudication
probe's providers and agreements and builds its 200,000 claims, starts `mutualis work --consumer
books` in another process as production runs it beside the server, then

1. times `claims_submit` on the claims in uploads of 10,000 one after another, the books posting
   each upload's events while the next is adjudicated (a batch of 200,000 in one transaction
   would hold SQLite's write lock for a minute: the books could post nothing meanwhile);
2. times how long after the last upload the books have posted every event of the log.

Prints the figures as JSON on its last line."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import adjudication  # its providers and claims; importing it sets Django up
from django.db import connection
from django.utils import timezone

from mutualis.accounting.consumers import CONSUMERS
from mutualis.claims.services import claims_submit
from mutualis.core.consumers import behind, drain
from mutualis.providers.models import Agreement

UPLOAD = 10_000
LAG_LIMIT_SECONDS = 900


def worker() -> subprocess.Popen:
    """`mutualis work` for the books, polling the log every two seconds as it does by default."""
    return subprocess.Popen(
        [sys.executable, "-m", "mutualis", "work", "--consumer", "books"],
        env=os.environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def waiting_events() -> int:
    (books,) = CONSUMERS
    return sum(behind(books).values())


def main() -> None:
    rng = random.Random(11)
    today = timezone.localdate()
    codes = adjudication.set_up()
    providers = {
        mutual: code
        for mutual, code in Agreement.objects.values_list("party_id", "provider__code")
        if code in codes
    }
    inputs = adjudication.claims(rng, providers, today)
    # registering the providers logged events (provider.registered): the books read past them
    # before the clock starts, as the worker would
    drain(CONSUMERS[0])
    if waiting_events():
        raise SystemExit("the books are behind the log before the batch")
    connection.close()  # no connection held across the worker's start

    books = worker()
    try:
        time.sleep(3)  # past its first reading of the log
        started = time.perf_counter()
        cpu = time.process_time()
        for start in range(0, len(inputs), UPLOAD):
            submission = claims_submit(
                inputs[start : start + UPLOAD],
                channel="upload",
                actor=None,
                scope_prefix="/",
                today=today,
            )
            if submission.errors or not submission.saved:
                raise SystemExit(f"an upload was refused: {list(submission.errors.items())[:3]}")
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu
        waiting_at_end = waiting_events()
        while (waiting := waiting_events()) and books.poll() is None:
            if time.perf_counter() - started - seconds > LAG_LIMIT_SECONDS:
                raise SystemExit(f"the books still had {waiting} events to post")
            time.sleep(0.2)
        lag = time.perf_counter() - started - seconds
        if books.poll() is not None:
            raise SystemExit(f"the books' worker stopped:\n{books.stderr.read()[-3000:]}")
    finally:
        if books.poll() is None:
            books.send_signal(signal.SIGTERM)
            books.wait(timeout=120)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounting_line")
        (lines,) = cursor.fetchone()
    print(
        json.dumps(
            {
                "claims": len(inputs),
                "uploads": -(-len(inputs) // UPLOAD),
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "waiting_at_end": waiting_at_end,
                "lag_seconds": lag,
                "ledger_lines": lines,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
