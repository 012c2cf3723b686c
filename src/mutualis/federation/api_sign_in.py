"""Signing a program in with an API key (`Authorization: Bearer <key>`): the JSON API
(config.api) and the FHIR API (interop.access) both ask it on every request. Federation's own,
like the keys, their users and roles it reads."""

import datetime
import logging

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from mutualis.federation.models import ApiToken, Organisation, RoleGrant, User, key_digest

log = logging.getLogger(__name__)

# How precisely a key's last use is kept: writing it on every request would make every read of
# the API (a clerk's eligibility checks, hundreds a second) a write that queues on SQLite's lock.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


def loaded(model, names: set[str]) -> list[str]:
    # in the model's order of fields, which Model.from_db reads the values in
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


# What a request signed in by key loads of its user and their organisation: the rest loads on
# first use, as with `.only()`.
USER_FIELDS = loaded(
    User, {"id", "username", "first_name", "last_name", "email", "is_active", "organisation_id"}
)
ORGANISATION_FIELDS = loaded(Organisation, {"id", "kind", "code", "name", "parent_id", "path"})


def note_last_use(token_id: int, now: datetime.datetime) -> None:
    """Keeps when a key was last used, if the database takes the write: a full disk or a
    read-only database must not stop the reads a key signs (a clerk's eligibility checks).
    The savepoint keeps a failed write from spoiling a transaction the request is in
    (PostgreSQL refuses every statement after a failed one)."""
    try:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    except DatabaseError as error:
        log.warning("The last use of API key %s was not kept: %s", token_id, error)


def user_for_key(key: str):
    """The active user an unrevoked API key acts as, or None. The JSON API and the FHIR API
    both sign programs in through it, on every request: one plain indexed read (building ORM
    queries would cost ten times more) of the key with its user, their organisation and their
    roles, a row per role."""
    token, user, organisation, grant = (
        model._meta.db_table for model in (ApiToken, User, Organisation, RoleGrant)
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < %s, g.role,"
            f" {', '.join(f'u.{name}' for name in USER_FIELDS)},"
            f" {', '.join(f'o.{name}' for name in ORGANISATION_FIELDS)}"
            f" FROM {token} t JOIN {user} u ON u.id = t.user_id"
            f" JOIN {organisation} o ON o.id = u.organisation_id"
            f" LEFT JOIN {grant} g ON g.user_id = u.id"
            f" WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active",
            [
                connection.ops.adapt_datetimefield_value(now - LAST_USE_PRECISION),
                key_digest(key),
            ],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    token_id, stale, _role, *values = rows[0]
    of_user, of_organisation = values[: len(USER_FIELDS)], values[len(USER_FIELDS) :]
    if stale:
        note_last_use(token_id, now)
    found = User.from_db(connection.alias, USER_FIELDS, of_user)
    found.organisation = Organisation.from_db(
        connection.alias, ORGANISATION_FIELDS, of_organisation
    )
    # User.roles is a cached_property: read already
    found.__dict__["roles"] = frozenset(role for _token, _stale, role, *_rest in rows if role)
    return found
