"""The JSON API at /api/, documented at /api/openapi.json (and browsable at /api/docs).

Clients sign in with the site's session (and its CSRF token) or with an API key sent as
`Authorization: Bearer <key>` (made with `mutualis api_key USERNAME NAME`, listed and revoked on
the page My API keys; a key dies with its user's password change, deactivation or sign-in lock
unless an administrator kept it)."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as InvalidInput
from ninja.security import HttpBearer, SessionAuth

from mutualis.core.api_access import Forbidden
from mutualis.core.api_types import invalid_fields
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


class BearerKey(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


class SessionSignIn(SessionAuth):
    """The site's session, for a browser. A request signed in by nobody is answered 401, not
    403 for its missing CSRF token: a program without a key learns it must sign in; a
    session's write without its token is still refused 403."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="Mutualis API",
    version="1",
    description=__doc__,
    auth=[BearerKey(), SessionSignIn()],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def invalid(request, error: ValidationError):
    detail = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(InvalidInput)
def invalid_input(request, error: InvalidInput):
    """A parameter or a body pydantic refused: 400, by field, as docs/api.md promises (ninja
    would answer 422 with pydantic's list)."""
    return api.create_response(request, {"detail": invalid_fields(error.errors)}, status=400)


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    # A body that is not JSON is ninja's 400: named like any other bad input.
    detail = {"__all__": [str(error)]} if error.status_code == 400 else str(error)
    return api.create_response(request, {"detail": detail}, status=error.status_code)


@api.exception_handler(RequestDataTooBig)
def too_large(request, error):
    message = _("The body is larger than %(size)s bytes.") % {
        "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }
    return api.create_response(request, {"detail": message}, status=413)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(Forbidden)
def forbidden(request, error):
    return api.create_response(request, {"detail": "Your roles do not allow this."}, status=403)


def register_routers() -> None:
    from mutualis.contributions.api import router as contributions
    from mutualis.membership.api import router as membership

    api.add_router("/", membership)
    api.add_router("/", contributions)


register_routers()
