"""A user's home: the work waiting for them and the figures of their day (issue 12), made of
panels that each app declares for the roles it serves, in `<app>/home.py`:

    PANELS = [Panel("contributions/home/arrears.html", arrears, {Role.MUTUAL_MANAGER})]

`read(request, today)` returns the panel's context, or None when it has nothing to say to this
user. Panels are drawn by `order`, then in the order of INSTALLED_APPS; core discovers them as
it discovers menus, so that federation's home view never imports the apps above it.

A union's home sets its mutuals side by side; each app adds its columns in the same way, with
`MUTUAL_FIGURES = [Figure(...)]`: `read(mutual_ids, today)` returns each mutual's value.

The public home, what a visitor sees before signing in (docs/public-site.md), is made the same
way of sections each app declares for everyone, in the same module:

    PUBLIC_SECTIONS = [Section("portal/home/news.html", latest_news, order=10)]
"""

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import Aggregate, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

from mutualis.core.access import SignedIn
from mutualis.core.declarations import declared_by_apps


@dataclass(frozen=True)
class Panel:
    template: str
    read: Callable[[HttpRequest, datetime.date], dict[str, Any] | None]
    roles: Collection[str]
    order: int = 50


@dataclass(frozen=True)
class Section:
    """A part of the public home: `read(request, today)` returns its context, or None when it
    has nothing to show (no news yet)."""

    template: str
    read: Callable[[HttpRequest, datetime.date], dict[str, Any] | None]
    order: int = 50


@dataclass(frozen=True)
class Figure:
    """One column of the table of a union's mutuals; `kind` says how to show a value
    ("count", "rate" in basis points, "amount" in the mutual's currency)."""

    key: str
    label: str | Promise
    read: Callable[[list[int], datetime.date], Mapping[int, int | None]]
    kind: str = "count"


def by_mutual(rows: QuerySet[Any], value: Aggregate) -> dict[int, int]:
    """`value` (an aggregate) over each mutual's `rows`, in one grouped query: what a Figure
    reads."""
    return dict(
        rows.values("mutual_id").annotate(value=value).order_by().values_list("mutual_id", "value")
    )


@cache
def panels() -> tuple[Panel, ...]:
    return tuple(declared_by_apps("home", "PANELS"))


@cache
def public_sections() -> tuple[Section, ...]:
    return tuple(sorted(declared_by_apps("home", "PUBLIC_SECTIONS"), key=lambda s: s.order))


@cache
def mutual_figures() -> tuple[Figure, ...]:
    return tuple(declared_by_apps("home", "MUTUAL_FIGURES"))


def panels_for(user: SignedIn) -> list[Panel]:
    found = [panel for panel in panels() if user.has_any_role(panel.roles)]
    return sorted(found, key=lambda panel: panel.order)
