"""Every signed-in user posts topics and replies in any theme of the network; what is empty or
too long is refused with the field and the rule, and nothing is written; the rate limits
refuse a flood with a message; a closed or hidden topic takes no reply."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.portal.forums import events, services
from mutualis.portal.forums.models import Post, Subscription, Topic
from mutualis.portal.forums.rules import BODY_MAX, TOPIC_TITLE_MAX
from tests.test_service_scope import database


def refused(call) -> dict[str, list[str]]:
    before = database()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call()
    assert database() == before, "a refusal wrote something"
    return error.value.message_dict


@pytest.mark.parametrize("role", list(Role))
def test_every_role_posts_a_topic_and_a_reply_in_a_theme_of_another_organisation(cast, theme, role):
    user = cast[role]
    topic = services.topic_post(by=user, theme=theme, title="Titre", body="Texte", language="fr")
    reply = services.reply_post(by=user, topic=topic, body="Suite", language="fr")
    assert [p.number for p in topic.posts.order_by("number")] == [1, 2]
    assert reply.number == 2 and reply.author == user


def test_a_topic_and_its_replies_are_numbered_in_order_and_told_in_the_owners_log(
    federation, topic, cashier
):
    first = services.reply_post(by=cashier, topic=topic, body="Un", language="fr")
    second = services.reply_post(by=cashier, topic=topic, body="Deux", language="fr")
    assert (first.number, second.number) == (2, 3)
    logged = Event.objects.filter(
        organisation_id=federation.national.pk, kind__startswith="forum_"
    ).order_by("sequence")
    assert [e.kind for e in logged] == [
        events.THEME_CREATED,
        events.TOPIC_STARTED,
        events.REPLY_POSTED,
        events.REPLY_POSTED,
    ]
    assert logged.last().payload == {"post": str(second.uid), "topic": str(topic.uid), "number": 3}
    assert AuditEntry.objects.filter(object_id=second.pk, action="create").exists()
    topic.refresh_from_db()
    assert topic.posts_made == 3 and topic.last_posted_at == second.posted_at


def test_whoever_posts_in_a_topic_follows_it_once(topic, manager, cashier):
    services.reply_post(by=cashier, topic=topic, body="Un", language="en")
    services.reply_post(by=cashier, topic=topic, body="Deux", language="fr")
    assert sorted(Subscription.objects.values_list("user__username", "language")) == [
        ("cashier", "en"),
        ("mutual_manager", "fr"),
    ]


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("", "Texte", "title", "The title cannot be empty."),
        ("   ", "Texte", "title", "The title cannot be empty."),
        ("Titre", " \n\n ", "body", "The message cannot be empty."),
        (
            "x" * (TOPIC_TITLE_MAX + 1),
            "Texte",
            "title",
            "The title holds 151 characters; at most 150 are allowed.",
        ),
        (
            "Titre",
            "x" * (BODY_MAX + 1),
            "body",
            "The message holds 10,001 characters; at most 10,000 are allowed.",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_the_rule_and_nothing_is_written(
    theme, manager, title, body, field, message
):
    messages = refused(
        lambda: services.topic_post(by=manager, theme=theme, title=title, body=body, language="fr")
    )
    assert messages[field] == [message]


def test_an_empty_or_too_long_reply_is_refused(topic, cashier):
    assert refused(lambda: services.reply_post(by=cashier, topic=topic, body="", language="fr"))[
        "body"
    ] == ["The message cannot be empty."]
    assert (
        "at most 10,000"
        in refused(
            lambda: services.reply_post(by=cashier, topic=topic, body="é" * 10_001, language="fr")
        )["body"][0]
    )


def test_text_of_the_longest_length_allowed_is_kept_whole(topic, cashier):
    body = "a" * BODY_MAX
    assert services.reply_post(by=cashier, topic=topic, body=body, language="fr").body == body


def test_a_closed_topic_takes_no_reply(topic, moderator, cashier):
    services.topic_close(by=moderator, topic=topic, reason="Hors sujet")
    messages = refused(
        lambda: services.reply_post(by=cashier, topic=topic, body="Et", language="fr")
    )
    assert messages["body"] == ["This topic is closed: it takes no more replies."]


def test_a_hidden_topic_takes_no_reply(topic, moderator, cashier):
    services.post_hide(by=moderator, post=topic.posts.get(number=1), reason="Publicité")
    messages = refused(
        lambda: services.reply_post(by=cashier, topic=topic, body="Et", language="fr")
    )
    assert messages["body"] == ["This topic was hidden by a moderator: it takes no replies."]


@override_settings(MUTUALIS_FORUM_POSTS_PER_MINUTE=2, MUTUALIS_FORUM_POSTS_PER_DAY=4)
def test_a_flood_of_posts_is_refused_by_the_minute_then_by_the_day(topic, cashier):
    services.reply_post(by=cashier, topic=topic, body="Un", language="fr")
    services.reply_post(by=cashier, topic=topic, body="Deux", language="fr")
    messages = refused(
        lambda: services.reply_post(by=cashier, topic=topic, body="Trois", language="fr")
    )
    assert messages["body"] == [
        "You have posted 2 messages in the last minute, the most allowed: wait a minute before "
        "posting again."
    ]
    # a minute later, two more; then the day's limit
    Post.objects.filter(author=cashier).update(
        posted_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    services.reply_post(by=cashier, topic=topic, body="Trois", language="fr")
    Post.objects.filter(author=cashier).update(
        posted_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    services.reply_post(by=cashier, topic=topic, body="Quatre", language="fr")
    Post.objects.filter(author=cashier).update(
        posted_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    messages = refused(
        lambda: services.reply_post(by=cashier, topic=topic, body="Cinq", language="fr")
    )
    assert messages["body"] == [
        "You have posted 4 messages in the last 24 hours, the most allowed: post again tomorrow."
    ]
    # the next day, they post again
    Post.objects.filter(author=cashier).update(
        posted_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    services.reply_post(by=cashier, topic=topic, body="Cinq", language="fr")


@override_settings(MUTUALIS_FORUM_POSTS_PER_MINUTE=1)
def test_a_new_topic_counts_against_the_limits_too(theme, cashier):
    services.topic_post(by=cashier, theme=theme, title="Un", body="Un", language="fr")
    messages = refused(
        lambda: services.topic_post(
            by=cashier, theme=theme, title="Deux", body="Deux", language="fr"
        )
    )
    assert "in the last minute" in messages["body"][0]
    assert Topic.objects.count() == 1


def test_an_account_that_is_no_longer_active_posts_nothing(topic, cashier):
    cashier.is_active = False
    messages = refused(
        lambda: services.reply_post(by=cashier, topic=topic, body="Un", language="fr")
    )
    assert messages["body"] == ["Sign in to post in the forums."]


def test_a_language_the_site_does_not_speak_is_read_as_french(theme, cashier):
    topic = services.topic_post(by=cashier, theme=theme, title="T", body="B", language="xx")
    assert Subscription.objects.get(topic=topic).language == "fr"
