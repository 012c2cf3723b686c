"""Reads of the FHIR API, inside the caller's scope (core.access.scoped).

The eligibility check runs hundreds of times a second at a national union's server: its reads
are compiled once and run as plain indexed reads (as contributions.queries.coverage_by_id does),
since building ORM queries would cost more than the reads themselves."""

import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection

from mutualis.core.access import scoped
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Provider

# Stands for the value a compiled read is asked about (see `compiled`).
ASKED = "\x1fasked\x1f"


@dataclass(frozen=True)
class Scope:
    """Whose scope a read is compiled for: `scoped` reads only the user's `scope_prefix`."""

    scope_prefix: str


def compiled(queryset) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def run(sql_and_params: tuple[str, tuple], value: str) -> list[tuple]:
    """A compiled read for one value (the parameter that was ASKED)."""
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute(sql, [value if param == ASKED else param for param in params])
        return cursor.fetchall()


@dataclass(frozen=True)
class Member:
    """A beneficiary as the eligibility check needs them."""

    id: int
    number: str
    household_id: int
    mutual_uid: uuid.UUID
    mutual_name: str
    currency: str


@lru_cache(maxsize=1024)
def members_read(scope_prefix: str) -> tuple[str, tuple]:
    """The read of beneficiaries by member number inside a scope, as `scoped` makes it, compiled
    once per scope: building the ORM query would cost more than running it."""
    return compiled(
        scoped(Beneficiary.objects.filter(member_number=ASKED), Scope(scope_prefix))
        .order_by()
        .values_list(
            "pk",
            "member_number",
            "household_id",
            "mutual__uid",
            "mutual__name",
            "mutual__currency",
        )[:2]
    )


def members_numbered(number: str, scope_prefix: str | None) -> list[Member]:
    """The beneficiaries within a scope with this member number: one, or none; two only when
    two mutuals of the scope share a code (numbers start with the mutual's code)."""
    if not scope_prefix:
        return []
    return [
        Member(
            pk,
            found,
            household,
            uuid.UUID(str(mutual)),
            name,
            currency,
        )
        for pk, found, household, mutual, name, currency in run(members_read(scope_prefix), number)
    ]


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    level: str


@lru_cache(maxsize=1024)
def providers_read(scope_prefix: str) -> tuple[str, tuple]:
    """The read of a provider by code inside a scope, compiled once per scope."""
    return compiled(
        scoped(Provider.objects.filter(code=ASKED), Scope(scope_prefix))
        .order_by()
        .values_list("code", "name", "level")[:1]
    )


def provider_coded(code: str, user) -> Facility | None:
    """The provider with this code, if the user's scope knows it."""
    if not getattr(user, "scope_prefix", None):
        return None
    rows = run(providers_read(user.scope_prefix), code)
    return Facility(*rows[0]) if rows else None
