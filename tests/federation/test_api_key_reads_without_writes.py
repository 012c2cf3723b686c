"""A key's read never depends on a write: when the database refuses writes (a full disk, a
read-only file), noting a key's last use fails quietly and the read it signs still answers."""

import datetime
import logging
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from mutualis.contributions.services import payment_record
from mutualis.federation.api_sign_in import user_for_key
from mutualis.federation.models import ApiToken
from mutualis.federation.services import api_key_create


@contextmanager
def writes_refused():
    """The database refuses every write, as on a full disk or a read-only file."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            if connection.in_atomic_block:  # the transaction begun already, too
                cursor.execute("SET TRANSACTION READ ONLY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = OFF")
            else:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")


# Outside a test transaction, as a server runs: each statement commits by itself.
@pytest.mark.django_db(transaction=True)
def test_a_stale_key_still_reads_coverage_when_the_database_refuses_writes(
    client, family, cast, caplog
):
    payment_record(
        by=None,
        household=family,
        amount=15000,
        method="cash",
        received_on=datetime.date(2025, 1, 10),
    )
    key = api_key_create(by=None, user=cast["mutual_manager"], name="guichet")
    bearer = {"Authorization": f"Bearer {key}"}
    awa = family.beneficiaries.get(first_name="Awa")
    # a last use older than a minute: the next request notes it again
    ApiToken.objects.update(last_used_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    with writes_refused(), caplog.at_level(logging.WARNING, "mutualis.federation.api_sign_in"):
        coverage = client.get(
            f"/api/beneficiaries/{awa.uid}/coverage", {"on": "2025-03-01"}, headers=bearer
        )
        patient = client.get(f"/fhir/r4/Patient/{awa.member_number}", headers=bearer)
    assert coverage.status_code == 200, coverage.content
    assert coverage.json()["covered"] is True
    assert patient.status_code == 200, patient.content
    assert "was not kept" in caplog.text
    # nothing was written, and once writes are taken again the last use is noted
    assert ApiToken.objects.get().last_used_at.year == 2025
    assert client.get("/api/households", headers=bearer).status_code == 200
    assert ApiToken.objects.get().last_used_at.year > 2025


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_refused_last_use_spoils_nothing(cast):
    manager = cast["mutual_manager"]
    key = api_key_create(by=None, user=manager, name="guichet")
    ApiToken.objects.update(last_used_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    # (SQLite begins no transaction once writes are refused: the refusal comes after)
    with transaction.atomic(), writes_refused():
        assert user_for_key(key) == manager
        # PostgreSQL refuses every statement after a failed one, unless it was in a savepoint
        assert ApiToken.objects.filter(user=manager).count() == 1
