"""Who may open which page, and which rows they may see: enforced here and nowhere else.

DESIGN.md rule 4. A user belongs to an organisation and sees its whole subtree: every organisation
carries its materialised path (`/1/7/42/`), and a user's *scope prefix* is the path of their
organisation. A model that views may show declares where its path is found::

    class Organisation(models.Model):
        SCOPE_PATH = "path"            # its own path
    class User(AbstractUser):
        SCOPE_PATH = "organisation__path"
    class Household(models.Model):     # every operational row
        SCOPE_PATH = "mutual__path"

A model may instead give some roles a scope of their own: a provider's clerk sees the claims of
their own provider, and only those, whichever mutual's members they treated (portability)::

    class Claim(models.Model):
        SCOPE_PATH = "mutual__path"
        SCOPE_FOR_ROLES = ("provider__staff", {"provider_clerk"})

Every view is wrapped by `access(...)` or marked `public`; the scope matrix test walks the URL
configuration and fails on a route that is neither, then tries every route with every role, inside
and outside the scope.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, Protocol, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

EVERY_ROLE = None
M = TypeVar("M", bound=models.Model)
View = Callable[..., HttpResponseBase]
V = TypeVar("V", bound=Callable[..., Any])


class SignedIn(Protocol):
    """A signed-in user (federation.models.User) as core reads it: core comes before
    federation, so it names what it reads rather than the class."""

    @property
    def is_authenticated(self) -> Literal[True]: ...
    @property
    def roles(self) -> frozenset[str]: ...
    @property
    def scope_prefix(self) -> str | None: ...
    def has_any_role(self, roles: Collection[str]) -> bool: ...


# A request's user: signed in, or not (Django's AnonymousUser).
AnyUser = SignedIn | AnonymousUser


@dataclass(frozen=True)
class AccessPolicy:
    """What a route requires. `roles` None means any signed-in user; `model` names the object
    the route's `lookup` keyword selects, which must lie in the user's scope."""

    public: bool = False
    roles: frozenset[str] | None = EVERY_ROLE
    model: type[models.Model] | None = None
    lookup: str = "pk"
    writes: bool = False

    def allows_role(self, roles: Collection[str]) -> bool:
        return self.public or self.roles is None or bool(self.roles & set(roles))


def ancestor_paths(path: str) -> list[str]:
    """The paths of an organisation and of every organisation above it: `/1/7/42/` →
    `/1/`, `/1/7/`, `/1/7/42/`."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: depth + 1]) + "/" for depth in range(len(parts))]


def scoped(queryset: models.QuerySet[M], user: SignedIn) -> models.QuerySet[M]:
    """The rows of `queryset` inside the user's scope; nothing for anyone without one.

    A model whose rows also apply below their owner (a union's benefit package applies to its
    mutuals) says so with `SCOPE_INHERITED = True`: its rows owned by the organisations above
    the user's are visible too, read-only. A model with `SCOPE_FOR_ROLES = (lookup, roles)`
    shows the users who hold only those roles the rows that `lookup` ties to them instead."""
    prefix = getattr(user, "scope_prefix", None)
    if not prefix:
        return queryset.none()
    own = getattr(queryset.model, "SCOPE_FOR_ROLES", None)
    if own is not None:
        lookup, roles = own
        if set(user.roles) <= set(roles):  # nothing else they hold lets them see more
            return queryset.filter(**{lookup: user})
    path = queryset.model.SCOPE_PATH  # type: ignore[attr-defined]  # declared by each model shown
    inside = models.Q(**{f"{path}__startswith": prefix})
    if getattr(queryset.model, "SCOPE_INHERITED", False):
        inside |= models.Q(**{f"{path}__in": ancestor_paths(prefix)})
    return queryset.filter(inside)


def public(view: V) -> V:
    """Marks a view anyone may open, signed in or not (log-in, health, language switch)."""
    view.access = AccessPolicy(public=True)  # type: ignore[attr-defined]  # a view's policy
    return view


def access(
    *,
    roles: Collection[str] | None = EVERY_ROLE,
    model: type[models.Model] | None = None,
    lookup: str = "pk",
    writes: bool = False,
) -> Callable[[View], View]:
    """Requires a signed-in user holding one of `roles` (any role when None). With `model`, the
    URL keyword `lookup` selects an object through `scoped`, so that an object outside the
    user's scope answers 404 as if it did not exist, and the view receives the object itself.
    `writes` marks a view that changes data (the matrix test then also tries it with POST)."""
    policy = AccessPolicy(
        roles=frozenset(roles) if roles is not None else None,
        model=model,
        lookup=lookup,
        writes=writes,
    )

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policy.allows_role(user.roles):
                raise PermissionDenied
            if model is not None:
                obj = get_object_or_404(
                    scoped(model._default_manager.all(), user), **{lookup: kwargs.pop(lookup)}
                )
                return view(request, obj, *args, **kwargs)
            return view(request, *args, **kwargs)

        guarded.access = policy  # type: ignore[attr-defined]  # a view's policy
        return guarded

    return decorator
