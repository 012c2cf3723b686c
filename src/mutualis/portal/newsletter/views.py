"""The pages of the lists and the Courrier. Subscribing, confirming, unsubscribing and reading
the archive are public; making the Courrier is for the portal editors whose scope holds the
issue (core.access), and the services check again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, public
from mutualis.core.client_address import client_address
from mutualis.core.forms import attach_errors
from mutualis.portal.newsletter import mails, queries, services
from mutualis.portal.newsletter.forms import ArticleForm, IssueForm, OwnSubscribeForm, SubscribeForm
from mutualis.portal.newsletter.models import Article, Issue, Subscription
from mutualis.portal.newsletter.pdf import issue_pdf
from mutualis.portal.newsletter.rules import EDITORS


def reader_language(request: HttpRequest) -> str:
    """The language an issue is shown in: the one asked (`?lang=`, the links of the mails),
    else the reader's."""
    asked = request.GET.get("lang", "")
    return asked if asked in ("fr", "en") else translation.get_language()


def changed(form, change) -> object | None:
    """The service's result, or None with its errors shown on the form."""
    try:
        return change()
    except ValidationError as error:
        attach_errors(form, error)
        return None


@public
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    # a signed-in user with an address on their account subscribes it in one click
    signed_in = request.user.is_authenticated and bool(request.user.email)
    form = SubscribeForm(initial={"language": language})
    own = OwnSubscribeForm(initial={"language": language}) if signed_in else None
    if request.method == "POST" and request.POST.get("action") == "own" and signed_in:
        own = OwnSubscribeForm(request.POST)
        if own.is_valid():
            done = changed(
                own,
                lambda: services.subscription_own(
                    by=request.user,
                    lists=own.cleaned_data["lists"],
                    language=own.cleaned_data["language"] or language,
                ),
            )
            if done is not None:
                messages.success(
                    request,
                    _("Done: %(email)s will receive what you chose.")
                    % {"email": request.user.email},
                )
                return redirect("newsletter:subscribe")
    elif request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            try:
                services.subscription_request(
                    email=form.cleaned_data["email"],
                    lists=form.cleaned_data["lists"],
                    language=form.cleaned_data["language"] or language,
                    client=client_address(request),
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                # the same answer whoever is subscribed already: the page tells nobody
                return render(
                    request, "newsletter/subscribe_sent.html", {"email": form.cleaned_data["email"]}
                )
    return render(request, "newsletter/subscribe.html", {"form": form, "own": own})


@public
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a confirmation mail. A GET only asks to confirm (mail scanners follow
    links, and must not subscribe anyone); the POST of its button starts the mails. The signed
    token is the authority: no session, no CSRF token."""
    request_of = mails.confirmed_request(token)
    if request_of is None:
        return render(request, "newsletter/confirm.html", {"invalid": True}, status=400)
    rows = None
    if request.method == "POST":
        rows = services.subscription_confirm(token=token)
    return render(request, "newsletter/confirm.html", {"asked": request_of, "rows": rows})


@public
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click unsubscribe of a list's mail (RFC 8058). A GET only asks to confirm; a
    POST — the page's button, or the mail reader's own — stops the mails, without a session
    or a CSRF token: the signed token is the authority."""
    uid = mails.unsubscribe_subject(token)
    subscription = Subscription.objects.filter(uid=uid).first() if uid else None
    if subscription is None:
        return render(request, "newsletter/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.subscription_stop(subscription=subscription)
        done = True
    return render(
        request, "newsletter/unsubscribe.html", {"subscription": subscription, "done": done}
    )


@public
@require_http_methods(["GET", "HEAD"])
def archive(request: HttpRequest) -> HttpResponse:
    editor = request.user.is_authenticated and request.user.has_any_role(EDITORS)
    return render(
        request, "newsletter/archive.html", {"issues": queries.archive(), "editor": editor}
    )


@public
@require_http_methods(["GET", "HEAD"])
def issue_page(request: HttpRequest, uid) -> HttpResponse:
    issue = queries.public_issue(uid)
    if issue is None:
        raise Http404
    language = reader_language(request)
    return render(
        request,
        "newsletter/issue.html",
        {
            "issue": issue,
            "editions": [queries.edition(issue, list(issue.articles.all()), language)],
        },
    )


@public
@require_http_methods(["GET", "HEAD"])
def issue_pdf_view(request: HttpRequest, uid, language: str) -> HttpResponse:
    issue = queries.public_issue(uid)
    if issue is None or language not in ("fr", "en"):
        raise Http404
    response = HttpResponse(
        issue_pdf(issue, list(issue.articles.all()), language), content_type="application/pdf"
    )
    name = f"courrier-{issue.number}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@access(roles=EDITORS)
@require_http_methods(["GET", "HEAD"])
def issues(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/issues.html", {"issues": queries.editable(request.user)})


@access(roles=EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def issue_new(request: HttpRequest) -> HttpResponse:
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issue = changed(
            form,
            lambda: services.issue_create(
                by=request.user, owner=request.user.organisation, details=form.details()
            ),
        )
        if issue is not None:
            return redirect("newsletter:issue-manage", pk=issue.pk)
    return render(request, "newsletter/form.html", {"form": form, "heading": _("New issue")})


@access(roles=EDITORS, model=Issue, writes=True)
@require_http_methods(["GET", "POST"])
def issue_edit(request: HttpRequest, issue: Issue) -> HttpResponse:
    if not issue.is_draft:
        return redirect("newsletter:issue-manage", pk=issue.pk)
    initial = {"title_fr": issue.title_fr, "title_en": issue.title_en, "dated": issue.dated}
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = changed(
            form,
            lambda: services.issue_update(by=request.user, issue=issue, details=form.details()),
        )
        if done is not None:
            return redirect("newsletter:issue-manage", pk=issue.pk)
    return render(
        request, "newsletter/form.html", {"form": form, "heading": issue.title_fr, "issue": issue}
    )


@access(roles=EDITORS, model=Issue, writes=True)
@require_http_methods(["GET", "POST"])
def issue_manage(request: HttpRequest, issue: Issue) -> HttpResponse:
    """The editor's page of an issue: its preview in both languages as readers will see it,
    and the next step (publish a draft, send a published issue), with how far sending went."""
    error = None
    articles = list(issue.articles.all())
    action = request.POST.get("action")
    if request.method == "POST" and action in ("publish", "send"):
        try:
            if action == "publish":
                services.issue_publish(by=request.user, issue=issue)
                messages.success(request, _("The issue is published."))
            else:
                count = services.issue_send(by=request.user, issue=issue)
                messages.success(
                    request,
                    _("%(count)s e-mails are queued; they leave in the background.")
                    % {"count": count},
                )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            return redirect("newsletter:issue-manage", pk=issue.pk)
    return render(
        request,
        "newsletter/issue_manage.html",
        {
            "issue": issue,
            "articles": articles,
            "editions": [queries.edition(issue, articles, language) for language in ("fr", "en")],
            "sending": queries.sending(issue),
            "error": error,
        },
    )


@access(roles=EDITORS, model=Issue, writes=True)
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest, issue: Issue) -> HttpResponse:
    if not issue.is_draft:
        return redirect("newsletter:issue-manage", pk=issue.pk)
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = changed(
            form, lambda: services.article_add(by=request.user, issue=issue, details=form.details())
        )
        if done is not None:
            return redirect("newsletter:issue-manage", pk=issue.pk)
    return render(
        request,
        "newsletter/form.html",
        {"form": form, "heading": _("New article"), "issue": issue},
    )


@access(roles=EDITORS, model=Article, writes=True)
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article: Article) -> HttpResponse:
    issue = article.issue
    if not issue.is_draft:
        return redirect("newsletter:issue-manage", pk=issue.pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.article_remove(by=request.user, article=article)
        return redirect("newsletter:issue-manage", pk=issue.pk)
    initial = {
        field: getattr(article, field)
        for field in ("title_fr", "body_fr", "title_en", "body_en", "link", "position")
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = changed(
            form,
            lambda: services.article_update(
                by=request.user, article=article, details=form.details()
            ),
        )
        if done is not None:
            return redirect("newsletter:issue-manage", pk=issue.pk)
    return render(
        request,
        "newsletter/form.html",
        {"form": form, "heading": article.title_fr, "issue": issue, "article": article},
    )
