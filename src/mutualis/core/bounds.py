"""The limits every input meets at the edges, whatever path it comes by (a form, the JSON API,
FHIR, an import): one set of rules, so that SQLite and PostgreSQL accept and refuse the same
things and no value reaches a query or a document that it could break.

- **Dates** lie in a sane window: nobody was born before MUTUALIS_EARLIEST_BIRTH_YEAR (1900),
  care is not given after today, and a date asked about (coverage "on", a period) lies within
  MUTUALIS_QUERY_YEARS (200) years of today. Year 1 or 9999 would otherwise overflow the date
  arithmetic of periods and waiting times.
- **Amounts** are at most MAX_AMOUNT: a million of them still add up inside a 64-bit integer,
  which both databases' sums and Python's exchange with them need.
- **Text** holds no control character (they break Excel files and PDFs and hide content from a
  reader); a multi-line text keeps its line breaks and tabs. Lengths are the model's.

Each check raises Django's ValidationError with a message naming the rule; the caller says which
field it was (a form's field, the API's parameter, a FHIR element, a row and column).
"""

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.core.formats import format_date

# 10^12 of the smallest unit (a thousand billion francs CFA): far above any real amount, and
# 10^6 of them add up to 10^18, below the 9.2 × 10^18 of a 64-bit integer.
MAX_AMOUNT = 10**12
# A count of people, days, visits or items.
MAX_COUNT = 10**6

# C0 controls but the line breaks and tab a text area may hold, DEL, and the C1 controls.
LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def earliest_birth() -> datetime.date:
    return datetime.date(settings.MUTUALIS_EARLIEST_BIRTH_YEAR, 1, 1)


def query_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    years = settings.MUTUALIS_QUERY_YEARS
    return (
        today.replace(year=max(today.year - years, datetime.MINYEAR), month=1, day=1),
        today.replace(year=min(today.year + years, datetime.MAXYEAR), month=12, day=31),
    )


def check_birth_date(value: datetime.date, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if value < earliest_birth():
        raise ValidationError(
            _("The date of birth cannot be before %(date)s.")
            % {"date": format_date(earliest_birth())},
            code="too_early",
        )
    if value > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="in_future")


def check_care_date(value: datetime.date, today: datetime.date | None = None) -> None:
    """Care, a payment received, an enrolment: on a day that has come, and within the window."""
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(_("This date cannot be in the future."), code="in_future")
    check_query_date(value, today)


def check_query_date(value: datetime.date, today: datetime.date | None = None) -> None:
    earliest, latest = query_window(today)
    if not earliest <= value <= latest:
        raise ValidationError(
            _("A date lies between %(earliest)s and %(latest)s.")
            % {
                "earliest": format_date(earliest),
                "latest": format_date(latest),
            },
            code="out_of_window",
        )


def check_line(value: str) -> None:
    """A one-line text (a name, a reference, a code)."""
    if LINE_CONTROLS.search(value):
        raise ValidationError(
            _("This text holds a control character (such as a line break); remove it."),
            code="control_character",
        )


def check_text(value: str) -> None:
    """A multi-line text (an address, a note): line breaks and tabs are kept."""
    if TEXT_CONTROLS.search(value):
        raise ValidationError(
            _("This text holds a control character; remove it."), code="control_character"
        )


def check_amount(value: int) -> None:
    """An amount (negative in a reversal) or any other large integer kept."""
    if abs(value) > MAX_AMOUNT:
        raise ValidationError(
            _("An amount is at most %(max)s.") % {"max": f"{MAX_AMOUNT:,}".replace(",", "\u202f")},
            code="too_large",
        )


def guard_model_fields(models_of_project: Iterable[type[models.Model]]) -> None:
    """Adds the text, amount and date rules to every such field of the project's models,
    so that `full_clean` (which model forms and the services call) applies them everywhere a
    model's own limits already apply."""
    for model in models_of_project:
        for field in model._meta.concrete_fields:
            if field.choices or field.primary_key:
                continue
            rule: Callable[[Any], None]
            if isinstance(field, models.TextField):
                rule = check_text
            elif isinstance(field, models.CharField):
                rule = check_line
            elif isinstance(field, models.BigIntegerField | models.PositiveBigIntegerField):
                rule = check_amount
            elif isinstance(field, models.DateField) and not isinstance(
                field, models.DateTimeField
            ):
                rule = check_query_date
            else:
                continue
            # As the field's own default validators: those in `_validators` would be written
            # into the migrations.
            if rule not in field.default_validators:
                field.default_validators = [*field.default_validators, rule]
                field.__dict__.pop("validators", None)  # a cached_property: computed again
