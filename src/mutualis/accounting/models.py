"""The books (issue 14, docs/accounting.md): a chart of accounts, the mapping of operations to
accounts, and entries of balanced lines in journals, per organisation (a mutual, or a union
that pays providers).

The database keeps the two rules no code may break: a validated entry balances (debits equal
credits, on at least two lines), and a validated entry and its lines are never changed or
deleted — a reversing entry corrects them (triggers of migration accounting 0002, on SQLite and
PostgreSQL). An entry is written as a draft and validated in one transaction (accounting.ledger),
so that no draft outlives it and the lines alone are the books. Amounts are integers in the
currency's unit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mutualis.core.ids import uid_field
from mutualis.federation.models import Organisation


class Account(models.Model):
    """An account of the chart: the PCMS's, shipped (`owner` empty), or a detail account a union
    adds for its mutuals under one of them. Classes (one digit) and their headings (two digits)
    gather accounts; only accounts of three digits or more take entries."""

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.CharField(_("number"), max_length=12)
    label_fr = models.CharField(_("label in French"), max_length=120)
    label_en = models.CharField(_("label in English"), max_length=120)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(owner__isnull=True), name="account_shipped_number"
            ),
            models.UniqueConstraint(fields=["owner", "number"], name="account_owner_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.label}"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @property
    def account_class(self) -> str:
        return self.number[0]

    @property
    def is_detail(self) -> bool:
        return len(self.number) >= 3


class Operation(models.TextChoices):
    """What the automatic entries post, each to the account the mapping gives it."""

    CASH = "cash.cash", _("cash received or paid in cash")
    MOBILE_MONEY = "cash.mobile_money", _("money received or paid by mobile money")
    BANK_TRANSFER = "cash.bank_transfer", _("money received or paid by bank transfer")
    SAVINGS = "cash.savings", _("money taken from a savings account")
    MEMBER_CONTRIBUTION = "contribution.member", _("members' contributions")
    REGISTRATION_FEE = "contribution.registration_fee", _("registration fees")
    THIRD_PAYER_CONTRIBUTION = "contribution.third_payer", _("third payers' shares")
    THIRD_PAYER_RECEIVABLE = "receivable.third_payer", _("third payers' shares receivable")
    CLAIMS = "benefits.claims", _("claims approved")
    CHARGED_BACK = "benefits.charged_back", _("claims charged back by another organisation")
    PROVIDER_PAYABLE = "provider.payable", _("care providers' invoices payable")
    CLEARING_RECEIVABLE = "clearing.receivable", _("charge-backs to other mutuals")
    CLEARING_PAYABLE = "clearing.payable", _("charge-backs owed to other organisations")
    CASH_SHORTAGE = "cash.shortage", _("cash found short at the daily count")
    CASH_SURPLUS = "cash.surplus", _("cash found over at the daily count")


class Mapping(models.Model):
    """The account an operation posts to from `valid_from`: the shipped mapping (`owner` empty)
    or a union's for its subtree, the nearest owner's prevailing. A union changes it for the
    future with a new row; entries already posted keep their accounts."""

    uid = uid_field()
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    operation = models.CharField(_("operation"), max_length=40, choices=Operation.choices)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "operation", "valid_from"], name="mapping_owner_operation_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} → {self.account_id} ({self.valid_from})"


class Journal(models.TextChoices):
    CASH = "CA", _("cash")
    BANK = "BQ", _("bank")
    MOBILE_MONEY = "MM", _("mobile money")
    OPERATIONS = "OP", _("operations")
    GENERAL = "OD", _("general")
    # a year's closing: its result brought to the result account on its last day (left out of
    # the statements, which show the year before it), and the balances it carries forward on
    # the next year's first day
    CLOSING = "CL", _("year-end closing")
    OPENING = "AN", _("opening balances")


class Entry(models.Model):
    """A journal entry of an organisation, numbered without gaps per journal and year. Posted
    from an event (`source`, the event's uid) or by hand (`reference`, the piece's number);
    `reverses`: the entry it cancels."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    # the organisation whose books these are: a mutual, or a union that pays providers (named
    # `mutual` like every operational table's, design-rules.md rule 3)
    mutual = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the indexes below
    )
    journal = models.CharField(_("journal"), max_length=2, choices=Journal.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200)
    reference = models.CharField(_("piece"), max_length=60, blank=True)
    # the event it was posted from, its kind and what it is about (a payment, a claim…)
    source = models.UUIDField(null=True, blank=True)
    source_kind = models.CharField(max_length=40, blank=True)
    subject = models.UUIDField(null=True, blank=True)
    # read by subject (the reversal and what it reverses share it), never by this column
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        db_index=False,
    )
    validated = models.BooleanField(_("validated"), default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "journal", "year", "number"], name="entry_number"
            ),
            # an event is posted once, whatever replays it
            models.UniqueConstraint(
                fields=["mutual", "source"],
                condition=Q(source__isnull=False),
                name="entry_posted_once",
            ),
        ]
        indexes = [
            models.Index(fields=["mutual", "subject"], name="entry_subject"),
            models.Index(fields=["mutual", "date"], name="entry_day"),
        ]

    def __str__(self) -> str:
        return f"{self.journal} {self.year}-{self.number:06d}"


class Line(models.Model):
    """One side of an entry on one account; `party`: the uid of the provider, third payer or
    organisation the account's balance is owed by or to (its sub-ledger). The entry's
    organisation, date and journal are repeated so that balances read the lines alone."""

    uid = uid_field()
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    # five million lines a year for a national union: no index beyond those below, and the
    # organisation is its entry's, copied (the entry's key is the one checked)
    mutual = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    journal = models.CharField(max_length=2, choices=Journal.choices)
    date = models.DateField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    debit = models.BigIntegerField(_("debit"), default=0)
    credit = models.BigIntegerField(_("credit"), default=0)
    party = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="line_one_side",
            ),
        ]
        indexes = [
            # balances over a period, and an account's ledger (a mutual's year is a short scan)
            models.Index(fields=["mutual", "date", "account"], name="line_balance"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"

    @property
    def amount(self) -> int:
        """The debit, or the credit as a negative amount (on a cash account: money in or out)."""
        return self.debit - self.credit


class ClosedMonth(models.Model):
    """A month of an organisation's books, closed: no entry may be dated in it (the database
    refuses it, migration accounting 0003); an automatic entry of an event dated in it is posted
    on the first day of the next open month. Reopening it is an act of the union, recorded with
    its reason; closing it again is a new row."""

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))  # its first day
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "month"],
                condition=Q(reopened_at__isnull=True),
                name="closed_month_once",
            ),
        ]

    def __str__(self) -> str:
        return str(_("closing of %(month)s") % {"month": f"{self.month:%m/%Y}"})


class ClosedYear(models.Model):
    """A year of an organisation's books, closed (accounting.services.year_close): its result
    posted to the result account on its last day, its balances carried forward by the opening
    entry of the next year's first day, and each of its months closed. Reopening it is an act
    of the union, with its reason: both entries are reversed; closing it again is a new row."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.BigIntegerField(_("result"))  # a surplus when positive
    result_entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    opening_entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "year"],
                condition=Q(reopened_at__isnull=True),
                name="closed_year_once",
            ),
        ]

    def __str__(self) -> str:
        return str(_("closing of %(month)s") % {"month": self.year})


class BankStatement(models.Model):
    """A statement of a bank, a microfinance institution or a mobile-money operator, imported
    (CSV or Excel) to be matched with the books' lines on the account it is the statement of."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y})"


class BankLine(models.Model):
    """A line of a bank statement: money in when positive, out when negative; `matched`, once a
    person confirmed it, the books' line it is (a line of the books is matched once: the
    database refuses a second)."""

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    amount = models.BigIntegerField(_("amount"))
    matched = models.ForeignKey(
        Line, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "matched"],
                condition=Q(matched__isnull=False),
                name="bank_line_matched_once",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="bank_line_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.amount}"


class Piece(models.Model):
    """The piece an entry by hand records (an invoice, a receipt, a bank advice), scanned: a PDF
    or an image, checked by its content, kept in the database with its entry so that the two
    are written, or refused, together."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="pieces")
    file_name = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.file_name


class CashCount(models.Model):
    """A cashier's cash counted at the end of a day against what the books expect in their cash
    box (the cash account's lines of that cashier); a difference is posted, with its
    explanation, as a shortage or a surplus (`entry`). One count per cash box and day."""

    SCOPE_PATH = "mutual__path"

    uid = uid_field()
    mutual = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cashier"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("day"))
    expected = models.BigIntegerField(_("expected"))
    counted = models.BigIntegerField(_("counted"))
    explanation = models.CharField(_("explanation"), max_length=255, blank=True)
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("cash count")
        verbose_name_plural = _("cash counts")
        constraints = [
            models.UniqueConstraint(fields=["mutual", "cashier", "day"], name="cash_count_once"),
            models.CheckConstraint(condition=Q(counted__gte=0), name="cash_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.counted}"

    @property
    def difference(self) -> int:
        """Over when positive, short when negative."""
        return self.counted - self.expected
