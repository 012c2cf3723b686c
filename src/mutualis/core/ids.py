"""Identifiers that travel between installations."""

import uuid

import uuid_utils
from django.db import models
from uuid_utils.compat import uuid7


def new_uid() -> uuid.UUID:
    """A time-ordered UUID (version 7): made by whoever writes the row, unique everywhere, and
    ordered by creation so that indexes on it stay compact."""
    return uuid7()


def new_bulk_uid() -> uuid_utils.UUID:
    """`new_uid` for rows written by `core.bulk.insert`, hundreds of thousands at a time: the
    same UUID without the cost of a standard-library object (it has `.hex`, `.int` and `str`
    alike). Model fields want `new_uid`."""
    return uuid_utils.uuid7()


def uid_text(value: uuid.UUID | str) -> str:
    """The canonical text of a uid read by raw SQL: a `uuid` on PostgreSQL, 32 hexadecimal
    digits on SQLite. Event payloads name rows this way."""
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def uid_field() -> "models.UUIDField[uuid.UUID, uuid.UUID]":
    """The `uid` column every model carries (DESIGN.md rule 3): exchange packages, the sync
    between a laptop and its union's server, and external APIs name rows by it."""
    return models.UUIDField(default=new_uid, unique=True, editable=False)
