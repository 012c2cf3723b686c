"""The only writers of provider payments (domain-rules.md §5–8): issuing and cancelling statements,
recording and reversing payments. Nothing is deleted: a statement is cancelled, a payment
reversed (design-rules.md rule 5).

Locks are taken in one order everywhere, the paying organisation's row before a statement's, a
statement's before a payment's, so that two clerks working on the same statements queue instead
of deadlocking (on SQLite the database's single writer gives the same order).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.claims.choices import ClaimStatus
from mutualis.claims.models import Claim
from mutualis.contributions.models import Method
from mutualis.contributions.services import METHODS_WITH_REFERENCE
from mutualis.core.audit import (
    audit_created,
    audit_updated,
    snapshot,
)
from mutualis.core.events import append
from mutualis.core.formats import format_amount, format_date
from mutualis.core.numbering import series_take
from mutualis.core.periods import PeriodUnit, in_force, period_end, period_start
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import PROVIDER_PAYERS, UNIONS, Kind
from mutualis.federation.services import require_in_scope_as
from mutualis.providers.models import Agreement, AgreementVersion, Provider
from mutualis.settlements import events
from mutualis.settlements.models import ProviderPayment, Statement, StatementClaim

PAYER_KINDS = UNIONS | {Kind.MUTUAL}
SERIES = "provider_statement"
# an agreement without any version yet is taken at the versions' defaults (monthly, 30 days)
DEFAULT_UNIT = AgreementVersion._meta.get_field("invoicing_period").default
DEFAULT_PAYMENT_DAYS = AgreementVersion._meta.get_field("payment_days").default


# A claim a statement lists: its id, its first day of care, the mutual's share and its currency.
Listed = tuple[int, datetime.date, int, str]


@dataclass(frozen=True)
class Terms:
    agreement: Agreement | None
    unit: str
    payment_days: int


def agreements_of(payer: Organisation, provider_ids: Iterable[int]) -> dict[int, list[Agreement]]:
    """The payer's agreements with each of these providers, with their versions, latest first."""
    found: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in (
        Agreement.objects.filter(party=payer, provider_id__in=provider_ids)
        .prefetch_related("versions")
        .order_by("-starts_on", "-pk")
    ):
        found[agreement.provider_id].append(agreement)
    return found


def terms_among(agreements: list[Agreement], day: datetime.date) -> Terms:
    """The agreement among a payer's with a provider in force on `day` (else its latest), and
    the invoicing period and payment terms of its version in force then (else its first)."""
    agreement = next(
        (a for a in agreements if a.starts_on <= day and (a.ends_on is None or day <= a.ends_on)),
        agreements[0] if agreements else None,
    )
    versions = list(agreement.versions.all()) if agreement else []
    version = in_force(versions, day) or min(versions, key=lambda v: v.valid_from, default=None)
    if version is None:
        return Terms(agreement, DEFAULT_UNIT, DEFAULT_PAYMENT_DAYS)
    return Terms(agreement, version.invoicing_period, version.payment_days)


@dataclass
class Issue:
    """What issuing a period did: the statements written, and why some providers got none."""

    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_payer(by: User | None, payer: Organisation) -> None:
    require_in_scope_as(by, PROVIDER_PAYERS, payer, "payer")
    if payer.kind not in PAYER_KINDS:
        raise ValidationError({"payer": _("Providers are paid by a mutual or a union.")})


@transaction.atomic
def statements_issue(
    *,
    by: User | None,
    payer: Organisation,
    day: datetime.date,
    issued_on: datetime.date | None = None,
) -> Issue:
    """Issues, for each provider the payer owes, the statement of the invoicing period that
    contains `day` (the agreement's period, a month by default): the decided claims it pays a
    share of, for care up to the period's end, that are on no statement yet — a claim is on one
    statement at most, so it is never paid twice. Statements are numbered in the payer's
    series; each is due `payment_days` after its issue, as the agreement says.

    Issuing a period again adds a statement of the claims that came in since, if any; when no
    provider has any claim left to list, nothing is written and the error says why. A period
    that is not over on the day of issue is not issued: claims of its last days would miss it."""
    check_payer(by, payer)
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A statement cannot be issued in the future.")})
    if day > issued_on:
        raise ValidationError({"period": _("The period begins after the day of issue.")})
    # one issue at a time per payer: the claims left to list are read, then listed
    payer = Organisation.objects.select_for_update().get(pk=payer.pk)
    listed = StatementClaim.objects.filter(mutual=payer, released_on__isnull=True)
    payable = (
        Claim.objects.filter(
            payer=payer,
            status=ClaimStatus.DECIDED,
            mutual_share__gt=0,
            service_from__lte=period_end(period_start(day, PeriodUnit.YEAR), PeriodUnit.YEAR),
        )
        .exclude(pk__in=listed.values("claim_id"))
        .order_by("provider_id", "service_from", "pk")
        .values_list("pk", "provider_id", "service_from", "mutual_share", "mutual__currency")
    )
    by_provider: dict[int, list[Listed]] = defaultdict(list)
    for pk, provider_id, service_from, share, currency in payable:
        by_provider[provider_id].append((pk, service_from, share, currency))
    providers = Provider.objects.in_bulk(list(by_provider))
    agreements = agreements_of(payer, list(by_provider))
    issue = Issue()
    to_write = []
    for provider_id in sorted(by_provider, key=lambda pk: providers[pk].name):
        provider = providers[provider_id]
        terms = terms_among(agreements.get(provider_id, []), day)
        start = period_start(day, terms.unit)
        end = period_end(start, terms.unit)
        claims = [c for c in by_provider[provider_id] if c[1] <= end]
        if not claims:
            continue
        if end >= issued_on:
            issue.notes.append(
                _(
                    "%(provider)s: the invoicing period ends on %(end)s; its statement can be "
                    "issued from the next day."
                )
                % {"provider": provider.name, "end": format_date(end)}
            )
            continue
        currencies = {c[3] for c in claims}
        if len(currencies) > 1:
            issue.notes.append(
                _("%(provider)s: the claims are in several currencies (%(currencies)s).")
                % {"provider": provider.name, "currencies": ", ".join(sorted(currencies))}
            )
            continue
        to_write.append((provider, terms, start, end, claims))
    if to_write:
        first = series_take(payer.pk, SERIES, len(to_write))
        for number, (provider, terms, start, end, claims) in enumerate(to_write, start=first):
            issue.statements.append(
                statement_write(by, payer, number, provider, terms, start, end, issued_on, claims)
            )
    if not issue.statements:
        raise ValidationError({"period": issue.notes or [nothing_to_issue(payer, day)]})
    return issue


def nothing_to_issue(payer: Organisation, day: datetime.date) -> str:
    numbers = list(
        Statement.objects.filter(
            mutual=payer,
            cancelled_on__isnull=True,
            period_start__lte=day,
            period_end__gte=day,
        )
        .order_by("number")
        .values_list("number", flat=True)
    )
    if numbers:
        return _(
            "Every approved claim of this period is already on a statement (no. %(numbers)s): "
            "nothing new to issue."
        ) % {"numbers": ", ".join(str(n) for n in numbers)}
    return _("No approved claim is left to pay for this period.")


def statement_write(
    by: User | None,
    payer: Organisation,
    number: int,
    provider: Provider,
    terms: Terms,
    start: datetime.date,
    end: datetime.date,
    issued_on: datetime.date,
    claims: Sequence[Listed],
) -> Statement:
    statement = Statement(
        mutual=payer,
        number=number,
        provider=provider,
        agreement=terms.agreement,
        payment_days=terms.payment_days,
        period_start=start,
        period_end=end,
        issued_on=issued_on,
        due_on=issued_on + datetime.timedelta(days=terms.payment_days),
        currency=claims[0][3],
        total=sum(c[2] for c in claims),
        issued_by=by if by else None,
    )
    try:
        with transaction.atomic():
            statement.save()
            StatementClaim.objects.bulk_create(
                StatementClaim(mutual=payer, statement=statement, claim_id=pk, amount=share)
                for pk, _day, share, _currency in claims
            )
    except IntegrityError:
        # another issue listed some of these claims at the same moment (the payer's lock makes
        # it rare): the claims are theirs, this statement is not written
        raise ValidationError(
            {"period": _("These claims were just put on another statement: issue again.")}
        ) from None
    audit_created(actor=by, obj=statement)
    listed = events.listed([(pk, share) for pk, _day, share, _currency in claims])
    append(payer.pk, events.issued(statement, listed), by)
    for mutual_id, charge in events.charged(statement, listed):
        append(mutual_id, charge, by)
    return statement


def paid_on_statement(statement: Statement) -> int:
    return statement.payments.aggregate(paid=Sum("amount"))["paid"] or 0


@transaction.atomic
def statement_cancel(
    *, by: User | None, statement: Statement, reason: str, on: datetime.date | None = None
) -> Statement:
    """Cancels a statement sent in error: its claims are released for a later statement, and the
    statement stays, marked cancelled. A statement with money on it (payments not reversed)
    cannot be cancelled: reverse the payments first."""
    require_in_scope_as(by, PROVIDER_PAYERS, statement.mutual, "statement")
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    on = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if statement.cancelled_on is not None:
        errors["statement"] = [
            _("This statement was cancelled on %(date)s.")
            % {"date": format_date(statement.cancelled_on)}
        ]
    elif paid_on_statement(statement):
        errors["statement"] = [
            _("Payments were recorded on this statement: reverse them before cancelling it.")
        ]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the cancellation.")]
    if on > timezone.localdate():
        errors["on"] = [_("A cancellation cannot be dated in the future.")]
    elif on < statement.issued_on:
        errors["on"] = [_("A cancellation cannot precede the statement's issue.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(statement)
    statement.cancelled_on = on
    statement.cancelled_by = by if by else None
    statement.cancel_reason = reason.strip()
    statement.save(update_fields=["cancelled_on", "cancelled_by", "cancel_reason"])
    StatementClaim.objects.filter(statement=statement).update(released_on=on)
    audit_updated(actor=by, obj=statement, before=before)
    append(statement.mutual_id, events.cancelled(statement), by)
    listed = events.listed(
        list(
            StatementClaim.objects.filter(statement=statement)
            .order_by("pk")
            .values_list("claim_id", "amount")
        )
    )
    for mutual_id, release in events.released(statement, listed):
        append(mutual_id, release, by)
    return statement


def check_method(method: str, reference: str, errors: dict[str, list[str]]) -> None:
    if method not in Method.values:
        errors["method"] = [_("Unknown payment method.")]
    elif method in METHODS_WITH_REFERENCE and not reference:
        errors["reference"] = [
            _("A %(method)s payment needs its transaction reference.")
            % {"method": Method(method).label}
        ]


@transaction.atomic
def provider_payment_record(
    *,
    by: User | None,
    statement: Statement,
    amount: int,
    method: str,
    paid_on: datetime.date,
    reference: str = "",
    note: str = "",
) -> ProviderPayment:
    """Records a payment to the provider against a statement. Payments may be partial and add
    up, never beyond what the statement still owes."""
    require_in_scope_as(by, PROVIDER_PAYERS, statement.mutual, "statement")
    # one payment at a time per statement: what is still owed is read, then paid
    statement = Statement.objects.select_for_update().select_related("mutual").get(pk=statement.pk)
    reference = reference.strip()
    errors: dict[str, list[str]] = {}
    if statement.cancelled_on is not None:
        errors["statement"] = [_("This statement is cancelled: nothing is owed on it.")]
    outstanding = statement.total - paid_on_statement(statement)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("A payment is a positive whole amount.")]
    elif "statement" not in errors and amount > outstanding:
        errors["amount"] = [
            _("%(outstanding)s is still owed on this statement: the payment cannot be larger.")
            % {"outstanding": format_amount(outstanding, statement.currency)}
        ]
    check_method(method, reference, errors)
    if paid_on > timezone.localdate():
        errors["paid_on"] = [_("A payment cannot be made in the future.")]
    elif paid_on < statement.issued_on:
        errors["paid_on"] = [
            _("A payment cannot precede the statement, issued on %(date)s.")
            % {"date": format_date(statement.issued_on)}
        ]
    if errors:
        raise ValidationError(errors)
    payment = ProviderPayment.objects.create(
        mutual=statement.mutual,
        statement=statement,
        amount=amount,
        paid_on=paid_on,
        method=method,
        reference=reference,
        note=note.strip(),
        recorded_by=by if by else None,
    )
    audit_created(actor=by, obj=payment)
    paid_off = amount == outstanding
    append(payment.mutual_id, events.paid(payment, paid_on if paid_off else None), by)
    return payment


@transaction.atomic
def provider_payment_reverse(
    *, by: User | None, payment: ProviderPayment, reason: str, on: datetime.date | None = None
) -> ProviderPayment:
    """Cancels a payment recorded in error, or returned by the provider, with a negative payment
    that names it. The original stays, as the books require."""
    require_in_scope_as(by, PROVIDER_PAYERS, payment.mutual, "payment")
    Statement.objects.select_for_update().get(pk=payment.statement_id)  # the order of locks
    payment = ProviderPayment.objects.select_for_update().get(pk=payment.pk)
    on = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if payment.reverses_id is not None:
        errors["payment"] = [_("A reversal cannot itself be reversed.")]
    elif payment.reversals.exists():
        errors["payment"] = [_("This payment is already reversed.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the reversal.")]
    if on > timezone.localdate():
        errors["on"] = [_("A reversal cannot be dated in the future.")]
    elif on < payment.paid_on:
        errors["on"] = [_("A reversal cannot precede the payment.")]
    if errors:
        raise ValidationError(errors)
    statement = payment.statement
    # a statement paid off owes again: the day it was paid off is its last payment's
    paid_off_on = (
        statement.payments.filter(reverses=None).latest("pk").paid_on
        if paid_on_statement(statement) == statement.total
        else None
    )
    reversal = ProviderPayment.objects.create(
        mutual=payment.mutual,
        statement_id=payment.statement_id,
        amount=-payment.amount,
        paid_on=on,
        method=payment.method,
        reference=payment.reference,
        note=reason.strip(),
        reverses=payment,
        recorded_by=by if by else None,
    )
    audit_created(actor=by, obj=reversal)
    append(reversal.mutual_id, events.paid(reversal, paid_off_on), by)
    return reversal
