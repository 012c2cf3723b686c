"""A new month is a report expected of every mutual, and a month more of its operations' figures:
on the first run of each month, every figure is worked out again (monitoring.compute)."""

import datetime

from mutualis.core.daily import Daily
from mutualis.monitoring import compute
from mutualis.monitoring.digest import send_digests
from mutualis.monitoring.figures import Span
from mutualis.monitoring.models import Figure


def new_month(day: datetime.date) -> str:
    month = day.replace(day=1)
    if Figure.objects.filter(span=Span.MONTH, start=month).exists():
        return "figures already reach this month"
    return f"{compute.rebuild(day)} figures worked out again"


DAILY = [Daily("indicators", new_month), Daily("alert digests", send_digests)]
