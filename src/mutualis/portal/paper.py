"""A library document as a PDF of a few pages of paragraphs (ReportLab): what the demo's
library is made of, and the tests' files, so that the text found inside is the text written."""

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from mutualis.core.pdf import FONT, FONT_BOLD, new_canvas, pdf_text, wrap_text

WIDTH = A4[0] - 40 * mm


def paper_pdf(title: str, authors: str, paragraphs: Sequence[str]) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4, title=title, author=authors, compress=True)
    y = A4[1] - 30 * mm
    for line in wrap_text(title, FONT_BOLD, 16, WIDTH, 3):
        canvas.setFont(FONT_BOLD, 16)
        canvas.drawString(20 * mm, y, pdf_text(line))
        y -= 8 * mm
    canvas.setFont(FONT, 10)
    canvas.drawString(20 * mm, y, pdf_text(authors))
    y -= 12 * mm
    for paragraph in paragraphs:
        for line in wrap_text(paragraph, FONT, 11, WIDTH, 40):
            if y < 25 * mm:
                canvas.showPage()
                y = A4[1] - 25 * mm
            canvas.setFont(FONT, 11)
            canvas.drawString(20 * mm, y, pdf_text(line))
            y -= 6 * mm
        y -= 4 * mm
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
