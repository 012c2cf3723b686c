"""Contributions' panels of a home: the month's collection and the households in arrears for
the manager, the day's cash and what falls due this week for the cashier, the households still
waiting for their cover for the enrolment agent; and each mutual's paid-up rate for its union.
"""

import datetime

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from mutualis.contributions.models import Method, Payment
from mutualis.contributions.standing import Standings
from mutualis.core.access import scoped
from mutualis.core.home import Figure, Panel, by_mutual
from mutualis.core.money import ratio
from mutualis.core.periods import PeriodUnit, period_start
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Kind, Role
from mutualis.membership.home import active_households
from mutualis.membership.models import Household

SOON_DAYS = 30
WEEK_DAYS = 7
LISTED = 8


def mutuals_of(user) -> list[Organisation]:
    return list(scoped(Organisation.objects.filter(kind=Kind.MUTUAL), user).order_by("name"))


def currency_of(mutuals: list[Organisation]) -> str:
    """The currency amounts of these mutuals are shown in, when they share one."""
    currencies = {mutual.currency for mutual in mutuals}
    return currencies.pop() if len(currencies) == 1 else ""


def households_named(ids) -> dict[int, Household]:
    return Household.objects.select_related("mutual").in_bulk(list(ids))


def collection(mutual_ids: list[int], start: datetime.date, end: datetime.date) -> int:
    """What members and payers paid in the days, reversals taken off."""
    found = Payment.objects.filter(
        mutual_id__in=mutual_ids, received_on__gte=start, received_on__lte=end
    ).aggregate(total=Sum("amount"))
    return found["total"] or 0


def management(request, today: datetime.date) -> dict | None:
    mutuals = mutuals_of(request.user)
    if not mutuals:
        return None
    ids = [mutual.pk for mutual in mutuals]
    this = period_start(today, PeriodUnit.MONTH)
    before = period_start(this - datetime.timedelta(days=1), PeriodUnit.MONTH)
    # the month before up to the same day, so that the two months compare
    same_day = min(today.day, (this - datetime.timedelta(days=1)).day)
    standings = Standings(ids, today)
    return {
        "currency": currency_of(mutuals),
        "month": this,
        "month_before": before,
        "collected": collection(ids, this, today),
        "collected_before": collection(ids, before, before.replace(day=same_day)),
        "arrears": standings.arrears_total(),
        "ending": standings.cover_ending(SOON_DAYS).count(),
        "waiting": standings.waiting().count(),
        "soon_days": SOON_DAYS,
    }


def cash_desk(request, today: datetime.date) -> dict | None:
    mutuals = mutuals_of(request.user)
    if not mutuals:
        return None
    ids = [mutual.pk for mutual in mutuals]
    mine = Payment.objects.filter(mutual_id__in=ids, recorded_by=request.user)
    by_method = {
        row["method"]: row
        for row in mine.filter(received_on=today)
        .values("method")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by()
    }
    due = list(Standings(ids, today).falling_due(WEEK_DAYS)[:LISTED])
    named = households_named(row.household_id for row in due)
    return {
        "currency": currency_of(mutuals),
        "cash": by_method.get(Method.CASH, {}).get("total") or 0,
        "by_method": [
            (Method(method).label, row["total"], row["count"]) for method, row in by_method.items()
        ],
        "last": mine.select_related("household", "payer").order_by("-recorded_at", "-pk")[:LISTED],
        "due": [(named[row.household_id], row) for row in due],
        "week_days": WEEK_DAYS,
    }


def waiting_households(request, today: datetime.date) -> dict | None:
    mutuals = mutuals_of(request.user)
    if not mutuals:
        return None
    waiting = Standings([mutual.pk for mutual in mutuals], today).waiting()
    listed = list(waiting[:LISTED])
    named = households_named(row.household_id for row in listed)
    return {
        "count": waiting.count(),
        "listed": [(named[row.household_id], row.covered_from) for row in listed],
    }


def paid_up_rate(mutual_ids: list[int], today: datetime.date) -> dict[int, int | None]:
    """The share of each mutual's active households that owe nothing of the dues begun, in
    basis points; None for a mutual without households (not computable, never 0)."""
    active = active_households(mutual_ids, today)
    late = Standings(mutual_ids, today).in_arrears_by_mutual()
    return {
        mutual: ratio(active.get(mutual, 0) - late.get(mutual, 0), active.get(mutual, 0))
        for mutual in mutual_ids
    }


def collected_this_month(mutual_ids: list[int], today: datetime.date) -> dict[int, int]:
    month = Payment.objects.filter(
        mutual_id__in=mutual_ids,
        received_on__gte=period_start(today, PeriodUnit.MONTH),
        received_on__lte=today,
    )
    return by_mutual(month, Sum("amount"))


PANELS = [
    Panel("contributions/home/management.html", management, {Role.MUTUAL_MANAGER}, order=10),
    Panel("contributions/home/cash_desk.html", cash_desk, {Role.CASHIER}, order=10),
    Panel("contributions/home/waiting.html", waiting_households, {Role.ENROLMENT_AGENT}, order=20),
]

MUTUAL_FIGURES = [
    Figure("paid_up", _("paid-up households"), paid_up_rate, kind="rate"),
    Figure("collected", _("collected this month"), collected_this_month, kind="amount"),
]
