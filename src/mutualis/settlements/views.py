import datetime
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, scoped
from mutualis.core.formats import format_date
from mutualis.core.forms import attach_errors
from mutualis.core.http import download_name, pdf_response, xlsx_response
from mutualis.core.periods import PeriodUnit, period_start
from mutualis.federation.models import Organisation
from mutualis.federation.rules import PROVIDER_PAYERS, Role
from mutualis.settlements import queries, services
from mutualis.settlements.documents import clearing_pdf, statement_pdf
from mutualis.settlements.exports import clearing_xlsx, statement_xlsx
from mutualis.settlements.forms import (
    BalanceOrderForm,
    IssueForm,
    MonthForm,
    PaymentForm,
    ReasonForm,
    StatementSearchForm,
)
from mutualis.settlements.models import ProviderPayment, Statement

PAGE_SIZE = 50
# Who pays providers: the paying organisation's manager, accountant or union officer
# (domain-rules.md §5–8); the medical advisor reads. A provider's clerks read their provider's
# statements and what was paid on them (Statement.SCOPE_FOR_ROLES), not other providers' figures.
PAYERS = PROVIDER_PAYERS
READERS = PAYERS | {Role.MEDICAL_ADVISOR}
STATEMENT_READERS = READERS | {Role.PROVIDER_CLERK}


def payers_for(user):
    return (
        scoped(
            Organisation.objects.filter(kind__in=services.PAYER_KINDS, agreements__isnull=False),
            user,
        )
        .distinct()
        .order_by("path")
    )


@access(roles=STATEMENT_READERS)
def statement_list(request):
    user = request.user
    form = StatementSearchForm(
        request.GET or None, providers=queries.providers_with_statements(user)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    month = filters.get("month")
    found = queries.statement_search(
        user,
        provider=filters.get("provider"),
        month=period_start(month, PeriodUnit.MONTH) if month else None,
        status=filters.get("status", ""),
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    standings = queries.standings_of(page.object_list)
    return render(
        request,
        "settlements/statement_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(s, standings[s.pk]) for s in page.object_list],
            "query": request.GET.copy(),
            "can_issue": user.has_any_role(PAYERS),
        },
    )


@access(roles=PAYERS, writes=True)
@require_http_methods(["GET", "POST"])
def statements_issue(request):
    today = timezone.localdate()
    last_month = period_start(today, PeriodUnit.MONTH) - datetime.timedelta(days=1)
    form = IssueForm(
        request.POST or None,
        payers=payers_for(request.user),
        initial={"period": period_start(last_month, PeriodUnit.MONTH), "issued_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = services.statements_issue(
                by=request.user,
                payer=data["payer"],
                day=data["period"],
                issued_on=data["issued_on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            numbers = ", ".join(str(s.number) for s in issue.statements)
            messages.success(
                request,
                _("Statements issued: no. %(numbers)s.") % {"numbers": numbers},
            )
            for note in issue.notes:
                messages.warning(request, note)
            if len(issue.statements) == 1:
                return redirect("statement_detail", pk=issue.statements[0].pk)
            return redirect("statement_list")
    return render(request, "settlements/issue_form.html", {"form": form})


@access(roles=STATEMENT_READERS, model=Statement)
def statement_detail(request, statement):
    state = queries.standings_of([statement])[statement.pk]
    may_pay = request.user.has_any_role(PAYERS)
    return render(
        request,
        "settlements/statement_detail.html",
        {
            "statement": statement,
            "state": state,
            "lines": queries.statement_lines(statement),
            "payments": queries.statement_payments(statement),
            "can_pay": may_pay and state.open,
            "can_cancel": may_pay and statement.cancelled_on is None and not state.paid,
            "can_reverse": may_pay,
        },
    )


@access(roles=STATEMENT_READERS, model=Statement)
def statement_document(request, statement):
    return pdf_response(
        statement_pdf(statement, language=get_language()),
        download_name(_("statement"), statement.mutual.code, statement.number, extension="pdf"),
    )


@access(roles=STATEMENT_READERS, model=Statement)
def statement_workbook(request, statement):
    return xlsx_response(
        statement_xlsx(statement, get_language()),
        download_name(_("statement"), statement.mutual.code, statement.number, extension="xlsx"),
    )


@access(roles=PAYERS, model=Statement, writes=True)
@require_http_methods(["GET", "POST"])
def payment_create(request, statement):
    state = queries.standings_of([statement])[statement.pk]
    form = PaymentForm(
        request.POST or None,
        initial={"paid_on": timezone.localdate(), "amount": state.outstanding or None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_payment_record(
                by=request.user, statement=statement, **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Payment to the provider recorded."))
            return redirect("statement_detail", pk=statement.pk)
    return render(
        request,
        "settlements/payment_form.html",
        {"form": form, "statement": statement, "state": state},
    )


def reason_page(request, statement, act, *, title: str, explanation: str, done: str):
    """A cancellation or a reversal: the reason and the day asked, `act(reason=, on=)` called,
    and back to the statement."""
    form = ReasonForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            act(by=request.user, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("statement_detail", pk=statement.pk)
    return render(
        request,
        "settlements/reason_form.html",
        {"form": form, "statement": statement, "title": title, "explanation": explanation},
    )


@access(roles=PAYERS, model=Statement, writes=True)
@require_http_methods(["GET", "POST"])
def statement_cancel(request, statement):
    return reason_page(
        request,
        statement,
        partial(services.statement_cancel, statement=statement),
        title=_("Cancel statement %(number)s") % {"number": statement.number},
        explanation=_(
            "The statement stays, marked cancelled, and its claims are free for a new "
            "statement. A statement with payments is cancelled once they are reversed."
        ),
        done=_("Statement %(number)s cancelled: its claims can go on a new statement.")
        % {"number": statement.number},
    )


@access(roles=PAYERS, model=ProviderPayment, writes=True)
@require_http_methods(["GET", "POST"])
def payment_reverse(request, payment):
    return reason_page(
        request,
        payment.statement,
        partial(services.provider_payment_reverse, payment=payment),
        title=_("Reverse the payment of %(date)s") % {"date": format_date(payment.paid_on)},
        explanation=_(
            "A negative payment of the same amount cancels it; the original stays, as the "
            "books require."
        ),
        done=_("Payment reversed."),
    )


@access(roles=READERS)
def provider_balances(request):
    form = BalanceOrderForm(request.GET or None)
    order = (form.cleaned_data.get("order") if form.is_valid() else "") or "delay"
    rows, overall = queries.provider_balances(request.user, order=order)
    return render(
        request,
        "settlements/provider_balances.html",
        {
            "form": form,
            "rows": rows,
            "overall": overall,
        },
    )


def chosen_month(request) -> tuple[MonthForm, datetime.date]:
    """The month asked for, or else the last month that is over."""
    form = MonthForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_valid() else None
    if month is None:
        month = period_start(timezone.localdate(), PeriodUnit.MONTH) - datetime.timedelta(days=1)
    return form, period_start(month, PeriodUnit.MONTH)


@access(roles=READERS)
def clearing(request):
    form, month = chosen_month(request)
    return render(
        request,
        "settlements/clearing.html",
        {"form": form, "clearing": queries.clearing(request.user, month), "month": month},
    )


@access(roles=READERS)
def clearing_document(request):
    _form, month = chosen_month(request)
    found = queries.clearing(request.user, month)
    content = clearing_pdf(found, request.user.organisation, language=get_language())
    return pdf_response(content, download_name(_("clearing"), f"{month:%Y-%m}", extension="pdf"))


@access(roles=READERS)
def clearing_workbook(request):
    _form, month = chosen_month(request)
    added, released = queries.clearing_lines(request.user, month)
    content = clearing_xlsx(queries.clearing(request.user, month), added, released, get_language())
    return xlsx_response(content, download_name(_("clearing"), f"{month:%Y-%m}", extension="xlsx"))
