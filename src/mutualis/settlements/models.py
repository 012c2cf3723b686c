"""What is paid to providers: statements of approved claims per provider and invoicing period,
and payments against them (DOMAIN.md §5).

The organisation that pays the provider is the statement's tenant: the agreement's party, a
mutual or a union. It sits in the `mutual` column that every operational table carries (DESIGN.md
rule 3) although it may be a union, which pays for its mutuals.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.claims.models import Claim
from mutualis.contributions.models import Method
from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation
from mutualis.providers.models import Provider


class Statement(models.Model):
    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("paid by"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"))
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="statements"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("to be paid by"))
    total = models.PositiveBigIntegerField(_("amount due"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("provider statement")
        verbose_name_plural = _("provider statements")
        ordering = ["mutual", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mutual", "number"], name="statement_number_unique"),
        ]

    def __str__(self) -> str:
        return _("Statement %(number)s") % {"number": self.number}


class StatementClaim(models.Model):
    """A claim on a statement: at most one, so that no claim is ever paid twice."""

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="claims")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("amount"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mutual", "claim"], name="claim_on_one_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.claim}"


class ProviderPayment(models.Model):
    """A payment to a provider against a statement; partial payments add up. A mistaken payment
    is reversed by a negative one that names it, never deleted."""

    SCOPE_PATH = "mutual__path"

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
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
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
        return f"{self.amount} ({self.paid_on})"
