"""The entries of the books about a row of the operations (a payment, a claim, a statement, a
provider payment), shown on its page (core.related)."""

import uuid
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest

from mutualis.accounting.models import Entry, Line
from mutualis.core.access import scoped
from mutualis.core.related import Related
from mutualis.federation.rules import BOOK_READERS


def entries_about(request: HttpRequest, uids: Sequence[uuid.UUID]) -> dict[str, Any] | None:
    entries = list(
        scoped(Entry.objects.filter(subject__in=uids), request.user)
        .select_related("mutual")
        .prefetch_related(
            Prefetch("lines", queryset=Line.objects.select_related("account").order_by("pk"))
        )
        .order_by("date", "pk")
    )
    return {"entries": entries} if entries else None


RELATED = [Related("accounting/related_entries.html", entries_about, BOOK_READERS)]
