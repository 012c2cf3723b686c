"""Receipts (domain-rules.md §4): the numbered A5 paper a cashier hands over for every payment, and
for
every reversal, which cancels or refunds a payment and carries its own number.

A receipt shows the mutual and how to reach it, the receipt's number, who paid, when and how,
the amount, what the payment settles (its allocations, which add up to it), and who recorded
it. A reversal is titled as such, names the receipt it reverses and shows negative amounts; an
original that was reversed since says so, so that a cancelled receipt cannot pass for a valid
one.
"""

import datetime
import io

from django.db.models import Case, IntegerField, Value, When
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm

from mutualis.benefits.models import BenefitPackage
from mutualis.benefits.queries import package_rules
from mutualis.contributions.models import Allocation, AllocationKind, Method, Payment
from mutualis.core.formats import format_amount, format_date
from mutualis.core.pdf import (
    FONT,
    FONT_BOLD,
    MUTED,
    RULE,
    fit_text,
    letterhead,
    new_canvas,
    pdf_text,
    wrap_text,
)
from mutualis.core.periods import period_end
from mutualis.membership.models import Beneficiary

PAGE_WIDTH, PAGE_HEIGHT = A5
MARGIN = 12 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
AMOUNT_WIDTH = 32 * mm  # the right-hand column of the allocation table
LINE = 4.2 * mm
ALERT = colors.HexColor("#b00020")
FOOTER_HEIGHT = 46 * mm  # total, recorded by, signature: kept together on the last page

KIND_ORDER = Case(
    When(kind=AllocationKind.REGISTRATION_FEE, then=Value(0)),
    When(kind=AllocationKind.CONTRIBUTION, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def receipt_pdf(payment: Payment, *, language: str = "fr", compress: bool = True) -> bytes:
    """The receipt of a payment or of a reversal, on A5 paper, in `language`: one page, more
    when a third payer's payment settles many households. `compress=False` leaves the page
    streams readable (tests)."""
    payment = Payment.objects.select_related(
        "mutual", "household", "payer", "recorded_by", "reverses"
    ).get(pk=payment.pk)
    reversal = payment.reversals.first() if payment.reverses_id is None else None
    head = None
    if payment.household_id is not None:
        head = Beneficiary.objects.filter(household=payment.household, relationship="head").first()
    buffer = io.BytesIO()
    with translation.override(language):
        canvas = new_canvas(
            buffer,
            A5,
            title=receipt_title(payment),
            author=payment.mutual.name,
            compress=compress,
        )
        Receipt(canvas, payment, head, reversal).draw(receipt_lines(payment))
        canvas.save()
    return buffer.getvalue()


def long_date(day: datetime.date) -> str:
    """10 janvier 2025, Jan. 10, 2025: no doubt about which is the day and which the month."""
    return formats.date_format(day, "DATE_FORMAT")


def receipt_title(payment: Payment) -> str:
    return _("Receipt no. %(number)s") % {"number": payment.receipt_number}


def receipt_lines(payment: Payment) -> list[tuple[str, int]]:
    """What a payment settles, as (label, amount) rows in the active language: the registration
    fee, then the contribution of each period, then a third payer's share of each household's
    periods. The rows add up to the payment; should its allocations not, a last row shows
    what is not allocated."""
    allocations = list(
        Allocation.objects.filter(payment=payment)
        .select_related("household")
        .order_by(KIND_ORDER, "period_start", "household__number", "pk")
    )
    ends = period_ends(allocations)
    lines = []
    for allocation in allocations:
        if allocation.kind == AllocationKind.REGISTRATION_FEE:
            label = capfirst(AllocationKind.REGISTRATION_FEE.label)
        else:
            start = allocation.period_start
            end = ends.get((allocation.household.package_id, start))
            period = (
                format_date(start) if end is None else f"{format_date(start)} – {format_date(end)}"
            )
            if allocation.kind == AllocationKind.CONTRIBUTION:
                label = _("Contribution for the period %(period)s") % {"period": period}
            else:
                label = _("Third payer's share for household no. %(number)s, period %(period)s") % {
                    "number": allocation.household.number,
                    "period": period,
                }
        lines.append((str(label), allocation.amount))
    rest = payment.amount - sum(amount for _label, amount in lines)
    if rest:
        lines.append((_("Not allocated"), rest))
    return lines


def period_ends(allocations: list[Allocation]) -> dict[tuple[int, datetime.date], datetime.date]:
    """The last day of each (package, period start) among the allocations, from the package
    version in force when the period began."""
    wanted = {(a.household.package_id, a.period_start) for a in allocations if a.period_start}
    revisions = dict(
        BenefitPackage.objects.filter(pk__in={package for package, _start in wanted}).values_list(
            "pk", "rules_revision"
        )
    )
    ends = {}
    for package_id, start in wanted:
        if package_id not in revisions:
            continue
        versions = [
            v for v in package_rules(package_id, revisions[package_id]) if v.valid_from <= start
        ]
        if versions:
            ends[(package_id, start)] = period_end(start, versions[-1].period)
    return ends


class Receipt:
    """Draws one receipt, top down, turning the page when the allocations need more room."""

    def __init__(self, canvas, payment: Payment, head: Beneficiary | None, reversal):
        self.canvas = canvas
        self.payment = payment
        self.head = head
        self.reversal = reversal
        self.currency = payment.mutual.currency
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN

    def draw(self, lines: list[tuple[str, int]]) -> None:
        self.draw_header()
        self.draw_title()
        self.draw_facts()
        self.draw_allocations(lines)
        self.draw_footer()
        self.canvas.showPage()

    # page furniture

    def draw_header(self) -> None:
        self.y = letterhead(
            self.canvas, self.payment.mutual, left=MARGIN, top=self.y, width=CONTENT_WIDTH
        )

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN
        self.draw_header()
        self.y -= 4 * mm
        self.canvas.setFillColor(colors.black)
        self.canvas.setFont(FONT_BOLD, 10)
        continued = _("%(title)s (continued, page %(page)s)") % {
            "title": receipt_title(self.payment),
            "page": self.page,
        }
        self.canvas.drawString(MARGIN, self.y, pdf_text(continued))
        self.y -= 6 * mm

    # the receipt

    def draw_title(self) -> None:
        canvas, payment = self.canvas, self.payment
        if payment.reverses_id is not None:
            self.y -= 7 * mm
            canvas.setFillColor(ALERT)
            canvas.setFont(FONT_BOLD, 16)
            canvas.drawString(MARGIN, self.y, pdf_text(_("REVERSAL")))
            self.y -= 6 * mm
            canvas.setFont(FONT_BOLD, 10)
            reverses = _("Reversal of receipt no. %(number)s of %(date)s") % {
                "number": payment.reverses.receipt_number,
                "date": long_date(payment.reverses.received_on),
            }
            canvas.drawString(MARGIN, self.y, pdf_text(reverses))
        self.y -= 8 * mm
        canvas.setFillColor(colors.black)
        text, size = fit_text(receipt_title(payment), FONT_BOLD, 15, CONTENT_WIDTH, 10)
        canvas.setFont(FONT_BOLD, size)
        canvas.drawString(MARGIN, self.y, text)
        if self.reversal is not None:
            self.y -= 5.5 * mm
            canvas.setFillColor(ALERT)
            canvas.setFont(FONT_BOLD, 10)
            reversed_by = _("Reversed by receipt no. %(number)s of %(date)s") % {
                "number": self.reversal.receipt_number,
                "date": long_date(self.reversal.received_on),
            }
            canvas.drawString(MARGIN, self.y, pdf_text(reversed_by))
        self.y -= 3 * mm

    def payer_text(self) -> str:
        payment = self.payment
        if payment.payer_id is not None:
            return payment.payer.name
        household = _("household no. %(number)s") % {"number": payment.household.number}
        if self.head is None:
            return capfirst(household)
        return f"{self.head.first_name} {self.head.last_name.upper()}, {household}"

    def method_text(self) -> str:
        method = capfirst(Method(self.payment.method).label)
        if self.payment.reference:
            return _("%(method)s, reference %(reference)s") % {
                "method": method,
                "reference": self.payment.reference,
            }
        return str(method)

    def draw_facts(self) -> None:
        payment = self.payment
        facts = [
            (_("Date"), long_date(payment.received_on)),
            (_("Paid by"), self.payer_text()),
            (_("Method"), self.method_text()),
        ]
        if payment.note:
            label = _("Reason") if payment.reverses_id else _("Note")
            facts.append((label, payment.note))
        label_width = 32 * mm
        for label, value in facts:
            lines = wrap_text(value, FONT, 10, CONTENT_WIDTH - label_width, 3)
            self.y -= 5.5 * mm
            self.canvas.setFillColor(MUTED)
            text, size = fit_text(label, FONT, 9, label_width - 2 * mm, 7)
            self.canvas.setFont(FONT, size)
            self.canvas.drawString(MARGIN, self.y, text)
            self.canvas.setFillColor(colors.black)
            self.canvas.setFont(FONT, 10)
            for index, line in enumerate(lines):
                if index:
                    self.y -= LINE
                self.canvas.drawString(MARGIN + label_width, self.y, line)
        # the amount, large: what the member checks first
        self.y -= 10 * mm
        self.canvas.setFillColor(MUTED)
        self.canvas.setFont(FONT, 9)
        self.canvas.drawString(MARGIN, self.y, pdf_text(_("Amount")))
        self.canvas.setFillColor(ALERT if payment.amount < 0 else colors.black)
        amount = format_amount(payment.amount, self.currency)
        text, size = fit_text(amount, FONT_BOLD, 18, CONTENT_WIDTH - label_width, 10)
        self.canvas.setFont(FONT_BOLD, size)
        self.canvas.drawString(MARGIN + label_width, self.y, text)
        self.y -= 5 * mm

    def draw_allocations(self, lines: list[tuple[str, int]]) -> None:
        label_width = CONTENT_WIDTH - AMOUNT_WIDTH - 2 * mm
        self.draw_table_head()
        for label, amount in lines:
            wrapped = wrap_text(label, FONT, 9, label_width, 3)
            height = len(wrapped) * LINE + 1.5 * mm
            if self.y - height < MARGIN + 10 * mm:
                self.new_page()
                self.draw_table_head()
            self.canvas.setFillColor(colors.black)
            self.canvas.setFont(FONT, 9)
            top = self.y
            for line in wrapped:
                self.y -= LINE
                self.canvas.drawString(MARGIN, self.y, line)
            self.canvas.drawRightString(
                PAGE_WIDTH - MARGIN, top - LINE, pdf_text(format_amount(amount, self.currency))
            )
            self.y -= 1.5 * mm
            self.canvas.setStrokeColor(RULE)
            self.canvas.setLineWidth(0.3)
            self.canvas.line(MARGIN, self.y, PAGE_WIDTH - MARGIN, self.y)
        if self.y < MARGIN + FOOTER_HEIGHT:
            self.new_page()
        self.y -= 5 * mm
        self.canvas.setFont(FONT_BOLD, 10)
        self.canvas.drawString(MARGIN, self.y, pdf_text(_("Total")))
        self.canvas.drawRightString(
            PAGE_WIDTH - MARGIN,
            self.y,
            pdf_text(format_amount(sum(amount for _label, amount in lines), self.currency)),
        )

    def draw_table_head(self) -> None:
        self.y -= 6 * mm
        self.canvas.setFillColor(MUTED)
        self.canvas.setFont(FONT_BOLD, 8)
        self.canvas.drawString(MARGIN, self.y, pdf_text(_("Paid for").upper()))
        self.canvas.drawRightString(PAGE_WIDTH - MARGIN, self.y, pdf_text(_("Amount").upper()))
        self.y -= 1.5 * mm
        self.canvas.setStrokeColor(colors.black)
        self.canvas.setLineWidth(0.6)
        self.canvas.line(MARGIN, self.y, PAGE_WIDTH - MARGIN, self.y)

    def draw_footer(self) -> None:
        """Who recorded the payment, and room for the cashier's signature and the stamp."""
        payment, canvas = self.payment, self.canvas
        self.y -= 9 * mm
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8)
        recorded_at = formats.date_format(
            timezone.localtime(payment.recorded_at), "SHORT_DATETIME_FORMAT"
        )
        if payment.recorded_by is not None:
            recorded = _("Recorded by %(user)s on %(time)s") % {
                "user": str(payment.recorded_by),
                "time": recorded_at,
            }
        else:
            recorded = _("Recorded on %(time)s") % {"time": recorded_at}
        for line in wrap_text(recorded, FONT, 8, CONTENT_WIDTH, 2):
            canvas.drawString(MARGIN, self.y, line)
            self.y -= 3.5 * mm
        box_width, box_height = 55 * mm, 22 * mm
        left = PAGE_WIDTH - MARGIN - box_width
        bottom = max(self.y - 2 * mm - box_height, MARGIN)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(left, bottom, box_width, box_height, stroke=1, fill=0)
        canvas.setFont(FONT, 7)
        label = _("Cashier's signature and stamp")
        canvas.drawString(left + 2 * mm, bottom + box_height - 3.5 * mm, pdf_text(label))
