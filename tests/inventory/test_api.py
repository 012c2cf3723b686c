"""The inventory in the JSON API: the validated records and the synthesis tables, by year and
country, open data that anyone reads without a key; nothing unvalidated."""

import pytest

from mutualis.federation.rules import Role
from mutualis.inventory.services import record_save, record_validate
from tests.inventory.conftest import YEAR


@pytest.fixture
def published(joal, benkadi, cast, focal_point):
    record_validate(
        by=focal_point,
        record=record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=2025, facts=YEAR),
    )
    record_save(by=cast[Role.UNION_OFFICER], entry=benkadi, year=2025, facts=YEAR)


def test_a_program_without_a_key_reads_the_validated_records_of_a_year_and_country(
    client, published
):
    records = client.get("/api/inventory/records?year=2025&country=SN").json()
    assert [(r["name"], r["members"], r["currency"]) for r in records] == [
        ("Mutuelle de santé de Joal", 120, "XOF")
    ]
    assert client.get("/api/inventory/records?country=ML").json() == []


def test_the_open_data_needs_no_key_in_the_openapi_document(client):
    operations = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/inventory/records", "/api/inventory/synthesis"):
        assert "security" not in operations[path]["get"], path


def test_a_program_without_a_key_reads_the_synthesis_tables(client, published):
    tables = client.get("/api/inventory/synthesis?year=2025").json()
    senegal = next(t for t in tables if t["country"] == "SN")
    assert senegal["mutuals"] == 1 and senegal["beneficiaries"] == 540
    assert senegal["coverage"] == 900  # 540 of 6,000
    assert senegal["contributions"] == [
        {"currency": "XOF", "count": 1, "median": 6000, "low": 6000, "high": 6000}
    ]


def test_a_malformed_country_is_refused_with_the_field(client, cast):
    client.force_login(cast[Role.CASHIER])
    response = client.get("/api/inventory/synthesis?country=senegal")
    assert response.status_code == 400 and "country" in response.json()["detail"]
