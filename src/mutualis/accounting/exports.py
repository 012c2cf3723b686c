"""The books as Excel workbooks: the trial balance and the financial statements of a period
(formulas never: every cell is data, core.spreadsheets)."""

import datetime
from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutualis.accounting.queries import Balance
from mutualis.accounting.statements import Statements
from mutualis.core.formats import format_date
from mutualis.core.spreadsheets import saved, write_sheet
from mutualis.federation.models import Organisation


def trial_balance_xlsx(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    balances: Sequence[Balance],
    language: str | None,
) -> bytes:
    with translation.override(language):
        workbook = Workbook(write_only=True)
        title = _("Trial balance of %(organisation)s, %(start)s – %(end)s") % {
            "organisation": organisation.name,
            "start": format_date(start),
            "end": format_date(end),
        }
        rows: list[list[object]] = [[title, None, None, None, None, None]]
        rows += [
            [
                b.account.number,
                b.account.label,
                b.debit,
                b.credit,
                b.debit_balance,
                b.credit_balance,
            ]
            for b in balances
        ]
        rows.append(
            [
                _("Total"),
                None,
                sum(b.debit for b in balances),
                sum(b.credit for b in balances),
                sum(b.debit_balance for b in balances),
                sum(b.credit_balance for b in balances),
            ]
        )
        write_sheet(
            workbook,
            _("Trial balance"),
            [
                _("account"),
                _("label"),
                _("debit"),
                _("credit"),
                _("debit balance"),
                _("credit balance"),
            ],
            [12, 50, 16, 16, 16, 16],
            rows,
            date_columns=[],
        )
        return saved(workbook)


def statements_xlsx(found: Statements, language: str | None) -> bytes:
    """A sheet per table: its sections' rows with the period and the year before, each
    section's total; the notes on a last sheet."""
    with translation.override(language):
        workbook = Workbook(write_only=True)
        current = f"{format_date(found.start)} – {format_date(found.end)}"
        previous = f"{format_date(found.previous_start)} – {format_date(found.previous_end)}"
        for table in found.tables:
            rows: list[list[object]] = [
                [f"{found.organisation.name}: {table.title}", None, None, None]
            ]
            for section in table.sections:
                if section.title:
                    rows.append([None, section.title, None, None])
                rows += [[row.number, row.label, row.amount, row.previous] for row in section.rows]
                if section.total_label:
                    rows.append([None, section.total_label, section.total, section.previous_total])
            write_sheet(
                workbook,
                table.title[:31],
                [_("account"), _("label"), current, previous],
                [12, 50, 22, 22],
                rows,
                date_columns=[],
            )
        write_sheet(workbook, _("Notes"), [_("Notes")], [120], [[note] for note in found.notes], [])
        return saved(workbook)
