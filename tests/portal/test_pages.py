"""The portal's pages: read by anyone without signing in, written by editors (and proposals by
any signed-in user); feeds that parse."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from mutualis.federation.rules import Role
from mutualis.portal.models import Document
from tests.portal.conftest import pdf

PUBLIC = [
    "portal:library",
    "portal:events",
    "portal:events-ical",
    "portal:news",
    "portal:news-feed",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_are_read_without_signing_in(client, db, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    "name", ["portal:document-new", "portal:proposals", "portal:gathering-new", "portal:news-new"]
)
def test_writing_pages_ask_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_published_document_and_its_file_are_public(client, publish):
    document = publish("Guide de la gouvernance", pdf("Guide", "Texte du guide"))
    page = client.get(reverse("portal:document", kwargs={"uid": document.uid}))
    assert "Guide de la gouvernance" in page.content.decode()
    file = client.get(reverse("portal:document-file", kwargs={"uid": document.uid}))
    assert file["Content-Type"] == "application/pdf" and file.content.startswith(b"%PDF-")


def test_the_library_page_searches(client, publish):
    publish("Le financement des mutuelles")
    publish("Les soins de santé primaires")
    page = client.get(reverse("portal:library"), {"q": "mutuelle"}).content.decode()
    assert "Le financement des mutuelles" in page and "primaires" not in page


def test_a_bad_filter_value_is_ignored_not_an_error(client, publish):
    publish("Le financement des mutuelles")
    response = client.get(reverse("portal:library"), {"kind": "<script>", "year": "x", "page": "y"})
    assert response.status_code == 200
    assert "Le financement des mutuelles" in response.content.decode()


def test_a_signed_in_user_proposes_and_an_editor_publishes(client, cast):
    client.force_login(cast[Role.CASHIER])
    response = client.post(
        reverse("portal:document-new"),
        {
            "kind": "guide",
            "title": "Guide du caissier",
            "language": "fr",
            "file": _file("guide.pdf", pdf("Guide", "Caisse et reçus").content),
        },
    )
    assert response.status_code == 302
    proposed = Document.objects.get(title="Guide du caissier")
    assert proposed.status == "proposed"
    assert client.get(reverse("portal:document", kwargs={"uid": proposed.uid})).status_code == 404
    client.force_login(cast[Role.PORTAL_EDITOR])
    review = reverse("portal:document-review", kwargs={"pk": proposed.pk})
    assert "Guide du caissier" in client.get(reverse("portal:proposals")).content.decode()
    assert client.post(review, {"action": "approve"}).status_code == 302
    assert client.get(reverse("portal:document", kwargs={"uid": proposed.uid})).status_code == 200


def test_a_file_that_is_not_what_its_name_says_is_refused_on_the_form(client, cast):
    client.force_login(cast[Role.PORTAL_EDITOR])
    response = client.post(
        reverse("portal:document-new"),
        {
            "kind": "guide",
            "title": "Faux PDF",
            "language": "fr",
            "file": _file("guide.pdf", b"MZ\x90\x00 an executable"),
        },
    )
    assert response.status_code == 200
    # the page speaks French, the default language
    assert "quoi que dise son nom" in response.content.decode()
    assert not Document.objects.exists()


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_news_feed_is_atom_with_the_items(client, cast):
    from mutualis.portal.services import NewsDetails, news_create

    editor = cast[Role.PORTAL_EDITOR]
    news_create(
        by=editor,
        owner=editor.organisation,
        details=NewsDetails("Forum <b>régional</b>", "Le forum se tient à Lomé & Kara.", "fr"),
    )
    feed = client.get(reverse("portal:news-feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries] == ["Forum <b>régional</b>"]
    # the summary is HTML: the text's "&" arrives escaped in it, never as markup
    assert "Lomé &amp; Kara" in entries[0].findtext(f"{atom}summary")
    assert entries[0].findtext(f"{atom}id").startswith("urn:uuid:")
