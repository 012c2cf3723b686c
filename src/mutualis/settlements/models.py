"""What is paid to providers: statements of approved claims per provider and invoicing period,
and payments against them (domain-rules.md §5–8).

The organisation that pays the provider is the statement's tenant: the agreement's party, a mutual
or a union. It sits in the `mutual` column that every operational table carries (design-rules.md
rule 3) although it may be a union, which pays for its mutuals.

Nothing here is deleted (design-rules.md rule 5): a statement is cancelled, which releases its
claims for a later statement while its lines stay, marked with the day they were released; a payment
is reversed by a negative payment that names it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mutualis.claims.models import Claim
from mutualis.contributions.models import Method
from mutualis.core.formats import format_amount, format_date
from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Role
from mutualis.providers.models import Agreement, Provider


class Statement(models.Model):
    SCOPE_PATH = "mutual__path"
    # a provider's clerks see their provider's statements only
    SCOPE_FOR_ROLES = ("provider__staff", {Role.PROVIDER_CLERK})

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("paid by"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"))
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="statements"
    )
    # The agreement whose terms were applied, and those terms as they were on the day of issue:
    # a later version of the agreement does not move a due date already given to the provider.
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payment_days = models.PositiveIntegerField(_("payment terms (days)"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("to be paid by"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.PositiveBigIntegerField(_("amount due"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason for the cancellation"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("provider statement")
        verbose_name_plural = _("provider statements")
        ordering = ["mutual", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mutual", "number"], name="statement_number_unique"),
            models.CheckConstraint(condition=Q(total__gt=0), name="statement_total_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="statement_period_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")), name="statement_due_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=F("issued_on")),
                name="statement_cancelled_after_issue",
            ),
        ]
        indexes = [
            # issuing a period again, and the list filtered by provider and period
            models.Index(
                fields=["mutual", "provider", "period_start"], name="statement_payer_provider"
            ),
            # the clearing between mutuals of a month
            models.Index(fields=["mutual", "issued_on"], name="statement_payer_issued"),
        ]

    def __str__(self) -> str:
        return _("Statement %(number)s") % {"number": self.number}


class StatementClaim(models.Model):
    """A claim on a statement. A claim is on one statement at most at any time, so that it is
    never paid twice; the statement's cancellation releases it (`released_on`) for another."""

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="claims")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("amount"))
    released_on = models.DateField(_("released on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "claim"],
                condition=Q(released_on__isnull=True),
                name="claim_on_one_statement",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_claim_positive"),
        ]
        indexes = [
            # the clearing between mutuals of a month: claims released by a cancellation
            models.Index(fields=["mutual", "released_on"], name="statement_claim_released"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.claim}"


class ProviderPayment(models.Model):
    """A payment to a provider against a statement; partial payments add up. A mistaken payment
    is reversed by a negative one that names it, never deleted."""

    SCOPE_PATH = "mutual__path"
    SCOPE_FOR_ROLES = ("statement__provider__staff", {Role.PROVIDER_CLERK})

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("paid by"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.BigIntegerField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment to a provider")
        verbose_name_plural = _("payments to providers")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "reverses"],
                condition=Q(reverses__isnull=False),
                name="provider_payment_reversed_once",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True)
                | Q(amount__lt=0, reverses__isnull=False),
                name="provider_payment_sign",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_amount(self.amount)} ({format_date(self.paid_on)})"
