import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.claims import imports, queries, services
from mutualis.claims.choices import Channel, ClaimStatus, labels
from mutualis.claims.forms import (
    ApprovalForm,
    CancelForm,
    ClaimFilterForm,
    ClaimForm,
    ClaimLineFormSet,
    ClaimsUploadForm,
    EligibilityForm,
    ItemLookupForm,
    LetterForm,
    LineReviewForm,
    with_another_line,
)
from mutualis.claims.letters import letter_pdf
from mutualis.claims.models import Claim, GuaranteeLetter
from mutualis.core.access import access, scoped
from mutualis.core.formats import currency_symbol, format_amount
from mutualis.core.forms import attach_errors
from mutualis.core.http import pdf_response, xlsx_response
from mutualis.core.imports import describe
from mutualis.core.signing import SCHEME, read_card
from mutualis.core.spreadsheets import too_large
from mutualis.federation.rules import CLAIM_CLERKS, CLAIM_REVIEWERS, LETTER_ISSUERS, Role
from mutualis.providers.models import Provider

PAGE_SIZE = 50
STAND_IN_LINE = services.LineInput("-", 1, 0)
ITEMS_SHOWN = 12  # the completion of a code: a short list, the clerk types on to narrow it
# Health data: those who care, pay, enter or control claims, and no one else.
CLAIM_READERS = {
    Role.PROVIDER_CLERK,
    Role.MUTUAL_MANAGER,
    Role.MEDICAL_ADVISOR,
    Role.UNION_OFFICER,
}
REVIEWERS = CLAIM_REVIEWERS
ELIGIBILITY_CHECKERS = CLAIM_READERS | {Role.ENROLMENT_AGENT}


CARD_PROBLEMS = {
    "forged": gettext_lazy(
        "The card's signature is false: this card was not made by the mutual. Do not accept it."
    ),
    "unsigned": gettext_lazy(
        "This card carries no signature: check the person's identity with care."
    ),
    "malformed": gettext_lazy("This is not a Mutualis card."),
}


@access(roles=ELIGIBILITY_CHECKERS)
def eligibility(request):
    """The point of care: scan or type, and see at once who it is and what is covered."""
    providers = queries.acting_providers(request.user)
    form = EligibilityForm(
        request.GET or None,
        providers=providers,
        initial={"on": timezone.localdate(), "provider": providers.first()},
    )
    result, problem, warning = None, "", ""
    if form.is_valid():
        number = form.cleaned_data["card"].strip()
        refused = False
        if number.upper().startswith(SCHEME):  # a scanned card, not a typed number
            reading = read_card(number)
            number = reading.member_number
            if not reading.valid:
                warning = CARD_PROBLEMS[reading.problem]
                # a forged or unreadable card shows no one; an unsigned one its holder, warned
                refused = reading.problem != "unsigned"
        if number and not refused:
            beneficiary, problem = queries.beneficiary_numbered(request.user, number)
            if beneficiary is not None:
                result = queries.eligibility(
                    beneficiary, form.cleaned_data["provider"], form.cleaned_data["on"]
                )
    return render(
        request,
        "claims/eligibility.html",
        {
            "form": form,
            "result": result,
            "problem": problem,
            "warning": warning,
            "can_enter": request.user.has_any_role(CLAIM_CLERKS),
        },
    )


def lines_of(formset) -> list[services.LineInput]:
    return [
        services.LineInput(
            form.cleaned_data["item_code"],
            form.cleaned_data["quantity"],
            form.cleaned_data["unit_price"],
        )
        for form in formset.filled()
    ]


def show_submission_errors(errors: dict[str, list[str]], form, formset) -> None:
    """Puts each error of `claims_submit` on the field or line it names."""
    renamed = {"provider_code": "provider"}
    for key, texts in errors.items():
        if key.startswith("lines."):
            _lines, number, field = key.split(".")
            formset.filled()[int(number)].add_error(field, texts)
        elif key == "lines":
            formset.forms[0].add_error(None, texts)
        else:
            name = renamed.get(key, key)
            form.add_error(name if name in form.fields else None, texts)


def prices_for(user, care: dict, **search) -> queries.PriceList | None:
    """The price list of the provider chosen, on the day of care (today until one is given),
    for the member's agreement once their number is known; `search` as queries.price_list."""
    provider = care.get("provider")
    if provider is None:
        return None
    mutual_path = ""
    if number := (care.get("member") or "").strip():
        beneficiary, _problem = queries.beneficiary_numbered(user, number)
        mutual_path = beneficiary.mutual.path if beneficiary is not None else ""
    return queries.price_list(
        provider, care.get("on") or timezone.localdate(), mutual_path=mutual_path, **search
    )


@access(roles=CLAIM_CLERKS, writes=True)
@require_http_methods(["GET", "POST"])
def claim_create(request):
    """A clerk's claim: one row per line; the code is checked against the provider's price
    list and an empty price is its tariff. Without JavaScript, "add a line" posts the form and
    gets it back as typed with one more line (and without the lines ticked for removal)."""
    providers = queries.acting_providers(request.user)
    posted = request.POST if request.method == "POST" else None
    form = ClaimForm(
        posted,
        providers=providers,
        initial={
            "service_from": timezone.localdate(),
            "provider": providers.first(),
            "member_number": request.GET.get("member", ""),
        },
    )
    prices = None
    if posted is not None:
        form.is_valid()
        data = form.cleaned_data
        prices = prices_for(
            request.user,
            {
                "provider": data.get("provider"),
                "on": data.get("service_from"),
                "member": data.get("member_number"),
            },
        )
    if posted is not None and "add_line" in posted:
        # the values as typed, the lines checked against the price list (an unknown code is
        # flagged at once), and the visit's fields without errors: nothing is submitted yet
        form = ClaimForm(providers=providers, initial=posted.dict())
        formset = ClaimLineFormSet(
            with_another_line(posted, "lines"), prefix="lines", form_kwargs={"prices": prices}
        )
        formset.is_valid()
        formset.forms[-1].fields["item_code"].widget.attrs["autofocus"] = True
        return render_claim_form(request, form, formset, prices)
    formset = ClaimLineFormSet(posted, prefix="lines", form_kwargs={"prices": prices})
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        lines_valid = formset.is_valid()
        claim = services.ClaimInput(
            member_number=data["member_number"].strip().upper(),
            provider_code=data["provider"].code,
            provider_reference=data["provider_reference"],
            service_from=data["service_from"],
            service_to=data["service_to"],
            # with lines in error, the visit is still checked (every error shows at once),
            # and a stand-in line keeps the service from stopping at "no line"
            lines=tuple(lines_of(formset)) if lines_valid else (STAND_IN_LINE,),
            visit_type=data["visit_type"],
            diagnosis=data["diagnosis"].strip().upper(),
            letter_number=data["letter_number"],
        )
        submission = services.claims_submit(
            [claim],
            channel=Channel.CLERK,
            actor=request.user,
            scope_prefix=queries.member_lookup_prefix(request.user),
            check_only=not lines_valid,
        )
        if submission.saved:
            (saved,) = submission.claims
            messages.success(
                request,
                _("Claim %(reference)s recorded: %(amount)s paid by the mutual.")
                % {
                    "reference": saved.provider_reference,
                    "amount": format_amount(saved.mutual_share, saved.mutual.currency),
                },
            )
            return redirect("claim_detail", pk=saved.pk)
        errors = submission.errors.get(0, {})
        if not lines_valid:
            errors = {key: texts for key, texts in errors.items() if not key.startswith("lines")}
        show_submission_errors(errors, form, formset)
    return render_claim_form(request, form, formset, prices)


def render_claim_form(request, form, formset, prices):
    if formset.is_bound:
        formset.is_valid()  # the lines' checks and amounts, also when the visit's fields fail
    currency = prices.currency if prices and prices.currency else ""
    if not currency:
        currency = queries.currency_of(request.user.organisation.path)
    return render(
        request,
        "claims/claim_form.html",
        {
            "form": form,
            "formset": formset,
            "currency": currency,
            "currency_symbol": currency_symbol(currency),
            "separator": formats.get_format("THOUSAND_SEPARATOR"),
            "total": formset.total(),
        },
    )


@access(roles=CLAIM_CLERKS)
def claim_items(request):
    """The acts and medicines of a provider's price list whose code starts with the text typed
    or whose label contains it, with their agreed tariffs (JSON): the completion of the claim
    form's codes. `code` asks for one code exactly. Only for a provider the user enters claims
    for: any other answers 404."""
    if not request.GET.get("provider"):
        return JsonResponse({"items": []})
    form = ItemLookupForm(request.GET, providers=queries.acting_providers(request.user))
    if not form.is_valid():
        if "provider" in form.errors:
            raise Http404
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data
    code = data["code"].strip().upper()
    if code:
        prices = prices_for(request.user, data, text=code)
        found = [prices.get(code)] if prices.get(code) else []
    elif text := data["q"].strip():
        prices = prices_for(request.user, data, text=text, limit=ITEMS_SHOWN)
        found = list(prices.items.values())
    else:
        prices, found = None, []
    return JsonResponse(
        {
            "items": [
                {
                    "code": item.code,
                    "label": item.label,
                    "price": item.price,
                    "price_text": format_amount(item.price, prices.currency),
                }
                for item in found
            ]
        }
    )


@access(roles=CLAIM_CLERKS, writes=True)
@require_http_methods(["GET", "POST"])
def claims_upload(request):
    form = ClaimsUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if message := too_large(upload.size):
            form.add_error("file", message)
        else:
            report = imports.claims_import(
                by=request.user,
                file_name=upload.name,
                content=upload.read(),
                language=get_language(),
                valid_only=form.cleaned_data["valid_only"],
            )
    return render(
        request,
        "claims/upload.html",
        {
            "form": form,
            "report": report,
            "problems": [describe(p) for p in report.errors] if report else [],
            "warnings": [describe(p) for p in report.warnings] if report else [],
        },
    )


@access(roles=CLAIM_CLERKS)
def claims_template(request):
    return xlsx_response(imports.template_xlsx(get_language()), _("claims-template") + ".xlsx")


@access(roles=CLAIM_READERS)
def claim_list(request):
    providers = queries.acting_providers(request.user)
    form = ClaimFilterForm(request.GET or None, providers=providers)
    found = queries.claims_visible(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            found = found.filter(status=data["status"])
        if data["provider"]:
            found = found.filter(provider=data["provider"])
        if data["member_number"]:
            found = found.filter(beneficiary__member_number=data["member_number"].strip().upper())
        if data["start"]:
            found = found.filter(service_from__gte=data["start"])
        if data["end"]:
            found = found.filter(service_from__lte=data["end"])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/claim_list.html",
        {
            "form": form,
            "page": page,
            "query": request.GET,
            "title": _("Claims"),
            "can_enter": request.user.has_any_role(CLAIM_CLERKS),
        },
    )


@access(roles=REVIEWERS, writes=True)
@require_http_methods(["GET", "POST"])
def review_queue(request):
    """The claims waiting for review; those ticked are approved as adjudication decided them."""
    waiting = queries.review_queue(request.user)
    form = ApprovalForm(request.POST if request.method == "POST" else None, waiting=waiting)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.claims_approve(by=request.user, claims=form.cleaned_data["claims"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s claim approved as adjudicated.",
                    "%(count)s claims approved as adjudicated.",
                    count,
                )
                % {"count": count},
            )
            return redirect("review_queue")
    page = Paginator(waiting.select_related("beneficiary", "provider"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "claims/review_queue.html", {"page": page, "query": request.GET, "form": form}
    )


def decided_lines(claim: Claim):
    lines = list(claim.lines.select_related("item").order_by("position"))
    for line in lines:
        line.reason_labels = labels(line.reasons)
    return lines


@access(roles=CLAIM_READERS, model=Claim)
def claim_detail(request, claim):
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "lines": decided_lines(claim),
            "medical": queries.may_see_medical(request.user, claim),
            "can_review": (
                claim.status == ClaimStatus.IN_REVIEW and request.user.has_any_role(REVIEWERS)
            ),
        },
    )


@access(roles=REVIEWERS, model=Claim, writes=True)
@require_http_methods(["GET", "POST"])
def claim_review(request, claim):
    lines = decided_lines(claim)
    forms = [
        LineReviewForm(
            request.POST or None,
            prefix=f"line_{line.pk}",
            initial={"outcome": line.outcome, "mutual_share": line.mutual_share},
        )
        for line in lines
    ]
    open_for_review = claim.status == ClaimStatus.IN_REVIEW
    if not open_for_review:
        messages.error(request, _("This claim was already decided."))
    elif request.method == "POST" and all(form.is_valid() for form in forms):
        reviews = [
            services.LineReview(
                line=line,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                mutual_share=form.cleaned_data["mutual_share"],
            )
            for line, form in zip(lines, forms, strict=True)
        ]
        try:
            services.claim_review(by=request.user, claim=claim, reviews=reviews)
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                # "lines.<index>.<field>", the index of the line's decision
                _lines, index, field = key.split(".")
                forms[int(index)].add_error(field, texts)
        else:
            return after_review(request, claim)
    return render(
        request,
        "claims/claim_review.html",
        {
            "claim": claim,
            "rows": list(zip(lines, forms, strict=True)),
            "open_for_review": open_for_review,
            "currency": claim.mutual.currency,
            "waiting": (
                queries.review_queue(request.user).exclude(pk=claim.pk).count()
                if open_for_review
                else 0
            ),
        },
    )


def after_review(request, claim: Claim):
    """Straight on to the oldest claim still waiting that the advisor may review, or back to
    the queue when none is left: an advisor reviews claims one after the other."""
    following = queries.review_queue(request.user).exclude(pk=claim.pk).first()
    if following is None:
        messages.success(
            request,
            _("Review of %(reference)s recorded. No claim is left to review.")
            % {"reference": claim.provider_reference},
        )
        return redirect("review_queue")
    messages.success(
        request,
        _("Review of %(reference)s recorded. Next claim to review: %(next)s.")
        % {"reference": claim.provider_reference, "next": following.provider_reference},
    )
    return redirect("claim_review", pk=following.pk)


@access(roles=CLAIM_READERS | LETTER_ISSUERS)
def letter_list(request):
    found = scoped(
        GuaranteeLetter.objects.select_related("beneficiary", "provider", "mutual"), request.user
    ).order_by("-issued_at", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/letter_list.html",
        {
            "page": page,
            "query": request.GET,
            "can_issue": request.user.has_any_role(LETTER_ISSUERS),
        },
    )


@access(roles=LETTER_ISSUERS, writes=True)
@require_http_methods(["GET", "POST"])
def letter_create(request):
    providers = scoped(Provider.objects.filter(active=True), request.user).order_by("name")
    today = timezone.localdate()
    form = LetterForm(
        request.POST or None,
        providers=providers,
        initial={
            "valid_from": today,
            "valid_until": today + datetime.timedelta(days=30),
            "member_number": request.GET.get("member", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        beneficiary, problem = queries.beneficiary_numbered(request.user, data["member_number"])
        if beneficiary is None:
            form.add_error("member_number", problem)
        else:
            try:
                letter = services.letter_issue(
                    by=request.user,
                    beneficiary=beneficiary,
                    provider=data["provider"],
                    service_category=data["service_category"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    cap=data["cap"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request, _("Guarantee letter %(number)s issued.") % {"number": letter.number}
                )
                return redirect("letter_detail", pk=letter.pk)
    return render(
        request,
        "membership/simple_form.html",
        {"form": form, "title": _("Issue a guarantee letter")},
    )


@access(roles=CLAIM_READERS | LETTER_ISSUERS, model=GuaranteeLetter)
def letter_detail(request, letter):
    claims = scoped(letter.claims.all(), request.user).order_by("service_from", "pk")
    used = sum(claim.mutual_share for claim in claims)
    return render(
        request,
        "claims/letter_detail.html",
        {
            "letter": letter,
            "claims": claims,
            "used": used,
            "left": max(letter.cap - used, 0),
            "medical": queries.may_see_medical(request.user, letter),
            "can_cancel": request.user.has_any_role(LETTER_ISSUERS) and not letter.cancelled_on,
        },
    )


@access(roles=CLAIM_READERS | LETTER_ISSUERS, model=GuaranteeLetter)
def letter_print(request, letter):
    return pdf_response(
        letter_pdf(
            letter,
            language=get_language(),
            medical=queries.may_see_medical(request.user, letter),
        ),
        f"lettre-garantie-{letter.number}.pdf",
    )


@access(roles=LETTER_ISSUERS, model=GuaranteeLetter, writes=True)
@require_http_methods(["GET", "POST"])
def letter_cancel(request, letter):
    form = CancelForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_cancel(by=request.user, letter=letter, on=form.cleaned_data["on"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Guarantee letter cancelled."))
            return redirect("letter_detail", pk=letter.pk)
    return render(
        request,
        "membership/simple_form.html",
        {
            "form": form,
            "title": _("Cancel guarantee letter %(number)s") % {"number": letter.number},
        },
    )
