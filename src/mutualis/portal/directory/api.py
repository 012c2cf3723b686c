"""The directory's API (docs/directory.md): its organisations, people, national committees and
focal points, with the search and filters of its pages. Like every route of /api/ it answers
signed-in programs (an API key or a session): a program reads what a member reads. The
cards come from directory.queries, which drop the fields a reader may not see: a field is
null when it is for members only and the reader is not one."""

import uuid
from typing import Annotated, Any

from ninja import Query, Router, Schema
from pydantic import StringConstraints

from mutualis.core.api_access import api_access
from mutualis.core.api_types import answers
from mutualis.portal.directory import queries
from mutualis.portal.directory.choices import Kind, Membership

router = Router(tags=["directory"])

Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Words = Annotated[str, StringConstraints(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]


class DirectoryFilter(Schema):
    q: Words = ""
    country: Country | None = None
    kind: Kind | None = None
    membership: Membership | None = None


class OrganisationOut(Schema):
    uid: uuid.UUID
    name: str
    acronym: str
    kind: Kind
    membership: Membership
    countries: list[str]
    description_fr: str
    description_en: str
    # null: members only, and the reader is not one
    city: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None


class PersonOut(Schema):
    uid: uuid.UUID
    name: str
    country: str
    title: str | None = None
    organisation: uuid.UUID | None = None
    phone: str | None = None
    email: str | None = None
    languages: list[str] | None = None
    expertise: str | None = None


class SeatOut(Schema):
    person: uuid.UUID
    name: str
    role: str


class CommitteeOut(Schema):
    uid: uuid.UUID
    country: str
    name: str
    members: list[SeatOut]


class FocalPointOut(Schema):
    country: str
    name: str
    organisation: str
    person: uuid.UUID | None
    email: str | None = None


def filters(given: DirectoryFilter) -> queries.Filters:
    return queries.Filters(
        q=given.q,
        country=given.country or "",
        kind=given.kind or "",
        membership=given.membership or "",
    )


@router.get("/directory/organisations", response=answers({200: list[OrganisationOut]}))
@api_access()
def directory_organisations(request, given: Query[DirectoryFilter]):
    """The organisations of the directory that answer the search, by name."""
    return [OrganisationOut(**card) for card in queries.institutions(filters(given), request.user)]


def person_out(card: dict[str, Any]) -> PersonOut:
    found = card.get("institution")
    return PersonOut(**{**card, "organisation": found.uid if found is not None else None})


@router.get("/directory/people", response=answers({200: list[PersonOut]}))
@api_access()
def directory_people(request, given: Query[DirectoryFilter]):
    """The people of the directory that answer the search, by name."""
    return [person_out(card) for card in queries.people(filters(given), request.user)]


@router.get("/directory/committees", response=answers({200: list[CommitteeOut]}))
@api_access()
def directory_committees(request):
    """The national committees, by country, with their sitting members, the chair first."""
    return [
        CommitteeOut(
            uid=c.uid,
            country=c.country,
            name=c.name,
            members=[
                SeatOut(person=s.person.uid, name=s.person.name, role=s.role)
                for s in c.sitting  # queries.committees
            ],
        )
        for c in queries.committees()
    ]


@router.get("/directory/focal-points", response=answers({200: list[FocalPointOut]}))
@api_access()
def directory_focal_points(request):
    """The countries' focal points, as the inventory designates them."""
    return [
        FocalPointOut(**{**p, "person": p["person"].uid if p["person"] else None})
        for p in queries.focal_points(request.user)
    ]
