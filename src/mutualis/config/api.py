"""The JSON API at /api/, documented at /api/openapi.json (and browsable at /api/docs).

Clients sign in with the site's session (and its CSRF token) or with an API key sent as
`Authorization: Bearer <key>` (made with `mutualis api_key USERNAME NAME`)."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from mutualis.core.api_access import Forbidden
from mutualis.federation.models import ApiToken


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# How precisely a key's last use is kept: writing it on every request would make every read of
# the API (a clerk's eligibility checks, hundreds a second) a write that queues on SQLite's lock.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


def user_for_key(key: str):
    """The active user an unrevoked API key acts as, or None. The JSON API and the FHIR API
    both sign programs in through it."""
    found = (
        ApiToken.objects.select_related("user__organisation")
        .filter(digest=key_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


class BearerKey(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Mutualis API",
    version="1",
    description=__doc__,
    auth=[BearerKey(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def invalid(request, error: ValidationError):
    detail = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"detail": detail}, status=400)


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
