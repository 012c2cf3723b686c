"""The dashboards (docs/monitoring.md): one page per organisation and period, from the nation
down to a mutual, and its Excel export."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.core.access import access
from mutualis.core.formats import format_rate
from mutualis.core.http import download_name, xlsx_response
from mutualis.federation.models import Organisation
from mutualis.federation.queries import visible_ancestors
from mutualis.federation.rules import MONITORING_READERS
from mutualis.monitoring import dashboard
from mutualis.monitoring.catalogue import (
    ALARM,
    BY_CODE,
    CATALOGUE,
    NOT_COMPUTABLE,
    OK,
    WARNING,
    Unit,
    Value,
)
from mutualis.monitoring.exports import dashboard_xlsx
from mutualis.monitoring.figures import BASE, Span
from mutualis.monitoring.models import Figure, Source
from mutualis.monitoring.queries import Period, ThresholdBook, figures, indicators

LEVEL_LABELS = {
    OK: gettext_lazy("within its thresholds"),
    WARNING: gettext_lazy("warning"),
    ALARM: gettext_lazy("alarm"),
    NOT_COMPUTABLE: gettext_lazy("not computable"),
}


def shown(value: Value) -> str:
    """An indicator's value as read: a percentage, or an average with two decimals."""
    if value.value is None:
        return "–"
    if value.indicator.unit == Unit.RATE:
        return format_rate(value.value)
    return formats.number_format(value.value / 100, decimal_pos=2, use_l10n=True)


def period_asked(request) -> Period:
    """The period of the query (`?period=2026-Q3`), or the last complete month's quarter."""
    asked = Period.parse(request.GET.get("period", ""))
    return asked if asked is not None else Period.shown_first(timezone.localdate())


@access(roles=MONITORING_READERS)
def monitoring_home(request):
    """The dashboard of the user's own organisation."""
    return dashboard_page(request, request.user.organisation)


def dashboard_context(request, organisation: Organisation) -> dict:
    period = period_asked(request)
    book = ThresholdBook(organisation)
    thresholds = book.of(organisation)
    own = figures([organisation.pk], period).get(organisation.pk, {})
    values = indicators(own, period.months, thresholds)
    trend = dashboard.trend(organisation, period, thresholds)
    sort = request.GET.get("sort", "")
    descending = request.GET.get("order") == "desc"
    members = dashboard.sort_children(
        dashboard.children(organisation, period, book), sort, descending
    )
    return {
        "organisation": organisation,
        "ancestors": visible_ancestors(request.user, organisation),
        "period": period,
        "spans": [(Period.of(period.start, span), label) for span, label in Span.choices],
        "before": period.before(),
        "after": period.after(),
        "key": [
            (
                values[code],
                shown(values[code]),
                dashboard.sparkline(trend[code]),
                LEVEL_LABELS[values[code].level],
            )
            for code in dashboard.KEY
        ],
        "all": [
            (values[i.code], shown(values[i.code]), LEVEL_LABELS[values[i.code].level])
            for i in CATALOGUE
        ],
        "alerts": [
            (alert, shown(alert.value) if alert.value else "", LEVEL_LABELS[alert.level])
            for alert in dashboard.alerts(organisation, period, book)
        ]
        if organisation.kind != Organisation.Kind.MUTUAL
        else [],
        "columns": [BY_CODE[code] for code in dashboard.KEY],
        "children": [
            (child, [(child.values[code], shown(child.values[code])) for code in dashboard.KEY])
            for child in members
        ],
        "sort": sort,
        "descending": descending,
        "base": base_figures(organisation, period),
    }


def base_figures(organisation: Organisation, period: Period) -> list[tuple]:
    """The period's base figures as stored, with where they come from, in the catalogue's
    order of the base figures."""
    stored = {
        f.code: f
        for f in Figure.objects.filter(
            organisation=organisation, span=period.span, start=period.start
        )
    }
    sources = dict(Source.choices)
    return [
        (BASE[code].name, stored[code].value, sources[stored[code].source])
        for code in BASE
        if code in stored
    ]


@access(roles=MONITORING_READERS, model=Organisation)
def monitoring_dashboard(request, organisation):
    return dashboard_page(request, organisation)


def dashboard_page(request, organisation: Organisation):
    context = dashboard_context(request, organisation)
    context["query"] = request.GET.urlencode()
    context["sort_url"] = reverse("monitoring_dashboard", kwargs={"pk": organisation.pk})
    return render(request, "monitoring/dashboard.html", context)


@access(roles=MONITORING_READERS, model=Organisation)
def monitoring_dashboard_xlsx(request, organisation):
    context = dashboard_context(request, organisation)
    period = context["period"]
    return xlsx_response(
        dashboard_xlsx(context, shown),
        download_name(_("indicators"), organisation.code, period.code, extension="xlsx"),
    )
