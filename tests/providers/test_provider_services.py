"""Registering health providers and their clerks (providers.services)."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.audit import audit_trail
from mutualis.federation.models import Location
from mutualis.federation.services import user_create
from mutualis.providers.models import Provider
from mutualis.providers.services import provider_create, provider_update


def register(owner, **fields):
    values = {"code": "HD-MBOUR", "name": "Hôpital de Mbour", "kind": "district_hospital"}
    return provider_create(by=None, owner=owner, sector="public", **{**values, **fields})


def test_a_provider_gives_the_usual_level_of_care_of_its_kind_unless_told(federation):
    assert register(federation.d1).level == "district_hospital"
    clinic = register(federation.d1, code="CL-1", kind="private_clinic", level="maternity")
    assert clinic.level == "maternity"


def test_a_provider_code_is_used_once_in_the_whole_country(federation):
    register(federation.d1)

    with pytest.raises(ValidationError) as caught:
        register(federation.d2, name="Another")

    assert list(caught.value.message_dict) == ["code"]
    assert Provider.objects.count() == 1


def test_a_support_structure_registers_no_provider(federation):
    from mutualis.federation.services import organisation_create

    ngo = organisation_create(
        by=None,
        kind="support_structure",
        parent=federation.national,
        code="ONG",
        name="ONG santé",
        support_type="ngo",
    )
    with pytest.raises(ValidationError) as caught:
        register(ngo)
    assert "owner" in caught.value.message_dict


def test_an_officer_registers_providers_only_inside_their_union(federation, cast):
    officer = cast["union_officer"]  # in D1
    with pytest.raises(ValidationError) as caught:
        provider_create(
            by=officer, owner=federation.d2, code="X", name="X", kind="pharmacy", sector="private"
        )
    assert "owner" in caught.value.message_dict
    assert (
        provider_create(
            by=officer, owner=federation.d1, code="X", name="X", kind="pharmacy", sector="private"
        ).owner
        == federation.d1
    )


def test_the_location_of_a_provider_is_a_commune(federation):
    country = Location.objects.create(level="country", code="SN", name="Sénégal", country_code="SN")
    commune = Location.objects.create(
        level="commune", code="001", name="Joal", country_code="SN", parent=country
    )
    with pytest.raises(ValidationError) as caught:
        register(federation.d1, location=country)
    assert list(caught.value.message_dict) == ["location"]
    assert register(federation.d1, location=commune).location == commune


def test_clerks_are_users_with_the_role_of_provider_clerk(federation, cast):
    with pytest.raises(ValidationError) as caught:
        register(federation.d1, staff=[cast["cashier"]])
    assert list(caught.value.message_dict) == ["staff"]

    provider = register(federation.d1, staff=[cast["provider_clerk"]])
    assert list(provider.staff.all()) == [cast["provider_clerk"]]


def test_an_officer_names_no_clerk_from_outside_their_scope(federation, cast):
    outsider = user_create(
        by=None, username="clerk-m2", organisation=federation.m2, roles=["provider_clerk"]
    )
    with pytest.raises(ValidationError) as caught:
        provider_create(
            by=cast["union_officer"],
            owner=federation.d1,
            code="PS-1",
            name="Poste",
            kind="health_post",
            sector="public",
            staff=[outsider],
        )
    assert list(caught.value.message_dict) == ["staff"]


def test_a_change_is_in_the_trail_with_the_clerks_before_and_after(federation, cast):
    provider = register(federation.d1)
    clerk = cast["provider_clerk"]

    provider_update(by=cast["union_officer"], provider=provider, phone="+221 33 957 00 00")
    provider_update(by=cast["union_officer"], provider=provider, staff=[clerk])
    provider_update(by=cast["union_officer"], provider=provider, staff=[clerk])  # no change

    trail = list(audit_trail(provider))
    assert [entry.action for entry in trail] == ["update", "update", "create"]
    assert trail[0].changes == {"staff": [[], [clerk.username]]}
    assert trail[1].changes == {"phone": ["", "+221 33 957 00 00"]}


def test_a_clerk_named_from_above_does_not_keep_an_officer_from_changing_the_provider(
    federation, cast
):
    national_clerk = user_create(
        by=None, username="clerk-n", organisation=federation.national, roles=["provider_clerk"]
    )
    provider = register(federation.d1, staff=[national_clerk])

    provider_update(by=cast["union_officer"], provider=provider, name="Hôpital Mbour")
    provider_update(
        by=cast["union_officer"], provider=provider, staff=[national_clerk, cast["provider_clerk"]]
    )

    assert set(provider.staff.all()) == {national_clerk, cast["provider_clerk"]}
