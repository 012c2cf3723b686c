"""Who may use the FHIR API, declared on every view like the pages' (core.access) and
answered the FHIR way: 401, 403 and 404 as OperationOutcomes rather than a log-in page.

Programs sign in with an API key (`Authorization: Bearer <key>`, the JSON API's keys); a
browser with the site's session. A key is no cookie a browser sends by itself, so requests
with one need no CSRF token; requests on the session do, as everywhere on the site.
"""

from collections.abc import Callable, Collection
from functools import wraps

from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from mutualis.core.access import EVERY_ROLE, AccessPolicy, scoped
from mutualis.federation.api_sign_in import user_for_key
from mutualis.federation.rules import Role
from mutualis.interop.inputs import fits
from mutualis.interop.outcomes import FhirError, issue

# Health data (who is covered, for what, at which rate): the point of care, medical control and
# the register's staff; not the cashier, the accountant or the portal's editors.
HEALTH_DATA_ROLES = frozenset(
    {
        Role.PROVIDER_CLERK,
        Role.MEDICAL_ADVISOR,
        Role.MUTUAL_MANAGER,
        Role.ENROLMENT_AGENT,
        Role.UNION_OFFICER,
        Role.SYSTEM_ADMIN,
    }
)

BEARER = "bearer "
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="mutualis"'}


def _csrf_refused(request) -> bool:
    # The middleware skipped the view (it is exempt, for the keys' sake): the same check, here.
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is not None


def signed_in_user(request):
    """The user a request comes from, by its API key or its session; FhirError 401 when
    neither signs anyone in, 403 when a session's unsafe request lacks its CSRF token."""
    header = request.headers.get("Authorization", "")
    if header[: len(BEARER)].lower() == BEARER:
        user = user_for_key(header[len(BEARER) :].strip())
        if user is None:
            raise FhirError(
                401, [issue("login", _("This API key is unknown or revoked."))], CHALLENGE
            )
        request.user = user
        return user
    if not request.user.is_authenticated:
        raise FhirError(
            401,
            [issue("login", _("Sign in with an API key: Authorization: Bearer <key>."))],
            CHALLENGE,
        )
    if _csrf_refused(request):
        raise FhirError(403, [issue("security", _("The CSRF token is missing or wrong."))])
    return request.user


def in_scope(model, user, **lookup):
    """The one object of `model` in the user's scope that `lookup` names; FhirError 404 when
    there is none, as if it did not exist."""
    possible = all(fits(model, name, value) for name, value in lookup.items())
    found = list(scoped(model._default_manager.filter(**lookup), user)[:2]) if possible else []
    if not found:
        raise FhirError(404, [issue("not-found", _("There is no such resource."))])
    if len(found) > 1:
        raise FhirError(
            409, [issue("multiple-matches", _("Several resources have this identifier."))]
        )
    return found[0]


def fhir_access(
    *,
    roles: Collection[str] | None = EVERY_ROLE,
    model=None,
    lookup: str = "pk",
    methods: Collection[str] = ("GET",),
    writes: bool = False,
) -> Callable[[Callable], Callable]:
    """Requires a user signed in by key or session and holding one of `roles`. With `model`,
    the URL keyword `lookup` names an object of the user's scope, which the view receives
    (404 outside it). Other HTTP methods than `methods` answer 405; `writes` marks a view that
    changes data."""
    policy = AccessPolicy(
        roles=frozenset(roles) if roles is not None else None,
        model=model,
        lookup=lookup,
        writes=writes,
    )

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            try:
                user = signed_in_user(request)
                if not policy.allows_role(user.roles):
                    raise FhirError(403, [issue("forbidden", _("Your roles do not allow this."))])
                if request.method not in methods:
                    raise FhirError(
                        405,
                        [issue("not-supported", _("This resource does not support this method."))],
                        {"Allow": ", ".join(methods)},
                    )
                if model is not None:
                    obj = in_scope(model, user, **{lookup: kwargs.pop(lookup)})
                    return view(request, obj, *args, **kwargs)
                return view(request, *args, **kwargs)
            except FhirError as error:
                return error.response()

        exempt = csrf_exempt(guarded)
        exempt.access = policy
        return exempt

    return decorator
