"""Forgot your password? (docs/security.md): whoever gives an address gets the same answer,
whether an account uses it or not; the mailbox of an active account receives a link that sets a
new password once, checked by the password rules and audited as the user's own change; the
requests are rate limited, and the sign-in throttle still stands after a reset."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mutualis.core import mail
from mutualis.core.audit import HIDDEN_VALUE
from mutualis.core.models import AuditEntry, Mail
from mutualis.federation.daily import forget_reset_requests
from mutualis.federation.models import ApiToken, PasswordResetRequest, User
from mutualis.federation.services import api_key_create, user_create, user_update

OLD = "Ancien-Mot-2026"
NEW = "Nouveau-Sesame-2026"
ADDRESS = "awa.ndiaye@example.org"
LOCKED = 429


@pytest.fixture(autouse=True)
def reads_english(client, settings):
    """The pages in English, as the messages the tests read (French is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.MUTUALIS_SITE_URL = "https://mutualis.example.org"


@pytest.fixture
def awa(federation):
    return user_create(
        by=None,
        username="awa",
        organisation=federation.m1,
        roles=["cashier"],
        password=OLD,
        email=ADDRESS,
        first_name="Awa",
    )


def ask(client, email: str, address: str = "192.0.2.10"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def sent_to(address: str) -> list:
    mail.send_waiting()
    return [message for message in django_mail.outbox if message.to == [address]]


def links_in(message) -> list[str]:
    return [
        "/" + found.split("://", 1)[1].split("/", 1)[1]
        for found in re.findall(r"https?://\S+/password/reset/\S+", message.body)
    ]


def choose(client, link: str, password: str, again: str | None = None):
    """Opens the mailed link (Django moves the token to the session and redirects) and posts
    the new password on the page it leads to."""
    page = client.get(link)
    assert page.status_code == 302, page.status_code
    return client.post(page.url, {"new_password1": password, "new_password2": again or password})


def sign_in(client, username: str, password: str, address: str = "192.0.2.50") -> int:
    client.logout()
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    ).status_code


def written() -> tuple:
    return (
        PasswordResetRequest.objects.count(),
        Mail.objects.count(),
        AuditEntry.objects.count(),
        tuple(User.objects.order_by("pk").values_list("password", flat=True)),
    )


def test_the_sign_in_page_links_to_the_request(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page


def test_a_known_and_an_unknown_address_get_the_same_answer(client, awa):
    known = ask(client, ADDRESS, "192.0.2.10")
    unknown = ask(client, "nobody@example.org", "192.0.2.11")

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_sent")
    page = client.get(known.url).content.decode()
    assert "If an account uses this address, a link to choose a new password was sent" in page
    assert "3\xa0days" in page
    # both requests count against the limits; only the account's mailbox gets a mail
    assert PasswordResetRequest.objects.count() == 2
    assert len(sent_to(ADDRESS)) == 1 and len(django_mail.outbox) == 1


@pytest.mark.parametrize(
    "change",
    [{"is_active": False}, {"password": None}],
    ids=["inactive account", "account without a password yet"],
)
def test_an_account_that_cannot_sign_in_is_not_mailed_and_the_answer_is_the_same(
    client, awa, change
):
    if change.get("is_active") is False:
        user_update(by=None, user=awa, is_active=False)
    else:
        awa.set_unusable_password()
        awa.save()

    response = ask(client, ADDRESS)

    assert response.status_code == 302 and response.url == reverse("password_reset_sent")
    assert sent_to(ADDRESS) == []


def test_the_mail_names_the_account_its_link_how_long_it_lasts_and_what_to_do_if_not_asked(
    client, awa, settings
):
    settings.LANGUAGE_CODE = "en"
    ask(client, "  AWA.Ndiaye@Example.org ")  # the address as typed: case and spaces ignored

    (message,) = sent_to(ADDRESS)
    assert message.subject == "Choose a new password"
    assert "awa" in message.body and "3\xa0days" in message.body
    assert "If you did not ask for it, ignore this mail" in message.body
    (link,) = links_in(message)
    assert link.startswith("/password/reset/")


def test_the_mail_is_in_the_installations_language(client, awa):
    ask(client, ADDRESS)
    (message,) = sent_to(ADDRESS)
    assert message.subject == "Choisir un nouveau mot de passe"
    assert "ignorez ce message" in message.body


def test_one_mailbox_of_several_accounts_gets_one_mail_with_a_link_for_each(
    client, awa, federation
):
    user_create(
        by=None,
        username="awa-caisse",
        organisation=federation.m1,
        roles=["cashier"],
        password=OLD,
        email=ADDRESS,
    )
    ask(client, ADDRESS)
    (message,) = sent_to(ADDRESS)
    assert len(links_in(message)) == 2
    assert "awa-caisse" in message.body


def test_the_link_sets_the_new_password_once_as_the_users_own_change(client, awa, settings):
    ask(client, ADDRESS)
    (link,) = links_in(sent_to(ADDRESS)[0])

    done = choose(client, link, NEW)

    assert done.status_code == 302 and done.url == reverse("login")
    page = client.get(done.url).content.decode()
    assert "Your new password is saved: sign in with it." in page
    assert sign_in(client, "awa", OLD) == 200  # the form again, with its error
    assert sign_in(client, "awa", NEW) == 302
    entry = AuditEntry.objects.filter(
        object_id=awa.pk, action=AuditEntry.Action.UPDATE, changes__has_key="password"
    ).get()
    assert entry.actor_id == awa.pk
    assert entry.changes == {"password": [HIDDEN_VALUE, HIDDEN_VALUE]}
    # the link was used: it says so and offers a new one
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logging out forgets every cookie
    again = client.get(link, follow=True).content.decode()
    assert "This link is not valid any more" in again
    assert f'href="{reverse("password_reset")}"' in again


def test_a_new_password_revokes_the_api_keys_as_any_password_change(client, awa):
    api_key_create(by=None, user=awa, name="téléphone")
    ask(client, ADDRESS)
    (link,) = links_in(sent_to(ADDRESS)[0])
    choose(client, link, NEW)
    assert ApiToken.objects.get().revoked_reason == ApiToken.Revocation.PASSWORD_CHANGED


def test_an_expired_link_is_refused_and_changes_nothing(client, awa, settings):
    class FourDaysAgo(PasswordResetTokenGenerator):
        def _now(self):
            # Django's tokens count in naive local time, as its own _now
            return datetime.datetime.now() - datetime.timedelta(days=4)  # noqa: DTZ005

    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(awa.pk)),
            "token": FourDaysAgo().make_token(awa),
        },
    )
    before = written()

    page = client.get(link)

    assert page.status_code == 200
    assert "This link is not valid any more" in page.content.decode()
    assert client.post(link, {"new_password1": NEW, "new_password2": NEW}).status_code == 200
    assert written() == before


def test_a_forged_link_is_refused(client, awa):
    link = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "forged-token"})
    assert "This link is not valid any more" in client.get(link).content.decode()


@pytest.mark.parametrize(
    ("password", "again", "said"),
    [
        ("Court-1", None, "This password is too short."),
        ("12345678901234", None, "This password is entirely numeric."),
        (NEW, NEW + "x", "The two password fields"),
    ],
    ids=["too short", "only digits", "not the same twice"],
)
def test_a_new_password_against_the_rules_is_refused_on_its_field_and_changes_nothing(
    client, awa, password, again, said
):
    ask(client, ADDRESS)
    (link,) = links_in(sent_to(ADDRESS)[0])
    before = written()

    page = choose(client, link, password, again)

    assert page.status_code == 200
    html = page.content.decode()
    error = re.search(r'<div class="field[^"]*invalid[^"]*">.*?</div>', html, re.S)
    assert error and 'for="id_new_password2"' in error.group(0) and said in error.group(0)
    assert written() == before
    # the link still works for a good password
    assert choose(client, link, NEW).status_code == 302


@pytest.mark.parametrize("typed", ["", "not-an-address", "a@b"])
def test_a_malformed_address_is_refused_on_its_field_and_changes_nothing(client, awa, typed):
    before = written()
    page = ask(client, typed)
    assert page.status_code == 200
    said = r'class="error" role="alert">[^<]*(required|valid email)'
    assert re.search(said, page.content.decode())
    assert written() == before


def test_requests_from_one_connection_are_limited_per_hour(client, awa, settings):
    settings.MUTUALIS_PASSWORD_RESETS_PER_HOUR = 3
    for number in range(3):
        assert ask(client, f"someone{number}@example.org").status_code == 302
    before = written()

    page = ask(client, ADDRESS)

    assert page.status_code == 200
    assert "3 requests for a new password came from your connection" in page.content.decode()
    assert written() == before
    # another connection is not held back
    assert ask(client, ADDRESS, "192.0.2.99").status_code == 302


def test_requests_for_one_address_are_limited_per_day_from_any_connection(client, awa, settings):
    settings.MUTUALIS_PASSWORD_RESET_MAILS_PER_DAY = 2
    ask(client, ADDRESS, "192.0.2.1")
    ask(client, ADDRESS, "192.0.2.2")
    before = written()

    page = ask(client, ADDRESS, "192.0.2.3")

    assert page.status_code == 200
    assert "2 requests for a new password were made for this address" in page.content.decode()
    assert written() == before
    assert len(sent_to(ADDRESS)) == 2


def test_the_limits_count_an_unknown_address_as_a_known_one(client, awa, settings):
    """A refusal must not tell which addresses have accounts either."""
    settings.MUTUALIS_PASSWORD_RESET_MAILS_PER_DAY = 1
    for email in (ADDRESS, "nobody@example.org"):
        ask(client, email, "192.0.2.1")
        assert "were made for this address" in ask(client, email, "192.0.2.2").content.decode()


def test_a_reset_does_not_lift_a_sign_in_lock(client, awa):
    for _attempt in range(5):
        sign_in(client, "awa", "wrong", address="192.0.2.60")
    assert sign_in(client, "awa", OLD, address="192.0.2.61") == LOCKED
    ask(client, ADDRESS, "192.0.2.61")
    (link,) = links_in(sent_to(ADDRESS)[0])

    assert choose(client, link, NEW).status_code == 302

    assert sign_in(client, "awa", NEW, address="192.0.2.62") == LOCKED


def test_the_requests_are_forgotten_after_two_days(awa):
    now = timezone.now()
    PasswordResetRequest.objects.create(
        email=ADDRESS, client="192.0.2.1", at=now - datetime.timedelta(days=3)
    )
    PasswordResetRequest.objects.create(email=ADDRESS, client="192.0.2.1", at=now)
    forget_reset_requests(now.date())
    assert list(PasswordResetRequest.objects.values_list("at", flat=True)) == [now]
