"""A dashboard as an Excel workbook: the organisation's indicators, its member organisations
side by side and the period's alerts, values as shown on the page (never a formula)."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutualis.core.spreadsheets import saved, write_sheet
from mutualis.monitoring.catalogue import Value


def dashboard_xlsx(context: dict, shown: Callable[[Value], str]) -> bytes:
    workbook = Workbook(write_only=True)
    write_sheet(
        workbook,
        _("Indicators"),
        [_("code"), _("indicator"), _("value"), _("level"), _("numerator"), _("denominator")],
        [14, 60, 14, 20, 16, 16],
        (
            (
                value.indicator.code,
                str(value.indicator.name),
                text,
                str(level),
                value.numerator,
                value.denominator,
            )
            for value, text, level in context["all"]
        ),
        [],
    )
    columns = context["columns"]
    write_sheet(
        workbook,
        _("Member organisations"),
        [_("organisation"), _("code"), *(indicator.code for indicator in columns)],
        [50, 14, *(12 for _column in columns)],
        (
            (child.organisation.name, child.organisation.code, *(text for _v, text in cells))
            for child, cells in context["children"]
        ),
        [],
    )
    write_sheet(
        workbook,
        _("Alerts"),
        [_("mutual"), _("code"), _("indicator"), _("value"), _("level")],
        [50, 14, 50, 14, 16],
        (
            (
                alert.mutual.name,
                alert.mutual.code,
                str(alert.value.indicator.name) if alert.value else _("reports missing"),
                text or alert.missing,
                str(level),
            )
            for alert, text, level in context["alerts"]
        ),
        [],
    )
    return saved(workbook)
