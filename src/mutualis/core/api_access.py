"""Access to the JSON API, enforced like the pages' (core.access): every operation declares
the roles it needs with `api_access`, and reads objects only through `scoped`."""

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar, cast

from django.db import models
from django.http import Http404, HttpRequest

from mutualis.core.access import AccessPolicy, SignedIn, scoped

M = TypeVar("M", bound=models.Model)
Operation = Callable[..., Any]


class Forbidden(Exception):
    """The signed-in user's roles do not allow the operation (HTTP 403)."""


def api_access(
    *,
    roles: Collection[str] | None = None,
    model: type[models.Model] | None = None,
    writes: bool = False,
) -> Callable[[Operation], Operation]:
    """Declares and checks the roles an API operation needs. With `model`, the operation's
    `uid` path parameter names an object of it, to be read with `scoped_get`."""
    policy = AccessPolicy(
        roles=frozenset(roles) if roles is not None else None,
        model=model,
        lookup="uid",
        writes=writes,
    )

    def decorator(operation: Operation) -> Operation:
        @wraps(operation)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # the API signed the user in (config.api) before any operation runs
            if not policy.allows_role(cast(SignedIn, request.user).roles):
                raise Forbidden
            return operation(request, *args, **kwargs)

        guarded.access = policy  # type: ignore[attr-defined]  # an operation's policy
        return guarded

    return decorator


def api_public(operation: Operation) -> Operation:
    """Declares an API operation open to anyone, without a key nor a session: the open data
    (docs/api.md). Its route says `auth=None`, which is what lets a visitor in."""
    operation.access = AccessPolicy(public=True)  # type: ignore[attr-defined]  # its policy
    return operation


def scoped_get(queryset: models.QuerySet[M], user: SignedIn, **lookup: Any) -> M:
    """One object of the user's scope, or 404 as if it did not exist."""
    try:
        return scoped(queryset, user).get(**lookup)
    # django-stubs gives DoesNotExist to each concrete model only, not to a bound type
    except (queryset.model.DoesNotExist, ValueError):  # type: ignore[attr-defined]
        raise Http404 from None
