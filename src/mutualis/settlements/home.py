"""Provider payments' panels of a home: the statements to pay, by their terms and overdue, for
the manager and the accountant; the claims waiting for a statement for the accountant; what the
mutuals owe their provider for its clerk."""

import datetime

from django.db.models import Count, Sum

from mutualis.claims.choices import ClaimStatus
from mutualis.claims.models import Claim
from mutualis.core.home import Panel
from mutualis.core.periods import PeriodUnit, period_start
from mutualis.federation.rules import Role
from mutualis.settlements.models import StatementClaim
from mutualis.settlements.queries import STATUS_FILTERS, statements_visible, with_paid
from mutualis.settlements.rules import StatementStatus

LISTED = 8


def open_statements(user):
    return (
        with_paid(statements_visible(user))
        .filter(
            STATUS_FILTERS[StatementStatus.UNPAID] | STATUS_FILTERS[StatementStatus.PARTLY_PAID]
        )
        .select_related("provider", "mutual")
        .order_by("due_on", "pk")
    )


def statements_due(request, today: datetime.date) -> dict:
    """The statements not paid in full, the first due first, and which are late."""
    statements = list(open_statements(request.user))
    for statement in statements:
        statement.outstanding = statement.total - statement.paid
        statement.late = statement.due_on < today
    currencies = {statement.currency for statement in statements}
    return {
        "count": len(statements),
        "late": sum(1 for statement in statements if statement.late),
        "outstanding": sum(statement.outstanding for statement in statements),
        "currency": currencies.pop() if len(currencies) == 1 else "",
        "listed": statements[:LISTED],
        "clerk": request.user.has_any_role({Role.PROVIDER_CLERK}),
    }


def to_issue(request, today: datetime.date) -> dict | None:
    """The approved claims the user's organisations pay that no statement lists yet, for care
    before this month (whose invoicing periods are over), by provider."""
    prefix = request.user.scope_prefix
    if not prefix:
        return None
    listed = StatementClaim.objects.filter(released_on__isnull=True).values("claim_id")
    rows = (
        Claim.objects.filter(
            payer__path__startswith=prefix,
            status=ClaimStatus.DECIDED,
            mutual_share__gt=0,
            service_from__lt=period_start(today, PeriodUnit.MONTH),
        )
        .exclude(pk__in=listed)
        .values("provider__name", "mutual__currency")
        .annotate(claims=Count("pk"), amount=Sum("mutual_share"))
        .order_by("provider__name")
    )
    return {"providers": list(rows)}


PANELS = [
    Panel(
        "settlements/home/statements_due.html",
        statements_due,
        {Role.MUTUAL_MANAGER, Role.ACCOUNTANT, Role.PROVIDER_CLERK},
        order=40,
    ),
    Panel("settlements/home/to_issue.html", to_issue, {Role.ACCOUNTANT}, order=30),
]
