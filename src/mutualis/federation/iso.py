"""ISO 3166 countries and ISO 4217 currencies, named in the user's language (pycountry's data
and its translations)."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def _translation(domain: str, language: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_choices() -> list[tuple[str, str]]:
    names = _translation("iso3166-1", get_language() or "fr")
    return sorted(
        ((c.alpha_2, names.gettext(c.name)) for c in pycountry.countries), key=lambda c: c[1]
    )


def currency_choices() -> list[tuple[str, str]]:
    names = _translation("iso4217", get_language() or "fr")
    return sorted(
        (c.alpha_3, f"{c.alpha_3} — {names.gettext(c.name)}") for c in pycountry.currencies
    )


def is_currency_code(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def is_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None
