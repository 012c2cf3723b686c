"""`{{ amount|money:currency }}` and `{{ basis_points|rate }}`: amounts and rates as people read
them ("12 500 FCFA", "87,5 %"), loaded in every template (settings.TEMPLATES builtins)."""

from typing import Literal

from django import template

from mutualis.core.formats import format_amount, format_rate

register = template.Library()


@register.filter
def money(amount: int | Literal[""] | None, currency: str | None = "") -> str:
    if amount is None or amount == "":
        return ""
    return format_amount(amount, currency or "")


@register.filter
def rate(basis_points: int | Literal[""] | None) -> str:
    if basis_points is None or basis_points == "":
        return ""
    return format_rate(basis_points)
