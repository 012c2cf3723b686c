"""Whatever the sequence of payments, reversals, third payers' shares and payments, statements,
cancellations and provider payments, months closed and reopened, and whenever the books run in
between (issue 14's "done when"):

- every validated entry balances, and each journal is numbered 1…n per year without a gap;
- the books match the register to the franc, per organisation and month: the money of the
  payments received = the payments' amounts; contributions and fees earned = the member shares
  and fees the payments settled; what each third payer owes = its shares recognised less its
  payments; claims expensed = the mutual shares of the claims it decided and pays itself;
  provider invoices settled = the provider payments; an operation that reaches the books when
  its month is closed counted in the next month still open;
- a union's figures = the sum of its organisations' less the charge-backs between them;
- every balance sheet balances, in both systems of statements, and the cash-flow summary ends
  on the money the register received less what it paid providers.

The expected figures are read from the register's tables, as the issue's words say, never from
the books' code. Mutations these properties catch: a reversal posted with the original's signs;
a fee posted as a contribution; a payer's payment posted to contributions instead of its
receivable; an event posted twice when the books run again; a claim paid by another
organisation expensed at adjudication as well as when charged back; a charge-back with an
organisation outside the union eliminated from its figures; a cash flow counted from an
entry's cash lines instead of its other lines, or the year-end entries taken for movements; an
operation of a closed month posted a month too far.
"""

import contextlib
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Sum
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.accounting.consumers import CONSUMERS
from mutualis.accounting.models import ClosedMonth, Entry, Line
from mutualis.accounting.queries import balance_sheet, cash_flows, trial_balance
from mutualis.accounting.services import month_close, month_reopen
from mutualis.accounting.statements import System, statements
from mutualis.claims.choices import ClaimStatus
from mutualis.claims.models import Claim
from mutualis.contributions.models import Allocation, Payment, Receivable
from mutualis.contributions.services import (
    payer_payment_record,
    payment_record,
    payment_reverse,
    receivables_recognise,
)
from mutualis.core.consumers import drain
from mutualis.federation.models import Organisation
from mutualis.settlements.models import ProviderPayment, Statement
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statement_cancel,
    statements_issue,
)
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.settlements.conftest import D, bill, no_review  # noqa: F401 - claims to pay
from tests.settlements.test_properties import claims  # noqa: F401 - six claims, two away

(BOOKS,) = CONSUMERS
# the rows whose operations the checks below follow month by month
POSTED_FROM = (Payment, Claim, ProviderPayment)
CASH = {"571", "551", "521", "531"}
DAYS = [D(2025, 1, 20), D(2025, 2, 3), D(2025, 3, 15), D(2025, 5, 2), D(2025, 6, 30)]
METHODS = ["cash", "mobile_money", "bank_transfer", "savings"]
MONTHS = [D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)]
CLOSABLE = [D(2025, month, 1) for month in range(1, 7)]

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("pay"),
            st.integers(1, 20000),
            st.sampled_from(METHODS),
            st.sampled_from(DAYS),
        ),
        st.tuples(st.just("reverse"), st.integers(0, 9), st.sampled_from(DAYS)),
        st.tuples(st.just("recognise"), st.sampled_from(DAYS)),
        st.tuples(st.just("payer pays"), st.sampled_from([1, 5000, 13656]), st.sampled_from(DAYS)),
        st.tuples(st.just("issue"), st.sampled_from(["m1", "d2"]), st.sampled_from(MONTHS)),
        st.tuples(st.just("cancel"), st.integers(0, 5)),
        st.tuples(st.just("settle"), st.integers(0, 5), st.sampled_from(METHODS)),
        st.tuples(st.just("unsettle"), st.integers(0, 5)),
        st.just(("books",)),
        st.tuples(st.just("close"), st.sampled_from(["m1", "d2"]), st.sampled_from(CLOSABLE)),
        st.tuples(st.just("reopen"), st.integers(0, 5)),
    ),
    max_size=14,
)


class Undo(Exception):
    """Raised at the end of each example to roll back what it wrote."""


def pick(items, index):
    return items[index % len(items)] if items else None


def apply(operation, family, federation, state) -> None:
    kind, *args = operation
    refused = contextlib.suppress(ValidationError)
    if kind == "pay":
        amount, method, day = args
        reference = "" if method == "cash" else f"REF-{Payment.objects.count()}"
        with refused:
            payment_record(
                by=None,
                household=family,
                amount=amount,
                method=method,
                reference=reference,
                received_on=day,
            )
    elif kind == "reverse":
        payment = pick(list(Payment.objects.filter(reverses=None).order_by("pk")), args[0])
        if payment is not None:
            with refused:
                payment_reverse(
                    by=None, payment=payment, reason="x", on=max(args[1], payment.received_on)
                )
    elif kind == "recognise":
        receivables_recognise(by=None, mutual=federation.m1, on=args[0])
    elif kind == "payer pays":
        amount, day = args
        with refused:
            payer_payment_record(
                by=None,
                mutual=federation.m1,
                payer=state,
                amount=amount,
                method="bank_transfer",
                reference=f"VIR-{Payment.objects.count()}",
                received_on=day,
            )
    elif kind == "issue":
        with refused:
            statements_issue(
                by=None, payer=getattr(federation, args[0]), day=args[1], issued_on=D(2025, 5, 10)
            )
    elif kind == "cancel":
        statement = pick(list(Statement.objects.order_by("pk")), args[0])
        if statement is not None:
            with refused:
                statement_cancel(by=None, statement=statement, reason="x", on=D(2025, 5, 15))
    elif kind == "settle":
        statement = pick(list(Statement.objects.filter(cancelled_on=None).order_by("pk")), args[0])
        if statement is not None:
            paid = statement.payments.aggregate(s=Sum("amount"))["s"] or 0
            with refused:
                provider_payment_record(
                    by=None,
                    statement=statement,
                    amount=statement.total - paid,
                    method=args[1],
                    reference="" if args[1] == "cash" else f"P-{ProviderPayment.objects.count()}",
                    paid_on=D(2025, 5, 20),
                )
    elif kind == "unsettle":
        payment = pick(list(ProviderPayment.objects.filter(reverses=None).order_by("pk")), args[0])
        if payment is not None:
            with refused:
                provider_payment_reverse(by=None, payment=payment, reason="x", on=D(2025, 5, 21))
    elif kind == "books":
        run_books()
    elif kind == "close":
        with refused:
            month_close(by=None, organisation=getattr(federation, args[0]), month=args[1])
    elif kind == "reopen":
        closed = pick(list(ClosedMonth.objects.filter(reopened_at=None).order_by("pk")), args[0])
        if closed is not None:
            month_reopen(by=None, closed=closed, reason="x")


@dataclass(frozen=True)
class Run:
    """What a run of the books read: the rows written before it (the last of each table) and
    the months closed when it ran, by organisation."""

    last: dict[type, int]
    closed: dict[int, set]


RUNS: list[Run] = []


def run_books() -> None:
    RUNS.append(
        Run(
            {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model in POSTED_FROM},
            {
                pk: set(
                    ClosedMonth.objects.filter(mutual_id=pk, reopened_at=None).values_list(
                        "month", flat=True
                    )
                )
                for pk in Organisation.objects.values_list("pk", flat=True)
            },
        )
    )
    assert not drain(BOOKS).failed


def closed_months(organisation_id) -> set:
    closed = ClosedMonth.objects.filter(mutual_id=organisation_id, reopened_at=None)
    return set(closed.values_list("month", flat=True))


def posted_month(row, day, organisation_id):
    """The month the books post a row's operation in: its day's, or, when that month was closed
    as the books read it, the first month after it still open (the issue's words: an operation
    that reaches a closed month late is posted in the next open month)."""
    run = next(r for r in RUNS if row.pk <= r.last[type(row)])
    closed = run.closed[organisation_id]
    first = D(day.year, day.month, 1)
    while first in closed:
        first = D(first.year + first.month // 12, first.month % 12 + 1, 1)
    return month(max(day, first))


def month(day):
    return (day.year, day.month)


def books(organisation_id, accounts, kinds=None) -> Counter:
    """Debit less credit on `accounts`, per month, from entries posted from events of `kinds`."""
    found: Counter = Counter()
    lines = Line.objects.filter(mutual_id=organisation_id, account__number__in=accounts)
    if kinds is not None:
        lines = lines.filter(entry__source_kind__in=kinds)
    for day, debit, credit in lines.values_list("date", "debit", "credit"):
        found[month(day)] += debit - credit
    return found


def without_zeros(counter) -> dict:
    return {key: value for key, value in counter.items() if value}


def check_books(federation, state) -> None:
    m1, d2 = federation.m1, federation.d2
    # every validated entry balances; each journal numbered 1…n per year
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entry_id, SUM(debit) - SUM(credit), COUNT(*) FROM accounting_line"
            " GROUP BY entry_id"
        )
        for entry, difference, lines in cursor.fetchall():
            assert difference == 0 and lines >= 2, entry
    numbers = defaultdict(list)
    for organisation, journal, year, number in Entry.objects.values_list(
        "mutual_id", "journal", "year", "number"
    ):
        numbers[(organisation, journal, year)].append(number)
    for found in numbers.values():
        assert sorted(found) == list(range(1, len(found) + 1))

    # money received, fees and contributions earned, per month, from the register
    received = Counter()
    earned = {"contribution": Counter(), "registration_fee": Counter()}
    for payment in Payment.objects.filter(mutual=m1):
        received[posted_month(payment, payment.received_on, m1.pk)] += payment.amount
    for allocation in Allocation.objects.filter(mutual=m1, kind__in=earned).select_related(
        "payment"
    ):
        paid_in = posted_month(allocation.payment, allocation.payment.received_on, m1.pk)
        earned[allocation.kind][paid_in] -= allocation.amount
    payments = ["payment.recorded", "payment.reversed"]
    assert without_zeros(books(m1.pk, CASH, payments)) == without_zeros(received)
    assert without_zeros(books(m1.pk, {"701"})) == without_zeros(earned["contribution"])
    assert without_zeros(books(m1.pk, {"706"})) == without_zeros(earned["registration_fee"])

    # what the State owes: its shares recognised less what it paid
    recognised = Receivable.objects.filter(mutual=m1).aggregate(s=Sum("amount"))["s"] or 0
    paid = (
        Allocation.objects.filter(mutual=m1, kind="payer_share").aggregate(s=Sum("amount"))["s"]
        or 0
    )
    owed = Line.objects.filter(mutual=m1, account__number="461", party=state.uid)
    assert sum(line.debit - line.credit for line in owed) == recognised - paid

    # claims M1 decided and pays itself, by the month decided
    expensed = Counter()
    for claim in Claim.objects.filter(mutual=m1, status=ClaimStatus.DECIDED, payer=m1):
        expensed[posted_month(claim, claim.submitted_on, m1.pk)] += claim.mutual_share
    assert without_zeros(books(m1.pk, {"651"})) == without_zeros(expensed)

    # provider payments, by the organisation that paid and the month
    for payer in (m1, d2):
        settled = Counter()
        for payment in ProviderPayment.objects.filter(mutual=payer):
            settled[posted_month(payment, payment.paid_on, payer.pk)] += payment.amount
        kinds = ["provider_payment.recorded", "provider_payment.reversed"]
        assert without_zeros(books(payer.pk, {"402"}, kinds)) == without_zeros(settled)

    # every balance sheet balances: what is owned = what is owed plus the result, in both
    # systems of statements
    for organisation in Organisation.objects.all():
        sheet = balance_sheet(organisation, D(2025, 12, 31))
        assert sheet.total_assets == sheet.total_liabilities, organisation.code
        for system in System.values:
            assets, debts = (
                statements(organisation, D(2025, 1, 1), D(2025, 12, 31), system).tables[0].sections
            )
            assert assets.total == debts.total and assets.previous_total == debts.previous_total

    # the cash-flow summary: the cash at the end is the money the register received less what
    # it paid the providers, and the flows explain it from the start
    for payer in (m1, d2):
        money = (Payment.objects.filter(mutual=payer).aggregate(s=Sum("amount"))["s"] or 0) - (
            ProviderPayment.objects.filter(mutual=payer).aggregate(s=Sum("amount"))["s"] or 0
        )
        flows = cash_flows(payer, D(2024, 1, 1), D(2026, 12, 31))
        assert (flows.opening, flows.closing) == (0, money), payer.code
        assert flows.opening + flows.net == flows.closing

    # each union = the sum of its organisations, less the charge-backs between them
    year = (D(2025, 1, 1), D(2025, 12, 31))
    for union in Organisation.objects.exclude(kind="mutual"):
        inside = Organisation.objects.filter(path__startswith=union.path)
        uids = {o.uid for o in inside}
        summed = Counter()
        for number, debit, credit, party in Line.objects.filter(mutual__in=inside).values_list(
            "account__number", "debit", "credit", "party"
        ):
            if not (number in ("452", "453") and party in uids):
                summed[number] += debit - credit
        figures = {b.account.number: b.balance for b in trial_balance(union, *year)}
        assert without_zeros(figures) == without_zeros(summed), union.code


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(operations=OPERATIONS)
def test_the_books_balance_and_match_the_register_whatever_happens(
    claims,  # noqa: F811
    family,
    federation,
    state,
    operations,
):
    RUNS.clear()
    try:
        with transaction.atomic():
            for operation in operations:
                apply(operation, family, federation, state)
            run_books()
            check_books(federation, state)
            raise Undo
    except Undo:
        pass
