from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.benefits.models import Payer
from mutualis.contributions import queries, services
from mutualis.contributions.arrears import ORDERS, arrears_xlsx, in_arrears, visit_list_pdf
from mutualis.contributions.exports import contributions_xlsx
from mutualis.contributions.forms import (
    ArrearsForm,
    ContributionsExportForm,
    CoverEndingForm,
    DayForm,
    PayerPaymentForm,
    PaymentFilterForm,
    PaymentForm,
    ReversalForm,
)
from mutualis.contributions.models import Payment
from mutualis.contributions.receipts import receipt_pdf
from mutualis.contributions.standing import Standings
from mutualis.core.access import access, scoped
from mutualis.core.forms import attach_errors
from mutualis.core.http import pdf_response, xlsx_response
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import (
    PAYER_PAYMENT_RECORDERS,
    PAYMENT_RECORDERS,
    PAYMENT_REVERSERS,
    REGISTER_READERS,
    REGISTER_WRITERS,
    Kind,
    Role,
)
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.queries import with_heads

CASHIERS = PAYMENT_RECORDERS
REVERSERS = PAYMENT_REVERSERS


@access(roles=CASHIERS, model=Household, writes=True)
@require_http_methods(["GET", "POST"])
def payment_create(request, household):
    today = timezone.localdate()
    account = queries.household_account(household, today)
    form = PaymentForm(
        request.POST or None,
        initial={
            "received_on": today,
            "amount": account.arrears or None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_record(
                by=request.user, household=household, **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Payment recorded: receipt %(number)s.") % {"number": payment.receipt_number},
            )
            return redirect("payment_detail", pk=payment.pk)
    return render(
        request,
        "contributions/payment_form.html",
        {
            "form": form,
            "household": household,
            "account": account,
        },
    )


@access(roles=REGISTER_READERS, model=Payment)
def payment_detail(request, payment):
    return render(
        request,
        "contributions/payment_detail.html",
        {
            "payment": payment,
            "allocations": payment.allocations.select_related("household", "payer")
            .prefetch_related(with_heads("household__beneficiaries"))
            .order_by("period_start", "pk"),
            "can_reverse": (
                request.user.has_any_role(REVERSERS)
                and payment.reverses_id is None
                and not payment.reversals.exists()
            ),
        },
    )


@access(roles=REGISTER_READERS, model=Payment)
def payment_receipt(request, payment):
    return pdf_response(
        receipt_pdf(payment, language=get_language()), f"recu-{payment.receipt_number}.pdf"
    )


@access(roles=REVERSERS, model=Payment, writes=True)
@require_http_methods(["GET", "POST"])
def payment_reverse(request, payment):
    form = ReversalForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.payment_reverse(
                by=request.user,
                payment=payment,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Payment reversed: receipt %(number)s.") % {"number": reversal.receipt_number},
            )
            return redirect("payment_detail", pk=reversal.pk)
    return render(
        request,
        "membership/simple_form.html",
        {
            "form": form,
            "title": _("Reverse receipt %(number)s") % {"number": payment.receipt_number},
            "back": payment.household,
        },
    )


@access(roles=CASHIERS | {Role.ACCOUNTANT})
def cash_report(request):
    form = DayForm(request.GET or None)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or timezone.localdate()
    mutuals = scoped(Organisation.objects.filter(kind=Kind.MUTUAL), request.user)
    only_mine = request.user.has_any_role({Role.CASHIER}) and not request.user.has_any_role(
        {Role.MUTUAL_MANAGER, Role.ACCOUNTANT}
    )
    reports = [
        queries.cash_report(mutual, day, request.user if only_mine else None)
        for mutual in mutuals.order_by("name")[:20]
    ]
    return render(
        request,
        "contributions/cash_report.html",
        {
            "form": form,
            "day": day,
            "reports": [r for r in reports if r["payments"]],
        },
    )


@access(roles=CASHIERS | {Role.ACCOUNTANT})
def contributions_export(request):
    mutuals = scoped(Organisation.objects.filter(kind=Kind.MUTUAL), request.user).order_by("name")
    form = ContributionsExportForm(request.GET or None, mutuals=mutuals)
    if not form.is_valid():
        return render(request, "membership/export.html", {"form": form})
    data = form.cleaned_data
    payments = Payment.objects.filter(
        mutual=data["mutual"], received_on__range=(data["start"], data["end"])
    )
    name = f"{_('contributions')}-{data['mutual'].code}-{data['start']}-{data['end']}.xlsx"
    return xlsx_response(contributions_xlsx(payments, get_language()), name)


@access(roles=PAYER_PAYMENT_RECORDERS, writes=True)
@require_http_methods(["GET", "POST"])
def third_payers(request):
    """A third payer's receivable in a mutual, and the record of its payments."""
    mutuals = scoped(Organisation.objects.filter(kind=Kind.MUTUAL), request.user).order_by("name")
    payers = scoped(Payer.objects.all(), request.user).order_by("name")
    form = PayerPaymentForm(
        request.POST or request.GET or None,
        mutuals=mutuals,
        payers=payers,
        initial={"received_on": timezone.localdate()},
    )
    receivable = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payer_payment_record(
                by=request.user,
                mutual=data["mutual"],
                payer=data["payer"],
                amount=data["amount"],
                method=data["method"],
                reference=data["reference"],
                received_on=data["received_on"],
                periods=[data["period"]] if data["period"] else None,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Payment recorded: receipt %(number)s.") % {"number": payment.receipt_number},
            )
            return redirect("payment_detail", pk=payment.pk)
    mutual = form.data.get("mutual") and mutuals.filter(pk=form.data.get("mutual")).first()
    payer = form.data.get("payer") and payers.filter(pk=form.data.get("payer")).first()
    if mutual and payer:
        receivable = queries.payer_receivable(mutual, payer)
    return render(
        request,
        "contributions/third_payers.html",
        {
            "form": form,
            "receivable": receivable,
            "mutual": mutual,
            "payer": payer,
        },
    )


LIST_READERS = CASHIERS | {Role.ACCOUNTANT, Role.ENROLMENT_AGENT, Role.UNION_OFFICER}
PAGE_SIZE = 50


def mutuals_for(user):
    return scoped(Organisation.objects.filter(kind=Kind.MUTUAL), user).order_by("name")


def payments_filtered(request) -> tuple[PaymentFilterForm, Organisation | None, object]:
    """The payments the list's filters choose: the month so far unless dates are given."""
    mutuals = mutuals_for(request.user)
    cashiers = scoped(User.objects.filter(role_grants__role__in=CASHIERS), request.user)
    form = PaymentFilterForm(
        request.GET or None, mutuals=mutuals, cashiers=cashiers.distinct().order_by("last_name")
    )
    mutual = form.chosen_mutual()
    if mutual is None or (form.is_bound and not form.is_valid()):
        return form, mutual, Payment.objects.none()
    data = form.cleaned_data if form.is_bound else {}
    today = timezone.localdate()
    start = data.get("start") or today.replace(day=1)
    end = data.get("end") or today
    payments = Payment.objects.filter(mutual=mutual, received_on__range=(start, end))
    if data.get("method"):
        payments = payments.filter(method=data["method"])
    if data.get("cashier"):
        payments = payments.filter(recorded_by=data["cashier"])
    return form, mutual, payments


@access(roles=LIST_READERS)
def payment_list(request):
    form, mutual, payments = payments_filtered(request)
    totals = payments.aggregate(count=Count("pk"), total=Sum("amount"))
    listed = payments.select_related("household", "payer", "recorded_by", "reverses").order_by(
        "-received_on", "-recorded_at", "-pk"
    )
    return render(
        request,
        "contributions/payment_list.html",
        {
            "form": form,
            "mutual": mutual,
            "page": Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
            "totals": totals,
            "query": request.GET.copy(),
        },
    )


@access(roles=LIST_READERS)
def payment_list_export(request):
    _form, mutual, payments = payments_filtered(request)
    if mutual is None:
        return redirect("payment_list")
    name = f"{_('payments')}-{mutual.code}-{timezone.localdate()}.xlsx"
    return xlsx_response(contributions_xlsx(payments, get_language()), name)


def arrears_listed(request) -> tuple[ArrearsForm, Organisation | None, list]:
    form = ArrearsForm(request.GET or None, mutuals=mutuals_for(request.user))
    mutual = form.chosen_mutual()
    order = form.cleaned_data.get("order") if form.is_bound and form.is_valid() else ""
    found = in_arrears(mutual, timezone.localdate(), order or "amount") if mutual else []
    return form, mutual, found


@access(roles=LIST_READERS)
def arrears(request):
    form, mutual, found = arrears_listed(request)
    return render(
        request,
        "contributions/arrears.html",
        {
            "form": form,
            "mutual": mutual,
            "total": sum(row.amount for row in found),
            "count": len(found),
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": request.GET.copy(),
        },
    )


@access(roles=LIST_READERS)
def arrears_export(request):
    _form, mutual, found = arrears_listed(request)
    if mutual is None:
        return redirect("arrears")
    name = f"{_('arrears')}-{mutual.code}-{timezone.localdate()}.xlsx"
    return xlsx_response(arrears_xlsx(found, get_language()), name)


@access(roles=LIST_READERS)
def visit_list(request):
    _form, mutual, found = arrears_listed(request)
    if mutual is None:
        return redirect("arrears")
    today = timezone.localdate()
    found.sort(key=ORDERS["address"])
    name = f"{_('visits')}-{mutual.code}-{today}.pdf"
    return pdf_response(visit_list_pdf(found, mutual, today, language=get_language()), name)


@access(roles=LIST_READERS)
def cover_ending(request):
    form = CoverEndingForm(request.GET or None, mutuals=mutuals_for(request.user))
    mutual = form.chosen_mutual()
    days = (form.cleaned_data.get("days") if form.is_bound and form.is_valid() else None) or 30
    today = timezone.localdate()
    rows = []
    if mutual is not None:
        ending = list(Standings([mutual.pk], today).cover_ending(days))
        households = Household.objects.in_bulk([row.household_id for row in ending])
        rows = [(households[row.household_id], row.covered_until) for row in ending]
    return render(
        request,
        "contributions/cover_ending.html",
        {
            "form": form,
            "mutual": mutual,
            "days": days,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "count": len(rows),
            "query": request.GET.copy(),
        },
    )


# A household's page: its people with each one's coverage today, its dues and its payments.
# Here, not in membership, since coverage is contributions' (docs/architecture.md).
@access(roles=REGISTER_READERS, model=Household)
def household_detail(request, household):
    household = (
        Household.objects.select_related("mutual", "package")
        .prefetch_related(Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("pk")))
        .get(pk=household.pk)
    )
    overview = queries.household_overview(household)
    payments = household.payments.select_related("reverses").order_by("-received_on", "-pk")[:20]
    return render(
        request,
        "contributions/household_detail.html",
        {
            "household": household,
            "overview": overview,
            "payments": payments,
            "periods": [
                (due, due.total - due.member, overview.account.member_outstanding(due.period_start))
                for due in overview.account.dues
            ],
            "can_edit": request.user.has_any_role(REGISTER_WRITERS),
            "can_pay": request.user.has_any_role({Role.MUTUAL_MANAGER, Role.CASHIER}),
        },
    )
