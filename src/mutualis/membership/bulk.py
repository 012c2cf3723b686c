"""The register's tables as the bulk writers fill them (core.bulk): the columns a register
import gives, in order, for households, beneficiaries and their search words."""

from collections.abc import Iterable, Sequence

from mutualis.core.bulk import insert
from mutualis.membership.models import Beneficiary, Household, SearchToken

HOUSEHOLD_FIELDS = (
    "id",
    "uid",
    "mutual",
    "number",
    "package",
    "enrolled_on",
    "address",
    "phone",
    "external_ref",
)
BENEFICIARY_FIELDS = (
    "id",
    "uid",
    "mutual",
    "household",
    "member_number",
    "relationship",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "birth_place",
    "national_id",
    "phone",
    "category",
    "enrolled_on",
    "duplicate_key",
)
SEARCH_TOKEN_FIELDS = ("mutual", "beneficiary", "token")


def households_insert(rows: Iterable[Sequence]) -> int:
    """Rows of HOUSEHOLD_FIELDS: (id, uid, mutual_id, number, package_id, enrolled_on, address,
    phone, external_ref)."""
    return insert(Household, HOUSEHOLD_FIELDS, rows)


def beneficiaries_insert(rows: Iterable[Sequence]) -> int:
    """Rows of BENEFICIARY_FIELDS, the duplicate key included (membership.rules.duplicate_key)."""
    return insert(Beneficiary, BENEFICIARY_FIELDS, rows)


def search_tokens_insert(rows: Iterable[Sequence]) -> int:
    """Rows of (mutual_id, beneficiary_id, token) (membership.rules.search_tokens)."""
    return insert(SearchToken, SEARCH_TOKEN_FIELDS, rows)
