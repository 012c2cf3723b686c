"""The inventory's pages (docs/inventory.md). Public, without signing in: the synthesis tables
by country and year with their trends and charts, the directory of mutuals with a page per
mutual, and the open data with its dictionary and citation. Signed in: the mutuals a user keeps
and the form of a year's record (pre-filled from the monitoring for a mutual that runs
Mutualis), the focal point's validation, and the designation of focal points."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, public, scoped
from mutualis.core.forms import attach_errors
from mutualis.core.http import download_name, xlsx_response
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Role
from mutualis.inventory import charts, opendata, queries
from mutualis.inventory.choices import Level, MutualType, State, Status
from mutualis.inventory.forms import (
    DecisionForm,
    FocalPointForm,
    IdentityForm,
    RecordForm,
    SearchForm,
)
from mutualis.inventory.models import Entry, FocalPoint, Record
from mutualis.inventory.rules import FOCAL_POINT_DESIGNATORS, RECORD_KEEPERS, VALIDATORS
from mutualis.inventory.services import (
    entry_create,
    entry_update,
    focal_point_designate,
    focal_point_remove,
    record_reopen,
    record_return,
    record_save,
    record_validate,
)

PAGE_SIZE = 50


def posted(request):
    return request.POST if request.method == "POST" else None


def chosen_year(request, years: list[int]) -> int | None:
    text = request.GET.get("year", "")
    if text.isdigit() and int(text) in years:
        return int(text)
    return years[0] if years else None


def chosen_country(request, countries: list[tuple[str, str]]) -> str:
    text = request.GET.get("country", "")
    return text if text in dict(countries) else ""


# --- public -----------------------------------------------------------------------------------


@public
def synthesis(request):
    """A year's table by country (the latest year unless asked), one country's detail, and
    the trends across years."""
    tables = queries.synthesis_tables()
    years = sorted({year for _country, year in tables}, reverse=True)
    countries = queries.countries_inventoried()
    year = chosen_year(request, years)
    country = chosen_country(request, countries)
    rows = [
        (code, name, tables[(code, year)])
        for code, name in countries
        if year is not None and (code, year) in tables
    ]
    shown = tables.get((country, year)) if year is not None else None
    trend = [tables[(country, y)] for y in sorted(years) if (country, y) in tables]
    context = {
        "years": years,
        "year": year,
        "countries": countries,
        "country": country,
        "country_name": queries.country_name(country) if country else "",
        "rows": rows,
        "total": tables.get(("", year)) if year is not None else None,
        "shown": shown,
        "trend": trend,
        "statuses": Status.choices,
    }
    if shown is not None:
        context["status_bars"] = charts.bars(
            [(label, shown.by_status.get(code, 0)) for code, label in Status.choices]
        )
        context["type_bars"] = charts.bars(
            [(label, shown.by_type.get(code, 0)) for code, label in MutualType.choices]
        )
        context["level_bars"] = charts.bars(
            [(label, shown.by_level.get(code, 0)) for code, label in Level.choices]
            + [(_("not given"), shown.by_level.get("", 0))]
        )
        context["beneficiaries_line"] = charts.trend_line([t.beneficiaries for t in trend])
        context["coverage_line"] = charts.trend_line([t.coverage for t in trend])
    return render(request, "inventory/synthesis.html", context)


@public
def directory(request):
    countries = queries.countries_inventoried()
    form = SearchForm(request.GET or None, countries=countries)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.directory(filters.get("q", ""), filters.get("country", ""))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    last = {
        record.entry_id: record
        for record in queries.validated()
        .filter(entry__in=[entry.pk for entry in page])
        .order_by("entry_id", "year")
    }
    searched = bool(filters.get("q") or filters.get("country"))
    every = queries.published()
    return render(
        request,
        "inventory/directory.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (entry, queries.country_name(entry.country), last.get(entry.pk)) for entry in page
            ],
            "query": request.GET.copy(),
            "searched": searched,
            "networks": [] if searched else queries.named(every, "networks"),
            "supporters": [] if searched else queries.named(every, "supporters"),
        },
    )


@public
def mutual(request, uid):
    """A mutual's page: who it is, and its validated records year by year."""
    entry = get_object_or_404(Entry, uid=uid)
    records = list(queries.validated().filter(entry=entry).order_by("-year"))
    if not records:
        raise Http404
    return render(
        request,
        "inventory/mutual.html",
        {
            "entry": entry,
            "country_name": queries.country_name(entry.country),
            "records": records,
            "networks": [line.strip() for line in entry.networks.splitlines() if line.strip()],
            "supporters": [line.strip() for line in entry.supporters.splitlines() if line.strip()],
        },
    )


def open_records(request):
    """The validated records a download asks for (`?year=2025&country=SN`, both optional)."""
    records = queries.validated()
    year, country = request.GET.get("year", ""), request.GET.get("country", "").upper()
    if year:
        if not year.isdigit():
            raise Http404
        records = records.filter(year=int(year))
    if country:
        if len(country) != 2 or not country.isalpha():
            raise Http404
        records = records.filter(entry__country=country)
    return records, year, country


@public
def open_data(request):
    return render(
        request,
        "inventory/open_data.html",
        {
            "years": queries.years_inventoried(),
            "countries": queries.countries_inventoried(),
            "dictionary": opendata.dictionary(),
            "citation": opendata.citation(timezone.localdate()),
        },
    )


@public
def open_data_csv(request):
    records, year, country = open_records(request)
    response = HttpResponse(opendata.open_data_csv(records), content_type="text/csv; charset=utf-8")
    name = download_name(_("inventory"), *(p for p in (year, country) if p), extension="csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public
def open_data_xlsx(request):
    records, year, country = open_records(request)
    content = opendata.open_data_xlsx(records, timezone.localdate())
    return xlsx_response(
        content, download_name(_("inventory"), *(p for p in (year, country) if p), extension="xlsx")
    )


# --- the keepers' ------------------------------------------------------------------------------


@access(roles=RECORD_KEEPERS)
def records(request):
    """The mutuals the user keeps in the inventory, and those of their scope that run Mutualis
    and are not in it yet."""
    kept = (
        queries.kept_by(request.user)
        .prefetch_related(Prefetch("records", queryset=Record.objects.order_by("-year")))
        .order_by("country", "name")
    )
    linked = Entry.objects.exclude(organisation=None).values_list("organisation_id", flat=True)
    missing = (
        scoped(Organisation.objects.filter(kind=Organisation.Kind.MUTUAL), request.user)
        .exclude(pk__in=linked)
        .order_by("name")[:200]
    )
    return render(
        request,
        "inventory/records.html",
        {"kept": kept, "missing": missing, "this_year": timezone.localdate().year},
    )


def identity_of(organisation: Organisation) -> dict:
    location = organisation.location
    return {
        "name": organisation.name,
        "country": location.country_code if location else "",
        "place": location.name if location else "",
        "founded_on": organisation.founded_on,
        "registration": organisation.registration_number,
        "mutual_type": organisation.mutual_type or MutualType.COMMUNITY,
        "legal_status": "mutual" if organisation.registration_number else "",
    }


@access(roles=RECORD_KEEPERS, writes=True)
@require_http_methods(["GET", "POST"])
def entry_new(request):
    """A mutual added to the inventory: kept by the user's organisation, or by the mutual of
    their scope it is (`?organisation=`), whose figures then pre-fill its records."""
    organisation = None
    asked = request.POST.get("organisation") or request.GET.get("organisation")
    if asked:
        organisation = (
            scoped(Organisation.objects.filter(kind=Organisation.Kind.MUTUAL), request.user)
            .filter(pk=asked if str(asked).isdigit() else 0)
            .first()
        )
    form = IdentityForm(
        posted(request), initial=identity_of(organisation) if organisation else None
    )
    if request.method == "POST" and form.is_valid():
        steward = organisation or request.user.organisation
        try:
            entry = entry_create(
                by=request.user,
                steward=steward,
                identity=form.identity(),
                organisation=organisation,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The mutual is in the inventory: fill its record."))
            return redirect("inventory:entry", pk=entry.pk)
    return render(
        request, "inventory/entry_form.html", {"form": form, "organisation": organisation}
    )


@access(roles=RECORD_KEEPERS, model=Entry)
def entry(request, entry):
    this_year = timezone.localdate().year
    return render(
        request,
        "inventory/entry.html",
        {
            "entry": entry,
            "country_name": queries.country_name(entry.country),
            "records": entry.records.order_by("-year").select_related("decided_by"),
            "years": [this_year, this_year - 1],
        },
    )


@access(roles=RECORD_KEEPERS, model=Entry, writes=True)
@require_http_methods(["GET", "POST"])
def entry_edit(request, entry):
    initial = {
        name: getattr(entry, name)
        for name in (
            "name",
            "country",
            "place",
            "founded_on",
            "legal_status",
            "registration",
            "mutual_type",
            "networks",
            "supporters",
        )
    }
    form = IdentityForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry_update(by=request.user, entry=entry, identity=form.identity())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The mutual's identification is saved."))
            return redirect("inventory:entry", pk=entry.pk)
    return render(request, "inventory/entry_form.html", {"form": form, "entry": entry})


RECORD_FIELDS = list(RecordForm.base_fields)


def initial_record(entry: Entry, year: int) -> tuple[dict, frozenset[str], Record | None]:
    """What the form shows first: the year's record if there is one; else last year's package
    and tools, with this year's figures from the monitoring (marked pre-filled)."""
    existing = entry.records.filter(year=year).first()
    if existing is not None:
        values = {name: getattr(existing, name) for name in RECORD_FIELDS}
        return values, frozenset(existing.prefilled), existing
    before = entry.records.filter(year__lt=year).order_by("-year").first()
    values = {name: getattr(before, name) for name in RECORD_FIELDS} if before else {}
    if before is not None:
        for name in ("members", "beneficiaries", "women_members", "contributions_due"):
            values.pop(name)
        for name in ("contributions_collected", "benefits_paid", "subsidies", "reserves"):
            values.pop(name)
    if not values.get("currency") and entry.organisation is not None:
        values["currency"] = entry.organisation.currency
    known = queries.monitoring_figures(entry.organisation_id, year) if entry.organisation_id else {}
    values.update(known)
    return values, frozenset(known), None


@access(roles=RECORD_KEEPERS, model=Entry, writes=True)
@require_http_methods(["GET", "POST"])
def record_fill(request, entry):
    this_year = timezone.localdate().year
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and len(text) == 4 else this_year
    initial, prefilled, existing = initial_record(entry, year)
    form = RecordForm(posted(request), initial=initial, prefilled=prefilled)
    if request.method == "POST" and form.is_valid():
        try:
            record_save(by=request.user, entry=entry, year=year, facts=form.year())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The record is sent to the country's focal point."))
            return redirect("inventory:entry", pk=entry.pk)
    return render(
        request,
        "inventory/record_form.html",
        {"entry": entry, "year": year, "form": form, "record": existing},
    )


# --- the focal points' -------------------------------------------------------------------------


@access(roles=VALIDATORS, writes=True)
@require_http_methods(["GET", "POST"])
def validation(request):
    """The records waiting in the focal point's countries, each with its figures and the
    decision; the validated ones of the last years, to reopen."""
    form = DecisionForm(posted(request))
    countries = queries.focal_countries(request.user)
    if request.method == "POST":
        if form.is_valid():
            record = Record.objects.filter(
                uid=form.cleaned_data["record"], entry__country__in=countries
            ).first()
            action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
            try:
                if record is None:
                    raise ValidationError({"record": [_("This record is not one you validate.")]})
                if action == DecisionForm.VALIDATE:
                    record_validate(by=request.user, record=record)
                    messages.success(request, _("The record is validated."))
                elif action == DecisionForm.RETURN:
                    record_return(by=request.user, record=record, comment=comment)
                    messages.success(request, _("The record is returned with your comment."))
                else:
                    record_reopen(by=request.user, record=record, reason=comment)
                    messages.success(request, _("The record is reopened."))
            except ValidationError as error:
                for messages_ in error.message_dict.values():
                    form.add_error(None, messages_)
            else:
                return redirect("inventory:validation")
        else:
            form.add_error(None, _("Choose a record and what to do with it."))
    recent = timezone.localdate().year - 2
    return render(
        request,
        "inventory/validation.html",
        {
            "form": form,
            "countries": [queries.country_name(code) for code in countries],
            "waiting": queries.waiting_for(request.user),
            "validated": Record.objects.filter(
                state=State.VALIDATED, entry__country__in=countries, year__gte=recent
            )
            .select_related("entry")
            .order_by("entry__country", "entry__name", "-year"),
        },
    )


@access(roles=FOCAL_POINT_DESIGNATORS, writes=True)
@require_http_methods(["GET", "POST"])
def focal_points(request):
    officers = (
        scoped(User.objects.filter(is_active=True), request.user)
        .filter(role_grants__role=Role.UNION_OFFICER)
        .select_related("organisation")
        .order_by("last_name", "first_name")
        .distinct()
    )
    form = FocalPointForm(posted(request), users=officers)
    if request.method == "POST" and "remove" in request.POST:
        remove = request.POST["remove"]
        found = FocalPoint.objects.filter(
            uid=remove if is_uuid(remove) else None, user__in=officers
        ).first()
        if found is not None:
            focal_point_remove(by=request.user, focal_point=found)
            messages.success(request, _("The focal point is removed."))
            return redirect("inventory:focal-points")
    elif request.method == "POST" and form.is_valid():
        try:
            focal_point_designate(
                by=request.user,
                user=form.users[form.cleaned_data["user"]],
                country=form.cleaned_data["country"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The focal point is designated."))
            return redirect("inventory:focal-points")
    designated = [
        (point, queries.country_name(point.country))
        for point in FocalPoint.objects.filter(user__in=officers)
        .select_related("user__organisation")
        .order_by("country")
    ]
    return render(request, "inventory/focal_points.html", {"form": form, "designated": designated})


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
