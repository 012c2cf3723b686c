"""E-mail sent in the background (issue 16; docs/operations.md, "E-mail"): what a service wants
sent — a flash news item to its subscribers, an issue of the newsletter, a reply in a forum —
is queued (`queue`) in the transaction of the change that asks for it, and `mutualis work`
sends what waits (`send_waiting`, a task of core.tasks) through Django's e-mail backend: SMTP in
production, files by default.

Each mail is sent on its own and recorded as sent at once: one address the server refuses does
not stop the others, and a worker stopped half-way sends the rest on its next round. A crash
between the server's acceptance and the record sends that one mail twice, never none. A refusal
of the address itself (a 5xx answer) is final; anything else (the server out of reach, a 4xx
answer) is tried again later, each time later, and given up after `ATTEMPTS` tries. When the
server cannot be reached, the round stops there: the other mails wait without a try counted.
"""

import datetime
import logging
import smtplib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from mutualis.core.models import Mail

log = logging.getLogger(__name__)

ATTEMPTS = 6
FIRST_RETRY = datetime.timedelta(minutes=5)  # then 10, 20, 40 and 80 minutes
SENT_AT_ONCE = 200  # mails a round sends at most: the worker's other work goes on between


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    text: str
    html: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)


def queue(kind: str, about: uuid.UUID | None, mails: Iterable[Outgoing]) -> int:
    """Queues the mails in the caller's transaction; returns how many were new (a mail of the
    same kind about the same thing to the same address is queued once)."""
    mails = list(mails)
    if about is not None and mails:
        known = set(
            Mail.objects.filter(kind=kind, about=about, to__in=[m.to for m in mails]).values_list(
                "to", flat=True
            )
        )
        mails = [m for m in mails if m.to not in known]
        mails = list({m.to: m for m in mails}.values())
    Mail.objects.bulk_create(
        [
            Mail(
                kind=kind,
                about=about,
                to=m.to,
                subject=m.subject[:300],
                text=m.text,
                html=m.html,
                headers=dict(m.headers),
            )
            for m in mails
        ],
        batch_size=500,
    )
    return len(mails)


def message_of(mail: Mail, connection: BaseEmailBackend) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        mail.subject,
        mail.text,
        settings.DEFAULT_FROM_EMAIL,
        [mail.to],
        headers=mail.headers,
        connection=connection,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def refused_for_good(error: Exception) -> bool:
    """Whether the server refused the address itself, for good (a 5xx answer to it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def out_of_reach(error: Exception) -> bool:
    """Whether the server itself could not be reached or dropped the connection."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    # smtplib's answers are OSErrors too: only the network's own errors say the server is gone
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def send_waiting(now: datetime.datetime | None = None, at_once: int = SENT_AT_ONCE) -> int:
    """Sends the mails whose time has come, the oldest first; how many were sent or given up."""
    now = now or timezone.now()
    waiting = list(
        Mail.objects.filter(sent_at=None, given_up_at=None, next_try_at__lte=now).order_by("pk")[
            :at_once
        ]
    )
    if not waiting:
        return 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # the server out of reach: every mail waits, no try counted
        log.warning("the mail server could not be reached: %s", error)
        postpone(waiting, now)
        return 0
    done = 0
    try:
        for index, mail in enumerate(waiting):
            try:
                message_of(mail, connection).send()
            except Exception as error:  # the server's answer, recorded on the mail
                record_failure(mail, error, now)
                if out_of_reach(error):
                    postpone(waiting[index + 1 :], now)
                    break
                done += mail.given_up_at is not None
                continue
            Mail.objects.filter(pk=mail.pk).update(sent_at=timezone.now(), error="")
            done += 1
    finally:
        connection.close()
    return done


def postpone(mails: list[Mail], now: datetime.datetime) -> None:
    Mail.objects.filter(pk__in=[mail.pk for mail in mails]).update(next_try_at=now + FIRST_RETRY)


def record_failure(mail: Mail, error: Exception, now: datetime.datetime) -> None:
    mail.attempts += 1
    mail.error = f"{type(error).__name__}: {error}"[:2000]
    if refused_for_good(error) or mail.attempts >= ATTEMPTS:
        mail.given_up_at = now
    else:
        mail.next_try_at = now + FIRST_RETRY * 2 ** (mail.attempts - 1)
    with transaction.atomic():
        mail.save(update_fields=["attempts", "error", "given_up_at", "next_try_at"])
