"""What an author types is shown as plain text: never taken as HTML, its paragraphs and line
breaks kept, its web addresses made links that are safe to follow."""

from mutualis.portal.forums import services
from mutualis.portal.forums.templatetags.forum_text import post_text


def test_a_script_in_a_post_is_shown_as_text():
    html = post_text('<script>alert("x")</script><b>gras</b>')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;" in html


def test_a_javascript_link_is_not_made_a_link():
    html = post_text('javascript:alert(1) et <a href="javascript:alert(1)">ici</a>')
    assert "<a " not in html
    assert "javascript:alert(1)" in html  # as text


def test_a_web_address_becomes_a_link_that_leaves_safely():
    html = post_text("Voir https://www.concertation.org/doc?a=1&b=2 et www.ilo.org.")
    assert '<a href="https://www.concertation.org/doc?a=1&amp;b=2" rel="nofollow noopener">' in html
    assert '<a href="http://www.ilo.org" rel="nofollow noopener">www.ilo.org</a>' in html


def test_an_address_cannot_smuggle_an_attribute_into_its_link():
    html = post_text('https://example.org/"onmouseover="alert(1)')
    assert 'onmouseover="' not in html


def test_paragraphs_and_line_breaks_are_kept():
    assert post_text("Un\ndeux\n\nTrois") == "<p>Un<br>deux</p>\n\n<p>Trois</p>"


def test_the_topic_page_shows_a_script_as_text(client, topic, cashier):
    services.reply_post(
        by=cashier, topic=topic, body="<script>alert(1)</script> javascript:alert(2)", language="fr"
    )
    page = client.get(f"/network/forums/topics/{topic.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page
