"""The books printed: the trial balance and the financial statements of a period, for the
accountant's file, the general assembly and the supervision (core.pdf)."""

import datetime
import io
from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4

from mutualis.accounting.queries import Balance
from mutualis.accounting.statements import Statements, System
from mutualis.core.formats import currency_symbol, format_date
from mutualis.core.pdf import MUTED, Column, Page, new_canvas, number
from mutualis.federation.models import Organisation


def trial_balance_pdf(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    balances: Sequence[Balance],
    *,
    closed: bool,
    language: str = "fr",
    compress: bool = True,
) -> bytes:
    buffer = io.BytesIO()
    with translation.override(language):
        title = _("Trial balance, %(start)s – %(end)s") % {
            "start": format_date(start),
            "end": format_date(end),
        }
        canvas = new_canvas(buffer, A4, title=title, author=organisation.name, compress=compress)
        page = Page(canvas, title, organisation)
        page.title_line(title)
        notes = [
            _("Amounts in %(currency)s.") % {"currency": currency_symbol(organisation.currency)}
        ]
        if organisation.kind != Organisation.Kind.MUTUAL:
            notes.append(
                _(
                    "The figures of every organisation of this union summed, less the "
                    "charge-backs between them."
                )
            )
        if closed:
            notes.append(_("The month is closed: its figures will not change."))
        page.text(" ".join(notes), size=9, color=MUTED)
        page.table(
            [
                Column(_("account"), 0.1),
                Column(_("label"), 0.34),
                Column(_("debit"), 0.14, right=True),
                Column(_("credit"), 0.14, right=True),
                Column(_("debit balance"), 0.14, right=True),
                Column(_("credit balance"), 0.14, right=True),
            ],
            [
                [
                    b.account.number,
                    b.account.label,
                    number(b.debit),
                    number(b.credit),
                    number(b.debit_balance) if b.debit_balance else "",
                    number(b.credit_balance) if b.credit_balance else "",
                ]
                for b in balances
            ]
            + [
                [
                    "",
                    _("Total"),
                    number(sum(b.debit for b in balances)),
                    number(sum(b.credit for b in balances)),
                    number(sum(b.debit_balance for b in balances)),
                    number(sum(b.credit_balance for b in balances)),
                ]
            ],
        )
        if not balances:
            page.text(_("Nothing was posted in this period."))
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def statements_pdf(found: Statements, language: str = "fr", *, compress: bool = True) -> bytes:
    """Each table of the statements with the period and the same period a year earlier side by
    side, then the notes."""
    buffer = io.BytesIO()
    with translation.override(language):
        title = _("Financial statements, %(start)s – %(end)s") % {
            "start": format_date(found.start),
            "end": format_date(found.end),
        }
        canvas = new_canvas(
            buffer, A4, title=title, author=found.organisation.name, compress=compress
        )
        page = Page(canvas, title, found.organisation)
        page.title_line(title)
        page.text(str(System(found.system).label).capitalize(), size=9, color=MUTED)
        current = f"{format_date(found.start)} – {format_date(found.end)}"
        previous = f"{format_date(found.previous_start)} – {format_date(found.previous_end)}"
        columns = [
            Column(_("account"), 0.1),
            Column(_("label"), 0.5),
            Column(current, 0.2, right=True),
            Column(previous, 0.2, right=True),
        ]
        for table in found.tables:
            page.y -= 4
            page.text(table.title, size=12, bold=True)
            for section in table.sections:
                if section.title:
                    page.text(section.title, size=10, bold=True)
                page.table(
                    columns,
                    [
                        [row.number, row.label, number(row.amount), number(row.previous)]
                        for row in section.rows
                    ],
                    total=[
                        "",
                        section.total_label,
                        number(section.total),
                        number(section.previous_total),
                    ]
                    if section.total_label
                    else None,
                )
        page.text(_("Notes"), size=12, bold=True)
        for note in found.notes:
            page.text(note, size=9)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
