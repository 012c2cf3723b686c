"""The JSON API at /api/, documented at /api/openapi.json (and browsable at /api/docs).

Clients sign in with the site's session (and its CSRF token) or with an API key sent as
`Authorization: Bearer <key>` (made with `mutualis api_key USERNAME NAME`, listed and revoked on
the page My API keys; a key dies with its user's password change, deactivation or sign-in lock
unless an administrator kept it)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as InvalidInput
from ninja.security import HttpBearer, SessionAuth

from mutualis.core.api_access import Forbidden
from mutualis.core.api_types import invalid_fields
from mutualis.federation.api_sign_in import user_for_key


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
    from mutualis.inventory.api import router as inventory
    from mutualis.membership.api import router as membership
    from mutualis.monitoring.api import router as monitoring
    from mutualis.portal.directory.api import router as directory

    api.add_router("/", membership)
    api.add_router("/", contributions)
    api.add_router("/", monitoring)
    api.add_router("/", inventory)
    api.add_router("/", directory)


register_routers()
