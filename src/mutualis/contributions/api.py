"""Contributions API: coverage at a date, a household's account, payments."""

import datetime
import uuid

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from mutualis.benefits.choices import ServiceCategory
from mutualis.contributions import queries, services
from mutualis.contributions.models import Method, Payment
from mutualis.contributions.views import CASHIERS
from mutualis.core.api_access import api_access, scoped_get
from mutualis.core.api_types import (
    Amount,
    CareDate,
    QueryDate,
    answers,
    idempotent_write,
    text_of,
)
from mutualis.federation.rules import REGISTER_READERS
from mutualis.membership.models import Beneficiary, Household

router = Router(tags=["contributions"])


class ReasonOut(Schema):
    code: str
    date: datetime.date | None
    message: str


class CoverageOut(Schema):
    member_number: str
    on: datetime.date
    service: str | None
    covered: bool
    reasons: list[ReasonOut]
    covered_until: datetime.date | None
    grace_until: datetime.date | None


class PeriodOut(Schema):
    period_start: datetime.date
    member_share: int
    third_payers: int
    member_outstanding: int


class AccountOut(Schema):
    household: uuid.UUID
    on: datetime.date
    registration_fee: int
    registration_fee_outstanding: int
    arrears: int
    covered_from: datetime.date | None
    periods: list[PeriodOut]


class AllocationOut(Schema):
    kind: str
    period_start: datetime.date | None
    amount: int


class PaymentOut(Schema):
    uid: uuid.UUID
    receipt_number: str
    household: uuid.UUID | None = Field(None, alias="household.uid")
    method: str
    reference: str
    amount: int
    received_on: datetime.date
    reverses: uuid.UUID | None = Field(None, alias="reverses.uid")
    allocations: list[AllocationOut]


class PaymentIn(Schema):
    amount: Amount
    method: Method
    received_on: CareDate
    reference: text_of(Payment, "reference") = ""
    receipt_number: text_of(Payment, "receipt_number") | None = None
    note: text_of(Payment, "note") = ""


@router.get("/beneficiaries/{uid}/coverage", response=answers({200: CoverageOut}, 404))
@api_access(roles=REGISTER_READERS, model=Beneficiary)
def coverage(
    request, uid: uuid.UUID, on: QueryDate | None = None, service: ServiceCategory | None = None
):
    """Whether the beneficiary is covered on a date (today by default) for a service category
    (any by default), with every reason when not."""
    beneficiary = scoped_get(Beneficiary.objects.only("pk", "member_number"), request.user, uid=uid)
    on = on or timezone.localdate()
    result = queries.coverage_by_id(beneficiary.pk, on, service)
    return {
        "member_number": beneficiary.member_number,
        "on": on,
        "service": service,
        "covered": result.covered,
        "covered_until": result.covered_until,
        "grace_until": result.grace_until,
        "reasons": [{"code": b.reason, "date": b.date, "message": str(b)} for b in result.reasons],
    }


@router.get("/households/{uid}/account", response=answers({200: AccountOut}, 404))
@api_access(roles=REGISTER_READERS, model=Household)
def account(request, uid: uuid.UUID, on: QueryDate | None = None):
    """What the household owed and paid, period by period, and its arrears on a date."""
    household = scoped_get(Household.objects.select_related("package"), request.user, uid=uid)
    result = queries.household_account(household, on)
    return {
        "household": household.uid,
        "on": result.on,
        "registration_fee": result.registration_fee,
        "registration_fee_outstanding": result.fee_outstanding,
        "arrears": result.arrears,
        "covered_from": result.covered_from,
        "periods": [
            {
                "period_start": d.period_start,
                "member_share": d.member,
                "third_payers": d.total - d.member,
                "member_outstanding": result.member_outstanding(d.period_start),
            }
            for d in result.dues
        ],
    }


@router.get("/households/{uid}/payments", response=answers({200: list[PaymentOut]}, 404))
@api_access(roles=REGISTER_READERS, model=Household)
def payment_list(request, uid: uuid.UUID):
    household = scoped_get(Household.objects, request.user, uid=uid)
    return (
        household.payments.select_related("household", "reverses")
        .prefetch_related("allocations")
        .order_by("-received_on", "-pk")
    )


@router.post(
    "/households/{uid}/payments",
    response=answers({201: PaymentOut}, 404, 409, 413, 422, 503),
    openapi_extra=idempotent_write(),
)
@api_access(roles=CASHIERS, model=Household, writes=True)
def payment_create(request, uid: uuid.UUID, data: PaymentIn):
    """Records a member's payment; the same transaction reference is recorded once (400)."""
    household = scoped_get(
        Household.objects.select_related("package", "mutual"), request.user, uid=uid
    )
    payment = services.payment_record(by=request.user, household=household, **data.dict())
    saved = Payment.objects.select_related("household").prefetch_related("allocations")
    return Status(201, saved.get(pk=payment.pk))


@router.get("/payments/{uid}", response=answers({200: PaymentOut}, 404))
@api_access(roles=REGISTER_READERS, model=Payment)
def payment_read(request, uid: uuid.UUID):
    return scoped_get(
        Payment.objects.select_related("household", "reverses").prefetch_related("allocations"),
        request.user,
        uid=uid,
    )
