from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.benefits.queries import packages_visible
from mutualis.core.access import access, scoped
from mutualis.core.forms import attach_errors
from mutualis.core.history import history
from mutualis.core.http import pdf_response, xlsx_response
from mutualis.core.imports import describe
from mutualis.core.spreadsheets import too_large
from mutualis.federation.models import Organisation
from mutualis.federation.rules import REGISTER_READERS, REGISTER_WRITERS, Kind
from mutualis.membership import exports, imports, queries, services
from mutualis.membership.cards import cards_pdf
from mutualis.membership.forms import (
    DependentAddForm,
    DependentFormSet,
    ExportForm,
    HouseholdForm,
    ImportForm,
    LeaveForm,
    PersonForm,
    ResignForm,
    SearchForm,
)
from mutualis.membership.models import Beneficiary, Household


def attach_person_errors(forms_by_prefix: dict, error: ValidationError) -> bool:
    """Puts the service's `head.birth_date` / `dependents.2.sex` errors on the right form;
    returns False when some error names no form (it then belongs to the page)."""
    placed = True
    for key, messages_ in error.message_dict.items():
        prefix, _dot, field = key.rpartition(".")
        form = forms_by_prefix.get(prefix)
        if form is not None and field in form.fields:
            form.add_error(field, messages_)
        else:
            placed = False
    return placed


@access(roles=REGISTER_READERS)
def register(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    households = queries.household_search(request.user, query) if query else []
    template = (
        "membership/_search_results.html"
        if request.headers.get("HX-Request")
        else ("membership/register.html")
    )
    return render(
        request,
        template,
        {
            "form": form,
            "households": households,
            "query": query,
            "can_enrol": request.user.has_any_role(REGISTER_WRITERS),
        },
    )


def mutuals_of(user):
    return scoped(Organisation.objects.filter(kind=Kind.MUTUAL), user).order_by("name")


@access(roles=REGISTER_WRITERS, writes=True)
@require_http_methods(["GET", "POST"])
def household_create(request):
    mutuals = mutuals_of(request.user)
    packages = packages_visible(request.user).order_by("name")
    data = request.POST or None
    form = HouseholdForm(
        data, mutuals=mutuals, packages=packages, initial={"enrolled_on": timezone.localdate()}
    )
    files = request.FILES or None
    head = PersonForm(data, files, prefix="head")
    dependents = DependentFormSet(data, files, prefix="dependents")
    duplicates = []
    if request.method == "POST" and form.is_valid() and head.is_valid() and dependents.is_valid():
        household_data = form.cleaned_data
        try:
            household = services.household_enrol(
                by=request.user,
                mutual=household_data["mutual"],
                package=household_data["package"],
                enrolled_on=household_data["enrolled_on"],
                address=household_data["address"],
                phone=household_data["phone"],
                head=head.person(),
                dependents=dependents.people(),
                acknowledge_duplicates=household_data["acknowledge_duplicates"],
            )
        except services.PossibleDuplicates as error:
            duplicates = error.matches
        except ValidationError as error:
            forms_by_prefix = {"head": head, "": form}
            kept = [f for f in dependents.forms if f.has_changed()]
            forms_by_prefix.update({f"dependents.{i}": f for i, f in enumerate(kept)})
            if not attach_person_errors(forms_by_prefix, error):
                attach_errors(form, error)
        else:
            messages.success(
                request, _("Household enrolled: %(household)s.") % {"household": household}
            )
            return redirect("household_detail", pk=household.pk)
    return render(
        request,
        "membership/household_form.html",
        {
            "form": form,
            "head": head,
            "dependents": dependents,
            "duplicates": duplicates,
        },
    )


@access(roles=REGISTER_WRITERS, model=Household, writes=True)
@require_http_methods(["GET", "POST"])
def dependent_add(request, household):
    form = DependentAddForm(
        request.POST or None, request.FILES or None, initial={"enrolled_on": timezone.localdate()}
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        person = form.person()
        enrolled_on = person.pop("enrolled_on")
        acknowledge = person.pop("acknowledge_duplicates", False)
        try:
            services.beneficiary_add(
                by=request.user,
                household=household,
                person=person,
                enrolled_on=enrolled_on,
                acknowledge_duplicates=acknowledge,
            )
        except services.PossibleDuplicates as error:
            duplicates = error.matches
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Dependent added."))
            return redirect("household_detail", pk=household.pk)
    return render(
        request,
        "membership/dependent_form.html",
        {
            "form": form,
            "household": household,
            "duplicates": duplicates,
        },
    )


@access(roles=REGISTER_WRITERS, model=Beneficiary, writes=True)
@require_http_methods(["GET", "POST"])
def beneficiary_edit(request, beneficiary):
    form = PersonForm(request.POST or None, request.FILES or None, instance=beneficiary)
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(
                by=request.user,
                beneficiary=beneficiary,
                **{k: form.cleaned_data[k] for k in form.changed_data},
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("household_detail", pk=beneficiary.household_id)
    return render(
        request,
        "membership/beneficiary_form.html",
        {
            "form": form,
            "beneficiary": beneficiary,
        },
    )


@access(roles=REGISTER_WRITERS, model=Beneficiary, writes=True)
@require_http_methods(["GET", "POST"])
def beneficiary_leave(request, beneficiary):
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_leave(
                by=request.user, beneficiary=beneficiary, on=form.cleaned_data["left_on"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Departure recorded."))
            return redirect("household_detail", pk=beneficiary.household_id)
    return render(
        request,
        "membership/simple_form.html",
        {
            "form": form,
            "title": _("Departure of %(name)s") % {"name": beneficiary},
            "back": beneficiary.household,
        },
    )


@access(roles=REGISTER_WRITERS, model=Household, writes=True)
@require_http_methods(["GET", "POST"])
def household_resign(request, household):
    form = ResignForm(request.POST or None, initial={"resigned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_resign(
                by=request.user,
                household=household,
                on=form.cleaned_data["resigned_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Resignation recorded."))
            return redirect("household_detail", pk=household.pk)
    return render(
        request,
        "membership/simple_form.html",
        {
            "form": form,
            "title": _("Resignation: %(household)s") % {"household": household},
            "back": household,
        },
    )


@access(roles=REGISTER_READERS, model=Household)
def household_history(request, household):
    return render(
        request,
        "core/audit_trail.html",
        {
            "object": household,
            "entries": history(
                household,
                related=household.beneficiaries.all(),
                currency=household.mutual.currency,
            ),
            "back_url_name": "household_detail",
        },
    )


@access(roles=REGISTER_READERS, model=Household)
def household_cards(request, household):
    beneficiaries = household.beneficiaries.filter(left_on__isnull=True).select_related(
        "household", "mutual"
    )
    return pdf_response(
        cards_pdf(list(beneficiaries), language=get_language()),
        f"cartes-menage-{household.number}.pdf",
    )


@access(roles=REGISTER_READERS, model=Beneficiary)
def beneficiary_card(request, beneficiary):
    return pdf_response(
        cards_pdf([beneficiary], language=get_language()), f"carte-{beneficiary.member_number}.pdf"
    )


@access(roles=REGISTER_WRITERS, writes=True)
@require_http_methods(["GET", "POST"])
def register_import(request):
    form = ImportForm(request.POST or None, request.FILES or None, mutuals=mutuals_of(request.user))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if message := too_large(upload.size):
            form.add_error("file", message)
        else:
            report = imports.register_import(
                by=request.user,
                mutual=form.cleaned_data["mutual"],
                file_name=upload.name,
                content=upload.read(),
                only_valid=form.cleaned_data["only_valid"],
                language=get_language(),
            )
    return render(
        request,
        "membership/import.html",
        {
            "form": form,
            "report": report,
            "problems": [describe(p) for p in report.errors] if report else [],
            "warnings": [describe(p) for p in report.warnings] if report else [],
            "summary": imports.summary(report) if report else "",
        },
    )


@access(roles=REGISTER_READERS)
def register_template(request):
    return xlsx_response(
        imports.register_template_xlsx(get_language()), _("register-template") + ".xlsx"
    )


@access(roles=REGISTER_READERS)
def register_export(request):
    form = ExportForm(request.GET or None, mutuals=mutuals_of(request.user))
    if not form.is_valid():
        return render(request, "membership/export.html", {"form": form})
    mutual = form.cleaned_data["mutual"]
    households = Household.objects.filter(mutual=mutual)
    name = f"{_('register')}-{mutual.code}-{timezone.localdate().isoformat()}.xlsx"
    return xlsx_response(exports.register_xlsx(households, get_language()), name)
