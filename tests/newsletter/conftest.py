"""The lists' cast: a portal editor of the national union who makes the Courrier and
publishes the flash news, and subscribers confirmed, waiting and stopped."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.portal.newsletter.models import Subscription
from mutualis.portal.newsletter.services import ArticleDetails, IssueDetails, issue_create


@pytest.fixture
def editor(federation):
    return user_create(
        by=None,
        username="courrier-editor",
        organisation=federation.national,
        roles=[Role.PORTAL_EDITOR],
        email="redaction@example.org",
    )


def subscriber(email: str, list_: str, language: str = "fr", *, confirmed=True, stopped=False):
    """A subscription as the confirmation leaves it, confirmed an hour ago."""
    now = timezone.now()
    return Subscription.objects.create(
        email=email,
        list=list_,
        language=language,
        requested_at=now - datetime.timedelta(hours=2),
        confirmed_at=now - datetime.timedelta(hours=1) if confirmed else None,
        stopped_at=now - datetime.timedelta(minutes=30) if stopped else None,
    )


ARTICLE = ArticleDetails(
    title_fr="La mutuelle de Joal passe au paiement mobile",
    title_en="The Joal mutual moves to mobile payment",
    body_fr="Depuis mars, les adhérents paient leurs cotisations par téléphone.\n\n"
    "Le taux de recouvrement est passé de 54 % à 71 %.",
    body_en="Since March, members pay their contributions by phone.\n\n"
    "The collection rate rose from 54% to 71%.",
    link="https://example.org/joal",
)


@pytest.fixture
def draft(editor, federation):
    from mutualis.portal.newsletter.services import article_add

    issue = issue_create(
        by=editor,
        owner=federation.national,
        details=IssueDetails(
            "Le recouvrement des cotisations", "Collecting contributions", datetime.date(2026, 3, 2)
        ),
    )
    article_add(by=editor, issue=issue, details=ARTICLE)
    return issue


def visitor(**kwargs) -> Client:
    """A browser not signed in, through the HTTPS proxy as production requests come."""
    return Client(headers={"X-Forwarded-Proto": "https"}, **kwargs)


def reading(client: Client, language: str) -> Client:
    """The client as a reader who chose `language` with the language switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
