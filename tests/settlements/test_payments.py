"""Payments to providers: partial payments add up to what a statement owes and never beyond it;
a mistaken payment is reversed by a negative one that names it, never deleted."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.audit import audit_trail
from mutualis.settlements.models import ProviderPayment
from mutualis.settlements.queries import standings_of
from mutualis.settlements.rules import StatementStatus
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statement_cancel,
    statements_issue,
)
from tests.settlements.conftest import FUTURE, ISSUED, MARCH, D

PAID = D(2025, 4, 10)
TODAY = D(2025, 6, 1)


@pytest.fixture
def statement(bill, federation):
    """M1's statement of March to the health post of Joal: two claims, 2,000 XOF."""
    bill(day=D(2025, 3, 10))
    bill(day=D(2025, 3, 11))
    (statement,) = statements_issue(
        by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED
    ).statements
    return statement


def pay(statement, amount, day=PAID, method="cash", **extra):
    return provider_payment_record(
        by=None, statement=statement, amount=amount, method=method, paid_on=day, **extra
    )


def state(statement, today=TODAY):
    return standings_of([statement], today)[statement.pk]


def test_partial_payments_add_up_until_the_statement_is_paid(statement):
    assert state(statement).status == StatementStatus.UNPAID

    pay(statement, 1200, D(2025, 4, 10))
    partly = state(statement)
    pay(statement, 800, D(2025, 5, 20), method="bank_transfer", reference="VIR-778")
    paid = state(statement)

    assert (partly.status, partly.paid, partly.outstanding) == (
        StatementStatus.PARTLY_PAID,
        1200,
        800,
    )
    assert (paid.status, paid.paid, paid.outstanding) == (StatementStatus.PAID, 2000, 0)
    assert paid.settled_on == D(2025, 5, 20)
    # due on 2 May (30 days after the issue): paid 18 days late
    assert paid.delay == 18 and paid.days_late == 18


def test_a_payment_cannot_be_more_than_what_is_still_owed(statement):
    pay(statement, 1500)

    with pytest.raises(ValidationError) as refused:
        pay(statement, 501)

    (message,) = refused.value.message_dict["amount"]
    assert "500" in message
    assert ProviderPayment.objects.count() == 1
    pay(statement, 500)
    assert state(statement).status == StatementStatus.PAID


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 2.5}, "amount"),
        ({"method": "cheque"}, "method"),
        ({"method": "bank_transfer", "reference": " "}, "reference"),
        ({"day": D(2025, 4, 1)}, "paid_on"),  # before the statement's issue
        ({"day": FUTURE}, "paid_on"),
    ],
)
def test_a_bad_payment_names_its_field_and_writes_nothing(statement, change, field):
    given = {"amount": 100, "day": D(2025, 4, 10), "method": "cash", **change}

    with pytest.raises(ValidationError) as refused:
        pay(statement, given.pop("amount"), **given)

    assert list(refused.value.message_dict) == [field]
    assert not ProviderPayment.objects.exists()


def test_a_cancelled_statement_takes_no_payment(statement):
    statement_cancel(by=None, statement=statement, reason="error", on=ISSUED)

    with pytest.raises(ValidationError) as refused:
        pay(statement, 100)

    assert list(refused.value.message_dict) == ["statement"]


def test_a_reversal_is_a_negative_payment_naming_the_original(statement):
    payment = pay(statement, 2000, D(2025, 4, 10), method="mobile_money", reference="OM-1")

    reversal = provider_payment_reverse(
        by=None, payment=payment, reason="sent to the wrong account", on=D(2025, 4, 12)
    )

    assert (reversal.amount, reversal.reverses, reversal.statement) == (-2000, payment, statement)
    assert (reversal.method, reversal.reference) == ("mobile_money", "OM-1")
    assert reversal.note == "sent to the wrong account"
    assert ProviderPayment.objects.count() == 2  # the original stays
    after = state(statement)
    assert (after.status, after.paid, after.outstanding) == (StatementStatus.UNPAID, 0, 2000)
    assert [entry.action for entry in audit_trail(reversal)] == ["create"]
    # what was reversed may be paid again
    pay(statement, 2000, D(2025, 4, 13))
    assert state(statement).settled_on == D(2025, 4, 13)


def test_a_payment_is_reversed_once_and_a_reversal_never(statement):
    payment = pay(statement, 700)
    reversal = provider_payment_reverse(by=None, payment=payment, reason="error", on=D(2025, 4, 10))

    for target in (payment, reversal):
        with pytest.raises(ValidationError) as refused:
            provider_payment_reverse(by=None, payment=target, reason="again", on=D(2025, 4, 11))
        assert list(refused.value.message_dict) == ["payment"]
    assert ProviderPayment.objects.count() == 2


@pytest.mark.parametrize(
    ("reason", "on", "field"),
    [
        ("", D(2025, 4, 12), "reason"),
        ("error", D(2025, 4, 9), "on"),  # before the payment
    ],
)
def test_a_bad_reversal_names_its_field_and_writes_nothing(statement, reason, on, field):
    payment = pay(statement, 700, D(2025, 4, 10))

    with pytest.raises(ValidationError) as refused:
        provider_payment_reverse(by=None, payment=payment, reason=reason, on=on)

    assert list(refused.value.message_dict) == [field]
    assert ProviderPayment.objects.count() == 1


def test_a_payment_is_recorded_with_who_recorded_it_and_audited(statement, cast):
    accountant = cast["accountant"]

    payment = provider_payment_record(
        by=accountant,
        statement=statement,
        amount=300,
        method="cash",
        paid_on=D(2025, 4, 10),
        note=" first part ",
    )

    assert payment.recorded_by == accountant and payment.mutual == statement.mutual
    assert payment.note == "first part"
    (entry,) = audit_trail(payment)
    assert entry.actor == accountant and entry.changes["amount"] == [None, 300]


def test_a_statement_and_its_payments_append_their_events_to_the_payers_log(statement, federation):
    from mutualis.core.models import Event

    payment = pay(statement, 2000)
    provider_payment_reverse(by=None, payment=payment, reason="mauvais compte", on=PAID)
    statement_cancel(by=None, statement=statement, reason="envoyé par erreur", on=PAID)
    found = list(
        Event.objects.filter(
            organisation_id=federation.m1.pk, kind__regex=r"^(statement|provider)"
        ).order_by("sequence")
    )
    assert [e.kind for e in found] == [
        "statement.issued",
        "provider_payment.recorded",
        "provider_payment.reversed",
        "statement.cancelled",
    ]
    issued, recorded, reversed_, cancelled = found
    assert issued.payload["total"] == 2000 == sum(c["amount"] for c in issued.payload["claims"])
    assert {c["mutual"] for c in issued.payload["claims"]} == {str(federation.m1.uid)}
    assert recorded.payload["amount"] == -reversed_.payload["amount"] == 2000
    assert reversed_.payload["reverses"] == str(payment.uid)
    assert cancelled.payload["reason"] == "envoyé par erreur"
    sequences = [e.sequence for e in found]
    assert sequences == sorted(sequences)
