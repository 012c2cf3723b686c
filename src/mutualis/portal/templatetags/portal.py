"""The portal's template filters: names of countries, languages and themes from their codes,
in the reader's language."""

from django import template

from mutualis.federation.iso import country_choices
from mutualis.portal.choices import Language, Theme

register = template.Library()


@register.filter
def country(code: str) -> str:
    return dict(country_choices()).get(code, code) if code else ""


@register.filter
def language(code: str) -> str:
    return Language(code).label if code in Language.values else code


@register.filter
def theme(code: str) -> str:
    return str(Theme(code).label) if code in Theme.values else code
