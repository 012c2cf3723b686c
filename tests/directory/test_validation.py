"""Bad input is refused with the field and the rule, and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mutualis.portal.directory import services
from mutualis.portal.directory.models import Institution, Person

BASE = {"name": "Enda Santé", "kind": "ngo", "membership": "member", "country": "SN"}


def refused(call) -> dict[str, list[str]]:
    before = (Institution.objects.count(), Person.objects.count())
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call()
    assert (Institution.objects.count(), Person.objects.count()) == before
    return error.value.message_dict


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("email", "contact@", "is not valid: it is written name@domain.org"),
        ("phone", "77 ABC", "from 6 to 15 digits"),
        ("phone", "+221 33 821 00 00 00 00 00", "from 6 to 15 digits"),
        ("website", "javascript:alert(1)", "starts with https://"),
        ("website", "enda.example.org", "starts with https://"),
        ("country", "XX", "is not an ISO 3166 country code"),
        ("other_countries", "ML ZZ", "ZZ"),
        ("kind", "bank", "is not a valid choice"),
        ("name", "", "cannot be blank"),
        ("name", "Enda\x00", "control character"),
        ("members_only", ["name"], "cannot be made members-only"),
    ],
)
def test_an_organisation_with_a_bad_field_is_refused_by_name(keeper, field, value, rule):
    errors = refused(
        lambda: services.institution_create(
            by=keeper, owner=keeper.organisation, values={**BASE, field: value}
        )
    )
    assert any(rule in message for message in errors[field]), errors


def test_every_mistake_is_said_at_once(keeper):
    errors = refused(
        lambda: services.institution_create(
            by=keeper,
            owner=keeper.organisation,
            values={**BASE, "email": "x", "phone": "y", "website": "z"},
        )
    )
    assert {"email", "phone", "website"} <= set(errors)


def test_a_person_with_an_unknown_language_is_refused(keeper):
    errors = refused(
        lambda: services.person_create(
            by=keeper,
            owner=keeper.organisation,
            values={"name": "Awa", "country": "SN", "languages": "fr french"},
        )
    )
    assert "french" in errors["languages"][0]


def test_a_national_committee_seats_people_of_its_country_only(keeper, fatou):
    committee = services.committee_create(
        by=keeper, owner=keeper.organisation, country="ML", name="Comité du Mali"
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.seat_take(by=keeper, committee=committee, person=fatou, role="member")
    assert "a national committee seats people of its country" in error.value.messages[0]
    assert not committee.seats.exists()


def test_a_country_has_one_national_committee(keeper):
    services.committee_create(by=keeper, owner=keeper.organisation, country="SN", name="A")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.committee_create(by=keeper, owner=keeper.organisation, country="SN", name="B")
    assert "already" in error.value.message_dict["country"][0]


def test_a_person_sits_once_in_a_committee(keeper, fatou):
    committee = services.committee_create(
        by=keeper, owner=keeper.organisation, country="SN", name="Comité"
    )
    services.seat_take(by=keeper, committee=committee, person=fatou, role="chair")
    with pytest.raises(ValidationError) as error:
        services.seat_take(by=keeper, committee=committee, person=fatou, role="member")
    assert "person" in error.value.message_dict


def test_the_page_says_the_rule_on_the_field_and_keeps_what_was_typed(client, keeper):
    client.force_login(keeper)
    response = client.post(
        "/network/directory/organisations/new/",
        {**BASE, "email": "contact@", "website": "https://enda.example.org"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "contact@" in page and "https://enda.example.org" in page
    assert 'class="error"' in page
    assert not Institution.objects.exists()


def test_a_search_word_or_filter_of_any_kind_is_never_a_server_error(client, graim):
    for query in ("?country=<script>", "?kind=x&membership=y", "?q=" + "a" * 5000, "?page=zz"):
        assert client.get("/network/directory/" + query).status_code == 200
        assert client.get("/network/directory/people/" + query).status_code == 200
