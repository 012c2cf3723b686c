"""An issue of the Courrier as a PDF in one language (ReportLab, core.pdf): the letterhead of
the organisation that publishes it, the issue's number, date and title, then its articles,
their paragraphs wrapped across pages, each with its link."""

import io
from collections.abc import Sequence

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from mutualis.core.pdf import (
    BRAND,
    FONT,
    FONT_BOLD,
    MUTED,
    letterhead,
    new_canvas,
    pdf_text,
    wrap_text,
)
from mutualis.portal.newsletter.models import Article, Issue
from mutualis.portal.newsletter.queries import paragraphs

LEFT = 20 * mm
WIDTH = A4[0] - 2 * LEFT
BOTTOM = 20 * mm


class Writer:
    """Lines written top down, a new page when the bottom is reached."""

    def __init__(self, canvas, top: float):
        self.canvas, self.top, self.y = canvas, top, top

    def line(self, text: str, font: str, size: float, color=None, gap: float = 0) -> None:
        if self.y - size * 1.4 < BOTTOM:
            self.canvas.showPage()
            self.y = A4[1] - 20 * mm
        self.canvas.setFont(font, size)
        self.canvas.setFillColor(color or "black")
        self.y -= size * 1.4
        self.canvas.drawString(LEFT, self.y, text)
        self.y -= gap

    def text(self, text: str, font: str, size: float, color=None) -> None:
        for line in wrap_text(text, font, size, WIDTH, 500):
            self.line(line, font, size, color)


def issue_pdf(
    issue: Issue, articles: Sequence[Article], language: str, compress: bool = True
) -> bytes:
    with translation.override(language):
        buffer = io.BytesIO()
        heading = _("The Courrier no. %(number)s") % {"number": issue.number}
        title = issue.title(language)
        canvas = new_canvas(
            buffer, A4, title=f"{heading} — {title}", author=issue.owner.name, compress=compress
        )
        writer = Writer(
            canvas, letterhead(canvas, issue.owner, left=LEFT, top=A4[1] - 15 * mm, width=WIDTH)
        )
        writer.line(
            pdf_text(f"{heading} · {formats.date_format(issue.dated, 'j F Y')}"),
            FONT,
            10,
            MUTED,
            gap=2 * mm,
        )
        writer.text(title, FONT_BOLD, 18, BRAND)
        writer.y -= 6 * mm
        for article in articles:
            writer.text(article.title(language), FONT_BOLD, 13)
            writer.y -= 2 * mm
            for paragraph in paragraphs(article.body(language)):
                writer.text(paragraph, FONT, 10.5)
                writer.y -= 2 * mm
            if article.link:
                writer.text(_("Read more: %(link)s") % {"link": article.link}, FONT, 9, MUTED)
            writer.y -= 5 * mm
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()
