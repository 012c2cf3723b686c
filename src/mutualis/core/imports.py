"""What every import of a spreadsheet shares, whatever it imports (the member register, the
providers' lists, the claims' batch): the columns of its template and the headers it accepts
for them, its cells read as text or dates, and the problems it reports on a row and a column.
Reading the file itself, safely, is core.spreadsheets'; each import keeps its own columns and
rules."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from mutualis.core.bounds import check_line
from mutualis.core.spreadsheets import UnreadableFile, file_rows
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


# --- reading a table ------------------------------------------------------------------------

# How far down the header row may stand (below a title or a note).
HEADER_LOOK_AHEAD = 10


@dataclass(frozen=True)
class Table:
    """A file's rows under its header: where each column is, what the file calls it, and the
    rows that are not blank as (row number in the file, values)."""

    positions: dict[str, int]
    labels: dict[str, str]
    rows: list[tuple[int, tuple[Any, ...]]]

    def value(self, values: tuple[Any, ...], key: str) -> Any:
        index = self.positions.get(key)
        return values[index] if index is not None and index < len(values) else None


def read_table(
    file_name: str, content: bytes, columns: Sequence[Column]
) -> tuple[Table | None, list[Problem], list[Problem]]:
    """The table of a file, with the errors that keep it from being read (a missing required
    column, an unreadable file) and warnings (columns that are not the template's)."""
    headers = {
        header_key(name): column.key
        for column in columns
        for name in (column.fr, column.en, column.key, *column.aliases)
    }
    try:
        rows = list(enumerate(file_rows(file_name, content), start=1))
    except UnreadableFile as error:
        return None, [Problem(None, "", str(error))], []

    def recognised(values: tuple[Any, ...]) -> int:
        return len({headers.get(header_key(v)) for v in values if not blank(v)} - {None})

    candidates = [(n, v) for n, v in rows[:HEADER_LOOK_AHEAD] if not all(blank(x) for x in v)]
    if not candidates:
        return None, [Problem(None, "", _("The file holds no rows."))], []
    number, values = max(candidates, key=lambda row: (recognised(row[1]), -row[0]))
    written = {header_key(v) for v in values if not blank(v)}
    english = sum(c.en in written for c in columns) > sum(c.fr in written for c in columns)
    labels = {column.key: column.header("en" if english else "fr") for column in columns}
    positions: dict[str, int] = {}
    warnings = []
    for index, value in enumerate(values):
        if blank(value):
            continue
        key = headers.get(header_key(value))
        if key is None:
            warnings.append(
                Problem(number, str(value), _("This column is not used: it is ignored."))
            )
        elif key not in positions:
            positions[key] = index
            labels[key] = str(value).strip()
    missing = [
        Problem(
            number,
            labels[column.key],
            _("The file has no column %(column)s.") % {"column": labels[column.key]},
        )
        for column in columns
        if column.required and column.key not in positions
    ]
    if missing:
        return None, missing, warnings
    body = [
        (n, v)
        for n, v in rows
        if n > number and not all(blank(v[i]) for i in positions.values() if i < len(v))
    ]
    return Table(positions, labels, body), [], warnings


WHOLE = re.compile(r"\d+(?:[.,]0+)?")
# Thousands separators people type or Excel writes in text cells: spaces, also non-breaking.
GROUPING = str.maketrans("", "", " \u00a0\u202f")


def cell_whole(value: Any) -> int | None:
    """A whole number of a cell (12, 12.0, "1 500"); None when empty. ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = cell_text(value).translate(GROUPING)
    if not text:
        return None
    if not WHOLE.fullmatch(text):
        raise ValueError(text)
    return int(re.split(r"[.,]", text)[0])
