"""The network's discussion forums (issue 16 item 5, docs/forums.md): themes set by portal
editors, topics and their posts, and who follows a topic by e-mail.

They are the network's, not a mutual's operations: a theme belongs to the organisation whose
editor opened it (`owner`); its topics and posts are told in that organisation's event log and
moderated by the portal editors whose scope holds it. A topic's opening message is its post
number 1, so that hiding, ordering and paging treat every message alike."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation


class Theme(models.Model):
    SCOPE_PATH = "owner__path"

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # the forums' page lists themes by this number, then by title
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    SCOPE_PATH = "theme__owner__path"

    uid = uid_field()
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("title"), max_length=150)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    # when its last post was written: a theme lists its liveliest topics first
    last_posted_at = models.DateTimeField()
    # the number the next post takes (posts are numbered from 1 without gaps)
    posts_made = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        indexes = [
            # a theme's page: its topics, the liveliest first
            models.Index(fields=["theme", "-last_posted_at"], name="forum_topic_theme_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(closed_reason=""),
                name="forum_topic_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Post(models.Model):
    SCOPE_PATH = "topic__theme__owner__path"

    uid = uid_field()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    posted_at = models.DateTimeField()
    # a hidden post is kept, with the moderator's reason, and shown to its author and the
    # moderators only
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["topic", "number"]
        indexes = [
            # the rate limits: an author's posts of the last day
            models.Index(fields=["author", "posted_at"], name="forum_post_author_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="forum_post_number_once"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="forum_post_number"),
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""),
                name="forum_post_hidden_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Subscription(models.Model):
    """A user follows a topic: each new visible reply is sent to them by e-mail, in the
    language they read the site in when they subscribed."""

    uid = uid_field()
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="forum_subscription_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic}"
