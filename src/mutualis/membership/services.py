"""The only writers of the register (domain-rules.md §2): enrolment, changes, departures,
resignations. Each validates, writes and records the audit trail in one transaction; bad input
raises ValidationError naming the field (`head.birth_date`, `dependents.1.relationship`…)
and nothing is saved."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.benefits.choices import Relationship
from mutualis.benefits.models import BenefitPackage, PackageVersion
from mutualis.benefits.queries import packages_available_to
from mutualis.core.audit import (
    audit_created,
    audit_record,
    audit_updated,
    changes_between,
    snapshot,
)
from mutualis.core.bounds import check_birth_date, check_query_date
from mutualis.core.events import append
from mutualis.core.formats import format_date
from mutualis.core.identifiers import member_number
from mutualis.core.models import AuditEntry
from mutualis.core.numbering import series_take
from mutualis.federation.models import Location, Organisation, User
from mutualis.federation.rules import REGISTER_WRITERS, Kind
from mutualis.federation.services import require_in_scope_as
from mutualis.membership import events
from mutualis.membership.models import Beneficiary, Household, SearchToken
from mutualis.membership.rules import (
    default_category,
    dependent_errors,
    duplicate_key,
    search_tokens,
)
from mutualis.membership.signals import households_changed

PERSON_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "sex",
        "birth_date",
        "birth_place",
        "national_id",
        "phone",
        "relationship",
        "category",
        "photo",
    }
)


class PossibleDuplicates(ValidationError):
    """People already registered in the mutual's union with the same names, sex and birth
    date. The agent checks them and saves again with `acknowledge_duplicates=True`."""

    def __init__(self, matches: list[Beneficiary]):
        self.matches = matches
        names = "; ".join(
            f"{b.first_name} {b.last_name} ({b.member_number}, {b.mutual.name})" for b in matches
        )
        super().__init__(
            _("Possible duplicate of people already registered: %(names)s.") % {"names": names},
            code="possible_duplicate",
        )


def version_on(package: BenefitPackage, day: datetime.date) -> PackageVersion | None:
    return package.versions.filter(valid_from__lte=day).order_by("-valid_from").first()


def union_of(mutual: Organisation) -> Organisation:
    """The union whose mutuals are searched for duplicates: the mutual's parent."""
    return mutual.parent or mutual


def possible_duplicates(
    mutual: Organisation, people: Sequence[Mapping[str, Any]], exclude: Sequence[int] = ()
) -> list[Beneficiary]:
    keys = [
        duplicate_key(
            first_name=p["first_name"],
            last_name=p["last_name"],
            sex=p["sex"],
            birth_date=p["birth_date"],
        )
        for p in people
    ]
    return list(
        Beneficiary.objects.filter(
            duplicate_key__in=keys, mutual__path__startswith=union_of(mutual).path
        )
        .exclude(pk__in=exclude)
        .select_related("mutual")[:20]
    )


def person_errors(person: Mapping[str, Any], prefix: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for required in ("first_name", "last_name", "sex", "birth_date", "relationship"):
        if not person.get(required):
            errors[f"{prefix}{required}"] = [_("This field is required.")]
    unknown = set(person) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"not a person field: {', '.join(sorted(unknown))}")
    return errors


def check_people(
    *,
    version: PackageVersion,
    enrolled_on: datetime.date,
    existing: Sequence[str],
    people: Sequence[tuple[str, Mapping[str, Any]]],
) -> None:
    """Checks each (prefix, person) joining a household whose members have the relationships
    `existing`, in order, against the package's family rules."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    members = list(existing)
    for prefix, person in people:
        missing = person_errors(person, prefix)
        if missing:
            errors.update(missing)
            continue
        problems = dependent_errors(
            relationship=person["relationship"],
            birth_date=person["birth_date"],
            enrolled_on=enrolled_on,
            today=today,
            child_age_limit=version.child_age_limit,
            spouses_allowed=version.spouses_allowed,
            other_dependents_allowed=version.other_dependents_allowed,
            max_household_size=version.max_household_size,
            household=members,
        )
        for field, message in problems.items():
            errors.setdefault(f"{prefix}{field}", []).append(message)
        members.append(person["relationship"])
    if errors:
        raise ValidationError(errors)


def beneficiary_build(
    *, household: Household, person: Mapping[str, Any], number: int, enrolled_on: datetime.date
) -> Beneficiary:
    data = dict(person)
    data.setdefault("category", default_category(data["birth_date"], enrolled_on))
    beneficiary = Beneficiary(
        mutual=household.mutual,
        household=household,
        enrolled_on=enrolled_on,
        member_number=member_number(household.mutual.code, number),
        **data,
    )
    beneficiary.duplicate_key = duplicate_key(
        first_name=beneficiary.first_name,
        last_name=beneficiary.last_name,
        sex=beneficiary.sex,
        birth_date=beneficiary.birth_date,
    )
    return beneficiary


def search_index(beneficiaries: Sequence[Beneficiary]) -> None:
    """(Re)writes the search words of beneficiaries."""
    SearchToken.objects.filter(beneficiary__in=[b.pk for b in beneficiaries]).delete()
    SearchToken.objects.bulk_create(
        SearchToken(mutual_id=b.mutual_id, beneficiary=b, token=token)
        for b in beneficiaries
        for token in sorted(
            search_tokens(
                first_name=b.first_name,
                last_name=b.last_name,
                member_number=b.member_number,
                phone=b.phone,
                household_number=b.household.number,
            )
        )
    )


def check_enrolment_date(enrolled_on: datetime.date, field: str) -> None:
    if enrolled_on > timezone.localdate():
        raise ValidationError({field: _("The enrolment date cannot be in the future.")})
    try:
        check_query_date(enrolled_on)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@transaction.atomic
def household_enrol(
    *,
    by: User | None,
    mutual: Organisation,
    package: BenefitPackage,
    enrolled_on: datetime.date,
    head: Mapping[str, Any],
    dependents: Sequence[Mapping[str, Any]] = (),
    address: str = "",
    phone: str = "",
    location: Location | None = None,
    acknowledge_duplicates: bool = False,
) -> Household:
    """Enrols a household: its head (adhérent) and dependents, in a package of the mutual or
    of its unions, with member numbers that check themselves (core.identifiers)."""
    require_in_scope_as(by, REGISTER_WRITERS, mutual, "mutual")
    if mutual.kind != Kind.MUTUAL:
        raise ValidationError({"mutual": _("Households are enrolled in a mutual.")})
    check_enrolment_date(enrolled_on, "enrolled_on")
    if not packages_available_to(mutual).filter(pk=package.pk).exists():
        raise ValidationError({"package": _("This package is not offered by the mutual.")})
    version = version_on(package, enrolled_on)
    if version is None:
        raise ValidationError(
            {
                "package": _("The package has no version in force on %(date)s.")
                % {"date": format_date(enrolled_on)}
            }
        )
    head = {**head, "relationship": Relationship.HEAD}
    people = [("head.", head)] + [(f"dependents.{i}.", p) for i, p in enumerate(dependents)]
    check_people(version=version, enrolled_on=enrolled_on, existing=[], people=people)
    if not acknowledge_duplicates:
        matches = possible_duplicates(mutual, [person for _prefix, person in people])
        if matches:
            raise PossibleDuplicates(matches)
    household = Household(
        mutual=mutual,
        package=package,
        enrolled_on=enrolled_on,
        address=address,
        phone=phone,
        location=location,
        number=series_take(mutual.pk, "household"),
    )
    household.full_clean(validate_constraints=False)
    household.save()
    first = series_take(mutual.pk, "member", len(people))
    beneficiaries = [
        beneficiary_build(
            household=household, person=person, number=first + index, enrolled_on=enrolled_on
        )
        for index, (_prefix, person) in enumerate(people)
    ]
    for beneficiary in beneficiaries:
        beneficiary.save()
    search_index(beneficiaries)
    audit_created(actor=by, obj=household)
    for beneficiary in beneficiaries:
        audit_created(actor=by, obj=beneficiary)
    append(mutual.pk, events.enrolled(household, str(household.package.uid), beneficiaries), by)
    households_changed.send(sender=Household, household_ids=[household.pk])
    return household


@transaction.atomic
def beneficiary_add(
    *,
    by: User | None,
    household: Household,
    person: Mapping[str, Any],
    enrolled_on: datetime.date | None = None,
    acknowledge_duplicates: bool = False,
) -> Beneficiary:
    """Adds a dependent to a household (a newborn, a spouse…)."""
    require_in_scope_as(by, REGISTER_WRITERS, household.mutual, "household")
    enrolled_on = enrolled_on or timezone.localdate()
    check_enrolment_date(enrolled_on, "enrolled_on")
    if household.resigned_on is not None:
        raise ValidationError(
            {
                "household": _("The household resigned on %(date)s.")
                % {"date": format_date(household.resigned_on)}
            }
        )
    version = version_on(household.package, enrolled_on)
    if version is None:
        raise ValidationError({"enrolled_on": _("The package has no version in force then.")})
    existing = list(
        household.beneficiaries.filter(left_on__isnull=True).values_list("relationship", flat=True)
    )
    check_people(version=version, enrolled_on=enrolled_on, existing=existing, people=[("", person)])
    if not acknowledge_duplicates:
        matches = possible_duplicates(household.mutual, [person])
        if matches:
            raise PossibleDuplicates(matches)
    number = series_take(household.mutual_id, "member")
    beneficiary = beneficiary_build(
        household=household,
        person=person,
        number=number,
        enrolled_on=max(enrolled_on, household.enrolled_on),
    )
    beneficiary.save()
    search_index([beneficiary])
    audit_created(actor=by, obj=beneficiary)
    append(household.mutual_id, events.added(beneficiary, str(household.uid)), by)
    households_changed.send(sender=Household, household_ids=[household.pk])
    return beneficiary


@transaction.atomic
def beneficiary_update(*, by: User | None, beneficiary: Beneficiary, **fields: Any) -> None:
    """Corrects a beneficiary's details; the member number and the household never change."""
    unknown = set(fields) - (PERSON_FIELDS - {"relationship"})
    if unknown:
        raise TypeError(f"not an editable field: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, REGISTER_WRITERS, beneficiary.mutual, "beneficiary")
    before = snapshot(beneficiary)
    for name, value in fields.items():
        setattr(beneficiary, name, value)
    errors = person_errors(
        {
            **fields,
            "relationship": beneficiary.relationship,
            **{
                f: getattr(beneficiary, f) for f in ("first_name", "last_name", "sex", "birth_date")
            },
        },
        "",
    )
    if beneficiary.birth_date:
        try:
            check_birth_date(beneficiary.birth_date)
        except ValidationError as error:
            errors.setdefault("birth_date", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    beneficiary.duplicate_key = duplicate_key(
        first_name=beneficiary.first_name,
        last_name=beneficiary.last_name,
        sex=beneficiary.sex,
        birth_date=beneficiary.birth_date,
    )
    beneficiary.full_clean(validate_constraints=False)
    beneficiary.save()
    search_index([beneficiary])
    changes = changes_between(before, snapshot(beneficiary))
    if changes:
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, obj=beneficiary, changes=changes)
        append(beneficiary.mutual_id, events.changed(beneficiary, changes), by)
        households_changed.send(sender=Household, household_ids=[beneficiary.household_id])


@transaction.atomic
def beneficiary_leave(*, by: User | None, beneficiary: Beneficiary, on: datetime.date) -> None:
    """Records that a dependent left the household (death, marriage, moved away); the head
    leaves only with the whole household (resignation)."""
    require_in_scope_as(by, REGISTER_WRITERS, beneficiary.mutual, "beneficiary")
    if beneficiary.is_head:
        raise ValidationError(
            {"relationship": _("The head of household leaves only when the household resigns.")}
        )
    if on < beneficiary.enrolled_on:
        raise ValidationError({"left_on": _("The date is before the enrolment.")})
    before = snapshot(beneficiary)
    beneficiary.left_on = on
    beneficiary.save(update_fields=["left_on"])
    audit_updated(actor=by, obj=beneficiary, before=before)
    append(beneficiary.mutual_id, events.left(beneficiary), by)
    households_changed.send(sender=Household, household_ids=[beneficiary.household_id])


@transaction.atomic
def household_resign(
    *, by: User | None, household: Household, on: datetime.date, reason: str = ""
) -> None:
    """Records a household's resignation from the mutual; cover ends that day."""
    require_in_scope_as(by, REGISTER_WRITERS, household.mutual, "household")
    if household.resigned_on is not None:
        raise ValidationError(
            {
                "resigned_on": _("The household already resigned on %(date)s.")
                % {"date": format_date(household.resigned_on)}
            }
        )
    if on < household.enrolled_on:
        raise ValidationError({"resigned_on": _("The date is before the enrolment.")})
    before = snapshot(household)
    household.resigned_on = on
    household.resignation_reason = reason
    household.save(update_fields=["resigned_on", "resignation_reason"])
    audit_updated(actor=by, obj=household, before=before)
    append(household.mutual_id, events.resigned(household), by)
    households_changed.send(sender=Household, household_ids=[household.pk])
