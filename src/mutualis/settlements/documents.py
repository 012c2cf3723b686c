"""The PDF documents of provider payments (DOMAIN.md §5), on A4 paper: the statement a payer
sends a provider, and the clearing between mutuals of a month.

A statement shows who pays and whom, the period, every claim (the beneficiary's member number,
the date of care, the provider's invoice number, the amount asked and its split into the
mutual's share, what the member owes and what the provider may not bill), the totals, and the
date by which it is to be paid under the agreement's terms. A cancelled statement says so in
red, so that it cannot pass for one to pay.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from mutualis.core.amounts import format_amount
from mutualis.core.pdf import (
    FONT,
    FONT_BOLD,
    MUTED,
    RULE,
    fit_text,
    format_date,
    letterhead,
    new_canvas,
    pdf_text,
    wrap_text,
)
from mutualis.settlements.models import Statement
from mutualis.settlements.queries import Clearing, standings_of, statement_lines

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
ROW = 5 * mm
ALERT = colors.HexColor("#b00020")


def number(amount: int) -> str:
    """An amount without its currency, grouped by thousands in the active language (the
    document states the currency once)."""
    return formats.number_format(int(amount), decimal_pos=0, use_l10n=True, force_grouping=True)


def long_date(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # a share of the content's width
    right: bool = False  # amounts are aligned right


class Page:
    """Draws a document top down: a heading on every page, facts, tables that turn the page
    and repeat their heads."""

    def __init__(self, canvas, title: str, organisation):
        self.canvas = canvas
        self.title = title
        self.organisation = organisation
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN
        self.draw_heading()

    def draw_heading(self) -> None:
        self.y = letterhead(
            self.canvas, self.organisation, left=MARGIN, top=self.y, width=CONTENT_WIDTH
        )

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN
        self.draw_heading()
        self.y -= 5 * mm
        self.canvas.setFillColor(colors.black)
        self.canvas.setFont(FONT_BOLD, 10)
        continued = _("%(title)s (continued, page %(page)s)") % {
            "title": self.title,
            "page": self.page,
        }
        self.canvas.drawString(MARGIN, self.y, pdf_text(continued))
        self.y -= 3 * mm

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.new_page()

    def text(self, text: str, *, size: float = 10, bold: bool = False, color=colors.black) -> None:
        font = FONT_BOLD if bold else FONT
        for line in wrap_text(text, font, size, CONTENT_WIDTH, 4):
            self.room(size + 3)
            self.y -= size + 3
            self.canvas.setFillColor(color)
            self.canvas.setFont(font, size)
            self.canvas.drawString(MARGIN, self.y, line)

    def title_line(self, text: str, *, color=colors.black) -> None:
        self.y -= 9 * mm
        self.canvas.setFillColor(color)
        line, size = fit_text(text, FONT_BOLD, 15, CONTENT_WIDTH, 10)
        self.canvas.setFont(FONT_BOLD, size)
        self.canvas.drawString(MARGIN, self.y, line)
        self.y -= 2 * mm

    def facts(self, facts: Sequence[tuple[str, str]]) -> None:
        label_width = 45 * mm
        for label, value in facts:
            lines = wrap_text(value, FONT, 10, CONTENT_WIDTH - label_width, 3)
            self.room(len(lines) * 4.5 * mm + 1.5 * mm)
            self.y -= 5.5 * mm
            self.canvas.setFillColor(MUTED)
            text, size = fit_text(label, FONT, 9, label_width - 2 * mm, 7)
            self.canvas.setFont(FONT, size)
            self.canvas.drawString(MARGIN, self.y, text)
            self.canvas.setFillColor(colors.black)
            self.canvas.setFont(FONT, 10)
            for index, line in enumerate(lines):
                if index:
                    self.y -= 4.5 * mm
                self.canvas.drawString(MARGIN + label_width, self.y, line)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        total: Sequence[str] | None = None,
    ) -> None:
        """Rows of cells cut to their column's width; the head again on each new page; the
        total in bold under a rule."""
        self.y -= 4 * mm
        self.table_head(columns)
        for row in rows:
            if self.y - ROW < MARGIN:
                self.new_page()
                self.y -= 4 * mm
                self.table_head(columns)
            self.y -= ROW
            self.cells(columns, row, FONT)
            self.canvas.setStrokeColor(RULE)
            self.canvas.setLineWidth(0.3)
            self.canvas.line(MARGIN, self.y - 1.5 * mm, PAGE_WIDTH - MARGIN, self.y - 1.5 * mm)
        if total is not None:
            self.room(ROW + 2 * mm)
            self.y -= ROW + 1 * mm
            self.cells(columns, total, FONT_BOLD)
        self.y -= 3 * mm

    def table_head(self, columns: Sequence[Column]) -> None:
        self.y -= ROW
        self.canvas.setFillColor(MUTED)
        self.cells(columns, [capfirst(c.label) for c in columns], FONT_BOLD, size=7.5)
        self.canvas.setStrokeColor(colors.black)
        self.canvas.setLineWidth(0.6)
        self.canvas.line(MARGIN, self.y - 1.5 * mm, PAGE_WIDTH - MARGIN, self.y - 1.5 * mm)
        self.canvas.setFillColor(colors.black)

    def cells(self, columns: Sequence[Column], values: Sequence[str], font, size=8.5) -> None:
        x = MARGIN
        for column, value in zip(columns, values, strict=True):
            width = column.width * CONTENT_WIDTH
            text, fitted = fit_text(value, font, size, width - 2 * mm, 6)
            self.canvas.setFont(font, fitted)
            if column.right:
                self.canvas.drawRightString(x + width - 1 * mm, self.y, text)
            else:
                self.canvas.drawString(x, self.y, text)
            x += width


def statement_title(statement: Statement) -> str:
    return _("Statement no. %(number)s") % {"number": statement.number}


STATEMENT_COLUMNS = (
    (gettext_lazy("member number"), 0.17),
    (gettext_lazy("date of care"), 0.12),
    (gettext_lazy("invoice number"), 0.17),
    (gettext_lazy("asked"), 0.135),
    (gettext_lazy("paid by the mutual"), 0.135),
    # short heads that fit their column: what the member owes, what the provider may not bill
    (gettext_lazy("member's share"), 0.135),
    (gettext_lazy("not billable"), 0.135),
)


def statement_pdf(statement: Statement, *, language: str = "fr", compress: bool = True) -> bytes:
    """The statement of a provider's claims, in `language`, on as many A4 pages as its claims
    need. `compress=False` leaves the page streams readable (tests)."""
    statement = Statement.objects.select_related("mutual", "provider", "agreement").get(
        pk=statement.pk
    )
    lines = list(statement_lines(statement))
    state = standings_of([statement])[statement.pk]
    buffer = io.BytesIO()
    with translation.override(language):
        title = statement_title(statement)
        canvas = new_canvas(
            buffer, A4, title=title, author=statement.mutual.name, compress=compress
        )
        page = Page(canvas, title, statement.mutual)
        if statement.cancelled_on is not None:
            page.title_line(
                _("CANCELLED on %(date)s") % {"date": long_date(statement.cancelled_on)},
                color=ALERT,
            )
            page.text(statement.cancel_reason, color=ALERT)
        page.title_line(title)
        provider = statement.provider
        facts = [
            (_("Provider"), f"{provider.name} ({provider.code})"),
            (_("Paid by"), statement.mutual.name),
            (
                _("Period"),
                f"{format_date(statement.period_start)} – {format_date(statement.period_end)}",
            ),
            (_("Issued on"), long_date(statement.issued_on)),
            (
                _("To be paid by"),
                _("%(date)s (payment terms: %(days)s days)")
                % {"date": long_date(statement.due_on), "days": statement.payment_days},
            ),
        ]
        if provider.address:
            facts.insert(1, (_("Address"), provider.address))
        if statement.agreement is not None:
            facts.append((_("Agreement"), statement.agreement.reference))
        facts.append((_("Amounts in"), statement.currency))
        page.facts(facts)
        columns = [
            Column(str(label), width, right=index >= 3)
            for index, (label, width) in enumerate(STATEMENT_COLUMNS)
        ]
        rows, sums = [], [0, 0, 0, 0]
        for line in lines:
            claim = line.claim
            amounts = (claim.asked, line.amount, claim.member_share, claim.provider_loss)
            sums = [s + a for s, a in zip(sums, amounts, strict=True)]
            rows.append(
                [
                    claim.beneficiary.member_number,
                    format_date(claim.service_from),
                    claim.provider_reference,
                    *(number(a) for a in amounts),
                ]
            )
        count = _("Total (%(count)s claims)") % {"count": len(lines)}
        page.table(columns, rows, [count, "", "", *(number(s) for s in sums)])
        page.room(20 * mm)
        page.y -= 4 * mm
        page.text(
            _("Amount due: %(amount)s")
            % {"amount": format_amount(statement.total, statement.currency)},
            size=13,
            bold=True,
        )
        if state.paid:
            page.text(
                _("Paid so far: %(paid)s · still owed: %(outstanding)s")
                % {
                    "paid": format_amount(state.paid, statement.currency),
                    "outstanding": format_amount(state.outstanding, statement.currency),
                }
            )
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def clearing_pdf(
    clearing: Clearing, organisation, *, language: str = "fr", compress: bool = True
) -> bytes:
    """The clearing between mutuals of a month as seen from `organisation` (the user's): who
    paid providers for whose members, and each organisation's net position."""
    buffer = io.BytesIO()
    with translation.override(language):
        month = formats.date_format(clearing.start, "YEAR_MONTH_FORMAT")
        title = _("Clearing between mutuals, %(month)s") % {"month": month}
        canvas = new_canvas(buffer, A4, title=title, author=organisation.name, compress=compress)
        page = Page(canvas, title, organisation)
        page.title_line(title)
        page.text(
            _(
                "Claims that a mutual or a union paid to providers for the members of another "
                "mutual, on its statements issued from %(start)s to %(end)s, less those of "
                "statements cancelled in that time: the mutual of the members owes them back."
            )
            % {"start": format_date(clearing.start), "end": format_date(clearing.end)},
            size=9,
            color=MUTED,
        )
        page.table(
            [
                Column(_("paid by"), 0.36),
                Column(_("for the members of"), 0.36),
                Column(_("claims"), 0.1, right=True),
                Column(_("amount"), 0.18, right=True),
            ],
            [
                [
                    payer.name,
                    mutual.name,
                    number(flow.claims),
                    format_amount(flow.amount, flow.currency),
                ]
                for payer, mutual, flow in clearing.named_flows()
            ],
        )
        if not clearing.flows:
            page.text(_("No claim was paid for the members of another mutual this month."))
        page.y -= 4 * mm
        page.text(_("Balances"), size=12, bold=True)
        page.table(
            [
                Column(_("organisation"), 0.37),
                Column(_("owed to it"), 0.21, right=True),
                Column(_("it owes"), 0.21, right=True),
                Column(_("net"), 0.21, right=True),
            ],
            [
                [
                    org.name,
                    format_amount(balance.owed_to, balance.currency),
                    format_amount(balance.owes, balance.currency),
                    format_amount(balance.net, balance.currency),
                ]
                for org, balance in clearing.named_balances()
            ],
        )
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
