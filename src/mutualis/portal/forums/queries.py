"""What the forums' pages read. Reading is public: what a visitor sees is every theme, and
every topic and post no moderator hid; a post's author sees it hidden, with the reason, and so
do the moderators whose scope holds the theme (forums.rules.sees_hidden)."""

from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from mutualis.core.access import AnyUser
from mutualis.federation.rules import is_within
from mutualis.portal.forums.models import Post, Theme, Topic
from mutualis.portal.forums.rules import MODERATORS, reply_refusal, sees_hidden

TOPICS_PER_PAGE = 20
POSTS_PER_PAGE = 20


def moderates(user: AnyUser, theme: Theme) -> bool:
    """Whether the user moderates the theme: a portal editor whose scope holds its owner."""
    if not user.is_authenticated or not user.has_any_role(MODERATORS):
        return False
    prefix = user.scope_prefix
    return bool(prefix) and is_within(theme.owner.path, prefix or "")


def opening_hidden() -> Exists:
    return Exists(Post.objects.filter(topic=OuterRef("pk"), number=1, hidden_at__isnull=False))


def visible_topics() -> QuerySet[Topic]:
    return Topic.objects.annotate(hidden=opening_hidden()).filter(hidden=False)


def themes_listed() -> list[dict[str, Any]]:
    """Every theme, with how many topics it holds and when it was last written in."""
    figures = {
        row["theme"]: row
        for row in visible_topics()
        .values("theme")
        .annotate(topics=Count("pk"), last=Max("last_posted_at"))
        .order_by()
    }
    return [
        {"theme": theme, **{k: figures.get(theme.pk, {}).get(k) for k in ("topics", "last")}}
        for theme in Theme.objects.all()
    ]


def topics_of(theme: Theme, user: AnyUser) -> QuerySet[Topic]:
    """A theme's topics, the liveliest first, each with its visible replies counted; those
    whose opening message is hidden only for whom may see it."""
    topics = Topic.objects.filter(theme=theme).annotate(hidden=opening_hidden())
    if not moderates(user, theme):
        shown = Q(hidden=False)
        if user.is_authenticated:
            shown |= Q(author_id=user.pk)
        topics = topics.filter(shown)
    return (
        topics.annotate(
            replies=Count("posts", filter=Q(posts__number__gt=1, posts__hidden_at__isnull=True))
        )
        .select_related("author__organisation")
        .order_by("-last_posted_at", "-pk")
    )


def topic_visible(topic: Topic, user: AnyUser) -> bool:
    opening = Post.objects.only("author_id", "hidden_at").get(topic=topic, number=1)
    return not opening.is_hidden or sees(opening, user, moderates(user, topic.theme))


def sees(post: Post, user: AnyUser, moderator: bool) -> bool:
    if not post.is_hidden:
        return True
    viewer = user.pk if user.is_authenticated else None
    return sees_hidden(viewer_id=viewer, author_id=post.author_id, moderator=moderator)


def posts_of(topic: Topic, user: AnyUser, moderator: bool) -> QuerySet[Post]:
    """A topic's posts in order: the visible ones, and the hidden ones the user may see."""
    posts = Post.objects.filter(topic=topic)
    if not moderator:
        shown = Q(hidden_at__isnull=True)
        if user.is_authenticated:
            shown |= Q(author_id=user.pk)
        posts = posts.filter(shown)
    return posts.select_related("author__organisation").order_by("number")


def page_of(post: Post, user: AnyUser, moderator: bool) -> int:
    """The page of the topic a post is shown on, for the user."""
    before = posts_of(post.topic, user, moderator).filter(number__lt=post.number).count()
    return before // POSTS_PER_PAGE + 1


def reply_refusal_of(topic: Topic) -> str | None:
    """Why the topic takes no reply now (closed, or hidden), for its page; None when it does."""
    opening = Post.objects.only("hidden_at").get(topic=topic, number=1)
    return reply_refusal(closed=topic.is_closed, opening_hidden=opening.is_hidden)
