"""The DHIS2 pages of a union's officers (interop.dhis2.views): the mapping and the pushes, in
French and English, for the officer's own union only."""

import pytest
from django.conf import settings
from django.urls import reverse

from mutualis.core.models import AuditEntry
from mutualis.core.sealed import unsealed
from mutualis.core.tasks import run_waiting
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.interop.dhis2 import services
from mutualis.interop.dhis2.models import ElementMap, OrgUnitMap, Push, Server
from tests.interop.dhis2_cast import (
    DATA_SET,
    OU_M1,
    set_up_union,
)

pytestmark = pytest.mark.django_db


def speak(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


@pytest.fixture
def client(client):
    speak(client, "en")  # French where a test says so
    return client


@pytest.fixture
def officer(cast):
    return cast[Role.UNION_OFFICER]  # in D1


@pytest.fixture
def other_officer(federation):
    return user_create(
        by=None, username="d2-officer", organisation=federation.d2, roles=[Role.UNION_OFFICER]
    )


def test_the_mapping_page_speaks_french_and_english(client, officer):
    client.force_login(officer)

    english = client.get(reverse("dhis2_mapping")).content.decode()
    speak(client, "fr")
    french = client.get(reverse("dhis2_mapping")).content.decode()

    assert "Éléments de données" in french and "taux de renouvellement" in french.lower()
    assert "Data elements" in english and "renewal rate" in english.lower()
    assert "Mutuelle de santé de Joal" in english
    assert "Pakour" not in english  # another union's mutual


def test_an_officer_sets_the_server_and_the_password_is_never_shown_back(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("dhis2_mapping"),
        {
            "form": "server",
            "server-base_url": "https://dhis2.example.org/",
            "server-username": "mutualis",
            "server-password": "S3cret-pass",
            "server-data_set": DATA_SET,
            "server-id_scheme": "UID",
        },
    )

    assert response.status_code == 302
    server = Server.objects.get()
    # kept sealed: read from the database or a backup, it tells nothing
    assert server.base_url == "https://dhis2.example.org"
    assert "S3cret" not in server.password and unsealed(server.password) == "S3cret-pass"
    page = client.get(reverse("dhis2_mapping")).content.decode()
    assert "S3cret-pass" not in page and "A password is kept" in page
    assert "S3cret-pass" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_an_officer_maps_data_elements_and_org_units(client, officer, federation):
    client.force_login(officer)
    services.server_set(
        by=officer,
        union=federation.d1,
        base_url="https://dhis2.example.org",
        username="u",
        password="p",
        data_set=DATA_SET,
        id_scheme="UID",
    )

    client.post(
        reverse("dhis2_mapping"),
        {"form": "elements", "element-M.2": "deRenewal01", "combo-M.2": ""},
    )
    client.post(
        reverse("dhis2_mapping"), {"form": "org_units", f"org_unit-{federation.m1.pk}": OU_M1}
    )

    assert ElementMap.objects.get().data_element == "deRenewal01"
    assert OrgUnitMap.objects.get().organisation == federation.m1


def test_a_wrong_uid_is_told_on_its_row_and_nothing_is_saved(client, officer, federation):
    client.force_login(officer)

    response = client.post(
        reverse("dhis2_mapping"),
        {"form": "elements", "element-M.2": "not a uid", "element-visits": "deVisits001"},
    )

    assert response.status_code == 200
    assert "A DHIS2 UID is 11 letters or digits" in response.content.decode()
    assert not ElementMap.objects.exists()


def test_an_officer_pushes_and_sees_the_counts_and_conflicts(
    client, officer, federation, figures, fake
):
    set_up_union(federation.d1, [federation.m1], fake.url)
    client.force_login(officer)
    form = {
        "action": "push",
        "first": "2025-07",
        "last": "2025-08",
        "organisations": [str(federation.m1.pk)],
        "format": "json",
    }

    client.post(reverse("dhis2_push"), {**form, "dry_run": "on"})
    asked = client.post(reverse("dhis2_push"), form, follow=True).content.decode()
    # the page asked for them; the worker sends them, and the list follows it every 5 s
    assert "The push is queued" in asked and 'hx-trigger="every 5s"' in asked
    assert fake.requests == []
    run_waiting()
    page = client.get(reverse("dhis2_push")).content.decode()

    dry, real = Push.objects.order_by("pk")
    assert dry.dry_run and dry.imported == 6 and real.imported == 6
    assert "dry run" in page and "done" in page and "hx-trigger" not in page
    speak(client, "fr")
    french = client.get(reverse("dhis2_push")).content.decode()
    assert "essai" in french


def test_the_document_is_downloaded_without_pushing(client, officer, federation, figures, fake):
    set_up_union(federation.d1, [federation.m1], fake.url)
    client.force_login(officer)

    response = client.post(
        reverse("dhis2_push"),
        {
            "action": "download",
            "first": "2025-07",
            "last": "2025-07",
            "organisations": [str(federation.m1.pk)],
            "format": "adx",
        },
    )

    assert response["Content-Type"] == "application/adx+xml"
    assert b"urn:ihe:qrph:adx:2015" in response.content
    assert fake.requests == [] and not Push.objects.exists()


def test_a_stopped_push_is_resumed_from_the_page(client, officer, federation, figures):
    from mutualis.interop.dhis2.fake import FakeDhis2
    from tests.interop.dhis2_cast import ELEMENTS, JULY, ORG_UNITS

    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS, fail={1: 503}) as fake:
        set_up_union(federation.d1, [federation.m1], fake.url)
        stopped = services.push_start(by=officer, union=federation.d1, months=[JULY])
        run_waiting()
        client.force_login(officer)
        assert "503" in client.get(reverse("dhis2_push")).content.decode()

        client.post(reverse("dhis2_push"), {"action": "resume", "push": str(stopped.uid)})
        run_waiting()

    stopped.refresh_from_db()
    assert (stopped.status, stopped.imported) == ("done", 4)


def test_another_union_s_officer_sees_and_resumes_none_of_its_pushes(
    client, officer, other_officer, federation, figures
):
    from mutualis.interop.dhis2.fake import FakeDhis2
    from tests.interop.dhis2_cast import ELEMENTS, JULY, ORG_UNITS

    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS, fail={1: 503}) as fake:
        set_up_union(federation.d1, [federation.m1], fake.url)
        stopped = services.push_start(by=officer, union=federation.d1, months=[JULY])
        run_waiting()
        client.force_login(other_officer)

        page = client.get(reverse("dhis2_push")).content.decode()
        client.post(reverse("dhis2_push"), {"action": "resume", "push": str(stopped.uid)})
        run_waiting()
        mapping = client.get(reverse("dhis2_mapping")).content.decode()

    assert str(stopped.uid) not in page and fake.url not in page
    assert len(fake.requests) == 1  # the one that failed: no resumption
    assert "Joal" not in mapping and fake.url not in mapping


def test_a_mutual_s_staff_may_not_open_the_pages(client, cast):
    client.force_login(cast[Role.MUTUAL_MANAGER])

    assert client.get(reverse("dhis2_mapping")).status_code == 403
    assert client.get(reverse("dhis2_push")).status_code == 403


def test_an_officer_of_a_support_structure_is_told_the_pages_are_a_union_s(client, federation):
    from mutualis.federation.rules import Kind
    from mutualis.federation.services import organisation_create

    ngo = organisation_create(
        by=None,
        kind=Kind.SUPPORT_STRUCTURE,
        parent=federation.national,
        code="ONG",
        name="ONG",
        support_type="ngo",
    )
    user = user_create(by=None, username="ngo", organisation=ngo, roles=[Role.UNION_OFFICER])
    client.force_login(user)

    page = client.get(reverse("dhis2_push")).content.decode()

    assert "these pages are for the officers of a union" in page


def test_an_address_that_is_no_web_server_s_is_told_and_what_was_typed_is_kept(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("dhis2_mapping"),
        {
            "form": "server",
            "server-base_url": "file:///etc/passwd",
            "server-username": "mutualis",
            "server-password": "S3cret-pass",
            "server-data_set": DATA_SET,
            "server-id_scheme": "UID",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "starting with https://" in page
    assert 'value="mutualis"' in page and "S3cret-pass" not in page
    assert not Server.objects.exists()
