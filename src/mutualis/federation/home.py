"""The federation's panels of a home: the administrator's (users, locked sign-ins, recent
changes), a union's mutuals side by side (their columns come from every app's
MUTUAL_FIGURES), and the organisations a user can see, for whom no other panel speaks."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.core.paginator import Paginator
from django.utils import timezone

from mutualis.core.access import scoped
from mutualis.core.consumers import lags
from mutualis.core.history import recent_changes
from mutualis.core.home import Panel, mutual_figures
from mutualis.federation import queries
from mutualis.federation.models import Organisation
from mutualis.federation.rules import UNIONS, Kind, Role

RECENT_CHANGES = 10
MUTUALS_PER_PAGE = 50


def administration(request, today: datetime.date) -> dict:
    users = queries.users_visible(request.user)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = list(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        )
        .order_by("-attempt_time")
        .values_list("username", "attempt_time")[:RECENT_CHANGES]
    )
    work = lags()
    stopped = [cursor for lag in work for cursor in lag.failing]
    names = dict(
        Organisation.objects.filter(pk__in={c.organisation_id for c in stopped}).values_list(
            "pk", "name"
        )
    )
    for cursor in stopped:
        cursor.organisation_name = names.get(cursor.organisation_id, cursor.organisation_id)
    return {
        "active_users": users.filter(is_active=True).count(),
        "inactive_users": users.filter(is_active=False).count(),
        "locked": locked,
        "changes": recent_changes(RECENT_CHANGES),
        "work": work,
    }


def union_mutuals(request, today: datetime.date) -> dict | None:
    """The union's mutuals side by side, sorted by any column, a page at a time; None for a
    user of a mutual."""
    user = request.user
    if user.organisation is None or user.organisation.kind not in UNIONS:
        return None
    mutuals = list(
        scoped(Organisation.objects.filter(kind=Kind.MUTUAL), user)
        .order_by("name")
        .only("pk", "name", "currency")
    )
    ids = [mutual.pk for mutual in mutuals]
    figures = mutual_figures()
    values = {figure.key: figure.read(ids, today) for figure in figures}
    rows = [
        (mutual, [(figure, values[figure.key].get(mutual.pk)) for figure in figures])
        for mutual in mutuals
    ]
    order = request.GET.get("order", "")
    keys = [figure.key for figure in figures]
    key = order.lstrip("-")
    if key in keys:
        column = keys.index(key)
        # largest first; a figure that cannot be computed goes last, whichever the direction
        known = [row for row in rows if row[1][column][1] is not None]
        known.sort(key=lambda row: row[1][column][1], reverse=not order.startswith("-"))
        rows = known + [row for row in rows if row[1][column][1] is None]
    elif order == "-name":
        rows.reverse()
    page = Paginator(rows, MUTUALS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "figures": figures,
        "page": page,
        "order": order,
        "query": request.GET.copy(),
        "mutual_count": len(mutuals),
    }


def organisations(request, today: datetime.date) -> dict:
    counts = queries.counts_by_kind(request.user)
    return {
        "counts": [(Kind(kind).label, n) for kind, n in counts.items()],
    }


PANELS = [
    Panel("federation/home/mutuals.html", union_mutuals, {Role.UNION_OFFICER}, order=20),
    Panel("federation/home/administration.html", administration, {Role.SYSTEM_ADMIN}, order=20),
    Panel(
        "federation/home/organisations.html",
        organisations,
        {Role.SYSTEM_ADMIN, Role.PORTAL_EDITOR},
        order=90,
    ),
]
