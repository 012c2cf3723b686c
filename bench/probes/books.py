"""Run by bench_books.py in a process of its own, against the SQLite database in DATABASE_URL (a
federation of 700 mutuals): appends a year of operations' events to each mutual's log, built
by the apps' own event builders (members' payments, third payers' shares and payments, claims
decided, provider payments: about five million journal lines once posted), then

1. times the books (accounting.consumers) posting the whole log, its batches prepared by
   another process while this one writes them (`mutualis work --preparing 1`): lines written
   per second;
2. times the trial balance of the national union over the year (every line), three times;
3. times one mutual's income statement over the year, thirty times.

Prints the figures as JSON on its last line."""

import datetime
import json
import os
import random
import resource
import statistics
import sys
import time
from types import SimpleNamespace

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from mutualis.accounting.consumers import CONSUMERS  # noqa: E402
from mutualis.accounting.models import Line  # noqa: E402
from mutualis.accounting.queries import income_statement, trial_balance  # noqa: E402
from mutualis.claims import events as claim_events  # noqa: E402
from mutualis.contributions import events as contribution_events  # noqa: E402
from mutualis.core.consumers import drain  # noqa: E402
from mutualis.core.events import append_all  # noqa: E402
from mutualis.core.ids import new_uid  # noqa: E402
from mutualis.federation.models import Organisation  # noqa: E402
from mutualis.federation.rules import Kind  # noqa: E402
from mutualis.settlements import events as settlement_events  # noqa: E402

YEAR = 2025
# per mutual and month; each payment posts 3 lines, a claim 2, a receivable 2, a payer's
# payment 2, a provider payment 2: about 600 lines a month, 5 million for 700 mutuals a year
PAYMENTS, CLAIMS, PROVIDER_PAYMENTS = 130, 140, 12
METHODS = ["cash", "cash", "mobile_money", "savings"]
PREPARING = 1  # processes preparing the batches, beside this one writing them


def processor_seconds() -> float:
    """This process's processor time and that of its children once they have ended."""
    mine, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def payment(rng: random.Random, day: datetime.date, number: int, household: str) -> object:
    fee = 1000 if rng.random() < 0.3 else 0
    share = 3500 * rng.randint(1, 6)
    row = SimpleNamespace(
        uid=new_uid(),
        receipt_number=f"{YEAR}-{number:06d}",
        household_id=1,
        payer_id=None,
        method=rng.choice(METHODS),
        reference="",
        received_on=day,
        amount=fee + share,
        reverses_id=None,
    )
    parts = [
        SimpleNamespace(
            kind="contribution",
            household_id=1,
            payer_id=None,
            period_start=datetime.date(YEAR, 1, 1),
            amount=share,
        )
    ]
    if fee:
        parts.insert(
            0,
            SimpleNamespace(
                kind="registration_fee",
                household_id=1,
                payer_id=None,
                period_start=None,
                amount=fee,
            ),
        )
    return contribution_events.payment_from(row, parts, households={1: household}, payers={})


def claim(rng: random.Random, day: datetime.date, own: str, provider: str) -> object:
    share = rng.choice([800, 1200, 2400, 9600])
    row = SimpleNamespace(
        uid=new_uid(),
        service_from=day,
        service_to=day,
        submitted_on=day,
        reviewed_at=None,
        asked=share + share // 4,
        mutual_share=share,
        member_share=share // 4,
        provider_loss=0,
        copay=0,
        review_reasons="",
    )
    return claim_events.claim_event(
        claim_events.ADJUDICATED,
        row,
        payer=own,
        provider=provider,
        beneficiary=str(new_uid()),
        lines=[],
    )


def provider_payment(day: datetime.date, number: int, provider: str, amount: int) -> object:
    statement = SimpleNamespace(
        uid=new_uid(), number=number, provider=SimpleNamespace(uid=provider)
    )
    row = SimpleNamespace(
        uid=new_uid(),
        statement=statement,
        amount=amount,
        paid_on=day,
        method="bank_transfer",
        reference=f"VIR-{number}",
        reverses_id=None,
    )
    return settlement_events.paid(row)


def receivable(day: datetime.date, payer: str, amount: int) -> object:
    row = SimpleNamespace(
        uid=new_uid(), period_start=day, recognised_on=day, amount=amount, households=40
    )
    return contribution_events.receivable_from(row, payer)


def log_a_year(mutual: Organisation, rng: random.Random) -> int:
    own, provider, state = str(mutual.uid), str(new_uid()), str(new_uid())
    events = []
    for month in range(1, 13):
        first = datetime.date(YEAR, month, 1)
        events.append(receivable(first, state, 140_000))
        for n in range(PAYMENTS):
            day = first + datetime.timedelta(days=n % 28)
            events.append(payment(rng, day, len(events), str(new_uid())))
        for n in range(CLAIMS):
            events.append(claim(rng, first + datetime.timedelta(days=n % 28), own, provider))
        for n in range(PROVIDER_PAYMENTS):
            events.append(provider_payment(first + datetime.timedelta(days=27), n, provider, 9600))
    with transaction.atomic():
        append_all(mutual.pk, events)
    return len(events)


def main() -> None:
    rng = random.Random(1)
    mutuals = list(Organisation.objects.filter(kind=Kind.MUTUAL).order_by("pk"))
    started = time.perf_counter()
    events = sum(log_a_year(mutual, rng) for mutual in mutuals)
    logged = time.perf_counter() - started
    print(f"{events} events logged in {logged:.0f} s", file=sys.stderr, flush=True)

    (books,) = CONSUMERS
    started, cpu = time.perf_counter(), processor_seconds()
    run = drain(books, preparing=PREPARING)
    seconds, cpu_seconds = time.perf_counter() - started, processor_seconds() - cpu
    assert not run.failed, "the books stopped on an event"
    assert run.prepared, "no batch was prepared apart"
    lines = Line.objects.count()

    national = Organisation.objects.get(kind=Kind.NATIONAL_UNION, parent=None)
    year = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    union_times = []
    for _ in range(3):
        begun = time.perf_counter()
        balances = trial_balance(national, *year)
        union_times.append(time.perf_counter() - begun)
    assert sum(b.debit for b in balances) == sum(b.credit for b in balances)
    statement_times = []
    for mutual in mutuals[:30]:
        begun = time.perf_counter()
        income_statement(mutual, *year)
        statement_times.append(time.perf_counter() - begun)
    connection.close()
    print(
        json.dumps(
            {
                "mutuals": len(mutuals),
                "events": events,
                "lines": lines,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "trial_balance_seconds": statistics.median(union_times),
                "income_statement_ms": statistics.median(statement_times) * 1000,
            }
        )
    )


if __name__ == "__main__":
    main()
