import hashlib
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.formats import format_date
from mutualis.core.ids import uid_field
from mutualis.federation.rules import Kind, Role


class Location(models.Model):
    """A place of the national reference tree: country → region → department → commune.

    Reference data shared by every mutual (not operational: no `mutual` column). Countries are
    coded with ISO 3166-1 alpha-2, regions with ISO 3166-2 where one exists.
    """

    class Level(models.TextChoices):
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        DEPARTMENT = "department", _("department")
        COMMUNE = "commune", _("commune")

    uid = uid_field()
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    country_code = models.CharField(_("country"), max_length=2)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "code"], name="location_code_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(parent__isnull=True), name="location_root_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A node of the federation: a union, a mutual or a support structure.

    The federation is a tree (domain-rules.md §1). `path` is the materialised path of primary keys
    (`/1/7/42/`): a user sees the subtree of their organisation, found with one indexed prefix
    match, and operational rows reach it through their `mutual`.
    """

    SCOPE_PATH = "path"
    Kind = Kind

    class Status(models.TextChoices):
        IN_CREATION = "in_creation", _("being set up")
        ACTIVE = "active", _("active")
        DORMANT = "dormant", _("dormant")
        DISSOLVED = "dissolved", _("dissolved")

    class SupportType(models.TextChoices):
        NGO = "ngo", _("non-governmental organisation")
        MINISTRY = "ministry", _("ministry")
        COOPERATION_AGENCY = "cooperation_agency", _("cooperation agency")
        RESEARCH_INSTITUTE = "research_institute", _("research institute")
        HEALTH_INSURANCE_AGENCY = "health_insurance_agency", _("health-insurance agency")

    class MutualType(models.TextChoices):
        COMMUNITY = "community", _("community")
        PROFESSIONAL = "professional", _("professional")
        WORKPLACE = "workplace", _("workplace")
        MICROFINANCE = "microfinance", _("microfinance-linked")

    uid = uid_field()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Short code, unique among the organisations of the same parent."),
    )
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False)
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    website = models.URLField(_("website"), blank=True)
    registration_number = models.CharField(
        _("legal registration number"), max_length=60, blank=True
    )
    registration_date = models.DateField(_("legal registration date"), null=True, blank=True)
    support_type = models.CharField(
        _("type of support structure"), max_length=30, choices=SupportType.choices, blank=True
    )
    founded_on = models.DateField(_("date of creation"), null=True, blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code of the currency the mutual keeps its accounts in."),
    )
    mutual_type = models.CharField(
        _("type of mutual"), max_length=20, choices=MutualType.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "code"], name="organisation_code_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(parent__isnull=True),
                name="organisation_root_code_unique",
            ),
            models.UniqueConstraint(fields=["path"], name="organisation_path_unique"),
            models.CheckConstraint(
                condition=(Q(kind=Kind.MUTUAL) & ~Q(currency="") & ~Q(mutual_type=""))
                | (~Q(kind=Kind.MUTUAL) & Q(currency="", mutual_type="")),
                name="organisation_currency_and_type_only_and_always_for_mutuals",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.SUPPORT_STRUCTURE) | Q(support_type=""),
                name="organisation_support_type_only_for_support_structures",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(kind=Kind.NATIONAL_UNION),
                name="organisation_national_union_is_a_root",
            ),
        ]
        indexes = [
            # scoping: every list filters on `path LIKE '<user's path>%'`
            models.Index(
                fields=["path"], name="organisation_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # the organisation list filtered by kind inside a scope
            models.Index(fields=["kind", "path"], name="organisation_kind_path"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_mutual(self) -> bool:
        return self.kind == Kind.MUTUAL

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Affiliation(models.Model):
    """A period during which an organisation belonged to a parent: moving a mutual to another
    union closes one period and opens the next, so history (and roll-ups by date) stay right."""

    SCOPE_PATH = "organisation__path"

    uid = uid_field()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="affiliations"
    )
    parent = models.ForeignKey(
        Organisation,
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(end__isnull=True),
                name="affiliation_one_open_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="affiliation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        end = format_date(self.end) if self.end else "…"
        return f"{self.parent} ({format_date(self.start)} – {end})"


class ScopedUserManager(UserManager):
    def get_queryset(self):
        # every request reads the user's organisation to find their scope
        return super().get_queryset().select_related("organisation")


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation and sees its whole subtree."""

    SCOPE_PATH = "organisation__path"
    REQUIRED_FIELDS = ["email", "organisation"]

    uid = uid_field()
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def scope_prefix(self) -> str | None:
        """The path every object this user may see starts with (see core.access)."""
        if not self.is_active or self.organisation_id is None:
            return None
        return self.organisation.path


class RoleGrant(models.Model):
    """A role held by a user."""

    SCOPE_PATH = "user__organisation__path"

    uid = uid_field()
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key that lets a program use the JSON API as a user (a mobile-money aggregator, a
    union's server). Only a digest is stored: the key is shown once, when it is made.

    A key works only while its user is active, and dies with their password change, their
    deactivation or a lock of their sign-in, unless an administrator kept it on purpose (a
    server's key that must outlive its owner's password)."""

    SCOPE_PATH = "user__organisation__path"

    class Revocation(models.TextChoices):
        BY_HAND = "by_hand", _("revoked by hand")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        DEACTIVATED = "deactivated", _("user deactivated")
        LOCKED = "locked", _("sign-in locked")

    uid = uid_field()
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("made on"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    kept_by_administrator = models.BooleanField(
        _("kept by the administrator"),
        default=False,
        help_text=_("The key survives its user's password change, deactivation and lock."),
    )
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("reason of revocation"), max_length=20, choices=Revocation.choices, blank=True
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="api_token_revoked_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class PasswordResetRequest(models.Model):
    """A request for a link to choose a new password, from a client address for an e-mail
    address, whether an account uses it or not: what the rate limits count
    (rules.reset_refusal), kept a day or two by the daily clean-up (federation.daily)."""

    uid = uid_field()
    email = models.EmailField(max_length=254)
    client = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            # the rate limits: the last day's requests from a client, and for an address
            models.Index(fields=["client", "at"], name="password_reset_client"),
            models.Index(fields=["email", "at"], name="password_reset_email"),
        ]

    def __str__(self) -> str:
        return self.email
