"""Run by bench_adjudication.py in a process of its own, against the SQLite database in
DATABASE_URL (a demo register): adds providers, a list of acts and agreements, builds 200,000
claims of about three lines, then

1. times `claims_submit` on all of them at once: resolving member numbers, providers and acts,
   reading coverage, agreements and histories, adjudicating and writing claims and lines;
2. times the floor: the very rows it wrote (claims, lines and their events), inserted with plain
   `executemany` into a copy of the database taken just before (same schema, indexes, triggers
   and pragmas, one transaction).

Prints the figures as JSON on its last line."""

import datetime
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualis.claims.services import ClaimInput, LineInput, claims_submit  # noqa: E402
from mutualis.federation.models import Organisation  # noqa: E402
from mutualis.federation.rules import Kind  # noqa: E402
from mutualis.membership.models import Beneficiary  # noqa: E402
from mutualis.providers.models import (  # noqa: E402
    Agreement,
    AgreementVersion,
    MedicalItem,
    Tariff,
)
from mutualis.providers.services import provider_create  # noqa: E402

CLAIMS = 200_000
# code, kind, service category, agreed price, maximum quantity
ITEMS = [
    ("B-CS-CSI", "act", "consultation", 1000, None),
    ("B-CPN", "act", "antenatal_care", 1500, None),
    ("B-GE", "act", "laboratory", 1500, None),
    ("B-NFS", "act", "laboratory", 2500, None),
    ("B-PARA", "medicine", "medicines", 25, 30),
    ("B-AMOX", "medicine", "medicines", 60, 30),
    ("B-ACT", "medicine", "medicines", 900, 6),
    ("B-SRO", "medicine", "medicines", 150, 10),
    ("B-FER", "medicine", "medicines", 20, 90),
    ("B-ACC", "flat_fee", "childbirth", 12000, 1),
]


def set_up() -> list[str]:
    """A health centre per mutual under agreement with it; the codes of the providers."""
    national = Organisation.objects.get(kind=Kind.NATIONAL_UNION, parent=None)
    items = [
        MedicalItem.objects.create(
            owner=national,
            kind=kind,
            code=code,
            label=code,
            service_category=category,
            max_quantity=maximum,
        )
        for code, kind, category, _price, maximum in ITEMS
    ]
    prices = {code: price for code, _k, _c, price, _m in ITEMS}
    codes = []
    start = timezone.localdate() - datetime.timedelta(days=3 * 365)
    for mutual in Organisation.objects.filter(kind=Kind.MUTUAL):
        provider = provider_create(
            by=None,
            owner=national,
            code=f"B-CS-{mutual.code}",
            name=f"Centre de santé {mutual.name}",
            kind="health_centre",
            level="health_centre",
            sector="public",
        )
        agreement = Agreement.objects.create(
            provider=provider,
            party=mutual,
            reference=f"C-{mutual.code}",
            signed_on=start,
            starts_on=start,
        )
        version = AgreementVersion.objects.create(agreement=agreement, valid_from=start)
        Tariff.objects.bulk_create(
            Tariff(version=version, item=item, price=prices[item.code]) for item in items
        )
        codes.append(provider.code)
    return codes


def claims(rng: random.Random, providers: dict[int, str], today: datetime.date) -> list:
    """Claims of people drawn from the whole register at their mutual's health centre, in the
    last two months: a consultation, often medicines, sometimes a test; a few asked above the
    agreed price or beyond the quantity limit."""
    people = list(Beneficiary.objects.values_list("member_number", "mutual_id"))
    made = []
    for number in range(CLAIMS):
        member, mutual = rng.choice(people)
        day = today - datetime.timedelta(days=rng.randrange(1, 60))
        lines = [LineInput("B-CS-CSI", 1, 1000 if rng.random() < 0.9 else 1500)]
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            code, _kind, _category, price, _maximum = rng.choice(ITEMS[4:9])
            lines.append(LineInput(code, rng.choice((6, 10, 12, 20, 40)), price))
        if rng.random() < 0.1:
            lines.append(LineInput(rng.choice(("B-GE", "B-NFS")), 1, 2500))
        made.append(
            ClaimInput(
                member_number=member,
                provider_code=providers[mutual],
                provider_reference=f"F{number:07d}",
                service_from=day,
                service_to=None,
                lines=tuple(lines),
            )
        )
    return made


def checkpoint() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def rows(database: Path, table: str, after: int = 0) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(f"SELECT * FROM {table} WHERE id > ? ORDER BY id", [after]).fetchall()


def last_id(database: Path, table: str) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def executemany_seconds(database: Path, tables: dict[str, list[tuple]]) -> float:
    """The floor: the same rows into the same tables with plain executemany, one transaction,
    with the pragmas the application uses."""
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for table, values in tables.items():
        marks = ", ".join("?" * len(values[0]))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def drain_seconds() -> dict[str, float]:
    """A consumer that does nothing reads the whole log, the batch's events included: the cost
    of the reading itself, cursors moved a batch at a time."""
    from mutualis.core.consumers import Consumer, drain

    started = time.perf_counter()
    cpu = time.process_time()
    run = drain(Consumer("bench-nothing", lambda events: None))
    return {
        "drained_events": run.read,
        "drain_seconds": time.perf_counter() - started,
        "drain_cpu_seconds": time.process_time() - cpu,
    }


def main() -> None:
    rng = random.Random(11)
    database = Path(connection.settings_dict["NAME"])
    today = timezone.localdate()
    codes = set_up()
    providers = {
        mutual: code
        for mutual, code in Agreement.objects.values_list("party_id", "provider__code")
        if code in codes
    }
    inputs = claims(rng, providers, today)
    lines = sum(len(claim.lines) for claim in inputs)
    checkpoint()
    copy = database.with_name("before-claims.sqlite3")
    shutil.copyfile(database, copy)
    events_before = last_id(copy, "core_event")

    started = time.perf_counter()
    cpu = time.process_time()
    submission = claims_submit(inputs, channel="upload", actor=None, scope_prefix="/", today=today)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if submission.errors or not submission.saved:
        raise SystemExit(f"the claims were refused: {list(submission.errors.items())[:3]}")

    checkpoint()
    written = {table: rows(database, table) for table in ("claims_claim", "claims_claimline")}
    # the events are part of the change: the floor writes them too
    written["core_event"] = rows(database, "core_event", after=events_before)
    if [len(rows) for rows in written.values()] != [CLAIMS, lines, CLAIMS]:
        raise SystemExit(f"wrote {[len(v) for v in written.values()]}, not {CLAIMS}, {lines}")
    floor = executemany_seconds(copy, written)
    copy.unlink()
    drained = drain_seconds()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT outcome, count(*) FROM claims_claimline GROUP BY outcome")
        outcomes = dict(cursor.fetchall())
        cursor.execute("SELECT status, count(*) FROM claims_claim GROUP BY status")
        statuses = dict(cursor.fetchall())
        cursor.execute(
            "SELECT reasons, count(*) FROM claims_claimline WHERE reasons <> ''"
            " GROUP BY reasons ORDER BY count(*) DESC LIMIT 8"
        )
        reasons = cursor.fetchall()
    print(
        json.dumps(
            {
                "claims": CLAIMS,
                "lines": lines,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "executemany_seconds": floor,
                **drained,
                "outcomes": outcomes,
                "statuses": statuses,
                "reasons": reasons,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
