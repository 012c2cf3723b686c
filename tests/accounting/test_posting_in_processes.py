"""The books drained with other processes preparing the batches (`mutualis work --preparing`,
issue 14's five million lines): each batch is worked out in another process, ahead, and written
here in the log's order, so the books are those of a drain in one process, entry for entry.

Two mutuals of a demo database get the same 4,500 events of 2027 (three batches each): payments
in cash and by mobile money, some reversed one or two batches later, claims of their own members
and of another payer's, provider payments, and March closed. One mutual's log is posted in this
process, batch after batch; the other's by a drain with two processes preparing. Their books
must be the same: journals, numbers, days, labels, accounts and amounts.
Mutations this test catches: batches written out of the log's order (numbers differ), a batch
skipped or left to the drain in one process (nothing prepared apart), a reversal looked up
before the batch holding its payment was written, an event of a closed month kept on its day."""

import datetime
import json
import sys

import pytest

from mutualis.accounting.consumers import CONSUMERS
from mutualis.accounting.models import ClosedMonth, Entry
from mutualis.contributions.services import payment_record
from mutualis.core.consumers import BATCH, Prepared, Run, drain, handle_prepared, read_after
from mutualis.core.models import Cursor
from tests.accounting.test_posting import mobile_money_moved
from tests.apart import MUTUALIS, database_apart, run

D = datetime.date
(BOOKS,) = CONSUMERS

COMMON = """
import datetime, json, random, sys
import django
django.setup()
from django.db import transaction
from mutualis.accounting.consumers import CONSUMERS
from mutualis.accounting.models import ClosedMonth, Entry
from mutualis.core.consumers import BATCH, Run, drain, drain_batch
from mutualis.core.events import NewEvent, append_all
from mutualis.core.ids import new_uid
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Kind

(BOOKS,) = CONSUMERS
PROVIDER, STATE = "0190a0c2-7d3e-7c6b-9c1e-3f2a1b4c5d6e", "0190a0c2-7d3e-7c6b-9c1e-3f2a1b4c5d6f"
serial, apart = Organisation.objects.filter(kind=Kind.MUTUAL).order_by("pk")[:2]


def stream(mutual):
    rng = random.Random(7)
    events, payments = [], []
    for n in range(4500):
        day = (datetime.date(2027, 1, 1) + datetime.timedelta(days=n // 15)).isoformat()
        roll = rng.random()
        if roll < 0.4:
            uid = new_uid()
            amount = 3500 * rng.randint(1, 4)
            events.append(NewEvent("payment.recorded", uid, {
                "receipt_number": f"2027-{n:05d}", "method": rng.choice(["cash", "mobile_money"]),
                "received_on": day, "amount": amount + 1000,
                "parts": [{"kind": "registration_fee", "amount": 1000, "payer": None},
                          {"kind": "contribution", "amount": amount, "payer": None}]}))
            payments.append(uid)
        elif roll < 0.45 and len(payments) > 300:
            reversed_ = payments.pop(rng.randrange(len(payments) - 300, len(payments)))
            events.append(NewEvent("payment.reversed", new_uid(), {
                "reverses": str(reversed_), "received_on": day}))
        elif roll < 0.9:
            events.append(NewEvent("claim.adjudicated", new_uid(), {
                "payer": rng.choice([str(mutual.uid), str(mutual.uid), STATE]),
                "mutual_share": rng.choice([800, 2400, 9600]), "decided_on": day,
                "service_from": day, "provider": PROVIDER}))
        else:
            events.append(NewEvent("provider_payment.recorded", new_uid(), {
                "amount": 9600, "method": "bank_transfer", "paid_on": day,
                "statement_number": n, "reference": "", "provider": PROVIDER}))
    return events


def books(mutual):
    return [
        [e.journal, e.year, e.number, e.date.isoformat(), e.label, e.reference, e.source_kind,
         sorted(e.lines.values_list("account__number", "debit", "credit", "party"))]
        for e in Entry.objects.filter(mutual=mutual, year=2027).order_by("journal", "number")
    ]


"""
LOG_AND_POST_ONE = """
drain(BOOKS)  # the demo's own log
with transaction.atomic():
    for mutual in (serial, apart):
        ClosedMonth.objects.create(mutual=mutual, month=datetime.date(2027, 3, 1))
        append_all(mutual.pk, stream(mutual))
one = Run()
while drain_batch(BOOKS, serial.pk, BATCH, one) == BATCH:
    pass
print(json.dumps({"serial": books(serial), "read": one.read}, default=str))
"""
POST_APART = """
done = drain(BOOKS, preparing=2)
found = {"apart": books(apart), "read": done.read, "prepared": done.prepared}
print(json.dumps(found, default=str))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory, django_db_blocker):
    folder = tmp_path_factory.mktemp("posting")
    with database_apart(folder, django_db_blocker, "posting") as env:
        env["DJANGO_SETTINGS_MODULE"] = "mutualis.config.settings"
        run(env, str(MUTUALIS), "demo", "--mutuals", "2", "--households-per-mutual", "4")
        yield env


def test_books_prepared_in_other_processes_are_those_of_one_process(demo):
    logged = json.loads(run(demo, sys.executable, "-c", COMMON + LOG_AND_POST_ONE).stdout)
    found = json.loads(run(demo, sys.executable, "-c", COMMON + POST_APART).stdout)

    assert logged["read"] == found["read"] == 4500
    assert found["prepared"] == 3  # 2,000 + 2,000 + 500 events
    serial = logged["serial"]
    assert found["apart"] == serial
    assert {entry[6] for entry in serial} == {
        "payment.recorded",
        "payment.reversed",
        "claim.adjudicated",
        "provider_payment.recorded",
    }
    assert not [e for e in serial if e[3].startswith("2027-03")]  # March is closed
    assert [e for e in serial if e[3] == "2027-04-01"]


# A batch prepared in another process is written later: what it was worked out from may have
# changed in between. Prepared here, then changed, then handed to the writing as the drain does.
# Mutations these tests catch: the books writing a batch without checking that the closed
# months and the mapping are still those it was prepared with; a batch handled after another
# worker moved the cursor past it (the cursor moved back).


def prepared_batch(organisation):
    """The books' next batch of the organisation's log, prepared as another process does."""
    cursor, _ = Cursor.objects.get_or_create(consumer=BOOKS.name, organisation_id=organisation.pk)
    events = read_after(organisation.pk, cursor.position, BATCH)
    wanted = BOOKS.wanted(events)
    return Prepared(
        organisation.pk,
        cursor.position,
        events[-1].sequence,
        len(events),
        len(wanted),
        BOOKS.prepare(wanted) if wanted else None,
    )


def lines_of(organisation):
    return [
        (entry.date, sorted(entry.lines.values_list("account__number", "debit", "credit")))
        for entry in Entry.objects.filter(mutual=organisation).order_by("pk")
    ]


@pytest.mark.django_db
def test_a_month_closed_after_its_batch_was_prepared_moves_the_entry_to_the_next_month(
    family, federation
):
    payment_record(
        by=None, household=family, amount=5000, method="cash", received_on=D(2025, 1, 10)
    )
    batch = prepared_batch(federation.m1)
    ClosedMonth.objects.create(mutual=federation.m1, month=D(2025, 1, 1))

    assert handle_prepared(BOOKS, batch, Run())
    assert lines_of(federation.m1) == [
        (D(2025, 2, 1), [("571", 5000, 0), ("701", 0, 4000), ("706", 0, 1000)])
    ]


@pytest.mark.django_db
def test_a_mapping_changed_after_its_batch_was_prepared_gives_the_entry_its_new_account(
    family, federation
):
    payment_record(
        by=None,
        household=family,
        amount=5000,
        method="mobile_money",
        reference="WAVE-1",
        received_on=D(2025, 1, 10),
    )
    batch = prepared_batch(federation.m1)
    mobile_money_moved(federation)

    assert handle_prepared(BOOKS, batch, Run())
    assert lines_of(federation.m1) == [
        (D(2025, 1, 10), [("5511", 5000, 0), ("701", 0, 4000), ("706", 0, 1000)])
    ]


@pytest.mark.django_db
def test_a_batch_another_worker_handled_meanwhile_is_left_as_it_is(family, federation):
    batch = prepared_batch(federation.m1)  # the household's enrolment: nothing to post
    payment_record(
        by=None, household=family, amount=5000, method="cash", received_on=D(2025, 1, 10)
    )
    assert drain(BOOKS).handled == 1  # another worker, past the batch and the payment

    assert not handle_prepared(BOOKS, batch, Run())
    assert drain(BOOKS).read == 0  # the cursor is still past the payment
    assert len(lines_of(federation.m1)) == 1
