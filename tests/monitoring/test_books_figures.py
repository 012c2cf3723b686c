"""The books' figures reach the indicators (issue 15): the closing of a month of a mutual's books
tells the monitoring that month's expenses and result and, at its end, the cash, the short-term
debts, the equity, the total assets, the other liabilities and the reserves, with the reserves
the prudential rules ask for. They are the mutual's figures of that month, with the books as
their source, over any report's; reopening the month withdraws them.

Expected values are worked out by hand from the entries: a payment of 1,000 of fee and 13,652 of
contributions received in cash in January, rent of 2,000 paid in cash in February, 5,000 of it
allocated to the reserves in February.
Mutations these tests catch: the month's expenses read over the year so far; the equity without
the result of the months not yet closed into the reserves; the figures of a reopened month kept;
a closed month's figures left behind a report's."""

import datetime

from django.utils import timezone

from mutualis.accounting.services import EntryLine, entry_record, month_close, month_reopen
from mutualis.contributions.services import payment_record
from mutualis.core.consumers import drain
from mutualis.core.models import Event
from mutualis.monitoring import compute
from mutualis.monitoring.consumers import CONSUMERS
from mutualis.monitoring.figures import Span
from mutualis.monitoring.models import Figure, Source
from tests.accounting.test_posting import MEMBER_2025, post

(INDICATORS,) = CONSUMERS
D = datetime.date
INCOME = 1000 + MEMBER_2025
RENT = 2000
TO_RESERVES = 5000


def books(federation, family):
    payment_record(
        by=None, household=family, amount=INCOME, method="cash", received_on=D(2025, 1, 10)
    )
    post()
    for label, lines in (
        ("Loyer de février", [EntryLine("622", debit=RENT), EntryLine("571", credit=RENT)]),
        # the surplus of earlier years put in the reserves, from the retained surplus
        ("Dotation", [EntryLine("121", debit=TO_RESERVES), EntryLine("111", credit=TO_RESERVES)]),
    ):
        entry_record(
            by=None,
            organisation=federation.m1,
            journal="CA" if label.startswith("Loyer") else "OD",
            date=D(2025, 2, 3),
            label=label,
            lines=lines,
        )
    month_close(by=None, organisation=federation.m1, month=D(2025, 1, 1))
    return month_close(by=None, organisation=federation.m1, month=D(2025, 2, 1))


def of(mutual, span, start) -> dict[str, tuple[int, str]]:
    return {
        f.code: (f.value, f.source)
        for f in Figure.objects.filter(organisation=mutual, span=span, start=start)
    }


def test_the_closing_of_a_month_tells_its_figures(federation, family):
    books(federation, family)

    january, february = (
        e.payload["figures"] for e in Event.objects.filter(kind="month.closed").order_by("sequence")
    )
    assert (january["total_expenses"], january["net_income"]) == (0, INCOME)
    assert february["operating_expenses"] == february["total_expenses"] == RENT
    assert february["net_income"] == -RENT
    assert february["cash"] == INCOME - RENT
    assert february["reserves"] == TO_RESERVES
    # the result of the year so far is the mutual's own funds; the allocation to the reserves
    # moved money within them and changes nothing
    assert february["equity"] == INCOME - RENT
    # all it owns is its cash, and it owes nothing
    assert february["total_assets"] == INCOME - RENT
    assert february["liabilities"] == february["short_term_liabilities"] == 0
    # no benefit paid over the twelve months: the minimum of three months of them is 0
    assert february["reserves_minimum"] == 0


def test_a_closed_month_s_figures_are_the_mutual_s_with_the_books_as_source(federation, family):
    closed = books(federation, family)
    drain(INDICATORS)

    february = of(federation.m1, Span.MONTH, D(2025, 2, 1))
    assert february["operating_expenses"] == (RENT, Source.BOOKS)
    assert february["cash"] == (INCOME - RENT, Source.BOOKS)
    assert of(federation.d1, Span.MONTH, D(2025, 2, 1))["cash"] == (INCOME - RENT, Source.SUM)
    quarter = of(federation.m1, Span.QUARTER, D(2025, 1, 1))
    # flows summed over the months closed; stocks at the last one closed
    assert quarter["total_expenses"] == (RENT, Source.BOOKS)
    assert quarter["net_income"] == (INCOME - RENT, Source.BOOKS)
    assert quarter["reserves"] == (TO_RESERVES, Source.BOOKS)
    assert "cash" not in of(federation.m1, Span.MONTH, D(2025, 3, 1))

    month_reopen(by=None, closed=closed, reason="Facture oubliée")
    drain(INDICATORS)

    assert "cash" not in of(federation.m1, Span.MONTH, D(2025, 2, 1))
    assert "cash" not in of(federation.d1, Span.MONTH, D(2025, 2, 1))
    assert of(federation.m1, Span.QUARTER, D(2025, 1, 1))["net_income"] == (
        INCOME,
        Source.BOOKS,
    )


def test_the_full_recomputation_finds_the_books_figures_the_consumer_kept(federation, family):
    books(federation, family)
    drain(INDICATORS)
    kept = set(Figure.objects.values_list("organisation", "span", "start", "code", "value"))

    compute.recompute(INDICATORS.name, timezone.localdate())

    again = set(Figure.objects.values_list("organisation", "span", "start", "code", "value"))
    assert again == kept
    assert "operating_expenses" in {code for *_rest, code, _value in kept}
