"""The portal's sections of the public home (core.home, docs/public-site.md): the latest flash
news, the gatherings to come, the library's latest documents and the inventory's figures of its
latest year. Each says nothing (None) when it has nothing to show."""

import datetime

from django.http import HttpRequest

from mutualis.core.home import Section
from mutualis.inventory import queries as inventory
from mutualis.portal import queries
from mutualis.portal.views import gathering_rows

SHOWN = 4


def latest_news(request: HttpRequest, today: datetime.date) -> dict | None:
    items = list(queries.latest_news()[:SHOWN])
    return {"items": items} if items else None


def coming_gatherings(request: HttpRequest, today: datetime.date) -> dict | None:
    rows = gathering_rows(queries.upcoming(today)[:SHOWN])
    return {"rows": rows} if rows else None


def latest_documents(request: HttpRequest, today: datetime.date) -> dict | None:
    documents = list(queries.published().order_by("-published_at", "-id")[: SHOWN + 1])
    return {"documents": documents} if documents else None


def inventory_figures(request: HttpRequest, today: datetime.date) -> dict | None:
    """The latest year's mutuals, members and beneficiaries, by country and in all."""
    tables = inventory.synthesis_tables()
    if not tables:
        return None
    year = max(year for _country, year in tables)
    rows = [
        (code, name, tables[(code, year)])
        for code, name in inventory.countries_inventoried()
        if (code, year) in tables
    ]
    return {"year": year, "rows": rows, "total": tables.get(("", year))}


PUBLIC_SECTIONS = [
    Section("portal/home/news.html", latest_news, order=10),
    Section("portal/home/gatherings.html", coming_gatherings, order=20),
    Section("portal/home/documents.html", latest_documents, order=30),
    Section("portal/home/inventory.html", inventory_figures, order=40),
]
