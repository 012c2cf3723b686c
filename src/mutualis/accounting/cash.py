"""Cash books and the daily count (docs/accounting.md). Money taken or paid in cash is in the
cash box of the user who recorded it: the cash account's lines (class 57) name them as their
party, whether posted from a payment or typed by hand; lines without one are the
organisation's own safe. At the end of a day the cash of a box is counted against what its
lines expect, and a difference is posted, explained, as a shortage or a surplus."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q, Sum

from mutualis.accounting.models import (
    CashCount,
    ClosedYear,
    Entry,
    Journal,
    Line,
)
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import PAYMENT_RECORDERS

# the accounts of cash in hand
CASH_HEADING = "57"
YEAR_END = (Journal.OPENING, Journal.CLOSING)


def read_since(organisation: Organisation, day: datetime.date) -> datetime.date:
    """The first day whose lines make a balance at the end of `day`: the first of the year after
    the last year closed before `day`'s (its opening entry carries the balances), or ever."""
    last = ClosedYear.objects.filter(
        mutual=organisation, year__lt=day.year, reopened_at=None
    ).aggregate(last=Max("year"))["last"]
    return datetime.date(last + 1, 1, 1) if last else datetime.date.min


def box_lines(organisation: Organisation, cashier: User | None):
    return Line.objects.filter(
        mutual=organisation,
        account__number__startswith=CASH_HEADING,
        party=cashier.uid if cashier else None,
    )


def box_balance(organisation: Organisation, cashier: User | None, day: datetime.date) -> int:
    """What the books expect in the cash box at the end of `day`."""
    sums = (
        box_lines(organisation, cashier)
        .filter(date__range=(read_since(organisation, day), day))
        .aggregate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return (sums["debit"] or 0) - (sums["credit"] or 0)


@dataclass(frozen=True)
class Movement:
    entry: Entry
    amount: int  # in when positive
    balance: int  # after it

    @property
    def money_in(self) -> int:
        return max(self.amount, 0)

    @property
    def money_out(self) -> int:
        return max(-self.amount, 0)


@dataclass(frozen=True)
class CashBook:
    cashier: User | None
    start: datetime.date
    end: datetime.date
    opening: int
    movements: list[Movement]
    counts: list[CashCount]

    @property
    def closing(self) -> int:
        return self.movements[-1].balance if self.movements else self.opening

    @property
    def money_in(self) -> int:
        return sum(m.amount for m in self.movements if m.amount > 0)

    @property
    def money_out(self) -> int:
        return -sum(m.amount for m in self.movements if m.amount < 0)


def cash_book(
    organisation: Organisation, cashier: User | None, start: datetime.date, end: datetime.date
) -> CashBook:
    """The movements of a cash box over [start, end], each with the balance after it, between
    the balance the day before and the day's counts. The year-end entries only carry the
    balance forward: they are not movements."""
    opening = box_balance(organisation, cashier, start - datetime.timedelta(days=1))
    rows = (
        box_lines(organisation, cashier)
        .filter(date__range=(start, end))
        .exclude(journal__in=YEAR_END)
        .select_related("entry")
        .order_by("date", "entry__journal", "entry__number", "pk")
    )
    movements, balance = [], opening
    for line in rows:
        balance += line.amount
        movements.append(Movement(line.entry, line.amount, balance))
    counts = CashCount.objects.filter(
        mutual=organisation, cashier=cashier, day__range=(start, end)
    ).order_by("day")
    return CashBook(cashier, start, end, opening, movements, list(counts) if cashier else [])


def cash_boxes(organisation: Organisation) -> list[User]:
    """The users who keep a cash box: those of the organisation who may take payments, and
    anyone whose box has lines."""
    parties = set(
        Line.objects.filter(mutual=organisation, account__number__startswith=CASH_HEADING)
        .exclude(party=None)
        .values_list("party", flat=True)
        .distinct()
    )
    return list(
        User.objects.filter(
            Q(organisation=organisation, role_grants__role__in=PAYMENT_RECORDERS)
            | Q(uid__in=parties)
        ).distinct()
    )
