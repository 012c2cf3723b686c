"""The register of a mutual: households, their head (adhérent) and dependents (domain-rules.md §2).

Every row carries its `mutual` (design-rules.md rule 3): scoping, unique numbers and distribution by
mutual all rest on it.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import Category, Relationship
from mutualis.benefits.models import BenefitPackage
from mutualis.core.ids import uid_field
from mutualis.federation.models import Location, Organisation
from mutualis.membership.rules import age_label, age_on, beneficiary_label, household_label


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class Household(models.Model):
    SCOPE_PATH = "mutual__path"
    # named by its head (core.history reads many names at once)
    LABEL_PREFETCH = ("beneficiaries",)

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("mutual"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.PositiveIntegerField(_("household number"))
    package = models.ForeignKey(
        BenefitPackage,
        verbose_name=_("benefit package"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    enrolled_on = models.DateField(_("enrolment date"))
    location = models.ForeignKey(
        Location,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address or village"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    external_ref = models.CharField(
        _("reference in the imported register"),
        max_length=40,
        blank=True,
        help_text=_("The household's number in the file it was imported from."),
    )
    resigned_on = models.DateField(_("resignation date"), null=True, blank=True)
    resignation_reason = models.CharField(_("reason for resignation"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["mutual", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mutual", "number"], name="household_number_unique"),
            # importing the same register twice finds its households again
            models.UniqueConstraint(
                fields=["mutual", "external_ref"],
                condition=~Q(external_ref=""),
                name="household_external_ref_unique",
            ),
            models.CheckConstraint(
                condition=Q(resigned_on__isnull=True) | Q(resigned_on__gte=models.F("enrolled_on")),
                name="household_resigns_after_enrolment",
            ),
        ]

    def __str__(self) -> str:
        head = self.head
        return household_label(head.full_name if head else "", self.number)

    @cached_property
    def head(self) -> "Beneficiary | None":
        """The head of household. Lists load it for all their households at once
        (membership.queries.with_heads, or the beneficiaries prefetched); else one query."""
        if hasattr(self, "heads"):
            return self.heads[0] if self.heads else None
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("beneficiaries")
        if prefetched is not None:
            return next((person for person in prefetched if person.is_head), None)
        if self.pk is None:
            return None
        return self.beneficiaries.filter(relationship=Relationship.HEAD).first()


class Beneficiary(models.Model):
    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation,
        verbose_name=_("mutual"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    member_number = models.CharField(_("member number"), max_length=40)
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=120, blank=True)
    national_id = models.CharField(_("national ID number"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/%Y/%m/", blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    enrolled_on = models.DateField(_("enrolment date"))
    left_on = models.DateField(_("left the household on"), null=True, blank=True)
    # Name, sex and birth date, normalised: what a possible duplicate shares (see rules.py).
    duplicate_key = models.CharField(max_length=200, editable=False)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["household", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "member_number"], name="beneficiary_member_number_unique"
            ),
            models.UniqueConstraint(
                fields=["mutual", "household"],
                condition=Q(relationship="head"),
                name="beneficiary_one_head_per_household",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("enrolled_on")),
                name="beneficiary_leaves_after_enrolment",
            ),
        ]
        indexes = [
            # possible duplicates, across the mutual and its union
            models.Index(fields=["duplicate_key"], name="beneficiary_duplicate_key"),
            # a card scanned or a number typed at the point of care, whatever the mutual
            models.Index(fields=["member_number"], name="beneficiary_member_number"),
        ]

    def __str__(self) -> str:
        return beneficiary_label(self.full_name, self.member_number, self.age)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def age(self) -> int | None:
        """In whole years, today."""
        return age_on(self.birth_date, timezone.localdate()) if self.birth_date else None

    @property
    def age_label(self) -> str:
        return age_label(self.age) if self.age is not None else ""

    @property
    def is_head(self) -> bool:
        return self.relationship == Relationship.HEAD


class SearchToken(models.Model):
    """One word a household can be found by — a name, a member number, a phone number —
    normalised (lower case, no accents): searching is a prefix range on an index, as fast on
    SQLite as on PostgreSQL at national scale. Derived from the beneficiaries and rebuilt from
    them, never exchanged: it has no `uid`."""

    mutual = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="search_tokens"
    )
    token = models.CharField(max_length=60)

    class Meta:
        indexes = [
            # household search: token >= 'ndi' AND token < 'ndj' inside a scope
            models.Index(fields=["token", "mutual"], name="search_token_prefix"),
        ]

    def __str__(self) -> str:
        return self.token
