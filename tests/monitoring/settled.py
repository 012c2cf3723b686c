"""The promptness of settlement as DOMAIN.md §7 and issue 15 word it, read from the operations'
tables, for the properties to compare the monitoring's figures with: a claim is settled when it
is denied (the mutual owes nothing: the day it is decided) or paid (the day its statement is paid
off, partial payments adding up; a reversal that makes the statement owe again unsettles it);
it counts in the month settled, with the days since its care began, within 7 days, 8 to 30, 31
to 90 or after 90."""

import datetime
from collections import Counter

from mutualis.claims.models import Claim
from mutualis.federation.models import Organisation
from mutualis.settlements.models import Statement, StatementClaim

BRACKETS = (
    (7, "settled_within_7_days"),
    (30, "settled_within_30_days"),
    (90, "settled_within_90_days"),
)
LATER = "settled_after_90_days"
CODES = ("claims_settled", "settlement_days", *(code for _days, code in BRACKETS), LATER)


def settle(flows: dict[datetime.date, Counter], claim: Claim, day: datetime.date) -> None:
    days = (day - claim.service_from).days
    into = flows[day.replace(day=1)]
    into["claims_settled"] += 1
    into["settlement_days"] += days
    into[next((code for limit, code in BRACKETS if days <= limit), LATER)] += 1


def paid_off_on(statement: Statement) -> datetime.date | None:
    """The day a statement was paid off, if it is now: the payment that brought what was paid
    up to its total, the last time one did."""
    paid, day = 0, None
    for payment in statement.payments.order_by("pk"):
        paid += payment.amount
        if paid == statement.total and payment.amount > 0:
            day = payment.paid_on
    return day if paid == statement.total else None


def settled_by_month(mutual: Organisation, flows: dict[datetime.date, Counter]) -> None:
    """Adds the mutual's claims settled to `flows`, by month. Claims are decided the day they
    are submitted (no review)."""
    for claim in Claim.objects.filter(mutual=mutual, mutual_share=0):
        settle(flows, claim, claim.submitted_on)
    for listed in StatementClaim.objects.filter(
        claim__mutual=mutual, released_on=None
    ).select_related("claim", "statement"):
        day = paid_off_on(listed.statement)
        if day is not None:
            settle(flows, listed.claim, day)
