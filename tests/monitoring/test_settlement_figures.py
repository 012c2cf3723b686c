"""The promptness of claims settlement from the operations (issue 15, DOMAIN.md §7: Σ days from
service to payment or denial / claims settled, and the counts settled within 7, 8 to 30, 31 to
90 and after 90 days), kept from the event log.

By the rule's words: a claim is settled when it is paid or denied. A claim the mutual owes
nothing for is settled the day it is decided; a claim on a provider's statement is paid the day
the statement is paid off (partial payments add up), and settled no more if a reversal makes
the statement owe again. It counts, for the claim's mutual (also when a union pays for it), in
the month it is settled, with the days from the first day of its care.

Mutations these tests catch: a partial payment counted as settling; the days counted from the
statement's issue or the claim's submission instead of the care; a reversal that leaves its
claims settled; a claim paid by the union counted in the union's own log instead of its
mutual's; a delay of exactly 30 days counted among the 31 to 90; a payment that pays off a
statement again, after a reversal, counted without the earlier settlement withdrawn."""

import contextlib
import datetime
from collections import Counter, defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.core.consumers import drain
from mutualis.monitoring import compute
from mutualis.monitoring.consumers import CONSUMERS
from mutualis.monitoring.figures import Span
from mutualis.monitoring.models import Figure
from mutualis.settlements.models import ProviderPayment, Statement
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statements_issue,
)
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.monitoring.settled import CODES, settled_by_month
from tests.settlements.conftest import (  # noqa: F401 - claims decided at once
    ISSUED,
    MARCH,
    bill,
    no_review,
)

(INDICATORS,) = CONSUMERS
D = datetime.date


def settled(organisation, month: D) -> tuple[int, ...]:
    drain(INDICATORS)
    found = dict(
        Figure.objects.filter(
            organisation=organisation, span=Span.MONTH, start=month, code__in=CODES
        ).values_list("code", "value")
    )
    return tuple(found.get(code, 0) for code in CODES)


def test_a_claim_is_settled_the_day_its_statement_is_paid_off(bill, federation):  # noqa: F811
    bill(day=D(2025, 3, 10))
    (statement,) = statements_issue(
        by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED
    ).statements

    provider_payment_record(
        by=None, statement=statement, amount=400, method="cash", paid_on=D(2025, 4, 5)
    )
    assert settled(federation.m1, D(2025, 4, 1)) == (0, 0, 0, 0, 0, 0)

    rest = statement.total - 400
    last = provider_payment_record(
        by=None, statement=statement, amount=rest, method="cash", paid_on=D(2025, 4, 9)
    )
    # 30 days from the care on 10 March to 9 April: within 8 to 30 days
    assert settled(federation.m1, D(2025, 4, 1)) == (1, 30, 0, 1, 0, 0)
    assert settled(federation.d1, D(2025, 4, 1)) == (1, 30, 0, 1, 0, 0)

    provider_payment_reverse(by=None, payment=last, reason="returned", on=D(2025, 5, 2))
    assert settled(federation.m1, D(2025, 4, 1)) == (0, 0, 0, 0, 0, 0)

    provider_payment_record(
        by=None, statement=statement, amount=rest, method="cash", paid_on=D(2025, 7, 1)
    )
    # 113 days from 10 March to 1 July
    assert settled(federation.m1, D(2025, 7, 1)) == (1, 113, 0, 0, 0, 1)


def test_a_claim_paid_by_the_union_counts_for_its_member_s_mutual(
    bill,  # noqa: F811
    care,  # noqa: F811
    federation,
):
    away = bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12))
    (statement,) = statements_issue(
        by=None, payer=federation.d2, day=MARCH, issued_on=ISSUED
    ).statements

    provider_payment_record(
        by=None, statement=statement, amount=statement.total, method="cash", paid_on=ISSUED
    )

    assert away.mutual == federation.m1
    # 21 days from 12 March to 2 April
    assert settled(federation.m1, D(2025, 4, 1)) == (1, 21, 0, 1, 0, 0)
    assert settled(federation.d2, D(2025, 4, 1)) == (0, 0, 0, 0, 0, 0)


def test_a_claim_the_mutual_owes_nothing_for_is_settled_the_day_it_is_decided(
    bill,  # noqa: F811
    federation,
):
    # care before the household's cover began (9 February): every line rejected
    denied = bill(day=D(2025, 2, 1), late=5)

    assert denied.mutual_share == 0
    assert settled(federation.m1, D(2025, 2, 1)) == (1, 5, 1, 0, 0, 0)


BILLS = st.lists(
    st.tuples(
        st.just("bill"),
        st.sampled_from(["moussa", "awa"]),
        st.sampled_from(["PS-JOAL", "PS-PAKOUR"]),
        st.sampled_from([D(2025, 3, 3), D(2025, 3, 31), D(2025, 4, 15)]),
        st.sampled_from([0, 4]),
    ),
    min_size=1,
    max_size=4,
)
# every claim billed goes on a statement of its payer: M1's own, or D2's for care at Pakour
STATEMENTS = [
    ("statements", month, payer)
    for month in (D(2025, 3, 1), D(2025, 4, 1))
    for payer in ("m1", "d2")
]
PAYMENTS = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(0, 3), st.booleans(), st.sampled_from([0, 9, 95])),
        st.tuples(st.just("reverse"), st.integers(0, 3), st.sampled_from([0, 40])),
        st.just(("indicators",)),
    ),
    max_size=10,
)


class Undo(Exception):
    """Raised at the end of each example to roll back what it wrote."""


def pick(items, index):
    return items[index % len(items)] if items else None


def apply(operation, federation, care, bill) -> None:  # noqa: F811
    kind, *args = operation
    refused = contextlib.suppress(ValidationError)
    today = timezone.localdate()
    if kind == "bill":
        who, provider, day, late = args
        with contextlib.suppress(AssertionError):  # a claim the register refuses
            bill(getattr(care, who), provider=provider, day=day, late=late)
    elif kind == "statements":
        day, payer = args
        issued_on = D(day.year, day.month + 1, 2)
        with refused:  # nothing to issue
            statements_issue(
                by=None, payer=getattr(federation, payer), day=day, issued_on=issued_on
            )
    elif kind == "pay":
        statement = pick(list(Statement.objects.order_by("pk")), args[0])
        if statement is not None:
            owed = statement.total - sum(p.amount for p in statement.payments.all())
            with refused:  # nothing owed
                provider_payment_record(
                    by=None,
                    statement=statement,
                    amount=owed if args[1] else max(owed // 2, 1),
                    method="cash",
                    paid_on=min(statement.issued_on + datetime.timedelta(days=args[2]), today),
                )
    elif kind == "reverse":
        payments = ProviderPayment.objects.filter(reverses=None, reversals=None).order_by("pk")
        payment = pick(list(payments), args[0])
        if payment is not None:
            on = min(payment.paid_on + datetime.timedelta(days=args[1]), today)
            provider_payment_reverse(by=None, payment=payment, reason="x", on=on)
    else:
        assert not drain(INDICATORS).failed


def kept(organisation) -> dict[D, dict[str, int]]:
    found: dict[D, dict[str, int]] = defaultdict(dict)
    for start, code, value in Figure.objects.filter(
        organisation=organisation, span=Span.MONTH, code__in=CODES
    ).values_list("start", "code", "value"):
        found[start][code] = value
    return found


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(bills=BILLS, payments=PAYMENTS)
def test_claims_settled_follow_the_payments_whatever_happens(
    care,  # noqa: F811
    bill,  # noqa: F811
    federation,
    bills,
    payments,
):
    try:
        with transaction.atomic():
            for operation in [*bills, ("indicators",), *STATEMENTS, *payments]:
                apply(operation, federation, care, bill)
            assert not drain(INDICATORS).failed
            expected: dict[D, Counter] = defaultdict(Counter)
            settled_by_month(federation.m1, expected)
            found = kept(federation.m1)
            for month, figures in expected.items():
                for code in CODES:
                    assert found[month].get(code, 0) == figures[code], (month, code)
            for month, figures in found.items():
                assert all(v == expected[month][code] for code, v in figures.items()), month
            before = set(
                Figure.objects.values_list("organisation", "span", "start", "code", "value")
            )
            compute.recompute(INDICATORS.name, timezone.localdate())
            again = set(
                Figure.objects.values_list("organisation", "span", "start", "code", "value")
            )
            assert again == before
            raise Undo
    except Undo:
        pass
