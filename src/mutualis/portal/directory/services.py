"""Changes to the directory (issue 16 item 2, docs/directory.md), its only writers. The portal
editors whose scope holds an entry's keeper add, change and retire organisations and people,
and keep the national committees and their seats; a person linked to a user account chooses,
as the editors may, which of their own fields only members read. Every change is checked before
anything is written (the field and the rule are named), then written, audited and told in the
keeper's event log in one transaction. Nothing is deleted: an entry is retired, a seat ended."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core import events as log
from mutualis.core.audit import (
    audit_created,
    audit_updated,
    snapshot,
)
from mutualis.federation.models import Organisation, User
from mutualis.federation.services import require_in_scope, require_in_scope_as
from mutualis.portal.directory import events
from mutualis.portal.directory.models import Committee, Institution, Person, Seat
from mutualis.portal.directory.rules import (
    EDITORS,
    INSTITUTION_CHOOSABLE,
    INSTITUTION_DEFAULT,
    PERSON_CHOOSABLE,
    PERSON_DEFAULT,
    countries_error,
    country_error,
    email_error,
    languages_error,
    members_only_error,
    phone_error,
    seat_error,
    website_error,
)

INSTITUTION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "membership",
    "country",
    "other_countries",
    "city",
    "address",
    "phone",
    "email",
    "website",
    "description_fr",
    "description_en",
    "organisation",
    "members_only",
)
PERSON_FIELDS = (
    "name",
    "title",
    "institution",
    "country",
    "phone",
    "email",
    "languages",
    "expertise",
    "user",
    "members_only",
)
# the links to other rows, which the services check themselves
LINKS = ["owner", "retired_by", "organisation", "institution", "user"]


def refuse(errors: dict[str, str | None]) -> None:
    found = {name: [message] for name, message in errors.items() if message}
    if found:
        raise ValidationError(found)


def assign(row: models.Model, values: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError({"__all__": [_("Unknown fields: %s.") % ", ".join(sorted(unknown))]})
    for name, value in values.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)


def validate(row: models.Model, errors: dict[str, str | None]) -> None:
    """The rules' errors and the model's own (a required name, a length, a control character,
    a kind not in the list), together, so that a form shows every mistake at once."""
    found = {name: [message] for name, message in errors.items() if message}
    try:
        row.full_clean(exclude=[*LINKS, "uid"], validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            found.setdefault(name, []).extend(messages)
    if found:
        raise ValidationError(found)


def linked_before(row: Institution | Person, field: str) -> int | None:
    """The row's link as it is saved: a link kept as it was is not checked again (an editor
    changes an entry that the system linked to an account outside their scope)."""
    if row.pk is None:
        return None
    saved: int | None = (
        type(row).objects.filter(pk=row.pk).values_list(f"{field}_id", flat=True).first()
    )
    return saved


def check_institution(by: User | None, row: Institution) -> None:
    row.other_countries = " ".join(row.other_countries.upper().split())
    row.country = row.country.upper()
    if row.organisation is not None and row.organisation_id != linked_before(row, "organisation"):
        require_in_scope(by, row.organisation, "organisation")
    validate(
        row,
        {
            "country": country_error(row.country),
            "other_countries": countries_error(row.other_countries.split()),
            "phone": phone_error(row.phone),
            "email": email_error(row.email),
            "website": website_error(row.website),
            "members_only": members_only_error(row.members_only, INSTITUTION_CHOOSABLE),
        },
    )


def check_person(by: User | None, row: Person) -> None:
    row.country = row.country.upper()
    row.languages = " ".join(row.languages.lower().split())
    errors: dict[str, str | None] = {
        "country": country_error(row.country),
        "phone": phone_error(row.phone),
        "email": email_error(row.email),
        "languages": languages_error(row.languages.split()),
        "members_only": members_only_error(row.members_only, PERSON_CHOOSABLE),
    }
    if row.institution is not None and row.institution.is_retired:
        errors["institution"] = _("This organisation is retired from the directory.")
    if row.user is not None and row.user_id != linked_before(row, "user"):
        require_in_scope(by, row.user.organisation, "user")
        taken = Person.objects.filter(user=row.user).exclude(pk=row.pk).first()
        if taken is not None:
            errors["user"] = _("This user account is already linked to %(name)s.") % {
                "name": taken.name
            }
    validate(row, errors)


def audited(by: User | None, row: models.Model, before: Any) -> None:
    audit_updated(actor=by, obj=row, before=before)


@transaction.atomic
def institution_create(
    *, by: User | None, owner: Organisation, values: Mapping[str, Any]
) -> Institution:
    """An organisation added to the directory by a portal editor, kept by their organisation
    (or one in their scope). Its address, phone and e-mail are members-only until chosen."""
    require_in_scope_as(by, EDITORS, owner, "owner")
    row = Institution(owner=owner, members_only=list(INSTITUTION_DEFAULT))
    assign(row, values, INSTITUTION_FIELDS)
    check_institution(by, row)
    row.save()
    audit_created(actor=by, obj=row)
    log.append(owner.pk, events.institution(events.INSTITUTION_CREATED, row), actor=by)
    return row


@transaction.atomic
def institution_update(
    *, by: User | None, institution: Institution, values: Mapping[str, Any]
) -> Institution:
    require_in_scope_as(by, EDITORS, institution.owner, "institution")
    before = snapshot(institution)
    assign(institution, values, INSTITUTION_FIELDS)
    check_institution(by, institution)
    institution.save()
    audited(by, institution, before)
    log.append(
        institution.owner_id, events.institution(events.INSTITUTION_CHANGED, institution), actor=by
    )
    return institution


@transaction.atomic
def institution_retire(*, by: User | None, institution: Institution) -> Institution:
    """An organisation leaves the directory: kept, with who retired it and when, no longer
    listed nor shown to the public."""
    require_in_scope_as(by, EDITORS, institution.owner, "institution")
    if institution.is_retired:
        raise ValidationError({"institution": _("This organisation is already retired.")})
    before = snapshot(institution)
    institution.retired_at, institution.retired_by = timezone.now(), by
    institution.save(update_fields=["retired_at", "retired_by"])
    audited(by, institution, before)
    log.append(
        institution.owner_id, events.institution(events.INSTITUTION_RETIRED, institution), actor=by
    )
    return institution


@transaction.atomic
def person_create(*, by: User | None, owner: Organisation, values: Mapping[str, Any]) -> Person:
    """A person added to the directory by a portal editor. Their phone and e-mail are
    members-only until they or an editor choose otherwise."""
    require_in_scope_as(by, EDITORS, owner, "owner")
    row = Person(owner=owner, members_only=list(PERSON_DEFAULT))
    assign(row, values, PERSON_FIELDS)
    check_person(by, row)
    row.save()
    audit_created(actor=by, obj=row)
    log.append(owner.pk, events.person(events.PERSON_CREATED, row), actor=by)
    return row


@transaction.atomic
def person_update(*, by: User | None, person: Person, values: Mapping[str, Any]) -> Person:
    require_in_scope_as(by, EDITORS, person.owner, "person")
    before = snapshot(person)
    assign(person, values, PERSON_FIELDS)
    check_person(by, person)
    person.save()
    audited(by, person, before)
    log.append(person.owner_id, events.person(events.PERSON_CHANGED, person), actor=by)
    return person


@transaction.atomic
def person_visibility_set(*, by: User | None, person: Person, members_only: list[str]) -> Person:
    """Which of a person's fields only members read: chosen by the person themself (their
    entry linked to their account), or by a portal editor whose scope holds its keeper."""
    if by is None or person.user_id is None or person.user_id != by.pk:
        require_in_scope_as(by, EDITORS, person.owner, "person")
    refuse({"members_only": members_only_error(members_only, PERSON_CHOOSABLE)})
    before = snapshot(person)
    person.members_only = sorted(set(members_only))
    person.save(update_fields=["members_only"])
    audited(by, person, before)
    log.append(person.owner_id, events.person(events.PERSON_CHANGED, person), actor=by)
    return person


@transaction.atomic
def person_retire(*, by: User | None, person: Person) -> Person:
    """A person leaves the directory: kept, no longer listed; their seats in the committees
    end with it."""
    require_in_scope_as(by, EDITORS, person.owner, "person")
    if person.is_retired:
        raise ValidationError({"person": _("This person is already retired.")})
    before = snapshot(person)
    person.retired_at, person.retired_by = timezone.now(), by
    person.save(update_fields=["retired_at", "retired_by"])
    audited(by, person, before)
    log.append(person.owner_id, events.person(events.PERSON_RETIRED, person), actor=by)
    for seat in person.seats.filter(ended_at=None).select_related("committee"):
        end(by, seat)
    return person


@transaction.atomic
def committee_create(*, by: User | None, owner: Organisation, country: str, name: str) -> Committee:
    """A country's national committee (one a country), kept by an editor's organisation."""
    require_in_scope_as(by, EDITORS, owner, "owner")
    row = Committee(owner=owner, country=country.upper().strip(), name=name.strip())
    errors = {"country": country_error(row.country)}
    if Committee.objects.filter(country=row.country).exists():
        errors["country"] = _("This country has a national committee already.")
    validate(row, errors)
    row.save()
    audit_created(actor=by, obj=row)
    log.append(owner.pk, events.committee(events.COMMITTEE_CREATED, row), actor=by)
    return row


@transaction.atomic
def committee_update(*, by: User | None, committee: Committee, name: str) -> Committee:
    require_in_scope_as(by, EDITORS, committee.owner, "committee")
    before = snapshot(committee)
    committee.name = name.strip()
    validate(committee, {})
    committee.save()
    audited(by, committee, before)
    log.append(committee.owner_id, events.committee(events.COMMITTEE_CHANGED, committee), by)
    return committee


@transaction.atomic
def seat_take(*, by: User | None, committee: Committee, person: Person, role: str) -> Seat:
    """A person takes a seat in their country's national committee, with a role."""
    require_in_scope_as(by, EDITORS, committee.owner, "committee")
    errors = {"person": seat_error(committee.country, person.country)}
    if person.is_retired:
        errors["person"] = _("This person is retired from the directory.")
    elif committee.seats.filter(person=person, ended_at=None).exists():
        errors["person"] = _("This person sits in the committee already.")
    row = Seat(committee=committee, person=person, role=role)
    validate(row, errors)
    row.save()
    audit_created(actor=by, obj=row)
    log.append(committee.owner_id, events.seat(events.SEAT_TAKEN, row), actor=by)
    return row


def end(by: User | None, seat: Seat) -> None:
    before = snapshot(seat)
    seat.ended_at = timezone.now()
    seat.save(update_fields=["ended_at"])
    audited(by, seat, before)
    log.append(seat.committee.owner_id, events.seat(events.SEAT_ENDED, seat), actor=by)


@transaction.atomic
def seat_end(*, by: User | None, seat: Seat) -> Seat:
    """A person leaves the committee: the seat is kept, with the day it ended."""
    require_in_scope_as(by, EDITORS, seat.committee.owner, "seat")
    if seat.ended_at is not None:
        raise ValidationError({"seat": _("This seat has ended already.")})
    end(by, seat)
    return seat
