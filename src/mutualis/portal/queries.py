"""Reads of the portal for its pages and feeds: the published library, searched or browsed,
the calendar's gatherings to come and past, the latest news; and, for editors, the proposals
waiting in their scope (core.access.scoped)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, QuerySet

from mutualis.core.access import SignedIn, scoped
from mutualis.federation.models import Organisation
from mutualis.portal.choices import DocumentStatus
from mutualis.portal.models import Application, Document, Gathering, NewsItem
from mutualis.portal.search import Filters, search

PAGE = 20


@dataclass(frozen=True)
class LibraryPage:
    documents: list[Document]
    total: int
    page: int
    searched: bool  # a query with words to look for: the order is by relevance

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE))


def published() -> QuerySet[Document]:
    return Document.objects.filter(status=DocumentStatus.PUBLISHED).select_related("file")


def library(query: str, filters: Filters, page: int = 1) -> LibraryPage:
    """A page of the published documents: those holding the query's words, best first, or
    without a query the latest years first."""
    offset = (page - 1) * PAGE
    found = search(query, filters, limit=PAGE, offset=offset)
    if found is not None:
        by_id = Document.objects.in_bulk(found.ids)
        return LibraryPage([by_id[i] for i in found.ids], found.total, page, True)
    rows = published()
    for name in ("kind", "year", "language", "country"):
        value = getattr(filters, name)
        if value not in ("", None):
            rows = rows.filter(**{name: value})
    if filters.theme:
        rows = rows.filter(themes__contains=f"|{filters.theme}|")
    ordered = rows.order_by(F("year").desc(nulls_last=True), "-id")
    return LibraryPage(list(ordered[offset : offset + PAGE]), rows.count(), page, False)


def proposals(user: SignedIn) -> QuerySet[Document]:
    """The proposals waiting for an editor of the user's scope, oldest first."""
    return (
        scoped(Document.objects.filter(status=DocumentStatus.PROPOSED), user)
        .select_related("owner", "proposed_by")
        .order_by("created_at", "id")
    )


def upcoming(today: datetime.date) -> QuerySet[Gathering]:
    return Gathering.objects.filter(ends_on__gte=today).order_by("starts_on", "id")


def past(today: datetime.date) -> QuerySet[Gathering]:
    return Gathering.objects.filter(ends_on__lt=today).order_by("-starts_on", "-id")


def latest_news() -> QuerySet[NewsItem]:
    return NewsItem.objects.order_by("-published_at", "-id")


def network() -> Organisation | None:
    """The network's own organisation (its support structure, the Concertation in the demo),
    named by its code in the setting MUTUALIS_NETWORK_CODE: it receives the applications to
    join (docs/public-site.md). None when this installation has none."""
    code = settings.MUTUALIS_NETWORK_CODE
    if not code:
        return None
    return Organisation.objects.filter(parent=None, code=code).first()


def applications(user: SignedIn, state: str) -> QuerySet[Application]:
    """The applications to join in the user's scope, in a state, oldest first: the first
    waiting is the first to answer."""
    return scoped(Application.objects.filter(state=state), user).order_by("created_at", "id")
