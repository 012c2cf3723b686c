"""The requests for a new password are kept only as long as the rate limits count them (a
day): the client and e-mail addresses they name are not kept longer than that."""

import datetime

from django.utils import timezone

from mutualis.core.daily import Daily
from mutualis.federation.models import PasswordResetRequest


def forget_reset_requests(day: datetime.date) -> str:
    deleted, _ = PasswordResetRequest.objects.filter(
        at__lt=timezone.now() - datetime.timedelta(days=2)
    ).delete()
    return f"{deleted} requests for a new password forgotten"


DAILY = [Daily("password reset requests", forget_reset_requests)]
