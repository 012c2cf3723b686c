"""An editor makes an issue of the Courrier in French and in English, previews it, publishes it
(numbered without gaps, a web page and a PDF in the public archive, never changed again) and
sends it to the Courrier's confirmed subscribers, each in their language; only the portal
editors whose scope holds the issue do."""

import datetime

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.utils import translation

from mutualis.core import mail
from mutualis.core.models import Event, Mail
from mutualis.core.pdf import extract_text, page_count
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.portal.newsletter import services
from mutualis.portal.newsletter.models import Issue
from mutualis.portal.newsletter.pdf import issue_pdf
from tests.newsletter.conftest import ARTICLE, reading, subscriber, visitor


def test_the_editor_previews_a_draft_in_both_languages(client, editor, draft):
    client.force_login(editor)
    page = client.get(f"/network/newsletter/issues/{draft.pk}/").content.decode()
    assert "La mutuelle de Joal passe au paiement mobile" in page
    assert "The Joal mutual moves to mobile payment" in page
    assert "<p>Le taux de recouvrement est passé de 54 % à 71 %.</p>" in page
    # not public before it is published
    assert visitor().get(f"/network/newsletter/courrier/{draft.uid}/").status_code == 404


def test_publishing_numbers_the_issues_without_gaps_and_freezes_them(editor, draft, federation):
    abandoned = services.issue_create(
        by=editor,
        owner=federation.national,
        details=services.IssueDetails("Brouillon", "Draft", datetime.date(2026, 4, 1)),
    )
    first = services.issue_publish(by=editor, issue=draft)
    second = services.issue_create(
        by=editor,
        owner=federation.national,
        details=services.IssueDetails("Numéro 2", "Issue 2", datetime.date(2026, 6, 1)),
    )
    services.article_add(by=editor, issue=second, details=ARTICLE)
    second = services.issue_publish(by=editor, issue=second)
    assert (first.number, second.number) == (1, 2)
    assert Issue.objects.get(pk=abandoned.pk).number is None
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.issue_update(
            by=editor,
            issue=first,
            details=services.IssueDetails("Autre", "Other", datetime.date(2026, 3, 2)),
        )
    assert "is not changed any more" in refused.value.message_dict["issue"][0]
    with pytest.raises(ValidationError):
        services.article_update(by=editor, article=first.articles.get(), details=ARTICLE)
    kinds = list(
        Event.objects.filter(subject=first.uid).order_by("sequence").values_list("kind", flat=True)
    )
    assert kinds == [
        "courrier_issue.created",
        "courrier_issue.changed",
        "courrier_issue.published",
    ]


def test_an_issue_without_articles_is_not_published(editor, federation):
    empty = services.issue_create(
        by=editor,
        owner=federation.national,
        details=services.IssueDetails("Vide", "Empty", datetime.date(2026, 4, 1)),
    )
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.issue_publish(by=editor, issue=empty)
    assert refused.value.message_dict["issue"] == [
        "An issue needs at least one article to be published."
    ]


def test_a_published_issue_is_in_the_archive_with_its_pdf(editor, draft):
    services.issue_publish(by=editor, issue=draft)
    archive = reading(visitor(), "en").get("/network/newsletter/courrier/")
    assert "No. 1 — Collecting contributions" in archive.content.decode()
    page = visitor().get(f"/network/newsletter/courrier/{draft.uid}/?lang=fr").content.decode()
    assert "La mutuelle de Joal passe au paiement mobile" in page
    assert "The Joal mutual" not in page
    response = visitor().get(f"/network/newsletter/courrier/{draft.uid}/courrier-en.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = extract_text(issue_pdf(draft, list(draft.articles.all()), "en", compress=False))
    assert "The Courrier no. 1" in text
    assert "The collection rate rose from 54% to 71%." in text
    assert "Read more: https://example.org/joal" in text
    assert (
        visitor().get(f"/network/newsletter/courrier/{draft.uid}/courrier-xx.pdf").status_code
        == 404
    )


def test_sending_queues_one_mail_per_subscriber_in_their_language(client, editor, draft):
    subscriber("awa@example.org", "courrier", "fr")
    subscriber("ama@example.org", "courrier", "en")
    subscriber("flash-only@example.org", "flash")
    subscriber("waiting@example.org", "courrier", confirmed=False)
    subscriber("gone@example.org", "courrier", stopped=True)
    client.force_login(editor)
    url = f"/network/newsletter/issues/{draft.pk}/"
    # a draft is not sent
    response = reading(client, "en").post(url, {"action": "send"})
    assert "Publish the issue before sending it." in response.content.decode()
    client.post(url, {"action": "publish"})
    client.post(url, {"action": "send"})
    queued = Mail.objects.filter(kind="newsletter.courrier", about=draft.uid)
    assert sorted(queued.values_list("to", flat=True)) == ["ama@example.org", "awa@example.org"]
    english = queued.get(to="ama@example.org")
    assert english.subject == "The Courrier no. 1: Collecting contributions"
    assert "The Joal mutual moves to mobile payment" in english.text
    assert f"/network/newsletter/courrier/{draft.uid}/courrier-en.pdf" in english.text
    assert english.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    french = queued.get(to="awa@example.org")
    assert "La mutuelle de Joal passe au paiement mobile" in french.text
    page = reading(client, "en").get(url).content.decode()
    assert "2 e-mails queued: 0 sent, 2 waiting, 0 failed." in page
    assert mail.send_waiting() == 2
    assert len(django_mail.outbox) == 2
    page = reading(client, "en").get(url).content.decode()
    assert "2 e-mails queued: 2 sent, 0 waiting, 0 failed." in page
    # sent once
    with pytest.raises(ValidationError):
        services.issue_send(by=editor, issue=draft)


def test_an_editor_of_another_mutual_neither_sees_nor_changes_the_issue(
    client, editor, draft, federation
):
    outsider = user_create(
        by=None, username="editor-m2", organisation=federation.m2, roles=[Role.PORTAL_EDITOR]
    )
    client.force_login(outsider)
    assert client.get(f"/network/newsletter/issues/{draft.pk}/").status_code == 404
    assert (
        client.post(f"/network/newsletter/issues/{draft.pk}/", {"action": "publish"}).status_code
        == 404
    )
    with pytest.raises(ValidationError) as refused:
        services.issue_publish(by=outsider, issue=draft)
    assert refused.value.message_dict["issue"] == [
        "Cette organisation est hors de votre périmètre."
    ]
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_user_who_is_not_an_editor_cannot_make_the_courrier(client, cast, draft):
    client.force_login(cast[Role.UNION_OFFICER])
    assert client.get("/network/newsletter/issues/new/").status_code == 403
    with pytest.raises(ValidationError) as refused:
        services.issue_publish(by=cast[Role.UNION_OFFICER], issue=draft)
    assert refused.value.message_dict["issue"] == [
        "Votre rôle ne vous permet pas de modifier ceci."
    ]


def test_an_article_missing_its_english_is_refused_on_its_field(client, editor, draft):
    client.force_login(editor)
    response = reading(client, "en").post(
        f"/network/newsletter/issues/{draft.pk}/articles/new/",
        {"title_fr": "Titre", "body_fr": "Texte.", "title_en": " ", "body_en": "x" * 20_001},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The title in English cannot be empty." in page
    assert "The text in English holds 20,001 characters; at most 20,000 are allowed." in page
    assert draft.articles.count() == 1


def test_what_editors_type_is_shown_as_typed_never_as_markup(client, editor, draft):
    with pytest.raises(ValidationError) as refused:
        services.article_add(
            by=editor,
            issue=draft,
            details=services.ArticleDetails("T", "T", "x", "x", link="javascript:alert(1)"),
        )
    assert "link" in refused.value.message_dict
    services.article_add(
        by=editor,
        issue=draft,
        details=services.ArticleDetails("<script>alert(1)</script>", "Title", "<b>gras</b>", "x"),
    )
    client.force_login(editor)
    page = client.get(f"/network/newsletter/issues/{draft.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "&lt;b&gt;gras&lt;/b&gt;" in page


def test_a_long_issue_runs_over_several_pages_of_its_pdf(editor, draft):
    long_text = "\n\n".join(["Les adhérents paient leurs cotisations par téléphone. " * 12] * 25)
    services.article_add(
        by=editor,
        issue=draft,
        details=services.ArticleDetails("Long", "Long", long_text, long_text),
    )
    services.issue_publish(by=editor, issue=draft)
    pdf = issue_pdf(draft, list(draft.articles.all()), "fr", compress=False)
    assert page_count(pdf) >= 3
    assert extract_text(pdf).count("Les adhérents paient") >= 25 * 10
