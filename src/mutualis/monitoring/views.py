"""The dashboards (docs/monitoring.md): one page per organisation and period, from the nation
down to a mutual, and its Excel export."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.benefits.choices import LevelOfCare, ServiceCategory
from mutualis.core.access import access
from mutualis.core.formats import format_rate
from mutualis.core.forms import attach_errors
from mutualis.core.http import download_name, pdf_response, xlsx_response
from mutualis.federation.models import Organisation
from mutualis.federation.queries import visible_ancestors
from mutualis.federation.rules import MONITORING_READERS, PLANNERS, THRESHOLD_SETTERS, UNIONS
from mutualis.monitoring import calculator, dashboard
from mutualis.monitoring.care import services_used, use_of_care
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
from mutualis.monitoring.documents import dashboard_pdf
from mutualis.monitoring.exports import dashboard_xlsx
from mutualis.monitoring.figures import BASE, Span, span_months
from mutualis.monitoring.forms import (
    PlanForm,
    PlanYears,
    ServiceUses,
    StudyForm,
    SubscriptionForm,
    ThresholdForm,
    study_inputs,
)
from mutualis.monitoring.models import (
    AlertSubscription,
    Figure,
    Plan,
    PlanYear,
    Source,
    Study,
    Threshold,
)
from mutualis.monitoring.plans import against, result
from mutualis.monitoring.queries import Period, ThresholdBook, figures, indicators
from mutualis.monitoring.services import (
    alerts_subscribe,
    alerts_unsubscribe,
    plan_record,
    study_save,
    threshold_set,
)

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
        "trend": trend,
        "trend_periods": period.last(dashboard.TREND),
        "children": [
            (child, [(child.values[code], shown(child.values[code])) for code in dashboard.KEY])
            for child in members
        ],
        "sort": sort,
        "descending": descending,
        "base": base_figures(organisation, period),
        "plan": plan_of_year(organisation, period.start.year),
        "subscribed": AlertSubscription.objects.filter(
            user=request.user, organisation=organisation
        ).exists(),
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
def monitoring_dashboard_pdf(request, organisation):
    context = dashboard_context(request, organisation)
    return pdf_response(
        dashboard_pdf(context, get_language() or "fr"),
        download_name(_("monitoring"), organisation.code, context["period"].code, extension="pdf"),
    )


@access(roles=MONITORING_READERS, model=Organisation)
def monitoring_dashboard_xlsx(request, organisation):
    context = dashboard_context(request, organisation)
    period = context["period"]
    return xlsx_response(
        dashboard_xlsx(context, shown),
        download_name(_("indicators"), organisation.code, period.code, extension="xlsx"),
    )


def bound_shown(indicator, value: int | None) -> str:
    if value is None:
        return ""
    return shown(Value(indicator, value, 10_000 if indicator.unit == Unit.RATE else 100))


@access(roles=MONITORING_READERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def monitoring_thresholds(request, organisation):
    """The thresholds in force for the organisation, and a union officer's form to set the
    union's own for one indicator."""
    form = ThresholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            threshold_set(
                by=request.user,
                union=organisation,
                indicator=form.cleaned_data["indicator"],
                bounds=form.bounds(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("monitoring_thresholds", pk=organisation.pk)
    book = ThresholdBook(organisation)
    in_force = book.of(organisation)
    set_by = {
        t.indicator: t.organisation
        for t in Threshold.objects.filter(organisation_id__in=ancestor_ids(organisation))
        .select_related("organisation")
        .order_by("organisation__path")
    }
    rows = [
        (
            indicator,
            [bound_shown(indicator, getattr(in_force[indicator.code], name)) for name in BOUNDS],
            set_by.get(indicator.code),
        )
        for indicator in CATALOGUE
    ]
    return render(
        request,
        "monitoring/thresholds.html",
        {
            "organisation": organisation,
            "rows": rows,
            "form": form,
            "may_set": organisation.kind in UNIONS and request.user.has_any_role(THRESHOLD_SETTERS),
        },
    )


BOUNDS = ("warn_below", "alarm_below", "warn_above", "alarm_above")


def ancestor_ids(organisation: Organisation) -> list[int]:
    return [int(part) for part in organisation.path.strip("/").split("/")]


@access(roles=MONITORING_READERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def monitoring_subscription(request, organisation):
    """Subscribes the user to the organisation's monthly alerts by e-mail, or stops them."""
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["subscribe"] == "1":
                alerts_subscribe(by=request.user, organisation=organisation)
                messages.success(request, _("You will receive the alerts by e-mail each month."))
            else:
                alerts_unsubscribe(by=request.user, organisation=organisation)
                messages.success(request, _("You will no longer receive these alerts."))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("monitoring_dashboard", pk=organisation.pk)
    subscribed = AlertSubscription.objects.filter(
        user=request.user, organisation=organisation
    ).exists()
    return render(
        request,
        "monitoring/subscription.html",
        {"organisation": organisation, "subscribed": subscribed, "form": form},
    )


@access(roles=MONITORING_READERS, model=Organisation)
def monitoring_care(request, organisation):
    """The use and cost of care of the organisation's mutuals over the period."""
    period = period_asked(request)
    mutuals = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.MUTUAL, path__startswith=organisation.path
        ).values_list("pk", flat=True)
    )
    use = use_of_care(mutuals, span_months(period.start, period.span))
    beneficiaries = figures([organisation.pk], period).get(organisation.pk, {}).get("beneficiaries")
    levels, services = dict(LevelOfCare.choices), dict(ServiceCategory.choices)

    def per_beneficiary(count: int) -> str:
        """Visits a year per beneficiary covered at the period's end."""
        if not beneficiaries:
            return "–"
        hundredths = (2 * count * 12 * 100 + beneficiaries * period.months) // (
            2 * beneficiaries * period.months
        )
        return formats.number_format(hundredths / 100, decimal_pos=2, use_l10n=True)

    return render(
        request,
        "monitoring/care.html",
        {
            "organisation": organisation,
            "period": period,
            "before": period.before(),
            "after": period.after(),
            "spans": [(Period.of(period.start, span), label) for span, label in Span.choices],
            "use": use,
            "by_level": [
                (levels.get(line.level, line.level), line, per_beneficiary(line.count))
                for line in use.by_level
            ],
            "by_service": [(services.get(line.label, line.label), line) for line in use.by_service],
            "by_provider": [
                (line, levels.get(line.level, line.level), [REASONS[r] for r in line.stands_out])
                for line in use.by_provider
            ],
            "per_beneficiary": per_beneficiary(use.visits),
        },
    )


REASONS = {
    "cost": gettext_lazy("cost per visit well above its level's"),
    "rejections": gettext_lazy("claims rejected well above its level's"),
}


@access(roles=MONITORING_READERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def monitoring_plans(request, organisation):
    """The organisation's development plans, each year's targets beside the actuals; a new plan
    for a mutual's manager or a union's officer."""
    form = PlanForm(request.POST or None)
    years = PlanYears(request.POST or None, prefix="years")
    if request.method == "POST" and form.is_valid() and years.is_valid():
        planned = [p for p in (row.planned() for row in years) if p is not None]
        try:
            plan_record(
                by=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                years=planned,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("monitoring_plans", pk=organisation.pk)
    plans = Plan.objects.filter(organisation=organisation).prefetch_related("years")
    return render(
        request,
        "monitoring/plans.html",
        {
            "organisation": organisation,
            "plans": [(plan, plan_rows(organisation, plan)) for plan in plans.order_by("-pk")],
            "form": form,
            "years": years,
            "may_plan": request.user.has_any_role(PLANNERS)
            and organisation.kind != Organisation.Kind.SUPPORT_STRUCTURE,
        },
    )


def plan_of_year(organisation: Organisation, year: int) -> tuple | None:
    """The latest plan of the organisation with targets for the year: its year beside the
    year's actuals, for the dashboard."""
    planned = (
        PlanYear.objects.filter(plan__organisation=organisation, year=year)
        .select_related("plan")
        .order_by("-plan_id")
        .first()
    )
    if planned is None:
        return None
    period = Period(datetime.date(year, 1, 1), Span.YEAR)
    actual = figures([organisation.pk], period).get(organisation.pk, {})
    return planned, against(planned, actual)


def plan_rows(organisation: Organisation, plan) -> list[tuple]:
    """Each year of the plan: its targets beside the year's actuals, and its projection."""
    rows = []
    for planned in plan.years.order_by("year"):
        period = Period(datetime.date(planned.year, 1, 1), Span.YEAR)
        actual = figures([organisation.pk], period).get(organisation.pk, {})
        rows.append((planned, against(planned, actual), result(planned)))
    return rows


@access(roles=MONITORING_READERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def monitoring_calculator(request, organisation):
    """The contribution calculator, its services filled in from the organisation's own claims
    of the last twelve months when it has any, or from a saved study."""
    saved = Study.objects.filter(organisation=organisation).order_by("-pk")
    opened = saved.filter(uid=request.GET.get("study") or None).first()
    study = StudyForm(request.POST or None, initial=study_initial(opened))
    uses = ServiceUses(
        request.POST or None, prefix="services", initial=services_initial(organisation, opened)
    )
    result = None
    if request.method == "POST" and study.is_valid() and uses.is_valid():
        inputs = study_inputs(study, [u for u in (row.use() for row in uses) if u is not None])
        problems = calculator.errors(inputs)
        for field, texts in problems.items():
            study.add_error(field if field in study.fields else None, texts)
        if not problems:
            result = calculator.compute(inputs)
            if study.cleaned_data["name"]:
                try:
                    study_save(
                        by=request.user,
                        organisation=organisation,
                        name=study.cleaned_data["name"],
                        inputs=inputs,
                    )
                except ValidationError as error:
                    attach_errors(study, error)
    return render(
        request,
        "monitoring/calculator.html",
        {
            "organisation": organisation,
            "study": study,
            "uses": uses,
            "result": result,
            "by_service": [
                (dict(ServiceCategory.choices).get(service, service), premium)
                for service, premium in (result.by_service if result else ())
            ],
            "saved": saved[:20],
            "variations": calculator.VARIATIONS,
        },
    )


def study_initial(opened) -> dict:
    if opened is None:
        return {"months": 12, "management": 15, "reserves": 5, "rounding": 25}
    inputs = opened.inputs
    return {
        "name": "",
        "months": inputs["months"],
        "management": inputs["management_bp"] / 100,
        "reserves": inputs["reserves_bp"] / 100,
        "beneficiaries": inputs["beneficiaries"],
        "current": inputs["current"],
        "rounding": inputs["rounding"],
    }


def services_initial(organisation: Organisation, opened) -> list[dict]:
    """A saved study's services, or those the organisation's claims of the last twelve months
    show (uses a year per beneficiary, average cost asked, share the mutual paid)."""
    if opened is not None:
        uses = [calculator.ServiceUse(**use) for use in opened.inputs["services"]]
    else:
        year = Period.of(timezone.localdate(), Span.MONTH).before().last(12)
        months = [p.start for p in year]
        mutuals = Organisation.objects.filter(
            kind=Organisation.Kind.MUTUAL, path__startswith=organisation.path
        ).values_list("pk", flat=True)
        lines = services_used(list(mutuals), months)
        beneficiaries = figures([organisation.pk], year[-1]).get(organisation.pk, {})
        uses = calculator.observed(lines, beneficiaries.get("beneficiaries", 0), 12)
    return [
        {
            "service": use.service,
            "frequency": use.frequency / 100,
            "cost": use.cost,
            "coverage": use.coverage_bp / 100,
        }
        for use in uses
    ]
