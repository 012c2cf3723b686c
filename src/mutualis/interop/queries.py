"""Reads of the FHIR API, inside the caller's scope (core.access.scoped).

The eligibility check runs hundreds of times a second at a national union's server: its reads
ask the database for plain values only, and what a year of claims used is one raw indexed read
(as contributions.queries.coverage_by_id does), since building ORM queries would cost more than
the reads themselves."""

import datetime
import uuid
from dataclasses import dataclass

from django.db import connection

from mutualis.claims.models import Claim, ClaimLine
from mutualis.claims.rules import Outcome
from mutualis.core.access import scoped
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Provider


@dataclass(frozen=True)
class Member:
    """A beneficiary as the eligibility check needs them."""

    id: int
    number: str
    mutual_uid: uuid.UUID
    mutual_name: str
    currency: str
    package_id: int
    rules_revision: uuid.UUID


def members_numbered(number: str, user) -> list[Member]:
    """The beneficiaries of the user's scope with this member number: one, or none; two only
    when two mutuals of the scope share a code (numbers start with the mutual's code)."""
    rows = scoped(Beneficiary.objects.filter(member_number=number), user).values_list(
        "pk",
        "member_number",
        "mutual__uid",
        "mutual__name",
        "mutual__currency",
        "household__package_id",
        "household__package__rules_revision",
    )
    return [Member(*row) for row in rows[:2]]


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    level: str


def provider_coded(code: str, user) -> Facility | None:
    """The provider with this code, if the user's scope knows it."""
    row = (
        scoped(Provider.objects.filter(code=code), user)
        .values_list("code", "name", "level")
        .first()
    )
    return Facility(*row) if row else None


def paid_in_year(beneficiary_id: int, year: int) -> dict[str, int]:
    """What the mutual paid for a beneficiary's care in a calendar year, by service category:
    the mutual shares of the lines not rejected of the claims whose care began that year (the
    yearly ceilings' use, claims.adjudication)."""
    claim, line = Claim._meta.db_table, ClaimLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.service_category, SUM(l.mutual_share) FROM {claim} c"
            f" JOIN {line} l ON l.claim_id = c.id"
            f" WHERE c.beneficiary_id = %s AND c.service_from >= %s AND c.service_from <= %s"
            f" AND l.outcome <> %s GROUP BY l.service_category",
            [
                beneficiary_id,
                datetime.date(year, 1, 1),
                datetime.date(year, 12, 31),
                Outcome.REJECTED.value,
            ],
        )
        return {category: int(total) for category, total in cursor.fetchall()}
