"""A post as a reader sees it: the author's plain text, escaped, its paragraphs and line
breaks kept, and its web addresses made links that leave the site without its referrer and
without passing it any weight (rel="nofollow noopener"). Nothing the author typed is ever taken
as HTML: Django's urlize escapes everything it does not turn into a link, and links only
http(s) addresses, `www.` names and e-mail addresses, never a `javascript:` one."""

from django import template
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def post_text(text: str) -> SafeString:
    linked = urlize(text, trim_url_limit=60, nofollow=True, autoescape=True)
    linked = linked.replace('rel="nofollow"', 'rel="nofollow noopener"')
    # urlize escaped every character of the author's; linebreaks only adds <p> and <br>
    return mark_safe(linebreaks(linked, autoescape=False))
