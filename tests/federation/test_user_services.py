import pytest
from django.core.exceptions import ValidationError

from mutualis.core.models import AuditEntry
from mutualis.federation.models import User
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create, user_set_password, user_update


def test_it_refuses_a_user_without_an_organisation(db):
    with pytest.raises(ValidationError) as caught:
        user_create(by=None, username="orphan", organisation=None, roles=[Role.CASHIER])
    assert "organisation" in caught.value.message_dict
    assert not User.objects.filter(username="orphan").exists()


def test_it_refuses_a_user_without_a_role(federation):
    with pytest.raises(ValidationError) as caught:
        user_create(by=None, username="nobody", organisation=federation.m1, roles=[])
    assert "roles" in caught.value.message_dict


def test_it_refuses_a_role_the_organisation_cannot_hold(federation):
    with pytest.raises(ValidationError) as caught:
        user_create(by=None, username="cashier2", organisation=federation.d1, roles=[Role.CASHIER])
    assert "roles" in caught.value.message_dict


def test_it_refuses_a_weak_password_and_saves_nothing(federation):
    with pytest.raises(ValidationError) as caught:
        user_create(
            by=None,
            username="weak",
            organisation=federation.m1,
            roles=[Role.CASHIER],
            password="1234",
        )
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="weak").exists()


def test_an_administrator_cannot_place_a_user_outside_their_scope(federation, admin):
    with pytest.raises(ValidationError) as caught:
        user_create(by=admin, username="far", organisation=federation.m2, roles=[Role.CASHIER])
    assert "organisation" in caught.value.message_dict


def test_passwords_are_hashed_with_argon2(federation):
    user = user_create(
        by=None,
        username="awa",
        organisation=federation.m1,
        roles=[Role.CASHIER],
        password="Sokhna-Diop-2026",
    )
    assert user.password.startswith("argon2")
    assert user.check_password("Sokhna-Diop-2026")


def test_the_trail_records_role_changes_but_never_a_password(federation, admin):
    user = user_create(
        by=admin,
        username="fatou",
        organisation=federation.m1,
        roles=[Role.CASHIER],
        password="Fatou-Ndiaye-77",
    )
    user_update(by=admin, user=user, roles=[Role.CASHIER, Role.ENROLMENT_AGENT])
    user_set_password(by=admin, user=user, password="Nouveau-Secret-88")
    entries = AuditEntry.objects.filter(object_id=user.pk, content_type__model="user")
    changes = [entry.changes for entry in entries.order_by("pk")]
    assert changes[0]["roles"] == [None, ["cashier"]]
    assert changes[1] == {"roles": [["cashier"], ["cashier", "enrolment_agent"]]}
    assert changes[2] == {"password": ["********", "********"]}
    assert all("argon2" not in str(change) for change in changes)


def test_an_administrator_cannot_lock_themselves_out(admin):
    with pytest.raises(ValidationError):
        user_update(by=admin, user=admin, is_active=False)
    with pytest.raises(ValidationError):
        user_update(by=admin, user=admin, roles=[Role.UNION_OFFICER])
    admin.refresh_from_db()
    assert admin.is_active
    assert User.objects.get(pk=admin.pk).roles == {Role.SYSTEM_ADMIN}


def test_a_deactivated_user_sees_nothing(federation, cast):
    cashier = cast[Role.CASHIER]
    user_update(by=None, user=cashier, is_active=False)
    assert cashier.scope_prefix is None
