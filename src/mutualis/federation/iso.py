"""ISO 3166 countries and ISO 4217 currencies, named in the user's language (pycountry's data
and its translations)."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def _translation(domain: str, language: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


# ISO's English names are made for sorted lists ("Congo, The Democratic Republic of the"): the
# names people say, where pycountry has none
SAID_IN_ENGLISH = {"CD": "Democratic Republic of the Congo"}


def country_choices() -> list[tuple[str, str]]:
    language = get_language() or "fr"
    if language.startswith("en"):
        found = [(c.alpha_2, said_in_english(c)) for c in pycountry.countries]
    else:
        names = _translation("iso3166-1", language)
        found = [(c.alpha_2, names.gettext(c.name)) for c in pycountry.countries]
    return sorted(found, key=lambda c: c[1])


def said_in_english(country) -> str:
    said = SAID_IN_ENGLISH.get(country.alpha_2) or getattr(country, "common_name", None)
    return said or country.name


def currency_choices() -> list[tuple[str, str]]:
    names = _translation("iso4217", get_language() or "fr")
    return sorted(
        (c.alpha_3, f"{c.alpha_3} — {names.gettext(c.name)}") for c in pycountry.currencies
    )


def is_currency_code(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def is_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None
