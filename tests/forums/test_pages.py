"""Reading is public and light; posting needs a signed-in user; moderation pages are for the
portal editors whose scope holds the theme. Forms keep what was typed and say what is wrong."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutualis.federation.rules import Role
from mutualis.portal.forums import queries, services
from mutualis.portal.forums.models import Post, Topic


@pytest.fixture
def replies(topic, cast, settings):
    settings.MUTUALIS_FORUM_POSTS_PER_MINUTE = 100
    posted = []
    for index in range(queries.POSTS_PER_PAGE + 3):
        role = [Role.CASHIER, Role.ACCOUNTANT, Role.ENROLMENT_AGENT, Role.UNION_OFFICER][index % 4]
        posted.append(
            services.reply_post(by=cast[role], topic=topic, body=f"Réponse {index}", language="fr")
        )
    return posted


def test_the_forums_read_without_signing_in(client, theme, topic, replies):
    for path in (
        "/network/forums/",
        f"/network/forums/themes/{theme.pk}/",
        f"/network/forums/topics/{topic.pk}/",
        f"/network/forums/topics/{topic.pk}/?page=2",
        f"/network/forums/topics/{topic.pk}/?page=nonsense",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(response.content) < 100_000
    page = client.get(f"/network/forums/topics/{topic.pk}/").content.decode()
    assert "Comment faites-vous ?" in page and "Réponse 18" in page and "Réponse 19" not in page
    assert "/login/" in page  # "sign in to reply"


def test_a_posts_address_opens_the_page_that_shows_it(client, topic, replies):
    response = client.get(f"/network/forums/posts/{replies[-1].pk}/")
    assert response.status_code == 302
    assert response.url == f"/network/forums/topics/{topic.pk}/?page=2#post-{replies[-1].number}"


def test_a_topic_page_reads_a_fixed_number_of_queries(client, topic, replies):
    with CaptureQueriesContext(connection) as few:
        client.get(f"/network/forums/topics/{topic.pk}/?page=2")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/network/forums/topics/{topic.pk}/")
    assert len(many) == len(few) <= 8


def test_a_visitor_who_posts_is_sent_to_sign_in_and_nothing_is_written(client, theme, topic):
    for path, data in (
        (f"/network/forums/topics/{topic.pk}/", {"body": "Bonjour"}),
        (f"/network/forums/themes/{theme.pk}/", {"title": "T", "body": "B"}),
    ):
        response = client.post(path, data)
        assert response.status_code == 302 and response.url.startswith("/login/")
    assert Post.objects.count() == 1 and Topic.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    ["posts/{post}/moderate/", "topics/{topic}/moderate/", "themes/new/", "themes/{theme}/edit/"],
)
def test_moderation_is_not_public(client, cast, theme, topic, path):
    url = "/network/forums/" + path.format(
        post=topic.posts.get().pk, topic=topic.pk, theme=theme.pk
    )
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")
    client.force_login(cast[Role.MUTUAL_MANAGER])
    assert client.get(url).status_code == 403


def test_a_member_starts_a_topic_and_replies_from_the_pages(client, theme, cashier):
    client.force_login(cashier)
    response = client.post(
        f"/network/forums/themes/{theme.pk}/", {"title": "Mobile money", "body": "Qui l'utilise ?"}
    )
    topic = Topic.objects.get(title="Mobile money")
    assert response.url == f"/network/forums/topics/{topic.pk}/"
    response = client.post(
        f"/network/forums/topics/{topic.pk}/", {"action": "reply", "body": "Nous, depuis 2024."}
    )
    reply = topic.posts.get(number=2)
    assert response.status_code == 302 and response.url == f"/network/forums/posts/{reply.pk}/"


def test_a_refused_reply_keeps_what_was_typed_and_names_the_rule(client, topic, moderator, cashier):
    services.topic_close(by=moderator, topic=topic, reason="Épuisé")
    client.force_login(cashier)
    response = client.post(
        f"/network/forums/topics/{topic.pk}/",
        {"action": "reply", "body": "Ma réponse"},
        headers={"Accept-Language": "en"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce sujet est fermé" in page or "This topic is closed" in page
    assert "Ma réponse" in page  # what was typed is kept, for another topic
    assert topic.posts.count() == 1


def test_an_empty_topic_form_says_which_fields_are_missing(client, theme, cashier):
    client.force_login(cashier)
    response = client.post(f"/network/forums/themes/{theme.pk}/", {"title": "", "body": "Texte"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["Le titre ne peut pas être vide."] or (
        response.context["form"].errors["title"] == ["The title cannot be empty."]
    )
    assert "Texte" in response.content.decode()


def test_a_moderator_hides_a_reply_and_closes_the_topic_from_the_pages(
    client, moderator, topic, cashier
):
    reply = services.reply_post(by=cashier, topic=topic, body="Publicité", language="fr")
    client.force_login(moderator)
    assert client.post(f"/network/forums/posts/{reply.pk}/moderate/", {}).status_code == 200
    client.post(f"/network/forums/posts/{reply.pk}/moderate/", {"reason": "Publicité"})
    reply.refresh_from_db()
    assert reply.is_hidden
    client.post(f"/network/forums/topics/{topic.pk}/moderate/", {"reason": "Épuisé"})
    topic.refresh_from_db()
    assert topic.is_closed
    client.post(f"/network/forums/topics/{topic.pk}/moderate/", {"action": "reopen"})
    client.post(f"/network/forums/posts/{reply.pk}/moderate/", {"action": "unhide"})
    topic.refresh_from_db(), reply.refresh_from_db()
    assert not topic.is_closed and not reply.is_hidden
    client.logout()
    assert "Publicité" in client.get(f"/network/forums/topics/{topic.pk}/").content.decode()


def test_a_topic_whose_opening_message_is_hidden_disappears_for_the_public(
    client, moderator, theme, topic
):
    services.post_hide(by=moderator, post=topic.posts.get(), reason="Spam")
    assert client.get(f"/network/forums/topics/{topic.pk}/").status_code == 404
    assert topic.title not in client.get(f"/network/forums/themes/{theme.pk}/").content.decode()
    client.force_login(moderator)
    assert client.get(f"/network/forums/topics/{topic.pk}/").status_code == 200


def test_only_a_moderator_sees_hidden_replies_and_the_moderation_links(
    client, federation, moderator, topic, cashier
):
    from mutualis.federation.services import user_create

    reply = services.reply_post(by=cashier, topic=topic, body="Publicité", language="fr")
    services.post_hide(by=moderator, post=reply, reason="Hors sujet")
    # an officer of the national union: the theme lies in their scope, but they do not moderate
    officer = user_create(
        by=None,
        username="national-officer",
        organisation=federation.national,
        roles=["union_officer"],
    )
    client.force_login(officer)
    page = client.get(f"/network/forums/topics/{topic.pk}/").content.decode()
    assert "Publicité" not in page and "/moderate/" not in page
    client.force_login(moderator)
    page = client.get(f"/network/forums/topics/{topic.pk}/").content.decode()
    assert "Publicité" in page and "Hors sujet" in page
    assert f"/network/forums/posts/{reply.pk}/moderate/" in page
