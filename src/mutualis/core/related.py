"""What the apps above an operational app say about one of its rows, shown on the row's page:
the books show a payment's entries on the receipt's page, though contributions never import
them. An app declares, in `<app>/related.py`:

    RELATED = [Related("accounting/related_entries.html", entries_about, BOOK_READERS)]

`read(request, uids)` returns the section's context for the rows named by `uids` (a page and the
rows it lists: a statement and its payments), or None when it has nothing to show; a page draws
them with `{% related row %}` or `{% related row its_rows %}` (templatetags `related`)."""

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import HttpRequest

from mutualis.core.declarations import declared_by_apps


@dataclass(frozen=True)
class Related:
    template: str
    read: Callable[[HttpRequest, Sequence[uuid.UUID]], dict[str, Any] | None]
    roles: Collection[str]


@cache
def declared() -> tuple[Related, ...]:
    return tuple(declared_by_apps("related", "RELATED"))


def sections(request: HttpRequest, uids: Sequence[uuid.UUID]) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each section the user may see about the rows."""
    user = request.user
    found = []
    for related in declared():
        if not user.has_any_role(related.roles):  # type: ignore[union-attr]
            continue
        context = related.read(request, uids)
        if context is not None:
            found.append((related.template, context))
    return found
