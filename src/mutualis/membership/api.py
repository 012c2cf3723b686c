"""Register API: households and beneficiaries, found and named by their `uid`."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mutualis.benefits.queries import packages_available_to
from mutualis.core.api_access import api_access, scoped_get
from mutualis.federation.models import Organisation
from mutualis.membership import queries, services
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.views import REGISTER_READERS, REGISTER_WRITERS

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
    first_name: str
    last_name: str
    sex: str
    birth_date: datetime.date
    relationship: str = "child"
    birth_place: str = ""
    national_id: str = ""
    phone: str = ""
    category: str | None = None

    def person(self) -> dict:
        return {k: v for k, v in self.dict().items() if v not in (None, "")}


class HouseholdIn(Schema):
    mutual: uuid.UUID = Field(..., description="uid of the mutual")
    package: str = Field(..., description="code of the benefit package")
    enrolled_on: datetime.date
    head: PersonIn
    dependents: list[PersonIn] = []
    address: str = ""
    phone: str = ""
    acknowledge_duplicates: bool = False


def with_members(queryset):
    return queryset.select_related("mutual", "package").prefetch_related(
        Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("pk"))
    )


@router.get("/households", response=list[HouseholdOut])
@api_access(roles=REGISTER_READERS)
def household_list(request, q: str = ""):
    """Households in scope; with `q`, those with a member whose name, member number or phone
    starts with each word (accents and case ignored). At most 50."""
    if q:
        return queries.household_search(request.user, q)
    return list(with_members(queries.households_visible(request.user)).order_by("pk")[:50])


@router.get("/households/{uid}", response=HouseholdOut)
@api_access(roles=REGISTER_READERS, model=Household)
def household_read(request, uid: str):
    return scoped_get(with_members(Household.objects), request.user, uid=uid)


@router.post("/households", response={201: HouseholdOut})
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


@router.get("/beneficiaries/{uid}", response=BeneficiaryOut)
@api_access(roles=REGISTER_READERS, model=Beneficiary)
def beneficiary_read(request, uid: str):
    return scoped_get(Beneficiary.objects, request.user, uid=uid)
