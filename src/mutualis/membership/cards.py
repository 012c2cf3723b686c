"""Member cards (domain-rules.md §2: care requires a member card): a PDF of credit-card-sized cards
(ISO/IEC 7810 ID-1, 85.6 × 54 mm), ten to an A4 sheet, to print, cut and laminate.

Each card shows the mutual, the beneficiary (name, member number, date of birth, sex, place in
the household, household number), until when the card is valid, the photo when there is one,
and a QR code with the signed member number (core.signing): the provider's clerk scans it to
find the member and to detect a forged card.
"""

import datetime
import io
import logging
from collections.abc import Iterable

import segno
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from mutualis.benefits.models import BenefitPackage
from mutualis.benefits.queries import package_rules
from mutualis.core.formats import format_date
from mutualis.core.pdf import (
    BRAND,
    ELLIPSIS,
    FONT,
    FONT_BOLD,
    MUTED,
    RULE,
    fit_text,
    new_canvas,
    pdf_text,
    wrap_text,
)
from mutualis.core.periods import period_end, period_start
from mutualis.core.signing import card_payload
from mutualis.membership.models import Beneficiary

logger = logging.getLogger(__name__)

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
COLUMNS, ROWS = 2, 5
GAP_X, GAP_Y = 8 * mm, 2 * mm  # room to cut each card out without touching its neighbour
CARDS_PER_SHEET = COLUMNS * ROWS

PAD = 3 * mm
BAND_HEIGHT = 11 * mm
PHOTO_WIDTH, PHOTO_HEIGHT = 19.5 * mm, 25 * mm  # the proportions of an identity photo
QR_SIZE = 25 * mm  # a version 3 symbol: modules of 0.86 mm, easy for a phone camera
FIELD_HEIGHT = 7.5 * mm
NAME_SIZE, NAME_MIN_SIZE = 10, 7.5
CROP_MARK = 4 * mm
PHOTO_PIXELS = (192, 246)  # about 250 dpi at the printed size: sharp, yet a light PDF


def cards_pdf(
    beneficiaries: Iterable[Beneficiary],
    *,
    valid_until: datetime.date | None = None,
    language: str = "fr",
    compress: bool = True,
) -> bytes:
    """The member cards of `beneficiaries` (a queryset or a list), in their order, ten to an
    A4 page, labels in `language`.

    A card is valid until `valid_until` when given, else until the end of the contribution
    period that contains today under the household's package (31 December for a yearly
    package, 30 June or 31 December for a half-yearly one…), or the end of the calendar year
    when the package has no version yet. `compress=False` leaves the page streams readable
    (tests). The data is read in at most two queries, whatever the number of cards.
    """
    people = with_household_and_mutual(beneficiaries)
    today = timezone.localdate()
    valid_untils = (
        {b.pk: valid_until for b in people} if valid_until else default_valid_untils(people, today)
    )
    buffer = io.BytesIO()
    with translation.override(language):
        mutuals = sorted({b.mutual.name for b in people})
        canvas = new_canvas(
            buffer,
            A4,
            title=_("Member cards"),
            author=", ".join(mutuals) or "Mutualis",
            compress=compress,
        )
        for first in range(0, max(len(people), 1), CARDS_PER_SHEET):
            sheet = people[first : first + CARDS_PER_SHEET]
            draw_crop_marks(canvas)
            for index, beneficiary in enumerate(sheet):
                x, y = card_origin(index)
                draw_card(canvas, x, y, beneficiary, valid_untils[beneficiary.pk])
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def with_household_and_mutual(beneficiaries: Iterable[Beneficiary]) -> list[Beneficiary]:
    """The beneficiaries with their household and mutual loaded, in their order: those given
    without them are read again, all in one query."""
    related = ("household", "mutual")
    if isinstance(beneficiaries, QuerySet):
        return list(beneficiaries.select_related(*related))
    people = list(beneficiaries)
    fields = [Beneficiary._meta.get_field(name) for name in related]
    missing = [b.pk for b in people if not all(field.is_cached(b) for field in fields)]
    if missing:
        loaded = Beneficiary.objects.select_related(*related).in_bulk(missing)
        people = [loaded.get(b.pk, b) for b in people]
    return people


def default_valid_untils(
    people: list[Beneficiary], today: datetime.date
) -> dict[int, datetime.date]:
    """The end of the current contribution period of each beneficiary's package."""
    package_ids = {b.household.package_id for b in people}
    revisions = dict(
        BenefitPackage.objects.filter(pk__in=package_ids).values_list("pk", "rules_revision")
    )
    ends: dict[int, datetime.date] = {}
    for package_id, revision in revisions.items():
        current = [v for v in package_rules(package_id, revision) if v.valid_from <= today]
        if current:
            unit = current[-1].period
            ends[package_id] = period_end(period_start(today, unit), unit)
    end_of_year = datetime.date(today.year, 12, 31)
    return {b.pk: ends.get(b.household.package_id, end_of_year) for b in people}


def card_origin(index: int) -> tuple[float, float]:
    """The bottom-left corner of the `index`-th card of a sheet (left to right, top down)."""
    page_width, page_height = A4
    grid_width = COLUMNS * CARD_WIDTH + (COLUMNS - 1) * GAP_X
    grid_height = ROWS * CARD_HEIGHT + (ROWS - 1) * GAP_Y
    left = (page_width - grid_width) / 2
    top = (page_height + grid_height) / 2
    column, row = index % COLUMNS, index // COLUMNS
    return left + column * (CARD_WIDTH + GAP_X), top - (row + 1) * CARD_HEIGHT - row * GAP_Y


def draw_crop_marks(canvas) -> None:
    """Short lines in the margins and between the columns, in line with the cards' edges."""
    page_width, page_height = A4
    canvas.saveState()
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.3)
    xs = sorted({card_origin(c)[0] for c in range(COLUMNS)})
    ys = sorted({card_origin(r * COLUMNS)[1] for r in range(ROWS)})
    verticals = sorted({x for left in xs for x in (left, left + CARD_WIDTH)})
    horizontals = sorted({y for bottom in ys for y in (bottom, bottom + CARD_HEIGHT)})
    top, bottom = horizontals[-1], horizontals[0]
    left, right = verticals[0], verticals[-1]
    gap = 1.5 * mm
    for x in verticals:
        canvas.line(x, top + gap, x, min(top + gap + CROP_MARK, page_height))
        canvas.line(x, bottom - gap, x, max(bottom - gap - CROP_MARK, 0))
    for y in horizontals:
        canvas.line(left - gap, y, max(left - gap - CROP_MARK, 0), y)
        canvas.line(right + gap, y, min(right + gap + CROP_MARK, page_width), y)
        # between the columns, marks for both neighbours' edges
        for column in range(1, COLUMNS):
            inner = card_origin(column)[0]
            canvas.line(inner - GAP_X + gap / 2, y, inner - gap / 2, y)
    canvas.restoreState()


def draw_card(
    canvas, x: float, y: float, beneficiary: Beneficiary, valid_until: datetime.date
) -> None:
    household = beneficiary.household
    canvas.saveState()
    canvas.translate(x, y)
    # outline, light enough not to show if the cut is a little off
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.25)
    canvas.roundRect(0, 0, CARD_WIDTH, CARD_HEIGHT, 3 * mm, stroke=1, fill=0)

    # band: the mutual and the kind of card
    canvas.setFillColor(BRAND)
    band = canvas.beginPath()
    band.roundRect(0, CARD_HEIGHT - BAND_HEIGHT, CARD_WIDTH, BAND_HEIGHT, 3 * mm)
    canvas.drawPath(band, stroke=0, fill=1)
    canvas.rect(0, CARD_HEIGHT - BAND_HEIGHT, CARD_WIDTH, BAND_HEIGHT / 2, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    band_width = CARD_WIDTH - 2 * PAD
    mutual = beneficiary.mutual.name
    text, size = fit_text(mutual, FONT_BOLD, 9, band_width, 7)
    lines = [text]
    if text.endswith(ELLIPSIS):  # a long name goes on two lines rather than being cut
        size = 7
        lines = wrap_text(mutual, FONT_BOLD, size, band_width, 2)
    canvas.setFont(FONT_BOLD, size)
    baseline = CARD_HEIGHT - (5 if len(lines) == 1 else 3.6) * mm
    for line in lines:
        canvas.drawString(PAD, baseline, line)
        baseline -= 2.8 * mm
    title_size = 6.5 if len(lines) == 1 else 5.5
    text, size = fit_text(_("Member card").upper(), FONT, title_size, band_width, 5)
    canvas.setFont(FONT, size)
    canvas.drawString(PAD, CARD_HEIGHT - 9.2 * mm, text)

    # the beneficiary's name across the card
    canvas.setFillColor(colors.black)
    text, size = card_name(beneficiary, CARD_WIDTH - 2 * PAD)
    canvas.setFont(FONT_BOLD, size)
    name_baseline = CARD_HEIGHT - BAND_HEIGHT - 5.5 * mm
    canvas.drawString(PAD, name_baseline, text)

    body_top = name_baseline - 3 * mm
    draw_photo(canvas, beneficiary, PAD, body_top - PHOTO_HEIGHT)
    qr_left = CARD_WIDTH - PAD - QR_SIZE
    draw_qr(canvas, card_payload(beneficiary.member_number), qr_left, body_top - QR_SIZE)

    # the facts, in a column between the photo and the QR code: rows of (label, value, share
    # of the column's width)
    left = PAD + PHOTO_WIDTH + 3 * mm
    width = qr_left - 2 * mm - left
    rows = [
        [(_("Member no."), beneficiary.member_number, 1)],
        [
            (_("Date of birth"), format_date(beneficiary.birth_date), 0.62),
            (_("Sex"), beneficiary.sex, 0.38),
        ],
        [(_("Relationship"), capfirst(beneficiary.get_relationship_display()), 1)],
        [
            (_("Household no."), str(household.number), 0.45),
            (_("Valid until"), format_date(valid_until), 0.55),
        ],
    ]
    top = body_top
    for row in rows:
        column_x = left
        for label, value, share in row:
            draw_field(canvas, column_x, top, width * share - 1 * mm, label, value)
            column_x += width * share
        top -= FIELD_HEIGHT
    canvas.restoreState()


def card_name(beneficiary: Beneficiary, width: float) -> tuple[str, float]:
    """The first names and the LAST NAME in bold, made to fit: smaller type first, then the
    first names reduced to initials one by one from the last; the last name, what the clerk
    looks for, is kept whole as long as it fits on its own, and cut only then."""
    last = beneficiary.last_name.strip().upper()
    first_names = beneficiary.first_name.split()
    for kept in range(len(first_names), -1, -1):
        firsts = first_names[:kept] + [initials(name) for name in first_names[kept:]]
        candidate = pdf_text(" ".join([*firsts, last]))
        if stringWidth(candidate, FONT_BOLD, NAME_MIN_SIZE) <= width:
            return fit_text(candidate, FONT_BOLD, NAME_SIZE, width, NAME_MIN_SIZE)
    return fit_text(candidate, FONT_BOLD, NAME_SIZE, width, NAME_MIN_SIZE)


def initials(name: str) -> str:
    """Marie-Madeleine → M.-M."""
    return "-".join(f"{part[:1]}." for part in name.split("-") if part)


def draw_field(canvas, x: float, top: float, width: float, label: str, value: str) -> None:
    """A small grey label above its value."""
    canvas.setFillColor(MUTED)
    text, size = fit_text(label, FONT, 5.5, width, 4.5)
    canvas.setFont(FONT, size)
    canvas.drawString(x, top - 2 * mm, text)
    canvas.setFillColor(colors.black)
    text, size = fit_text(value, FONT_BOLD, 7.5, width, 5.5)
    canvas.setFont(FONT_BOLD, size)
    canvas.drawString(x, top - 5 * mm, text)


def draw_photo(canvas, beneficiary: Beneficiary, x: float, y: float) -> None:
    """The photo, cropped to the frame; nothing without a photo; an empty frame when the file
    cannot be read (missing, not an image), so the card is still printed."""
    if not beneficiary.photo:
        return
    try:
        image = photo_image(beneficiary)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        logger.warning("Photo of %s unreadable: %s", beneficiary.member_number, error)
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.setDash(2, 2)
        canvas.rect(x, y, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=1, fill=0)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 5.5)
        canvas.drawCentredString(x + PHOTO_WIDTH / 2, y + PHOTO_HEIGHT / 2, pdf_text(_("Photo")))
        canvas.restoreState()
        return
    canvas.drawImage(image, x, y, PHOTO_WIDTH, PHOTO_HEIGHT)


def photo_image(beneficiary: Beneficiary) -> ImageReader:
    """The photo turned upright, cropped to the frame's proportions and made small."""
    with beneficiary.photo.open("rb") as file:
        data = file.read()
    with Image.open(io.BytesIO(data)) as original:
        picture = ImageOps.exif_transpose(original).convert("RGB")
    picture = ImageOps.fit(picture, PHOTO_PIXELS)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    out.seek(0)
    return ImageReader(out)


def draw_qr(canvas, payload: str, x: float, y: float) -> None:
    """The QR code as vector squares (sharp on any printer), one rectangle per run of dark
    modules. The card's blank margin around it serves as its quiet zone."""
    qr = segno.make(payload, error="m", micro=False)
    size, _height = qr.symbol_size(border=0)
    module = QR_SIZE / size
    path = canvas.beginPath()
    for row, modules in enumerate(qr.matrix_iter(border=0)):
        top = y + QR_SIZE - (row + 1) * module
        start = None
        for column, dark in enumerate([*modules, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(x + start * module, top, (column - start) * module, module)
                start = None
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
