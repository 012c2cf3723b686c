"""The events contributions append to the log (core.events), in the transaction of the payment
they record: what the books and the indicators need, without reading the tables back.

`payment.recorded` (a member's or a third payer's payment) and `payment.reversed` (its
reversal, every amount negative), version 1, about the payment's uid:

    {"payment", "receipt_number", "household" | None, "payer" | None, "method", "reference",
     "received_on", "amount", "reverses" | None,
     "parts": [{"kind", "household", "payer" | None, "period_start" | None, "amount"}]}

`receivable.recognised`, version 1, about the receivable's uid: a third payer's share of a
period recognised by the mutual (the whole share once the period has begun, then each change the
register brings, negative when it lowers the share):

    {"receivable", "payer", "period_start", "recognised_on", "amount", "households"}

`dues.recognised`, version 2, about the due's uid: a household's member share of a period
recognised by the mutual (the whole share once the period has begun, dated its first day or the
household's enrolment during it, then each change the register brings, dated the day it was
noticed, negative when it lowers the share); with the third payers' receivables of the period,
the period's contribution:

    {"due", "household", "period_start", "period_end", "recognised_on", "amount"}

`period_end` (the period's last day, by the package's period rule) came with version 2, for the
indicators' renewals (a member comes up for renewal when their period ends); a version 1 event
has none, and its readers take the day before the household's next period instead.

Uids as strings, dates ISO, amounts integers in the currency's unit; the parts add up to the
amount.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from mutualis.benefits.models import Payer
from mutualis.contributions.models import Allocation, Due, Payment, Receivable
from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.membership.models import Household

PAYMENT_RECORDED = "payment.recorded"
PAYMENT_REVERSED = "payment.reversed"
RECEIVABLE_RECOGNISED = "receivable.recognised"
DUES_RECOGNISED = "dues.recognised"


def uid_text(value) -> str | None:
    return str(value) if value is not None else None


def payment_event(payment: Payment, allocations: list[Allocation]) -> NewEvent:
    """The event of a payment just saved, its parties' uids read from the database."""
    households = dict(
        Household.objects.filter(
            pk__in={a.household_id for a in allocations} | {payment.household_id}
        ).values_list("pk", "uid")
    )
    payers = dict(
        Payer.objects.filter(
            pk__in={a.payer_id for a in allocations if a.payer_id} | {payment.payer_id}
        ).values_list("pk", "uid")
    )
    reverses = (
        Payment.objects.filter(pk=payment.reverses_id).values_list("uid", flat=True).first()
        if payment.reverses_id
        else None
    )
    return payment_from(
        payment, allocations, households=households, payers=payers, reverses=reverses
    )


def payment_from(
    payment: Any,
    allocations: Sequence[Any],
    *,
    households: Mapping[int, Any],
    payers: Mapping[int, Any],
    reverses: Any = None,
) -> NewEvent:
    """The event of a payment from anything holding its fields and its allocations' (a model
    or a row written in bulk), the uids of its households and payers by primary key and that
    of the payment it reverses."""
    return NewEvent(
        PAYMENT_REVERSED if payment.reverses_id else PAYMENT_RECORDED,
        payment.uid,
        {
            "payment": str(payment.uid),
            "receipt_number": payment.receipt_number,
            "household": uid_text(households.get(payment.household_id)),
            "payer": uid_text(payers.get(payment.payer_id)),
            "method": payment.method,
            "reference": payment.reference,
            "received_on": payment.received_on.isoformat(),
            "amount": payment.amount,
            "reverses": uid_text(reverses),
            "parts": [
                {
                    "kind": allocation.kind,
                    "household": uid_text(households.get(allocation.household_id)),
                    "payer": uid_text(payers.get(allocation.payer_id)),
                    "period_start": (
                        allocation.period_start.isoformat() if allocation.period_start else None
                    ),
                    "amount": allocation.amount,
                }
                for allocation in allocations
            ],
        },
    )


def receivable_from(receivable: Any, payer: Any) -> NewEvent:
    """The event of a receivable (a model or a row written in bulk), with its payer's uid."""
    return NewEvent(
        RECEIVABLE_RECOGNISED,
        receivable.uid,
        {
            "receivable": str(receivable.uid),
            "payer": str(payer),
            "period_start": receivable.period_start.isoformat(),
            "recognised_on": receivable.recognised_on.isoformat(),
            "amount": receivable.amount,
            "households": receivable.households,
        },
    )


def due_from(due: Any, household: Any, period_end: datetime.date) -> NewEvent:
    """The event of a member's due (a model or a row written in bulk), with its household's
    uid and the last day of its period."""
    return NewEvent(
        DUES_RECOGNISED,
        due.uid,
        {
            "due": str(due.uid),
            "household": str(household),
            "period_start": due.period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "recognised_on": due.recognised_on.isoformat(),
            "amount": due.amount,
        },
        version=2,
    )


TRACES = [
    Trace("payments", lambda: Payment.objects.filter(reverses__isnull=True), (PAYMENT_RECORDED,)),
    Trace(
        "payments reversed",
        lambda: Payment.objects.filter(reverses__isnull=False),
        (PAYMENT_REVERSED,),
    ),
    Trace("third payers' receivables", Receivable.objects.all, (RECEIVABLE_RECOGNISED,)),
    Trace("members' dues", Due.objects.all, (DUES_RECOGNISED,)),
]


KINDS = [
    Kind(PAYMENT_RECORDED, _("Payment recorded")),
    Kind(PAYMENT_REVERSED, _("Payment reversed")),
    Kind(RECEIVABLE_RECOGNISED, _("Third payer's share recognised")),
    Kind(DUES_RECOGNISED, _("Member's share recognised")),
]
