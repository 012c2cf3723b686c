"""The network's mailing lists (issue 16 items 6 and 7, docs/newsletter.md): who receives the
flash news and the Courrier by e-mail, and the issues of the Courrier with their articles.

Subscribers are visitors, not accounts: an address, a language and a list, confirmed by a
link sent to the address (double opt-in). A subscription stopped is kept, with the date: the
record of who agreed to receive what, and until when. An issue of the Courrier belongs to the
organisation whose editor opened it; it is numbered when published, without gaps, in that
organisation's series."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation


class MailingList(models.TextChoices):
    FLASH = "flash", _("flash news")
    COURRIER = "courrier", _("the Courrier")


class Subscription(models.Model):
    """An address on one list. It receives mail once confirmed and until stopped; subscribing
    again after stopping starts a new confirmation on the same row."""

    uid = uid_field()
    email = models.EmailField(_("e-mail address"), max_length=254)
    list = models.CharField(max_length=12, choices=MailingList.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # the account that subscribed its own address, when a signed-in user did
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # who receives a list's next mail: its confirmed addresses not stopped
            models.Index(fields=["list", "confirmed_at"], name="newsletter_sub_receivers"),
        ]
        constraints = [
            # addresses are kept in lower case (rules.normal_address): one row an address a list
            models.UniqueConstraint(fields=["email", "list"], name="newsletter_sub_once"),
            models.CheckConstraint(
                condition=models.Q(list__in=MailingList.values), name="newsletter_sub_list_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.list})"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.stopped_at is None


class SignUp(models.Model):
    """A request to subscribe, from a client address for an e-mail address: what the rate
    limits count (rules.sign_up_refusal), kept a day or two by the daily clean-up."""

    uid = uid_field()
    email = models.EmailField(max_length=254)
    client = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["client", "at"], name="newsletter_signup_client"),
            models.Index(fields=["email", "at"], name="newsletter_signup_email"),
        ]

    def __str__(self) -> str:
        return self.email


class Issue(models.Model):
    """An issue of the Courrier, in French and in English: a draft its editors change and
    preview, then published (numbered, on the archive's page and as a PDF, never changed
    again), then sent to the Courrier's subscribers."""

    SCOPE_PATH = "owner__path"

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SENT = "sent", _("sent")

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    title_fr = models.CharField(_("title in French"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    dated = models.DateField(_("date of the issue"))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number", "-created_at"]
        constraints = [
            # numbered in the series of the organisation that publishes it (core.numbering)
            models.UniqueConstraint(
                fields=["owner", "number"], name="newsletter_issue_number_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "sent"]),
                name="newsletter_issue_status_known",
            ),
            # a draft has no number; a published or sent issue has one and its date of
            # publication
            models.CheckConstraint(
                condition=models.Q(status="draft", number__isnull=True, published_at__isnull=True)
                | (~models.Q(status="draft") & models.Q(number__gte=1, published_at__isnull=False)),
                name="newsletter_issue_numbered_when_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.title_fr}"

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_fr

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Article(models.Model):
    """An article of an issue, in French and in English: plain text, a blank line between
    paragraphs, and an optional link to read more."""

    SCOPE_PATH = "issue__owner__path"

    uid = uid_field()
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_fr = models.CharField(_("title in French"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    body_fr = models.TextField(_("text in French"))
    body_en = models.TextField(_("text in English"))
    link = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["issue", "position", "pk"]

    def __str__(self) -> str:
        return self.title_fr

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_fr

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_fr
