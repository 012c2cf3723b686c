"""Pure rules of provider payments (DOMAIN.md §5): where a statement stands, how late it is paid,
the share of statements paid within terms, and the balances of the clearing between mutuals.
No ORM, no I/O: the queries load plain values and ask these functions."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Ghana's NHIS must settle providers' claims within four weeks, and in one district 99 % of
# claims were paid later than that (DOMAIN.md §5): the reference the screens compare with.
REFERENCE_SETTLEMENT_DAYS = 28


class StatementStatus(models.TextChoices):
    UNPAID = "unpaid", _("unpaid")
    PARTLY_PAID = "partly_paid", _("partly paid")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")


@dataclass(frozen=True)
class Payment:
    """A payment or a reversal (negative), in the order recorded."""

    paid_on: datetime.date
    amount: int


@dataclass(frozen=True)
class Standing:
    """Where a statement stands on a day."""

    status: str
    total: int
    paid: int
    issued_on: datetime.date
    due_on: datetime.date
    settled_on: datetime.date | None  # the day it was paid in full, while it stays so
    delay: int | None  # days after the due date it was paid, or is still unpaid (< 0: early)

    @property
    def outstanding(self) -> int:
        return 0 if self.status == StatementStatus.CANCELLED else self.total - self.paid

    @property
    def days_late(self) -> int:
        return max(self.delay or 0, 0)

    @property
    def days_early(self) -> int:
        return max(-(self.delay or 0), 0)

    @property
    def open(self) -> bool:
        return self.status in (StatementStatus.UNPAID, StatementStatus.PARTLY_PAID)

    @property
    def status_label(self) -> str | Promise:
        return StatementStatus(self.status).label


def settled_on(total: int, payments: Sequence[Payment]) -> datetime.date | None:
    """The day the payments, taken in date order, reached the total for the last time; None
    while they fall short of it (a reversal after the day undoes it)."""
    paid, day = 0, None
    for payment in sorted(payments, key=lambda p: p.paid_on):  # stable: same day, as recorded
        paid += payment.amount
        if paid >= total and day is None:
            day = payment.paid_on
        elif paid < total:
            day = None
    return day


def standing(
    *,
    total: int,
    issued_on: datetime.date,
    due_on: datetime.date,
    cancelled: bool,
    payments: Sequence[Payment],
    today: datetime.date,
) -> Standing:
    """A statement's status, what was paid on it, and its delay against the agreement's terms:
    payment date − due date once paid in full, today − due date while not."""
    paid = sum(p.amount for p in payments)
    if cancelled:
        return Standing(StatementStatus.CANCELLED, total, paid, issued_on, due_on, None, None)
    day = settled_on(total, payments)
    if day is not None:
        status = StatementStatus.PAID
    elif paid > 0:
        status = StatementStatus.PARTLY_PAID
    else:
        status = StatementStatus.UNPAID
    delay = ((day or today) - due_on).days
    return Standing(status, total, paid, issued_on, due_on, day, delay)


@dataclass(frozen=True)
class Promptness:
    """How many statements were paid within the agreements' terms, and within the reference
    period after their issue, out of those whose outcome is known: paid, or unpaid past the
    limit. A ratio without any known outcome is not computable (DOMAIN.md §7): None."""

    known_terms: int
    within_terms: int
    known_reference: int
    within_reference: int
    reference_days: int

    @property
    def terms_percent(self) -> int | None:
        return percent(self.within_terms, self.known_terms)

    @property
    def reference_percent(self) -> int | None:
        return percent(self.within_reference, self.known_reference)


def percent(part: int, whole: int) -> int | None:
    """A whole percentage, rounded half up; None when there is no whole."""
    return (200 * part + whole) // (2 * whole) if whole else None


def promptness(
    standings: Iterable[Standing],
    today: datetime.date,
    reference_days: int = REFERENCE_SETTLEMENT_DAYS,
) -> Promptness:
    known_terms = within_terms = known_reference = within_reference = 0
    for s in standings:
        if s.status == StatementStatus.CANCELLED:
            continue
        reference_limit = s.issued_on + datetime.timedelta(days=reference_days)
        if s.settled_on is not None:
            known_terms += 1
            within_terms += s.settled_on <= s.due_on
            known_reference += 1
            within_reference += s.settled_on <= reference_limit
            continue
        known_terms += today > s.due_on
        known_reference += today > reference_limit
    return Promptness(known_terms, within_terms, known_reference, within_reference, reference_days)


@dataclass(frozen=True)
class Flow:
    """What `payer` paid providers for the members of `mutual` (who owes it back)."""

    payer: int
    mutual: int
    currency: str
    claims: int
    amount: int


@dataclass(frozen=True)
class Balance:
    organisation: int
    currency: str
    owed_to: int  # paid for the members of others, to be charged back
    owes: int  # paid by others for its members
    net: int  # > 0: others owe it in the end; < 0: it owes them


def balances(flows: Iterable[Flow]) -> list[Balance]:
    """Each organisation's position in the clearing: what it is owed, what it owes, the net.
    The nets of one currency add up to zero: what one is owed another owes."""
    owed_to: dict[tuple[int, str], int] = defaultdict(int)
    owes: dict[tuple[int, str], int] = defaultdict(int)
    for flow in flows:
        owed_to[(flow.payer, flow.currency)] += flow.amount
        owes[(flow.mutual, flow.currency)] += flow.amount
    keys = sorted(owed_to.keys() | owes.keys(), key=lambda key: (key[1], key[0]))
    return [
        Balance(
            org,
            currency,
            owed_to[(org, currency)],
            owes[(org, currency)],
            owed_to[(org, currency)] - owes[(org, currency)],
        )
        for org, currency in keys
    ]
