"""What the PDF documents of Mutualis share (member cards, receipts, statements, lists): the
canvas set-up, the fonts and colours, text that fits its box, amounts, a page drawer with
tables that turn the page, and a reader of the text they contain.

The documents use ReportLab's built-in Helvetica: no font file to ship, and every Western
European letter of French (é, è, ç, œ…) is in its encoding (WinAnsi). Letters outside it, such
as those of Wolof or Pulaar spellings (ŋ, ɓ, ɗ, ƴ), are replaced by the closest Latin letter
rather than drawn as black boxes.
"""

import io
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol, cast

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from mutualis.core.formats import format_amount

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
BRAND = colors.HexColor("#0b6e4f")  # the green of the web pages' header
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")
ELLIPSIS = "…"
# The width of the narrowest letter of the built-in fonts (Helvetica's '), in ems.
NARROWEST = 0.191

# Letters of West African spellings that Helvetica's encoding lacks and that do not decompose
# into a Latin letter and an accent.
LATIN_FALLBACK = str.maketrans(
    {
        "ŋ": "n",
        "Ŋ": "N",
        "ɓ": "b",
        "Ɓ": "B",
        "ɗ": "d",
        "Ɗ": "D",
        "ƴ": "y",
        "Ƴ": "Y",
        "ɲ": "ny",
        "Ɲ": "Ny",
        "ɛ": "e",
        "Ɛ": "E",
        "ɔ": "o",
        "Ɔ": "O",
        "\u202f": "\u00a0",  # narrow no-break space (French number grouping)
        "\u2009": " ",  # thin space
        "\u2212": "-",  # minus sign
    }
)


def encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def pdf_text(text: object) -> str:
    """`text` with every character Helvetica can draw: the letters it lacks become their base
    Latin letter (ẽ → e, ŋ → n), anything else a question mark."""
    text = str(text).translate(LATIN_FALLBACK)
    if all(encodable(char) for char in text):
        return text
    kept = []
    for char in text:
        if not encodable(char):
            base = unicodedata.normalize("NFKD", char)
            base = "".join(c for c in base if not unicodedata.combining(c))
            char = base if base and all(encodable(c) for c in base) else "?"
        kept.append(char)
    return "".join(kept)


def new_canvas(
    buffer: io.BytesIO, pagesize: tuple[float, float], *, title: str, author: str, compress: bool
) -> Canvas:
    """A canvas for one document. `compress=False` leaves the page streams readable (tests)."""
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1 if compress else 0)
    canvas.setTitle(pdf_text(title))
    canvas.setAuthor(pdf_text(author))
    canvas.setCreator("Mutualis")
    canvas.setSubject(pdf_text(title))
    return canvas


def fit_text(text: str, font: str, size: float, width: float, min_size: float) -> tuple[str, float]:
    """`text` and a font size at which it fits `width`: smaller down to `min_size`, then cut
    with an ellipsis."""
    text = pdf_text(text)
    scaled = size * width / max(stringWidth(text, font, size), 0.01)
    if scaled >= size:
        return text, size
    if scaled >= min_size:
        return text, scaled
    return shorten(text, font, min_size, width), min_size


def shorten(text: str, font: str, size: float, width: float) -> str:
    """`text` cut at the end, with an ellipsis, to fit `width`. The widths of the built-in
    fonts add up letter by letter (they have no kerning), so the longest beginning that fits
    is found on the running sum of its letters' widths: time linear in the text, where
    measuring ever shorter beginnings took 10 s for a reference of 20,000 characters."""
    if stringWidth(text, font, size) <= width:
        return text
    room = width - stringWidth(ELLIPSIS, font, size)
    ends = list(accumulate(stringWidth(char, font, size) for char in text))
    return text[: bisect_right(ends, room)].rstrip() + ELLIPSIS


def wrap_text(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """`text` in lines that fit `width`, at most `max_lines` (the last one cut if need be)."""
    text = pdf_text(text)
    # No line holds more letters than the narrowest one allows: twice as many as all the lines
    # could show are enough to fill them and still be cut, and the rest is not measured.
    room = 2 * max_lines * int(width / (NARROWEST * size) + 1)
    lines = simpleSplit(text[:room], font, size, width) or [""]
    lines = [shorten(line, font, size, width) for line in lines]  # a word wider than the box
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], shorten(last + " " + ELLIPSIS, font, size, width)]
        if lines[-1].endswith(" " + ELLIPSIS):
            lines[-1] = lines[-1][: -len(" " + ELLIPSIS)] + ELLIPSIS
    return lines


class Issuer(Protocol):
    """What a letterhead shows of the organisation that issues a document (federation's
    Organisation)."""

    @property
    def name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def email(self) -> str: ...


def organisation_contacts(organisation: Issuer) -> list[str]:
    """What a document's letterhead says under an organisation's name, in the active language."""
    registration = getattr(organisation, "registration_number", "")
    return [
        part
        for part in (
            organisation.address,
            organisation.phone and _("Tel. %(phone)s") % {"phone": organisation.phone},
            organisation.email,
            registration and _("Registration no. %(number)s") % {"number": registration},
        )
        if part
    ]


def letterhead(
    canvas: Canvas, organisation: Issuer, *, left: float, top: float, width: float
) -> float:
    """The head of every document: the issuing organisation's name in the brand's colour, its
    contacts, a rule. Returns the height below it to go on writing from."""
    y = top
    canvas.setFillColor(BRAND)
    canvas.setFont(FONT_BOLD, 13)
    for line in wrap_text(organisation.name, FONT_BOLD, 13, width, 2):
        y -= 13
        canvas.drawString(left, y, line)
    contacts = " · ".join(organisation_contacts(organisation))
    if contacts:
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8)
        for line in wrap_text(contacts, FONT, 8, width, 2):
            y -= 10
            canvas.drawString(left, y, line)
    y -= 3 * mm
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(1)
    canvas.line(left, y, left + width, y)
    return cast(float, y - 2 * mm)  # ReportLab is untyped: `mm` is Any


# --- pages: a document drawn top down ----------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
ROW = 5 * mm
ALERT = colors.HexColor("#b00020")


def number(amount: int) -> str:
    """An amount without its currency (the document states the currency once)."""
    return format_amount(amount)


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # a share of the content's width
    right: bool = False  # amounts are aligned right


class Page:
    """Draws a document top down: a heading on every page, facts, tables that turn the page
    and repeat their heads."""

    def __init__(self, canvas: Canvas, title: str, organisation: Issuer) -> None:
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

    def text(
        self, text: str, *, size: float = 10, bold: bool = False, color: Color = colors.black
    ) -> None:
        font = FONT_BOLD if bold else FONT
        for line in wrap_text(text, font, size, CONTENT_WIDTH, 4):
            self.room(size + 3)
            self.y -= size + 3
            self.canvas.setFillColor(color)
            self.canvas.setFont(font, size)
            self.canvas.drawString(MARGIN, self.y, line)

    def title_line(self, text: str, *, color: Color = colors.black) -> None:
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

    def cells(
        self, columns: Sequence[Column], values: Sequence[str], font: str, size: float = 8.5
    ) -> None:
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


# Reading back what these helpers wrote: tests and support use it on documents made with
# `compress=False` (ReportLab then writes text as literal strings in the page streams).

STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def unescape(literal: bytes) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8) & 0xFF])
        return ESCAPES.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, literal, flags=re.DOTALL)


def extract_text(pdf: bytes) -> str:
    """The text drawn on the pages of an uncompressed PDF made by ReportLab: one line per text
    object (BT … ET), the pieces of a line joined."""
    lines = []
    for block in re.findall(rb"\bBT\b(.*?)\bET\b", pdf, re.DOTALL):
        pieces = [unescape(s[1:-1]) for s in STRING.findall(block)]
        if pieces:
            lines.append(b"".join(pieces).decode("cp1252", errors="replace"))
    return "\n".join(lines)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))
