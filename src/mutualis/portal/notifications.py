"""The e-mails of joining the network (docs/public-site.md), queued in core.mail's outbox in
the transaction of the change and written in the applicant's language:

- the link that confirms the address, a signed token naming the application (good for
  CONFIRM_DAYS days): whoever follows it proves they read the mailbox;
- the answer to a confirmed address already known (an account, an application waiting): only
  the mailbox's reader learns that it is known, never the visitor who typed it;
- the editor's decision: a refusal with its reason, or an acceptance with a link to choose a
  password (Django's password-reset token: good until the password is set, or for
  PASSWORD_RESET_TIMEOUT)."""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mutualis.core import mail
from mutualis.federation.models import User
from mutualis.portal.models import Application

SALT = "mutualis.portal.application.confirm"
CONFIRM_DAYS = 7
CONFIRM, KNOWN, ACCEPTED, REFUSED = (
    "portal.application.confirm",
    "portal.application.known",
    "portal.application.accepted",
    "portal.application.refused",
)


def confirm_token(application_uid: uuid.UUID) -> str:
    return signing.dumps(str(application_uid), salt=SALT)


def confirm_subject(token: str) -> uuid.UUID | None:
    """The application a token names; None for a token not signed by us, or too old."""
    try:
        value = signing.loads(
            token, salt=SALT, max_age=datetime.timedelta(days=CONFIRM_DAYS).total_seconds()
        )
        return uuid.UUID(value)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def site(path: str) -> str:
    return settings.MUTUALIS_SITE_URL + path


def password_link(user: User) -> str:
    return site(
        reverse(
            "portal:join-password",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )


def written(kind: str, application: Application, template: str, **context) -> int:
    context["application"] = application
    with translation.override(application.language):
        subject = render_to_string(f"portal/mail/{template}_subject.txt", context).strip()
        text = render_to_string(f"portal/mail/{template}.txt", context)
    return mail.queue(kind, application.uid, [mail.Outgoing(application.email, subject, text)])


def confirm_queue(application: Application) -> int:
    link = site(reverse("portal:join-confirm", kwargs={"token": confirm_token(application.uid)}))
    return written(CONFIRM, application, "confirm", link=link, days=CONFIRM_DAYS)


def known_queue(application: Application, has_account: bool) -> int:
    return written(
        KNOWN, application, "known", has_account=has_account, sign_in=site(reverse("login"))
    )


def accepted_queue(application: Application, account: User) -> int:
    return written(ACCEPTED, application, "accepted", account=account, link=password_link(account))


def refused_queue(application: Application) -> int:
    return written(REFUSED, application, "refused")
