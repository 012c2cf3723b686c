"""The portal's events, in the log of the organisation that owns what changed, in the
transaction of the change, version 1:

- `document.proposed`, `document.published`, `document.changed`, about the document:
  {"document", "kind", "title", "language", "status"} (`document.published` also when an
  editor publishes a proposal);
- `document.rejected`, `document.withdrawn`, about the document: {"document", "reason"};
- `gathering.announced`, `gathering.changed`, about the gathering: {"gathering", "kind",
  "title", "starts_on", "ends_on", "sequence"};
- `news.published`, `news.changed`, about the news item: {"news", "title", "language"}: what
  the flash news e-mails will be sent from, named by the event's uid.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.portal.models import Document, Gathering, NewsItem

DOCUMENT_PROPOSED = "document.proposed"
DOCUMENT_PUBLISHED = "document.published"
DOCUMENT_CHANGED = "document.changed"
DOCUMENT_REJECTED = "document.rejected"
DOCUMENT_WITHDRAWN = "document.withdrawn"
GATHERING_ANNOUNCED = "gathering.announced"
GATHERING_CHANGED = "gathering.changed"
NEWS_PUBLISHED = "news.published"
NEWS_CHANGED = "news.changed"


def document(kind: str, row: Document) -> NewEvent:
    return NewEvent(
        kind,
        row.uid,
        {
            "document": str(row.uid),
            "kind": row.kind,
            "title": row.title,
            "language": row.language,
            "status": row.status,
        },
    )


def document_set_aside(kind: str, row: Document) -> NewEvent:
    """A proposal rejected, or a document withdrawn, with the editor's reason."""
    return NewEvent(kind, row.uid, {"document": str(row.uid), "reason": row.rejection})


def gathering(kind: str, row: Gathering) -> NewEvent:
    return NewEvent(
        kind,
        row.uid,
        {
            "gathering": str(row.uid),
            "kind": row.kind,
            "title": row.title,
            "starts_on": row.starts_on.isoformat(),
            "ends_on": row.ends_on.isoformat(),
            "sequence": row.sequence,
        },
    )


def news(kind: str, row: NewsItem) -> NewEvent:
    return NewEvent(
        kind, row.uid, {"news": str(row.uid), "title": row.title, "language": row.language}
    )


KINDS = [
    Kind(DOCUMENT_PROPOSED, _("Document proposed to the library")),
    Kind(DOCUMENT_PUBLISHED, _("Document published in the library")),
    Kind(DOCUMENT_CHANGED, _("Library document changed")),
    Kind(DOCUMENT_REJECTED, _("Document proposal rejected")),
    Kind(DOCUMENT_WITHDRAWN, _("Document withdrawn from the library")),
    Kind(GATHERING_ANNOUNCED, _("Gathering announced in the calendar")),
    Kind(GATHERING_CHANGED, _("Calendar gathering changed")),
    Kind(NEWS_PUBLISHED, _("Flash news published")),
    Kind(NEWS_CHANGED, _("Flash news changed")),
]
