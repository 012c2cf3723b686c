"""The shared cast of the tests: a small federation and one user per role.

    N  national union
    ├── R1 regional union ── D1 departmental union ── M1 mutual    ← the cast works here
    └── R2 regional union ── D2 departmental union ── M2 mutual    ← outside their scope

Union roles sit in D1, mutual roles in M1: for every one of them M1 is inside the scope and M2
outside it.
"""

import importlib
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


@pytest.fixture(autouse=True, scope="session")
def event_log_emptied_after_transactional_tests():
    """Transactional tests (the browser's) leave an empty database with Django's flush, which on
    SQLite deletes every row: the triggers of the event log and of the books refuse it. For the
    tests only, the flush drops them and puts them back (PostgreSQL's flush truncates, which row
    triggers let pass)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    guarded = {
        "core_event": importlib.import_module("mutualis.core.migrations.0004_event_log"),
        "accounting_entry": importlib.import_module(
            "mutualis.accounting.migrations.0002_books_kept"
        ),
    }
    flush = operations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = flush(self, style, tables, **kwargs)
        triggers = [guarded[name] for name in guarded if name in tables]
        return [
            *(undo for module in triggers for undo in module.SQLITE_UNDO),
            *statements,
            *(redo for module in triggers for redo in module.SQLITE),
        ]

    operations.sql_flush = sql_flush
    yield
    operations.sql_flush = flush


@pytest.fixture(autouse=True, scope="session")
def fhir_answers_checked():
    # Every answer of the FHIR API is validated by its R4B model as it is built.
    with override_settings(FHIR_CHECK_ANSWERS=True):
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


@pytest.fixture
def state(federation):
    from mutualis.benefits.services import payer_create

    return payer_create(
        by=None, owner=federation.national, code="ETAT", name="État du Sénégal", kind="state"
    )


@pytest.fixture
def cmu_package(federation, state):
    """Senegal CMU (domain-rules.md §3–4): 7,000 XOF per beneficiary per year, 1,000 XOF to
    register,
    the State pays half, all of it for the indigent; 30 days of waiting, 270 for childbirth."""
    import datetime

    from mutualis.benefits.services import package_create, package_version_add

    package = package_create(
        by=None, owner=federation.national, code="CMU", name="Paquet de base CMU"
    )
    package_version_add(
        by=None,
        package=package,
        valid_from=datetime.date(2024, 1, 1),
        period="year",
        contribution=7000,
        registration_fee=1000,
        waiting_days=30,
        grace_days=30,
        subsidies=[(state, "", 5000), (state, "indigent", 10000)],
        waiting_days_by_service={"childbirth": 270},
        coverage=[
            {"service_category": "consultation", "level": "health_post", "rate_bp": 8000},
            {"service_category": "optical", "level": "health_centre", "excluded": True},
        ],
    )
    return package


def person(first_name, last_name, sex, birth_date, relationship="child", **extra):
    import datetime

    return {
        "first_name": first_name,
        "last_name": last_name,
        "sex": sex,
        "birth_date": datetime.date.fromisoformat(birth_date),
        "relationship": relationship,
        **extra,
    }


@pytest.fixture
def family(federation, cmu_package):
    """The Diop household of Joal: Moussa, his wife Awa and two children, enrolled 2025-01-10."""
    import datetime

    from mutualis.membership.services import household_enrol

    return household_enrol(
        by=None,
        mutual=federation.m1,
        package=cmu_package,
        enrolled_on=datetime.date(2025, 1, 10),
        head=person("Moussa", "Diop", "M", "1980-03-02", phone="+221 77 123 45 67"),
        dependents=[
            person("Awa", "Diop", "F", "1985-06-11", "spouse"),
            person("Fatou", "Diop", "F", "2012-09-30"),
            person("Ibrahima", "Diop", "M", "2016-01-15"),
        ],
    )
