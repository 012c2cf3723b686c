"""The providers' demo data: the national list, a facility per mutual, hospitals and pharmacies
per union, and their agreements, the same for the same seed."""

import datetime
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from mutualis.federation.models import Organisation
from mutualis.providers import demo
from mutualis.providers.models import Agreement, AgreementVersion, MedicalItem, Provider, Tariff
from mutualis.providers.queries import items_available_to

PLACES = dict(
    national_union="UN",
    demo_union="UD-A",
    regions=[demo.RegionPlace("UR", "SN-TH", "Thiès")],
    departments=[
        demo.DepartmentPlace("UD-A", "UR", "SN-TH-THI", "Thiès"),
        demo.DepartmentPlace("UD-B", "UR", "SN-TH-MBO", "M'bour"),
    ],
    mutuals=[
        demo.MutualPlace("MS-1", "UD-A", "SN-TH-THI-001", "Thiès Nord"),
        demo.MutualPlace("MS-2", "UD-A", "SN-TH-THI-002", "Fandène"),
        demo.MutualPlace("MS-3", "UD-B", "SN-TH-MBO-001", "Mbour"),
    ],
)


def plan(seed):
    return demo.plan_providers(random.Random(seed), today=datetime.date(2026, 5, 4), **PLACES)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    assert plan(1) == plan(1)
    assert plan(1) != plan(2)


def test_the_plan_has_a_facility_per_mutual_and_hospitals_and_pharmacies_per_union():
    planned = plan(1)
    kinds = Counter(p.kind for p in planned.providers)
    assert kinds["health_centre"] == 2  # one per department's chef-lieu
    assert kinds["health_post"] == 1
    assert kinds["district_hospital"] == 2
    assert kinds["regional_hospital"] == 1
    assert kinds["private_clinic"] == 1
    assert 2 <= kinds["pharmacy"] <= 4
    parties = Counter(a.party for a in planned.agreements)
    assert parties["MS-1"] == parties["MS-2"] == parties["MS-3"] == 1
    assert parties["UD-A"] >= 2 and parties["UR"] == 1


def test_agreed_prices_are_at_or_a_little_under_the_reference():
    planned = plan(3)
    reference = {item.code: item.reference_price for item in planned.items}
    discounted = 0
    for agreement in planned.agreements:
        for code, price in agreement.versions[-1].tariffs:  # earlier ones are cheaper
            assert 0.85 * reference[code] <= price <= reference[code]
            discounted += price < reference[code]
    assert discounted


def test_the_demo_union_s_agreements_have_a_second_version_with_dearer_prices():
    for agreement in plan(1).agreements:
        if agreement.party in ("MS-1", "MS-2", "UD-A"):
            first, second = agreement.versions
            assert second.valid_from == datetime.date(2026, 1, 1) > agreement.starts_on
            assert all(
                old <= new
                for (_c, old), (_c2, new) in zip(first.tariffs, second.tariffs, strict=True)
            )
        else:
            assert len(agreement.versions) == 1


def test_a_health_post_prices_primary_care_and_a_pharmacy_medicines_only():
    planned = plan(1)
    items = {item.code: item for item in planned.items}
    providers = {p.code: p for p in planned.providers}
    for agreement in planned.agreements:
        kind = providers[agreement.provider].kind
        categories = {items[code].service_category for code, _p in agreement.versions[-1].tariffs}
        if kind == "pharmacy":
            assert categories == {"medicines"}
        if kind == "health_post":
            assert {"caesarean", "surgery", "imaging", "hospitalisation"}.isdisjoint(categories)
            assert "CS-PS" in dict(agreement.versions[-1].tariffs)
        if kind == "district_hospital":
            assert {"caesarean", "surgery", "hospitalisation"} <= categories


# --- on the database -------------------------------------------------------------------------


@pytest.fixture
def loaded(db):
    call_command("demo", mutuals=50, seed=3, stdout=StringIO())


def test_every_mutual_has_an_agreement_with_the_facility_of_its_commune(loaded):
    for mutual in Organisation.objects.filter(kind="mutual"):
        agreement = Agreement.objects.select_related("provider").get(party=mutual)
        assert agreement.provider.location_id == mutual.location_id
        assert agreement.provider.kind in ("health_post", "health_centre")
        assert agreement.provider.owner_id == mutual.parent_id


def test_every_departmental_union_signs_with_its_district_hospital_for_its_mutuals(loaded):
    unions = Organisation.objects.filter(kind="departmental_union")
    assert unions.count() == 45
    for union in unions:
        kinds = Counter(a.provider.kind for a in Agreement.objects.filter(party=union))
        assert kinds["district_hospital"] == 1
        assert 1 <= kinds["pharmacy"] <= 2


def test_every_tariff_prices_an_act_available_to_the_agreement_s_party(loaded):
    versions = AgreementVersion.objects.select_related("agreement__party")
    available = {}
    for version in versions.order_by("agreement__party"):
        party = version.agreement.party
        if party.pk not in available:
            available[party.pk] = set(items_available_to(party).values_list("pk", flat=True))
        assert set(version.tariffs.values_list("item", flat=True)) <= available[party.pk]
    assert Tariff.objects.count() > 50 * 40


def test_the_national_list_and_the_union_s_additions_are_written(loaded):
    national = Organisation.objects.get(kind="national_union")
    assert MedicalItem.objects.filter(owner=national).count() == 97
    assert set(MedicalItem.objects.exclude(owner=national).values_list("code", flat=True)) == {
        "LAB-HBA1C",
        "DENT-DETART",
    }
    assert not MedicalItem.objects.filter(kind="flat_fee").exclude(max_quantity=1).exists()


def test_the_demo_clerk_works_at_the_demo_mutual_s_health_centre(loaded):
    clerk_facility = Provider.objects.get(staff__username="clerk")
    assert clerk_facility.kind == "health_centre"
    manager = Organisation.objects.get(users__username="manager")
    assert Agreement.objects.get(party=manager).provider == clerk_facility
