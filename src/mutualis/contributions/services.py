"""The only writers of contributions (domain-rules.md §4): payments, third payers' payments,
reversals, and what the members and the third payers owe for the periods begun. Money is never
deleted: a cancellation or a refund is a reversal."""

import datetime
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.benefits.models import Payer
from mutualis.benefits.services import pays_for
from mutualis.contributions import standing
from mutualis.contributions.events import due_from, payment_event, receivable_from
from mutualis.contributions.models import (
    Allocation,
    AllocationKind,
    Due,
    Method,
    Payment,
    Receivable,
)
from mutualis.contributions.queries import (
    ADVANCE_DAYS,
    accounts_of,
    household_account,
    household_grids,
    member_dues,
    payer_shares,
)
from mutualis.contributions.rules import (
    Overpayment,
    allocate_member_payment,
    allocate_payer_payment,
    still_to_recognise,
)
from mutualis.core.audit import audit_created, audit_record, changes_between, snapshot
from mutualis.core.events import append, append_all
from mutualis.core.formats import format_amount, format_date
from mutualis.core.models import AuditEntry
from mutualis.core.numbering import series_take
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import (
    PAYER_PAYMENT_RECORDERS,
    PAYMENT_BACKDATERS,
    PAYMENT_RECORDERS,
    PAYMENT_REVERSERS,
)
from mutualis.federation.services import require_in_scope_as
from mutualis.membership.models import Household

METHODS_WITH_REFERENCE = {Method.MOBILE_MONEY, Method.SAVINGS, Method.BANK_TRANSFER}


def receipt_number_next(mutual: Organisation, day: datetime.date) -> str:
    return f"{day.year}-{series_take(mutual.pk, 'receipt'):06d}"


def check_payment(
    by: User | None,
    *,
    mutual: Organisation,
    amount: int,
    method: str,
    reference: str,
    received_on: datetime.date,
    receipt_number: str | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("A payment is a positive amount.")]
    if method not in Method.values:
        errors["method"] = [_("Unknown payment method.")]
    elif method in METHODS_WITH_REFERENCE and not reference:
        errors["reference"] = [
            _("A %(method)s payment needs its transaction reference.")
            % {"method": Method(method).label}
        ]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("A payment cannot be received in the future.")]
    elif is_backdated(received_on) and by is not None and not by.has_any_role(PAYMENT_BACKDATERS):
        errors["received_on"] = [
            _(
                "Only a mutual manager, an accountant or an administrator may record a payment "
                "received before today."
            )
        ]
    if (
        receipt_number
        and Payment.objects.filter(mutual=mutual, receipt_number=receipt_number).exists()
    ):
        errors["receipt_number"] = [
            _("Receipt number %(number)s is already used.") % {"number": receipt_number}
        ]
    if reference:
        existing = Payment.objects.filter(
            mutual=mutual, method=method, reference=reference, reverses__isnull=True
        ).first()
        if existing is not None:
            errors["reference"] = [already_recorded(existing)]
    if errors:
        raise ValidationError(errors)


def is_backdated(received_on: datetime.date) -> bool:
    """Issue 10 rule 1: a payment is dated the day the money was received; one dated before
    the day it is recorded is back-dated, which only some roles may do (PAYMENT_BACKDATERS)."""
    return received_on < timezone.localdate()


def audit_payment(by: User | None, payment: Payment) -> None:
    """The payment's entry in the trail; a back-dated one says so, with both dates."""
    changes = changes_between({}, snapshot(payment))
    if is_backdated(payment.received_on):
        changes["backdated"] = [
            None,
            {
                "received_on": payment.received_on.isoformat(),
                "recorded_on": timezone.localdate().isoformat(),
            },
        ]
    audit_record(actor=by, action=AuditEntry.Action.CREATE, obj=payment, changes=changes)


def already_recorded(existing: Payment) -> str:
    return _("This transaction is already recorded (receipt %(number)s).") % {
        "number": existing.receipt_number
    }


def save_payment(payment: Payment, allocations: list[Allocation]) -> Payment:
    """Writes a payment and its allocations; a transaction another cashier recorded at the same
    moment is refused by the database's unique constraint, and reported as such."""
    try:
        with transaction.atomic():
            payment.save()
            for allocation in allocations:
                allocation.payment = payment
            Allocation.objects.bulk_create(allocations)
            append(payment.mutual_id, payment_event(payment, allocations), payment.recorded_by)
            standing.refresh({allocation.household_id for allocation in allocations})
    except IntegrityError:
        existing = Payment.objects.filter(
            mutual=payment.mutual,
            method=payment.method,
            reference=payment.reference,
            reverses__isnull=True,
        ).first()
        if payment.reference and existing is not None:
            raise ValidationError({"reference": [already_recorded(existing)]}) from None
        if Payment.objects.filter(
            mutual=payment.mutual, receipt_number=payment.receipt_number
        ).exists():
            raise ValidationError(
                {
                    "receipt_number": [
                        _("Receipt number %(number)s is already used.")
                        % {"number": payment.receipt_number}
                    ]
                }
            ) from None
        raise
    return payment


@transaction.atomic
def payment_record(
    *,
    by: User | None,
    household: Household,
    amount: int,
    method: str,
    received_on: datetime.date,
    reference: str = "",
    receipt_number: str | None = None,
    note: str = "",
) -> Payment:
    """Records a member's payment for their household and allocates it: the registration fee
    first, then the member share of each period, oldest first, up to a year ahead."""
    require_in_scope_as(by, PAYMENT_RECORDERS, household.mutual, "household")
    reference = reference.strip()
    # One payment at a time per household: the allocation reads what is owed, then writes.
    household = Household.objects.select_for_update().select_related("mutual").get(pk=household.pk)
    check_payment(
        by,
        mutual=household.mutual,
        amount=amount,
        method=method,
        reference=reference,
        received_on=received_on,
        receipt_number=receipt_number,
    )
    if household.resigned_on is not None and household.resigned_on <= received_on:
        raise ValidationError(
            {
                "household": _("The household resigned on %(date)s.")
                % {"date": format_date(household.resigned_on)}
            }
        )
    account = household_account(
        household, received_on, received_on + datetime.timedelta(days=ADVANCE_DAYS)
    )
    outstanding = [
        (due.period_start, account.member_outstanding(due.period_start)) for due in account.dues
    ]
    try:
        parts = allocate_member_payment(
            amount, account.fee_outstanding, [(s, o) for s, o in outstanding if o]
        )
    except Overpayment as error:
        raise ValidationError(
            {
                "amount": _(
                    "The household owes %(most)s in all, up to a year ahead: the payment cannot be "
                    "larger."
                )
                % {"most": format_amount(error.most, household.mutual.currency)}
            }
        ) from None
    payment = Payment(
        mutual=household.mutual,
        household=household,
        method=method,
        reference=reference,
        amount=amount,
        received_on=received_on,
        recorded_by=by if by else None,
        note=note,
        receipt_number=receipt_number or receipt_number_next(household.mutual, received_on),
    )
    allocations = [
        Allocation(
            mutual=household.mutual, household=household, kind=kind, period_start=start, amount=part
        )
        for kind, start, part in parts
    ]
    save_payment(payment, allocations)
    audit_payment(by, payment)
    return payment


@transaction.atomic
def payer_payment_record(
    *,
    by: User | None,
    mutual: Organisation,
    payer: Payer,
    amount: int,
    method: str,
    received_on: datetime.date,
    reference: str = "",
    households: Iterable[Household | int] | None = None,
    periods: list[datetime.date] | None = None,
    receipt_number: str | None = None,
    note: str = "",
) -> Payment:
    """Records a third payer's payment (the State's share for a list of beneficiaries…) and
    reconciles it with what the payer owes: its share of each household's periods, oldest
    first, for the households and periods given (all by default)."""
    require_in_scope_as(by, PAYER_PAYMENT_RECORDERS, mutual, "mutual")
    if not pays_for(payer, mutual):
        raise ValidationError({"payer": _("This payer does not pay for this mutual's members.")})
    wanted = None if households is None else {getattr(h, "pk", h) for h in households}
    if wanted and Household.objects.filter(pk__in=wanted).exclude(mutual=mutual).exists():
        raise ValidationError(
            {"households": _("A household of another mutual cannot share in this payment.")}
        )
    reference = reference.strip()
    check_payment(
        by,
        mutual=mutual,
        amount=amount,
        method=method,
        reference=reference,
        received_on=received_on,
        receipt_number=receipt_number,
    )
    chosen = Household.objects.filter(mutual=mutual).select_related("package").order_by("pk")
    if wanted is not None:
        chosen = chosen.filter(pk__in=wanted)
    outstanding = []
    for account in accounts_of(chosen.select_for_update(), received_on).values():
        for due in account.dues:
            if periods is not None and due.period_start not in periods:
                continue
            owed = account.payer_outstanding(payer.pk, due.period_start)
            if owed:
                outstanding.append(((account.household, due.period_start), owed))
    outstanding.sort(key=lambda item: (item[0][1], item[0][0].pk))
    try:
        parts = allocate_payer_payment(amount, outstanding)
    except Overpayment as error:
        raise ValidationError(
            {
                "amount": _(
                    "%(payer)s owes %(most)s for these households and periods: the payment "
                    "cannot be larger."
                )
                % {"payer": payer.name, "most": format_amount(error.most, mutual.currency)}
            }
        ) from None
    payment = Payment(
        mutual=mutual,
        payer=payer,
        method=method,
        reference=reference,
        amount=amount,
        received_on=received_on,
        recorded_by=by if by else None,
        note=note,
        receipt_number=receipt_number or receipt_number_next(mutual, received_on),
    )
    allocations = [
        Allocation(
            mutual=mutual,
            household=household,
            kind=AllocationKind.PAYER_SHARE,
            payer=payer,
            period_start=start,
            amount=part,
        )
        for (household, start), part in parts
    ]
    save_payment(payment, allocations)
    audit_payment(by, payment)
    return payment


@transaction.atomic
def payment_reverse(
    *, by: User | None, payment: Payment, reason: str, on: datetime.date | None = None
) -> Payment:
    """Cancels or refunds a payment with a reversal: a payment of the opposite amount whose
    allocations mirror the original's. The original stays, as the books require."""
    require_in_scope_as(by, PAYMENT_REVERSERS, payment.mutual, "payment")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.reverses_id is not None:
        raise ValidationError({"payment": _("A reversal cannot itself be reversed.")})
    if payment.reversals.exists():
        raise ValidationError({"payment": _("This payment is already reversed.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    on = on or timezone.localdate()
    if on < payment.received_on:
        raise ValidationError({"on": _("A reversal cannot precede the payment.")})
    reversal = Payment(
        mutual=payment.mutual,
        household=payment.household,
        payer=payment.payer,
        method=payment.method,
        reference=payment.reference,
        amount=-payment.amount,
        received_on=on,
        recorded_by=by if by else None,
        note=reason.strip(),
        reverses=payment,
        receipt_number=receipt_number_next(payment.mutual, on),
    )
    allocations = [
        Allocation(
            mutual=cast(Organisation, a.mutual_id and payment.mutual),  # an id is never 0
            household_id=a.household_id,
            kind=a.kind,
            payer_id=a.payer_id,
            period_start=a.period_start,
            amount=-a.amount,
        )
        for a in payment.allocations.all()
    ]
    save_payment(reversal, allocations)
    audit_created(actor=by, obj=reversal)
    return reversal


@transaction.atomic
def receivables_recognise(
    *, by: User | None, mutual: Organisation, on: datetime.date | None = None
) -> list[Receivable]:
    """Recognises what the third payers owe the mutual for the periods begun by `on` (today by
    default) and not yet recognised: for each payer and period, the difference between its
    share as the rules compute it today and the sum of the rows recognised so far. A period's
    first row is dated its first day, when the share fell due, even if the daily job noticed it
    later; a change is dated the day it was noticed. Run again, it finds nothing to add."""
    require_in_scope_as(by, PAYER_PAYMENT_RECORDERS, mutual, "mutual")
    on = on or timezone.localdate()
    # the mutual's row queues two runs on PostgreSQL (SQLite's transactions queue already)
    mutual = Organisation.objects.select_for_update().get(pk=mutual.pk)
    recognised = {
        (row["payer_id"], row["period_start"]): row["amount"]
        for row in Receivable.objects.filter(mutual=mutual)
        .values("payer_id", "period_start")
        .annotate(amount=Sum("amount"))
    }
    shares = payer_shares(mutual, on)
    owed = {key: share.due for key, share in shares.items()}
    rows = [
        Receivable(
            mutual=mutual,
            payer_id=key[0],
            period_start=key[1],
            amount=difference,
            households=shares[key].households if key in shares else 0,
            # a period's first row is dated the day its share fell due
            recognised_on=key[1] if first else on,
        )
        for key, difference, first in still_to_recognise(owed, recognised)
    ]
    Receivable.objects.bulk_create(rows)
    payers = dict(
        Payer.objects.filter(pk__in={row.payer_id for row in rows}).values_list("pk", "uid")
    )
    append_all(mutual.pk, [receivable_from(row, payers[row.payer_id]) for row in rows], by)
    return rows


@transaction.atomic
def dues_recognise(
    *, by: User | None, mutual: Organisation, on: datetime.date | None = None
) -> list[Due]:
    """Recognises what the members owe the mutual for the periods begun by `on` (today by
    default) and not yet recognised: for each household and period, the difference between its
    member share as the rules compute it today (`queries.member_dues`: the period's contribution
    less the third payers' shares, which `receivables_recognise` recognises) and the sum of the
    rows recognised so far. A period's first row is dated the day it fell due (the period's
    first day, or the household's enrolment during it), even if the daily job noticed it later;
    a change is dated the day it was noticed, negative when the register lowers the share. Run
    again, it finds nothing to add. One read of the rows recognised and two of the register for
    the whole mutual, one bulk write: a national mutual's 100,000 households cost no query
    each."""
    require_in_scope_as(by, PAYER_PAYMENT_RECORDERS, mutual, "mutual")
    on = on or timezone.localdate()
    # the mutual's row queues two runs on PostgreSQL (SQLite's transactions queue already)
    mutual = Organisation.objects.select_for_update().get(pk=mutual.pk)
    recognised = {
        (row["household_id"], row["period_start"]): row["amount"]
        for row in Due.objects.filter(mutual=mutual)
        .values("household_id", "period_start")
        .annotate(amount=Sum("amount"))
    }
    dues = member_dues(mutual, on)
    owed = {key: due.amount for key, due in dues.items()}
    rows = [
        Due(
            mutual=mutual,
            household_id=key[0],
            period_start=key[1],
            amount=difference,
            recognised_on=dues[key].falls_due if first else on,
        )
        for key, difference, first in still_to_recognise(owed, recognised)
    ]
    Due.objects.bulk_create(rows, batch_size=2000)
    uids = {due.household_id: due.household_uid for due in dues.values()}
    # periods brought back to nothing (a member found indigent, a resignation back-dated): few
    gone = {row.household_id for row in rows if (row.household_id, row.period_start) not in dues}
    grids = household_grids(gone) if gone else {}
    uids.update({pk: uid for pk, (uid, _grid) in grids.items()})

    def period_end(row: Due) -> datetime.date:
        known = dues.get((row.household_id, row.period_start))
        if known is not None:
            return known.period_end
        grid = grids[row.household_id][1]
        assert grid is not None  # a share was recognised on the household's grid
        return grid.end(row.period_start)

    append_all(
        mutual.pk, [due_from(row, uids[row.household_id], period_end(row)) for row in rows], by
    )
    return rows
