"""Pure decisions of the forums (issue 16 item 5, docs/forums.md): who moderates, what a post
may hold, how often one may post, and who sees a hidden post. No ORM, no I/O: the services
read the facts and call these."""

import datetime
from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mutualis.federation.rules import Role

# who sets the themes, hides posts and closes topics: the portal's editors, in their scope
MODERATORS = frozenset({Role.PORTAL_EDITOR})

THEME_TITLE_MAX = 120
THEME_DESCRIPTION_MAX = 1_000
TOPIC_TITLE_MAX = 150
BODY_MAX = 10_000
REASON_MAX = 500


def text_error(label: str, value: str, limit: int, required: bool = True) -> str | None:
    """Why `value`, the text of the field called `label`, cannot be kept; None when it can.
    Blank text (spaces and line breaks only) counts as empty."""
    if required and not value.strip():
        return _("%(field)s cannot be empty.") % {"field": label}
    if len(value) > limit:
        return _("%(field)s holds %(length)s characters; at most %(limit)s are allowed.") % {
            "field": label,
            "length": number_format(len(value), force_grouping=True),
            "limit": number_format(limit, force_grouping=True),
        }
    return None


def rate_refusal(
    recent: Sequence[datetime.datetime],
    now: datetime.datetime,
    per_minute: int,
    per_day: int,
) -> str | None:
    """Why a user whose posts of the last day were written at `recent` may not post again
    now; None when they may. Limits against floods and spam, set in the settings
    (MUTUALIS_FORUM_POSTS_PER_MINUTE, MUTUALIS_FORUM_POSTS_PER_DAY)."""
    last_minute = sum(1 for at in recent if now - at < datetime.timedelta(minutes=1))
    if last_minute >= per_minute:
        return _(
            "You have posted %(count)s messages in the last minute, the most allowed: "
            "wait a minute before posting again."
        ) % {"count": last_minute}
    last_day = sum(1 for at in recent if now - at < datetime.timedelta(days=1))
    if last_day >= per_day:
        return _(
            "You have posted %(count)s messages in the last 24 hours, the most allowed: "
            "post again tomorrow."
        ) % {"count": last_day}
    return None


def sees_hidden(*, viewer_id: int | None, author_id: int, moderator: bool) -> bool:
    """Whether a hidden post is shown to the viewer: to its author, who learns why, and to
    the moderators, who may show it again; to nobody else."""
    return moderator or (viewer_id is not None and viewer_id == author_id)


def reply_refusal(*, closed: bool, opening_hidden: bool) -> str | None:
    """Why a topic takes no reply; None when it does."""
    if closed:
        return _("This topic is closed: it takes no more replies.")
    if opening_hidden:
        return _("This topic was hidden by a moderator: it takes no replies.")
    return None
