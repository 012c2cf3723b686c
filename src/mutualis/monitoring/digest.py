"""The alerts' digest (docs/monitoring.md): once a month, from the 16th (the month's reports are
due by the 15th), each user who subscribed to an organisation receives by e-mail the alerts of
the month before among the mutuals under it, through Django's e-mail backend (SMTP in
production). Each digest sent is recorded, so that a run cut short sends the rest the next day
and never one twice; an address that fails does not stop the others, and is tried again the
next day."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mutualis.monitoring import dashboard
from mutualis.monitoring.figures import Span, month_before
from mutualis.monitoring.models import AlertSubscription, DigestSent
from mutualis.monitoring.queries import Period, ThresholdBook

log = logging.getLogger(__name__)


def digest(subscription: AlertSubscription, period: Period) -> tuple[EmailMultiAlternatives, int]:
    """The e-mail of one subscription's alerts for the period, and how many it lists."""
    organisation = subscription.organisation
    alerts = dashboard.alerts(organisation, period, ThresholdBook(organisation))
    page = reverse("monitoring_dashboard", kwargs={"pk": organisation.pk})
    context = {
        "organisation": organisation,
        "period": period,
        "alerts": alerts,
        "site": settings.MUTUALIS_SITE_URL,
        "page": f"{settings.MUTUALIS_SITE_URL}{page}?period={period.code}",
    }
    subject = _("Mutualis · alerts of %(organisation)s, %(period)s") % {
        "organisation": organisation.name,
        "period": period.label,
    }
    message = EmailMultiAlternatives(
        subject,
        render_to_string("monitoring/digest.txt", context),
        to=[subscription.user.email],
    )
    message.attach_alternative(render_to_string("monitoring/digest.html", context), "text/html")
    return message, len(alerts)


def send_digests(day: datetime.date) -> str:
    """Sends the digests of the month before `day` not yet sent; what it did, in a few words."""
    if day.day < settings.MUTUALIS_DIGEST_DAY:
        return "digests wait for the reports due by the 15th"
    month = month_before(day.replace(day=1))
    period = Period(month, Span.MONTH)
    waiting = (
        AlertSubscription.objects.exclude(digests__month=month)
        .exclude(user__email="")
        .filter(user__is_active=True)
        .select_related("user", "organisation")
        .order_by("pk")
    )
    sent = failed = 0
    with translation.override(settings.LANGUAGE_CODE):
        for subscription in waiting:
            message, count = digest(subscription, period)
            try:
                message.send()
            except Exception:  # an address the server refuses: the others go on
                log.exception("the digest to %s was not sent", subscription.user.email)
                failed += 1
                continue
            DigestSent.objects.create(subscription=subscription, month=month, alerts=count)
            sent += 1
    return f"digests of {month:%Y-%m}: {sent} sent, {failed} to try again"
