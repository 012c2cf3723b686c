"""Pure decisions of the mailing lists and the Courrier (docs/newsletter.md): what an address
and an issue must hold, how often one may ask to subscribe, who is sent a flash news item. No
ORM, no I/O: the services read the facts and call these."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mutualis.core.rate_limits import limit_reached
from mutualis.federation.rules import Role
from mutualis.portal.forums.rules import text_error

# who makes, publishes and sends the Courrier: the portal's editors, in their scope
EDITORS = frozenset({Role.PORTAL_EDITOR})

EMAIL_MAX = 254
ISSUE_TITLE_MAX = 200
ARTICLE_TITLE_MAX = 200
ARTICLE_BODY_MAX = 20_000
ARTICLES_MAX = 30

# A flash news item is news for a few days: one published while the worker was stopped for
# longer (or before the lists existed) is not mailed late.
FLASH_FRESH = datetime.timedelta(days=3)


def normal_address(email: str) -> str:
    """An address as kept: without the spaces around it, in lower case (mail servers treat
    local parts without regard to case in practice), so that one address is one row."""
    return email.strip().lower()


def address_error(email: str) -> str | None:
    """Why `email` cannot be subscribed; None when it can."""
    if not email.strip():
        return _("The e-mail address cannot be empty.")
    if len(email.strip()) > EMAIL_MAX:
        return _("The e-mail address holds more than %(limit)s characters.") % {"limit": EMAIL_MAX}
    try:
        validate_email(email.strip())
    except ValidationError:
        return _("%(email)s is not an e-mail address (name@example.org).") % {
            "email": email.strip()
        }
    return None


def sign_up_refusal(
    *,
    from_client: Sequence[datetime.datetime],
    for_address: Sequence[datetime.datetime],
    now: datetime.datetime,
    per_client_hour: int,
    per_address_day: int,
) -> str | None:
    """Why a request to subscribe is refused now; None when it is taken. `from_client` and
    `for_address` are the times of the last day's requests from the same client address and
    for the same e-mail address. Limits against floods, and against a stranger filling
    someone's mailbox with confirmation requests (MUTUALIS_NEWSLETTER_SIGNUPS_PER_HOUR,
    MUTUALIS_NEWSLETTER_CONFIRMATIONS_PER_DAY)."""
    reached = limit_reached(
        from_client=from_client,
        for_address=for_address,
        now=now,
        per_client_hour=per_client_hour,
        per_address_day=per_address_day,
    )
    if reached is None:
        return None
    count = {"count": number_format(reached.requests, force_grouping=True)}
    if reached.limit == "client":
        return (
            _(
                "%(count)s subscription requests came from your connection in the last hour, the "
                "most allowed: try again in an hour."
            )
            % count
        )
    return (
        _(
            "This address was sent %(count)s confirmation requests in the last 24 hours, the "
            "most allowed: look for them in its mailbox, or try again tomorrow."
        )
        % count
    )


def flash_due(
    *,
    published_at: datetime.datetime,
    confirmed_at: datetime.datetime | None,
    stopped_at: datetime.datetime | None,
    now: datetime.datetime,
) -> bool:
    """Whether a subscriber is sent a flash news item published at `published_at`: a
    subscription confirmed by then and not stopped, for a news item still fresh. News published
    before the subscription is on the page and in the feed, not mailed: a new subscriber
    receives the next one."""
    return (
        confirmed_at is not None
        and confirmed_at <= published_at
        and stopped_at is None
        and now - published_at <= FLASH_FRESH
    )


def article_errors(
    *, title_fr: str, title_en: str, body_fr: str, body_en: str
) -> dict[str, str | None]:
    """What an article lacks: its title and text in both languages, within the limits."""
    return {
        "title_fr": text_error(_("The title in French"), title_fr, ARTICLE_TITLE_MAX),
        "title_en": text_error(_("The title in English"), title_en, ARTICLE_TITLE_MAX),
        "body_fr": text_error(_("The text in French"), body_fr, ARTICLE_BODY_MAX),
        "body_en": text_error(_("The text in English"), body_en, ARTICLE_BODY_MAX),
    }


def issue_errors(*, title_fr: str, title_en: str) -> dict[str, str | None]:
    return {
        "title_fr": text_error(_("The title in French"), title_fr, ISSUE_TITLE_MAX),
        "title_en": text_error(_("The title in English"), title_en, ISSUE_TITLE_MAX),
    }


def change_refusal(status: str) -> str | None:
    """Why an issue cannot be changed: once published it is what its readers received."""
    if status != "draft":
        return _(
            "This issue is published: it is not changed any more. Say a correction in the "
            "next issue."
        )
    return None


def publish_refusal(*, status: str, articles: int) -> str | None:
    if status != "draft":
        return _("This issue is already published.")
    if articles == 0:
        return _("An issue needs at least one article to be published.")
    return None


def send_refusal(status: str) -> str | None:
    if status == "draft":
        return _("Publish the issue before sending it.")
    if status == "sent":
        return _("This issue was already sent to the subscribers.")
    return None
