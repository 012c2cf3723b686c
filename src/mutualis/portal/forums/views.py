"""The forums' pages. Reading is public, for anyone, signed in or not; a visitor who posts is
sent to sign in first, and the services check again who posts. Moderation is for the portal
editors whose scope holds the theme (core.access)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mutualis.core.access import access, public
from mutualis.core.forms import attach_errors
from mutualis.federation.models import User
from mutualis.portal.forums import notifications, queries, services
from mutualis.portal.forums.forms import (
    PostModerationForm,
    ReplyForm,
    ThemeForm,
    TopicCloseForm,
    TopicForm,
)
from mutualis.portal.forums.models import Post, Subscription, Theme, Topic
from mutualis.portal.forums.rules import MODERATORS


@public
@require_http_methods(["GET", "HEAD"])
def forum_index(request: HttpRequest) -> HttpResponse:
    editor = request.user.is_authenticated and request.user.has_any_role(MODERATORS)
    return render(
        request, "forums/index.html", {"themes": queries.themes_listed(), "editor": editor}
    )


@public
@require_http_methods(["GET", "HEAD", "POST"])
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.select_related("owner"), pk=pk)
    form = TopicForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                topic = services.topic_post(
                    by=request.user,
                    theme=theme,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    language=translation.get_language(),
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("forums:topic", pk=topic.pk)
    page = Paginator(queries.topics_of(theme, request.user), queries.TOPICS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "forums/theme.html",
        {
            "theme": theme,
            "page": page,
            "form": form,
            "moderator": queries.moderates(request.user, theme),
        },
    )


@public
@require_http_methods(["GET", "HEAD", "POST"])
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.select_related("theme__owner", "author"), pk=pk)
    if not queries.topic_visible(topic, request.user):
        raise Http404
    moderator = queries.moderates(request.user, topic.theme)
    form = ReplyForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action")
        if action == "subscribe":
            services.topic_subscribe(
                by=request.user, topic=topic, language=translation.get_language()
            )
            return redirect("forums:topic", pk=topic.pk)
        if action == "unsubscribe":
            services.topic_unsubscribe(by=request.user, topic=topic)
            return redirect("forums:topic", pk=topic.pk)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                post = services.reply_post(
                    by=request.user,
                    topic=topic,
                    body=form.cleaned_data["body"],
                    language=translation.get_language(),
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("forums:post", pk=post.pk)
    posts = queries.posts_of(topic, request.user, moderator)
    page = Paginator(posts, queries.POSTS_PER_PAGE).get_page(request.GET.get("page"))
    following = (
        request.user.is_authenticated
        and Subscription.objects.filter(topic=topic, user=request.user).exists()
    )
    return render(
        request,
        "forums/topic.html",
        {
            "topic": topic,
            "page": page,
            "form": form,
            "moderator": moderator,
            "following": following,
            "refusal": queries.reply_refusal_of(topic),
        },
    )


@public
@require_http_methods(["GET", "HEAD"])
def post_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's lasting address (in e-mails): its topic's page that shows it."""
    post = get_object_or_404(Post.objects.select_related("topic__theme__owner"), pk=pk)
    moderator = queries.moderates(request.user, post.topic.theme)
    if not queries.topic_visible(post.topic, request.user) or not queries.sees(
        post, request.user, moderator
    ):
        raise Http404
    page = queries.page_of(post, request.user, moderator)
    url = reverse("forums:topic", kwargs={"pk": post.topic_id})
    return redirect(f"{url}?page={page}#post-{post.number}")


@access(roles=MODERATORS, model=Post, writes=True)
def post_moderate(request: HttpRequest, post: Post) -> HttpResponse:
    form = PostModerationForm()
    if request.method == "POST":
        form = PostModerationForm(request.POST)
        try:
            if post.is_hidden:
                if request.POST.get("action") == "unhide":
                    services.post_unhide(by=request.user, post=post)
                    return redirect("forums:post", pk=post.pk)
            elif form.is_valid():
                services.post_hide(by=request.user, post=post, reason=form.cleaned_data["reason"])
                return redirect("forums:topic", pk=post.topic_id)
        except ValidationError as error:
            attach_errors(form, error)
    return render(request, "forums/post_moderate.html", {"post": post, "form": form})


@access(roles=MODERATORS, model=Topic, writes=True)
def topic_moderate(request: HttpRequest, topic: Topic) -> HttpResponse:
    form = TopicCloseForm()
    if request.method == "POST":
        form = TopicCloseForm(request.POST)
        try:
            if topic.is_closed:
                if request.POST.get("action") == "reopen":
                    services.topic_reopen(by=request.user, topic=topic)
                    return redirect("forums:topic", pk=topic.pk)
            elif form.is_valid():
                services.topic_close(
                    by=request.user, topic=topic, reason=form.cleaned_data["reason"]
                )
                return redirect("forums:topic", pk=topic.pk)
        except ValidationError as error:
            attach_errors(form, error)
    return render(request, "forums/topic_moderate.html", {"topic": topic, "form": form})


@access(roles=MODERATORS, writes=True)
def theme_create(request: HttpRequest) -> HttpResponse:
    form = ThemeForm()
    if request.method == "POST":
        form = ThemeForm(request.POST)
        if form.is_valid():
            try:
                theme = services.theme_create(
                    by=request.user, owner=request.user.organisation, **form.cleaned_data
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("forums:theme", pk=theme.pk)
    return render(request, "forums/theme_form.html", {"form": form, "theme": None})


@access(roles=MODERATORS, model=Theme, writes=True)
def theme_edit(request: HttpRequest, theme: Theme) -> HttpResponse:
    form = ThemeForm(
        initial={"title": theme.title, "description": theme.description, "position": theme.position}
    )
    if request.method == "POST":
        form = ThemeForm(request.POST)
        if form.is_valid():
            try:
                services.theme_update(by=request.user, theme=theme, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("forums:theme", pk=theme.pk)
    return render(request, "forums/theme_form.html", {"form": form, "theme": theme})


@public
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click unsubscribe of a reply's e-mail (RFC 8058). A GET only asks to confirm
    (mail scanners follow links); a POST stops the mails. The signed token is the authority:
    no session, no CSRF token (a mail reader's own button posts without either)."""
    subject = notifications.unsubscribe_subject(token)
    found = None
    if subject is not None:
        user_uid, topic_uid = subject
        user = User.objects.filter(uid=user_uid).first()
        topic = Topic.objects.filter(uid=topic_uid).first()
        if user is not None and topic is not None:
            found = (user, topic)
    if found is None:
        return render(request, "forums/unsubscribe.html", {"invalid": True}, status=400)
    user, topic = found
    done = False
    if request.method == "POST":
        services.topic_unsubscribe(by=user, topic=topic)
        done = True
    return render(request, "forums/unsubscribe.html", {"topic": topic, "done": done})
