"""The library's services: who may write, what is refused, and that a refusal writes nothing
(not the document, its file, its index row nor an event)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.portal import files
from mutualis.portal.models import Document, DocumentFile
from mutualis.portal.search import Filters, search
from mutualis.portal.services import document_propose, document_publish, document_update
from tests.portal.conftest import details, pdf


def counts():
    table = "portal_document_search" if connection.vendor == "postgresql" else "portal_document_fts"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        indexed = cursor.fetchone()[0]
    return (
        Document.objects.count(),
        DocumentFile.objects.count(),
        indexed,
        Event.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(call) -> dict[str, list[str]]:
    before = counts()
    with pytest.raises(ValidationError) as error:
        call()
    assert counts() == before
    return error.value.message_dict


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{kind}/document.xml", "<document/>")
    return buffer.getvalue()


def test_an_editor_publishes_with_a_pdf_whose_text_is_kept(editor):
    document = document_publish(
        by=editor,
        owner=editor.organisation,
        details=details("Monographie"),
        upload=pdf("Monographie", "Les mutuelles de Kolda"),
    )
    assert document.status == "published"
    assert "Kolda" in document.file.text
    assert document.file.content_type == "application/pdf"
    assert Event.objects.filter(kind="document.published", subject=document.uid).exists()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (office("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (office("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (files.OLE2 + b"\x00" * 512, "application/vnd.ms-office"),
    ],
)
def test_office_documents_are_recognised_by_their_content(editor, content, content_type):
    document = document_publish(
        by=editor,
        owner=editor.organisation,
        details=details("Outil"),
        upload=files.Upload("outil.bin", content),
    )
    assert document.file.content_type == content_type


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 an executable named .pdf", "whatever its name says"),
        (b"%PDF-1.7 and then nothing a PDF holds", "damaged"),
        (b"PK\x03\x04 not a zip at all", "whatever its name says"),
        (b"", "empty"),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(editor, content, message):
    errors = refused(
        lambda: document_publish(
            by=editor,
            owner=editor.organisation,
            details=details("Faux"),
            upload=files.Upload("rapport.pdf", content),
        )
    )
    assert message in " ".join(errors["file"])


def test_a_file_too_large_is_refused_naming_the_limit(editor, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    errors = refused(
        lambda: document_publish(
            by=editor,
            owner=editor.organisation,
            details=details("Lourd"),
            upload=pdf("Lourd", "x " * 2000),
        )
    )
    assert errors["file"] == ["The file weighs more than 0 MB, the most the library takes."]


def test_every_wrong_field_is_named_at_once_and_nothing_is_written(editor):
    errors = refused(
        lambda: document_publish(
            by=editor,
            owner=editor.organisation,
            details=details(
                " ",
                year=1492,
                language="xx",
                country="ZZ",
                themes=("astrology",),
                link="not a link",
            ),
            upload=None,
        )
    )
    assert set(errors) >= {"title", "year", "language", "country", "themes", "link"}


def test_a_file_and_a_link_together_are_refused(editor):
    errors = refused(
        lambda: document_publish(
            by=editor,
            owner=editor.organisation,
            details=details("Deux", link="https://example.org"),
            upload=pdf("Deux", "texte"),
        )
    )
    assert errors == {"link": ["Give a file or a link, not both."]}


def test_a_document_needs_a_file_or_a_link(editor):
    errors = refused(
        lambda: document_publish(
            by=editor, owner=editor.organisation, details=details("Rien"), upload=None
        )
    )
    assert errors == {"file": ["Give the document's file or a link to it."]}


def test_only_editors_publish_and_correct(cast, publish):
    cashier = cast[Role.CASHIER]
    errors = refused(
        lambda: document_publish(
            by=cashier,
            owner=cashier.organisation,
            details=details("Guide", link="https://example.org"),
            upload=None,
        )
    )
    assert errors == {"organisation": ["Your role does not allow you to change this."]}
    document = publish("Guide")
    errors = refused(
        lambda: document_update(
            by=cashier, document=document, details=details("Autre", link="https://example.org")
        )
    )
    assert "document" in errors


def test_a_proposal_is_made_in_the_proposers_own_scope_only(cast, federation):
    errors = refused(
        lambda: document_propose(
            by=cast[Role.CASHIER],
            owner=federation.m2,
            details=details("Guide", link="https://example.org"),
            upload=None,
        )
    )
    assert errors == {"organisation": ["This organisation is outside your scope."]}


def test_a_new_file_replaces_the_old_and_the_index_follows(editor, publish):
    document = publish("Rapport", pdf("Rapport", "Le mot tabaski"))
    assert search("tabaski", Filters(), limit=5).ids == [document.pk]
    document_update(
        by=editor,
        document=document,
        details=details("Rapport révisé"),
        upload=pdf("Rapport", "Le mot hivernage"),
    )
    assert search("tabaski", Filters(), limit=5).ids == []
    assert search("hivernage", Filters(), limit=5).ids == [document.pk]
    assert search("révisé", Filters(), limit=5).ids == [document.pk]
    assert DocumentFile.objects.count() == 1


def test_a_file_name_keeps_no_path_nor_control_character(editor):
    document = document_publish(
        by=editor,
        owner=editor.organisation,
        details=details("Nom"),
        upload=files.Upload("C:\\Users\\awa\\rap\x07port.pdf", pdf("x", "y").content),
    )
    assert document.file.file_name == "rapport.pdf"


def test_a_truncated_pdf_is_refused_as_damaged(editor):
    whole = pdf("Rapport", "Un texte").content
    errors = refused(
        lambda: document_publish(
            by=editor,
            owner=editor.organisation,
            details=details("Coupé"),
            upload=files.Upload("rapport.pdf", whole[:200]),
        )
    )
    assert "damaged" in errors["file"][0]


def test_a_withdrawn_document_leaves_the_library_and_is_kept(client, editor, publish):
    from django.urls import reverse

    from mutualis.portal.services import document_withdraw

    document = publish("Guide périmé")
    refused(lambda: document_withdraw(by=editor, document=document, reason=" "))
    document_withdraw(by=editor, document=document, reason="Remplacé par la version 2")
    document.refresh_from_db()
    assert (document.status, document.rejection) == ("withdrawn", "Remplacé par la version 2")
    assert search("guide", Filters(), limit=5).ids == []
    errors = refused(lambda: document_withdraw(by=editor, document=document, reason="encore"))
    assert errors == {"document": ["Only a published document is withdrawn."]}
    assert client.get(reverse("portal:document", kwargs={"uid": document.uid})).status_code == 404
