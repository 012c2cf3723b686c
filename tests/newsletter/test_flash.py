"""A flash news item reaches each confirmed subscriber of the flash news by e-mail, through
the worker (a consumer of the event log, then core.mail): once, never twice, and never to an
address not confirmed, stopped, or confirmed after the item was published."""

import datetime
import re

from django.core import mail as django_mail
from django.core.management import call_command
from django.utils import timezone

from mutualis.core.consumers import drain
from mutualis.core.models import Cursor, Mail
from mutualis.core.tasks import run_waiting
from mutualis.portal.newsletter import mails
from mutualis.portal.newsletter.consumers import CONSUMERS
from mutualis.portal.newsletter.models import Subscription
from mutualis.portal.services import NewsDetails, news_create
from tests.newsletter.conftest import reading, subscriber, visitor

(FLASH_MAIL,) = CONSUMERS


def publish(editor, federation, title="Atelier régional à Thiès", language="fr"):
    return news_create(
        by=editor,
        owner=federation.national,
        details=NewsDetails(title, "Du 4 au 6 mai, sur la gestion des cotisations.", language),
    )


def test_the_next_flash_news_reaches_a_confirmed_subscriber_once(editor, federation):
    subscriber("awa@example.org", "flash", "fr")
    subscriber("ama@example.org", "flash", "en")
    subscriber("waiting@example.org", "flash", confirmed=False)
    subscriber("gone@example.org", "flash", stopped=True)
    subscriber("courrier-only@example.org", "courrier")
    item = publish(editor, federation)
    # one round of the worker: the consumer queues, the round's tasks send
    call_command("work", "--once")
    sent = {message.to[0]: message for message in django_mail.outbox}
    assert sorted(sent) == ["ama@example.org", "awa@example.org"]
    french, english = sent["awa@example.org"], sent["ama@example.org"]
    assert french.subject == "[Brève] Atelier régional à Thiès"
    assert "Du 4 au 6 mai" in french.body and "(in French)" not in french.body
    # the English reader is told the item is in French; the mail around it is in English
    assert "(in French)" in english.body and "To stop, open:" in english.body
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = english.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in english.body
    assert Mail.objects.filter(kind=mails.FLASH, about=item.uid).count() == 2
    # read again from the start (a crash before the cursor moved): nothing is sent twice
    Cursor.objects.filter(consumer=FLASH_MAIL.name).update(position=0)
    assert drain(FLASH_MAIL).handled >= 1
    run_waiting()
    assert len(django_mail.outbox) == 2


def test_news_published_before_the_subscription_is_not_mailed(editor, federation):
    item = publish(editor, federation)
    type(item).objects.filter(pk=item.pk).update(
        published_at=timezone.now() - datetime.timedelta(hours=2)
    )
    # confirmed an hour ago
    subscriber("awa@example.org", "flash")
    drain(FLASH_MAIL)
    assert not Mail.objects.filter(kind=mails.FLASH).exists()
    # the next one is
    publish(editor, federation, "Nouvelle loi sur la CMU")
    drain(FLASH_MAIL)
    assert Mail.objects.filter(kind=mails.FLASH, to="awa@example.org").count() == 1


def test_news_read_days_late_is_not_mailed(editor, federation):
    subscriber("awa@example.org", "flash")
    item = publish(editor, federation)
    type(item).objects.filter(pk=item.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=4)
    )
    Subscription.objects.update(confirmed_at=timezone.now() - datetime.timedelta(days=5))
    drain(FLASH_MAIL)
    assert not Mail.objects.filter(kind=mails.FLASH).exists()


def test_one_click_unsubscribe_works_without_a_session_and_keeps_the_row(editor, federation):
    row = subscriber("awa@example.org", "flash")
    publish(editor, federation)
    drain(FLASH_MAIL)
    link = Mail.objects.get(kind=mails.FLASH).headers["List-Unsubscribe"].strip("<>")
    path = link.replace("http://localhost:8000", "")
    # opening it only asks
    anonymous = visitor(enforce_csrf_checks=True)
    assert "Stop" in reading(anonymous, "en").get(path).content.decode()
    row.refresh_from_db()
    assert row.active
    # the mail reader's own button: a POST with List-Unsubscribe=One-Click, no session, no CSRF
    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.stopped_at is not None and not row.active
    assert Subscription.objects.filter(pk=row.pk).exists()
    publish(editor, federation, "Deuxième nouvelle")
    drain(FLASH_MAIL)
    assert Mail.objects.filter(kind=mails.FLASH).count() == 1


def test_a_forged_unsubscribe_link_stops_nothing(editor, federation):
    row = subscriber("awa@example.org", "flash")
    token = mails.unsubscribe_token(row.uid)
    response = visitor().post(f"/network/newsletter/unsubscribe/{token[:-3]}abc/")
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.active


def test_a_new_visitor_subscribes_and_finds_the_next_news_in_the_file_backend(
    editor, federation, tmp_path, settings
):
    # the "done when", with the default backend of an installation without a server
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    browser = reading(visitor(), "en")
    browser.post(
        "/network/newsletter/", {"email": "kofi@example.net", "lists": ["flash"], "language": "en"}
    )
    call_command("work", "--once")
    written = "".join(path.read_text(errors="replace") for path in tmp_path.iterdir())
    link = re.search(r"http://\S+(/network/newsletter/confirm/\S+/)", written).group(1)
    browser.post(link)
    publish(editor, federation, "Atelier de Ziguinchor")
    call_command("work", "--once")
    written = "".join(path.read_text(errors="replace") for path in tmp_path.iterdir())
    assert written.count("Subject: [Flash news] Atelier de Ziguinchor") == 1
    assert "To: kofi@example.net" in written
