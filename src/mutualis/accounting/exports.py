"""The books as Excel workbooks: the trial balance of a period (formulas never: every cell is
data, core.spreadsheets)."""

import datetime
from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutualis.accounting.queries import Balance
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
