"""Health providers, the national list of what they bill, and their agreements (conventions)
with mutuals and unions (domain-rules.md §5–8).

Providers, acts and agreements are reference data of the federation, like benefit packages: each
belongs to the organisation that registered or signed it and applies to everything below it. A
union's agreement with a hospital is valid for all of the union's mutuals.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.choices import LevelOfCare, ServiceCategory
from mutualis.core.formats import format_amount, format_date
from mutualis.core.ids import uid_field
from mutualis.core.periods import PeriodUnit
from mutualis.federation.models import Location, Organisation
from mutualis.providers.rules import ItemKind, ProviderKind, Sector


class Provider(models.Model):
    SCOPE_PATH = "owner__path"
    SCOPE_INHERITED = True  # a provider registered by a union is known to all its mutuals

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    # The provider's identifier everywhere, FHIR `Organization.identifier` included: national,
    # like the health ministry's facility codes it usually copies.
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    level = models.CharField(_("level of care"), max_length=20, choices=LevelOfCare.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    location = models.ForeignKey(
        Location, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The clerks who check eligibility and enter claims at this provider.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("clerks"), blank=True, related_name="providers"
    )

    class Meta:
        verbose_name = _("health provider")
        verbose_name_plural = _("health providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class MedicalItem(models.Model):
    """An act, a medicine or a flat fee of the national list; a union may add its own, which its
    mutuals see besides the national ones."""

    SCOPE_PATH = "owner__path"
    SCOPE_INHERITED = True

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, verbose_name=_("defined by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=255)
    service_category = models.CharField(
        _("service category"), max_length=20, choices=ServiceCategory.choices
    )
    level = models.CharField(
        _("level of care"),
        max_length=20,
        choices=LevelOfCare.choices,
        blank=True,
        help_text=_("The level of care where it is given; blank for any level."),
    )
    max_quantity = models.PositiveIntegerField(
        _("maximum quantity per claim"), null=True, blank=True
    )
    min_days_between = models.PositiveIntegerField(
        _("minimum days between two"),
        null=True,
        blank=True,
        help_text=_("For the same beneficiary; blank for no limit."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("act or medicine")
        verbose_name_plural = _("acts and medicines")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="item_code_unique_in_owner"),
            models.CheckConstraint(
                condition=~Q(kind=ItemKind.FLAT_FEE) | Q(max_quantity=1),
                name="item_flat_fee_once_per_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Agreement(models.Model):
    """A convention between a provider and a mutual, or a union for all its mutuals."""

    SCOPE_PATH = "party__path"
    SCOPE_INHERITED = True

    uid = uid_field()
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="agreements"
    )
    party = models.ForeignKey(
        Organisation,
        verbose_name=_("mutual or union"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    reference = models.CharField(_("reference"), max_length=40)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["provider", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "reference"], name="agreement_reference_unique_in_party"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.provider.name}"


class AgreementVersion(models.Model):
    """The terms of an agreement from `valid_from` until the next version starts."""

    SCOPE_PATH = "agreement__party__path"

    uid = uid_field()
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    valid_from = models.DateField(_("valid from"))
    payment_days = models.PositiveIntegerField(
        _("payment terms (days)"),
        default=30,
        help_text=_("Days after a statement within which the provider must be paid."),
    )
    invoicing_period = models.CharField(
        _("invoicing period"), max_length=10, choices=PeriodUnit.choices, default=PeriodUnit.MONTH
    )
    submission_days = models.PositiveIntegerField(
        _("deadline to submit a claim (days)"),
        default=90,
        help_text=_("Days after the end of care within which a claim is accepted."),
    )
    identity_check = models.BooleanField(
        _("identity checked with the card at every visit"), default=True
    )
    referral_required = models.BooleanField(
        _("referral required"),
        default=False,
        help_text=_("Care at this provider needs a referral from a lower level."),
    )
    obligations = models.TextField(_("other obligations of the provider"), blank=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "valid_from"], name="agreement_version_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} ({format_date(self.valid_from)})"


class Tariff(models.Model):
    """The agreed price of one act, medicine or flat fee: the services an agreement covers are
    those it prices."""

    uid = uid_field()
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="tariffs")
    item = models.ForeignKey(
        MedicalItem, verbose_name=_("act or medicine"), on_delete=models.PROTECT
    )
    price = models.PositiveBigIntegerField(_("agreed price"))

    class Meta:
        verbose_name = _("agreed tariff")
        verbose_name_plural = _("agreed tariffs")
        constraints = [
            models.UniqueConstraint(fields=["version", "item"], name="tariff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {format_amount(self.price)}"
