from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import BOOK_READERS, CASH_COUNTERS

MENU = [
    MenuItem(
        label=_("Trial balance"), url_name="books_home", roles=BOOK_READERS, group=Group.BOOKS
    ),
    MenuItem(label=_("Cash book"), url_name="cash_home", roles=CASH_COUNTERS, group=Group.BOOKS),
]
