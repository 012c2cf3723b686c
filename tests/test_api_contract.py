"""The JSON API does what its OpenAPI document says: schemathesis generates requests from the
live document, valid ones and invalid ones, and every check it has holds on every answer (no
server error, only documented statuses, content types, bodies and headers, invalid input
refused, valid input accepted, a deleted resource gone).

The requests come as a mutual manager's program, with an API key, on the Diop household:
each operation is tried on objects that exist (the household, Awa, a payment) and on uids
that name nothing."""

import datetime

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mutualis.config.wsgi import application
from mutualis.contributions.services import payment_record

# Each operation, in each mode, with and without an object that exists: small, so that the
# whole run stays within a few tens of seconds on a shared machine.
EXAMPLES = 25
WRITES = {"POST"}


def dates_any_field_takes():
    """A date every date of the API takes, as their descriptions say (within the query window,
    not after today, not before the earliest birth): the schema's `format: date` cannot say
    it, and a date outside is refused 400, which positive_data_acceptance would report."""
    today = timezone.localdate()
    earliest = today.replace(year=today.year - 100)
    return st.dates(min_value=earliest, max_value=today).map(datetime.date.isoformat)


@pytest.fixture
def api_schema(db):
    schemathesis.openapi.format("date", dates_any_field_takes())
    # The requests go through the WSGI application, which closes the database connection at
    # the end of each, as in production: not the test's, which holds its transaction (Django's
    # test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/openapi.json", application, headers={"X-Forwarded-Proto": "https"}
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def manager_key(cast, capsys):
    call_command("api_key", cast["mutual_manager"].username, "contract")
    return capsys.readouterr().out.strip()


def every_check():
    load_all_checks()
    return CHECKS.get_all()


def run(operation, mode, headers, path_parameters=None):
    checks = every_check()
    excluded = []
    if operation.method.upper() in WRITES:
        # A write the schema allows may still break a rule of the domain (a payment larger than
        # what is owed, a package the mutual does not offer, a birth after the enrolment):
        # answered 400 with the field, which this check would take for a refusal of valid data.
        excluded.append(positive_data_acceptance)
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def each(case):
        case.call_and_validate(headers=headers, checks=checks, excluded_checks=excluded)

    each()


def signed(key) -> dict:
    return {
        "X-Forwarded-Proto": "https",
        "Authorization": f"Bearer {key}",
        # schemathesis's WSGI transport does not unpack a gzipped answer
        "Accept-Encoding": "identity",
    }


def test_every_operation_keeps_its_contract(api_schema, manager_key, federation, family):
    payment = payment_record(
        by=None,
        household=family,
        amount=15000,
        method="cash",
        received_on=datetime.date(2025, 1, 10),
    )
    awa = family.beneficiaries.get(first_name="Awa")
    existing = {
        "/households/{uid}": family.uid,
        "/households/{uid}/account": family.uid,
        "/households/{uid}/payments": family.uid,
        "/beneficiaries/{uid}": awa.uid,
        "/beneficiaries/{uid}/coverage": awa.uid,
        "/payments/{uid}": payment.uid,
        "/organisations/{uid}/figures": federation.m1.uid,
        "/organisations/{uid}/indicators": federation.m1.uid,
    }
    headers = signed(manager_key)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 17
    for operation in operations:
        uid = existing.get(operation.path.removeprefix("/api"))
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run(operation, mode, headers)
            if uid is not None:
                run(operation, mode, headers, {"uid": str(uid)})


def test_writes_that_keep_the_rules_are_answered_as_documented(
    api_schema, manager_key, federation, family
):
    # Generated writes seldom keep every rule of the domain: these do, and every check,
    # positive_data_acceptance included, holds on their answers.
    today = timezone.localdate().isoformat()
    enrol = api_schema["/api/households"]["POST"].Case(
        body={
            "mutual": str(federation.m1.uid),
            "package": "CMU",
            "enrolled_on": today,
            "head": {
                "first_name": "Aminata",
                "last_name": "Sow",
                "sex": "F",
                "birth_date": "1990-04-02",
            },
            "dependents": [
                {
                    "first_name": "Ousmane",
                    "last_name": "Sow",
                    "sex": "M",
                    "birth_date": "2020-01-05",
                }
            ],
        },
        media_type="application/json",
    )
    pay = api_schema["/api/households/{uid}/payments"]["POST"].Case(
        path_parameters={"uid": str(family.uid)},
        body={"amount": 15000, "method": "mobile_money", "reference": "OM-7", "received_on": today},
        media_type="application/json",
    )
    for case in (enrol, pay):
        response = case.call_and_validate(headers=signed(manager_key), checks=every_check())
        assert response.status_code == 201, response.text
