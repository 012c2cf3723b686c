import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.accounting import queries
from mutualis.accounting.cash import cash_book, cash_boxes
from mutualis.accounting.documents import statements_pdf, trial_balance_pdf
from mutualis.accounting.exports import statements_xlsx, trial_balance_xlsx
from mutualis.accounting.forms import (
    AccountForm,
    CashBookForm,
    CashCountForm,
    EntryForm,
    HandOverForm,
    JournalForm,
    LedgerForm,
    MappingForm,
    MonthCloseForm,
    PeriodForm,
    ReopenForm,
    SpanForm,
    StatementImportForm,
    StatementsForm,
    YearCloseForm,
    YearForm,
)
from mutualis.accounting.models import (
    BankLine,
    BankStatement,
    ClosedMonth,
    ClosedYear,
    Line,
    Piece,
)
from mutualis.accounting.services import (
    PIECE_MAX_BYTES,
    EntryLine,
    Scan,
    account_add,
    accounts_for,
    bank_line_match,
    bank_line_unmatch,
    bank_statement_import,
    cash_count,
    cash_hand_over,
    entry_record,
    mapping_change,
    month_close,
    statement_proposals,
    year_close,
    year_reopen,
)
from mutualis.accounting.statements import Statements, statements
from mutualis.core.access import access
from mutualis.core.formats import format_rate
from mutualis.core.forms import attach_errors
from mutualis.core.http import download_name, pdf_response, xlsx_response
from mutualis.core.imports import describe
from mutualis.federation.models import Organisation
from mutualis.federation.rules import (
    BOOK_READERS,
    BOOKKEEPERS,
    CASH_COUNTERS,
    CHART_EDITORS,
    PERIOD_REOPENERS,
)

ENTRIES_PAGE = 50
LEDGER_PAGE = 100


def shown(request, template: str, organisation, context: dict, status: int = 200):
    """A page of the books: its organisation, and whether the user may write entries."""
    return render(
        request,
        template,
        {
            "organisation": organisation,
            "may_write": request.user.has_any_role(BOOKKEEPERS),
            **context,
        },
        status=status,
    )


@access(roles=BOOK_READERS)
def books_home(request):
    """The books of the user's own organisation."""
    return trial_balance_page(request, request.user.organisation)


def period_of(request, form_class=SpanForm) -> tuple[PeriodForm, object, object]:
    form = form_class(request.GET or None)
    start, end = form.period(timezone.localdate())
    return form, start, end


def is_month(start, end) -> bool:
    return start.day == 1 and end == (start + datetime.timedelta(days=32)).replace(
        day=1
    ) - datetime.timedelta(days=1)


def is_year(start, end) -> bool:
    return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year


@access(roles=BOOK_READERS, model=Organisation)
def trial_balance(request, organisation):
    return trial_balance_page(request, organisation)


def trial_balance_page(request, organisation):
    form, start, end = period_of(request)
    balances = queries.trial_balance(organisation, start, end)
    closed = (
        ClosedMonth.objects.filter(mutual=organisation, month=start, reopened_at=None).first()
        if is_month(start, end)
        else None
    )
    return shown(
        request,
        "accounting/trial_balance.html",
        organisation,
        {
            "form": form,
            "start": start,
            "end": end,
            "balances": balances,
            "debits": sum(b.debit for b in balances),
            "credits": sum(b.credit for b in balances),
            "debit_balances": sum(b.debit_balance for b in balances),
            "credit_balances": sum(b.credit_balance for b in balances),
            "consolidated": organisation.kind != Organisation.Kind.MUTUAL,
            "below": Organisation.objects.filter(parent=organisation).order_by("name"),
            "month": start if is_month(start, end) else None,
            "closed": closed,
            "may_close": request.user.has_any_role(BOOKKEEPERS)
            and is_month(start, end)
            and closed is None
            and end < timezone.localdate(),
            "may_close_year": request.user.has_any_role(BOOKKEEPERS)
            and is_year(start, end)
            and end < timezone.localdate()
            and not ClosedYear.objects.filter(
                mutual=organisation, year=start.year, reopened_at=None
            ).exists(),
            "query": request.GET.urlencode(),
        },
    )


@access(roles=BOOK_READERS, model=Organisation)
def trial_balance_workbook(request, organisation):
    _form, start, end = period_of(request)
    content = trial_balance_xlsx(
        organisation, start, end, queries.trial_balance(organisation, start, end), get_language()
    )
    return xlsx_response(
        content, download_name(_("trial balance"), f"{start:%Y-%m-%d}", extension="xlsx")
    )


@access(roles=BOOK_READERS, model=Organisation)
def trial_balance_document(request, organisation):
    _form, start, end = period_of(request)
    closed = (
        is_month(start, end)
        and ClosedMonth.objects.filter(mutual=organisation, month=start, reopened_at=None).exists()
    )
    content = trial_balance_pdf(
        organisation,
        start,
        end,
        queries.trial_balance(organisation, start, end),
        closed=closed,
        language=get_language(),
    )
    return pdf_response(
        content, download_name(_("trial balance"), f"{start:%Y-%m-%d}", extension="pdf")
    )


@access(roles=BOOK_READERS, model=Organisation)
def income_statement(request, organisation):
    form, start, end = period_of(request)
    return shown(
        request,
        "accounting/income_statement.html",
        organisation,
        {
            "form": form,
            "start": start,
            "end": end,
            "statement": queries.income_statement(organisation, start, end),
            "query": request.GET.urlencode(),
        },
    )


@access(roles=BOOK_READERS, model=Organisation)
def journal(request, organisation):
    form = JournalForm(request.GET or None)
    start, end = form.period(timezone.localdate())
    chosen = form.cleaned_data.get("journal", "") if form.is_bound and form.is_valid() else ""
    page = Paginator(queries.entries(organisation, start, end, chosen), ENTRIES_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return shown(
        request,
        "accounting/journal.html",
        organisation,
        {
            "form": form,
            "start": start,
            "end": end,
            "page": page,
            "query": query.urlencode(),
        },
    )


@access(roles=BOOK_READERS, model=Organisation)
def general_ledger(request, organisation):
    """An account's movements over a period, from its balance the day before."""
    form = LedgerForm(request.GET or None)
    start, end = form.period(timezone.localdate())
    chart = {a.number: a for a in accounts_for(organisation).values()}
    number = (form.cleaned_data.get("account") or "") if form.is_bound and form.is_valid() else ""
    account = chart.get(number.strip() or "571")
    if account is None:
        form.add_error(
            "account", _("There is no account %(number)s in the chart.") % {"number": number}
        )
    book = queries.general_ledger(organisation, account, start, end) if account else None
    page = Paginator(book.movements if book else [], LEDGER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return shown(
        request,
        "accounting/ledger.html",
        organisation,
        {
            "form": form,
            "account": account,
            "book": book,
            "page": page,
            "chart": sorted(chart.values(), key=lambda a: a.number),
            "query": query.urlencode(),
        },
    )


@access(roles=BOOKKEEPERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def entry_new(request, organisation):
    boxes = cash_boxes(organisation)
    form = EntryForm(
        request.POST or None, request.FILES or None, initial={"journal": "OD"}, cash_boxes=boxes
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["piece"]
        try:
            entry = entry_record(
                by=request.user,
                organisation=organisation,
                journal=data["journal"],
                date=data["date"],
                label=data["label"],
                reference=data["reference"],
                cashier=next((u for u in boxes if str(u.uid) == data["cashier"]), None),
                # read no further than the size a piece may have: a bigger one is refused
                piece=Scan(upload.name, upload.read(PIECE_MAX_BYTES + 1)) if upload else None,
                lines=[
                    EntryLine(
                        data[f"lines.{index}.account"] or "",
                        data[f"lines.{index}.debit"] or 0,
                        data[f"lines.{index}.credit"] or 0,
                    )
                    for index in range(len(form.line_rows()))
                ],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect(
                reverse("books_journal", kwargs={"pk": organisation.pk})
                + f"?year={entry.date.year}&month={entry.date.month}&journal={entry.journal}"
            )
    chart = [a for a in accounts_for(organisation).values() if a.is_detail]
    chart.sort(key=lambda account: account.number)
    return shown(
        request, "accounting/entry_form.html", organisation, {"form": form, "chart": chart}
    )


@access(roles=BOOKKEEPERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def month_close_view(request, organisation):
    form = MonthCloseForm(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        try:
            month_close(by=request.user, organisation=organisation, month=month)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect(
                reverse("trial_balance", kwargs={"pk": organisation.pk})
                + f"?year={month.year}&month={month.month}"
            )
    return shown(request, "accounting/month_close.html", organisation, {"form": form})


@access(roles=BOOK_READERS, model=Organisation)
def balance_sheet(request, organisation):
    form, start, _end = period_of(request, YearForm)
    context = sheet_context(organisation, start.year)
    return shown(
        request,
        "accounting/balance_sheet.html",
        organisation,
        {
            "form": form,
            **context,
            "reopen_form": ReopenForm()
            if context["closed"] and request.user.has_any_role(PERIOD_REOPENERS)
            else None,
            "query": request.GET.urlencode(),
        },
    )


@access(roles=PERIOD_REOPENERS, model=ClosedYear, writes=True)
@require_http_methods(["GET", "POST"])
def year_reopen_view(request, closed):
    form = ReopenForm(request.POST or None)
    organisation = Organisation.objects.get(pk=closed.mutual_id)
    target = reverse("balance_sheet", kwargs={"pk": organisation.pk}) + f"?year={closed.year}"
    if request.method == "POST" and form.is_valid():
        try:
            year_reopen(by=request.user, closed=closed, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect(target)
    return shown(
        request,
        "accounting/balance_sheet.html",
        organisation,
        {**sheet_context(organisation, closed.year), "reopen_form": form},
    )


@access(roles=BOOK_READERS, model=Piece)
def piece(request, piece):
    response = HttpResponse(bytes(piece.content), content_type=piece.content_type)
    response["Content-Disposition"] = f'inline; filename="{slugify(piece.file_name)}"'
    response["X-Content-Type-Options"] = "nosniff"
    # a scan is shown, never run: no script of a PDF reaches the site
    response["Content-Security-Policy"] = "sandbox"
    return response


@access(roles=BOOK_READERS, model=Organisation)
def statements_page(request, organisation):
    form, found = statements_of(request, organisation)
    return shown(
        request,
        "accounting/statements.html",
        organisation,
        {"form": form, "statements": found, "query": request.GET.urlencode()},
    )


def statements_of(request, organisation) -> tuple[StatementsForm, Statements]:
    form = StatementsForm(request.GET or None)
    start, end = form.period(timezone.localdate())
    return form, statements(organisation, start, end, form.system_chosen())


@access(roles=BOOK_READERS, model=Organisation)
def statements_document(request, organisation):
    _form, found = statements_of(request, organisation)
    return pdf_response(
        statements_pdf(found, get_language()),
        download_name(_("financial statements"), f"{found.start:%Y-%m-%d}", extension="pdf"),
    )


@access(roles=BOOK_READERS, model=Organisation)
def statements_workbook(request, organisation):
    _form, found = statements_of(request, organisation)
    return xlsx_response(
        statements_xlsx(found, get_language()),
        download_name(_("financial statements"), f"{found.start:%Y-%m-%d}", extension="xlsx"),
    )


@access(roles=CASH_COUNTERS, writes=True)
@require_http_methods(["GET", "POST"])
def cash_home(request):
    """The cash books of the user's own organisation."""
    return cash_book_page(request, request.user.organisation)


@access(roles=CASH_COUNTERS | BOOK_READERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def cash_book_view(request, organisation):
    return cash_book_page(request, organisation)


def cash_book_page(request, organisation):
    """A cash box's book for a day, and its count at the end of the day. A cashier sees their
    own box."""
    boxes = cash_boxes(organisation)
    if not request.user.has_any_role(BOOK_READERS):
        boxes = [u for u in boxes if u.pk == request.user.pk] or [request.user]
    form = CashBookForm(request.GET or None, cash_boxes=boxes)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = data.get("day") or timezone.localdate()
    chosen = data.get("cashier") or (str(boxes[0].uid) if boxes else "safe")
    cashier = next((u for u in boxes if str(u.uid) == chosen), None)
    if cashier is None and not request.user.has_any_role(BOOK_READERS):
        cashier = request.user
    # the page's two forms: the count of the box shown, and cash handed from it to another
    handing = request.POST.get("action") == "hand over"
    count_form = CashCountForm(request.POST if request.POST and not handing else None)
    hand_form = HandOverForm(
        request.POST if handing else None,
        cash_boxes=cash_boxes(organisation),
        giver=cashier,
    )
    if request.method == "POST" and handing and hand_form.is_valid():
        chosen = hand_form.cleaned_data["taker"]
        try:
            cash_hand_over(
                by=request.user,
                organisation=organisation,
                giver=cashier,
                taker=next((u for u in hand_form.boxes if str(u.uid) == chosen), None),
                amount=hand_form.cleaned_data["amount"],
                day=day,
                note=hand_form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(hand_form, error)
        else:
            return redirect(request.get_full_path())
    elif request.method == "POST" and cashier is not None and count_form.is_valid():
        try:
            cash_count(
                by=request.user,
                organisation=organisation,
                cashier=cashier,
                day=day,
                counted=count_form.cleaned_data["counted"],
                explanation=count_form.cleaned_data["explanation"],
            )
        except ValidationError as error:
            attach_errors(count_form, error)
        else:
            return redirect(request.get_full_path())
    book = cash_book(organisation, cashier, day, day)
    counts = request.user.has_any_role(CASH_COUNTERS)
    return shown(
        request,
        "accounting/cash_book.html",
        organisation,
        {
            "form": form,
            "book": book,
            "day": day,
            "count_form": count_form
            if cashier is not None and counts and not book.counts
            else None,
            # a cashier hands over their own box; the manager and the accountant any
            "hand_form": hand_form
            if counts and (cashier == request.user or request.user.has_any_role(BOOK_READERS))
            else None,
            "query": "",
        },
    )


def sheet_context(organisation, year: int) -> dict:
    closed = ClosedYear.objects.filter(mutual=organisation, year=year, reopened_at=None).first()
    return {
        "year": year,
        "sheet": queries.balance_sheet(organisation, datetime.date(year, 12, 31)),
        "closed": closed,
    }


@access(roles=BOOKKEEPERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def year_close_view(request, organisation):
    form = YearCloseForm(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            year_close(by=request.user, organisation=organisation, year=year)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect(
                reverse("balance_sheet", kwargs={"pk": organisation.pk}) + f"?year={year}"
            )
    return shown(request, "accounting/year_close.html", organisation, {"form": form})


@access(roles=BOOKKEEPERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def bank_statements(request, organisation):
    """The organisation's bank statements, and a new one imported."""
    accounts = sorted(
        (a for a in accounts_for(organisation).values() if a.account_class == "5" and a.is_detail),
        key=lambda account: account.number,
    )
    form = StatementImportForm(
        request.POST or None, request.FILES or None, accounts=accounts, initial={"account": "521"}
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = bank_statement_import(
                by=request.user,
                organisation=organisation,
                account_number=form.cleaned_data["account"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if report.statement is not None:
                return redirect("bank_statement", pk=report.statement.pk)
            errors = [describe(problem) for problem in report.errors]
    statements = BankStatement.objects.filter(mutual=organisation).select_related("account")
    return shown(
        request,
        "accounting/bank_statements.html",
        organisation,
        {
            "form": form,
            "errors": errors,
            "statements": statements.order_by("-last_day", "-pk"),
        },
    )


@access(roles=BOOKKEEPERS, model=BankStatement, writes=True)
@require_http_methods(["GET", "POST"])
def bank_statement(request, statement):
    """A statement's lines beside the books: matched, proposed, or left to explain."""
    problems: list[str] = []
    if request.method == "POST":
        lines = BankLine.objects.filter(statement=statement)
        chosen = lines.filter(pk=request.POST.get("bank_line") or 0).first()
        try:
            if request.POST.get("action") == "unmatch" and chosen:
                bank_line_unmatch(by=request.user, bank_line=chosen)
            elif request.POST.get("action") == "match":
                for bank_line_id, line_id in statement_proposals(statement).items():
                    if chosen is None or chosen.pk == bank_line_id:
                        bank_line_match(
                            by=request.user,
                            bank_line=lines.get(pk=bank_line_id),
                            line=Line.objects.get(pk=line_id),
                        )
            else:
                problems.append(_("Choose a line and what to do with it."))
        except ValidationError as error:
            problems.extend(error.messages)
        if not problems:
            return redirect("bank_statement", pk=statement.pk)
    proposed = statement_proposals(statement)
    book = {
        line.pk: line
        for line in Line.objects.filter(
            pk__in=[*proposed.values(), *statement.lines.values_list("matched_id", flat=True)]
        ).select_related("entry")
    }
    rows = [
        (line, book.get(line.matched_id), book.get(proposed.get(line.pk)))
        for line in statement.lines.order_by("date", "pk")
    ]
    matched = {line.matched_id for line, _m, _p in rows if line.matched_id}
    unmatched_books = [
        line
        for line in Line.objects.filter(
            mutual=statement.mutual_id,
            account=statement.account_id,
            date__range=(statement.first_day, statement.last_day),
        )
        .exclude(pk__in=matched | set(proposed.values()))
        .select_related("entry")
        .order_by("date", "pk")
    ]
    organisation = Organisation.objects.get(pk=statement.mutual_id)
    return shown(
        request,
        "accounting/bank_statement.html",
        organisation,
        {
            "statement": statement,
            "rows": rows,
            "proposals": len(proposed),
            "unmatched_books": unmatched_books,
            "problems": problems,
        },
    )


@access(roles=BOOK_READERS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def chart(request, organisation):
    """The accounts the organisation posts to and the account of each operation; a union's
    officers add detail accounts and change the mapping for the future."""
    which = request.POST.get("form")
    account_form = AccountForm(request.POST if which == "account" else None, prefix="account")
    mapping_form = MappingForm(request.POST if which == "mapping" else None, prefix="mapping")
    if request.method == "POST":
        form = account_form if which == "account" else mapping_form
        if which in ("account", "mapping") and form.is_valid():
            try:
                if which == "account":
                    account_add(by=request.user, union=organisation, **form.cleaned_data)
                else:
                    mapping_change(by=request.user, union=organisation, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("books_chart", pk=organisation.pk)
    accounts = sorted(accounts_for(organisation).values(), key=lambda a: a.number)
    return shown(
        request,
        "accounting/chart.html",
        organisation,
        {
            "accounts": accounts,
            "mappings": queries.mappings_for(organisation),
            "may_edit": request.user.has_any_role(CHART_EDITORS)
            and organisation.kind != Organisation.Kind.MUTUAL,
            "account_form": account_form,
            "mapping_form": mapping_form,
        },
    )


@access(roles=BOOK_READERS, model=Organisation)
def prudential(request, organisation):
    form, start, _end = period_of(request, YearForm)
    base, found = queries.prudential_figures(organisation, start.year)
    return shown(
        request,
        "accounting/prudential.html",
        organisation,
        {
            "form": form,
            "year": start.year,
            "base": base,
            "figures": [
                (
                    figure,
                    FIGURE_LABELS[figure.code],
                    shown_figure(figure.code, figure.value),
                    (
                        f"≥ {shown_figure(figure.code, figure.minimum)}"
                        if figure.minimum is not None
                        else f"≤ {shown_figure(figure.code, figure.maximum)}"
                        if figure.maximum is not None
                        else "–"
                    ),
                )
                for figure in found
            ],
            "query": request.GET.urlencode(),
        },
    )


def shown_figure(code: str, value: int | None) -> str:
    """A rate as a percentage; the reserves in months, with two decimals."""
    if value is None:
        return "–"
    if code == "reserve_months":
        months = formats.number_format(value / 10_000, decimal_pos=2, use_l10n=True)
        return _("%(months)s months") % {"months": months}
    return format_rate(value)


FIGURE_LABELS = {
    "management_cost_share": gettext_lazy("Management costs in the contributions"),
    "claims_ratio": gettext_lazy("Benefits in the contributions (claims ratio)"),
    "liquidity": gettext_lazy("Cash against short-term debts (liquidity)"),
    "reserve_months": gettext_lazy("Reserves, in months of benefits"),
    "guarantee_fund_share": gettext_lazy("Guarantee fund in the contributions"),
}
