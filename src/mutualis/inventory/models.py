"""What the inventory keeps (issue 16, docs/inventory.md).

The inventory spans a dozen countries and mostly mutuals that do not run Mutualis: an
inventoried mutual (`Entry`) is a row of its own, linked to the federation's organisation when
it is one. It is kept by a *steward*, the organisation of this installation that fills its
records: the mutual itself, its union, or a support structure on its behalf; the steward's
subtree is who may write it (core.access). Each year has its own record (`Record`), kept for
ever; the country's focal point (`FocalPoint`) validates or returns it, and only validated
records reach the synthesis, the open data and the showcase.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.core.money import ratio
from mutualis.federation.models import Organisation
from mutualis.inventory.choices import (
    LegalStatus,
    Level,
    MutualType,
    Period,
    Service,
    State,
    Status,
    Tool,
)

# the figures of a record that are whole numbers of people or of the currency's unit
PEOPLE = ("members", "beneficiaries", "women_members", "target_population")
FINANCES = (
    "contributions_due",
    "contributions_collected",
    "benefits_paid",
    "subsidies",
    "reserves",
)
PACKAGE_AMOUNTS = ("contribution", "registration_fee")


class Entry(models.Model):
    """A mutual of the inventory: who it is, whatever the year."""

    SCOPE_PATH = "steward__path"

    uid = uid_field()
    steward = models.ForeignKey(
        Organisation,
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the mutual's organisation when it runs Mutualis: its record is pre-filled from the
    # monitoring's figures
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation in Mutualis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    place = models.CharField(_("place"), max_length=120, blank=True)
    founded_on = models.DateField(_("date of creation"), null=True, blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, blank=True
    )
    registration = models.CharField(_("registration"), max_length=120, blank=True)
    mutual_type = models.CharField(_("type of mutual"), max_length=20, choices=MutualType.choices)
    # names, one a line: the showcase lists the networks and support structures they name
    networks = models.TextField(_("unions and networks it belongs to"), blank=True)
    supporters = models.TextField(_("support structures"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="inventory_entry_organisation_unique",
            )
        ]
        indexes = [models.Index(fields=["country", "name"], name="inventory_entry_country")]

    def __str__(self) -> str:
        return self.name


class Record(models.Model):
    """A mutual's year: its people, its package, its finances, its providers and tools.
    Figures are whole numbers, amounts in the unit of `currency`; blank means not given."""

    SCOPE_PATH = "entry__steward__path"

    uid = uid_field()
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="records")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # people
    members = models.BigIntegerField(_("members"), null=True, blank=True)
    beneficiaries = models.BigIntegerField(_("beneficiaries"), null=True, blank=True)
    women_members = models.BigIntegerField(_("women among the members"), null=True, blank=True)
    target_population = models.BigIntegerField(_("target population"), null=True, blank=True)
    # package
    services = models.JSONField(_("services covered"), default=list, blank=True)
    level = models.CharField(
        _("level of care covered"), max_length=12, choices=Level.choices, blank=True
    )
    coverage_rate = models.PositiveSmallIntegerField(_("coverage rate (%)"), null=True, blank=True)
    hospital_coverage_rate = models.PositiveSmallIntegerField(
        _("coverage rate in hospital (%)"), null=True, blank=True
    )
    contribution = models.BigIntegerField(_("contribution"), null=True, blank=True)
    contribution_period = models.CharField(
        _("contribution period"), max_length=8, choices=Period.choices, blank=True
    )
    registration_fee = models.BigIntegerField(_("registration fee"), null=True, blank=True)
    waiting_days = models.PositiveSmallIntegerField(
        _("waiting period (days)"), null=True, blank=True
    )
    # the year's finances
    currency = models.CharField(_("currency"), max_length=3)
    contributions_due = models.BigIntegerField(_("contributions due"), null=True, blank=True)
    contributions_collected = models.BigIntegerField(
        _("contributions collected"), null=True, blank=True
    )
    benefits_paid = models.BigIntegerField(_("benefits paid"), null=True, blank=True)
    subsidies = models.BigIntegerField(_("subsidies"), null=True, blank=True)
    reserves = models.BigIntegerField(_("reserves"), null=True, blank=True)
    # providers and tools
    providers = models.PositiveIntegerField(_("providers under agreement"), null=True, blank=True)
    provider_names = models.TextField(_("names of the providers"), blank=True)
    tools = models.JSONField(_("management tools"), default=list, blank=True)
    # the figures taken from the monitoring as they were, by field name
    prefilled = models.JSONField(default=list, blank=True)
    # the focal point's
    state = models.CharField(max_length=10, choices=State.choices)
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "year"], name="inventory_record_year"),
            models.CheckConstraint(
                condition=Q(members__gte=0)
                & Q(beneficiaries__gte=0)
                & Q(women_members__gte=0)
                & Q(target_population__gte=0)
                & Q(contributions_due__gte=0)
                & Q(contributions_collected__gte=0)
                & Q(benefits_paid__gte=0)
                & Q(subsidies__gte=0)
                & Q(contribution__gte=0)
                & Q(registration_fee__gte=0)
                & Q(reserves__gte=0),
                name="inventory_record_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(coverage_rate__lte=100) & Q(hospital_coverage_rate__lte=100),
                name="inventory_record_rates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.year}"

    def services_display(self) -> str:
        names = dict(Service.choices)
        return ", ".join(str(names.get(code, code)) for code in self.services)

    def tools_display(self) -> str:
        names = dict(Tool.choices)
        return ", ".join(str(names.get(code, code)) for code in self.tools)

    @property
    def coverage(self) -> int | None:
        """The share of the target population covered, in basis points."""
        if not self.target_population or self.beneficiaries is None:
            return None
        return ratio(self.beneficiaries, self.target_population)


class FocalPoint(models.Model):
    """A user designated as the focal point of a country: they validate its records. The
    portal's directory shows them."""

    uid = uid_field()
    country = models.CharField(_("country"), max_length=2)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "user"], name="inventory_focal_point")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.user_id}"
