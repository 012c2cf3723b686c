"""A dashboard as a PDF report for a period (docs/monitoring.md): the key indicators each with
its chart over the twelve periods up to this one, the alerts, the member organisations side by
side and the base figures, for a mutual or a union, to print for a board or an assembly."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from mutualis.core.pdf import (
    BRAND,
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    MARGIN,
    MUTED,
    RULE,
    Column,
    Page,
    fit_text,
    new_canvas,
    number,
    pdf_text,
)
from mutualis.monitoring.catalogue import ALARM, WARNING, Value

CHARTS_PER_ROW = 3
CHART_HEIGHT = 30 * mm
LEVEL_COLOURS = {
    ALARM: colors.HexColor("#c62828"),
    WARNING: colors.HexColor("#b26a00"),
}
# the member organisations' table shows the first key indicators: as many as a page's width
# holds beside the names
MEMBER_COLUMNS = 6


def chart(page: Page, x: float, top: float, width: float, shown, values: list[Value]) -> None:
    """One indicator's box: its name, its value and level, and a line of its values over the
    periods (a period not computable breaks it)."""
    canvas = page.canvas
    value, text, _path, level_label = shown
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.rect(x, top - CHART_HEIGHT, width - 2 * mm, CHART_HEIGHT)
    name, size = fit_text(str(value.indicator.name).capitalize(), FONT, 7, width - 6 * mm, 5.5)
    canvas.setFillColor(colors.black)
    canvas.setFont(FONT, size)
    canvas.drawString(x + 1.5 * mm, top - 4 * mm, name)
    canvas.setFillColor(LEVEL_COLOURS.get(value.level, colors.black))
    canvas.setFont(FONT_BOLD, 11)
    canvas.drawString(x + 1.5 * mm, top - 9.5 * mm, pdf_text(text))
    canvas.setFont(FONT, 7)
    canvas.drawString(x + 1.5 * mm, top - 13 * mm, pdf_text(level_label))
    known = [v.value for v in values if v.value is not None]
    if not known:
        return
    low, high = min(known), max(known)
    spread = high - low or 1
    left, bottom = x + 2 * mm, top - CHART_HEIGHT + 2.5 * mm
    plot_width, plot_height = width - 6 * mm, 13 * mm
    step = plot_width / max(len(values) - 1, 1)
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(1)
    previous = None
    for index, one in enumerate(values):
        if one.value is None:
            previous = None
            continue
        point = (left + index * step, bottom + (one.value - low) * plot_height / spread)
        if previous is not None:
            canvas.line(*previous, *point)
        else:
            canvas.circle(*point, 0.5, stroke=1, fill=0)
        previous = point


def dashboard_pdf(context: dict, language: str = "fr", *, compress: bool = True) -> bytes:
    buffer = io.BytesIO()
    organisation, period = context["organisation"], context["period"]
    with translation.override(language):
        title = _("Monitoring report · %(period)s") % {"period": period.label}
        canvas = new_canvas(buffer, A4, title=title, author=organisation.name, compress=compress)
        page = Page(canvas, title, organisation)
        page.title_line(title)
        page.text(organisation.name, size=10, color=MUTED)
        first, last = context["trend_periods"][0], context["trend_periods"][-1]
        page.text(
            _("Key indicators, and their values from %(first)s to %(last)s")
            % {"first": first.label, "last": last.label},
            size=12,
            bold=True,
        )
        width = CONTENT_WIDTH / CHARTS_PER_ROW
        for start in range(0, len(context["key"]), CHARTS_PER_ROW):
            page.room(CHART_HEIGHT + 3 * mm)
            top = page.y - 2 * mm
            for offset, shown in enumerate(context["key"][start : start + CHARTS_PER_ROW]):
                trend = context["trend"][shown[0].indicator.code]
                chart(page, MARGIN + offset * width, top, width, shown, trend)
            page.y = top - CHART_HEIGHT - 1 * mm
        if context["alerts"] or organisation.kind != "mutual":
            page.y -= 3 * mm
            page.text(_("Alerts of the period"), size=12, bold=True)
            if context["alerts"]:
                page.table(
                    [
                        Column(_("mutual"), 0.36),
                        Column(_("alert"), 0.34),
                        Column(_("value"), 0.13, right=True),
                        Column(_("level"), 0.17),
                    ],
                    [
                        [
                            alert.mutual.name,
                            str(alert.value.indicator.name).capitalize()
                            if alert.value
                            else _("reports missing") + f" ({alert.missing})",
                            text,
                            str(level),
                        ]
                        for alert, text, level in context["alerts"]
                    ],
                )
            else:
                page.text(_("No alert in this period."), size=9, color=MUTED)
        if context["children"]:
            page.text(_("Member organisations"), size=12, bold=True)
            columns = context["columns"][:MEMBER_COLUMNS]
            share = 0.6 / len(columns)
            page.table(
                [Column(_("organisation"), 0.4)]
                + [Column(indicator.code, share, right=True) for indicator in columns],
                [
                    [child.organisation.name, *(text for _v, text in cells[:MEMBER_COLUMNS])]
                    for child, cells in context["children"]
                ],
            )
        page.text(_("Base figures"), size=12, bold=True)
        if context["base"]:
            page.table(
                [
                    Column(_("figure"), 0.55),
                    Column(_("value"), 0.2, right=True),
                    Column(_("source"), 0.25),
                ],
                [
                    [str(name).capitalize(), number(value), str(source)]
                    for name, value, source in context["base"]
                ],
            )
        else:
            page.text(_("No figure for this period: its reports are missing."), size=9)
        canvas.save()
    return buffer.getvalue()
