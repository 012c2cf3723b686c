"""The portal editors whose scope holds an entry's keeper add, change and retire it; nobody
else does, whatever path they come by. Retiring keeps the row; every change is audited and
told in the keeper's event log."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.audit import audit_trail
from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.portal.directory import services
from mutualis.portal.directory.models import Committee, Institution, Person, Seat

NEW = {
    "name": "Alliance Santé",
    "acronym": "AS",
    "kind": "support",
    "membership": "member",
    "country": "BJ",
    "other_countries": "",
    "city": "Cotonou",
    "address": "",
    "phone": "+229 21 30 00 00",
    "email": "contact@alliance.example.org",
    "website": "https://alliance.example.org",
    "description_fr": "Appui aux mutuelles du Bénin.",
    "description_en": "",
    "members_only": ["phone", "email"],
}


def test_an_editor_adds_an_organisation_from_the_page(client, keeper):
    client.force_login(keeper)
    response = client.post("/network/directory/organisations/new/", NEW)
    row = Institution.objects.get(name="Alliance Santé")
    assert response.status_code == 302 and response.url == row.get_absolute_url()
    assert row.owner == keeper.organisation and row.members_only == ["phone", "email"]
    assert audit_trail(row).filter(action=AuditEntry.Action.CREATE).exists()
    assert Event.objects.filter(subject=row.uid, kind="directory_institution.created").exists()


def test_a_user_who_is_no_editor_cannot_add_nor_change(client, cast, graim):
    client.force_login(cast[Role.UNION_OFFICER])
    assert client.post("/network/directory/organisations/new/", NEW).status_code == 403
    edit = f"/network/directory/organisations/{graim.pk}/edit/"
    assert client.post(edit, {**NEW, "name": "Autre"}).status_code == 403
    graim.refresh_from_db()
    assert graim.name.startswith("Groupe de recherche")


def test_an_editor_of_a_mutual_cannot_change_the_national_unions_entries(
    client, federation, cast, graim
):
    editor = cast[Role.PORTAL_EDITOR]  # of the mutual M1, below the national union
    client.force_login(editor)
    edit = f"/network/directory/organisations/{graim.pk}/edit/"
    assert client.get(edit).status_code == 404
    with pytest.raises(ValidationError) as refused:
        services.institution_update(by=editor, institution=graim, values={"name": "Autre"})
    assert "institution" in refused.value.message_dict


def test_retiring_keeps_the_row_and_hides_it_from_the_public(client, keeper, graim, fatou):
    client.force_login(keeper)
    retire = f"/network/directory/organisations/{graim.pk}/retire/"
    # without the confirmation nothing is retired
    assert client.post(retire, {}).status_code == 200
    graim.refresh_from_db()
    assert not graim.is_retired
    assert client.post(retire, {"confirm": "on"}).status_code == 302
    graim.refresh_from_db()
    assert graim.is_retired and graim.retired_by == keeper
    assert Institution.objects.filter(pk=graim.pk).exists()
    # its keeper still sees it, marked
    assert "GRAIM" in client.get("/network/directory/").content.decode()
    client.logout()
    assert "GRAIM" not in client.get("/network/directory/").content.decode()
    assert client.get(graim.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError) as refused:
        services.institution_retire(by=keeper, institution=graim)
    assert "déjà retirée" in refused.value.message_dict["institution"][0]


def test_retiring_a_person_ends_their_seats_and_keeps_them(keeper, federation, fatou):
    committee = services.committee_create(
        by=keeper, owner=federation.national, country="SN", name="Comité national"
    )
    seat = services.seat_take(by=keeper, committee=committee, person=fatou, role="chair")
    services.person_retire(by=keeper, person=fatou)
    seat.refresh_from_db()
    assert seat.ended_at is not None
    assert Person.objects.filter(pk=fatou.pk, retired_at__isnull=False).exists()
    assert Seat.objects.filter(pk=seat.pk).exists()


def test_a_person_linked_to_their_account_chooses_who_sees_their_details(
    client, cast, keeper, fatou
):
    manager = cast[Role.MUTUAL_MANAGER]
    services.person_update(by=None, person=fatou, values={"user": manager})
    client.force_login(manager)
    response = client.post("/network/directory/my-entry/", {"members_only": ["phone"]})
    assert response.status_code == 302
    fatou.refresh_from_db()
    assert fatou.members_only == ["phone"]
    # someone else, neither the person nor an editor, may not
    with pytest.raises(ValidationError):
        services.person_visibility_set(by=cast[Role.CASHIER], person=fatou, members_only=[])


def test_a_user_account_is_linked_to_one_entry_at_most(cast, keeper, fatou, federation):
    manager = cast[Role.MUTUAL_MANAGER]
    services.person_update(by=None, person=fatou, values={"user": manager})
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            by=None,
            owner=federation.national,
            values={"name": "Autre", "country": "SN", "user": manager},
        )
    assert "Fatou Fall" in refused.value.message_dict["user"][0]


def test_an_editor_seats_members_and_ends_a_seat_from_the_committee_page(
    client, keeper, federation, fatou
):
    client.force_login(keeper)
    response = client.post(
        "/network/directory/committees/new/", {"country": "SN", "name": "Comité du Sénégal"}
    )
    assert response.status_code == 302
    committee = Committee.objects.get(country="SN")
    page = f"/network/directory/committees/{committee.pk}/"
    client.post(page, {"action": "seat", "person": fatou.pk, "role": "secretary"})
    seat = Seat.objects.get(committee=committee, person=fatou)
    listing = client.get("/network/directory/committees/").content.decode()
    assert "Fatou Fall</a>, secrétaire" in listing
    client.post(page, {"action": "end", "seat": seat.pk})
    seat.refresh_from_db()
    assert seat.ended_at is not None
    assert "Fatou Fall" not in client.get("/network/directory/committees/").content.decode()


def test_an_editor_links_an_account_of_their_scope_and_keeps_a_link_made_outside_it(
    client, federation, cast, keeper, fatou
):
    client.force_login(keeper)
    form = {
        "name": "Fatou Fall",
        "country": "SN",
        "members_only": ["email"],
        "user": cast[Role.MUTUAL_MANAGER].pk,  # of M1, inside the national union
    }
    edit = f"/network/directory/people/{fatou.pk}/edit/"
    assert client.post(edit, form).status_code == 302
    fatou.refresh_from_db()
    assert fatou.user == cast[Role.MUTUAL_MANAGER]
    # an editor of M1 may not link an account of M2 to their entries...
    outsider = user_create(
        by=None, username="m2-gerant", organisation=federation.m2, roles=[Role.CASHIER]
    )
    awa = services.person_create(
        by=None, owner=federation.m1, values={"name": "Awa Ndiaye", "country": "SN"}
    )
    editor = cast[Role.PORTAL_EDITOR]
    with pytest.raises(ValidationError) as refused:
        services.person_update(by=editor, person=awa, values={"user": outsider})
    assert "user" in refused.value.message_dict
    # ...but a link the system made stays when the editor changes the entry
    services.person_update(by=None, person=awa, values={"user": outsider})
    services.person_update(by=editor, person=awa, values={"title": "Gérante"})
    awa.refresh_from_db()
    assert awa.user == outsider and awa.title == "Gérante"


def test_ending_a_seat_that_is_not_the_committees_is_refused_not_a_server_error(
    client, keeper, federation, fatou
):
    senegal = services.committee_create(
        by=keeper, owner=federation.national, country="SN", name="Comité du Sénégal"
    )
    seat = services.seat_take(by=keeper, committee=senegal, person=fatou, role="chair")
    mali = services.committee_create(
        by=keeper, owner=federation.national, country="ML", name="Comité du Mali"
    )
    client.force_login(keeper)
    for value in ("abc", "", str(seat.pk)):
        response = client.post(
            f"/network/directory/committees/{mali.pk}/", {"action": "end", "seat": value}
        )
        assert response.status_code == 200
    seat.refresh_from_db()
    assert seat.ended_at is None
