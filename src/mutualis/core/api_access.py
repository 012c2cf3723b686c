"""Access to the JSON API, enforced like the pages' (core.access): every operation declares
the roles it needs with `api_access`, and reads objects only through `scoped`."""

from collections.abc import Callable, Collection
from functools import wraps

from django.http import Http404

from mutualis.core.access import AccessPolicy, scoped


class Forbidden(Exception):
    """The signed-in user's roles do not allow the operation (HTTP 403)."""


def api_access(
    *, roles: Collection[str] | None = None, model=None, writes: bool = False
) -> Callable[[Callable], Callable]:
    """Declares and checks the roles an API operation needs. With `model`, the operation's
    `uid` path parameter names an object of it, to be read with `scoped_get`."""
    policy = AccessPolicy(
        roles=frozenset(roles) if roles is not None else None,
        model=model,
        lookup="uid",
        writes=writes,
    )

    def decorator(operation: Callable) -> Callable:
        @wraps(operation)
        def guarded(request, *args, **kwargs):
            if not policy.allows_role(request.user.roles):
                raise Forbidden
            return operation(request, *args, **kwargs)

        guarded.access = policy
        return guarded

    return decorator


def scoped_get(queryset, user, **lookup):
    """One object of the user's scope, or 404 as if it did not exist."""
    try:
        return scoped(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None
