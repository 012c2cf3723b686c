"""Providers, acts and agreements of the shared federation (tests/conftest.py)."""

import datetime
import io

import pytest
from openpyxl import Workbook

from mutualis.providers.services import agreement_create, item_create, provider_create


def workbook(*rows) -> bytes:
    """An .xlsx file of these rows, the first being the header."""
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def national_list(federation):
    """Three acts of the national list: a consultation, a medicine, a delivery flat fee."""
    national = federation.national
    return {
        item.code: item
        for item in (
            item_create(
                by=None,
                owner=national,
                code="CS-PS",
                label="Consultation au poste de santé",
                kind="act",
                service_category="consultation",
                level="health_post",
            ),
            item_create(
                by=None,
                owner=national,
                code="PARA500",
                label="Paracétamol 500 mg",
                kind="medicine",
                service_category="medicines",
                max_quantity=30,
            ),
            item_create(
                by=None,
                owner=national,
                code="ACC-SIMP",
                label="Accouchement simple",
                kind="flat_fee",
                service_category="childbirth",
            ),
        )
    }


@pytest.fixture
def health_post(federation):
    return provider_create(
        by=None,
        owner=federation.d1,
        code="PS-JOAL",
        name="Poste de santé de Joal",
        kind="health_post",
        sector="public",
    )


@pytest.fixture
def agreement(federation, health_post, national_list):
    """Joal's mutual with its health post since 2025, its first version pricing two acts."""
    from mutualis.providers.services import tariffs_update

    agreement = agreement_create(
        by=None,
        provider=health_post,
        party=federation.m1,
        reference="CONV-2025-01",
        signed_on=datetime.date(2024, 12, 15),
        starts_on=datetime.date(2025, 1, 1),
    )
    tariffs_update(by=None, version=agreement.versions.get(), prices={"CS-PS": 500, "PARA500": 15})
    return agreement
