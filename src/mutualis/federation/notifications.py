"""The mail of "Forgot your password?" (docs/security.md), queued in core.mail's outbox in the
transaction of the request, in the installation's language (an account has none of its own):
a link per account using the address, each Django's password-reset token (it dies when the
password changes or when the user signs in, or after PASSWORD_RESET_TIMEOUT)."""

import datetime
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timesince import timeuntil

from mutualis.core import mail
from mutualis.federation.models import User

RESET = "federation.password.reset"


def reset_link(user: User) -> str:
    return settings.MUTUALIS_SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def valid_for() -> str:
    """How long a link is good for, in words of the active language ("3 days")."""
    now = timezone.now()
    return timeuntil(now + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT), now)


def reset_queue(request: uuid.UUID, email: str, accounts: Sequence[User]) -> int:
    """One mail to the address, naming each active account that uses it with its link (a
    mailbox shared by several accounts gets one mail, not one per account)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "accounts": [(user.username, reset_link(user)) for user in accounts],
            "valid_for": valid_for(),
            "site": settings.MUTUALIS_SITE_URL,
        }
        subject = render_to_string("federation/mail/reset_subject.txt", context).strip()
        text = render_to_string("federation/mail/reset.txt", context)
    return mail.queue(RESET, request, [mail.Outgoing(email, subject, text)])
