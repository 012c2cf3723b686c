"""What the pages of the lists and the Courrier read."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from mutualis.core.access import scoped
from mutualis.core.models import Mail
from mutualis.portal.newsletter.mails import COURRIER, Told
from mutualis.portal.newsletter.models import Article, Issue

BLANK_LINE = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """An article's paragraphs: its text cut at blank lines, each on one line."""
    return [" ".join(part.split()) for part in BLANK_LINE.split(text) if part.strip()]


def archive() -> QuerySet[Issue]:
    """The published issues, the newest first: anyone reads them."""
    return (
        Issue.objects.exclude(status=Issue.Status.DRAFT)
        .select_related("owner")
        .order_by("-published_at")
    )


def public_issue(uid) -> Issue | None:
    return archive().filter(uid=uid).first()


def editable(user) -> QuerySet[Issue]:
    """The issues an editor works on: those of the organisations in their scope, the latest
    first (the draft in the making, then the past issues)."""
    return scoped(Issue.objects.select_related("owner"), user).order_by("-created_at")


def sending(issue: Issue) -> dict[str, int]:
    """How far the sending of an issue has gone: its mails queued, sent, given up, waiting."""
    counts = Mail.objects.filter(kind=COURRIER, about=issue.uid).aggregate(
        queued=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        failed=Count("pk", filter=Q(given_up_at__isnull=False)),
    )
    counts["waiting"] = counts["queued"] - counts["sent"] - counts["failed"]
    return counts


@dataclass(frozen=True)
class Edition:
    """An issue in one language, as its page, its preview and its mail show it."""

    language: str
    title: str
    articles: list[Told]


def edition(issue: Issue, articles: Sequence[Article], language: str) -> Edition:
    return Edition(
        language,
        issue.title(language),
        [Told(a.title(language), a.body(language), a.link) for a in articles],
    )
