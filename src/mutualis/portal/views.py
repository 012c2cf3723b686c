"""The portal's pages (docs/portal.md): the library, the calendar and the flash news, read by
anyone without signing in; proposing a document for any signed-in user; publishing, correcting
and reviewing for the portal's editors."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, public, scoped
from mutualis.core.client_address import client_address
from mutualis.core.forms import attach_errors
from mutualis.core.home import public_sections
from mutualis.federation.forms import PasswordResetForm
from mutualis.federation.iso import country_choices
from mutualis.federation.models import Organisation
from mutualis.portal import calendar, notifications, queries, services
from mutualis.portal.choices import ApplicationState, DocumentStatus, Language
from mutualis.portal.feeds import NewsAtom
from mutualis.portal.forms import (
    AcceptForm,
    DocumentForm,
    GatheringForm,
    JoinForm,
    NewsForm,
    RejectForm,
    SearchForm,
)
from mutualis.portal.models import Application, Document, DocumentFile, Gathering, NewsItem
from mutualis.portal.rules import EDITORS, timing_refusal
from mutualis.portal.search import Filters

PAST_SHOWN = 30


def is_editor(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.has_any_role(EDITORS)


@public
def home(request: HttpRequest) -> HttpResponse:
    """The public site's home (docs/public-site.md): what the network is, and the sections the
    apps declare (core.home's PUBLIC_SECTIONS): news, gatherings, documents, figures…"""
    today = timezone.localdate()
    drawn = []
    for section in public_sections():
        context = section.read(request, today)
        if context is not None:
            drawn.append(render_to_string(section.template, {**context, "today": today}, request))
    network = queries.network()
    return render(
        request,
        "portal/home.html",
        {"sections": drawn, "network_name": network.name if network else ""},
    )


@public
def library(request: HttpRequest) -> HttpResponse:
    published = Document.objects.filter(status=DocumentStatus.PUBLISHED)
    form = SearchForm(
        request.GET,
        years=sorted(
            {y for y in published.values_list("year", flat=True).distinct() if y}, reverse=True
        ),
        countries=[c for c in published.values_list("country", flat=True).distinct() if c],
    )
    given = form.values()
    query = given.pop("q", "")
    try:
        number = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        number = 1
    page = queries.library(query, Filters(**given), number)
    return render(
        request,
        "portal/library.html",
        {
            "form": form,
            "query": query,
            "result": page,
            "asked": {k: v for k, v in request.GET.items() if k != "page" and v},
            "editor": is_editor(request),
        },
    )


@public
def document(request: HttpRequest, uid) -> HttpResponse:
    found = get_object_or_404(queries.published().select_related("owner"), uid=uid)
    return render(
        request, "portal/document.html", {"document": found, "editor": is_editor(request)}
    )


@public
def document_file(request: HttpRequest, uid) -> HttpResponse:
    stored = get_object_or_404(
        DocumentFile.objects.filter(document__status=DocumentStatus.PUBLISHED), document__uid=uid
    )
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    # a PDF opens in the browser's reader; an Office file is saved
    inline = stored.content_type == "application/pdf"
    response["Content-Disposition"] = content_disposition_header(not inline, stored.file_name)
    return response


def saved_or_errors(form, change) -> object | None:
    """The service's result, or None with its errors shown on the form."""
    try:
        return change()
    except ValidationError as error:
        attach_errors(form, error)
        return None


@access(writes=True)
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest) -> HttpResponse:
    """Editors publish at once; everyone else proposes, and the proposal waits for them."""
    editor = is_editor(request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        service = services.document_publish if editor else services.document_propose
        saved = saved_or_errors(
            form,
            lambda: service(
                by=request.user,
                owner=request.user.organisation,
                details=form.details(),
                upload=form.upload(),
            ),
        )
        if saved is not None:
            if editor:
                messages.success(request, _("The document is published."))
                return redirect("portal:document", uid=saved.uid)
            messages.success(
                request, _("Thank you: your proposal waits for an editor of the portal.")
            )
            return redirect("portal:library")
    return render(request, "portal/document_form.html", {"form": form, "editor": editor})


def initial_of(document: Document) -> dict:
    return {
        "kind": document.kind,
        "title": document.title,
        "authors": document.authors,
        "year": document.year,
        "language": document.language,
        "country": document.country,
        "themes": document.theme_list,
        "summary": document.summary,
        "link": document.link,
    }


@access(roles=EDITORS, model=Document, writes=True)
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, document: Document) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial_of(document))
    if request.method == "POST" and form.is_valid():
        saved = saved_or_errors(
            form,
            lambda: services.document_update(
                by=request.user, document=document, details=form.details(), upload=form.upload()
            ),
        )
        if saved is not None:
            messages.success(request, _("The document is saved."))
            if saved.status == DocumentStatus.PUBLISHED:
                return redirect("portal:document", uid=saved.uid)
            return redirect("portal:document-review", pk=saved.pk)
    return render(
        request, "portal/document_form.html", {"form": form, "document": document, "editor": True}
    )


@access(roles=EDITORS)
def proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/proposals.html", {"proposals": queries.proposals(request.user)})


@access(roles=EDITORS, model=Document, writes=True)
@require_http_methods(["GET", "POST"])
def document_review(request: HttpRequest, document: Document) -> HttpResponse:
    """A proposal as the public would read it, to publish or to turn down; a published
    document, to withdraw."""
    action = request.POST.get("action")
    form = RejectForm(request.POST if action in ("reject", "withdraw") else None)
    error = ""
    if request.method == "POST":
        if action == "approve":
            try:
                services.document_approve(by=request.user, document=document)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(request, _("The document is published."))
                return redirect("portal:proposals")
        elif action in ("reject", "withdraw"):
            service = services.document_reject if action == "reject" else services.document_withdraw
            if form.is_valid() and saved_or_errors(
                form,
                lambda: service(
                    by=request.user, document=document, reason=form.cleaned_data["reason"]
                ),
            ):
                if action == "reject":
                    messages.success(request, _("The proposal is turned down."))
                    return redirect("portal:proposals")
                messages.success(request, _("The document is withdrawn from the library."))
                return redirect("portal:library")
        else:
            error = _("Publish the document or turn it down.")
    return render(
        request,
        "portal/document_review.html",
        {"document": document, "form": form, "error": error},
    )


def gathering_rows(gatherings) -> list[dict]:
    return [
        {
            "gathering": g,
            "languages": [Language(c).label for c in g.language_list if c in Language.values],
        }
        for g in gatherings
    ]


@public
def events(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "portal/events.html",
        {
            "upcoming": gathering_rows(queries.upcoming(today)),
            "past": gathering_rows(queries.past(today)[:PAST_SHOWN]),
            "editor": is_editor(request),
        },
    )


def described(gathering: Gathering) -> tuple[Gathering, str, str]:
    """A gathering with the description and place its feed entry gives."""
    country = dict(country_choices()).get(gathering.country, "")
    place = ", ".join(part for part in (gathering.place, country) if part)
    languages = ", ".join(Language(c).label for c in gathering.language_list)
    facts = [
        _("Organised by %(name)s") % {"name": gathering.organiser} if gathering.organiser else "",
        _("Languages: %(names)s") % {"names": languages} if languages else "",
        _("Registration: %(link)s") % {"link": gathering.registration}
        if gathering.registration
        else "",
        gathering.description,
    ]
    return gathering, "\n".join(f for f in facts if f), place


@public
def events_ical(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    shown = list(queries.upcoming(today)) + list(queries.past(today)[:PAST_SHOWN])
    content = calendar.icalendar(_("Calendar of the network"), (described(g) for g in shown))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "calendar.ics")
    return response


@access(roles=EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def gathering_new(request: HttpRequest) -> HttpResponse:
    form = GatheringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = saved_or_errors(
            form,
            lambda: services.gathering_create(
                by=request.user, owner=request.user.organisation, details=form.details()
            ),
        )
        if saved is not None:
            messages.success(request, _("The gathering is in the calendar."))
            return redirect("portal:events")
    return render(
        request,
        "portal/form.html",
        {"form": form, "heading": _("New gathering"), "back": "portal:events"},
    )


@access(roles=EDITORS, model=Gathering, writes=True)
@require_http_methods(["GET", "POST"])
def gathering_edit(request: HttpRequest, gathering: Gathering) -> HttpResponse:
    initial = {
        name: getattr(gathering, name) for name in GatheringForm.base_fields if name != "languages"
    }
    initial["languages"] = gathering.language_list
    form = GatheringForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = saved_or_errors(
            form,
            lambda: services.gathering_update(
                by=request.user, gathering=gathering, details=form.details()
            ),
        )
        if saved is not None:
            messages.success(request, _("The gathering is saved."))
            return redirect("portal:events")
    return render(
        request,
        "portal/form.html",
        {"form": form, "heading": gathering.title, "back": "portal:events"},
    )


@public
def news(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/news.html",
        {"items": queries.latest_news()[:50], "editor": is_editor(request)},
    )


news_feed = public(NewsAtom())


@access(roles=EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def news_new(request: HttpRequest) -> HttpResponse:
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = saved_or_errors(
            form,
            lambda: services.news_create(
                by=request.user, owner=request.user.organisation, details=form.details()
            ),
        )
        if saved is not None:
            messages.success(request, _("The news is published."))
            return redirect("portal:news")
    return render(
        request,
        "portal/form.html",
        {"form": form, "heading": _("New flash news"), "back": "portal:news"},
    )


@access(roles=EDITORS, model=NewsItem, writes=True)
@require_http_methods(["GET", "POST"])
def news_edit(request: HttpRequest, news: NewsItem) -> HttpResponse:
    initial = {"title": news.title, "language": news.language, "body": news.body, "link": news.link}
    form = NewsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = saved_or_errors(
            form, lambda: services.news_update(by=request.user, news=news, details=form.details())
        )
        if saved is not None:
            messages.success(request, _("The news is saved."))
            return redirect("portal:news")
    return render(
        request, "portal/form.html", {"form": form, "heading": news.title, "back": "portal:news"}
    )


# --- joining the network (docs/public-site.md) ------------------------------------------------
SHOWN_SALT = "mutualis.portal.join.shown"
# a form older than this is sent again with a fresh time: a day to fill it in is plenty
SHOWN_FOR_AT_MOST = 24 * 3600


def shown_now() -> str:
    return signing.dumps(time.time(), salt=SHOWN_SALT)


def waited_since(signed: str) -> float | None:
    """The seconds since the form was shown, from its signed time; None when forged."""
    try:
        return time.time() - float(signing.loads(signed, salt=SHOWN_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


@public
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """A visitor asks to join the network. A robot that fills the field people do not see is
    answered as if it had succeeded, and nothing is written; a form posted faster than a
    person types, or with a forged time, is shown again."""
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["website"]:
                return redirect("portal:join-sent")
            refusal = timing_refusal(
                waited=waited_since(form.cleaned_data["shown"]),
                least=settings.MUTUALIS_SIGNUP_MIN_SECONDS,
                most=SHOWN_FOR_AT_MOST,
            )
            if refusal:
                form.add_error(None, refusal)
            elif saved_or_errors(
                form,
                lambda: services.application_submit(
                    applicant=form.applicant(translation.get_language() or "fr"),
                    client=client_address(request),
                ),
            ):
                return redirect("portal:join-sent")
        form.data = form.data.copy()
        form.data["shown"] = shown_now()
    else:
        form = JoinForm(initial={"shown": shown_now()})
    return render(
        request, "portal/join.html", {"form": form, "open": queries.network() is not None}
    )


@public
def join_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/join_sent.html")


@public
@require_http_methods(["GET", "POST"])
def join_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to the applicant: a button confirms (a mail reader that opens links
    to look at them confirms nothing)."""
    uid = notifications.confirm_subject(token)
    application = Application.objects.filter(uid=uid).first() if uid else None
    if application is None:
        return render(request, "portal/join_confirm.html", {"broken": True}, status=404)
    if request.method == "POST":
        application = services.application_confirm(application=application)
    return render(request, "portal/join_confirm.html", {"application": application})


join_password = public(
    PasswordResetConfirmView.as_view(
        # saved as every password is, audited as the new member's own change
        form_class=PasswordResetForm,
        template_name="portal/join_password.html",
        success_url=reverse_lazy("login"),
        post_reset_login=False,
    )
)


@access(roles=EDITORS)
def applications(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or ApplicationState.WAITING
    if state not in ApplicationState.values:
        state = ApplicationState.WAITING
    found = queries.applications(request.user, state)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/applications.html",
        {"page": page, "state": state, "states": ApplicationState.choices},
    )


@access(roles=EDITORS, model=Application, writes=True)
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, application: Application) -> HttpResponse:
    """An application, to accept (an account in an organisation of the editor's scope, the
    network's own by default) or to refuse with a reason mailed to the applicant."""
    action = request.POST.get("action")
    organisations = scoped(Organisation.objects.order_by("path"), request.user)
    accept = AcceptForm(
        request.POST if action == "accept" else None,
        organisations=organisations,
        initial={"organisation": application.owner_id},
    )
    refuse = RejectForm(request.POST if action == "refuse" else None)
    error = ""
    if request.method == "POST":
        if action == "accept" and accept.is_valid():
            if saved_or_errors(
                accept,
                lambda: services.application_accept(
                    by=request.user,
                    application=application,
                    organisation=accept.cleaned_data["organisation"],
                ),
            ):
                messages.success(request, _("The application is accepted: the account is made."))
                return redirect("portal:applications")
        elif action == "refuse" and refuse.is_valid():
            if saved_or_errors(
                refuse,
                lambda: services.application_reject(
                    by=request.user, application=application, reason=refuse.cleaned_data["reason"]
                ),
            ):
                messages.success(request, _("The application is refused."))
                return redirect("portal:applications")
        elif action not in ("accept", "refuse"):
            error = _("Accept the application or refuse it.")
    return render(
        request,
        "portal/application_review.html",
        {"application": application, "accept": accept, "refuse": refuse, "error": error},
    )
