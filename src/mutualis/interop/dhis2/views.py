"""The DHIS2 pages of a union's officers (docs/dhis2.md): the mapping (server, data elements,
org units) and the pushes. Each page is the user's own union's; parse, call the services,
render."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, scoped
from mutualis.core.forms import attach_errors
from mutualis.federation.models import Organisation
from mutualis.federation.rules import DHIS2_OFFICERS, UNIONS
from mutualis.interop.dhis2 import documents, services
from mutualis.interop.dhis2.forms import ElementsForm, OrgUnitsForm, PushForm, ServerForm
from mutualis.interop.dhis2.models import ElementMap, OrgUnitMap, Push, Server
from mutualis.monitoring.catalogue import BY_CODE
from mutualis.monitoring.figures import BASE

PUSHES_SHOWN = 20


def union_of(request) -> Organisation | None:
    """The union the page is about: the user's own, when it is one."""
    organisation = request.user.organisation
    return organisation if organisation is not None and organisation.kind in UNIONS else None


def subtree(union: Organisation):
    """The mutuals and unions of the union's subtree, the union first."""
    return (
        Organisation.objects.filter(path__startswith=union.path, kind__in=[*UNIONS, "mutual"])
        .only("pk", "name", "path", "kind")
        .order_by("path")
    )


def code_rows(form: ElementsForm) -> list[dict]:
    rows = []
    for code in documents.mappable_codes():
        known = BY_CODE.get(code)
        rows.append(
            {
                "code": code,
                "name": known.name if known else BASE[code].name,
                "kind": _("indicator") if known else _("base figure"),
                "element": form[f"element-{code}"],
                "combo": form[f"combo-{code}"],
            }
        )
    return rows


@access(roles=DHIS2_OFFICERS, writes=True)
@require_http_methods(["GET", "POST"])
def mapping(request):
    union = union_of(request)
    if union is None:
        return render(request, "dhis2/not_a_union.html", {})
    server = Server.objects.filter(union=union).first()
    organisations = list(subtree(union))
    elements = {row.code: row for row in ElementMap.objects.filter(union=union)}
    org_units = dict(
        OrgUnitMap.objects.filter(union=union).values_list("organisation_id", "org_unit")
    )
    which = request.POST.get("form") if request.method == "POST" else None
    server_form = ServerForm(
        request.POST if which == "server" else None,
        initial={
            "base_url": server.base_url,
            "username": server.username,
            "data_set": server.data_set,
            "id_scheme": server.id_scheme,
        }
        if server
        else {"id_scheme": "UID"},
        prefix="server",
    )
    elements_form = ElementsForm(
        request.POST if which == "elements" else None,
        codes=documents.mappable_codes(),
        initial={
            **{f"element-{code}": row.data_element for code, row in elements.items()},
            **{f"combo-{code}": row.category_option_combo for code, row in elements.items()},
        },
    )
    org_units_form = OrgUnitsForm(
        request.POST if which == "org_units" else None,
        organisations=organisations,
        initial={f"org_unit-{pk}": org_unit for pk, org_unit in org_units.items()},
    )
    if which in ("server", "elements", "org_units"):
        form = {"server": server_form, "elements": elements_form, "org_units": org_units_form}[
            which
        ]
        if form.is_valid():
            try:
                if which == "server":
                    services.server_set(by=request.user, union=union, **form.cleaned_data)
                    messages.success(request, _("The DHIS2 server is saved."))
                elif which == "elements":
                    count = services.elements_set(
                        by=request.user, union=union, elements=form.elements()
                    )
                    messages.success(request, _("Mappings changed: %(count)s.") % {"count": count})
                else:
                    count = services.org_units_set(
                        by=request.user, union=union, org_units=form.org_units()
                    )
                    messages.success(request, _("Mappings changed: %(count)s.") % {"count": count})
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect(reverse("dhis2_mapping") + f"#{which}")
    return render(
        request,
        "dhis2/mapping.html",
        {
            "union": union,
            "server": server,
            "server_form": server_form,
            "elements_form": elements_form,
            "code_rows": code_rows(elements_form),
            "org_units_form": org_units_form,
            "org_unit_rows": [(o, org_units_form[f"org_unit-{o.pk}"]) for o in organisations],
        },
    )


def download(union: Organisation, form: PushForm) -> HttpResponse:
    """The document a push would send, in one file, for a hand import into DHIS2."""
    server = Server.objects.filter(union=union).first()
    organisations = [int(pk) for pk in form.cleaned_data["organisations"]]
    org_units = dict(
        OrgUnitMap.objects.filter(union=union, organisation_id__in=organisations).values_list(
            "organisation_id", "org_unit"
        )
    )
    elements = {
        row.code: documents.Element(row.data_element, row.category_option_combo)
        for row in ElementMap.objects.filter(union=union).order_by("code")
    }
    figures = documents.month_figures(sorted(org_units), form.months())
    values = documents.data_values(figures, org_units, elements)
    data_set = server.data_set if server else ""
    first = form.cleaned_data["first"].code
    if form.cleaned_data["format"] == Push.Format.ADX:
        body, kind, suffix = documents.adx(values, data_set, timezone.now()), "adx+xml", "xml"
    else:
        body, kind, suffix = documents.data_value_set_json(values, data_set), "json", "json"
    response = HttpResponse(body, content_type=f"application/{kind}")
    response["Content-Disposition"] = f'attachment; filename="dhis2-{first}.{suffix}"'
    return response


@access(roles=DHIS2_OFFICERS, writes=True)
@require_http_methods(["GET", "POST"])
def push(request):
    union = union_of(request)
    if union is None:
        return render(request, "dhis2/not_a_union.html", {})
    mapped_ids = set(
        OrgUnitMap.objects.filter(union=union).values_list("organisation_id", flat=True)
    )
    mapped = [o for o in subtree(union) if o.pk in mapped_ids]
    action = request.POST.get("action") if request.method == "POST" else None
    form = PushForm(
        request.POST if action in ("push", "download") else None,
        organisations=mapped,
        initial={"organisations": [str(o.pk) for o in mapped], "format": "json"},
    )
    if action == "resume":
        text = request.POST.get("push", "")
        one = (
            scoped(Push.objects.filter(union=union, uid=text), request.user).first()
            if is_uid(text)
            else None
        )
        if one is None:
            messages.error(request, _("There is no such push."))
        else:
            try:
                services.push_resume(by=request.user, push=one)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                queued(request)
                return redirect("dhis2_push")
    elif action in ("push", "download") and form.is_valid():
        if action == "download":
            return download(union, form)
        try:
            services.push_start(
                by=request.user,
                union=union,
                months=form.months(),
                organisations=[int(pk) for pk in form.cleaned_data["organisations"]],
                dry_run=form.cleaned_data["dry_run"],
                format=form.cleaned_data["format"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            queued(request)
            return redirect("dhis2_push")
    pushes = list(Push.objects.filter(union=union).order_by("-started_at", "-pk")[:PUSHES_SHOWN])
    return render(
        request,
        "dhis2/push.html",
        {
            "union": union,
            "server": Server.objects.filter(union=union).first(),
            "form": form,
            "pushes": pushes,
            "under_way": any(
                push.status in (Push.Status.WAITING, Push.Status.RUNNING) for push in pushes
            ),
            "mapped_count": len(mapped),
        },
    )


def is_uid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def queued(request) -> None:
    messages.success(
        request,
        _(
            "The push is queued: it is sent in the background in a moment, and the list "
            "below follows it."
        ),
    )
