"""E-mail sent in the background (core.mail), through Django's SMTP backend to a real SMTP server
(aiosmtpd) in a thread, which refuses some addresses as mail servers do: for good (550) or for
now (451)."""

import datetime
import email
import io
import socket
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from mutualis.core import mail
from mutualis.core.models import Mail
from mutualis.core.tasks import run_waiting

pytestmark = pytest.mark.django_db
NEWS = uuid.UUID("01936f7a-0000-7000-8000-000000000001")


class Handler:
    def __init__(self):
        self.received: list[email.message.Message] = []
        self.busy = True  # busy.example's box is full for now

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such user"
        if address.endswith("@busy.example") and self.busy:
            return "451 4.2.2 mailbox full, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


def news_to(*addresses: str) -> int:
    return mail.queue(
        "news",
        NEWS,
        [
            mail.Outgoing(
                to=address,
                subject="Flash : l’assemblée générale de l’UNMS",
                text="Le 12 mars à Thiès.",
                html="<p>Le 12 mars à <b>Thiès</b>.</p>",
                headers={
                    "List-Unsubscribe": f"<https://mutualis.example/u/{address}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            for address in addresses
        ],
    )


def test_queued_mails_are_sent_once_with_their_headers_and_both_forms(smtp):
    news_to("awa@union.example", "ibou@union.example")

    assert mail.send_waiting() == 2
    assert mail.send_waiting() == 0  # sent once

    assert sorted(m["To"] for m in smtp.received) == ["awa@union.example", "ibou@union.example"]
    sent = smtp.received[0]
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent["List-Unsubscribe"].startswith("<https://mutualis.example/u/")
    assert {part.get_content_type() for part in sent.walk()} >= {"text/plain", "text/html"}
    assert not Mail.objects.filter(sent_at=None).exists()


def test_the_same_news_to_the_same_address_is_queued_once(smtp):
    assert news_to("awa@union.example", "awa@union.example") == 1
    assert news_to("awa@union.example", "ibou@union.example") == 1
    assert Mail.objects.count() == 2


def test_an_address_refused_for_good_does_not_stop_the_others(smtp):
    news_to("awa@union.example", "nobody@refused.example", "ibou@union.example")

    assert mail.send_waiting() == 3

    assert sorted(m["To"] for m in smtp.received) == ["awa@union.example", "ibou@union.example"]
    refused = Mail.objects.get(to="nobody@refused.example")
    assert refused.sent_at is None and refused.given_up_at is not None
    assert "550" in refused.error and refused.attempts == 1


def test_an_address_refused_for_now_is_tried_again_later_each_time_later(smtp):
    news_to("full@busy.example")
    now = timezone.now()

    assert mail.send_waiting(now=now) == 0
    waiting = Mail.objects.get()
    assert (waiting.attempts, waiting.given_up_at) == (1, None) and "451" in waiting.error
    assert waiting.next_try_at == now + datetime.timedelta(minutes=5)
    assert mail.send_waiting(now=now + datetime.timedelta(minutes=4)) == 0  # not yet
    assert Mail.objects.get().attempts == 1

    mail.send_waiting(now=now + datetime.timedelta(minutes=5))
    assert Mail.objects.get().next_try_at == now + datetime.timedelta(minutes=15)  # 5, then 10

    smtp.busy = False
    assert mail.send_waiting(now=now + datetime.timedelta(minutes=15)) == 1
    assert [m["To"] for m in smtp.received] == ["full@busy.example"]


def test_an_address_never_accepted_is_given_up_after_the_last_try(smtp):
    news_to("full@busy.example")
    when = timezone.now()
    for _ in range(mail.ATTEMPTS):
        mail.send_waiting(now=when)
        when = Mail.objects.get().next_try_at

    assert Mail.objects.get().given_up_at is not None
    assert Mail.objects.get().attempts == mail.ATTEMPTS


def test_a_server_out_of_reach_leaves_every_mail_waiting_without_a_try_counted(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    news_to("awa@union.example", "ibou@union.example")
    now = timezone.now()

    assert mail.send_waiting(now=now) == 0

    assert set(Mail.objects.values_list("attempts", "sent_at")) == {(0, None)}
    assert set(Mail.objects.values_list("next_try_at", flat=True)) == {
        now + datetime.timedelta(minutes=5)
    }


def test_a_round_cut_short_leaves_the_rest_to_the_next(smtp):
    news_to(*[f"member{n}@union.example" for n in range(5)])

    assert mail.send_waiting(at_once=2) == 2
    assert Mail.objects.filter(sent_at=None).count() == 3
    assert mail.send_waiting() == 3
    assert len(smtp.received) == 5


def test_the_worker_sends_what_waits(smtp):
    news_to("awa@union.example")
    said = io.StringIO()

    call_command("work", "--once", stdout=said)

    assert "mail: 1 done" in said.getvalue()
    assert run_waiting() == {}
    assert [m["To"] for m in smtp.received] == ["awa@union.example"]
