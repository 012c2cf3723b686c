"""The limits of core.bounds on what a FHIR request gives us, checked where each value is read:
a day of care or of a question within its window, a text (a member number, a provider code, an
invoice number, an act's code) no longer than the field it is looked up in or stored in and
without a control character, a whole number within MAX_AMOUNT. A value beyond them is refused
with a 400 OperationOutcome naming its element, before any query or service sees it.

The R4B models check the syntax (a date's digits, a string's allowed characters); these are the
limits our database and our date arithmetic need, the same for every path (forms, JSON API,
imports).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core import bounds
from mutualis.interop.outcomes import refusal


def checked(resource: str, element: str, check, value):
    """`value`, once core.bounds' `check` has found it within its limits."""
    try:
        check(value)
    except ValidationError as error:
        raise refusal(resource, "value", " ".join(error.messages), element) from None
    return value


def day(resource: str, element: str, value, check=bounds.check_query_date) -> datetime.date | None:
    """A FHIR date or dateTime as a day (of care by `check_care_date`, of a question by
    default); None when not given. A year or a month alone is refused: coverage and care are
    decided for a day."""
    if value is None:
        return None
    if not isinstance(value, datetime.date):
        raise refusal(resource, "value", _("The date of service must be a full date."), element)
    if isinstance(value, datetime.datetime):
        # in the window first: year 1 or 9999 would overflow the change of time zone
        checked(resource, element, bounds.check_query_date, value.date())
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return checked(resource, element, check, value)


def text(resource: str, element: str, value: str, model: type[models.Model], name: str) -> str:
    """A text that is looked up in, or stored in, `model.name`: one line, within its length."""
    limit = model._meta.get_field(name).max_length
    if len(value) > limit:
        raise refusal(
            resource,
            "value",
            _("At most %(max)s characters.") % {"max": limit},
            element,
        )
    return checked(resource, element, bounds.check_line, value)


def fits(model: type[models.Model], name: str, value: str) -> bool:
    """Whether `value` could be a value of `model.name` (a read's id): longer or holding a
    control character, it names nothing."""
    limit = model._meta.get_field(name).max_length
    return len(value) <= limit and not bounds.LINE_CONTROLS.search(value)


def whole(resource: str, element: str, value: Decimal | None) -> int | None:
    """A FHIR decimal that must be a whole number within MAX_AMOUNT (a quantity, an amount
    without decimals): refused before it becomes an integer, which `1e999999999` would take
    minutes to."""
    if value is None:
        return None
    if not value.is_finite() or abs(value) > bounds.MAX_AMOUNT:
        raise refusal(
            resource,
            "value",
            _("A whole number of at most %(max)s is expected.") % {"max": bounds.MAX_AMOUNT},
            element,
        )
    if value != value.to_integral_value():
        raise refusal(resource, "value", _("A whole number is expected."), element)
    return int(value)
