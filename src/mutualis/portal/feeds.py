"""The flash news as an Atom feed (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from mutualis.portal.models import NewsItem
from mutualis.portal.queries import latest_news

FEED_ITEMS = 30


class NewsAtom(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Flash news of the network")

    def subtitle(self) -> str:
        return _("Short news of the mutual health organisations' network")

    def link(self) -> str:
        return reverse("portal:news")

    def items(self):
        return latest_news()[:FEED_ITEMS]

    def item_title(self, item: NewsItem) -> str:
        return item.title

    def item_description(self, item: NewsItem) -> str:
        # Atom's summary is HTML that readers render: the plain text is escaped into it, so
        # that a "<" typed by an editor is read as a "<", never as markup
        return linebreaksbr(item.body, autoescape=True)

    def item_link(self, item: NewsItem) -> str:
        return f"{reverse('portal:news')}#n-{item.uid}"

    def item_guid(self, item: NewsItem) -> str:
        return f"urn:uuid:{item.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: NewsItem):
        return item.published_at

    def item_updateddate(self, item: NewsItem):
        return item.changed_at
