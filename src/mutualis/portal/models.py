"""What the portal keeps (issue 16, docs/portal.md): the library's documents and their files,
the calendar's gatherings and the flash news. They are the network's, not a mutual's
operations: each belongs to the organisation that published or proposed it (`owner`), whose
editors change it and in whose event log its changes are told."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation
from mutualis.portal.choices import (
    ApplicationState,
    DocumentKind,
    DocumentStatus,
    GatheringKind,
    Language,
)
from mutualis.portal.rules import split


class Document(models.Model):
    """A document of the library: read by anyone once published. Its text is searched through
    an index kept beside it by portal.search, in the transaction of every change."""

    SCOPE_PATH = "owner__path"

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=DocumentStatus.choices)
    kind = models.CharField(_("type"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)  # ISO 3166-1 alpha-2
    # theme codes between bars (rules.joined): `|financing|uhc|`
    themes = models.CharField(_("themes"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # why an editor turned a proposal down, or took the document out of the library
    rejection = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # the library's pages without a query: the latest published first, filtered
            models.Index(fields=["status", "year"], name="document_status_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DocumentStatus.values), name="document_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_list(self) -> list[str]:
        return split(self.themes)


class DocumentFile(models.Model):
    """A document's file, checked by its content and kept in the database with the document,
    so that both are written, or refused, together; `text` is what was read inside a PDF."""

    uid = uid_field()
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="file")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.file_name


class Gathering(models.Model):
    """A workshop, training, forum or meeting of the calendar: whole days, from `starts_on`
    to `ends_on` included."""

    SCOPE_PATH = "owner__path"

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=12, choices=GatheringKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    # language codes between bars (rules.joined)
    languages = models.CharField(_("languages"), max_length=40, blank=True)
    registration = models.URLField(_("registration link"), max_length=500, blank=True)
    # the iCalendar feed's SEQUENCE: calendars replace a copy only by a higher number
    sequence = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["ends_on"], name="gathering_ends_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="gathering_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def language_list(self) -> list[str]:
        return split(self.languages)


class NewsItem(models.Model):
    """A flash news item: short, plain text, by an editor; its `news.published` event is what
    the e-mails to subscribers will be sent from."""

    SCOPE_PATH = "owner__path"

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    published_at = models.DateTimeField()
    changed_at = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["-published_at"], name="news_latest")]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    """A visitor's request to join the network (docs/public-site.md): their address confirmed
    by a signed link, then accepted (an account is made) or refused by an editor of the
    network's organisation (`owner`). Kept for ever, whatever became of it; its client address
    and time serve the limits against spam."""

    SCOPE_PATH = "owner__path"

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    first_name = models.CharField(_("given name"), max_length=150)
    last_name = models.CharField(_("family name"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=150)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    function = models.CharField(_("function"), max_length=120)
    motivation = models.TextField(_("why you wish to join"), max_length=2000)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ApplicationState.choices,
        default=ApplicationState.UNCONFIRMED,
    )
    client = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            # the rate limits: an address's applications of the last hour, everyone's of the day
            models.Index(fields=["client", "created_at"], name="application_client"),
            models.Index(fields=["created_at"], name="application_created"),
            # an address already waiting or known (no second account)
            models.Index(fields=["email"], name="application_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ApplicationState.values),
                name="application_state_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="accepted") | models.Q(account__isnull=False),
                name="application_accepted_has_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.organisation_name})"
