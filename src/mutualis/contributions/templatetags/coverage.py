"""`{{ because|reason }}`: why a person is not covered, as a sentence whose date reads as the
page's other dates (05/12/2026), not as the API's ISO date."""

from django import template

from mutualis.core.formats import format_date

register = template.Library()


@register.filter
def reason(because) -> str:
    return because.text(format_date)
