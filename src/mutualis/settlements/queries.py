"""Reads of provider payments for the screens and documents: statements and where they stand,
what is owed to each provider and how late, the clearing between mutuals of a month.

Every read starts from the user's scope (core.access.scoped, or the scope prefix for the
clearing, which involves two organisations) and loads payments in one query for all the
statements shown, which the pure rules (settlements.rules) then judge.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mutualis.core.access import scoped
from mutualis.core.periods import PeriodUnit, period_end
from mutualis.federation.models import Organisation
from mutualis.providers.models import Agreement, Provider
from mutualis.settlements.models import ProviderPayment, Statement, StatementClaim
from mutualis.settlements.rules import (
    Balance,
    Flow,
    Payment,
    Promptness,
    Standing,
    StatementStatus,
    balances,
    promptness,
    standing,
)


def statements_visible(user) -> QuerySet[Statement]:
    return scoped(Statement.objects.all(), user)


def with_paid(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """The statements with `paid`, the sum of their payments and reversals (a subquery, so that
    other joins do not repeat the payments)."""
    paid = (
        ProviderPayment.objects.filter(statement=OuterRef("pk"))
        .order_by()
        .values("statement")
        .annotate(sum=Sum("amount"))
        .values("sum")
    )
    return statements.annotate(paid=Coalesce(Subquery(paid), Value(0)))


STATUS_FILTERS = {
    StatementStatus.UNPAID: Q(cancelled_on__isnull=True, paid=0),
    StatementStatus.PARTLY_PAID: Q(cancelled_on__isnull=True, paid__gt=0, paid__lt=F("total")),
    StatementStatus.PAID: Q(cancelled_on__isnull=True, paid=F("total")),
    StatementStatus.CANCELLED: Q(cancelled_on__isnull=False),
}


def statement_search(
    user,
    *,
    provider: Provider | None = None,
    month: datetime.date | None = None,
    status: str = "",
) -> QuerySet[Statement]:
    """The statements the user may see, newest first: of one provider, for a period that
    includes the month, in one status."""
    found = with_paid(statements_visible(user)).select_related("mutual", "provider")
    if provider is not None:
        found = found.filter(provider=provider)
    if month is not None:
        found = found.filter(
            period_start__lte=period_end(month, PeriodUnit.MONTH), period_end__gte=month
        )
    if status:
        found = found.filter(STATUS_FILTERS[StatementStatus(status)])
    return found.order_by("-issued_on", "-pk")


def providers_with_statements(user) -> QuerySet[Provider]:
    return Provider.objects.filter(
        pk__in=statements_visible(user).order_by().values("provider_id")
    ).order_by("name")


def payments_of(statement_ids: Iterable[int]) -> dict[int, list[Payment]]:
    """The payments and reversals of statements, in the order they were made and recorded."""
    found: dict[int, list[Payment]] = defaultdict(list)
    for statement_id, paid_on, amount in (
        ProviderPayment.objects.filter(statement_id__in=list(statement_ids))
        .order_by("paid_on", "pk")
        .values_list("statement_id", "paid_on", "amount")
    ):
        found[statement_id].append(Payment(paid_on, amount))
    return found


def standing_from(statement: Statement, payments, today: datetime.date) -> Standing:
    return standing(
        total=statement.total,
        issued_on=statement.issued_on,
        due_on=statement.due_on,
        cancelled=statement.cancelled_on is not None,
        payments=payments,
        today=today,
    )


def standings_of(
    statements: Iterable[Statement], today: datetime.date | None = None
) -> dict[int, Standing]:
    """Where each statement stands today, from one query of their payments."""
    today = today or timezone.localdate()
    statements = list(statements)
    payments = payments_of(s.pk for s in statements)
    return {s.pk: standing_from(s, payments[s.pk], today) for s in statements}


def statement_lines(statement: Statement) -> QuerySet[StatementClaim]:
    """The claims of a statement, by date of care, with their beneficiaries and mutuals."""
    return (
        StatementClaim.objects.filter(statement=statement)
        .select_related("claim__beneficiary", "claim__mutual")
        .order_by("claim__service_from", "claim__provider_reference", "pk")
    )


def statement_payments(statement: Statement) -> QuerySet[ProviderPayment]:
    return (
        statement.payments.select_related("recorded_by", "reverses")
        .annotate(reversal_count=Count("reversals"))
        .order_by("paid_on", "pk")
    )


@dataclass(frozen=True)
class ProviderBalance:
    """What a paying organisation owes one provider, and how late it pays."""

    payer: Organisation
    provider: Provider
    statements: int
    due: int
    paid: int
    oldest_unpaid_due_on: datetime.date | None
    days_late: int  # of the oldest unpaid statement, today
    promptness: Promptness
    currency: str = ""  # of its statements, else of the payer

    @property
    def outstanding(self) -> int:
        return self.due - self.paid


BALANCE_ORDERS = {
    "delay": lambda row: (-row.days_late, -row.outstanding, row.provider.name),
    "outstanding": lambda row: (-row.outstanding, -row.days_late, row.provider.name),
    "provider": lambda row: (row.provider.name, row.payer.name),
}


def provider_balances(
    user, today: datetime.date | None = None, order: str = "delay"
) -> tuple[list[ProviderBalance], Promptness]:
    """Every provider of the user's paying organisations — under agreement with one of them, or
    on one of their statements — with what is due, paid and outstanding, the oldest unpaid due
    date and its delay; and the share of all their statements paid within terms."""
    today = today or timezone.localdate()
    statements = list(
        statements_visible(user)
        .filter(cancelled_on__isnull=True)
        .order_by("due_on", "pk")
        .only(
            "pk",
            "mutual_id",
            "provider_id",
            "total",
            "issued_on",
            "due_on",
            "cancelled_on",
            "currency",
        )
    )
    currencies = {(s.mutual_id, s.provider_id): s.currency for s in statements}
    standings = standings_of(statements, today)
    grouped: dict[tuple[int, int], list[Standing]] = defaultdict(list)
    for statement in statements:
        grouped[(statement.mutual_id, statement.provider_id)].append(standings[statement.pk])
    # the agreements the user's own organisations signed, not those of the unions above
    for party_id, provider_id in (
        scoped(Agreement.objects.all(), user)
        .filter(party__path__startswith=user.scope_prefix)
        .values_list("party_id", "provider_id")
    ):
        grouped.setdefault((party_id, provider_id), [])
    payers = Organisation.objects.in_bulk({payer for payer, _provider in grouped})
    providers = Provider.objects.in_bulk({provider for _payer, provider in grouped})
    rows = []
    for (payer_id, provider_id), found in grouped.items():
        unpaid = [s for s in found if s.open]
        rows.append(
            ProviderBalance(
                payer=payers[payer_id],
                provider=providers[provider_id],
                statements=len(found),
                due=sum(s.total for s in found),
                paid=sum(s.paid for s in found),
                oldest_unpaid_due_on=unpaid[0].due_on if unpaid else None,
                days_late=max((s.days_late for s in unpaid), default=0),
                promptness=promptness(found, today),
                currency=currencies.get((payer_id, provider_id), payers[payer_id].currency),
            )
        )
    rows.sort(key=BALANCE_ORDERS.get(order, BALANCE_ORDERS["delay"]))
    return rows, promptness(standings.values(), today)


@dataclass(frozen=True)
class Clearing:
    """The clearing between mutuals of one month: who paid providers for whose members."""

    start: datetime.date
    end: datetime.date
    flows: list[Flow]
    balances: list[Balance]
    organisations: dict[int, Organisation]

    def named_flows(self) -> list[tuple[Organisation, Organisation, Flow]]:
        return [(self.organisations[f.payer], self.organisations[f.mutual], f) for f in self.flows]

    def named_balances(self) -> list[tuple[Organisation, Balance]]:
        named = [(self.organisations[b.organisation], b) for b in self.balances]
        return sorted(named, key=lambda pair: (pair[1].currency, pair[0].name))


def chargebacks(user) -> QuerySet[StatementClaim]:
    """The claims a payer put on its statements for the members of another mutual, where the
    user's scope holds the payer or the mutual: both sides see the flows between them."""
    prefix = user.scope_prefix
    if not prefix:
        return StatementClaim.objects.none()
    return StatementClaim.objects.exclude(claim__mutual=F("mutual")).filter(
        Q(mutual__path__startswith=prefix) | Q(claim__mutual__path__startswith=prefix)
    )


def clearing_lines(user, month: datetime.date) -> tuple[QuerySet, QuerySet]:
    """The claims of the month's clearing: put on a statement issued in the month, and released
    in the month by a statement's cancellation (which count against)."""
    end = period_end(month, PeriodUnit.MONTH)
    found = chargebacks(user)
    added = found.filter(statement__issued_on__range=(month, end))
    released = found.filter(released_on__range=(month, end))
    return added, released


def clearing(user, month: datetime.date) -> Clearing:
    """The clearing between mutuals of the month starting on `month`: for each payer and
    beneficiary's mutual, the claims the payer put on its statements that month for the
    mutual's members, their number and the mutual shares the mutual owes back, less those of
    statements cancelled that month; and each organisation's net position. A month that is
    over never changes: a later cancellation counts in the month it happens."""
    added, released = clearing_lines(user, month)
    sums: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for lines, sign in ((added, 1), (released, -1)):
        for row in (
            lines.order_by()
            .values("mutual_id", "claim__mutual_id", "statement__currency")
            .annotate(count=Count("pk"), amount=Sum("amount"))
        ):
            key = (row["mutual_id"], row["claim__mutual_id"], row["statement__currency"])
            sums[key][0] += sign * row["count"]
            sums[key][1] += sign * row["amount"]
    flows = [
        Flow(payer, mutual, currency, count, amount)
        for (payer, mutual, currency), (count, amount) in sums.items()
        if count or amount
    ]
    organisations = Organisation.objects.in_bulk(
        {f.payer for f in flows} | {f.mutual for f in flows}
    )
    flows.sort(key=lambda f: (organisations[f.payer].name, organisations[f.mutual].name))
    return Clearing(
        month, period_end(month, PeriodUnit.MONTH), flows, balances(flows), organisations
    )
