"""Every route × every role × inside and outside the scope (DESIGN.md rule 4).

Routes join this test by existing: it walks the URL configuration, so a new view is checked the
day it is added. A view that is neither `access(...)` nor `public` fails the first test; a view
whose object model has no sample below fails until one is added.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from mutualis.core.access import AccessPolicy
from mutualis.core.models import AuditEntry
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create


def walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


ROUTES = sorted(walk(get_resolver()), key=lambda route: route[0])
PROTECTED = [(route, pattern) for route, pattern in ROUTES if not pattern.callback.access.public]


def sample(model, organisation):
    """An object of `model` that lies in `organisation`."""
    if model is Organisation:
        return organisation
    if model is User:
        return User.objects.filter(
            organisation=organisation, username__startswith="sample-"
        ).first() or user_create(
            by=None,
            username=f"sample-{organisation.code}",
            organisation=organisation,
            roles=[Role.CASHIER],
        )
    raise AssertionError(f"add a sample of {model.__name__} to tests/test_scope_matrix.py")


def url_for(route: str, pattern: URLPattern, obj) -> str:
    policy: AccessPolicy = pattern.callback.access
    path = "/" + route
    if policy.model is not None:
        converter = f"<int:{policy.lookup}>"
        assert converter in path, f"{route}: expected {converter} for {policy.model.__name__}"
        path = path.replace(converter, str(getattr(obj, policy.lookup)))
    return path


def test_every_route_declares_who_may_open_it():
    undeclared = [
        route
        for route, pattern in ROUTES
        if not isinstance(getattr(pattern.callback, "access", None), AccessPolicy)
    ]
    assert undeclared == []


@pytest.mark.parametrize(("route", "pattern"), PROTECTED, ids=[r for r, _ in PROTECTED])
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_log_in_page(
    client, federation, route, pattern
):
    response = client.get(url_for(route, pattern, federation.m1))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("route", "pattern"), PROTECTED, ids=[r for r, _ in PROTECTED])
def test_each_role_reaches_only_its_routes_and_only_inside_its_scope(
    client, federation, cast, role, route, pattern
):
    policy: AccessPolicy = pattern.callback.access
    user = cast[role]
    client.force_login(user)
    allowed = policy.allows_role(user.roles)
    audit_before = AuditEntry.objects.count()

    if policy.model is None:
        response = client.get(url_for(route, pattern, None))
        assert response.status_code == (200 if allowed else 403)
        if allowed:
            # lists show nothing from outside the scope
            assert federation.m2.name not in response.content.decode()
            assert federation.r2.name not in response.content.decode()
        if policy.writes:
            response = client.post(url_for(route, pattern, None), {})
            assert response.status_code == (200 if allowed else 403)
    else:
        inside = sample(policy.model, federation.m1)
        outside = sample(policy.model, federation.m2)
        audit_before = AuditEntry.objects.count()
        response = client.get(url_for(route, pattern, inside))
        assert response.status_code == (200 if allowed else 403)
        response = client.get(url_for(route, pattern, outside))
        assert response.status_code == (404 if allowed else 403)
        if policy.writes:
            response = client.post(url_for(route, pattern, outside), {"name": "changed"})
            assert response.status_code == (404 if allowed else 403)
            response = client.post(url_for(route, pattern, inside), {})
            assert response.status_code == (200 if allowed else 403)

    # nothing was written by a refused request or an empty form
    assert AuditEntry.objects.count() == audit_before


def test_the_system_administrator_of_a_region_cannot_see_another_region(client, federation, admin):
    client.force_login(admin)
    assert client.get(f"/organisations/{federation.d2.pk}/").status_code == 404
    assert client.get(f"/organisations/{federation.m1.pk}/").status_code == 200
