"""The directory's pages. Reading is public: anyone reads the public fields of the entries
still listed, a signed-in member every field (directory.queries). The portal editors whose
scope holds an entry's keeper add, change and retire it (core.access); a person linked to a
user account chooses which of their own fields are for members only."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, public
from mutualis.core.forms import attach_errors
from mutualis.portal.directory import queries, services
from mutualis.portal.directory.choices import Kind, Membership
from mutualis.portal.directory.forms import (
    CommitteeForm,
    CommitteeNameForm,
    InstitutionForm,
    PersonForm,
    RetireForm,
    SeatEndForm,
    SeatForm,
    VisibilityForm,
)
from mutualis.portal.directory.models import Committee, Institution, Person
from mutualis.portal.directory.rules import EDITORS, INSTITUTION_DEFAULT, PERSON_DEFAULT


def filters_of(request: HttpRequest) -> queries.Filters:
    """The search as asked; a filter whose value is not one of its choices is ignored."""
    get = request.GET
    kind = get.get("kind", "")
    membership = get.get("membership", "")
    country = get.get("country", "").upper()
    return queries.Filters(
        q=get.get("q", "")[:100],
        country=country if len(country) == 2 and country.isalpha() else "",
        kind=kind if kind in Kind.values else "",
        membership=membership if membership in Membership.values else "",
    )


def listing(request: HttpRequest, template: str, cards: list[dict[str, Any]], **extra: Any):
    filters = filters_of(request)
    page = Paginator(cards, queries.PER_PAGE).get_page(request.GET.get("page"))
    editor = request.user.is_authenticated and request.user.has_any_role(EDITORS)
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "countries": queries.countries_listed(),
            "kinds": Kind.choices,
            "memberships": Membership.choices,
            "editor": editor,
            "member": queries.is_member(request.user),
            **extra,
        },
    )


@public
@require_http_methods(["GET", "HEAD"])
def institution_list(request: HttpRequest) -> HttpResponse:
    cards = queries.institutions(filters_of(request), request.user)
    return listing(request, "directory/institutions.html", cards)


@public
@require_http_methods(["GET", "HEAD"])
def person_list(request: HttpRequest) -> HttpResponse:
    cards = queries.people(filters_of(request), request.user)
    return listing(request, "directory/people.html", cards)


@public
@require_http_methods(["GET", "HEAD"])
def institution_page(request: HttpRequest, uid: str) -> HttpResponse:
    row = get_object_or_404(Institution.objects.select_related("owner", "organisation"), uid=uid)
    keeper = queries.keeps(request.user, row)
    if row.is_retired and not keeper:
        raise Http404
    return render(
        request,
        "directory/institution.html",
        {
            "card": queries.institution_card(row, queries.is_member(request.user)),
            "row": row,
            "staff": queries.staff_of(row, request.user),
            "keeper": keeper,
        },
    )


@public
@require_http_methods(["GET", "HEAD"])
def person_page(request: HttpRequest, uid: str) -> HttpResponse:
    row = get_object_or_404(Person.objects.select_related("owner", "institution"), uid=uid)
    keeper = queries.keeps(request.user, row)
    if row.is_retired and not keeper:
        raise Http404
    own = request.user.is_authenticated and row.user_id == request.user.pk
    return render(
        request,
        "directory/person.html",
        {
            "card": queries.person_card(row, queries.is_member(request.user)),
            "row": row,
            "seats": queries.seats_of(row),
            "keeper": keeper,
            "own": own,
        },
    )


@public
@require_http_methods(["GET", "HEAD"])
def committee_list(request: HttpRequest) -> HttpResponse:
    editor = request.user.is_authenticated and request.user.has_any_role(EDITORS)
    return render(
        request,
        "directory/committees.html",
        {"committees": queries.committees(), "editor": editor},
    )


@public
@require_http_methods(["GET", "HEAD"])
def focal_point_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/focal_points.html",
        {
            "points": queries.focal_points(request.user),
            "member": queries.is_member(request.user),
        },
    )


# --- the editors' ------------------------------------------------------------------------------


def saved(request: HttpRequest, form: Any, save: Any) -> HttpResponse | None:
    """Runs a posted, parsed form through its service (`save`, which returns the page to go
    to); None to show the form again, with the service's errors on their fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        target = save(form.cleaned_data)
    except ValidationError as error:
        attach_errors(form, error)
        return None
    messages.success(request, _("Saved."))
    return redirect(target)


def form_page(request: HttpRequest, form: Any, heading: str, back: str = "") -> HttpResponse:
    return render(request, "directory/form.html", {"form": form, "heading": heading, "back": back})


def initial_of(row: Institution | Person, names: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


@access(roles=EDITORS, writes=True)
def institution_new(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(
        request.POST or None, initial={"members_only": INSTITUTION_DEFAULT}, editor=request.user
    )
    done = saved(
        request,
        form,
        lambda data: services.institution_create(
            by=request.user, owner=request.user.organisation, values=data
        ).get_absolute_url(),
    )
    return done or form_page(request, form, _("New organisation"))


@access(roles=EDITORS, model=Institution, writes=True)
def institution_edit(request: HttpRequest, institution: Institution) -> HttpResponse:
    form = InstitutionForm(
        request.POST or None,
        initial=initial_of(institution, InstitutionForm.base_fields),
        editor=request.user,
    )
    done = saved(
        request,
        form,
        lambda data: services.institution_update(
            by=request.user, institution=institution, values=data
        ).get_absolute_url(),
    )
    return done or form_page(request, form, str(institution), institution.get_absolute_url())


@access(roles=EDITORS, writes=True)
def person_new(request: HttpRequest) -> HttpResponse:
    form = PersonForm(
        request.POST or None, initial={"members_only": PERSON_DEFAULT}, editor=request.user
    )
    done = saved(
        request,
        form,
        lambda data: services.person_create(
            by=request.user, owner=request.user.organisation, values=data
        ).get_absolute_url(),
    )
    return done or form_page(request, form, _("New person"))


@access(roles=EDITORS, model=Person, writes=True)
def person_edit(request: HttpRequest, person: Person) -> HttpResponse:
    form = PersonForm(
        request.POST or None,
        initial=initial_of(person, PersonForm.base_fields),
        editor=request.user,
    )
    done = saved(
        request,
        form,
        lambda data: services.person_update(
            by=request.user, person=person, values=data
        ).get_absolute_url(),
    )
    return done or form_page(request, form, str(person), person.get_absolute_url())


def retire_page(request: HttpRequest, row: Institution | Person, retire: Any) -> HttpResponse:
    """Retiring asks to confirm; the entry is kept, no longer listed."""
    form = RetireForm(request.POST or None)

    def confirmed(data: dict[str, Any]) -> str:
        retire()
        return row.get_absolute_url()

    done = saved(request, form, confirmed)
    return done or render(request, "directory/retire.html", {"form": form, "row": row})


@access(roles=EDITORS, model=Institution, writes=True)
def institution_retire(request: HttpRequest, institution: Institution) -> HttpResponse:
    return retire_page(
        request,
        institution,
        lambda: services.institution_retire(by=request.user, institution=institution),
    )


@access(roles=EDITORS, model=Person, writes=True)
def person_retire(request: HttpRequest, person: Person) -> HttpResponse:
    return retire_page(
        request, person, lambda: services.person_retire(by=request.user, person=person)
    )


@access(writes=True)
def my_entry(request: HttpRequest) -> HttpResponse:
    """A signed-in user whose account an editor linked to their entry chooses which of their
    fields only members read."""
    person = Person.objects.filter(user=request.user, retired_at=None).first()
    if person is None:
        return render(request, "directory/my_entry.html", {"person": None})
    form = VisibilityForm(request.POST or None, initial={"members_only": person.members_only})
    done = saved(
        request,
        form,
        lambda data: services.person_visibility_set(
            by=request.user, person=person, members_only=data["members_only"]
        ).get_absolute_url(),
    )
    return done or render(request, "directory/my_entry.html", {"person": person, "form": form})


@access(roles=EDITORS, writes=True)
def committee_new(request: HttpRequest) -> HttpResponse:
    form = CommitteeForm(request.POST or None)
    done = saved(
        request,
        form,
        lambda data: services.committee_create(
            by=request.user, owner=request.user.organisation, **data
        ).get_absolute_url(),
    )
    return done or form_page(request, form, _("New national committee"))


@access(roles=EDITORS, model=Committee, writes=True)
def committee_edit(request: HttpRequest, committee: Committee) -> HttpResponse:
    """A committee's name, who sits in it and with which role: a seat is taken or ended."""
    name_form = CommitteeNameForm(
        request.POST if request.POST.get("action") == "rename" else None,
        initial={"name": committee.name},
    )
    seat_form = SeatForm(
        request.POST if request.POST.get("action") == "seat" else None,
        country=committee.country,
    )
    here = reverse("directory:committee-edit", kwargs={"pk": committee.pk})

    def rename(data: dict[str, Any]) -> str:
        services.committee_update(by=request.user, committee=committee, name=data["name"])
        return here

    def take(data: dict[str, Any]) -> str:
        services.seat_take(by=request.user, committee=committee, **data)
        return here

    def end(data: dict[str, Any]) -> str:
        services.seat_end(by=request.user, seat=data["seat"])
        return here

    done = None
    action = request.POST.get("action")
    if request.method == "POST" and action == "rename":
        done = saved(request, name_form, rename)
    elif request.method == "POST" and action == "seat":
        done = saved(request, seat_form, take)
    elif request.method == "POST" and action == "end":
        done = saved(request, SeatEndForm(request.POST, committee=committee), end)
        if done is None:
            messages.error(request, _("This seat is not one of this committee's sitting members."))
    sitting = (
        committee.seats.filter(ended_at=None).select_related("person").order_by("person__name")
    )
    return done or render(
        request,
        "directory/committee_form.html",
        {
            "committee": committee,
            "name_form": name_form,
            "seat_form": seat_form,
            "sitting": sitting,
        },
    )
