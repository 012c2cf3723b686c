"""Register API: households and beneficiaries, found and named by their `uid`."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mutualis.benefits.choices import Category, Relationship
from mutualis.benefits.models import BenefitPackage
from mutualis.benefits.queries import packages_available_to
from mutualis.core.api_access import api_access, scoped_get
from mutualis.core.api_types import (
    BirthDate,
    CareDate,
    SearchWords,
    answers,
    idempotent_write,
    text_of,
)
from mutualis.federation.models import Organisation
from mutualis.federation.rules import REGISTER_READERS, REGISTER_WRITERS
from mutualis.membership import queries, services
from mutualis.membership.models import Beneficiary, Household, Sex

router = Router(tags=["register"])


class BeneficiaryOut(Schema):
    uid: uuid.UUID
    member_number: str
    relationship: str
    first_name: str
    last_name: str
    sex: str
    birth_date: datetime.date
    category: str
    phone: str
    enrolled_on: datetime.date
    left_on: datetime.date | None


class HouseholdOut(Schema):
    uid: uuid.UUID
    number: int
    mutual: uuid.UUID = Field(..., alias="mutual.uid")
    package: str = Field(..., alias="package.code")
    enrolled_on: datetime.date
    resigned_on: datetime.date | None
    address: str
    phone: str
    beneficiaries: list[BeneficiaryOut]


class PersonIn(Schema):
    first_name: text_of(Beneficiary, "first_name")
    last_name: text_of(Beneficiary, "last_name")
    sex: Sex
    birth_date: BirthDate
    relationship: Relationship = Relationship.CHILD
    birth_place: text_of(Beneficiary, "birth_place") = ""
    national_id: text_of(Beneficiary, "national_id") = ""
    phone: text_of(Beneficiary, "phone") = ""
    category: Category | None = None

    def person(self) -> dict:
        return {k: v for k, v in self.dict().items() if v not in (None, "")}


class HouseholdIn(Schema):
    mutual: uuid.UUID = Field(..., description="uid of the mutual")
    package: text_of(BenefitPackage, "code") = Field(..., description="code of the benefit package")
    enrolled_on: CareDate
    head: PersonIn
    dependents: list[PersonIn] = []
    address: text_of(Household, "address") = ""
    phone: text_of(Household, "phone") = ""
    acknowledge_duplicates: bool = False


def with_members(queryset):
    return queryset.select_related("mutual", "package").prefetch_related(
        Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("pk"))
    )


@router.get("/households", response=answers({200: list[HouseholdOut]}))
@api_access(roles=REGISTER_READERS)
def household_list(request, q: SearchWords = ""):
    """Households in scope; with `q`, those with a member whose name, member number or phone
    starts with each word (accents and case ignored). At most 50."""
    if q:
        return queries.household_search(request.user, q)
    return list(with_members(queries.households_visible(request.user)).order_by("pk")[:50])


@router.get("/households/{uid}", response=answers({200: HouseholdOut}, 404))
@api_access(roles=REGISTER_READERS, model=Household)
def household_read(request, uid: uuid.UUID):
    return scoped_get(with_members(Household.objects), request.user, uid=uid)


@router.post(
    "/households",
    response=answers({201: HouseholdOut}, 404, 409, 413, 422, 503),
    openapi_extra=idempotent_write(),
)
@api_access(roles=REGISTER_WRITERS, writes=True)
def household_create(request, data: HouseholdIn):
    """Enrols a household. Possible duplicates in the union are refused (400) unless
    `acknowledge_duplicates` is true."""
    mutual = scoped_get(Organisation.objects, request.user, uid=data.mutual, kind="mutual")
    package = packages_available_to(mutual).filter(code=data.package).first()
    if package is None:
        raise ValidationError({"package": _("The mutual offers no package with this code.")})
    household = services.household_enrol(
        by=request.user,
        mutual=mutual,
        package=package,
        enrolled_on=data.enrolled_on,
        head=data.head.person(),
        dependents=[d.person() for d in data.dependents],
        address=data.address,
        phone=data.phone,
        acknowledge_duplicates=data.acknowledge_duplicates,
    )
    return Status(201, with_members(Household.objects).get(pk=household.pk))


@router.get("/beneficiaries/{uid}", response=answers({200: BeneficiaryOut}, 404))
@api_access(roles=REGISTER_READERS, model=Beneficiary)
def beneficiary_read(request, uid: uuid.UUID):
    return scoped_get(Beneficiary.objects, request.user, uid=uid)
