"""`{{ amount|money:currency }}`: an amount as people read it ("12 500 FCFA"), loaded in every
template (settings.TEMPLATES builtins)."""

from django import template

from mutualis.core.amounts import format_amount

register = template.Library()


@register.filter
def money(amount, currency=""):
    if amount is None or amount == "":
        return ""
    return format_amount(amount, currency or "")
