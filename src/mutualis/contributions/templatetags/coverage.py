"""`{{ because|reason }}`: why a person is not covered, as a sentence whose date reads as the
page's other dates (05/12/2026), not as the API's ISO date."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def reason(because) -> str:
    return because.text(lambda day: formats.date_format(day, "SHORT_DATE_FORMAT"))
