"""Contributions (domain-rules.md §4): payments with their receipts, and how each payment is
allocated
to what it pays — a household's registration fee, its member share of a period, or a third
payer's share of a period.

Financial records are never deleted or edited (design-rules.md rule 5): a payment is cancelled or
refunded by a reversal, a new payment of the opposite amount whose allocations mirror the
original's. What is due is not stored as a record: it follows from the register and the package
(`rules.py`), so a late change of a household is never out of step with its dues. `Standing` and
`Owed` keep that reading ready for the lists, rebuilt from the rules whenever it changes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.models import Payer
from mutualis.core.formats import format_amount, format_date
from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation
from mutualis.membership.models import Household


class Method(models.TextChoices):
    CASH = "cash", _("cash")
    MOBILE_MONEY = "mobile_money", _("mobile money")
    SAVINGS = "savings", _("deduction from a savings account")
    BANK_TRANSFER = "bank_transfer", _("bank transfer")


class AllocationKind(models.TextChoices):
    REGISTRATION_FEE = "registration_fee", _("registration fee")
    CONTRIBUTION = "contribution", _("contribution")
    PAYER_SHARE = "payer_share", _("third payer's share")


class Payment(models.Model):
    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("mutual"), on_delete=models.PROTECT, related_name="payments"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=30)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        help_text=_("Empty for a third payer's payment covering many households."),
    )
    payer = models.ForeignKey(
        Payer,
        verbose_name=_("third payer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    reference = models.CharField(
        _("transaction reference"),
        max_length=60,
        blank=True,
        help_text=_("Mobile-money transaction ID, savings account operation, bank reference."),
    )
    amount = models.BigIntegerField(_("amount"))
    received_on = models.DateField(_("received on"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "receipt_number"], name="payment_receipt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["mutual", "reverses"],
                condition=Q(reverses__isnull=False),
                name="payment_reversed_once",
            ),
            # the same mobile-money transaction is recorded once, whoever records it
            models.UniqueConstraint(
                fields=["mutual", "method", "reference"],
                condition=~Q(reference="") & Q(reverses__isnull=True),
                name="payment_reference_unique",
            ),
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="payment_positive_unless_reversal",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(payer__isnull=False),
                name="payment_from_a_household_or_a_payer",
            ),
        ]
        indexes = [
            # the cashier's daily report
            models.Index(fields=["mutual", "received_on"], name="payment_mutual_day"),
        ]

    def __str__(self) -> str:
        return f"{_('Receipt')} {self.receipt_number}"


class Allocation(models.Model):
    """The part of a payment that settles one thing: a household's registration fee, its member
    share of one period, or one third payer's share of one period for one household."""

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="allocations")
    kind = models.CharField(_("kind"), max_length=20, choices=AllocationKind.choices)
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("period"), null=True, blank=True)
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="registration_fee")
                    & Q(period_start__isnull=True)
                    & Q(payer__isnull=True)
                )
                | (Q(kind="contribution") & Q(period_start__isnull=False) & Q(payer__isnull=True))
                | (Q(kind="payer_share") & Q(period_start__isnull=False) & Q(payer__isnull=False)),
                name="allocation_kind_shape",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_not_zero"),
        ]
        indexes = [
            # what a household has paid, period by period (coverage, arrears)
            models.Index(
                fields=["household", "kind", "period_start"], name="allocation_household_period"
            ),
            # a payer's receivable and its reconciliation
            models.Index(fields=["payer", "period_start"], name="allocation_payer_period"),
        ]

    def __str__(self) -> str:
        period = format_date(self.period_start) if self.period_start else ""
        return f"{self.get_kind_display()} {period}: {format_amount(self.amount)}"


class Standing(models.Model):
    """Where a household stands, kept ready for the lists and the homes (issue 12): until when
    its head is covered and from when. A read model, never a source: every decision (a
    payment's allocation, cover at the point of care) reads the rules; `standing.refresh`
    rebuilds a household's row from them whenever its payments, members or package change."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    mutual = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # the package's rules revision it was worked out with, and the last day its dues reach
    revision = models.UUIDField()
    horizon = models.DateField()
    resigned_on = models.DateField(null=True, blank=True)
    # the head's first day of cover once the waiting period is over (None: never paid)
    covered_from = models.DateField(null=True, blank=True)
    # the head's last day of cover if nothing more is paid (None: never paid)
    covered_until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["mutual", "covered_until"], name="standing_cover_ends"),
            models.Index(fields=["mutual", "covered_from"], name="standing_cover_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.covered_from} – {self.covered_until}"


class Owed(models.Model):
    """What a household's members still owe of one due (a period's member share, or the
    registration fee, `due_on` its period's first day or the enrolment day), up to its
    standing's horizon: arrears on a day are the rows due by then. Rebuilt with the standing."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    mutual = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    amount = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["mutual", "due_on"], name="owed_mutual_day"),
            models.Index(fields=["household", "due_on"], name="owed_household_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="owed_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.amount} ({self.due_on})"


class Receivable(models.Model):
    """A third payer's share of a period's contributions as the mutual recognises it: the whole
    share when the period has begun, then the difference whenever the register changes it (a
    household enrolled during the period, a member who left). Rows are never edited: what the
    payer owes for a period is the sum of its rows, and each row has its `receivable.recognised`
    event, from which the books post the receivable (domain-rules.md §4)."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period"))
    amount = models.BigIntegerField(_("amount"))
    # how many households share in the payer's share of the period, counted when recognised
    households = models.PositiveIntegerField()
    recognised_on = models.DateField(_("recognised on"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="receivable_not_zero"),
        ]
        indexes = [
            models.Index(
                fields=["mutual", "payer", "period_start"], name="receivable_payer_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_id} {format_date(self.period_start)}: {format_amount(self.amount)}"


class Due(models.Model):
    """A household's member share of a period's contribution as the mutual recognises it: the
    whole share once the period has begun, then the difference whenever the register changes
    it (a dependant added, a member found indigent, a departure back-dated). With the third
    payers' `Receivable`s of the period it adds up to the period's contribution (design-rules.md
    rule 2). Rows are never edited: what a household owes for a period is the sum of its rows,
    and each row has its `dues.recognised` event, from which the indicators count the
    contributions due (docs/monitoring.md, M.6)."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period"))
    amount = models.BigIntegerField(_("amount"))
    recognised_on = models.DateField(_("recognised on"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="due_not_zero"),
        ]
        indexes = [
            # what was recognised so far, by household and period: the daily job's one read
            models.Index(
                fields=["mutual", "household", "period_start"], name="due_household_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {format_date(self.period_start)}: {format_amount(self.amount)}"
