"""A new visible reply is sent by e-mail to each follower of its topic but its author, once,
with a one-click unsubscribe that works without a session or a CSRF token (RFC 8058)."""

from django.core import mail as django_mail
from django.test import Client

from mutualis.core import mail
from mutualis.core.models import Mail
from mutualis.federation.rules import Role
from mutualis.portal.forums import notifications, services
from mutualis.portal.forums.models import Subscription


def test_a_reply_is_queued_once_for_each_follower_but_its_author(topic, manager, cashier, cast):
    accountant = cast[Role.ACCOUNTANT]
    accountant.email = "compta@example.org"
    accountant.save()
    services.topic_subscribe(by=accountant, topic=topic, language="en")
    reply = services.reply_post(by=cashier, topic=topic, body="Par mobile money.", language="fr")
    queued = Mail.objects.filter(kind="forums.reply", about=reply.uid).order_by("to")
    assert [m.to for m in queued] == ["compta@example.org", "gerant@example.org"]
    # the cashier, who wrote it, is sent nothing, even though they now follow the topic
    assert Subscription.objects.filter(topic=topic, user=cashier).exists()
    assert not Mail.objects.filter(to="caisse@example.org").exists()
    # a reply shown again after hiding is not sent twice to who had it
    assert notifications.reply_queue(reply, topic.subscriptions.select_related("user")) == 0


def test_each_follower_reads_the_mail_in_their_language_with_the_unsubscribe_headers(
    topic, manager, cashier, cast
):
    accountant = cast[Role.ACCOUNTANT]
    accountant.email = "compta@example.org"
    accountant.save()
    services.topic_subscribe(by=accountant, topic=topic, language="en")
    reply = services.reply_post(by=cashier, topic=topic, body="Par mobile money.", language="fr")
    english = Mail.objects.get(about=reply.uid, to="compta@example.org")
    french = Mail.objects.get(about=reply.uid, to="gerant@example.org")
    assert english.subject == "Forum reply: Recouvrement en saison sèche"
    assert "Par mobile money." in english.text and "Read the topic and reply:" in english.text
    assert "Réponse" in french.subject or "réponse" in french.subject
    link = english.headers["List-Unsubscribe"].strip("<>")
    assert link in english.text and "/network/forums/unsubscribe/" in link
    assert english.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # sent by the worker as queued
    assert mail.send_waiting() == 2
    sent = {message.to[0]: message for message in django_mail.outbox}
    assert sent["compta@example.org"].extra_headers["List-Unsubscribe"] == f"<{link}>"


def test_a_hidden_reply_is_not_sent_and_one_hidden_before_sending_is_withdrawn(
    topic, manager, cashier, moderator
):
    reply = services.reply_post(by=cashier, topic=topic, body="Publicité", language="fr")
    assert Mail.objects.filter(about=reply.uid).count() == 1
    services.post_hide(by=moderator, post=reply, reason="Publicité")
    assert not Mail.objects.filter(about=reply.uid).exists()
    services.post_unhide(by=moderator, post=reply)
    assert Mail.objects.filter(about=reply.uid).count() == 1


def test_the_one_click_post_unsubscribes_without_a_session_or_a_csrf_token(topic, manager, cashier):
    reply = services.reply_post(by=cashier, topic=topic, body="Un", language="fr")
    link = Mail.objects.get(about=reply.uid, to="gerant@example.org").headers["List-Unsubscribe"]
    path = link.strip("<>").removeprefix("http://localhost:8000")
    browser = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    # a GET (a mail scanner following the link) asks, and changes nothing
    page = browser.get(path)
    assert page.status_code == 200 and b"<form" in page.content
    assert Subscription.objects.filter(topic=topic, user=manager).exists()
    response = browser.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(topic=topic, user=manager).exists()
    # the next reply is not sent to them; clicking again is harmless
    second = services.reply_post(by=cashier, topic=topic, body="Deux", language="fr")
    assert not Mail.objects.filter(about=second.uid, to="gerant@example.org").exists()
    assert browser.post(path).status_code == 200


def test_a_forged_or_damaged_token_unsubscribes_nobody(client, topic, manager):
    token = notifications.unsubscribe_token(manager.uid, topic.uid)
    for bad in (token[:-2] + "xx", "nothing", token.replace(":", "", 1)):
        response = client.post(f"/network/forums/unsubscribe/{bad}/")
        assert response.status_code == 400
    assert Subscription.objects.filter(topic=topic, user=manager).exists()


def test_a_follower_stops_following_from_the_topic_page(client, topic, manager):
    client.force_login(manager)
    client.post(f"/network/forums/topics/{topic.pk}/", {"action": "unsubscribe"})
    assert not Subscription.objects.filter(topic=topic, user=manager).exists()
    client.post(f"/network/forums/topics/{topic.pk}/", {"action": "subscribe"})
    assert Subscription.objects.filter(topic=topic, user=manager).exists()
