"""The e-mails of the forums: a new visible reply to each follower of its topic but its
author, queued in core.mail's outbox in the transaction of the reply (sent by `mutualis work`),
each with a one-click unsubscribe (RFC 8058): a link in the text, and the `List-Unsubscribe`
and `List-Unsubscribe-Post` headers a mail reader's own button uses.

The unsubscribe link carries a signed token naming the user and the topic: the token is the
authority, so that it works from any mail reader, signed in or not, and for ever (a link in an
old mail must still stop the mails)."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mutualis.core import mail
from mutualis.portal.forums.models import Post, Subscription

KIND = "forums.reply"
SALT = "mutualis.forums.unsubscribe"


def unsubscribe_token(user_uid: uuid.UUID, topic_uid: uuid.UUID) -> str:
    return signing.dumps({"user": str(user_uid), "topic": str(topic_uid)}, salt=SALT)


def unsubscribe_subject(token: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The (user uid, topic uid) a token names; None for a token not signed by us."""
    try:
        data = signing.loads(token, salt=SALT)
        return uuid.UUID(data["user"]), uuid.UUID(data["topic"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(user_uid: uuid.UUID, topic_uid: uuid.UUID) -> str:
    path = reverse("forums:unsubscribe", kwargs={"token": unsubscribe_token(user_uid, topic_uid)})
    return settings.MUTUALIS_SITE_URL + path


def reply_mail(post: Post, subscription: Subscription) -> mail.Outgoing:
    topic = post.topic
    unsubscribe = unsubscribe_url(subscription.user.uid, topic.uid)
    context = {
        "post": post,
        "topic": topic,
        "page": settings.MUTUALIS_SITE_URL + reverse("forums:post", kwargs={"pk": post.pk}),
        "unsubscribe": unsubscribe,
    }
    with translation.override(subscription.language):
        subject = render_to_string("forums/reply_mail_subject.txt", context).strip()
        text = render_to_string("forums/reply_mail.txt", context)
    return mail.Outgoing(
        to=subscription.user.email,
        subject=subject,
        text=text,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def reply_queue(post: Post, subscriptions: Iterable[Subscription]) -> int:
    """Queues the reply for the topic's followers but its author, who have an address and an
    active account; a follower already sent this reply is not sent it again (core.mail)."""
    mails = [
        reply_mail(post, subscription)
        for subscription in subscriptions
        if subscription.user_id != post.author_id
        and subscription.user.is_active
        and subscription.user.email
    ]
    return mail.queue(KIND, post.uid, mails)
