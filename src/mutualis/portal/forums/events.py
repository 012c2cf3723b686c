"""The forums' events, in the log of the organisation that owns the theme, in the
transaction of the change, version 1:

- `forum_theme.created`, `forum_theme.changed`, about the theme: {"theme", "title"};
- `forum_topic.started`, about the topic: {"topic", "theme", "title", "post"} (the opening
  message's uid);
- `forum_reply.posted`, about the post: {"post", "topic", "number"}: what the e-mails to the
  topic's subscribers are sent for;
- `forum_post.hidden`, about the post: {"post", "topic", "number", "reason"};
- `forum_post.shown`, about the post: {"post", "topic", "number"}: a hidden post shown again;
- `forum_topic.closed`, about the topic: {"topic", "reason"}; `forum_topic.reopened`, about
  the topic: {"topic"}.

The text of the messages stays in the tables: the log says what happened to them. Following a
topic (a subscription) is a reader's setting: audited, not logged.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.portal.forums.models import Post, Theme, Topic

THEME_CREATED = "forum_theme.created"
THEME_CHANGED = "forum_theme.changed"
TOPIC_STARTED = "forum_topic.started"
REPLY_POSTED = "forum_reply.posted"
POST_HIDDEN = "forum_post.hidden"
POST_SHOWN = "forum_post.shown"
TOPIC_CLOSED = "forum_topic.closed"
TOPIC_REOPENED = "forum_topic.reopened"


def theme(kind: str, row: Theme) -> NewEvent:
    return NewEvent(kind, row.uid, {"theme": str(row.uid), "title": row.title})


def topic_started(row: Topic, opening: Post) -> NewEvent:
    return NewEvent(
        TOPIC_STARTED,
        row.uid,
        {
            "topic": str(row.uid),
            "theme": str(row.theme.uid),
            "title": row.title,
            "post": str(opening.uid),
        },
    )


def reply_posted(row: Post) -> NewEvent:
    return NewEvent(
        REPLY_POSTED,
        row.uid,
        {"post": str(row.uid), "topic": str(row.topic.uid), "number": row.number},
    )


def post_hidden(row: Post) -> NewEvent:
    return NewEvent(
        POST_HIDDEN,
        row.uid,
        {
            "post": str(row.uid),
            "topic": str(row.topic.uid),
            "number": row.number,
            "reason": row.hidden_reason,
        },
    )


def post_shown(row: Post) -> NewEvent:
    return NewEvent(
        POST_SHOWN,
        row.uid,
        {"post": str(row.uid), "topic": str(row.topic.uid), "number": row.number},
    )


def topic_closed(row: Topic) -> NewEvent:
    return NewEvent(TOPIC_CLOSED, row.uid, {"topic": str(row.uid), "reason": row.closed_reason})


def topic_reopened(row: Topic) -> NewEvent:
    return NewEvent(TOPIC_REOPENED, row.uid, {"topic": str(row.uid)})


KINDS = [
    Kind(THEME_CREATED, _("Forum theme created")),
    Kind(THEME_CHANGED, _("Forum theme changed")),
    Kind(TOPIC_STARTED, _("Forum topic started")),
    Kind(REPLY_POSTED, _("Reply posted in a forum")),
    Kind(POST_HIDDEN, _("Forum message hidden by a moderator")),
    Kind(POST_SHOWN, _("Forum message shown again")),
    Kind(TOPIC_CLOSED, _("Forum topic closed")),
    Kind(TOPIC_REOPENED, _("Forum topic reopened")),
]

# each theme, topic and reply is told once when it is made; hiding and closing may happen again
# and again, so they pair with no row
TRACES = [
    Trace("forum themes", lambda: Theme.objects.all(), (THEME_CREATED,)),
    Trace("forum topics", lambda: Topic.objects.all(), (TOPIC_STARTED,)),
    Trace("forum replies", lambda: Post.objects.filter(number__gt=1), (REPLY_POSTED,)),
]
