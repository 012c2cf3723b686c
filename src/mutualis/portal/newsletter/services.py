"""Changes to the mailing lists and the Courrier (docs/newsletter.md), their only writers.

Anyone may ask to receive the flash news or the Courrier: the request is checked (the address,
the rate limits), then a confirmation is mailed to the address, whose link alone starts the
mails (double opt-in). The answer is the same whoever is already subscribed, so that the form
tells nobody who reads the lists. A signed-in user subscribes their own address in one click.
Stopping is one click too, from any mail; the subscription is kept, with the date.

The Courrier's issues are made by the portal editors whose scope holds the issue's
organisation: drafted, published (numbered, never changed again), then sent. Every change is
checked before anything is written, then written, audited and, for the issues, told in the
organisation's event log, in one transaction: nothing is half-saved."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core import events as log
from mutualis.core.audit import (
    audit_created,
    audit_deleted,
    audit_updated,
    snapshot,
)
from mutualis.core.numbering import series_take
from mutualis.federation.models import Organisation, User
from mutualis.federation.services import require_in_scope_as
from mutualis.portal.newsletter import events, mails
from mutualis.portal.newsletter.models import Article, Issue, MailingList, SignUp, Subscription
from mutualis.portal.newsletter.rules import (
    ARTICLES_MAX,
    EDITORS,
    address_error,
    article_errors,
    change_refusal,
    issue_errors,
    normal_address,
    publish_refusal,
    send_refusal,
    sign_up_refusal,
)

SERIES = "courrier"


def refuse_errors(errors: dict[str, str | None]) -> None:
    found = {name: [message] for name, message in errors.items() if message}
    if found:
        raise ValidationError(found)


def lists_error(lists: Collection[str]) -> str | None:
    if not lists:
        return _("Choose at least one list: the flash news, the Courrier or both.")
    if set(lists) - set(MailingList.values):
        return _("Choose among the flash news and the Courrier.")
    return None


def known_language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def rows_for(
    email: str, lists: Collection[str], language: str, by: User | None
) -> list[Subscription]:
    """The address's row on each list, made when missing (not yet confirmed)."""
    now = timezone.now()
    rows = []
    for name in sorted(lists):
        row, made = Subscription.objects.get_or_create(
            email=email,
            list=name,
            defaults={"language": language, "requested_at": now, "user": by},
        )
        if made:
            audit_created(actor=by, obj=row)
        rows.append(row)
    return rows


@transaction.atomic
def subscription_request(
    *, email: str, lists: Collection[str], language: str, client: str | None
) -> None:
    """A visitor asks to receive `lists` at `email`: a confirmation is mailed to the address,
    within the rate limits (per client address, per e-mail address). Nothing tells whether the
    address was subscribed already: the answer, and the mail, are the same."""
    refuse_errors({"email": address_error(email), "lists": lists_error(lists)})
    address = normal_address(email)
    now = timezone.now()
    day = now - datetime.timedelta(days=1)
    # requests are counted and written under the lock of the address's oldest row (or of
    # nothing yet): on PostgreSQL two requests sent at once for one address queue here
    Subscription.objects.select_for_update().filter(email=address).order_by("pk").first()
    refuse_errors(
        {
            "email": sign_up_refusal(
                from_client=list(
                    SignUp.objects.filter(client=client, at__gt=day).values_list("at", flat=True)
                )
                if client
                else [],
                for_address=list(
                    SignUp.objects.filter(email=address, at__gt=day).values_list("at", flat=True)
                ),
                now=now,
                per_client_hour=settings.MUTUALIS_NEWSLETTER_SIGNUPS_PER_HOUR,
                per_address_day=settings.MUTUALIS_NEWSLETTER_CONFIRMATIONS_PER_DAY,
            )
        }
    )
    SignUp.objects.create(email=address, client=client or None, at=now)
    language = known_language(language)
    rows_for(address, lists, language, None)
    mails.confirm_queue(mails.Request(address, tuple(sorted(lists)), language, now))


@transaction.atomic
def subscription_confirm(*, token: str) -> list[Subscription]:
    """The link of a confirmation mail: the lists it names start (again) for the address, in
    the language it names. Confirming twice changes nothing, and a list stopped after the link
    was asked for stays stopped (an old link does not undo an unsubscribe). Empty for a link not
    ours or too old."""
    request = mails.confirmed_request(token)
    if request is None or lists_error(request.lists):
        return []
    now = timezone.now()
    rows = []
    for row in rows_for(request.email, request.lists, known_language(request.language), None):
        row = Subscription.objects.select_for_update().get(pk=row.pk)
        if row.stopped_at is not None and row.stopped_at > request.asked_at:
            continue
        if not row.active or row.language != request.language:
            before = snapshot(row)
            if not row.active:
                row.confirmed_at, row.stopped_at = now, None
            row.language = known_language(request.language)
            row.save(update_fields=["confirmed_at", "stopped_at", "language"])
            audit_updated(actor=None, obj=row, before=before)
        rows.append(row)
    return rows


@transaction.atomic
def subscription_own(*, by: User, lists: Collection[str], language: str) -> list[Subscription]:
    """A signed-in user receives `lists` at their account's address at once: the address is
    theirs, no confirmation is asked."""
    if not by.is_authenticated or not by.is_active:
        raise ValidationError({"lists": _("Sign in to subscribe your own address.")})
    refuse_errors({"email": address_error(by.email or ""), "lists": lists_error(lists)})
    now = timezone.now()
    rows = []
    for row in rows_for(normal_address(by.email), lists, known_language(language), by):
        row = Subscription.objects.select_for_update().get(pk=row.pk)
        if not row.active:
            before = snapshot(row)
            row.confirmed_at, row.stopped_at, row.user = now, None, by
            row.language = known_language(language)
            row.save(update_fields=["confirmed_at", "stopped_at", "user", "language"])
            audit_updated(actor=by, obj=row, before=before)
        rows.append(row)
    return rows


@transaction.atomic
def subscription_stop(*, subscription: Subscription) -> bool:
    """The address stops receiving the list (the one-click link of its mails, whose signed
    token names the subscription); whether it was receiving it. The row is kept, with the
    date."""
    row = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if row.stopped_at is not None:
        return False
    before = snapshot(row)
    # a request not yet confirmed lapses too: its confirmation link no longer starts it
    row.stopped_at = timezone.now()
    row.save(update_fields=["stopped_at"])
    audit_updated(actor=None, obj=row, before=before)
    subscription.refresh_from_db()
    return before["confirmed_at"] is not None


# The Courrier


@dataclass(frozen=True)
class IssueDetails:
    title_fr: str
    title_en: str
    dated: datetime.date


@dataclass(frozen=True)
class ArticleDetails:
    title_fr: str
    title_en: str
    body_fr: str
    body_en: str
    link: str = ""
    position: int = 0


def require_draft(issue: Issue) -> Issue:
    """The issue's row, locked, as long as it is a draft."""
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    refuse_errors({"issue": change_refusal(locked.status)})
    return locked


def apply_issue(row: Issue, details: IssueDetails) -> None:
    refuse_errors(issue_errors(title_fr=details.title_fr, title_en=details.title_en))
    row.title_fr, row.title_en = details.title_fr.strip(), details.title_en.strip()
    row.dated = details.dated


@transaction.atomic
def issue_create(*, by: User | None, owner: Organisation, details: IssueDetails) -> Issue:
    """A draft of the Courrier, opened by a portal editor for their organisation."""
    require_in_scope_as(by, EDITORS, owner, "organisation")
    row = Issue(owner=owner)
    apply_issue(row, details)
    row.save()
    audit_created(actor=by, obj=row)
    log.append(owner.pk, events.issue(events.ISSUE_CREATED, row), actor=by)
    return row


@transaction.atomic
def issue_update(*, by: User | None, issue: Issue, details: IssueDetails) -> Issue:
    require_in_scope_as(by, EDITORS, issue.owner, "issue")
    row = require_draft(issue)
    before = snapshot(row)
    apply_issue(row, details)
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    log.append(row.owner_id, events.issue(events.ISSUE_CHANGED, row), actor=by)
    issue.refresh_from_db()
    return row


def apply_article(row: Article, details: ArticleDetails) -> None:
    refuse_errors(
        article_errors(
            title_fr=details.title_fr,
            title_en=details.title_en,
            body_fr=details.body_fr,
            body_en=details.body_en,
        )
    )
    row.title_fr, row.title_en = details.title_fr.strip(), details.title_en.strip()
    row.body_fr, row.body_en = details.body_fr.strip(), details.body_en.strip()
    row.link, row.position = details.link.strip(), details.position
    try:
        row.full_clean(exclude=["issue"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


@transaction.atomic
def article_add(*, by: User | None, issue: Issue, details: ArticleDetails) -> Article:
    """An article at the end of a draft (or at the position given)."""
    require_in_scope_as(by, EDITORS, issue.owner, "issue")
    locked = require_draft(issue)
    if locked.articles.count() >= ARTICLES_MAX:
        raise ValidationError(
            {"issue": _("An issue holds at most %(limit)s articles.") % {"limit": ARTICLES_MAX}}
        )
    row = Article(issue=locked)
    apply_article(row, details)
    if not details.position:
        last = locked.articles.aggregate(last=Max("position"))["last"]
        row.position = (last or 0) + 1
    row.save()
    audit_created(actor=by, obj=row)
    log.append(locked.owner_id, events.issue(events.ISSUE_CHANGED, locked), actor=by)
    return row


@transaction.atomic
def article_update(*, by: User | None, article: Article, details: ArticleDetails) -> Article:
    require_in_scope_as(by, EDITORS, article.issue.owner, "article")
    locked = require_draft(article.issue)
    row = Article.objects.get(pk=article.pk)
    before = snapshot(row)
    apply_article(row, details)
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    log.append(locked.owner_id, events.issue(events.ISSUE_CHANGED, locked), actor=by)
    return row


@transaction.atomic
def article_remove(*, by: User | None, article: Article) -> None:
    """An article taken out of a draft (a published issue keeps its articles)."""
    require_in_scope_as(by, EDITORS, article.issue.owner, "article")
    locked = require_draft(article.issue)
    audit_deleted(actor=by, obj=article)
    article.delete()
    log.append(locked.owner_id, events.issue(events.ISSUE_CHANGED, locked), actor=by)


@transaction.atomic
def issue_publish(*, by: User | None, issue: Issue) -> Issue:
    """A draft is published: it takes the next number of its organisation's series (without
    gaps: a draft given up never took one), its page enters the archive and its PDF can be
    read; it is never changed again."""
    require_in_scope_as(by, EDITORS, issue.owner, "issue")
    row = Issue.objects.select_for_update().get(pk=issue.pk)
    articles = row.articles.count()
    refuse_errors({"issue": publish_refusal(status=row.status, articles=articles)})
    before = snapshot(row)
    row.number = series_take(row.owner_id, SERIES)
    row.status = Issue.Status.PUBLISHED
    row.published_at, row.published_by = timezone.now(), by
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    log.append(row.owner_id, events.issue_published(row, articles), actor=by)
    issue.refresh_from_db()
    return row


def receivers(mailing_list: str) -> list[Subscription]:
    return list(
        Subscription.objects.filter(
            list=mailing_list, confirmed_at__isnull=False, stopped_at__isnull=True
        ).order_by("pk")
    )


@transaction.atomic
def issue_send(*, by: User | None, issue: Issue) -> int:
    """A published issue is sent to the Courrier's subscribers, each in their language: one
    mail each, queued with the change and sent by `mutualis work` (core.mail), so that the
    page answers at once and a failed address stops no other. Sent once: how many mails were
    queued."""
    require_in_scope_as(by, EDITORS, issue.owner, "issue")
    row = Issue.objects.select_for_update().get(pk=issue.pk)
    refuse_errors({"issue": send_refusal(row.status)})
    before = snapshot(row)
    queued = mails.courrier_queue(row, list(row.articles.all()), receivers(MailingList.COURRIER))
    row.status = Issue.Status.SENT
    row.sent_at, row.sent_by = timezone.now(), by
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    log.append(row.owner_id, events.issue_sent(row, queued), actor=by)
    issue.refresh_from_db()
    return queued
