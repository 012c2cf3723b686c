"""The guarantee letter on paper (prise en charge): what the mutual hands the member to take to
the hospital or the specialist, one A5 page. It names the mutual and the provider, the
beneficiary, the care and the period it covers and the most the mutual pays, and reminds the
provider of what the member still pays."""

import io

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm

from mutualis.claims.models import GuaranteeLetter
from mutualis.core.formats import format_amount, format_date
from mutualis.core.pdf import (
    FONT,
    FONT_BOLD,
    MUTED,
    fit_text,
    letterhead,
    new_canvas,
    pdf_text,
    wrap_text,
)

PAGE_WIDTH, PAGE_HEIGHT = A5
MARGIN = 12 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_WIDTH = 56 * mm


def letter_title(letter: GuaranteeLetter) -> str:
    return _("Guarantee letter no. %(number)s") % {"number": letter.number}


def letter_pdf(
    letter: GuaranteeLetter, *, language: str = "fr", medical: bool = False, compress: bool = True
) -> bytes:
    """The letter the beneficiary takes to the provider. Its reason may be medical: it is
    printed only with `medical` (claims.queries.may_see_medical)."""
    letter = GuaranteeLetter.objects.select_related(
        "mutual", "beneficiary", "provider", "issued_by"
    ).get(pk=letter.pk)
    buffer = io.BytesIO()
    with translation.override(language):
        canvas = new_canvas(
            buffer, A5, title=letter_title(letter), author=letter.mutual.name, compress=compress
        )
        y = PAGE_HEIGHT - MARGIN

        def write(text: str, font=FONT, size=10, color=None, gap=4 * mm, lines=4):
            nonlocal y
            canvas.setFillColor(color or "black")
            for line in wrap_text(pdf_text(text), font, size, WIDTH, lines):
                y -= size + 2
                canvas.setFont(font, size)
                canvas.drawString(MARGIN, y, line)
            y -= gap

        mutual, person = letter.mutual, letter.beneficiary
        y = letterhead(canvas, mutual, left=MARGIN, top=y, width=WIDTH) - 4 * mm
        write(letter_title(letter), FONT_BOLD, 15)
        if letter.cancelled_on:
            write(
                _("CANCELLED on %(day)s") % {"day": format_date(letter.cancelled_on)},
                FONT_BOLD,
                12,
                "#b00020",
            )
        write(_("To: %(provider)s") % {"provider": letter.provider}, FONT_BOLD, 11)
        write(
            _(
                "The mutual guarantees the payment of its share of the care given to the "
                "beneficiary below, within the period and the amount of this letter."
            )
        )
        facts = [
            (_("Beneficiary"), f"{person.first_name} {person.last_name}"),
            (_("Member number"), person.member_number),
            (_("Date of birth"), format_date(person.birth_date)),
            (
                _("Care"),
                letter.get_service_category_display() or _("any service needing a letter"),
            ),
            (
                _("Valid"),
                f"{format_date(letter.valid_from)} – {format_date(letter.valid_until)}",
            ),
            (_("At most, paid by the mutual"), format_amount(letter.cap, mutual.currency)),
        ]
        if medical and letter.reason:
            facts.append((_("Reason"), letter.reason))
        for label, value in facts:
            text, size = fit_text(pdf_text(label), FONT, 9, LABEL_WIDTH - 2 * mm, 6)
            canvas.setFont(FONT, size)
            canvas.setFillColor(MUTED)
            canvas.drawString(MARGIN, y - 10, text)
            text, size = fit_text(pdf_text(value), FONT_BOLD, 10, WIDTH - LABEL_WIDTH, 7)
            canvas.setFont(FONT_BOLD, size)
            canvas.setFillColor("black")
            canvas.drawString(MARGIN + LABEL_WIDTH, y - 10, text)
            y -= 6 * mm
        y -= 4 * mm
        write(
            _(
                "The provider checks the member's card and claims under this letter's number. "
                "The co-payment of the benefit package stays with the beneficiary."
            ),
            size=9,
            color=MUTED,
        )
        issued = formats.date_format(letter.issued_at, "DATE_FORMAT")
        by = letter.issued_by.get_full_name() if letter.issued_by else ""
        write(
            _("Issued on %(day)s %(by)s") % {"day": issued, "by": by and f"({by})"},
            size=9,
        )
        write(_("Signature and stamp of the mutual:"), size=9, gap=20 * mm)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
