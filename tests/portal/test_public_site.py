"""The public site (docs/public-site.md): a visitor lands at `/` on the network's home, in
French or English, and reaches from it the directory, the inventory, the open data, the
library, the calendar, the forums and the form to join; every public page weighs under
100 KB compressed, its style sheet and scripts included."""

import gzip
import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mutualis.federation.rules import Role
from mutualis.inventory.models import Entry
from mutualis.portal.forums.models import Topic
from mutualis.portal.models import Document

LIMIT = 100 * 1024


def test_a_visitor_at_the_root_lands_on_the_public_home(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("portal:home")
    page = client.get(response.url).content.decode()
    for name in (
        "inventory:directory",
        "inventory:synthesis",
        "inventory:open-data",
        "portal:library",
        "portal:events",
        "portal:news",
        "forums:index",
        "portal:join",
        "login",
    ):
        assert f'href="{reverse(name)}"' in page, name
    # no staff menu
    assert reverse("portal:proposals") not in page and "Sign out" not in page


def test_a_signed_in_user_keeps_their_work_home_at_the_root(client, cast):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    response = client.get("/")
    assert response.status_code == 200
    assert "federation/home.html" in [template.name for template in response.templates]
    # the public home is one click away, without the link to join
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:join") not in page and reverse("logout") in page


def test_without_a_public_home_the_root_asks_to_sign_in(client, db, settings):
    settings.MUTUALIS_PUBLIC_HOME = ""
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.fixture
def demo(db):
    call_command(
        "demo", mutuals=4, households_per_mutual=10, paper_mutuals=2, seed=1, stdout=StringIO()
    )


def public_pages(resolver: URLResolver, prefix: str = ""):
    """The public routes that take no argument, walked from the URL configuration."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "api":
                yield from public_pages(entry, prefix + str(entry.pattern))
        elif (
            isinstance(entry, URLPattern)
            and getattr(entry.callback, "access", None) is not None
            and entry.callback.access.public
            and not entry.pattern.converters
        ):
            yield "/" + prefix + str(entry.pattern)


def weight(client, path: str) -> int | None:
    """The page's HTML and the static files it links, each compressed with gzip; None for an
    answer that is not a page (a feed, a file, a redirection)."""
    response = client.get(path)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    html = response.content
    total = len(gzip.compress(html))
    for asset in set(re.findall(rb'(?:href|src)="/static/([^"?]+)', html)):
        found = finders.find(asset.decode())
        assert found, asset
        with open(found, "rb") as file:
            total += len(gzip.compress(file.read()))
    return total


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_public_page_weighs_under_100_kb_compressed(client, demo, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    paths = sorted(set(public_pages(get_resolver())))
    paths += [
        reverse(
            "portal:document",
            kwargs={"uid": Document.objects.filter(status="published").first().uid},
        ),
        reverse("inventory:mutual", kwargs={"uid": Entry.objects.first().uid}),
        reverse("forums:topic", kwargs={"pk": Topic.objects.first().pk}),
        reverse("portal:library") + "?q=mutuelle",
        reverse("inventory:directory") + "?country=SN",
    ]
    weighed = {path: weight(client, path) for path in paths}
    pages = {path: size for path, size in weighed.items() if size is not None}
    assert reverse("portal:home") in pages and reverse("portal:join") in pages
    assert {path: size for path, size in pages.items() if size >= LIMIT} == {}


def test_the_home_shows_the_latest_news_gatherings_documents_and_figures(client, demo, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("portal:home")).content.decode()
    assert "Concertation entre les acteurs de la mutualité en Afrique" in page
    for heading in ("Flash news", "Coming gatherings", "New in the library", "inventoried in"):
        assert heading in page, heading
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("portal:home")).content.decode()
    assert "Rejoindre le réseau" in page
