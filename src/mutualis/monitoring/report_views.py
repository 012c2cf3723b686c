"""The pages of the periodic reports (docs/monitoring.md § Reports): a mutual's reports, month
by month, with the form of a month, the Excel template and its upload, and the target
population; the reports waiting for a union's decision, and each report with its decision."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, scoped
from mutualis.core.forms import attach_errors
from mutualis.core.http import download_name, xlsx_response
from mutualis.core.imports import describe
from mutualis.federation.models import Organisation
from mutualis.federation.rules import REPORT_DECIDERS, REPORT_SUBMITTERS
from mutualis.monitoring.compute import on_time
from mutualis.monitoring.figures import BASE
from mutualis.monitoring.models import Report, TargetPopulation
from mutualis.monitoring.report_files import REPORT_MAX_BYTES, report_read, report_template
from mutualis.monitoring.report_forms import (
    DecisionForm,
    ReportForm,
    TargetPopulationForm,
    UploadForm,
    parse_month,
)
from mutualis.monitoring.reports import (
    is_union_above,
    report_accept,
    report_reopen,
    report_return,
    report_submit,
    target_population_set,
)
from mutualis.monitoring.rules import GROUPS

# the months a mutual's page lists, the last one over first
MONTHS_SHOWN = 12


def months_over(today: datetime.date, count: int = MONTHS_SHOWN) -> list[datetime.date]:
    index = today.year * 12 + today.month - 2  # the month before the current one
    return [datetime.date((index - i) // 12, (index - i) % 12 + 1, 1) for i in range(count)]


def month_asked(request, today: datetime.date) -> datetime.date:
    """The month named by `?month=2026-03` (or the form's), the last month over otherwise."""
    return (
        parse_month(request.POST.get("month") or request.GET.get("month"))
        or months_over(today, 1)[0]
    )


def posted(request):
    """The form's data when posted, even empty (a form posted empty shows what it lacks)."""
    return request.POST if request.method == "POST" else None


def mutual_of(organisation: Organisation) -> Organisation:
    if organisation.kind != Organisation.Kind.MUTUAL:
        raise Http404
    return organisation


@access(roles=REPORT_SUBMITTERS)
def report_home(request):
    """A mutual's staff see their mutual's reports; a union's officers, those waiting."""
    organisation = request.user.organisation
    if organisation is not None and organisation.kind == Organisation.Kind.MUTUAL:
        return mutual_page(request, organisation)
    return waiting_page(request)


@access(roles=REPORT_DECIDERS)
def report_waiting(request):
    return waiting_page(request)


def waiting_page(request):
    reports = (
        scoped(Report.objects.filter(status=Report.Status.SUBMITTED), request.user)
        .select_related("mutual", "submitted_by")
        .order_by("month", "mutual__name")
    )
    organisation = request.user.organisation
    mutuals = (
        scoped(Organisation.objects.filter(kind=Organisation.Kind.MUTUAL), request.user)
        .only("pk", "name")
        .order_by("name")
    )
    return render(
        request,
        "monitoring/report_waiting.html",
        {
            "organisation": organisation,
            "rows": [(report, on_time(report)) for report in reports],
            "mutuals": mutuals,
            "may_decide": request.user.has_any_role(REPORT_DECIDERS),
        },
    )


@access(roles=REPORT_SUBMITTERS, model=Organisation)
def report_mutual(request, organisation):
    return mutual_page(request, mutual_of(organisation))


def mutual_page(request, mutual: Organisation, upload: UploadForm | None = None, problems=()):
    today = timezone.localdate()
    months = months_over(today)
    reports = {
        report.month: report
        for report in Report.objects.filter(mutual=mutual, month__gte=months[-1]).select_related(
            "decided_by"
        )
    }
    older = Report.objects.filter(mutual=mutual, month__lt=months[-1]).order_by("-month")[:24]
    rows = [(month, reports.get(month)) for month in months]
    return render(
        request,
        "monitoring/report_mutual.html",
        {
            "organisation": mutual,
            "rows": [
                (month, report, report is not None and on_time(report)) for month, report in rows
            ],
            "older": older,
            "upload": upload or UploadForm(initial={"month": months[0].strftime("%Y-%m")}),
            "problems": problems,
            "months": months,
            "targets": TargetPopulation.objects.filter(mutual=mutual).order_by("-year"),
            "target_form": TargetPopulationForm(initial={"year": today.year}),
        },
    )


@access(roles=REPORT_SUBMITTERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def report_fill(request, organisation):
    """The form of a month's figures, filled with those already submitted."""
    mutual = mutual_of(organisation)
    month = month_asked(request, timezone.localdate())
    existing = Report.objects.filter(mutual=mutual, month=month).first()
    form = ReportForm(posted(request), initial=existing.figures if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            report_submit(by=request.user, mutual=mutual, month=month, figures=form.figures())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The report is submitted to the union."))
            return redirect("report_mutual", pk=mutual.pk)
    return render(
        request,
        "monitoring/report_form.html",
        {"organisation": mutual, "month": month, "report": existing, "form": form},
    )


@access(roles=REPORT_SUBMITTERS, model=Organisation)
def report_template_download(request, organisation):
    mutual = mutual_of(organisation)
    month = month_asked(request, timezone.localdate())
    existing = Report.objects.filter(mutual=mutual, month=month).first()
    content = report_template(
        mutual, month, get_language() or "fr", existing.figures if existing else None
    )
    return xlsx_response(
        content, download_name(_("report"), mutual.code, f"{month:%Y-%m}", extension="xlsx")
    )


@access(roles=REPORT_SUBMITTERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def report_upload(request, organisation):
    """The filled template of a month, read and submitted; nothing is kept when anything in
    it is wrong."""
    mutual = mutual_of(organisation)
    form = UploadForm(posted(request), request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        month = parse_month(form.cleaned_data["month"])
        upload = form.cleaned_data["file"]
        if month is None:
            form.add_error(None, _("Choose the month the file reports."))
        elif upload.size > REPORT_MAX_BYTES:
            problems.append(
                _("The file is larger than %(size)s KB: it is not a filled report template.")
                % {"size": REPORT_MAX_BYTES // 1000}
            )
        else:
            # read no further than a filled template may weigh
            figures, found = report_read(
                upload.name, upload.read(REPORT_MAX_BYTES + 1), mutual, month
            )
            problems = [describe(problem) for problem in found]
            if not problems:
                try:
                    report_submit(by=request.user, mutual=mutual, month=month, figures=figures)
                except ValidationError as error:
                    problems = [
                        message
                        for messages_ in error.message_dict.values()
                        for message in messages_
                    ]
                else:
                    messages.success(request, _("The report is submitted to the union."))
                    return redirect("report_mutual", pk=mutual.pk)
    return mutual_page(request, mutual, upload=form, problems=problems)


@access(roles=REPORT_SUBMITTERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def report_population(request, organisation):
    mutual = mutual_of(organisation)
    form = TargetPopulationForm(posted(request), initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            target_population_set(by=request.user, mutual=mutual, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The target population is saved."))
            return redirect("report_mutual", pk=mutual.pk)
    return render(
        request, "monitoring/report_population.html", {"organisation": mutual, "form": form}
    )


@access(roles=REPORT_SUBMITTERS, model=Report, writes=True)
@require_http_methods(["GET", "POST"])
def report_detail(request, report):
    """A report's figures, and the union's decision on it."""
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        try:
            if action == DecisionForm.ACCEPT:
                report_accept(by=request.user, report=report)
                messages.success(request, _("The report is accepted: its figures count."))
            elif action == DecisionForm.RETURN:
                report_return(by=request.user, report=report, comment=comment)
                messages.success(request, _("The report is returned to the mutual."))
            else:
                report_reopen(by=request.user, report=report, reason=comment)
                messages.success(request, _("The report is reopened and returned to the mutual."))
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error("comment" if field in {"comment", "reason"} else None, messages_)
        else:
            # the officer goes on with the next report waiting; a reopened one stays in view
            if action == DecisionForm.REOPEN:
                return redirect("report_detail", pk=report.pk)
            return redirect("report_waiting")
    elif request.method == "POST":
        form.add_error(None, _("Choose what to do with the report."))
    report.refresh_from_db()
    mutual = report.mutual
    groups = [
        (group.label, [(BASE[code].name, report.figures.get(code)) for code in group.codes])
        for group in GROUPS
    ]
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "organisation": mutual,
            "report": report,
            "groups": groups,
            "on_time": on_time(report),
            "form": form,
            "may_decide": is_union_above(request.user, mutual),
        },
    )
