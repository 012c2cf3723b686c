"""The requests to subscribe are kept only as long as the rate limits count them (a day):
the client addresses they came from are not kept longer than that."""

import datetime

from django.utils import timezone

from mutualis.core.daily import Daily
from mutualis.portal.newsletter.models import SignUp


def forget_sign_ups(day: datetime.date) -> str:
    deleted, _ = SignUp.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=2)).delete()
    return f"{deleted} requests to subscribe forgotten"


DAILY = [Daily("newsletter sign-ups", forget_sign_ups)]
