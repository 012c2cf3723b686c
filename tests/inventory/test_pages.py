"""The showcase and the open data are public and light; keeping records, validating them and
designating focal points need signing in with the right role."""

import dataclasses

import pytest
from django.urls import reverse

from mutualis.federation.rules import Role
from mutualis.inventory.choices import State
from mutualis.inventory.services import entry_create, record_save, record_validate
from tests.inventory.conftest import SENEGAL, YEAR

PUBLIC = ["synthesis", "directory", "open-data", "open-data-csv", "open-data-xlsx"]
SIGNED_IN = ["records", "entry-new", "validation", "focal-points"]


@pytest.fixture
def validated(joal, cast, focal_point):
    record = record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=2025, facts=YEAR)
    return record_validate(by=focal_point, record=record)


@pytest.mark.parametrize("name", PUBLIC)
def test_a_visitor_reads_the_public_pages_without_signing_in(client, validated, name):
    response = client.get(reverse(f"inventory:{name}"))
    assert response.status_code == 200
    if name in {"synthesis", "directory", "open-data"}:
        assert len(response.content) < 100_000


@pytest.mark.parametrize("name", SIGNED_IN)
def test_a_visitor_is_sent_to_sign_in_for_the_rest(client, name):
    response = client.get(reverse(f"inventory:{name}"))
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_synthesis_shows_the_countrys_year(client, validated):
    page = client.get(reverse("inventory:synthesis") + "?year=2025&country=SN").content.decode()
    assert "Sénégal" in page or "Senegal" in page
    assert "540" in page  # the beneficiaries


def test_the_directory_finds_a_mutual_by_a_word_of_its_network(client, validated, joal):
    page = client.get(reverse("inventory:directory") + "?q=Thiès").content.decode()
    assert joal.name in page
    page = client.get(reverse("inventory:directory") + "?q=Kolda").content.decode()
    assert joal.name not in page


def test_a_mutual_has_its_page_once_a_record_is_validated(client, joal, cast, focal_point):
    url = reverse("inventory:mutual", kwargs={"uid": joal.uid})
    record = record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=2025, facts=YEAR)
    assert client.get(url).status_code == 404
    record_validate(by=focal_point, record=record)
    page = client.get(url).content.decode()
    assert joal.name in page and "Enda Santé" in page


def test_the_manager_fills_the_record_on_the_form_and_sees_the_rule(client, joal, cast):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    url = reverse("inventory:record-fill", kwargs={"pk": joal.pk}) + "?year=2025"
    form = {"status": "functioning", "currency": "XOF", "members": "50", "beneficiaries": "40"}
    response = client.post(url, form)
    assert response.status_code == 200
    assert not joal.records.exists()
    assert 'value="50"' in response.content.decode()  # what was typed is kept
    response = client.post(url, {**form, "beneficiaries": "200", "services": ["drugs"]})
    assert response.status_code == 302
    assert joal.records.get().state == State.SUBMITTED


def test_the_focal_point_validates_on_the_page(client, joal, cast, focal_point):
    record = record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=2025, facts=YEAR)
    client.force_login(focal_point)
    page = client.get(reverse("inventory:validation")).content.decode()
    assert joal.name in page
    response = client.post(
        reverse("inventory:validation"), {"record": str(record.uid), "action": "validate"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == State.VALIDATED


def test_the_directory_counts_each_mutual_naming_a_network(client, federation, cast, focal_point):
    for name in ("Mutuelle A", "Mutuelle B"):
        entry = entry_create(
            by=None,
            steward=federation.d1,
            identity=dataclasses.replace(SENEGAL, name=name),
        )
        record = record_save(by=cast[Role.UNION_OFFICER], entry=entry, year=2025, facts=YEAR)
        record_validate(by=focal_point, record=record)
    response = client.get(reverse("inventory:directory"))
    assert ("Enda Santé", 2) in response.context["supporters"]
