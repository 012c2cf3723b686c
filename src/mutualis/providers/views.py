from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, scoped
from mutualis.core.forms import attach_errors
from mutualis.core.http import xlsx_response
from mutualis.core.imports import describe
from mutualis.core.spreadsheets import too_large
from mutualis.federation.models import Organisation
from mutualis.federation.queries import currency_of
from mutualis.federation.rules import (
    AGREEMENT_EDITORS,
    ITEM_EDITORS,
    PROVIDER_EDITORS,
    UNIONS,
    is_within,
)
from mutualis.providers import imports, queries, services
from mutualis.providers.forms import (
    AgreementForm,
    AgreementSearchForm,
    ItemForm,
    ItemImportForm,
    ItemSearchForm,
    PriceListForm,
    ProviderForm,
    ProviderSearchForm,
    TariffFormSet,
    TermsForm,
    VersionForm,
)
from mutualis.providers.models import Agreement, Provider

PAGE_SIZE = 50
# Providers and the list of acts are the unions' reference data; an agreement is signed by a
# mutual's manager or a union's officer (domain-rules.md §5–8).
# Each row of the tariff form is two fields, and Django refuses a request of more than 1,000
# fields (DATA_UPLOAD_MAX_NUMBER_FIELDS): a longer list is changed by uploading a price list.
TARIFF_ROWS_MAX = 450


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def listing(request, form, found, name: str, **context):
    """The page `<name>_list.html`, or only its rows (`_<name>_rows.html`) when htmx asks for
    them as the search form changes."""
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    template = f"providers/_{name}_rows.html" if is_htmx(request) else f"providers/{name}_list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "query": request.GET.copy(), **context},
    )


def may_change(user, roles, owner: Organisation) -> bool:
    """Reference data is changed by the people of its owner and of the unions above; those
    below it only read it."""
    return user.has_any_role(roles) and is_within(owner.path, user.scope_prefix or "-")


def organisations_for(user, kinds):
    return scoped(Organisation.objects.filter(kind__in=kinds), user).order_by("path")


# --- providers -------------------------------------------------------------------------------


@access()
def provider_list(request):
    form = ProviderSearchForm(request.GET or None, communes=queries.provider_communes(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.provider_search(
        request.user,
        text=filters.get("q", ""),
        kind=filters.get("kind", ""),
        level=filters.get("level", ""),
        location=filters.get("commune"),
    )
    return listing(
        request,
        form,
        found,
        "provider",
        can_create=request.user.has_any_role(PROVIDER_EDITORS),
    )


@access(model=Provider)
def provider_detail(request, provider):
    agreements = queries.agreements_visible(request.user).filter(provider=provider)
    return render(
        request,
        "providers/provider_detail.html",
        {
            "provider": provider,
            "agreements": agreements.order_by("-starts_on", "reference"),
            "clerks": provider.staff.order_by("last_name", "first_name", "username"),
            "can_edit": may_change(request.user, PROVIDER_EDITORS, provider.owner),
            "can_sign": request.user.has_any_role(AGREEMENT_EDITORS) and provider.active,
        },
    )


@access(roles=PROVIDER_EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def provider_create(request):
    user = request.user
    form = ProviderForm(
        request.POST or None,
        owners=organisations_for(user, services.PARTY_KINDS),
        clerks=queries.clerks_for(user),
        creating=True,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            provider = services.provider_create(by=user, **data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Provider %(name)s registered.") % {"name": provider.name})
            return redirect("provider_detail", pk=provider.pk)
    return render(request, "providers/provider_form.html", {"form": form, "creating": True})


@access(roles=PROVIDER_EDITORS, model=Provider, writes=True)
@require_http_methods(["GET", "POST"])
def provider_edit(request, provider):
    if not may_change(request.user, PROVIDER_EDITORS, provider.owner):
        raise Http404  # registered above the user's organisation: read, not changed
    form = ProviderForm(
        request.POST or None,
        instance=provider,
        owners=None,
        clerks=queries.clerks_for(request.user, provider),
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(by=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("provider_detail", pk=provider.pk)
    return render(
        request,
        "providers/provider_form.html",
        {"form": form, "provider": provider, "creating": False},
    )


# --- acts and medicines ----------------------------------------------------------------------


@access()
def item_list(request):
    form = ItemSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.item_search(
        request.user,
        text=filters.get("q", ""),
        kind=filters.get("kind", ""),
        service_category=filters.get("service_category", ""),
    )
    return listing(
        request,
        form,
        found,
        "item",
        can_create=request.user.has_any_role(ITEM_EDITORS),
    )


@access(roles=ITEM_EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def item_create(request):
    form = ItemForm(request.POST or None, owners=organisations_for(request.user, UNIONS))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(item)s added.") % {"item": item})
            return redirect("item_list")
    return render(request, "providers/item_form.html", {"form": form})


@access(roles=ITEM_EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def item_import(request):
    form = ItemImportForm(
        request.POST or None,
        request.FILES or None,
        owners=organisations_for(request.user, UNIONS),
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if message := too_large(upload.size):
            form.add_error("file", message)
        else:
            report = services.items_import(
                by=request.user,
                owner=form.cleaned_data["owner"],
                file_name=upload.name,
                content=upload.read(),
                language=get_language(),
            )
    return render(request, "providers/item_import.html", report_context(form, report))


def report_context(form, report) -> dict:
    return {
        "form": form,
        "report": report,
        "problems": [describe(p) for p in report.errors] if report else [],
        "warnings": [describe(p) for p in report.warnings] if report else [],
        "summary": services.import_summary(report) if report else "",
    }


@access()
def item_template(request):
    return xlsx_response(
        imports.items_template_xlsx(get_language()), _("acts-and-medicines") + ".xlsx"
    )


# --- agreements ------------------------------------------------------------------------------


@access()
def agreement_list(request):
    form = AgreementSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.agreement_search(
        request.user, text=filters.get("q", ""), kind=filters.get("kind", "")
    )
    return listing(
        request,
        form,
        found,
        "agreement",
        today=timezone.localdate(),
        can_create=request.user.has_any_role(AGREEMENT_EDITORS),
    )


@access(model=Agreement)
def agreement_detail(request, agreement):
    versions = queries.versions_with_tariffs(agreement)
    chosen = request.GET.get("version", "")
    shown = next((v for v in versions if str(v.pk) == chosen), None) or queries.version_shown(
        versions, timezone.localdate()
    )
    tariffs = list(shown.tariffs.all()) if shown else []
    services_covered = sorted({t.item.get_service_category_display() for t in tariffs})
    return render(
        request,
        "providers/agreement_detail.html",
        {
            "agreement": agreement,
            "versions": versions,
            "shown": shown,
            "tariffs": tariffs,
            "currency": currency_of(agreement.party),
            "services_covered": services_covered,
            "can_edit": may_change(request.user, AGREEMENT_EDITORS, agreement.party),
        },
    )


@access(roles=AGREEMENT_EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    user = request.user
    providers = queries.providers_visible(user).filter(active=True).order_by("name")
    data = request.POST or None
    initial = {}
    provider_id = request.GET.get("provider", "")
    if provider_id.isdigit():
        initial["provider"] = providers.filter(pk=provider_id).first()
    form = AgreementForm(
        data,
        initial=initial,
        providers=providers,
        parties=organisations_for(user, services.PARTY_KINDS),
    )
    terms = TermsForm(data, prefix="terms")
    if request.method == "POST" and form.is_valid() and terms.is_valid():
        try:
            agreement = services.agreement_create(
                by=user, **form.cleaned_data, **terms.cleaned_data
            )
        except ValidationError as error:
            # each error on the form that has its field: the agreement's or its terms'
            for name, found in error.message_dict.items():
                target = terms if name in terms.fields else form
                attach_errors(target, ValidationError({name: found}))
        else:
            messages.success(request, _("Agreement recorded: now give it its tariffs."))
            return redirect("agreement_tariffs", pk=agreement.pk)
    return render(request, "providers/agreement_form.html", {"form": form, "terms": terms})


def changed_by(request, agreement: Agreement) -> None:
    if not may_change(request.user, AGREEMENT_EDITORS, agreement.party):
        raise Http404  # a union's agreement is read, not changed, by its mutuals


@access(roles=AGREEMENT_EDITORS, model=Agreement, writes=True)
@require_http_methods(["GET", "POST"])
def agreement_version_create(request, agreement):
    changed_by(request, agreement)
    latest = queries.latest_version(agreement)
    initial = {name: getattr(latest, name) for name in services.VERSION_TERMS} if latest else {}
    initial["valid_from"] = timezone.localdate()
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_version_add(
                by=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("New version saved with the tariffs of the previous one: change them.")
            )
            return redirect("agreement_tariffs", pk=agreement.pk)
    return render(
        request,
        "providers/version_form.html",
        {"form": form, "agreement": agreement, "latest": latest},
    )


@access(roles=AGREEMENT_EDITORS, model=Agreement, writes=True)
@require_http_methods(["GET", "POST"])
def agreement_tariffs(request, agreement):
    changed_by(request, agreement)
    version = queries.latest_version(agreement)
    initial = [
        {"code": code, "price": price}
        for code, price in version.tariffs.order_by("item__code").values_list("item__code", "price")
    ]
    editable = len(initial) + TariffFormSet.extra <= TARIFF_ROWS_MAX
    formset = TariffFormSet(request.POST or None, initial=initial, prefix="tariff")
    errors = []
    if request.method == "POST" and editable and formset.is_valid():
        prices = {}
        for row in formset.cleaned_data:
            code = row.get("code", "").strip()
            if code and row.get("price") is not None:
                if code in prices:
                    errors.append(_("The code %(code)s is given twice.") % {"code": code})
                prices[code] = row["price"]
            elif row.get("price") is not None:
                errors.append(_("A price needs the code of its act."))
        if not errors:
            try:
                services.tariffs_update(by=request.user, version=version, prices=prices)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("Tariffs saved."))
                return redirect("agreement_detail", pk=agreement.pk)
    available = queries.items_available_to(agreement.party).order_by("code")
    labels = dict(available.values_list("code", "label"))
    return render(
        request,
        "providers/tariff_form.html",
        {
            "agreement": agreement,
            "version": version,
            "formset": formset,
            "rows": [(form, labels.get(form["code"].value() or "", "")) for form in formset],
            "editable": editable,
            "errors": errors,
            "codes": labels,
        },
    )


@access(roles=AGREEMENT_EDITORS, model=Agreement, writes=True)
@require_http_methods(["GET", "POST"])
def agreement_tariffs_import(request, agreement):
    changed_by(request, agreement)
    version = queries.latest_version(agreement)
    form = PriceListForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if message := too_large(upload.size):
            form.add_error("file", message)
        else:
            report = services.tariffs_import(
                by=request.user,
                version=version,
                file_name=upload.name,
                content=upload.read(),
                language=get_language(),
            )
    context = report_context(form, report)
    context.update(agreement=agreement, version=version)
    return render(request, "providers/tariff_import.html", context)


@access(model=Agreement)
def agreement_price_list(request, agreement):
    """The latest version's price list with every act the agreement may price: a template to
    fill in and import."""
    version = queries.latest_version(agreement)
    prices = dict(version.tariffs.values_list("item_id", "price"))
    rows = [
        (item.code, item.label, prices.get(item.pk))
        for item in queries.items_available_to(agreement.party).order_by("code")
    ]
    name = f"{_('price-list')}-{slugify(agreement.reference)}.xlsx"
    return xlsx_response(imports.price_list_xlsx(rows, get_language()), name)
