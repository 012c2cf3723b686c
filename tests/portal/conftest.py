import pytest
from django.utils import translation

from mutualis.federation.rules import Role
from mutualis.portal.files import Upload
from mutualis.portal.paper import paper_pdf
from mutualis.portal.services import DocumentDetails, document_publish


def pdf(title: str, *paragraphs: str) -> Upload:
    return Upload(f"{title}.pdf", paper_pdf(title, "Mutualis", paragraphs))


def details(title: str, **given) -> DocumentDetails:
    values = {"kind": "study", "language": "fr"}
    values.update(given)
    return DocumentDetails(title=title, **values)


@pytest.fixture(autouse=True)
def in_english():
    """The messages the tests read are the English ones (French is the pages' default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def editor(cast):
    return cast[Role.PORTAL_EDITOR]


@pytest.fixture
def publish(editor):
    """Publishes a document as the cast's editor: with a link unless a file is given."""

    def published(title: str, upload: Upload | None = None, **given):
        if upload is None:
            given.setdefault("link", "https://example.org/doc")
        return document_publish(
            by=editor, owner=editor.organisation, details=details(title, **given), upload=upload
        )

    return published
