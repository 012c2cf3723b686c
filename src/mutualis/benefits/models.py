"""Benefit packages (domain-rules.md §2–4), defined by a mutual or by a union for all its mutuals
and
versioned by validity dates: a change adds a version from a date and never rewrites the past.

Packages, their versions and third payers are reference data of the federation (like package
templates under Citus): they belong to an `owner` organisation, not to one mutual's operations.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import (
    Category,
    ContributionBasis,
    LevelOfCare,
    NewcomerBilling,
    PayerKind,
    PeriodAnchor,
    ServiceCategory,
)
from mutualis.core.formats import format_date
from mutualis.core.ids import new_uid, uid_field
from mutualis.core.money import BASIS_POINTS
from mutualis.core.periods import PeriodUnit
from mutualis.federation.models import Organisation


class Payer(models.Model):
    """A third payer that pays a share of contributions: the State, a commune, an NGO, a
    microfinance institution's social fund (seed 004)."""

    SCOPE_PATH = "owner__path"
    SCOPE_INHERITED = True

    uid = uid_field()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="payers")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PayerKind.choices)

    class Meta:
        verbose_name = _("third payer")
        verbose_name_plural = _("third payers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="payer_code_unique_in_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class BenefitPackage(models.Model):
    SCOPE_PATH = "owner__path"
    SCOPE_INHERITED = True  # a union's package applies to its mutuals

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("defined by"),
        on_delete=models.PROTECT,
        related_name="packages",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Renewed by every new version: what a cache of the package's rules is keyed by. A fresh
    # UUID rather than a counter, so that no two states of the rules ever share a key, even
    # after a backup is restored.
    rules_revision = models.UUIDField(default=new_uid, editable=False)

    class Meta:
        verbose_name = _("benefit package")
        verbose_name_plural = _("benefit packages")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="package_code_unique_in_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class PackageVersion(models.Model):
    """The rules of a package from `valid_from` until the next version starts."""

    SCOPE_PATH = "package__owner__path"

    uid = uid_field()
    package = models.ForeignKey(BenefitPackage, on_delete=models.PROTECT, related_name="versions")
    valid_from = models.DateField(_("valid from"))
    # contributions
    contribution_basis = models.CharField(
        _("contribution basis"),
        max_length=20,
        choices=ContributionBasis.choices,
        default=ContributionBasis.PER_BENEFICIARY,
    )
    period = models.CharField(
        _("contribution period"), max_length=10, choices=PeriodUnit.choices, default=PeriodUnit.YEAR
    )
    period_anchor = models.CharField(
        _("periods follow"),
        max_length=12,
        choices=PeriodAnchor.choices,
        default=PeriodAnchor.CALENDAR,
        help_text=_(
            "Calendar periods: a household that enrols during a period pays for the days left. "
            "Anniversary: each household's periods start on the day it enrolled."
        ),
    )
    newcomer_billing = models.CharField(
        _("a dependant added later pays"),
        max_length=12,
        choices=NewcomerBilling.choices,
        default=NewcomerBilling.NEXT_PERIOD,
    )
    contribution = models.PositiveBigIntegerField(
        _("contribution per period"),
        help_text=_("Per beneficiary or per household, in the smallest unit of the currency."),
    )
    registration_fee = models.PositiveBigIntegerField(
        _("registration fee per household"), default=0
    )
    # rights
    waiting_days = models.PositiveIntegerField(
        _("waiting period (days)"),
        default=30,
        help_text=_("Days after a beneficiary's cover starts before their care is covered."),
    )
    reentry_waiting_days = models.PositiveIntegerField(
        _("waiting period after a suspension (days)"),
        default=0,
        help_text=_("Days after the payment that ends a suspension before care is covered again."),
    )
    newborns_exempt = models.BooleanField(
        _("newborns of a covered member have no waiting period"), default=False
    )
    grace_days = models.PositiveIntegerField(
        _("grace period (days)"),
        default=30,
        help_text=_("Days after a period begins unpaid before cover is suspended."),
    )
    # family rules
    child_age_limit = models.PositiveSmallIntegerField(
        _("age limit of children"),
        default=21,
        help_text=_(
            "A child dependent is covered until the end of the period in which they reach this age."
        ),
    )
    adult_dependants_allowed = models.BooleanField(
        _("children over the age limit stay as adult dependants"),
        default=False,
        help_text=_("They are then billed as adults from the next period."),
    )
    spouses_allowed = models.PositiveSmallIntegerField(_("spouses allowed"), default=4)
    other_dependents_allowed = models.BooleanField(_("other dependents allowed"), default=True)
    max_household_size = models.PositiveSmallIntegerField(
        _("maximum household size"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("package version")
        verbose_name_plural = _("package versions")
        ordering = ["package", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "valid_from"], name="package_version_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} ({format_date(self.valid_from)})"


class CategoryContribution(models.Model):
    """A contribution per period for one category, instead of the version's default."""

    uid = uid_field()
    version = models.ForeignKey(
        PackageVersion, on_delete=models.CASCADE, related_name="category_contributions"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.PositiveBigIntegerField(_("contribution per period"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "category"], name="category_contribution_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount}"


class SubsidyRule(models.Model):
    """A third payer's share of the contribution, for one category or for all (blank)."""

    uid = uid_field()
    version = models.ForeignKey(PackageVersion, on_delete=models.CASCADE, related_name="subsidies")
    payer = models.ForeignKey(Payer, verbose_name=_("third payer"), on_delete=models.PROTECT)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    share_bp = models.PositiveIntegerField(_("share (basis points)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "payer", "category"], name="subsidy_unique"),
            models.CheckConstraint(
                condition=Q(share_bp__lte=BASIS_POINTS), name="subsidy_share_at_most_whole"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer}: {self.share_bp / 100:g} %"


class WaitingPeriod(models.Model):
    """A waiting period for one service category, instead of the version's default."""

    uid = uid_field()
    version = models.ForeignKey(
        PackageVersion, on_delete=models.CASCADE, related_name="waiting_periods"
    )
    service_category = models.CharField(
        _("service category"), max_length=20, choices=ServiceCategory.choices
    )
    days = models.PositiveIntegerField(_("days"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "service_category"], name="waiting_period_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_category_display()}: {self.days}"


class CoverageRule(models.Model):
    """What the package pays for one service category at one level of care."""

    uid = uid_field()
    version = models.ForeignKey(
        PackageVersion, on_delete=models.CASCADE, related_name="coverage_rules"
    )
    service_category = models.CharField(
        _("service category"), max_length=20, choices=ServiceCategory.choices
    )
    level = models.CharField(_("level of care"), max_length=20, choices=LevelOfCare.choices)
    rate_bp = models.PositiveIntegerField(_("coverage rate (basis points)"), default=8000)
    # The rate by the claim's visit type (domain-rules.md §3, openIMIS's product model); blank where
    # the rate above applies.
    referral_rate_bp = models.PositiveIntegerField(
        _("coverage rate on referral (basis points)"), null=True, blank=True
    )
    emergency_rate_bp = models.PositiveIntegerField(
        _("coverage rate in an emergency (basis points)"), null=True, blank=True
    )
    ceiling_per_act = models.PositiveBigIntegerField(_("ceiling per act"), null=True, blank=True)
    ceiling_per_episode = models.PositiveBigIntegerField(
        _("ceiling per episode"), null=True, blank=True
    )
    ceiling_per_year = models.PositiveBigIntegerField(
        _("ceiling per beneficiary per year"), null=True, blank=True
    )
    guarantee_letter_required = models.BooleanField(_("guarantee letter required"), default=False)
    excluded = models.BooleanField(_("excluded"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "service_category", "level"], name="coverage_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(rate_bp__lte=BASIS_POINTS), name="coverage_rate_at_most_whole"
            ),
            models.CheckConstraint(
                condition=Q(referral_rate_bp__lte=BASIS_POINTS) | Q(referral_rate_bp__isnull=True),
                name="coverage_referral_rate_at_most_whole",
            ),
            models.CheckConstraint(
                condition=Q(emergency_rate_bp__lte=BASIS_POINTS)
                | Q(emergency_rate_bp__isnull=True),
                name="coverage_emergency_rate_at_most_whole",
            ),
            models.CheckConstraint(
                condition=Q(ceiling_per_act__isnull=True)
                | Q(ceiling_per_year__isnull=True)
                | Q(ceiling_per_act__lte=F("ceiling_per_year")),
                name="coverage_act_ceiling_within_year_ceiling",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_category_display()} / {self.get_level_display()}"
