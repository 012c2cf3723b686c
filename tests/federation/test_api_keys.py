"""API keys belong to an active user and die with their password change, their deactivation or
a lock of their sign-in, unless an administrator kept them; each can be listed and revoked."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.management.commands import changepassword
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mutualis.core.models import AuditEntry
from mutualis.federation.models import ApiToken, User
from mutualis.federation.services import (
    api_key_create,
    user_create,
    user_set_password,
    user_update,
)

PASSWORD = "Moussa-Fall-2026"


@pytest.fixture
def moussa(federation):
    return user_create(
        by=None,
        username="moussa",
        organisation=federation.m1,
        roles=["mutual_manager"],
        password=PASSWORD,
    )


def works(key: str) -> bool:
    # a program's client: no session to fall back on
    program = Client(headers={"X-Forwarded-Proto": "https"})
    response = program.get("/api/households", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in {200, 401}
    return response.status_code == 200


def keys_of(user):
    """A key that dies with its user's credentials and one the administrator kept."""
    return (
        api_key_create(by=None, user=user, name="téléphone"),
        api_key_create(by=None, user=user, name="serveur", kept=True),
    )


def reasons(user) -> dict[str, str]:
    return dict(user.api_tokens.values_list("name", "revoked_reason"))


def test_a_password_set_by_an_administrator_revokes_the_keys_not_kept(client, moussa, admin):
    plain, kept = keys_of(moussa)
    assert works(plain) and works(kept)
    user_set_password(by=admin, user=moussa, password="Un-Autre-Mot-2026")
    assert not works(plain)
    assert works(kept)
    assert reasons(moussa) == {"téléphone": "password_changed", "serveur": ""}


def test_a_password_changed_on_the_users_own_page_revokes_their_keys(client, moussa):
    plain, kept = keys_of(moussa)
    client.force_login(moussa)
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Un-Autre-Mot-2026",
            "new_password2": "Un-Autre-Mot-2026",
        },
    )
    assert response.status_code == 302
    assert not works(plain)
    assert works(kept)


def test_a_password_changed_by_djangos_command_revokes_the_keys(
    client, moussa, monkeypatch, capsys
):
    plain, kept = keys_of(moussa)
    # the command reads the password from the terminal
    monkeypatch.setattr(
        changepassword.Command, "_get_pass", lambda self, prompt="": "Un-Autre-2026"
    )
    call_command("changepassword", "moussa")
    assert not works(plain)
    assert works(kept)


def test_a_hash_upgraded_at_sign_in_is_no_password_change(client, moussa):
    plain, _kept = keys_of(moussa)
    # a password kept by the second hasher is hashed again by the first one at sign-in
    User.objects.filter(pk=moussa.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    assert client.post("/login/", {"username": "moussa", "password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=moussa.pk).password.startswith("argon2")
    assert works(plain)


def test_a_deactivated_user_loses_their_keys_and_a_kept_one_waits_for_them(client, moussa, admin):
    plain, kept = keys_of(moussa)
    user_update(by=admin, user=moussa, is_active=False)
    assert not works(plain) and not works(kept)
    user_update(by=admin, user=moussa, is_active=True)
    assert not works(plain)
    assert works(kept)
    assert reasons(moussa) == {"téléphone": "deactivated", "serveur": ""}
    revoked = AuditEntry.objects.get(changes__revoked_reason=["", "deactivated"])
    assert revoked.actor == admin
    assert revoked.object_repr == "moussa · téléphone"


def test_a_user_locked_by_failed_sign_ins_loses_their_keys(client, moussa):
    plain, kept = keys_of(moussa)
    for _attempt in range(5):
        client.post("/login/", {"username": "moussa", "password": "wrong"})
    assert not works(plain)
    assert works(kept)
    assert reasons(moussa) == {"téléphone": "locked", "serveur": ""}


def test_an_address_locked_by_failures_on_other_names_leaves_the_users_keys(
    client, federation, moussa
):
    plain, _kept = keys_of(moussa)
    for name in ("awa", "fatou", "ibou", "khady", "moussa"):
        client.post("/login/", {"username": name, "password": "wrong"})
    # the address is locked, Moussa is not: his one failure is no lock of his name
    assert client.post("/login/", {"username": "moussa", "password": PASSWORD}).status_code == 429
    assert works(plain)


def test_an_inactive_user_gets_no_key(moussa, admin):
    user_update(by=admin, user=moussa, is_active=False)
    with pytest.raises(CommandError, match="No active user"):
        call_command("api_key", "moussa", "téléphone")
    assert not ApiToken.objects.exists()


# Listing and revoking, one key at a time


def test_a_user_lists_their_keys_and_revokes_one_after_confirming(client, moussa):
    plain, kept = keys_of(moussa)
    client.force_login(moussa)
    works(plain)
    page = client.get("/account/keys/").content.decode()
    assert "téléphone" in page and "serveur" in page
    key = moussa.api_tokens.get(name="téléphone")
    # the button asks first, and asking changes nothing
    confirmation = f'name="key" value="{key.uid}"'
    assert confirmation not in page
    assert confirmation in client.get(f"/account/keys/?revoke={key.uid}").content.decode()
    assert works(plain)
    response = client.post("/account/keys/", {"key": str(key.uid)})
    assert response.status_code == 302
    assert not works(plain)
    assert works(kept)
    key.refresh_from_db()
    assert key.revoked_reason == "by_hand"
    entry = AuditEntry.objects.get(object_id=key.pk, changes__revoked_reason=["", "by_hand"])
    assert entry.actor == moussa
    # the list shows the state of each
    page = client.get("/account/keys/").content.decode()
    with translation.override("fr"):
        assert str(ApiToken.Revocation.BY_HAND.label) in page


def test_a_revocation_needs_the_csrf_token(moussa):
    plain, _kept = keys_of(moussa)
    browser = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    browser.force_login(moussa)
    key = moussa.api_tokens.get(name="téléphone")
    assert browser.post("/account/keys/", {"key": str(key.uid)}).status_code == 403
    assert works(plain)


def test_a_user_cannot_revoke_another_users_key_from_their_page(client, moussa, cast):
    plain, _kept = keys_of(moussa)
    key = moussa.api_tokens.get(name="téléphone")
    client.force_login(cast["cashier"])
    response = client.post("/account/keys/", {"key": str(key.uid)})
    assert response.status_code == 200
    assert response.context["form"].errors["key"]
    assert works(plain)
    assert not AuditEntry.objects.filter(changes__revoked_reason=["", "by_hand"]).exists()


def test_an_administrator_revokes_a_key_of_a_user_in_their_scope_only(
    client, federation, moussa, admin
):
    plain, _kept = keys_of(moussa)
    outsider = user_create(
        by=None, username="samba", organisation=federation.m2, roles=["mutual_manager"]
    )
    far, _ = keys_of(outsider)
    client.force_login(admin)
    key = moussa.api_tokens.get(name="téléphone")
    assert "téléphone" in client.get(f"/users/{moussa.pk}/keys/").content.decode()
    assert client.post(f"/users/{moussa.pk}/keys/", {"key": str(key.uid)}).status_code == 302
    assert not works(plain)
    far_key = outsider.api_tokens.get(name="téléphone")
    assert client.get(f"/users/{outsider.pk}/keys/").status_code == 404
    assert client.post(f"/users/{outsider.pk}/keys/", {"key": str(far_key.uid)}).status_code == 404
    # nor through the page of a user in scope
    response = client.post(f"/users/{moussa.pk}/keys/", {"key": str(far_key.uid)})
    assert response.status_code == 200
    assert works(far)


def test_the_command_makes_lists_and_revokes_keys(client, moussa, capsys):
    call_command("api_key", "moussa", "serveur de l'union", "--kept")
    kept = capsys.readouterr().out.strip()
    call_command("api_key", "moussa", "téléphone")
    plain = capsys.readouterr().out.strip()
    call_command("api_key", "--list", "moussa")
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 2
    assert "téléphone" in listing[0] and "active" in listing[0]
    assert "kept by the administrator" in listing[1]
    uid = listing[0].split()[0]
    call_command("api_key", "--revoke", uid)
    assert capsys.readouterr().out == "Revoked: moussa · téléphone.\n"
    assert not works(plain) and works(kept)
    call_command("api_key", "--list", "moussa")
    assert "revoked" in capsys.readouterr().out.splitlines()[0]
    with pytest.raises(CommandError, match="déjà révoquée"):
        call_command("api_key", "--revoke", uid)
    with pytest.raises(CommandError, match="No API key"):
        call_command("api_key", "--revoke", "not-a-key")


def test_the_list_of_keys_costs_the_same_queries_for_one_key_or_many(client, moussa):
    client.force_login(moussa)
    api_key_create(by=None, user=moussa, name="clé 1")
    with CaptureQueriesContext(connection) as one:
        client.get("/account/keys/")
    for number in range(2, 6):
        api_key_create(by=None, user=moussa, name=f"clé {number}")
    with CaptureQueriesContext(connection) as many:
        assert "clé 5" in client.get("/account/keys/").content.decode()
    assert len(many) == len(one)
