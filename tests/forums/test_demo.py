"""The demo's forums: themes of the national union's editor, topics in French and English with
their replies, one reply hidden and one topic closed, told in the log as the services would."""

import random

from django.contrib.auth.models import AnonymousUser

from mutualis.core.demo import Demo
from mutualis.core.event_check import check
from mutualis.portal.forums import demo as forums_demo
from mutualis.portal.forums import queries
from mutualis.portal.forums.models import Post, Subscription, Theme, Topic


def test_the_demo_opens_lively_forums_with_a_hidden_reply_and_a_closed_topic(
    federation, cast, moderator
):
    demo = Demo(options={}, rng=random.Random(1), log=print, made={})
    forums_demo.generate(demo)
    demo.events.flush()
    assert Theme.objects.count() == 4 and Topic.objects.count() == 7
    assert set(Theme.objects.values_list("owner", flat=True)) == {federation.national.pk}
    assert {t.title[:9] for t in Topic.objects.all()} >= {"Comment a", "Community"}
    hidden = Post.objects.get(hidden_at__isnull=False)
    assert hidden.number > 1 and hidden.hidden_reason
    closed = Topic.objects.get(closed_at__isnull=False)
    assert closed.closed_by == moderator
    # the public reads every topic, the hidden reply apart
    shown = queries.posts_of(hidden.topic, AnonymousUser(), moderator=False)
    assert hidden not in shown and shown.count() == hidden.topic.posts.count() - 1
    for topic in Topic.objects.all():
        authors = set(topic.posts.values_list("author", flat=True))
        assert set(Subscription.objects.filter(topic=topic).values_list("user", flat=True)) == (
            authors
        )
    report = check()
    assert report, [d for d in report.differences if d] or report.gaps
    assert forums_demo.has_data()
