from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.portal.rules import EDITORS

MENU = [
    MenuItem(label=_("Library"), url_name="portal:library", group=Group.NETWORK),
    MenuItem(
        label=_("Proposed documents"),
        url_name="portal:proposals",
        roles=EDITORS,
        group=Group.NETWORK,
    ),
    MenuItem(label=_("Calendar"), url_name="portal:events", group=Group.NETWORK),
    MenuItem(label=_("Flash news"), url_name="portal:news", group=Group.NETWORK),
]
