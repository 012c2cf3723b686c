"""The events provider payments append to the log (core.events) of the paying organisation (a
mutual, or a union that pays for its mutuals), in the transaction of the change, version 1:

- `statement.issued`, about the statement: {"statement", "number", "provider", "agreement" |
  None, "period_start", "period_end", "issued_on", "due_on", "currency", "total",
  "claims": [{"claim", "mutual", "amount"}]}: each claim with the mutual of its member, whose
  charge it is when another pays (portability, the clearing between mutuals);
- `statement.cancelled`: {"statement", "cancelled_on", "reason"} (its claims released);
- `provider_payment.recorded` and `provider_payment.reversed` (amount negative), about the
  payment: {"payment", "statement", "provider", "amount", "paid_on", "method", "reference",
  "reverses" | None}.

Uids as strings, dates ISO, amounts integers in the statement's currency.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.claims.models import Claim
from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.settlements.models import ProviderPayment, Statement


def issued(statement: Statement, claims: list[tuple[int, int]]) -> NewEvent:
    """`claims`: (claim id, amount) of each claim listed."""
    named = {
        pk: (uid, mutual)
        for pk, uid, mutual in Claim.objects.filter(pk__in=[pk for pk, _ in claims]).values_list(
            "pk", "uid", "mutual__uid"
        )
    }
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
                {"claim": str(named[pk][0]), "mutual": str(named[pk][1]), "amount": amount}
                for pk, amount in claims
            ],
        },
    )


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


def paid(payment: ProviderPayment) -> NewEvent:
    statement = payment.statement
    return NewEvent(
        "provider_payment.reversed" if payment.reverses_id else "provider_payment.recorded",
        payment.uid,
        {
            "payment": str(payment.uid),
            "statement": str(statement.uid),
            "provider": str(statement.provider.uid),
            "amount": payment.amount,
            "paid_on": payment.paid_on.isoformat(),
            "method": payment.method,
            "reference": payment.reference,
            "reverses": str(payment.reverses.uid) if payment.reverses_id else None,
        },
    )


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
    Kind("provider_payment.recorded", _("Provider payment recorded")),
    Kind("provider_payment.reversed", _("Provider payment reversed")),
]
