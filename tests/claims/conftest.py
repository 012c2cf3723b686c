import datetime
from types import SimpleNamespace

import pytest

from mutualis.benefits.models import CoverageRule
from mutualis.contributions.services import payment_record
from mutualis.core.ids import new_uid
from mutualis.providers.models import Agreement, AgreementVersion, MedicalItem, Tariff
from mutualis.providers.services import provider_create


@pytest.fixture
def care(federation, family, cmu_package):
    """A health post in Joal under agreement with M1, another in Pakour under agreement with D2
    (M2's union), three items of the national list, and the Diop household
    paid up for 2025 (covered from 9 February, after 30 days of waiting). The CMU package pays
    80 % of consultations and medicines at health posts."""
    CoverageRule.objects.create(
        version=cmu_package.versions.get(),
        service_category="medicines",
        level="health_post",
        rate_bp=8000,
    )
    cmu_package.rules_revision = new_uid()
    cmu_package.save()
    national = federation.national
    consultation = MedicalItem.objects.create(
        owner=national,
        kind="act",
        code="CS-PS",
        label="Consultation",
        service_category="consultation",
    )
    paracetamol = MedicalItem.objects.create(
        owner=national,
        kind="medicine",
        code="PARA500",
        label="Paracétamol 500 mg",
        service_category="medicines",
        max_quantity=30,
    )
    delivery = MedicalItem.objects.create(
        owner=national,
        kind="flat_fee",
        code="ACC-SIMP",
        label="Accouchement simple",
        service_category="childbirth",
        max_quantity=1,
    )
    post = provider_create(
        by=None,
        owner=national,
        code="PS-JOAL",
        name="Poste de santé de Joal",
        kind="health_post",
        level="health_post",
        sector="public",
    )
    pakour = provider_create(
        by=None,
        owner=national,
        code="PS-PAKOUR",
        name="Poste de santé de Pakour",
        kind="health_post",
        level="health_post",
        sector="public",
    )
    agreements = {}
    for provider, party, reference in (
        (post, federation.m1, "C-1"),
        (pakour, federation.d2, "C-2"),
    ):
        agreement = Agreement.objects.create(
            provider=provider,
            party=party,
            reference=reference,
            signed_on=datetime.date(2024, 12, 1),
            starts_on=datetime.date(2025, 1, 1),
        )
        version = AgreementVersion.objects.create(
            agreement=agreement, valid_from=datetime.date(2025, 1, 1), submission_days=60
        )
        Tariff.objects.create(version=version, item=consultation, price=1000)
        Tariff.objects.create(version=version, item=paracetamol, price=25)
        agreements[provider.code] = agreement
    payment_record(
        by=None,
        household=family,
        amount=14652,  # the fee and the days left of 2025
        method="cash",
        received_on=datetime.date(2025, 1, 10),
    )
    members = {b.first_name: b for b in family.beneficiaries.all()}
    return SimpleNamespace(
        post=post,
        pakour=pakour,
        consultation=consultation,
        paracetamol=paracetamol,
        delivery=delivery,
        agreements=agreements,
        moussa=members["Moussa"],
        awa=members["Awa"],
        fatou=members["Fatou"],
    )
