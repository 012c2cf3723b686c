"""What the DHIS2 services refuse (interop.dhis2.services): another union's settings, addresses
that are not a web server's, identifiers that are not DHIS2's, pushes with nothing to send."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.sealed import unsealed
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.interop.dhis2 import services
from mutualis.interop.dhis2.models import ElementMap, OrgUnitMap, Push, Server

pytestmark = pytest.mark.django_db


def server(union, by=None, **changes):
    return services.server_set(
        by=by,
        **{
            "union": union,
            "base_url": "https://dhis2.example.org",
            "username": "u",
            "password": "p",
            "data_set": "dsMutuals01",
            "id_scheme": "UID",
            **changes,
        },
    )


@pytest.fixture
def other_officer(federation):
    return user_create(
        by=None, username="d2-officer", organisation=federation.d2, roles=[Role.UNION_OFFICER]
    )


def test_an_officer_may_not_set_another_union_s_server(federation, other_officer):
    with pytest.raises(ValidationError) as refused:
        server(federation.d1, by=other_officer)
    assert "union" in refused.value.message_dict
    assert not Server.objects.exists()


def test_an_officer_may_not_map_an_organisation_outside_the_union(federation, cast):
    officer = cast[Role.UNION_OFFICER]  # in D1
    with pytest.raises(ValidationError):
        services.org_units_set(by=officer, union=federation.d1, org_units={federation.m2.pk: "x"})
    assert not OrgUnitMap.objects.exists()


def test_an_officer_may_not_push_for_another_union(federation, other_officer):
    server(federation.d1)
    with pytest.raises(ValidationError):
        services.push_start(
            by=other_officer, union=federation.d1, months=[datetime.date(2025, 7, 1)]
        )
    assert not Push.objects.exists()


def test_a_mutual_s_manager_may_not_set_a_server(federation, cast):
    with pytest.raises(ValidationError):
        server(federation.d1, by=cast[Role.MUTUAL_MANAGER])


def test_a_mutual_has_no_server_of_its_own(federation):
    with pytest.raises(ValidationError) as refused:
        server(federation.m1)
    assert "union" in refused.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://dhis2.example.org",
        "https://user:pw@dhis2.example.org",
        "http://",
        "https://[::1",
        "https://dhis2.example.org:99999",
        "dhis2.example.org",
        "https://dhis2.example.org/?next=x",
        "",
    ],
)
def test_an_address_that_is_not_a_web_server_s_is_refused(federation, url):
    with pytest.raises(ValidationError) as refused:
        server(federation.d1, base_url=url)
    assert "base_url" in refused.value.message_dict


def test_the_first_setting_needs_a_password_and_later_ones_keep_it(federation):
    with pytest.raises(ValidationError) as refused:
        server(federation.d1, password="")
    assert "password" in refused.value.message_dict
    server(federation.d1)
    server(federation.d1, password="", username="v")
    assert (Server.objects.get().username, unsealed(Server.objects.get().password)) == ("v", "p")


def test_a_password_longer_than_the_form_takes_is_refused(federation):
    with pytest.raises(ValidationError) as refused:
        server(federation.d1, password="p" * 201)
    assert "200" in refused.value.message_dict["password"][0]
    assert not Server.objects.exists()


@pytest.mark.parametrize(
    "identifier", ["short", "1startsWithD", "has space01", "deRenewal01x", "de\nRenewal0"]
)
def test_an_identifier_that_is_not_a_uid_is_refused(federation, identifier):
    server(federation.d1)
    with pytest.raises(ValidationError):
        services.elements_set(by=None, union=federation.d1, elements={"M.2": (identifier, "")})
    assert not ElementMap.objects.exists()


def test_a_code_is_free_but_on_one_line(federation):
    server(federation.d1, id_scheme="CODE", data_set="MUTUELLES")
    services.elements_set(by=None, union=federation.d1, elements={"M.2": ("MUT-M2 taux", "")})
    with pytest.raises(ValidationError):
        services.elements_set(by=None, union=federation.d1, elements={"M.2": ("a\x00b", "")})
    assert ElementMap.objects.get().data_element == "MUT-M2 taux"


def test_an_unknown_code_is_refused(federation):
    with pytest.raises(ValidationError):
        services.elements_set(
            by=None, union=federation.d1, elements={"DROP TABLE": ("deRenewal01", "")}
        )


def test_a_blank_data_element_removes_the_mapping(federation):
    server(federation.d1)
    services.elements_set(by=None, union=federation.d1, elements={"M.2": ("deRenewal01", "")})
    services.elements_set(by=None, union=federation.d1, elements={"M.2": ("", "")})
    assert not ElementMap.objects.exists()


def test_a_push_of_months_to_come_or_of_none_is_refused(federation):
    server(federation.d1)
    services.elements_set(by=None, union=federation.d1, elements={"M.2": ("deRenewal01", "")})
    services.org_units_set(
        by=None, union=federation.d1, org_units={federation.m1.pk: "ouJoal00001"}
    )
    for months in ([], [datetime.date(2999, 1, 1)]):
        with pytest.raises(ValidationError) as refused:
            services.push_start(by=None, union=federation.d1, months=months)
        assert "months" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.push_start(
            by=None,
            union=federation.d1,
            months=[datetime.date(2025, 7, 1)],
            organisations=[federation.m2.pk],
        )
    assert "organisations" in refused.value.message_dict
