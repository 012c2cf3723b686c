"""Pure decisions of the directory (issue 16 item 2, docs/directory.md): which fields of an
entry only members may read, and what an e-mail address, a phone number, a website, a country
or a language must look like. No ORM, no I/O."""

import re
from collections.abc import Iterable

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.federation.iso import is_country_code
from mutualis.federation.rules import Role

# who keeps the directory: the portal's editors, in their scope
EDITORS = frozenset({Role.PORTAL_EDITOR})

# The fields whose reader the editor (or the person, for their own entry) chooses: public, or
# members only (signed-in users). The others (name, acronym, kind, membership, country,
# descriptions) are always public: they are what the directory is searched and listed by.
INSTITUTION_CHOOSABLE = {
    "city": gettext_lazy("city"),
    "address": gettext_lazy("address"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
    "website": gettext_lazy("website"),
}
PERSON_CHOOSABLE = {
    "title": gettext_lazy("title or function"),
    "institution": gettext_lazy("organisation"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
    "languages": gettext_lazy("languages"),
    "expertise": gettext_lazy("areas of expertise"),
}
# a new entry's members-only fields until someone chooses: the ways to reach someone
INSTITUTION_DEFAULT = ["address", "phone", "email"]
PERSON_DEFAULT = ["phone", "email"]

# "+221 33 869 00 00", "(+226) 25-30-12-12", "77 123 45 67": digits, spaces and the usual marks
PHONE = re.compile(r"\+?[0-9 ().\-/]+")
PHONE_DIGITS = (6, 15)  # ITU E.164 numbers have at most 15 digits


def shown(field: str, members_only: Iterable[str], member: bool) -> bool:
    """Whether a reader sees the field: a member (signed in) sees every field, anyone else the
    public ones only."""
    return member or field not in set(members_only)


def members_only_error(fields: Iterable[str], choosable: Iterable[str]) -> str | None:
    unknown = sorted(set(fields) - set(choosable))
    if unknown:
        return _("These fields cannot be made members-only: %(fields)s.") % {
            "fields": ", ".join(unknown)
        }
    return None


def email_error(value: str) -> str | None:
    if not value:
        return None
    try:
        EmailValidator()(value)
    except ValidationError:
        return _("The e-mail address %(value)s is not valid: it is written name@domain.org.") % {
            "value": value
        }
    return None


def phone_error(value: str) -> str | None:
    if not value:
        return None
    digits = sum(c.isdigit() for c in value)
    low, high = PHONE_DIGITS
    if not PHONE.fullmatch(value) or not low <= digits <= high:
        return _(
            "The phone number %(value)s is not valid: from %(low)s to %(high)s digits, with "
            "spaces, dashes or a leading + only."
        ) % {"value": value, "low": low, "high": high}
    return None


def website_error(value: str) -> str | None:
    if not value:
        return None
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return _(
            "The website %(value)s is not a valid address: it starts with https:// or http://."
        ) % {"value": value}
    return None


def country_error(value: str, required: bool = True) -> str | None:
    if not value:
        return _("Choose a country.") if required else None
    if not is_country_code(value):
        return _("%(code)s is not an ISO 3166 country code.") % {"code": value}
    return None


def countries_error(codes: Iterable[str]) -> str | None:
    wrong = [code for code in codes if not is_country_code(code)]
    if wrong:
        return _("These are not ISO 3166 country codes: %(codes)s.") % {"codes": ", ".join(wrong)}
    return None


def languages_error(codes: Iterable[str]) -> str | None:
    wrong = [code for code in codes if pycountry.languages.get(alpha_2=code) is None]
    if wrong:
        return _("These are not ISO 639-1 language codes (fr, en, pt…): %(codes)s.") % {
            "codes": ", ".join(wrong)
        }
    return None


def seat_error(committee_country: str, person_country: str) -> str | None:
    """A national committee seats people of its country only: a person of another country sits
    in theirs."""
    if committee_country != person_country:
        return _(
            "This person is of another country (%(person)s) than the committee (%(committee)s): "
            "a national committee seats people of its country."
        ) % {"person": person_country, "committee": committee_country}
    return None
