"""The shared cast of the tests: a small federation and one user per role.

    N  national union
    ├── R1 regional union ── D1 departmental union ── M1 mutual    ← the cast works here
    └── R2 regional union ── D2 departmental union ── M2 mutual    ← outside their scope

Union roles sit in D1, mutual roles in M1: for every one of them M1 is inside the scope and M2
outside it.
"""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from mutualis.federation.rules import Kind, Role
from mutualis.federation.services import organisation_create, user_create

# Shared, noisy two-core machines: time limits would make the properties flaky, not stricter.
hypothesis_settings.register_profile(
    "mutualis",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.load_profile("mutualis")

UNION_ROLES = {Role.SYSTEM_ADMIN, Role.UNION_OFFICER, Role.MEDICAL_ADVISOR}


def make_mutual(parent, code, name):
    return organisation_create(
        by=None,
        kind=Kind.MUTUAL,
        parent=parent,
        code=code,
        name=name,
        currency="XOF",
        mutual_type="community",
    )


@pytest.fixture(autouse=True, scope="session")
def static_files_without_manifest():
    # The manifest exists once `make install` collected the static files; tests need not wait.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture
def client():
    # Production settings redirect plain HTTP to HTTPS: the tests come through an HTTPS proxy,
    # as production requests do.
    return Client(headers={"X-Forwarded-Proto": "https"})


@pytest.fixture
def federation(db):
    national = organisation_create(
        by=None, kind=Kind.NATIONAL_UNION, parent=None, code="UN", name="Union nationale"
    )
    r1 = organisation_create(
        by=None,
        kind=Kind.REGIONAL_UNION,
        parent=national,
        code="R1",
        name="Union régionale de Thiès",
    )
    r2 = organisation_create(
        by=None,
        kind=Kind.REGIONAL_UNION,
        parent=national,
        code="R2",
        name="Union régionale de Kolda",
    )
    d1 = organisation_create(
        by=None,
        kind=Kind.DEPARTMENTAL_UNION,
        parent=r1,
        code="D1",
        name="Union départementale de Mbour",
    )
    d2 = organisation_create(
        by=None,
        kind=Kind.DEPARTMENTAL_UNION,
        parent=r2,
        code="D2",
        name="Union départementale de Vélingara",
    )
    m1 = make_mutual(d1, "M1", "Mutuelle de santé de Joal")
    m2 = make_mutual(d2, "M2", "Mutuelle de santé de Pakour")
    return SimpleNamespace(national=national, r1=r1, r2=r2, d1=d1, d2=d2, m1=m1, m2=m2)


@pytest.fixture
def cast(federation):
    """One user per role, each inside the D1 subtree."""
    users = {}
    for role in Role:
        organisation = federation.d1 if role in UNION_ROLES else federation.m1
        users[role] = user_create(
            by=None,
            username=f"{role}",
            organisation=organisation,
            roles=[role],
            first_name=role.label.capitalize(),
        )
    return users


@pytest.fixture
def admin(cast):
    return cast[Role.SYSTEM_ADMIN]
