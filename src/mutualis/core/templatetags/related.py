"""`{% related row %}`, `{% related row its_rows %}`: the sections other apps declare about a
row and the rows its page lists (core.related)."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from mutualis.core.related import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def related(context: dict[str, Any], *rows: Any) -> SafeString:
    """Each argument a row (anything with a `uid`) or an iterable of rows."""
    uids = []
    for given in rows:
        uids.extend([given.uid] if hasattr(given, "uid") else [row.uid for row in given])
    request = context["request"]
    # each section is rendered by Django's templates, which escape what they show
    return mark_safe(
        "".join(
            render_to_string(name, section, request=request)
            for name, section in sections(request, uids)
        )
    )
