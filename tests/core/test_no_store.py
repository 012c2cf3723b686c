"""No answer to a signed-in user is kept by a browser or a proxy (mutual offices share
computers): pages, PDFs, Excel exports and the APIs' answers say `Cache-Control: no-store`;
static files need not."""

import datetime

import pytest
from django.test import Client

from mutualis.contributions.services import payment_record
from mutualis.federation.services import api_key_create


def kept_by_nobody(response) -> bool:
    assert response.status_code == 200, response.content[:300]
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def manager(cast):
    return cast["mutual_manager"]


def test_pages_pdfs_and_exports_of_a_signed_in_user_are_not_stored(client, family, manager):
    payment = payment_record(
        by=None,
        household=family,
        amount=15000,
        method="cash",
        received_on=datetime.date(2025, 1, 10),
    )
    client.force_login(manager)
    assert kept_by_nobody(client.get("/"))
    pdf = client.get(f"/payments/{payment.pk}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and kept_by_nobody(pdf)
    export = client.get("/register/export/", {"mutual": family.mutual_id})
    assert export["Content-Type"].startswith("application/vnd.openxml") and kept_by_nobody(export)


def test_the_apis_answers_to_a_key_are_not_stored(family, manager):
    program = Client(headers={"X-Forwarded-Proto": "https"})
    key = {"Authorization": f"Bearer {api_key_create(by=None, user=manager, name='tests')}"}
    assert kept_by_nobody(program.get("/api/households", headers=key))
    awa = family.beneficiaries.get(first_name="Awa")
    fhir = program.get(f"/fhir/r4/Patient/{awa.member_number}", headers=key)
    assert fhir["Content-Type"].startswith("application/fhir+json") and kept_by_nobody(fhir)


def test_static_files_may_be_kept(client, manager):
    client.force_login(manager)
    assert not kept_by_nobody(client.get("/static/mutualis/mutualis.css"))
