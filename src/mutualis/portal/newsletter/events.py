"""The Courrier's events, in the log of the organisation that owns the issue, in the
transaction of the change, version 1:

- `courrier_issue.created`, `courrier_issue.changed`, about the issue: {"issue", "title"}
  (a change of the draft or of its articles);
- `courrier_issue.published`, about the issue: {"issue", "number", "title", "articles"};
- `courrier_issue.sent`, about the issue: {"issue", "number", "mails"} (how many were queued).

The subscriptions to the lists are readers' settings, of no organisation: audited, not logged.
The flash news e-mails are sent from the portal's `news.published` events (consumers.py)."""

from django.utils.translation import gettext_lazy as _

from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.portal.newsletter.models import Issue

ISSUE_CREATED = "courrier_issue.created"
ISSUE_CHANGED = "courrier_issue.changed"
ISSUE_PUBLISHED = "courrier_issue.published"
ISSUE_SENT = "courrier_issue.sent"


def issue(kind: str, row: Issue) -> NewEvent:
    return NewEvent(kind, row.uid, {"issue": str(row.uid), "title": row.title_fr})


def issue_published(row: Issue, articles: int) -> NewEvent:
    return NewEvent(
        ISSUE_PUBLISHED,
        row.uid,
        {"issue": str(row.uid), "number": row.number, "title": row.title_fr, "articles": articles},
    )


def issue_sent(row: Issue, mails: int) -> NewEvent:
    return NewEvent(
        ISSUE_SENT, row.uid, {"issue": str(row.uid), "number": row.number, "mails": mails}
    )


KINDS = [
    Kind(ISSUE_CREATED, _("Courrier issue drafted")),
    Kind(ISSUE_CHANGED, _("Courrier issue changed")),
    Kind(ISSUE_PUBLISHED, _("Courrier issue published")),
    Kind(ISSUE_SENT, _("Courrier issue sent to its subscribers")),
]

# each issue is told once when it is drafted, once when published, once when sent
TRACES = [
    Trace("Courrier issues", lambda: Issue.objects.all(), (ISSUE_CREATED,)),
    Trace(
        "published Courrier issues",
        lambda: Issue.objects.exclude(status="draft"),
        (ISSUE_PUBLISHED,),
    ),
    Trace("sent Courrier issues", lambda: Issue.objects.filter(status="sent"), (ISSUE_SENT,)),
]
