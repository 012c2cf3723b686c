"""Changes to the forums (issue 16 item 5, docs/forums.md), their only writers. Every
signed-in user posts topics and replies, within the rate limits; the portal editors whose
scope holds a theme's owner set the theme and moderate its topics: they hide a post (kept,
with the reason) and close or reopen a topic. Each change is checked before anything is
written, then written, audited and told in the theme owner's event log in one transaction:
nothing is half-saved."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core import events as log
from mutualis.core.audit import (
    audit_created,
    audit_deleted,
    audit_updated,
    snapshot,
)
from mutualis.core.models import Mail
from mutualis.federation.models import Organisation, User
from mutualis.federation.services import require_in_scope_as
from mutualis.portal.forums import events, notifications
from mutualis.portal.forums.models import Post, Subscription, Theme, Topic
from mutualis.portal.forums.rules import (
    BODY_MAX,
    MODERATORS,
    REASON_MAX,
    THEME_DESCRIPTION_MAX,
    THEME_TITLE_MAX,
    TOPIC_TITLE_MAX,
    rate_refusal,
    reply_refusal,
    text_error,
)


def refuse_errors(errors: dict[str, str | None]) -> None:
    found = {name: [message] for name, message in errors.items() if message}
    if found:
        raise ValidationError(found)


def require_poster(by: User) -> None:
    """A post is someone's: an active account, within the rate limits. The author's row is
    locked first, so that two posts sent at once are counted one after the other."""
    if not by.is_authenticated or not by.is_active:
        raise ValidationError({"body": _("Sign in to post in the forums.")})
    # the user's row alone: their organisation, which the manager reads with it, stays free
    User.objects.select_for_update(of=("self",)).filter(pk=by.pk).first()
    now = timezone.now()
    recent = list(
        Post.objects.filter(author=by, posted_at__gt=now - datetime.timedelta(days=1)).values_list(
            "posted_at", flat=True
        )
    )
    refuse_errors(
        {
            "body": rate_refusal(
                recent,
                now,
                per_minute=settings.MUTUALIS_FORUM_POSTS_PER_MINUTE,
                per_day=settings.MUTUALIS_FORUM_POSTS_PER_DAY,
            )
        }
    )


@transaction.atomic
def theme_create(
    *, by: User | None, owner: Organisation, title: str, description: str = "", position: int = 0
) -> Theme:
    """A theme of the forums, opened by a portal editor for their organisation (or one in
    their scope), which moderates what is said under it."""
    require_in_scope_as(by, MODERATORS, owner, "organisation")
    refuse_errors(
        {
            "title": text_error(_("The title"), title, THEME_TITLE_MAX),
            "description": text_error(
                _("The description"), description, THEME_DESCRIPTION_MAX, required=False
            ),
        }
    )
    theme = Theme.objects.create(
        owner=owner, title=title.strip(), description=description.strip(), position=position
    )
    audit_created(actor=by, obj=theme)
    log.append(owner.pk, events.theme(events.THEME_CREATED, theme), actor=by)
    return theme


@transaction.atomic
def theme_update(
    *, by: User | None, theme: Theme, title: str, description: str, position: int
) -> Theme:
    require_in_scope_as(by, MODERATORS, theme.owner, "theme")
    refuse_errors(
        {
            "title": text_error(_("The title"), title, THEME_TITLE_MAX),
            "description": text_error(
                _("The description"), description, THEME_DESCRIPTION_MAX, required=False
            ),
        }
    )
    before = snapshot(theme)
    theme.title, theme.description, theme.position = title.strip(), description.strip(), position
    theme.save()
    audit_updated(actor=by, obj=theme, before=before)
    log.append(theme.owner_id, events.theme(events.THEME_CHANGED, theme), actor=by)
    return theme


@transaction.atomic
def topic_post(*, by: User, theme: Theme, title: str, body: str, language: str) -> Topic:
    """A topic and its opening message, by any signed-in user, in any theme of the network;
    its author follows it from then on (in `language`, the one they read the site in)."""
    refuse_errors(
        {
            "title": text_error(_("The title"), title, TOPIC_TITLE_MAX),
            "body": text_error(_("The message"), body, BODY_MAX),
        }
    )
    require_poster(by)
    now = timezone.now()
    topic = Topic.objects.create(
        theme=theme,
        title=title.strip(),
        author=by,
        started_at=now,
        last_posted_at=now,
        posts_made=1,
    )
    opening = Post.objects.create(
        topic=topic, number=1, author=by, body=body.strip(), posted_at=now
    )
    audit_created(actor=by, obj=topic)
    audit_created(actor=by, obj=opening)
    log.append(theme.owner_id, events.topic_started(topic, opening), actor=by)
    follow(by, topic, language)
    return topic


@transaction.atomic
def reply_post(*, by: User, topic: Topic, body: str, language: str) -> Post:
    """A reply at the end of an open topic, by any signed-in user; its author follows the
    topic from then on, and its other followers are sent it by e-mail."""
    refuse_errors({"body": text_error(_("The message"), body, BODY_MAX)})
    # the topic's row is locked: replies sent at once are numbered one after the other, and a
    # topic closed meanwhile takes none
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    opening = Post.objects.only("hidden_at").get(topic=locked, number=1)
    refuse_errors(
        {"body": reply_refusal(closed=locked.is_closed, opening_hidden=opening.is_hidden)}
    )
    require_poster(by)
    now = timezone.now()
    locked.posts_made += 1
    locked.last_posted_at = now
    locked.save(update_fields=["posts_made", "last_posted_at"])
    post = Post.objects.create(
        topic=locked, number=locked.posts_made, author=by, body=body.strip(), posted_at=now
    )
    audit_created(actor=by, obj=post)
    log.append(locked.theme.owner_id, events.reply_posted(post), actor=by)
    follow(by, locked, language)
    notifications.reply_queue(post, followers(locked))
    topic.refresh_from_db()
    return post


def followers(topic: Topic) -> list[Subscription]:
    return list(topic.subscriptions.select_related("user"))


def follow(by: User, topic: Topic, language: str) -> Subscription:
    found = Subscription.objects.filter(topic=topic, user=by).first()
    if found:
        return found
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    subscription = Subscription.objects.create(topic=topic, user=by, language=language)
    audit_created(actor=by, obj=subscription)
    return subscription


@transaction.atomic
def post_hide(*, by: User | None, post: Post, reason: str) -> Post:
    """A moderator hides a post: it is kept, with the reason, and shown only to its author and
    the moderators. Hiding a topic's opening message hides the topic. Its e-mails not yet sent
    are withdrawn."""
    require_in_scope_as(by, MODERATORS, post.topic.theme.owner, "post")
    refuse_errors({"reason": text_error(_("The reason"), reason, REASON_MAX)})
    if post.is_hidden:
        raise ValidationError({"post": _("This message is already hidden.")})
    before = snapshot(post)
    post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), by, reason.strip()
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit_updated(actor=by, obj=post, before=before)
    log.append(post.topic.theme.owner_id, events.post_hidden(post), actor=by)
    Mail.objects.filter(
        kind=notifications.KIND, about=post.uid, sent_at=None, given_up_at=None
    ).delete()
    return post


@transaction.atomic
def post_unhide(*, by: User | None, post: Post) -> Post:
    """A moderator shows a hidden post again; a reply's followers not yet sent it are sent it
    now."""
    require_in_scope_as(by, MODERATORS, post.topic.theme.owner, "post")
    if not post.is_hidden:
        raise ValidationError({"post": _("This message is not hidden.")})
    before = snapshot(post)
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit_updated(actor=by, obj=post, before=before)
    log.append(post.topic.theme.owner_id, events.post_shown(post), actor=by)
    if post.number > 1:
        notifications.reply_queue(post, followers(post.topic))
    return post


@transaction.atomic
def topic_close(*, by: User | None, topic: Topic, reason: str) -> Topic:
    """A moderator closes a topic, saying why: it stays readable and takes no more replies."""
    require_in_scope_as(by, MODERATORS, topic.theme.owner, "topic")
    refuse_errors({"reason": text_error(_("The reason"), reason, REASON_MAX)})
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    if locked.is_closed:
        raise ValidationError({"topic": _("This topic is already closed.")})
    before = snapshot(locked)
    locked.closed_at, locked.closed_by, locked.closed_reason = timezone.now(), by, reason.strip()
    locked.save(update_fields=["closed_at", "closed_by", "closed_reason"])
    audit_updated(actor=by, obj=locked, before=before)
    log.append(topic.theme.owner_id, events.topic_closed(locked), actor=by)
    topic.refresh_from_db()
    return topic


@transaction.atomic
def topic_reopen(*, by: User | None, topic: Topic) -> Topic:
    require_in_scope_as(by, MODERATORS, topic.theme.owner, "topic")
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    if not locked.is_closed:
        raise ValidationError({"topic": _("This topic is not closed.")})
    before = snapshot(locked)
    locked.closed_at, locked.closed_by, locked.closed_reason = None, None, ""
    locked.save(update_fields=["closed_at", "closed_by", "closed_reason"])
    audit_updated(actor=by, obj=locked, before=before)
    log.append(topic.theme.owner_id, events.topic_reopened(locked), actor=by)
    topic.refresh_from_db()
    return topic


@transaction.atomic
def topic_subscribe(*, by: User, topic: Topic, language: str) -> Subscription:
    """A signed-in user follows a topic by e-mail (any topic of the network: the reader's own
    setting)."""
    if not by.is_authenticated or not by.is_active:
        raise ValidationError({"topic": _("Sign in to follow a topic.")})
    return follow(by, topic, language)


@transaction.atomic
def topic_unsubscribe(*, by: User, topic: Topic) -> bool:
    """The user stops following the topic; whether they followed it. From the topic's page, or
    from the one-click link of an e-mail, whose signed token names the user."""
    found = Subscription.objects.filter(topic=topic, user=by).first()
    if found is None:
        return False
    audit_deleted(actor=by, obj=found)
    found.delete()
    return True
