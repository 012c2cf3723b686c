"""Each field of an entry is public or for members only: anonymous visitors never read a
members-only field, on a page, in a list, through a search or through the API; signed-in
members read them all."""

import pytest

from mutualis.federation.rules import Role
from mutualis.inventory.services import focal_point_designate
from mutualis.portal.directory import queries, services
from tests.directory.conftest import SECRET_ADDRESS, SECRET_MAIL, SECRET_PHONE

SECRETS = (SECRET_PHONE, SECRET_MAIL, SECRET_ADDRESS, "fatou.fall@example.org")


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/network/directory/", "/network/directory/people/", "/network/directory/?q=GRAIM"],
)
def test_an_anonymous_list_shows_no_members_only_field(client, graim, fatou, url):
    page = page_of(client, url)
    assert "GRAIM" in page or "Fatou Fall" in page
    for secret in SECRETS:
        assert secret not in page


def test_an_anonymous_page_shows_the_public_fields_only(client, graim, fatou):
    page = page_of(client, graim.get_absolute_url())
    assert "Thiès" in page and "https://graim.example.org" in page
    for secret in (SECRET_PHONE, SECRET_MAIL, SECRET_ADDRESS):
        assert secret not in page
    person = page_of(client, fatou.get_absolute_url())
    assert "+221 77 555 44 33" in person  # she made her phone public
    assert "fatou.fall@example.org" not in person


def test_a_signed_in_member_reads_every_field(client, cast, graim, fatou):
    client.force_login(cast[Role.CASHIER])
    page = page_of(client, graim.get_absolute_url())
    for secret in (SECRET_PHONE, SECRET_MAIL, SECRET_ADDRESS):
        assert secret in page
    assert "fatou.fall@example.org" in page_of(client, fatou.get_absolute_url())


def test_a_search_matches_a_members_only_field_for_members_only(client, cast, keeper, graim):
    # the descriptions name the city too: without them, only the city holds the word
    services.institution_update(
        by=keeper,
        institution=graim,
        values={"members_only": ["city", "phone"], "description_fr": "", "description_en": ""},
    )
    assert "GRAIM" not in page_of(client, "/network/directory/?q=thies")
    client.force_login(cast[Role.CASHIER])
    assert "GRAIM" in page_of(client, "/network/directory/?q=thies")


def test_a_person_whose_organisation_is_members_only_is_not_found_by_it(client, keeper, fatou):
    services.person_visibility_set(by=keeper, person=fatou, members_only=["institution"])
    assert "Fatou Fall" not in page_of(client, "/network/directory/people/?q=graim")
    assert "Fatou Fall" not in page_of(client, "/network/directory/people/?kind=support")
    assert "GRAIM" not in page_of(client, fatou.get_absolute_url())


def test_the_cards_leave_out_what_the_reader_may_not_see(graim, fatou):
    public = queries.institution_card(graim, member=False)
    assert {"address", "phone", "email"}.isdisjoint(public)
    assert public["city"] == "Thiès"
    assert {"address", "phone", "email"} <= set(queries.institution_card(graim, member=True))
    assert "email" not in queries.person_card(fatou, member=False)


def test_the_api_answers_nobody_who_is_not_signed_in(client, graim, fatou):
    for path in ("organisations", "people", "committees", "focal-points"):
        response = client.get(f"/api/directory/{path}")
        assert response.status_code == 401
        for secret in SECRETS:
            assert secret not in response.content.decode()


def test_the_api_reads_as_a_member_reads(client, cast, graim, fatou):
    client.force_login(cast[Role.CASHIER])
    [organisation] = client.get("/api/directory/organisations?country=ML").json()
    assert organisation["phone"] == SECRET_PHONE
    assert organisation["countries"] == ["SN", "ML", "GN"]
    [person] = client.get("/api/directory/people?q=tableaux").json()
    assert person["email"] == "fatou.fall@example.org"
    assert person["organisation"] == str(graim.uid)
    assert person["languages"] == ["fr", "wo"]


def test_the_api_filters_and_refuses_a_bad_filter_by_name(client, cast, graim):
    client.force_login(cast[Role.CASHIER])
    assert client.get("/api/directory/organisations?kind=donor").json() == []
    response = client.get("/api/directory/organisations?country=Senegal")
    assert response.status_code == 400
    assert "country" in str(response.json()["detail"])


def test_focal_points_are_the_inventorys_and_their_e_mail_is_for_members(client, cast):
    officer = cast[Role.UNION_OFFICER]
    officer.email = "point.focal@example.org"
    officer.save()
    focal_point_designate(by=None, user=officer, country="BF")
    page = page_of(client, "/network/directory/focal-points/")
    assert "Burkina Faso" in page and officer.get_full_name() in page
    assert "point.focal@example.org" not in page
    client.force_login(cast[Role.CASHIER])
    assert "point.focal@example.org" in page_of(client, "/network/directory/focal-points/")
    [point] = client.get("/api/directory/focal-points").json()
    assert point["email"] == "point.focal@example.org"


def test_a_list_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries, keeper):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/network/directory/people/")
    for index in range(10):
        services.person_create(
            by=keeper,
            owner=keeper.organisation,
            values={"name": f"Personne {index}", "country": "SN"},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/network/directory/people/")
