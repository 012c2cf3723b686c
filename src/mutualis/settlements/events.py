"""The events provider payments append to the log (core.events) of the paying organisation (a
mutual, or a union that pays for its mutuals), in the transaction of the change, version 1:

- `statement.issued`, about the statement: {"statement", "number", "provider", "agreement" |
  None, "period_start", "period_end", "issued_on", "due_on", "currency", "total",
  "claims": [{"claim", "mutual", "amount"}]}: each claim with the mutual of its member, whose
  charge it is when another pays (portability, the clearing between mutuals);
- `statement.cancelled`: {"statement", "cancelled_on", "reason"} (its claims released);
- `clearing.charged`, in the log of each other mutual whose members' claims a statement lists
  (portability, or a union paying for its mutuals), about the statement: what that mutual owes
  the payer back, {"statement", "number", "payer", "provider", "issued_on", "currency",
  "amount", "claims": [{"claim", "amount"}]}; `clearing.released` when the statement is
  cancelled: {"statement", "number", "payer", "cancelled_on", "currency", "amount", "claims"}.
  The monthly clearing between mutuals sums them;
- `provider_payment.recorded` and `provider_payment.reversed` (amount negative), about the
  payment: {"payment", "statement", "statement_number", "provider", "amount", "paid_on",
  "method", "reference", "reverses" | None, "settled" | None}. "settled" is set when the
  payment pays the statement off, or when the reversal makes a statement paid off owe again:
  {"on": the day it was paid off, "claims": [{"claim", "mutual", "service_from"}]}, the claims
  settled on that day (or settled no more), from which the monitoring counts the promptness of
  settlement.

Uids as strings, dates ISO, amounts integers in the statement's currency.
"""

import datetime
import uuid
from collections import defaultdict
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from mutualis.claims.models import Claim
from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.settlements.models import ProviderPayment, Statement


class Listed(NamedTuple):
    """A claim put on a statement, as its events name it."""

    uid: uuid.UUID
    mutual_id: int
    mutual_uid: uuid.UUID
    amount: int


def listed(claims: list[tuple[int, int]]) -> list[Listed]:
    """`claims`: (claim id, amount) of each claim put on a statement, in order."""
    named = {
        pk: (uid, mutual_id, mutual_uid)
        for pk, uid, mutual_id, mutual_uid in Claim.objects.filter(
            pk__in=[pk for pk, _ in claims]
        ).values_list("pk", "uid", "mutual_id", "mutual__uid")
    }
    return [Listed(*named[pk], amount) for pk, amount in claims]


def issued(statement: Statement, claims: list[Listed]) -> NewEvent:
    return NewEvent(
        "statement.issued",
        statement.uid,
        {
            "statement": str(statement.uid),
            "number": statement.number,
            "provider": str(statement.provider.uid),
            "agreement": str(statement.agreement.uid) if statement.agreement else None,
            "period_start": statement.period_start.isoformat(),
            "period_end": statement.period_end.isoformat(),
            "issued_on": statement.issued_on.isoformat(),
            "due_on": statement.due_on.isoformat(),
            "currency": statement.currency,
            "total": statement.total,
            "claims": [
                {"claim": str(c.uid), "mutual": str(c.mutual_uid), "amount": c.amount}
                for c in claims
            ],
        },
    )


def by_other_mutual(statement: Statement, claims: list[Listed]) -> dict[int, list[Listed]]:
    """The claims of members of other mutuals than the payer's, by their mutual."""
    others: dict[int, list[Listed]] = defaultdict(list)
    for claim in claims:
        if claim.mutual_id != statement.mutual_id:
            others[claim.mutual_id].append(claim)
    return others


def charged(statement: Statement, claims: list[Listed]) -> list[tuple[int, NewEvent]]:
    """For each other mutual whose members' claims the statement lists, its
    `clearing.charged`, in its own log: what it owes the payer back."""
    return [
        (
            mutual_id,
            NewEvent(
                "clearing.charged",
                statement.uid,
                {
                    "statement": str(statement.uid),
                    "number": statement.number,
                    "payer": str(statement.mutual.uid),
                    "provider": str(statement.provider.uid),
                    "issued_on": statement.issued_on.isoformat(),
                    "currency": statement.currency,
                    "amount": sum(c.amount for c in mine),
                    "claims": [{"claim": str(c.uid), "amount": c.amount} for c in mine],
                },
            ),
        )
        for mutual_id, mine in sorted(by_other_mutual(statement, claims).items())
    ]


def cancelled(statement: Statement) -> NewEvent:
    return NewEvent(
        "statement.cancelled",
        statement.uid,
        {
            "statement": str(statement.uid),
            "cancelled_on": statement.cancelled_on.isoformat(),
            "reason": statement.cancel_reason,
        },
    )


def released(statement: Statement, claims: list[Listed]) -> list[tuple[int, NewEvent]]:
    """For each other mutual charged by a statement being cancelled, its `clearing.released`."""
    return [
        (
            mutual_id,
            NewEvent(
                "clearing.released",
                statement.uid,
                {
                    "statement": str(statement.uid),
                    "payer": str(statement.mutual.uid),
                    "number": statement.number,
                    "cancelled_on": statement.cancelled_on.isoformat(),
                    "currency": statement.currency,
                    "amount": sum(c.amount for c in mine),
                    "claims": [{"claim": str(c.uid), "amount": c.amount} for c in mine],
                },
            ),
        )
        for mutual_id, mine in sorted(by_other_mutual(statement, claims).items())
    ]


def paid(payment: ProviderPayment, settled_on: datetime.date | None = None) -> NewEvent:
    """`settled_on`: for a payment that pays the statement off, its day; for a reversal that
    makes a statement paid off owe again, the day it had been paid off. The claims on the
    statement are then listed as settled on that day, or settled no more."""
    statement = payment.statement
    return NewEvent(
        "provider_payment.reversed" if payment.reverses_id else "provider_payment.recorded",
        payment.uid,
        {
            "payment": str(payment.uid),
            "statement": str(statement.uid),
            "statement_number": statement.number,
            "provider": str(statement.provider.uid),
            "amount": payment.amount,
            "paid_on": payment.paid_on.isoformat(),
            "method": payment.method,
            "reference": payment.reference,
            "reverses": str(payment.reverses.uid) if payment.reverses_id else None,
            "settled": None if settled_on is None else settlement(statement, settled_on),
        },
    )


def settlement(statement: Statement, day: datetime.date) -> dict[str, Any]:
    """The claims on a statement (not released), settled on `day`, each with its mutual and
    the first day of its care, from which the monitoring counts the days to settlement."""
    return {
        "on": day.isoformat(),
        "claims": [
            {"claim": str(uid), "mutual": str(mutual), "service_from": care.isoformat()}
            for uid, mutual, care in statement.claims.filter(released_on=None)
            .order_by("pk")
            .values_list("claim__uid", "claim__mutual__uid", "claim__service_from")
        ],
    }


TRACES = [
    Trace("provider statements", Statement.objects.all, ("statement.issued",)),
    Trace(
        "provider statements cancelled",
        lambda: Statement.objects.filter(cancelled_on__isnull=False),
        ("statement.cancelled",),
    ),
    Trace(
        "provider payments",
        lambda: ProviderPayment.objects.filter(reverses__isnull=True),
        ("provider_payment.recorded",),
    ),
    Trace(
        "provider payments reversed",
        lambda: ProviderPayment.objects.filter(reverses__isnull=False),
        ("provider_payment.reversed",),
    ),
]


KINDS = [
    Kind("statement.issued", _("Provider statement issued")),
    Kind("statement.cancelled", _("Provider statement cancelled")),
    Kind("clearing.charged", _("Charged back by another organisation")),
    Kind("clearing.released", _("Charge back cancelled")),
    Kind("provider_payment.recorded", _("Provider payment recorded")),
    Kind("provider_payment.reversed", _("Provider payment reversed")),
]
