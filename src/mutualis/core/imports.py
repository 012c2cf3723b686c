"""What every import of a spreadsheet shares, whatever it imports (the member register, the
providers' lists, the claims' batch): the columns of its template and the headers it accepts
for them, its cells read as text or dates, and the problems it reports on a row and a column.
Reading the file itself, safely, is core.spreadsheets'; each import keeps its own columns and
rules."""

import datetime
import re
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from mutualis.core.bounds import check_line
from mutualis.core.text import normalize

# --- the columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # what the code calls it
    fr: str  # the header of the French template (data, not a translated string)
    en: str  # the header of the English template
    aliases: tuple[str, ...] = ()  # other headers accepted, written as header_key() makes them
    required: bool = False  # the file must have the column

    def header(self, language: str) -> str:
        return self.en if language == "en" else self.fr


def header_key(text: Any) -> str:
    """A header as it is looked up: "Date de naissance" → "date_de_naissance"."""
    return normalize(str(text)).replace(" ", "_")


# --- the problems ---------------------------------------------------------------------------


class Problem(NamedTuple):
    """What is wrong with one cell: the row's number in the file (1 is the header; None for the
    whole file), the column's header and the message in the user's language."""

    row: int | None
    column: str
    message: str


def describe(problem: Problem) -> str:
    """One problem as a sentence for the user ("Row 3, column nom: …")."""
    if problem.row is None:
        return str(problem.message)
    if not problem.column:
        return _("Row %(row)s: %(message)s") % {"row": problem.row, "message": problem.message}
    return _("Row %(row)s, column %(column)s: %(message)s") % {
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def text_problem(text: str, limit: int) -> str | None:
    """What is wrong with a cell's text for a one-line field of the model of `limit`
    characters (its max_length): too long, or a control character (core.bounds); None when
    nothing is. The imports write without `full_clean`, so they check here what it would."""
    if len(text) > limit:
        return _("At most %(count)s characters.") % {"count": limit}
    try:
        check_line(text)
    except ValidationError as error:
        return error.messages[0]
    return None


# --- the cells ------------------------------------------------------------------------------


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed in a text column: 12 rather than 12.0
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
YEAR_FIRST = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T]00:00(?::00)?)?")


def cell_date(value: Any) -> datetime.date | None:
    """A date cell, a text dd/mm/yyyy or yyyy-mm-dd, or the serial number of a date in a cell
    without a date format; None when empty. Raises ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial numbers: 1900-01-01 to 9999-12-31
            # openpyxl ships no types; a serial of a day or more is a datetime
            return cast(datetime.datetime, from_excel(value)).date()
        raise ValueError(value)
    text = str(value).strip()
    if not text:
        return None
    if match := DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
    elif match := YEAR_FIRST.fullmatch(text):
        year, month, day = match.groups()
    else:
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))
