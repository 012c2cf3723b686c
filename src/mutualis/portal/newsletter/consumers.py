"""The flash news by e-mail: a consumer of the event log reads the portal's `news.published`
events and queues, for each, one mail to every flash news subscriber due it (rules.flash_due),
in the transaction that moves its cursor. Killed at any point it starts again after the last
event whose mails were queued; and core.mail queues a mail of a kind about a thing to an
address once, so that reading an event again never sends it twice.

Every subscriber is sent every item, whatever its language: the network writes in French and
in English, flash news are few and short, and an English reader of a West African network
wants the French news too (the lists of the Concertation did the same). The mail around the
item — its subject's prefix, the links, the unsubscribe — is in the subscriber's language."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from mutualis.core.consumers import Consumer, Logged, each
from mutualis.portal.events import NEWS_PUBLISHED
from mutualis.portal.models import NewsItem
from mutualis.portal.newsletter import mails
from mutualis.portal.newsletter.models import MailingList, Subscription
from mutualis.portal.newsletter.rules import flash_due


def mail_news(event: Logged) -> None:
    item = NewsItem.objects.filter(uid=event.subject).first()
    if item is None:  # an event received from another installation, without its row
        return
    now = timezone.now()
    due = [
        subscription
        for subscription in Subscription.objects.filter(
            list=MailingList.FLASH, confirmed_at__isnull=False, stopped_at__isnull=True
        ).order_by("pk")
        if flash_due(
            published_at=item.published_at,
            confirmed_at=subscription.confirmed_at,
            stopped_at=subscription.stopped_at,
            now=now,
        )
    ]
    flash = mails.Flash(item.uid, item.title, item.body, item.link, item.language)
    mails.flash_queue(flash, due)


CONSUMERS = [
    Consumer(
        "flash-news-mail",
        each(mail_news),
        frozenset({NEWS_PUBLISHED}),
        gettext_lazy("Flash news by e-mail"),
    )
]
