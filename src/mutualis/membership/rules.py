"""Pure rules of the register: who may join a household, how people are found and how possible
duplicates are recognised (domain-rules.md §2)."""

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mutualis.benefits.choices import Category, Relationship
from mutualis.core.bounds import check_birth_date
from mutualis.core.identifiers import compact_form
from mutualis.core.text import normalize

ADULT_AGE = 18
# Phone numbers are found by their last digits: the national number without the country code.
PHONE_DIGITS = 9


def search_tokens(
    *,
    first_name: str,
    last_name: str,
    member_number: str,
    phone: str,
    household_number: int | None = None,
) -> set[str]:
    """The words a beneficiary is found by: each name, the member number (compact), the phone
    number's last digits and the household number."""
    tokens = set(normalize(f"{first_name} {last_name}").split())
    tokens.add(compact_form(member_number).lower())
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 6:
        tokens.add(digits[-PHONE_DIGITS:])
    if household_number is not None:
        tokens.add(f"h{household_number}")
    return {token[:60] for token in tokens if token}


def query_words(query: str) -> list[str]:
    """The words of a search, normalised like the tokens; a member number typed with dashes
    or spaces is one word, a phone number is its last digits."""
    text = query.strip()
    digits = re.sub(r"\D", "", text)
    if digits and re.fullmatch(r"[+\d\s.-]{6,}", text):
        return [digits[-PHONE_DIGITS:]]
    if re.fullmatch(r"[A-Za-z0-9]+([-\s][A-Za-z0-9]+)*", text) and any(c.isdigit() for c in text):
        return [compact_form(text).lower()]
    return normalize(text).split()


def duplicate_key(*, first_name: str, last_name: str, sex: str, birth_date: datetime.date) -> str:
    """What two records of the same person share, whatever the accents or the order of names."""
    names = " ".join(sorted(normalize(f"{first_name} {last_name}").split()))
    return f"{names}|{sex}|{birth_date.isoformat()}"


def birthday(birth_date: datetime.date, years: int) -> datetime.date:
    """The day someone born on `birth_date` turns `years` (29 February → 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return datetime.date(birth_date.year + years, 3, 1)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    return years - 1 if birthday(birth_date, years) > day else years


# How people are named on every page and paper (issue 12 part 4): a household by its head and
# its number, a beneficiary by name, member number and age, never by a bare number.
def household_label(head_name: str, number: int) -> str:
    """ "Aminata Diop · n° 31"; "n° 31" alone while the household has no head yet."""
    if not head_name.strip():
        return _("no. %(number)s") % {"number": number}
    return _("%(name)s · no. %(number)s") % {"name": head_name.strip(), "number": number}


def age_label(years: int) -> str:
    return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}


def beneficiary_label(name: str, member_number: str, age: int | None) -> str:
    """ "Awa Ndiaye · 0031-02 · 7 ans"."""
    years = age_label(age) if age is not None else ""
    return " · ".join(part for part in (name.strip(), member_number, years) if part)


def default_category(birth_date: datetime.date, day: datetime.date) -> str:
    return Category.ADULT if age_on(birth_date, day) >= ADULT_AGE else Category.CHILD


def dependent_errors(
    *,
    relationship: str,
    birth_date: datetime.date,
    enrolled_on: datetime.date,
    today: datetime.date,
    child_age_limit: int,
    spouses_allowed: int,
    other_dependents_allowed: bool,
    max_household_size: int | None,
    household: Iterable[str],
) -> dict[str, str]:
    """Why a person cannot join a household as `relationship`, by field; empty when they can.
    `household` is the relationships of the household's current members."""
    members = list(household)
    errors: dict[str, str] = {}
    try:
        check_birth_date(birth_date, today)
    except ValidationError as error:
        errors["birth_date"] = error.messages[0]
    else:
        if birth_date > enrolled_on:
            errors["birth_date"] = _("The date of birth comes after the enrolment date.")
    if relationship == Relationship.HEAD:
        if Relationship.HEAD in members:
            errors["relationship"] = _("The household already has a head.")
        elif birth_date <= today and age_on(birth_date, enrolled_on) < ADULT_AGE:
            errors["birth_date"] = _(
                "The head of household must be an adult (%(age)s or older)."
            ) % {"age": ADULT_AGE}
    elif relationship == Relationship.CHILD:
        if birth_date <= today and age_on(birth_date, enrolled_on) >= child_age_limit:
            errors["birth_date"] = _(
                "A child dependent must be under %(age)s years old on enrolment."
            ) % {"age": child_age_limit}
    elif relationship == Relationship.SPOUSE:
        if members.count(Relationship.SPOUSE) >= spouses_allowed:
            errors["relationship"] = _("The package allows %(count)s spouse(s) per household.") % {
                "count": spouses_allowed
            }
    elif relationship in (Relationship.PARENT, Relationship.OTHER) and not other_dependents_allowed:
        errors["relationship"] = _("The package does not cover other dependents.")
    if max_household_size is not None and len(members) + 1 > max_household_size:
        errors["relationship"] = _("The package allows at most %(count)s people per household.") % {
            "count": max_household_size
        }
    return errors
