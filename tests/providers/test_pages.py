"""The providers' screens: who may change what, and the create and edit flows."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mutualis.benefits.choices import ServiceCategory
from mutualis.core.http import XLSX
from mutualis.federation.models import Location
from mutualis.providers.models import AgreementVersion, MedicalItem, Provider
from mutualis.providers.services import agreement_create, item_create, provider_create
from tests.providers.conftest import workbook


def test_an_officer_registers_a_provider_with_its_clerk(client, federation, cast):
    client.force_login(cast["union_officer"])
    clerk = cast["provider_clerk"]

    response = client.post(
        "/providers/new/",
        {
            "owner": federation.d1.pk,
            "code": "HD-MBOUR",
            "name": "Hôpital de Mbour",
            "kind": "district_hospital",
            "sector": "public",
            "staff": [clerk.pk],
        },
    )

    provider = Provider.objects.get(code="HD-MBOUR")
    assert response.status_code == 302 and response.url == f"/providers/{provider.pk}/"
    assert provider.level == "district_hospital"
    assert list(provider.staff.all()) == [clerk]
    page = client.get(response.url).content.decode()
    assert "Hôpital de Mbour" in page and clerk.username in page


def test_a_refused_provider_keeps_what_was_typed_and_names_the_field(
    client, federation, cast, health_post
):
    client.force_login(cast["union_officer"])

    response = client.post(
        "/providers/new/",
        {
            "owner": federation.d1.pk,
            "code": "PS-JOAL",
            "name": "Doublon",
            "kind": "health_post",
            "sector": "public",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert 'value="Doublon"' in response.content.decode()
    assert Provider.objects.count() == 1


def test_an_officer_changes_a_provider_of_their_union_but_not_the_national_ones(
    client, federation, cast, health_post
):
    national = provider_create(
        by=None,
        owner=federation.national,
        code="CHNU",
        name="Centre hospitalier national",
        kind="national_hospital",
        sector="public",
    )
    client.force_login(cast["union_officer"])

    response = client.post(
        f"/providers/{health_post.pk}/edit/",
        {
            "code": "PS-JOAL",
            "name": "Poste de santé de Joal-Fadiouth",
            "kind": "health_post",
            "level": "health_post",
            "sector": "public",
            "active": "on",
        },
    )

    assert response.status_code == 302
    health_post.refresh_from_db()
    assert health_post.name == "Poste de santé de Joal-Fadiouth"
    assert client.get(f"/providers/{national.pk}/").status_code == 200
    assert client.get(f"/providers/{national.pk}/edit/").status_code == 404


def test_the_provider_list_filters_by_kind_level_and_commune_in_constant_queries(
    client, federation, cast, health_post
):
    joal = Location.objects.create(level="commune", code="J", name="Joal", country_code="SN")
    Provider.objects.filter(pk=health_post.pk).update(location=joal)
    client.force_login(cast["provider_clerk"])
    with CaptureQueriesContext(connection) as one:
        client.get("/providers/")
    for number in range(12):
        provider_create(
            by=None,
            owner=federation.d1,
            code=f"PH-{number}",
            name=f"Pharmacie {number}",
            kind="pharmacy",
            sector="private",
        )

    with CaptureQueriesContext(connection) as thirteen:
        page = client.get("/providers/", {"kind": "pharmacy"}).content.decode()
    assert len(thirteen) == len(one)
    assert "Pharmacie 11" in page and "Poste de santé de Joal" not in page
    rows = client.get("/providers/", {"commune": joal.pk}, headers={"HX-Request": "true"})
    assert "<html" not in rows.content.decode()
    assert list(rows.context["page"]) == [health_post]
    assert list(client.get("/providers/", {"level": "health_post"}).context["page"]) == [
        health_post
    ]


def test_the_list_of_acts_filters_by_kind_and_service(client, cast, national_list):
    client.force_login(cast["cashier"])

    medicines = client.get("/items/", {"kind": "medicine"}).context["page"]
    deliveries = client.get("/items/", {"service_category": "childbirth"}).context["page"]
    found = client.get("/items/", {"q": "paracét"}).context["page"]

    assert [i.code for i in medicines] == ["PARA500"]
    assert [i.code for i in deliveries] == ["ACC-SIMP"]
    assert [i.code for i in found] == ["PARA500"]


def test_an_officer_imports_a_list_for_their_union_from_the_screen(client, federation, cast):
    client.force_login(cast["union_officer"])
    template = client.get("/items/template.xlsx")
    assert template["Content-Type"] == XLSX

    response = client.post(
        "/items/import/",
        {"owner": federation.d1.pk, "file": SimpleUploadedFile("liste.xlsx", template.content)},
    )

    assert response.status_code == 200
    assert response.context["report"].saved
    assert MedicalItem.objects.filter(owner=federation.d1).count() == 3


def test_a_manager_signs_an_agreement_then_gives_its_tariffs(
    client, federation, cast, health_post, national_list
):
    client.force_login(cast["mutual_manager"])
    form = client.get("/agreements/new/", {"provider": health_post.pk})
    assert form.context["form"].initial["provider"] == health_post

    response = client.post(
        "/agreements/new/",
        {
            "provider": health_post.pk,
            "party": federation.m1.pk,
            "reference": "CONV-2025-07",
            "signed_on": "2025-06-20",
            "starts_on": "2025-07-01",
            "terms-payment_days": "30",
            "terms-invoicing_period": "month",
            "terms-submission_days": "60",
            "terms-identity_check": "on",
            "terms-obligations": "Vérifier la carte à chaque visite.",
        },
    )
    agreement = health_post.agreements.get()
    assert response.status_code == 302 and response.url == f"/agreements/{agreement.pk}/tariffs/"

    response = client.post(
        response.url,
        {
            "tariff-TOTAL_FORMS": "2",
            "tariff-INITIAL_FORMS": "0",
            "tariff-0-code": "CS-PS",
            "tariff-0-price": "500",
            "tariff-1-code": "ACC-SIMP",
            "tariff-1-price": "4500",
        },
    )
    assert response.status_code == 302
    version = agreement.versions.get()
    assert dict(version.tariffs.values_list("item__code", "price")) == {
        "CS-PS": 500,
        "ACC-SIMP": 4500,
    }
    detail = client.get(f"/agreements/{agreement.pk}/")
    with translation.override("fr"):
        covered = sorted(str(ServiceCategory(s).label) for s in ("childbirth", "consultation"))
    assert detail.context["services_covered"] == covered


def test_an_unknown_code_in_the_tariffs_is_shown_and_nothing_changes(client, cast, agreement):
    client.force_login(cast["mutual_manager"])

    response = client.post(
        f"/agreements/{agreement.pk}/tariffs/",
        {
            "tariff-TOTAL_FORMS": "1",
            "tariff-INITIAL_FORMS": "0",
            "tariff-0-code": "NOPE",
            "tariff-0-price": "10",
        },
    )

    assert response.status_code == 200
    assert response.context["errors"]
    assert agreement.versions.get().tariffs.count() == 2


def test_a_new_version_starts_from_the_current_one_and_takes_its_tariffs(client, cast, agreement):
    client.force_login(cast["union_officer"])
    form = client.get(f"/agreements/{agreement.pk}/versions/new/").context["form"]
    assert form.initial["submission_days"] == 90

    response = client.post(
        f"/agreements/{agreement.pk}/versions/new/",
        {
            "valid_from": "2026-01-01",
            "payment_days": "15",
            "invoicing_period": "quarter",
            "submission_days": "90",
            "identity_check": "on",
        },
    )

    assert response.status_code == 302
    latest = agreement.versions.order_by("-valid_from").first()
    assert (latest.valid_from, latest.payment_days) == (datetime.date(2026, 1, 1), 15)
    assert latest.tariffs.count() == 2
    refused = client.post(
        f"/agreements/{agreement.pk}/versions/new/",
        {
            "valid_from": "2025-06-01",
            "payment_days": "15",
            "invoicing_period": "month",
            "submission_days": "90",
        },
    )
    assert list(refused.context["form"].errors) == ["valid_from"]
    assert AgreementVersion.objects.count() == 2


def test_a_manager_reads_the_union_s_agreement_but_does_not_change_it(
    client, federation, cast, health_post
):
    union_agreement = agreement_create(
        by=None,
        provider=health_post,
        party=federation.d1,
        reference="CONV-UD",
        signed_on=datetime.date(2025, 1, 1),
        starts_on=datetime.date(2025, 1, 1),
    )
    client.force_login(cast["mutual_manager"])

    assert client.get(f"/agreements/{union_agreement.pk}/").status_code == 200
    assert client.get(f"/agreements/{union_agreement.pk}/price-list.xlsx").status_code == 200
    for page in ("versions/new/", "tariffs/", "tariffs/import/"):
        assert client.get(f"/agreements/{union_agreement.pk}/{page}").status_code == 404


def test_a_price_list_uploaded_on_the_screen_is_reported_row_by_row(client, cast, agreement):
    client.force_login(cast["mutual_manager"])
    content = workbook(("code", "prix"), ("CS-PS", 550), ("NOPE", 10))

    response = client.post(
        f"/agreements/{agreement.pk}/tariffs/import/",
        {"file": SimpleUploadedFile("prix.xlsx", content)},
    )

    assert response.status_code == 200
    assert not response.context["report"].saved
    assert len(response.context["problems"]) == 1
    downloaded = client.get(f"/agreements/{agreement.pk}/price-list.xlsx")
    response = client.post(
        f"/agreements/{agreement.pk}/tariffs/import/",
        {"file": SimpleUploadedFile("liste.xlsx", downloaded.content)},
    )
    assert response.context["report"].saved
    assert response.context["report"].unchanged == 2


def test_a_provider_clerk_reads_providers_acts_and_agreements(client, cast, agreement):
    client.force_login(cast["provider_clerk"])
    for url in (
        "/providers/",
        f"/providers/{agreement.provider.pk}/",
        "/items/",
        "/agreements/",
        f"/agreements/{agreement.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/providers/new/").status_code == 403
    assert client.get(f"/agreements/{agreement.pk}/tariffs/").status_code == 403


def test_lists_show_what_lies_in_scope_and_above_it_but_nothing_of_another_union(
    client, federation, cast, national_list
):
    for union, name in ((federation.d1, "Inside"), (federation.d2, "Outside")):
        provider = provider_create(
            by=None,
            owner=union,
            code=f"HD-{union.code}",
            name=f"{name} hospital",
            kind="district_hospital",
            sector="public",
        )
        agreement_create(
            by=None,
            provider=provider,
            party=union,
            reference=f"{name}-agreement",
            signed_on=datetime.date(2025, 1, 1),
            starts_on=datetime.date(2025, 1, 1),
        )
        item_create(
            by=None,
            owner=union,
            code=f"{name}-act",
            label=f"{name} act",
            kind="act",
            service_category="surgery",
        )
    national = provider_create(
        by=None,
        owner=federation.national,
        code="CHNU",
        name="National hospital",
        kind="national_hospital",
        sector="public",
    )
    client.force_login(cast["mutual_manager"])  # in M1, under D1

    providers = client.get("/providers/").content.decode()
    agreements = client.get("/agreements/").content.decode()
    items = client.get("/items/").content.decode()

    assert "Inside hospital" in providers and national.name in providers
    assert "Outside hospital" not in providers
    assert "Inside-agreement" in agreements and "Outside-agreement" not in agreements
    assert "Inside act" in items and "PARA500" in items and "Outside act" not in items


def test_a_refused_agreement_shows_each_error_on_its_own_field(
    client, federation, cast, health_post
):
    client.force_login(cast["union_officer"])

    response = client.post(
        "/agreements/new/",
        {
            "provider": health_post.pk,
            "party": federation.m1.pk,
            "reference": "CONV-1",
            "signed_on": "2025-06-20",
            "starts_on": "2025-07-01",
            "ends_on": "2025-06-30",
            "terms-payment_days": "30",
            "terms-invoicing_period": "month",
            "terms-submission_days": "60",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["ends_on"]
    assert not response.context["terms"].errors
    assert not health_post.agreements.exists()
