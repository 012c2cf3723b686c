"""Spreadsheets out and in: every export writes its cells here, and every import reads its file
here, so that what a spreadsheet program or a hostile file could do is handled in one place.

**Writing: cells are data, never formulas.** A name, a reference or a label stored by a user (or
sent through the API or FHIR) may read `=HYPERLINK("http://…";"…")`; written as it is, openpyxl
would store it as a live formula, and text starting with `+`, `-`, `@`, a tab or a carriage
return becomes one as soon as someone edits the cell (the OWASP rule on CSV injection). So
`data_cell` writes such text as an explicit string cell with Excel's *quote prefix*: the
"this is text" mark Excel itself stores when one types a leading apostrophe (ECMA-376
§18.8.45), so that the cell stays text when edited. A string cell is never computed on opening:
LibreOffice 7.4 shows `=1+1` written so as `=1+1`, where openpyxl's default cell shows 2
(LibreOffice drops the mark when it saves the file again). The text is kept exactly, rather
than behind a visible apostrophe (the OWASP advice for CSV files, of which Mutualis writes
none): every "+221…" phone number would carry one, and an exported register must import back
unchanged.
Numbers stay numbers: a negative amount is an int, not text. Characters XML cannot hold (C0
controls but tab and line breaks), which openpyxl refuses with IllegalCharacterError, are
replaced by U+FFFD: data stored before core.bounds refused them must not break an export.

**Reading: a file is checked before it is read in full.** `file_rows` refuses, with a message
for the user, a file larger than MUTUALIS_IMPORT_MAX_BYTES; an encrypted workbook or an Excel
97-2003 file (both OLE containers); an .xlsx that is not a sound zip, carries macros, unpacks
to more than MUTUALIS_IMPORT_MAX_UNPACKED_BYTES or more than MUTUALIS_IMPORT_MAX_RATIO times its
size (a zip bomb), or holds a DTD or an entity in any part (billion laughs, XXE); a CSV line
longer than MAX_LINE characters; and stops at MUTUALIS_IMPORT_MAX_ROWS rows. The zip checks use
the sizes the archive declares, and Python's zipfile never inflates a member past its declared
size (it stops there and fails the CRC), so they bound the work of everything that follows.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.db.models import Field, Model, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

# --- writing --------------------------------------------------------------------------------

# What makes Excel or LibreOffice take a typed text as a formula (OWASP, "CSV injection").
FORMULA_STARTS = frozenset("=+-@\t\r")
REPLACEMENT = "\ufffd"
DATE_FORMAT = "DD/MM/YYYY"


def data_cell(sheet: Any, value: Any) -> object:
    """`value` as a cell of `sheet` (write-only or not) that holds data: text a spreadsheet
    would take as a formula becomes a string cell marked as text, and characters XML cannot
    hold become U+FFFD; any other value is returned as it is, for the sheet to write."""
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    if not value or value[0] not in FORMULA_STARTS:
        return value
    cell = Cell(sheet, row=1, column=1, value=value)  # the sheet's append places it
    cell.data_type = "s"  # openpyxl would make "=…" a formula
    cell.quotePrefix = True
    return cell


def data_row(sheet: Any, values: Iterable[object]) -> list[object]:
    return [data_cell(sheet, value) for value in values]


def header_cells(sheet: Any, headers: Sequence[str]) -> list[Cell]:
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def write_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[object]],
    date_columns: Sequence[int],
) -> None:
    """One sheet of a write-only workbook: a bold, frozen header, then the rows as data
    (`data_cell`); dates shown day first."""
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(header_cells(sheet, headers))
    for row in rows:
        values = data_row(sheet, row)
        for index in date_columns:
            if values[index] is not None:
                cell = WriteOnlyCell(sheet, value=values[index])
                cell.number_format = DATE_FORMAT
                values[index] = cell
        sheet.append(values)


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading --------------------------------------------------------------------------------

# The longest line a CSV file may hold, in characters: a register's row is a few hundred.
MAX_LINE = 100_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an encrypted (password-protected) .xlsx keeps its workbook in, inside an OLE
# container; its name is written in UTF-16 in the container's directory.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# The content type of a macro-enabled workbook's parts, in [Content_Types].xml.
MACRO_CONTENT_TYPE = b"macroEnabled"
# The marks of a document type declaration and of an entity, as an XML parser reads them: in
# UTF-8 (and the encodings that share its ASCII letters) and in UTF-16. Every part is searched,
# whatever its name: the workbook's relations may send openpyxl to parse any of them.
DECLARATIONS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
OVERLAP = max(len(mark) for mark in DECLARATIONS)
CHUNK = 1 << 20
# What openpyxl raises on a workbook whose parts are damaged in ways the checks above cannot see
# (an unexpected value in a part, a part missing): each was seen fuzzing the parts of a workbook.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    InvalidFileException,
    ParseError,
    KeyError,
    IndexError,
    OSError,
    TypeError,
    ValueError,
)


class UnreadableFile(Exception):
    """A file refused before or while it is read; the message is for the user."""


def spans_mutuals(queryset: QuerySet[Any]) -> bool:
    """Whether the rows belong to several mutuals: an export then names each row's mutual."""
    return queryset.order_by().values("mutual_id").distinct()[:2].count() > 1


def label(model: type[Model], name: str) -> str:
    """A model field's name as a column header."""
    return str(cast("Field[Any, Any]", model._meta.get_field(name)).verbose_name).capitalize()


def unreadable() -> str:
    return _("The file is not a readable Excel (.xlsx) or CSV file.")


def megabytes(count: int) -> str:
    return f"{count / 1_000_000:g}"


def too_large(size: int) -> str | None:
    """Why an upload of `size` bytes is not read, if it is too large: pages check it before
    reading the upload into memory."""
    if size > settings.MUTUALIS_IMPORT_MAX_BYTES:
        return _("The file is larger than %(size)s MB.") % {
            "size": megabytes(settings.MUTUALIS_IMPORT_MAX_BYTES)
        }
    return None


def file_rows(file_name: str, content: bytes) -> Iterator[tuple[Any, ...]]:
    """The rows of the first sheet of an .xlsx file, or of a CSV file, as tuples of values,
    once the file has passed the checks of the module's docstring. Raises UnreadableFile when
    it does not, before reading it or, for the number of rows, as soon as it passes the limit."""
    if message := too_large(len(content)):
        raise UnreadableFile(message)
    name = file_name.lower()
    if content[:8] == OLE_MAGIC:
        if ENCRYPTED_PACKAGE in content:
            raise UnreadableFile(
                _(
                    "The workbook is protected by a password: save a copy without password, "
                    "as .xlsx or CSV, and import that copy."
                )
            )
        raise UnreadableFile(
            _("Excel 97-2003 (.xls) files are not read: save the file as .xlsx or CSV.")
        )
    if name.endswith((".xlsx", ".xlsm")) or (not name.endswith(".csv") and content[:2] == b"PK"):
        rows = xlsx_rows(name, content)
    else:
        rows = csv_rows(content)
    return at_most(settings.MUTUALIS_IMPORT_MAX_ROWS, rows)


def at_most(limit: int, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise UnreadableFile(
                _("The file has more than %(count)s rows: split it into smaller files.")
                % {"count": f"{limit:,}".replace(",", "\u202f")}
            )
        yield row


def workbook_checked(name: str, content: bytes) -> None:
    """Refuses an .xlsx file that is not a sound zip, carries macros, unpacks to too much, or
    holds a DTD or an entity declaration in a part; inflates each part once, a chunk at a time,
    to find out, once the sizes its directory declares are known to be within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise UnreadableFile(unreadable()) from error
    names = [member.filename for member in members]
    if name.endswith(".xlsm") or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UnreadableFile(macros())
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > settings.MUTUALIS_IMPORT_MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            _("The workbook unpacks to more than %(size)s MB: split it into smaller files.")
            % {"size": megabytes(settings.MUTUALIS_IMPORT_MAX_UNPACKED_BYTES)}
        )
    if unpacked > settings.MUTUALIS_IMPORT_MAX_RATIO * max(packed, 1):
        raise UnreadableFile(
            _(
                "The workbook unpacks to %(ratio)s times its size, far more than a real one: "
                "it is not read."
            )
            % {"ratio": unpacked // max(packed, 1)}
        )
    try:
        for member in members:
            with archive.open(member) as part:
                tail = b""
                while chunk := part.read(CHUNK):
                    window = tail + chunk  # a mark cut in two by the chunks is in the joint
                    if any(mark in window for mark in DECLARATIONS):
                        raise UnreadableFile(
                            _(
                                "The workbook holds a document type declaration, which is not "
                                "read: save it again from Excel or LibreOffice."
                            )
                        )
                    if member.filename == "[Content_Types].xml" and MACRO_CONTENT_TYPE in window:
                        raise UnreadableFile(macros())
                    tail = chunk[-OVERLAP:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise UnreadableFile(unreadable()) from error


def macros() -> str:
    return _("The workbook carries macros, which are not read: save it as .xlsx, without macros.")


def xlsx_rows(name: str, content: bytes) -> Iterator[tuple[Any, ...]]:
    workbook_checked(name, content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except DAMAGED as error:
        raise UnreadableFile(unreadable()) from error
    # The dimensions written in the file may be wrong (some programs write A1:A1): read every
    # row as it comes instead of trusting them.
    sheet.reset_dimensions()

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            yield from sheet.iter_rows(values_only=True)
        except DAMAGED as error:
            raise UnreadableFile(unreadable()) from error
        finally:
            workbook.close()

    return rows()


def csv_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV (separator: semicolon)" in Windows-1252.
        text = content.decode("cp1252", errors="replace")
    first_line = text[:MAX_LINE].split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            if len(line) > MAX_LINE:
                raise UnreadableFile(
                    _("A line of the file is longer than %(count)s characters.")
                    % {"count": f"{MAX_LINE:,}".replace(",", "\u202f")}
                )
            yield line

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            for row in csv.reader(lines(), delimiter=delimiter):
                yield tuple(row)
        except csv.Error as error:
            raise UnreadableFile(unreadable()) from error

    return rows()
