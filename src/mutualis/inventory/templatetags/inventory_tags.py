"""`{{ table.by_status|get_count:"functioning" }}`: a count of a synthesis table, 0 when none."""

from django import template

register = template.Library()


@register.filter
def get_count(counts: dict[str, int], key: str) -> int:
    return counts.get(key, 0)
