"""Whatever the sequence of replies, hides, shows, closings and reopenings, the public reads
exactly the visible posts, in the order they were written, and a closed topic takes no reply:
the services compared with a plain model of the rules written from their words."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mutualis.federation.rules import Role
from mutualis.portal.forums import queries, services

AUTHORS = [Role.CASHIER, Role.ACCOUNTANT, Role.UNION_OFFICER]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("reply"), st.integers(0, len(AUTHORS) - 1)),
        st.tuples(st.just("hide"), st.integers(1, 12)),
        st.tuples(st.just("show"), st.integers(1, 12)),
        st.tuples(st.just("close"), st.just(0)),
        st.tuples(st.just("reopen"), st.just(0)),
    ),
    max_size=14,
)


@hypothesis_settings(max_examples=30)
@given(steps=STEPS)
def test_the_public_reads_exactly_the_visible_posts_in_order(
    theme, moderator, cast, steps, settings
):
    settings.MUTUALIS_FORUM_POSTS_PER_MINUTE = 1000
    topic = services.topic_post(
        by=cast[Role.MUTUAL_MANAGER], theme=theme, title="T", body="Ouverture", language="fr"
    )
    # the model: each post's number and whether it is hidden; whether the topic is closed
    hidden = {1: False}
    closed = False
    for action, value in steps:
        opening_hidden = hidden[1]
        try:
            if action == "reply":
                services.reply_post(
                    by=cast[AUTHORS[value]], topic=topic, body=f"R{len(hidden) + 1}", language="fr"
                )
                assert not closed and not opening_hidden, "a reply was taken"
                hidden[len(hidden) + 1] = False
            elif value in hidden and action in ("hide", "show"):
                post = topic.posts.get(number=value)
                if action == "hide":
                    services.post_hide(by=moderator, post=post, reason="Motif")
                    assert not hidden[value], "hidden twice"
                    hidden[value] = True
                else:
                    services.post_unhide(by=moderator, post=post)
                    assert hidden[value], "shown while visible"
                    hidden[value] = False
            elif action == "close":
                services.topic_close(by=moderator, topic=topic, reason="Motif")
                assert not closed, "closed twice"
                closed = True
            elif action == "reopen":
                services.topic_reopen(by=moderator, topic=topic)
                assert closed, "reopened while open"
                closed = False
        except ValidationError:
            refused_rightly = {
                "reply": closed or opening_hidden,
                "hide": hidden.get(value, False),
                "show": not hidden.get(value, True),
                "close": closed,
                "reopen": not closed,
            }[action]
            assert refused_rightly, (action, value, hidden, closed)
    visible = [number for number, is_hidden in sorted(hidden.items()) if not is_hidden]
    public = [post.number for post in queries.posts_of(topic, AnonymousUser(), moderator=False)]
    assert public == visible
    assert queries.topic_visible(topic, AnonymousUser()) is not hidden[1]
    assert (queries.reply_refusal_of(topic) is None) is (not closed and not hidden[1])
