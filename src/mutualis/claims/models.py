"""Guarantee letters, claims and their lines, and the medical review policy (domain-rules.md §5–8).

A claim belongs to the mutual of its beneficiary, whoever pays the provider: under portability
the agreement's party (another mutual, or a union) pays, and the claim is charged back to the
beneficiary's mutual. Amounts are integers in the smallest unit of the currency; on every line
and every claim, the amount asked is split into three parts (claims.adjudication): what the
mutual pays, what the member owes, and what the provider may not bill (its loss); the
co-payment is the part of the member's share that the package's rate leaves.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from mutualis.benefits.choices import ServiceCategory
from mutualis.claims.choices import Channel, ClaimStatus, Outcome, ReviewReason, VisitType, labels
from mutualis.core.formats import format_date
from mutualis.core.ids import uid_field
from mutualis.core.money import BASIS_POINTS
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Role
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Agreement, MedicalItem, Provider

PARTS_ADD_UP = Q(mutual_share__gte=0, member_share__gte=0, provider_loss__gte=0) & Q(
    asked=F("mutual_share") + F("member_share") + F("provider_loss")
)
COPAY_WITHIN_MEMBER_SHARE = Q(copay__lte=F("member_share"))


class GuaranteeLetter(models.Model):
    """A prise en charge: the mutual's promise to pay a provider for one beneficiary's referral
    or stay, within a period and up to a cap."""

    SCOPE_PATH = "mutual__path"
    SCOPE_FOR_ROLES = ("provider__staff", {Role.PROVIDER_CLERK})

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("mutual"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"))
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    service_category = models.CharField(
        _("service category"),
        max_length=20,
        choices=ServiceCategory.choices,
        blank=True,
        help_text=_("Blank for any service needing a letter."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    cap = models.PositiveBigIntegerField(_("maximum amount paid by the mutual"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("guarantee letter")
        verbose_name_plural = _("guarantee letters")
        ordering = ["mutual", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mutual", "number"], name="letter_number_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="letter_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return _("Guarantee letter %(number)s") % {"number": self.number}

    @property
    def in_force(self) -> bool:
        """Neither cancelled nor past its last day (it may begin later)."""
        return self.cancelled_on is None and self.valid_until >= timezone.localdate()

    @property
    def status_label(self) -> str:
        """What the letter is today, in the user's language: cancelled, expired once its last
        day is past, or valid. A cancelled letter still covers care given before the day of
        its cancellation (claims.adjudication.Letter)."""
        if self.cancelled_on is not None:
            return pgettext("guarantee letter", "cancelled")
        if self.valid_until < timezone.localdate():
            return pgettext("guarantee letter", "expired")
        return pgettext("guarantee letter", "valid")


class Claim(models.Model):
    """A provider's invoice for one visit or stay of one beneficiary."""

    SCOPE_PATH = "mutual__path"
    # a provider's clerks see their provider's claims only
    SCOPE_FOR_ROLES = ("provider__staff", {Role.PROVIDER_CLERK})

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("mutual"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="claims"
    )
    provider_reference = models.CharField(_("invoice number of the provider"), max_length=40)
    service_from = models.DateField(_("date of care"))
    service_to = models.DateField(_("end of care"))
    visit_type = models.CharField(
        _("visit type"), max_length=10, choices=VisitType.choices, default=VisitType.NORMAL
    )
    diagnosis = models.CharField(_("diagnosis (ICD-10)"), max_length=10, blank=True)
    guarantee_letter = models.ForeignKey(
        GuaranteeLetter,
        verbose_name=_("guarantee letter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    # The agreement the claim was adjudicated under, and who pays the provider: the agreement's
    # party, which is not the beneficiary's mutual under portability. Empty without agreement.
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payer = models.ForeignKey(
        Organisation,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("entered through"), max_length=10, choices=Channel.choices)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices)
    review_reasons = models.CharField(_("reasons for review"), max_length=100, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    asked = models.PositiveBigIntegerField(_("amount asked"))
    mutual_share = models.PositiveBigIntegerField(_("paid by the mutual"))
    member_share = models.PositiveBigIntegerField(_("owed by the member"))
    provider_loss = models.PositiveBigIntegerField(_("not billable by the provider"))
    copay = models.PositiveBigIntegerField(_("co-payment"))

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "provider", "provider_reference"],
                name="claim_reference_unique_for_provider",
            ),
            models.CheckConstraint(condition=PARTS_ADD_UP, name="claim_three_parts_add_up"),
            models.CheckConstraint(
                condition=COPAY_WITHIN_MEMBER_SHARE, name="claim_copay_within_member_share"
            ),
            models.CheckConstraint(
                condition=Q(service_to__gte=F("service_from")), name="claim_care_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["beneficiary", "service_from"], name="claim_beneficiary_date"),
            models.Index(fields=["provider", "submitted_on"], name="claim_provider_submitted"),
            models.Index(fields=["mutual", "status"], name="claim_mutual_status"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_reference} ({format_date(self.service_from)})"

    @property
    def review_labels(self) -> list[str]:
        """Why the claim was sent to the medical advisor, in the user's language."""
        return labels(self.review_reasons, ReviewReason)


class ClaimLine(models.Model):
    SCOPE_PATH = "mutual__path"
    SCOPE_FOR_ROLES = ("claim__provider__staff", {Role.PROVIDER_CLERK})

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    # The code as the provider sent it; the item it names, unless unknown (the line is then
    # rejected with `unknown_item`, so that the provider is told rather than refused outright).
    item_code = models.CharField(_("code"), max_length=30)
    item = models.ForeignKey(
        MedicalItem,
        verbose_name=_("act or medicine"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    service_category = models.CharField(
        _("service category"), max_length=20, choices=ServiceCategory.choices, blank=True
    )
    service_date = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.PositiveBigIntegerField(_("unit price asked"))
    asked = models.PositiveBigIntegerField(_("amount asked"))
    rate_bp = models.PositiveIntegerField(_("coverage rate (basis points)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reasons = models.CharField(_("reasons"), max_length=200, blank=True)
    mutual_share = models.PositiveBigIntegerField(_("paid by the mutual"))
    member_share = models.PositiveBigIntegerField(_("owed by the member"))
    provider_loss = models.PositiveBigIntegerField(_("not billable by the provider"))
    copay = models.PositiveBigIntegerField(_("co-payment"))
    comment = models.CharField(_("comment of the medical advisor"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "claim", "position"], name="claim_line_position_unique"
            ),
            models.CheckConstraint(condition=PARTS_ADD_UP, name="claim_line_three_parts_add_up"),
            models.CheckConstraint(
                condition=COPAY_WITHIN_MEMBER_SHARE, name="claim_line_copay_within_member_share"
            ),
            models.CheckConstraint(
                condition=Q(asked=F("quantity") * F("unit_price")),
                name="claim_line_asked_is_quantity_times_price",
            ),
            models.CheckConstraint(
                condition=Q(rate_bp__lte=BASIS_POINTS), name="claim_line_rate_at_most_whole"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} × {self.quantity}"


class ReviewPolicy(models.Model):
    """When a claim goes to the medical advisor, set by a mutual or a union for all its mutuals;
    the nearest organisation's policy applies."""

    SCOPE_PATH = "owner__path"
    SCOPE_INHERITED = True

    uid = uid_field()
    owner = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    amount_threshold = models.PositiveBigIntegerField(
        _("review claims asking more than"), default=100_000
    )
    beneficiary_claims_30_days = models.PositiveSmallIntegerField(
        _("review a beneficiary's claim beyond this many in 30 days"), default=4
    )
    provider_claims_per_day = models.PositiveIntegerField(
        _("review a provider's claims beyond this many per day of care"), default=150
    )
    sample_bp = models.PositiveIntegerField(
        _("random sample (basis points)"),
        default=200,
        help_text=_("Share of the other claims reviewed at random: 200 is 2 %."),
    )
    review_adjusted = models.BooleanField(_("review claims with an adjusted line"), default=True)

    class Meta:
        verbose_name = _("medical review policy")
        verbose_name_plural = _("medical review policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_bp__lte=BASIS_POINTS), name="review_sample_at_most_whole"
            ),
        ]

    def __str__(self) -> str:
        return str(self.owner)
