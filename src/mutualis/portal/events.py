"""The portal's events, in the log of the organisation that owns what changed, in the
transaction of the change, version 1:

- `document.proposed`, `document.published`, `document.changed`, about the document:
  {"document", "kind", "title", "language", "status"} (`document.published` also when an
  editor publishes a proposal);
- `document.rejected`, `document.withdrawn`, about the document: {"document", "reason"};
- `gathering.announced`, `gathering.changed`, about the gathering: {"gathering", "kind",
  "title", "starts_on", "ends_on", "sequence"};
- `news.published`, `news.changed`, about the news item: {"news", "title", "language"}: what
  the flash news e-mails will be sent from, named by the event's uid;
- `application.received`, `application.confirmed`, `application.closed`,
  `application.accepted`, `application.refused`, in the log of the network's organisation,
  about an application to join: {"application", "state", "country", "organisation_name"}
  (`application.accepted` also names the account made by its uid). Neither the applicant's
  name nor their address: events travel between installations, the application stays here.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.portal.models import Application, Document, Gathering, NewsItem

DOCUMENT_PROPOSED = "document.proposed"
DOCUMENT_PUBLISHED = "document.published"
DOCUMENT_CHANGED = "document.changed"
DOCUMENT_REJECTED = "document.rejected"
DOCUMENT_WITHDRAWN = "document.withdrawn"
GATHERING_ANNOUNCED = "gathering.announced"
GATHERING_CHANGED = "gathering.changed"
NEWS_PUBLISHED = "news.published"
NEWS_CHANGED = "news.changed"
APPLICATION_RECEIVED = "application.received"
APPLICATION_CONFIRMED = "application.confirmed"
APPLICATION_CLOSED = "application.closed"
APPLICATION_ACCEPTED = "application.accepted"
APPLICATION_REFUSED = "application.refused"


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


def application(kind: str, row: Application) -> NewEvent:
    payload = {
        "application": str(row.uid),
        "state": row.state,
        "country": row.country,
        "organisation_name": row.organisation_name,
    }
    if row.account_id is not None:
        payload["account"] = str(row.account.uid)
    return NewEvent(kind, row.uid, payload)


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
    Kind(APPLICATION_RECEIVED, _("Application to join the network received")),
    Kind(APPLICATION_CONFIRMED, _("Application to join confirmed by its address")),
    Kind(APPLICATION_CLOSED, _("Application to join closed: the address was known")),
    Kind(APPLICATION_ACCEPTED, _("Application to join accepted")),
    Kind(APPLICATION_REFUSED, _("Application to join refused")),
]
