"""Cash books and the daily count (docs/accounting.md). Money taken or paid in cash is in the
cash box of the user who recorded it: the cash account's lines (class 57) name them as their
party, whether posted from a payment or typed by hand; lines without one are the
organisation's own safe. At the end of a day the cash of a box is counted against what its
lines expect, and a difference is posted, explained, as a shortage or a surplus."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from mutualis.accounting.models import CashCount, Line
from mutualis.accounting.queries import AccountBook, account_book, balance_at
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import PAYMENT_RECORDERS

# the accounts of cash in hand
CASH_HEADING = "57"


def box_lines(organisation: Organisation, cashier: User | None):
    return Line.objects.filter(
        mutual=organisation,
        account__number__startswith=CASH_HEADING,
        party=cashier.uid if cashier else None,
    )


def box_balance(organisation: Organisation, cashier: User | None, day: datetime.date) -> int:
    """What the books expect in the cash box at the end of `day`."""
    return balance_at(organisation, box_lines(organisation, cashier), day)


@dataclass(frozen=True)
class CashBook(AccountBook):
    cashier: User | None
    counts: list[CashCount]


def cash_book(
    organisation: Organisation, cashier: User | None, start: datetime.date, end: datetime.date
) -> CashBook:
    """The movements of a cash box over [start, end], each with the balance after it, and the
    counts of its days."""
    book = account_book(organisation, box_lines(organisation, cashier), start, end)
    counts = CashCount.objects.filter(
        mutual=organisation, cashier=cashier, day__range=(start, end)
    ).order_by("day")
    return CashBook(**vars(book), cashier=cashier, counts=list(counts) if cashier else [])


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
