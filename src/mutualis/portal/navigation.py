from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.portal.rules import EDITORS

MENU = [
    MenuItem(label=_("Public site"), url_name="portal:home", group=Group.NETWORK),
    MenuItem(label=_("Library"), url_name="portal:library", group=Group.NETWORK),
    MenuItem(
        label=_("Proposed documents"),
        url_name="portal:proposals",
        roles=EDITORS,
        group=Group.NETWORK,
    ),
    MenuItem(
        label=_("Applications to join"),
        url_name="portal:applications",
        roles=EDITORS,
        group=Group.NETWORK,
    ),
    MenuItem(label=_("Calendar"), url_name="portal:events", group=Group.NETWORK),
    MenuItem(label=_("Flash news"), url_name="portal:news", group=Group.NETWORK),
]

# what a visitor who has not signed in finds in the header (docs/public-site.md)
PUBLIC_MENU = [
    MenuItem(label=_("Home"), url_name="portal:home", group=None),
    MenuItem(label=_("Inventory"), url_name="inventory:synthesis", group=None),
    MenuItem(label=_("Library"), url_name="portal:library", group=None),
    MenuItem(label=_("Calendar"), url_name="portal:events", group=None),
    MenuItem(label=_("Flash news"), url_name="portal:news", group=None),
    MenuItem(label=_("Forums"), url_name="forums:index", group=None),
    MenuItem(label=_("Join the network"), url_name="portal:join", group=None),
]
