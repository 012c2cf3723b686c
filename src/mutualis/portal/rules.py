"""Pure decisions of the portal (issue 16, docs/portal.md): who edits, what a document, a
gathering and a news item must hold. No ORM, no I/O."""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from mutualis.federation.iso import is_country_code
from mutualis.federation.rules import Role
from mutualis.portal.choices import Language, Theme

# Portal editors publish; every signed-in user may propose a document, which waits for them,
# members of the network with no role of their own too (docs/public-site.md).
EDITORS = frozenset({Role.PORTAL_EDITOR})

# The library's documents are of our time; a year is four digits and not in the future.
EARLIEST_YEAR = 1900
# a news item is a flash: it reads in a phone's screen and an e-mail's preview
NEWS_MAX_CHARS = 600


def joined(codes: Iterable[str]) -> str:
    """Codes kept in one field, each between bars (`|fr|en|`): filtering on one is
    `contains "|fr|"`, the same on SQLite and PostgreSQL, with no table of pairs to join."""
    unique = sorted(set(codes))
    return f"|{'|'.join(unique)}|" if unique else ""


def split(value: str) -> list[str]:
    return [code for code in value.split("|") if code]


def country_error(code: str) -> str | None:
    if code and not is_country_code(code):
        return _("%(code)s is not an ISO 3166 country code.") % {"code": code}
    return None


def document_errors(
    *,
    title: str,
    year: int | None,
    language: str,
    country: str,
    themes: Iterable[str],
    has_file: bool,
    link: str,
    today: datetime.date,
) -> dict[str, list[str]]:
    """What keeps a document out of the library: a title, a plausible year, a known language,
    country and themes, and something to read — a file or a link, not both."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the document's title.")]
    if year is not None and not EARLIEST_YEAR <= year <= today.year:
        errors["year"] = [
            _("The year lies between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": today.year}
        ]
    if language not in Language.values:
        errors["language"] = [_("Choose a language of the list.")]
    message = country_error(country)
    if message:
        errors["country"] = [message]
    unknown = sorted(set(themes) - set(Theme.values))
    if unknown:
        errors["themes"] = [_("Unknown themes: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if has_file and link:
        errors["link"] = [_("Give a file or a link, not both.")]
    elif not has_file and not link:
        errors["file"] = [_("Give the document's file or a link to it.")]
    return errors


def gathering_errors(
    *,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    country: str,
    languages: Iterable[str],
) -> dict[str, list[str]]:
    """A gathering has a title, ends on or after its first day, in a known country and
    languages, and lasts at most a year (a typo in a year would otherwise fill the calendar)."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the title.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The last day is on or after the first day.")]
    elif (ends_on - starts_on).days > 366:
        errors["ends_on"] = [_("A gathering lasts at most a year.")]
    message = country_error(country)
    if message:
        errors["country"] = [message]
    unknown = sorted(set(languages) - set(Language.values))
    if unknown:
        errors["languages"] = [_("Choose languages of the list.")]
    return errors


def news_errors(*, title: str, body: str) -> dict[str, list[str]]:
    """A flash news item: a title and a short text."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the title.")]
    if not body.strip():
        errors["body"] = [_("Write the news.")]
    elif len(body) > NEWS_MAX_CHARS:
        errors["body"] = [
            _("A flash news item holds at most %(count)s characters; this one holds %(length)s.")
            % {"count": NEWS_MAX_CHARS, "length": len(body)}
        ]
    return errors


# --- joining the network (docs/public-site.md) ------------------------------------------------
APPLICATION_LIMITS = {
    "first_name": 150,
    "last_name": 150,
    "email": 150,
    "organisation_name": 200,
    "function": 120,
    "motivation": 2000,
}
REFUSAL_REASON_MAX = 1000


def application_errors(
    *,
    names: dict[str, str],
    values: dict[str, str],
    country_known: bool,
    email_valid: bool,
    consent: bool,
) -> dict[str, list[str]]:
    """What keeps an application to join out: every field given and within its length, a
    valid address, a known country, and the directory's rules accepted. `names` are the
    fields' labels as the applicant reads them."""
    errors: dict[str, list[str]] = {}
    for field, limit in APPLICATION_LIMITS.items():
        value = values.get(field, "")
        if not value.strip():
            errors[field] = [_("%(field)s is required.") % {"field": names[field]}]
        elif len(value) > limit:
            errors[field] = [
                _("%(field)s holds %(length)s characters; at most %(limit)s are allowed.")
                % {"field": names[field], "length": len(value), "limit": limit}
            ]
    if "email" not in errors and not email_valid:
        errors["email"] = [
            _("%(field)s must be an e-mail address, such as name@example.org.")
            % {"field": names["email"]}
        ]
    if not values.get("country"):
        errors["country"] = [_("%(field)s is required.") % {"field": names["country"]}]
    elif not country_known:
        errors["country"] = [
            _("%(code)s is not an ISO 3166 country code.") % {"code": values["country"]}
        ]
    if not consent:
        errors["consent"] = [
            _("Accept the directory's rules: members of the network are listed in it.")
        ]
    return errors


def signup_refusal(
    *, from_client: int, from_everyone: int, per_hour: int, per_day: int
) -> str | None:
    """Why an application cannot be taken now; None when it can. `from_client` counts the
    applications sent from the same address in the last hour, `from_everyone` all those of
    the last day: limits against robots (MUTUALIS_SIGNUPS_PER_HOUR, _PER_DAY)."""
    if from_client >= per_hour:
        return _(
            "%(count)s applications were sent from your network in the last hour, the most "
            "allowed: try again in an hour."
        ) % {"count": from_client}
    if from_everyone >= per_day:
        return _(
            "The network has received as many applications today as it takes in a day: try "
            "again tomorrow."
        )
    return None


def timing_refusal(*, waited: float | None, least: int, most: int) -> str | None:
    """Why a form posted `waited` seconds after it was shown is not taken (None when the
    form's signed time is missing or forged); None when it is. A person reads and types for
    more than `least` seconds; a robot posts at once."""
    if waited is None or waited < 0 or waited > most:
        return _("This form has expired or was damaged: check what you typed and send it again.")
    if waited < least:
        return _(
            "The form was sent %(waited)s seconds after it was shown; wait at least %(least)s "
            "seconds: robots are quicker than people."
        ) % {"waited": int(waited), "least": least}
    return None
