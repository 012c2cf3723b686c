"""A visitor asks, in French or English, to receive the flash news or the Courrier: a
confirmation is mailed to the address, and only its link starts the mails (double opt-in).
The answer is the same whoever is subscribed already; bad addresses and floods are refused
with a message naming the field and the rule; a signed-in user subscribes in one click."""

import datetime
import re

import pytest
from django.core import mail as django_mail
from django.test import override_settings
from django.utils import timezone

from mutualis.core import mail
from mutualis.core.models import AuditEntry, Mail
from mutualis.federation.rules import Role
from mutualis.portal.newsletter import services
from mutualis.portal.newsletter.daily import forget_sign_ups
from mutualis.portal.newsletter.models import SignUp, Subscription
from tests.newsletter.conftest import reading, visitor

URL = "/network/newsletter/"


def ask(client, email, lists=("flash",), language="fr"):
    return reading(client, language).post(
        URL, {"email": email, "lists": list(lists), "language": language}
    )


def said(page: bytes) -> str:
    return re.search(r'role="status">(.*?)</p>', page.decode(), re.DOTALL).group(1)


def link_in(text: str) -> str:
    return re.search(r"http://\S+/network/newsletter/confirm/\S+/", text).group(0)


@pytest.mark.django_db
def test_a_visitor_subscribes_in_english_and_only_the_confirmation_starts_the_mails():
    client = visitor()
    response = ask(client, "  Ama.Mensah@Example.org ", ("flash", "courrier"), "en")
    assert response.status_code == 200
    assert "Check your mailbox" in response.content.decode()
    rows = Subscription.objects.filter(email="ama.mensah@example.org")
    assert sorted(rows.values_list("list", flat=True)) == ["courrier", "flash"]
    assert not any(row.active for row in rows)
    assert mail.send_waiting() == 1
    [message] = django_mail.outbox
    assert message.to == ["ama.mensah@example.org"]
    assert message.subject == "Confirm your subscription to the network's news"
    assert "the Courrier" in message.body and "flash news" in message.body
    link = link_in(message.body).replace("http://localhost:8000", "")
    # opening the link (a mail scanner does) only asks
    page = client.get(link)
    assert page.status_code == 200 and "Confirm" in page.content.decode()
    assert not Subscription.objects.filter(confirmed_at__isnull=False).exists()
    # the button, posted without a session, confirms both lists in English
    assert visitor(enforce_csrf_checks=True).post(link).status_code == 200
    assert sorted(
        Subscription.objects.filter(confirmed_at__isnull=False).values_list("list", "language")
    ) == [("courrier", "en"), ("flash", "en")]
    # confirming twice changes nothing
    before = AuditEntry.objects.count()
    visitor().post(link)
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_the_confirmation_mail_is_in_the_language_asked():
    ask(visitor(), "awa@example.org", ("courrier",), "fr")
    confirmation = Mail.objects.get(to="awa@example.org")
    assert confirmation.subject == "Confirmez votre abonnement aux nouvelles du réseau"
    assert "le Courrier" in confirmation.text and "flash" not in confirmation.text


@pytest.mark.django_db
def test_subscribing_again_answers_the_same_and_tells_nothing():
    client = visitor()
    first = said(ask(client, "awa@example.org").content)
    services.subscription_confirm(token=link_in(Mail.objects.get().text).split("/")[-2])
    again = said(ask(client, "awa@example.org").content)
    stranger = said(ask(client, "nobody@example.org").content)
    strip = lambda page, email: page.replace(email, "")  # noqa: E731
    assert strip(again, "awa@example.org") == strip(stranger, "nobody@example.org")
    assert strip(first, "awa@example.org") == strip(again, "awa@example.org")
    # the subscription confirmed stays so; a new confirmation is simply mailed
    assert Subscription.objects.get(email="awa@example.org").active
    assert Mail.objects.filter(to="awa@example.org").count() == 2


@pytest.mark.django_db
def test_a_bad_address_is_refused_on_its_field_in_the_readers_language():
    response = ask(visitor(), "awa@@example", language="fr")
    page = response.content.decode()
    assert response.status_code == 200
    assert "awa@@example n’est pas une adresse électronique" in page
    response = ask(visitor(), "", language="en")
    assert "The e-mail address cannot be empty." in response.content.decode()
    response = reading(visitor(), "en").post(URL, {"email": "awa@example.org"})
    assert "Choose at least one list" in response.content.decode()
    assert not Subscription.objects.exists() and not Mail.objects.exists()


@pytest.mark.django_db
@override_settings(MUTUALIS_NEWSLETTER_CONFIRMATIONS_PER_DAY=2)
def test_an_address_is_sent_a_few_confirmations_a_day_at_most():
    for _attempt in range(2):
        ask(visitor(REMOTE_ADDR="10.0.0.1"), "awa@example.org", language="en")
    response = ask(visitor(REMOTE_ADDR="10.0.0.2"), "AWA@example.org", language="en")
    page = response.content.decode()
    assert "This address was sent 2 confirmation requests in the last 24 hours" in page
    assert Mail.objects.filter(to="awa@example.org").count() == 2


@pytest.mark.django_db
@override_settings(MUTUALIS_NEWSLETTER_SIGNUPS_PER_HOUR=3)
def test_one_connection_asks_a_few_times_an_hour_at_most():
    client = visitor(REMOTE_ADDR="10.0.0.9")
    for number in range(3):
        ask(client, f"person{number}@example.org", language="fr")
    response = ask(client, "person9@example.org", language="fr")
    assert (
        "3 demandes d’abonnement sont venues de votre connexion dans la dernière heure"
        in response.content.decode()
    )
    assert not Subscription.objects.filter(email="person9@example.org").exists()
    # another connection is not held back
    assert (
        "Check"
        in ask(visitor(REMOTE_ADDR="10.0.0.8"), "p@example.org", language="en").content.decode()
    )


@pytest.mark.django_db
def test_a_signed_in_user_subscribes_their_own_address_in_one_click(client, cast):
    manager = cast[Role.MUTUAL_MANAGER]
    manager.email = "Gerant@Example.org"
    manager.save()
    client.force_login(manager)
    response = client.post(
        URL, {"action": "own", "lists": ["courrier"], "language": "en"}, follow=True
    )
    assert response.status_code == 200
    row = Subscription.objects.get()
    assert (row.email, row.list, row.language, row.user) == (
        "gerant@example.org",
        "courrier",
        "en",
        manager,
    )
    assert row.active and not Mail.objects.exists()


@pytest.mark.django_db
def test_a_damaged_confirmation_link_starts_nothing():
    ask(visitor(), "awa@example.org")
    token = link_in(Mail.objects.get().text).split("/")[-2]
    response = visitor().post(f"{URL}confirm/{token[:-2]}xx/")
    assert response.status_code == 400
    assert not Subscription.objects.filter(confirmed_at__isnull=False).exists()


@pytest.mark.django_db
def test_an_old_confirmation_link_does_not_undo_an_unsubscribe():
    ask(visitor(), "awa@example.org")
    token = link_in(Mail.objects.get().text).split("/")[-2]
    [row] = services.subscription_confirm(token=token)
    services.subscription_stop(subscription=row)
    assert services.subscription_confirm(token=token) == []
    row.refresh_from_db()
    assert row.stopped_at is not None and not row.active
    # a new request, confirmed, starts it again
    ask(visitor(), "awa@example.org")
    newer = link_in(Mail.objects.order_by("-pk").first().text).split("/")[-2]
    visitor().post(f"{URL}confirm/{newer}/")
    row.refresh_from_db()
    assert row.active


@pytest.mark.django_db
def test_the_requests_counted_by_the_limits_are_forgotten_after_two_days():
    ask(visitor(REMOTE_ADDR="10.0.0.5"), "awa@example.org")
    ask(visitor(REMOTE_ADDR="10.0.0.5"), "ama@example.org")
    SignUp.objects.filter(email="awa@example.org").update(
        at=timezone.now() - datetime.timedelta(days=3)
    )
    forget_sign_ups(timezone.localdate())
    assert list(SignUp.objects.values_list("email", flat=True)) == ["ama@example.org"]
