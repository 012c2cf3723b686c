"""The Excel template of a mutual's monthly report, and the filled template read back (issue 15,
docs/monitoring.md § Reports).

The template lists the figures a report asks for (monitoring.rules), labelled in the user's
language, with each figure's code in a hidden column: the labels may be translated or retyped,
the codes say which figure a row gives. It holds no formula, and a filled file's formulas are
refused rather than worked out: a report gives numbers typed by a person, and a cell such as
`=cmd|' /c calc'!A1` is an attack on whoever opens the file, not a figure.

Reading trusts nothing of the file: its size is checked before anything else, then that it is a
sound .xlsx without macros, DTD or zip bomb (core.spreadsheets), and only the template's first
four columns of its first rows are read."""

import datetime
import io
from collections.abc import Iterator
from typing import Any

from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from mutualis.core.imports import Problem, blank, cell_whole
from mutualis.core.spreadsheets import (
    DAMAGED,
    OLE_MAGIC,
    UnreadableFile,
    data_cell,
    saved,
    workbook_checked,
)
from mutualis.federation.models import Organisation
from mutualis.monitoring.figures import BASE
from mutualis.monitoring.rules import GROUPS, REPORTED, REQUIRED

# A filled template weighs about 10 KB: anything much larger is not one.
REPORT_MAX_BYTES = 1_000_000
# The template has some fifty rows; a file of many more is not one either.
REPORT_MAX_ROWS = 500
MUTUAL, MONTH = "_mutual", "_month"  # the hidden codes of the rows naming the mutual and month


def month_label(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def report_template(
    mutual: Organisation, month: datetime.date, language: str, figures: dict[str, int] | None = None
) -> bytes:
    """The template for `mutual` and `month`, in `language`, with `figures` (those of a report
    already submitted) filled in."""
    figures = figures or {}
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Report")[:31]
        bold = Font(bold=True)
        sheet.append([data_cell(sheet, _("Monthly report of the figures of a mutual"))])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([_("Mutual"), data_cell(sheet, mutual.name), MUTUAL, mutual.code])
        sheet.append([_("Month"), month.strftime("%Y-%m"), MONTH])
        sheet.append(
            [
                _(
                    "Type each figure as a whole number in column B; leave blank a figure you "
                    "do not know. The figures marked * are required. No formula: they are refused."
                )
            ]
        )
        sheet.append([])
        sheet.append([_("Figure"), _("Value"), "code"])
        for cell in sheet[6]:
            cell.font = bold
        for group in GROUPS:
            sheet.append([str(group.label)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            for code in group.codes:
                label = capfirst(str(BASE[code].name)) + (" *" if code in REQUIRED else "")
                sheet.append([label, figures.get(code), code])
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["B"].width = 18
        sheet.column_dimensions["C"].hidden = True
        sheet.column_dimensions["D"].hidden = True
        sheet.freeze_panes = "A7"
        return saved(workbook)


def report_rows(content: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The first four cells of each row of the first sheet, with the row's number; formulas
    as their text (`=…`), never worked out."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
    except DAMAGED as error:
        raise UnreadableFile(not_the_template()) from error
    sheet.reset_dimensions()
    try:
        for number, values in enumerate(sheet.iter_rows(max_col=4, values_only=True), start=1):
            if number > REPORT_MAX_ROWS:
                raise UnreadableFile(not_the_template())
            yield number, (tuple(values) + (None,) * 4)[:4]
    except DAMAGED as error:
        raise UnreadableFile(not_the_template()) from error
    finally:
        workbook.close()


def not_the_template() -> str:
    return _(
        "The file is not the report's Excel template: download the template, fill it in and "
        "upload it as .xlsx."
    )


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith("=")


def report_read(
    file_name: str, content: bytes, mutual: Organisation, month: datetime.date
) -> tuple[dict[str, int], list[Problem]]:
    """The figures of a filled template, and what is wrong with it by row and figure (nothing
    is kept when anything is)."""
    if len(content) > REPORT_MAX_BYTES:
        message = _("The file is larger than %(size)s KB: it is not a filled report template.")
        return {}, [Problem(None, "", message % {"size": REPORT_MAX_BYTES // 1000})]
    if content[:8] == OLE_MAGIC or content[:2] != b"PK":
        return {}, [Problem(None, "", not_the_template())]
    figures: dict[str, int] = {}
    problems: list[Problem] = []
    seen_codes = False
    try:
        workbook_checked(file_name.lower(), content)
        for number, (label, value, code, key) in report_rows(content):
            code = code.strip() if isinstance(code, str) else code
            if code == MUTUAL:
                seen_codes = True
                if str(key or "").strip() != mutual.code:
                    problems.append(
                        Problem(
                            number,
                            str(label or ""),
                            _("This template is for %(other)s, not %(mutual)s.")
                            % {"other": str(value or key or "?").strip(), "mutual": mutual.name},
                        )
                    )
                continue
            if code == MONTH:
                seen_codes = True
                if str(value or "").strip() != month.strftime("%Y-%m"):
                    problems.append(
                        Problem(
                            number,
                            str(label or ""),
                            _("This template is for another month than %(month)s.")
                            % {"month": month_label(month)},
                        )
                    )
                continue
            if blank(code) or code == "code":
                if any(is_formula(cell) for cell in (label, value)):
                    problems.append(Problem(number, "", formula()))
                continue
            column = capfirst(str(BASE[code].name)) if code in BASE else str(label or code)
            if code not in REPORTED:
                problems.append(Problem(number, column, _("This row is not the template's.")))
                continue
            seen_codes = True
            if code in figures:
                problems.append(Problem(number, column, _("This figure is given twice.")))
                continue
            if is_formula(value) or is_formula(label):
                problems.append(Problem(number, column, formula()))
                continue
            try:
                whole = cell_whole(value)
            except ValueError:
                problems.append(
                    Problem(number, column, _("Type a whole number of zero or more, or nothing."))
                )
                continue
            if whole is None:
                continue
            if whole < 0:
                problems.append(Problem(number, column, _("A figure cannot be below zero.")))
                continue
            figures[code] = whole
    except UnreadableFile as error:
        return {}, [Problem(None, "", str(error))]
    if not seen_codes:
        return {}, [Problem(None, "", not_the_template())]
    return figures, problems


def formula() -> str:
    return _("A formula is not read: type the number itself.")
