"""Cash books and the daily count (issue 14): money taken in cash is in the cash box of the user
who took it; the cashier counts it at the end of the day against what the books expect, and a
difference is posted, explained; cash handed from one box to another (the takings to the safe)
is one entry that moves it from the one to the other."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mutualis.accounting.cash import cash_book, cash_boxes
from mutualis.accounting.models import CashCount, Entry
from mutualis.accounting.services import EntryLine, cash_count, cash_hand_over, entry_record
from mutualis.contributions.services import payment_record
from mutualis.core.models import Event
from tests.accounting.test_posting import entries, post

TAKEN = 14_000
FUEL = 2_500


@pytest.fixture
def a_day(family, federation, cast):
    """Today at Joal: the cashier takes the Diop household's payment in cash, and pays for
    the motorbike's fuel from their box; the manager takes a payment by mobile money."""
    today = timezone.localdate()
    payment_record(
        by=cast["cashier"], household=family, amount=TAKEN, method="cash", received_on=today
    )
    payment_record(
        by=cast["mutual_manager"],
        household=family,
        amount=500,
        method="mobile_money",
        reference="MP1",
        received_on=today,
    )
    post()
    entry_record(
        by=cast["accountant"],
        organisation=federation.m1,
        journal="CA",
        date=today,
        label="Carburant de la moto",
        reference="BC-12",
        lines=[EntryLine("624", debit=FUEL), EntryLine("571", credit=FUEL)],
        cashier=cast["cashier"],
    )
    return today


def test_each_cashier_has_a_cash_book_of_what_they_took_and_paid(a_day, cast, federation):
    book = cash_book(federation.m1, cast["cashier"], a_day, a_day)
    assert book.opening == 0
    assert [(m.entry.journal, m.amount, m.balance) for m in book.movements] == [
        ("CA", TAKEN, TAKEN),
        ("CA", -FUEL, TAKEN - FUEL),
    ]
    assert (book.debits, book.credits, book.closing) == (TAKEN, FUEL, TAKEN - FUEL)
    # the mobile money is on the operator's account, in nobody's box; the safe holds nothing
    assert cash_book(federation.m1, cast["mutual_manager"], a_day, a_day).movements == []
    assert cash_book(federation.m1, None, a_day, a_day).closing == 0
    assert cast["cashier"] in cash_boxes(federation.m1)
    # the next day opens with the balance
    after = cash_book(federation.m1, cast["cashier"], a_day + datetime.timedelta(days=1), a_day)
    assert after.opening == TAKEN - FUEL


def test_a_count_that_agrees_posts_nothing(a_day, cast, federation):
    count = cash_count(
        by=cast["cashier"],
        organisation=federation.m1,
        cashier=cast["cashier"],
        day=a_day,
        counted=TAKEN - FUEL,
    )
    assert (count.expected, count.difference, count.entry) == (TAKEN - FUEL, 0, None)
    assert Event.objects.get(kind="cash.counted").payload["counted"] == TAKEN - FUEL


@pytest.mark.parametrize(
    ("counted", "account", "side"),
    [(TAKEN - FUEL - 200, "658", "debit"), (TAKEN - FUEL + 100, "758", "credit")],
)
def test_a_difference_is_posted_as_a_shortage_or_a_surplus_with_its_explanation(
    a_day, cast, federation, counted, account, side
):
    count = cash_count(
        by=cast["mutual_manager"],
        organisation=federation.m1,
        cashier=cast["cashier"],
        day=a_day,
        counted=counted,
        explanation="Monnaie rendue en trop",
    )
    difference = abs(count.difference)
    lines = dict((n, (d, c)) for n, d, c in dict(entries(federation.m1))["CA"] if n == account)
    assert lines[account] == ((difference, 0) if side == "debit" else (0, difference))
    assert "Monnaie rendue en trop" in count.entry.label
    assert cash_book(federation.m1, cast["cashier"], a_day, a_day).closing == counted


def test_a_wrong_count_is_refused_naming_the_field_and_nothing_is_written(a_day, cast, federation):
    def refused(field, words, **changes):
        arguments = {
            "by": cast["cashier"],
            "organisation": federation.m1,
            "cashier": cast["cashier"],
            "day": a_day,
            "counted": TAKEN - FUEL,
            **changes,
        }
        with translation.override("en"), pytest.raises(ValidationError) as error:
            cash_count(**arguments)
        assert words in " ".join(error.value.message_dict[field])

    entries_before = Entry.objects.count()
    refused("explanation", "explain the difference", counted=TAKEN)
    refused("counted", "cannot be negative", counted=-1)
    refused("day", "has begun", day=a_day + datetime.timedelta(days=1))
    refused("cashier", "their own cash box", cashier=cast["mutual_manager"])
    refused("cashier", "does not keep a cash box", by=None, cashier=cast["union_officer"])
    refused("organisation", "role", by=cast["enrolment_agent"])
    cash_count(
        by=cast["cashier"],
        organisation=federation.m1,
        cashier=cast["cashier"],
        day=a_day,
        counted=TAKEN - FUEL,
    )
    refused("day", "counted on", counted=TAKEN - FUEL)
    assert CashCount.objects.count() == 1
    assert Entry.objects.count() == entries_before


def test_cash_handed_to_the_safe_leaves_the_box_for_the_safe_in_one_entry(a_day, cast, federation):
    entry = cash_hand_over(
        by=cast["cashier"],
        organisation=federation.m1,
        giver=cast["cashier"],
        taker=None,
        amount=10_000,
        day=a_day,
        note="BV-3",
    )

    assert entry.journal == "CA" and entry.reference == "BV-3"
    assert entry.label == f"Remise d’espèces au coffre par {cast['cashier']}"
    assert cash_book(federation.m1, cast["cashier"], a_day, a_day).closing == TAKEN - FUEL - 10_000
    assert cash_book(federation.m1, None, a_day, a_day).closing == 10_000
    assert Event.objects.filter(kind="entry.recorded", subject=entry.uid).exists()
    # the safe gives the cashier a float back, recorded by the accountant
    cash_hand_over(
        by=cast["accountant"],
        organisation=federation.m1,
        giver=None,
        taker=cast["cashier"],
        amount=1_000,
        day=a_day,
    )
    assert cash_book(federation.m1, None, a_day, a_day).closing == 9_000


def test_a_wrong_handover_is_refused_naming_the_field_and_nothing_is_written(
    a_day, cast, federation
):
    def refused(field, words, **changes):
        arguments = {
            "by": cast["cashier"],
            "organisation": federation.m1,
            "giver": cast["cashier"],
            "taker": None,
            "amount": 1_000,
            "day": a_day,
            **changes,
        }
        with translation.override("en"), pytest.raises(ValidationError) as error:
            cash_hand_over(**arguments)
        assert words in " ".join(error.value.message_dict[field])

    entries_before = Entry.objects.count()
    refused("amount", "cannot hand over more", amount=TAKEN - FUEL + 1)
    refused("amount", "positive whole amount", amount=0)
    refused("taker", "another box", taker=cast["cashier"])
    refused("giver", "their own box", giver=cast["mutual_manager"], taker=cast["cashier"])
    refused("taker", "does not keep a cash box", by=None, taker=cast["union_officer"])
    refused("day", "future", day=a_day + datetime.timedelta(days=1))
    refused("organisation", "role", by=cast["enrolment_agent"])
    assert Entry.objects.count() == entries_before
