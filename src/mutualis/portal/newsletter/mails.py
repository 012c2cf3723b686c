"""The e-mails of the lists (docs/newsletter.md): the confirmation of a subscription, a flash
news item, an issue of the Courrier. Queued in core.mail's outbox in the transaction that asks
for them, sent by `mutualis work`.

Each mail of a list carries a one-click unsubscribe (RFC 8058): a link in its text, and the
`List-Unsubscribe` and `List-Unsubscribe-Post` headers a mail reader's own button uses. The
links carry tokens signed with django.core.signing: the token is the authority, so that a link
works from any mail reader, without a session. A confirmation link lasts a week; an
unsubscribe link for ever (a link in an old mail must still stop the mails)."""

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mutualis.core import mail
from mutualis.portal.newsletter.models import Article, Issue, Subscription

CONFIRM = "newsletter.confirm"
FLASH = "newsletter.flash"
COURRIER = "newsletter.courrier"
CONFIRM_SALT = "mutualis.newsletter.confirm"
UNSUBSCRIBE_SALT = "mutualis.newsletter.unsubscribe"
CONFIRM_DAYS = 7


@dataclass(frozen=True)
class Request:
    """What a confirmation link confirms: an address, its lists and its language, asked at
    `asked_at` (a list stopped after that is not started again by this link)."""

    email: str
    lists: tuple[str, ...]
    language: str
    asked_at: datetime.datetime


def confirm_token(request: Request) -> str:
    return signing.dumps(
        {
            "e": request.email,
            "l": list(request.lists),
            "g": request.language,
            "t": request.asked_at.isoformat(),
        },
        salt=CONFIRM_SALT,
    )


def confirmed_request(token: str) -> Request | None:
    """What a confirmation token asks; None for a token not signed by us or too old."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
        return Request(
            str(data["e"]),
            tuple(str(name) for name in data["l"]),
            str(data["g"]),
            datetime.datetime.fromisoformat(str(data["t"])),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_token(subscription_uid: uuid.UUID) -> str:
    return signing.dumps(str(subscription_uid), salt=UNSUBSCRIBE_SALT)


def unsubscribe_subject(token: str) -> uuid.UUID | None:
    """The subscription a token names; None for a token not signed by us."""
    try:
        return uuid.UUID(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def site(path: str) -> str:
    return settings.MUTUALIS_SITE_URL + path


def unsubscribe_url(subscription: Subscription) -> str:
    token = unsubscribe_token(subscription.uid)
    return site(reverse("newsletter:unsubscribe", kwargs={"token": token}))


def list_mail(
    subscription: Subscription, template: str, context: dict[str, object]
) -> mail.Outgoing:
    """A mail of a list to a subscriber, in their language, with its unsubscribe link and
    headers."""
    unsubscribe = unsubscribe_url(subscription)
    context = {**context, "unsubscribe": unsubscribe, "language": subscription.language}
    with translation.override(subscription.language):
        subject = render_to_string(f"newsletter/{template}_subject.txt", context).strip()
        text = render_to_string(f"newsletter/{template}.txt", context)
    return mail.Outgoing(
        to=subscription.email,
        subject=" ".join(subject.split()),
        text=text,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def confirm_queue(request: Request) -> int:
    """The mail asking to confirm a subscription: sent to the address itself, so that only
    its owner can start the mails."""
    link = site(reverse("newsletter:confirm", kwargs={"token": confirm_token(request)}))
    context = {"link": link, "lists": request.lists, "days": CONFIRM_DAYS}
    with translation.override(request.language):
        subject = render_to_string("newsletter/confirm_mail_subject.txt", context).strip()
        text = render_to_string("newsletter/confirm_mail.txt", context)
    return mail.queue(CONFIRM, None, [mail.Outgoing(to=request.email, subject=subject, text=text)])


@dataclass(frozen=True)
class Flash:
    """A flash news item as its e-mail tells it (read from the portal's tables)."""

    uid: uuid.UUID
    title: str
    body: str
    link: str
    language: str


def flash_queue(item: Flash, subscriptions: Iterable[Subscription]) -> int:
    """The news item to each subscriber; one already sent it is not sent it again
    (core.mail: one mail of a kind about a thing to an address)."""
    context = {"item": item, "page": site(reverse("portal:news")) + f"#n-{item.uid}"}
    return mail.queue(FLASH, item.uid, [list_mail(s, "flash_mail", context) for s in subscriptions])


def issue_links(issue: Issue, language: str) -> dict[str, str]:
    return {
        "page": site(reverse("newsletter:issue", kwargs={"uid": issue.uid})) + f"?lang={language}",
        "pdf": site(
            reverse("newsletter:issue-pdf", kwargs={"uid": issue.uid, "language": language})
        ),
    }


@dataclass(frozen=True)
class Told:
    """An article as a mail tells it, in one language."""

    title: str
    body: str
    link: str


def courrier_queue(
    issue: Issue, articles: Sequence[Article], subscriptions: Iterable[Subscription]
) -> int:
    """The issue to each subscriber of the Courrier, in their language: its articles' titles
    and texts, and the links to its page and its PDF."""
    told = {
        language: [Told(a.title(language), a.body(language), a.link) for a in articles]
        for language, _name in settings.LANGUAGES
    }
    mails = [
        list_mail(
            subscription,
            "courrier_mail",
            {
                "issue": issue,
                "title": issue.title(subscription.language),
                "articles": told[subscription.language],
                **issue_links(issue, subscription.language),
            },
        )
        for subscription in subscriptions
    ]
    return mail.queue(COURRIER, issue.uid, mails)
