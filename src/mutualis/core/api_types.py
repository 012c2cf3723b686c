"""The JSON API's types of input and of answers, built on core.bounds so that the API refuses
what the forms and the imports refuse, with the same messages, before a service is called:

- a date is written `YYYY-MM-DD` (pydantic would take `0.0` as 1970-01-01) and lies within the
  window its kind of date has (`QueryDate`, `CareDate`, `BirthDate`);
- an amount is a whole number within MAX_AMOUNT;
- a text holds no control character and is no longer than its model field (`text_of`), so
  that SQLite, which does not enforce a length, refuses what PostgreSQL would.

Every operation documents its answers with `answers`: its success, and the errors it gives in
the shapes of `InvalidOut` (400) and `ErrorOut` (401, 403, 404…).
"""

import datetime
import re
from collections.abc import Callable
from typing import Annotated, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from mutualis.core import bounds

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value  # pydantic reads it, and refuses a 13th month
    raise PydanticCustomError("date_format", _("Enter a date as YYYY-MM-DD."))


def _bounded(check: Callable[[Any], None]) -> AfterValidator:
    """A core.bounds check as a pydantic validator, with the check's message."""

    def validate(value: Any) -> Any:
        try:
            check(value)
        except ValidationError as error:
            raise PydanticCustomError(error.code or "bounds", " ".join(error.messages)) from None
        return value

    return AfterValidator(validate)


def _date(check: Callable[[Any], None], window: str) -> Any:
    return Annotated[
        datetime.date,
        BeforeValidator(_iso_date),
        _bounded(check),
        Field(description=f"YYYY-MM-DD, {window}."),
    ]


QueryDate = _date(bounds.check_query_date, f"within {settings.MUTUALIS_QUERY_YEARS} years of today")
CareDate = _date(
    bounds.check_care_date,
    f"not after today and within {settings.MUTUALIS_QUERY_YEARS} years of it",
)
BirthDate = _date(
    bounds.check_birth_date,
    f"not after today nor before {settings.MUTUALIS_EARLIEST_BIRTH_YEAR}",
)
Amount = Annotated[int, Field(gt=0, le=bounds.MAX_AMOUNT)]


def _without(controls: re.Pattern[str]) -> Any:
    """The OpenAPI document's pattern of a text without these control characters (checked by
    core.bounds, for its message)."""
    return Field(json_schema_extra={"pattern": f"^[^{controls.pattern[1:-1]}]*$"})


def line(max_length: int | None) -> Any:
    """A one-line text of at most `max_length` characters."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length),
        _bounded(bounds.check_line),
        _without(bounds.LINE_CONTROLS),
    ]


def text_of(model: type[models.Model], name: str) -> Any:
    """The type of a text that goes into `model.name`: at most its length, and no control
    character (a multi-line text keeps its line breaks)."""
    field = cast("models.Field[Any, Any]", model._meta.get_field(name))  # a text field
    if not isinstance(field, models.TextField):
        return line(field.max_length)
    return Annotated[
        str,
        StringConstraints(max_length=field.max_length),
        _bounded(bounds.check_text),
        _without(bounds.TEXT_CONTROLS),
    ]


# What a search is given: a few words.
SearchWords = line(200)


class ErrorOut(Schema):
    detail: str = Field(..., description="What is wrong, in the user's language.")


class InvalidOut(Schema):
    detail: dict[str, list[str]] = Field(
        ...,
        description="The messages of each field that is wrong, in the user's language: a "
        "parameter's or an element's name (`head.birth_date`, `dependents.0.sex`), or "
        "`__all__` for the request as a whole.",
    )


def answers(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    """An operation's answers for the OpenAPI document: its success, the 400 of bad input, the
    401 of a request signed by nobody and the 403 of roles that do not allow it, and `errors`
    (404 outside the user's scope, 413 for a body too large, 503 when the database cannot
    write…)."""
    return {
        **success,
        400: InvalidOut,
        401: ErrorOut,
        403: ErrorOut,
        **{status: ErrorOut for status in errors},
    }


def idempotent_write() -> dict[str, Any]:
    """The `Idempotency-Key` header a write accepts (core.idempotency), for the OpenAPI
    document: its answers 409 and 422 go in the operation's `answers`."""
    from mutualis.core.idempotency import HEADER, MAX_KEY_LENGTH

    return {
        "parameters": [
            {
                "in": "header",
                "name": HEADER,
                "required": False,
                "description": (
                    "A string of the client's for this write: sent again with the same body, "
                    "the first answer is given again and nothing is written twice (422 with "
                    "another body, 409 while the first is still running)."
                ),
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_KEY_LENGTH,
                    "pattern": "^[!-~]+$",
                },
            }
        ]
    }


# Pydantic's messages for the errors a client makes, in the user's language.
MESSAGES = {
    "missing": lambda context: _("This field is required."),
    "string_too_long": lambda context: (
        _("At most %(max)s characters.") % {"max": context["max_length"]}
    ),
    "greater_than": lambda context: _("At least %(min)s.") % {"min": context["gt"] + 1},
    "less_than_equal": lambda context: _("At most %(max)s.") % {"max": context["le"]},
    "int_parsing": lambda context: _("Enter a whole number."),
    "int_from_float": lambda context: _("Enter a whole number."),
    "uuid_parsing": lambda context: _("Enter a UUID."),
    "uuid_type": lambda context: _("Enter a UUID."),
    "enum": lambda context: _("Choose one of %(expected)s.") % {"expected": context["expected"]},
    "date_from_datetime_parsing": lambda context: _("Enter a date as YYYY-MM-DD."),
    "date_parsing": lambda context: _("Enter a date as YYYY-MM-DD."),
}


def invalid_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's errors as the API's 400 answer names them: by field, as the API names it
    (`on`, `head.birth_date`), with the message in the user's language. A location begins
    with where the value was (query, path, body) and, for a body, the operation's argument."""
    found: dict[str, list[str]] = {}
    for error in errors:
        where, *location = error["loc"]
        if where == "body":
            location = location[1:]
        field = ".".join(str(part) for part in location) or "__all__"
        translate = MESSAGES.get(error["type"])
        message = translate(error.get("ctx", {})) if translate else error["msg"]
        found.setdefault(field, []).append(str(message))
    return found
