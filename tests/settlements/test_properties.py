"""Whatever the sequence of issues, cancellations, payments and reversals: a claim is never on
two statements at once, a statement's total is the sum of its claims' shares, and what is paid
on a statement never exceeds it (design-rules.md rules 2 and 5)."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.claims.models import Claim
from mutualis.settlements.models import ProviderPayment, Statement, StatementClaim
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statement_cancel,
    statements_issue,
)
from tests.settlements.conftest import D

MONTHS = [D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)]
ISSUED, CANCELLED, PAID, REVERSED = D(2025, 5, 10), D(2025, 5, 15), D(2025, 5, 20), D(2025, 5, 21)

ISSUE = st.tuples(st.just("issue"), st.sampled_from(["m1", "d2"]), st.sampled_from(MONTHS))
# an amount, or one named after what the statement still owes: the edges that matter
AMOUNTS = st.one_of(st.integers(-50, 4000), st.sampled_from(["owed", "owed+1", "half"]))
OPERATIONS = st.tuples(
    ISSUE,
    st.lists(
        st.one_of(
            ISSUE,
            st.tuples(st.just("cancel"), st.integers(0, 5)),
            st.tuples(st.just("pay"), st.integers(0, 5), AMOUNTS),
            st.tuples(st.just("reverse"), st.integers(0, 9)),
        ),
        max_size=12,
    ),
).map(lambda first_and_rest: [first_and_rest[0], *first_and_rest[1]])


class Undo(Exception):
    """Raised at the end of each example to roll back what it wrote."""


@pytest.fixture
def claims(bill, care):
    """Six claims over February to April: four at Joal paid by M1, two at Pakour paid by D2."""
    return [
        bill(day=D(2025, 2, 20)),
        bill(day=D(2025, 3, 10)),
        bill(care.fatou, day=D(2025, 3, 12)),
        bill(care.fatou, day=D(2025, 4, 3)),
        bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12)),
        bill(care.awa, provider="PS-PAKOUR", day=D(2025, 4, 5)),
    ]


def pick(items, index):
    return items[index % len(items)] if items else None


def paid_on(statement) -> int:
    return ProviderPayment.objects.filter(statement=statement).aggregate(s=Sum("amount"))["s"] or 0


def apply(operation, federation) -> None:
    kind, *args = operation
    statements = list(Statement.objects.order_by("pk"))
    if kind == "issue":
        payer = getattr(federation, args[0])
        with contextlib.suppress(ValidationError):
            statements_issue(by=None, payer=payer, day=args[1], issued_on=ISSUED)
    elif kind == "cancel" and statements:
        with contextlib.suppress(ValidationError):
            statement_cancel(by=None, statement=pick(statements, args[0]), reason="x", on=CANCELLED)
    elif kind == "pay" and statements:
        statement = pick(statements, args[0])
        owed = 0 if statement.cancelled_on else statement.total - paid_on(statement)
        named = {"owed": owed, "owed+1": owed + 1, "half": owed // 2}
        amount = named.get(args[1], args[1])
        try:
            provider_payment_record(
                by=None, statement=statement, amount=amount, method="cash", paid_on=PAID
            )
            accepted = True
        except ValidationError as error:
            accepted = False
            assert error.message_dict
        # accepted exactly when the amount is positive and no more than what is still owed
        assert accepted == (0 < amount <= owed)
    elif kind == "reverse":
        payment = pick(list(ProviderPayment.objects.order_by("pk")), args[0])
        if payment is not None:
            with contextlib.suppress(ValidationError):
                provider_payment_reverse(by=None, payment=payment, reason="x", on=REVERSED)


def check_invariants() -> None:
    for claim in Claim.objects.all():
        listed = StatementClaim.objects.filter(claim=claim, released_on__isnull=True)
        assert listed.count() <= 1, "a claim is on two statements"
        for line in StatementClaim.objects.filter(claim=claim).select_related("statement"):
            assert line.amount == claim.mutual_share
            assert line.statement.mutual_id == claim.payer_id
    for statement in Statement.objects.all():
        lines = StatementClaim.objects.filter(statement=statement)
        assert statement.total == sum(line.amount for line in lines)
        paid = paid_on(statement)
        assert 0 <= paid <= statement.total, "paid more than owed"
        if statement.cancelled_on is not None:
            assert paid == 0
            assert not lines.filter(released_on__isnull=True).exists()
        else:
            assert not lines.filter(released_on__isnull=False).exists()


@settings(max_examples=50)
@given(operations=OPERATIONS)
def test_no_claim_is_paid_twice_and_no_statement_beyond_its_total(claims, federation, operations):
    try:
        with transaction.atomic():
            for operation in operations:
                apply(operation, federation)
                check_invariants()
            raise Undo
    except Undo:
        pass
