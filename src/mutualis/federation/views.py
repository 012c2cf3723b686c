from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView, redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, public
from mutualis.core.client_address import client_address
from mutualis.core.forms import attach_errors
from mutualis.core.history import history
from mutualis.core.home import panels_for
from mutualis.core.journal import PAGE as JOURNAL_PAGE
from mutualis.core.journal import journal, kind_choices
from mutualis.federation import notifications, queries, services
from mutualis.federation.forms import (
    ApiKeyRevokeForm,
    JournalFilterForm,
    OrganisationForm,
    OrganisationMoveForm,
    OrganisationSearchForm,
    PasswordForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    UserForm,
)
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import (
    JOURNAL_READERS,
    ORGANISATION_CREATORS,
    ORGANISATION_EDITORS,
    USER_ADMINISTRATORS,
    Kind,
    Role,
)

PAGE_SIZE = 50


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@public
def home(request):
    """The work waiting for this user and the figures of their day, from the panels their
    roles call for (core.home). A visitor who has not signed in is sent to the public site's
    home, named by the setting MUTUALIS_PUBLIC_HOME (the apps above federation own it), or to
    the sign-in page when there is none."""
    if not request.user.is_authenticated:
        if settings.MUTUALIS_PUBLIC_HOME:
            return redirect(settings.MUTUALIS_PUBLIC_HOME)
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    drawn = []
    for panel in panels_for(request.user):
        context = panel.read(request, today)
        if context is not None:
            drawn.append(render_to_string(panel.template, {**context, "today": today}, request))
    return render(
        request,
        "federation/home.html",
        {
            "organisation": request.user.organisation,
            "panels": drawn,
            "today": today,
        },
    )


@access()
def organisation_list(request):
    form = OrganisationSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.organisation_search(
        request.user,
        text=filters.get("q", ""),
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "federation/_organisation_rows.html"
        if is_htmx(request)
        else ("federation/organisation_list.html")
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": request.GET.copy(),
            "can_create": request.user.has_any_role(ORGANISATION_CREATORS),
        },
    )


@access()
def organisation_tree(request):
    top = request.user.organisation
    return render(
        request,
        "federation/organisation_tree.html",
        {
            "top": top,
            "children": queries.children_with_counts(request.user, top),
        },
    )


@access(model=Organisation)
def organisation_children(request, organisation):
    return render(
        request,
        "federation/_organisation_branch.html",
        {
            "children": queries.children_with_counts(request.user, organisation),
        },
    )


@access(model=Organisation)
def organisation_detail(request, organisation):
    user = request.user
    children = queries.children_with_counts(user, organisation)
    return render(
        request,
        "federation/organisation_detail.html",
        {
            "organisation": organisation,
            "ancestors": queries.visible_ancestors(user, organisation),
            "children": Paginator(children, PAGE_SIZE).get_page(request.GET.get("page")),
            "affiliations": queries.affiliation_history(organisation),
            "users": (
                queries.user_search(user, organisation=organisation)
                if user.has_any_role(USER_ADMINISTRATORS)
                else None
            ),
            "can_create": (
                user.has_any_role(ORGANISATION_CREATORS)
                and organisation.kind
                in {Kind.NATIONAL_UNION, Kind.REGIONAL_UNION, Kind.DEPARTMENTAL_UNION}
            ),
            "can_edit": user.has_any_role(ORGANISATION_EDITORS),
            "can_read_journal": user.has_any_role(JOURNAL_READERS),
            "can_move": (
                user.has_any_role(ORGANISATION_CREATORS) and organisation.path != user.scope_prefix
            ),
        },
    )


@access(roles=ORGANISATION_CREATORS, writes=True)
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    parents = queries.possible_parents(request.user)
    initial = {}
    parent_id = request.GET.get("parent", "")
    parent = parents.filter(pk=parent_id).first() if parent_id.isdigit() else None
    if parent is not None:
        initial["parent"] = parent
        initial["kind"] = {
            Kind.NATIONAL_UNION: Kind.REGIONAL_UNION,
            Kind.REGIONAL_UNION: Kind.DEPARTMENTAL_UNION,
        }.get(parent.kind, Kind.MUTUAL)
    form = OrganisationForm(request.POST or None, initial=initial, parents=parents, creating=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            organisation = services.organisation_create(
                by=request.user, kind=data.pop("kind"), parent=data.pop("parent"), **data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("Organisation %(name)s created.") % {"name": organisation.name}
            )
            return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "federation/organisation_form.html", {"form": form, "creating": True})


@access(roles=ORGANISATION_EDITORS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def organisation_edit(request, organisation):
    form = OrganisationForm(
        request.POST or None, instance=organisation, parents=None, creating=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                by=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisation_detail", pk=organisation.pk)
    return render(
        request,
        "federation/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "creating": False,
        },
    )


@access(roles=ORGANISATION_CREATORS, model=Organisation, writes=True)
@require_http_methods(["GET", "POST"])
def organisation_move(request, organisation):
    parents = queries.possible_parents(request.user).exclude(pk=organisation.parent_id)
    form = OrganisationMoveForm(
        request.POST or None, parents=parents, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_move(
                by=request.user,
                organisation=organisation,
                new_parent=form.cleaned_data["new_parent"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Organisation moved."))
            return redirect("organisation_detail", pk=organisation.pk)
    return render(
        request,
        "federation/organisation_move.html",
        {
            "form": form,
            "organisation": organisation,
        },
    )


@access(roles=JOURNAL_READERS, model=Organisation)
def organisation_journal(request, organisation):
    """The organisation's events, newest first, a page at a time (`before`: the number below
    which the page starts), of one kind or about one row."""
    form = JournalFilterForm(request.GET or None, kinds=kind_choices())
    wanted = form.cleaned_data if form.is_bound and form.is_valid() else {}
    before = request.GET.get("before", "")
    entries = journal(
        organisation.pk,
        currency=organisation.currency,
        before=int(before) if before.isdigit() else None,
        kind=wanted.get("kind") or "",
        subject=wanted.get("subject"),
        limit=JOURNAL_PAGE + 1,
    )
    older = entries[JOURNAL_PAGE - 1].sequence if len(entries) > JOURNAL_PAGE else None
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "federation/organisation_journal.html",
        {
            "organisation": organisation,
            "form": form,
            "entries": entries[:JOURNAL_PAGE],
            "older": older,
            "query": query.urlencode(),
        },
    )


@access(model=Organisation)
def organisation_history(request, organisation):
    return render(
        request,
        "core/audit_trail.html",
        {
            "object": organisation,
            "entries": history(organisation, currency=organisation.currency),
            "back_url_name": "organisation_detail",
        },
    )


@access(roles=USER_ADMINISTRATORS)
def user_list(request):
    text = request.GET.get("q", "").strip()[:100]
    page = Paginator(queries.user_search(request.user, text=text), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "federation/user_list.html", {"page": page, "q": text})


@access(roles=USER_ADMINISTRATORS, writes=True)
@require_http_methods(["GET", "POST"])
def user_create(request):
    organisations = queries.organisations_visible(request.user).order_by("path")
    initial = {"is_active": True}
    if request.GET.get("organisation", "").isdigit():
        initial["organisation"] = organisations.filter(pk=request.GET["organisation"]).first()
    form = UserForm(
        request.POST or None, initial=initial, organisations=organisations, creating=True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            user = services.user_create(by=request.user, **data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user})
            return redirect("user_detail", pk=user.pk)
    return render(request, "federation/user_form.html", {"form": form, "creating": True})


@access(roles=USER_ADMINISTRATORS, model=User)
def user_detail(request, user):
    return render(request, "federation/user_detail.html", {"person": user})


@access(roles=USER_ADMINISTRATORS, model=User, writes=True)
@require_http_methods(["GET", "POST"])
def user_edit(request, user):
    organisations = queries.organisations_visible(request.user).order_by("path")
    form = UserForm(
        request.POST or None, instance=user, organisations=organisations, creating=False
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.user_update(by=request.user, user=user, **data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("user_detail", pk=user.pk)
    return render(
        request,
        "federation/user_form.html",
        {
            "form": form,
            "person": user,
            "creating": False,
        },
    )


@access(roles=USER_ADMINISTRATORS, model=User, writes=True)
@require_http_methods(["GET", "POST"])
def user_password(request, user):
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                by=request.user, user=user, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Password changed."))
            return redirect("user_detail", pk=user.pk)
    return render(request, "federation/user_password.html", {"form": form, "person": user})


@access(roles=USER_ADMINISTRATORS, model=User)
def user_history(request, user):
    return render(
        request,
        "core/audit_trail.html",
        {
            "object": user,
            "entries": history(user, choices={"roles": dict(Role.choices)}),
            "back_url_name": "user_detail",
        },
    )


def api_keys_page(request, person: User):
    """A user's API keys, each with its state and a revoke button that asks to confirm first
    (`?revoke=<key>` shows the question, its POST revokes)."""
    keys = person.api_tokens.order_by("-created_at", "-id")
    form = ApiKeyRevokeForm(request.POST or None, keys=keys.filter(revoked_at__isnull=True))
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["key"]
        try:
            services.api_key_revoke(by=request.user, key=key)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The key %(name)s is revoked.") % {"name": key.name})
            return redirect(request.path)
    keys = list(keys)
    asked = request.GET.get("revoke", "")
    return render(
        request,
        "federation/api_keys.html",
        {
            "person": person,
            "own": person.pk == request.user.pk,
            "keys": keys,
            "form": form,
            "confirming": next(
                (key for key in keys if str(key.uid) == asked and key.revoked_at is None), None
            ),
        },
    )


@access(writes=True)
@require_http_methods(["GET", "POST"])
def own_api_keys(request):
    return api_keys_page(request, request.user)


@access(roles=USER_ADMINISTRATORS, model=User, writes=True)
@require_http_methods(["GET", "POST"])
def user_api_keys(request, user):
    return api_keys_page(request, user)


# --- "Forgot your password?" (docs/security.md) -----------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Asks for a link to choose a new password. Any well-formed address within the limits
    gets the same answer, the page that says a link was sent if an account uses it."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"], client=client_address(request)
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("password_reset_sent")
    return render(request, "registration/password_reset_form.html", {"form": form})


@public
def password_reset_sent(request):
    return render(
        request,
        "registration/password_reset_sent.html",
        {"valid_for": notifications.valid_for()},
    )


class PasswordResetConfirm(PasswordResetConfirmView):
    """The mailed link. Choosing the password does not sign in: the user signs in with it, so
    the sign-in throttle (django-axes) still stands between a locked name and the site."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password is saved: sign in with it."))
        return response


password_reset_confirm = public(PasswordResetConfirm.as_view())
