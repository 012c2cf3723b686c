"""The portal editors whose scope holds a theme's owner moderate it: they hide a post (kept,
with the reason, seen by its author and the moderators only), show it again, close a topic
(no more replies) and reopen it. Nobody else does, and each change is audited and logged."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.portal.forums import events, queries, services
from mutualis.portal.forums.models import Post
from tests.forums.test_posting import refused


@pytest.fixture
def reply(topic, cashier):
    return services.reply_post(by=cashier, topic=topic, body="Publicité", language="fr")


def test_a_moderator_hides_a_reply_keeping_it_with_the_reason(federation, moderator, reply):
    services.post_hide(by=moderator, post=reply, reason="Publicité sans rapport")
    kept = Post.objects.get(pk=reply.pk)
    assert kept.body == "Publicité" and kept.is_hidden
    assert (kept.hidden_by, kept.hidden_reason) == (moderator, "Publicité sans rapport")
    event = Event.objects.filter(organisation_id=federation.national.pk).latest("sequence")
    assert (event.kind, event.payload["reason"]) == (events.POST_HIDDEN, "Publicité sans rapport")
    entry = AuditEntry.objects.filter(object_id=reply.pk, action="update").get()
    assert entry.changes["hidden_reason"] == ["", "Publicité sans rapport"]


def test_a_hidden_reply_is_seen_by_its_author_and_the_moderators_only(
    cast, moderator, reply, topic, cashier
):
    services.post_hide(by=moderator, post=reply, reason="Publicité")
    from django.contrib.auth.models import AnonymousUser

    def numbers(user, moderating=False):
        return [p.number for p in queries.posts_of(topic, user, moderating)]

    assert numbers(AnonymousUser()) == [1]
    assert numbers(cast[Role.ACCOUNTANT]) == [1]
    assert numbers(cashier) == [1, 2]
    assert numbers(moderator, queries.moderates(moderator, topic.theme)) == [1, 2]


def test_a_moderator_shows_a_hidden_post_again(federation, moderator, reply):
    services.post_hide(by=moderator, post=reply, reason="Erreur")
    services.post_unhide(by=moderator, post=reply)
    reply.refresh_from_db()
    assert not reply.is_hidden and reply.hidden_reason == ""
    kinds = Event.objects.filter(organisation_id=federation.national.pk).values_list(
        "kind", flat=True
    )
    assert list(kinds)[-2:] == [events.POST_HIDDEN, events.POST_SHOWN]


def test_hiding_needs_a_reason_and_happens_once(moderator, reply):
    assert refused(lambda: services.post_hide(by=moderator, post=reply, reason=" "))["reason"] == [
        "The reason cannot be empty."
    ]
    services.post_hide(by=moderator, post=reply, reason="Publicité")
    assert refused(lambda: services.post_hide(by=moderator, post=reply, reason="Encore"))[
        "post"
    ] == ["This message is already hidden."]
    services.post_unhide(by=moderator, post=reply)
    assert refused(lambda: services.post_unhide(by=moderator, post=reply))["post"] == [
        "This message is not hidden."
    ]


def test_a_moderator_closes_a_topic_with_a_reason_and_reopens_it(federation, moderator, topic):
    assert refused(lambda: services.topic_close(by=moderator, topic=topic, reason=""))[
        "reason"
    ] == ["The reason cannot be empty."]
    services.topic_close(by=moderator, topic=topic, reason="Le sujet est épuisé.")
    assert topic.is_closed and topic.closed_reason == "Le sujet est épuisé."
    assert refused(lambda: services.topic_close(by=moderator, topic=topic, reason="Encore"))[
        "topic"
    ] == ["This topic is already closed."]
    services.topic_reopen(by=moderator, topic=topic)
    assert not topic.is_closed
    assert refused(lambda: services.topic_reopen(by=moderator, topic=topic))["topic"] == [
        "This topic is not closed."
    ]
    kinds = list(
        Event.objects.filter(organisation_id=federation.national.pk).values_list("kind", flat=True)
    )
    assert kinds[-2:] == [events.TOPIC_CLOSED, events.TOPIC_REOPENED]


@pytest.mark.parametrize("role", [role for role in Role if role != Role.PORTAL_EDITOR])
def test_nobody_but_a_portal_editor_moderates(federation, cast, role):
    # a theme of the mutual M1: it lies in the scope of every user of the cast
    theme = services.theme_create(by=None, owner=federation.m1, title="Joal")
    topic = services.topic_post(
        by=cast[Role.CASHIER], theme=theme, title="T", body="B", language="fr"
    )
    opening = topic.posts.get()
    user = cast[role]
    not_your_role = ["Your role does not allow you to change this."]
    assert refused(lambda: services.post_hide(by=user, post=opening, reason="R"))["post"] == (
        not_your_role
    )
    assert refused(lambda: services.topic_close(by=user, topic=topic, reason="R"))["topic"] == (
        not_your_role
    )
    assert (
        refused(lambda: services.theme_create(by=user, owner=federation.m1, title="T"))[
            "organisation"
        ]
        == not_your_role
    )
    assert (
        refused(
            lambda: services.theme_update(
                by=user, theme=theme, title="T", description="", position=0
            )
        )["theme"]
        == not_your_role
    )


def test_a_portal_editor_moderates_only_the_themes_of_their_scope(cast, topic, reply, theme):
    # the cast's editor works in the mutual M1: the national union's theme lies above them
    editor = cast[Role.PORTAL_EDITOR]
    outside = ["This organisation is outside your scope."]
    assert refused(lambda: services.post_hide(by=editor, post=reply, reason="R"))["post"] == outside
    assert refused(lambda: services.post_unhide(by=editor, post=reply))["post"] == outside
    assert refused(lambda: services.topic_close(by=editor, topic=topic, reason="R"))["topic"] == (
        outside
    )
    assert refused(lambda: services.topic_reopen(by=editor, topic=topic))["topic"] == outside
    assert (
        refused(
            lambda: services.theme_update(
                by=editor, theme=theme, title="T", description="", position=0
            )
        )["theme"]
        == outside
    )
    assert not queries.moderates(editor, theme)


def test_a_portal_editor_sets_the_themes_of_their_organisation(federation, cast):
    editor = cast[Role.PORTAL_EDITOR]
    theme = services.theme_create(by=editor, owner=federation.m1, title="Joal", position=2)
    services.theme_update(
        by=editor, theme=theme, title="Joal et Fadial", description="", position=1
    )
    theme.refresh_from_db()
    assert (theme.title, theme.position) == ("Joal et Fadial", 1)
    kinds = Event.objects.filter(organisation_id=federation.m1.pk, kind__startswith="forum_")
    kinds = kinds.values_list("kind", flat=True)
    assert list(kinds) == [events.THEME_CREATED, events.THEME_CHANGED]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.theme_create(by=editor, owner=federation.m2, title="Pakour")
    assert error.value.message_dict["organisation"] == ["This organisation is outside your scope."]


def test_another_member_can_neither_open_a_hidden_topic_nor_a_hidden_reply(
    client, cast, moderator, topic, reply, manager, cashier
):
    services.post_hide(by=moderator, post=reply, reason="Publicité")
    client.force_login(cast[Role.ACCOUNTANT])
    assert client.get(f"/network/forums/posts/{reply.pk}/").status_code == 404
    client.force_login(cashier)  # its author
    assert client.get(f"/network/forums/posts/{reply.pk}/").status_code == 302
    services.post_hide(by=moderator, post=topic.posts.get(number=1), reason="Spam")
    client.force_login(cast[Role.ACCOUNTANT])
    assert client.get(f"/network/forums/topics/{topic.pk}/").status_code == 404
    client.force_login(manager)  # its author
    assert client.get(f"/network/forums/topics/{topic.pk}/").status_code == 200
