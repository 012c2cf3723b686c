from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import MONITORING_READERS

MENU = [
    MenuItem(
        label=_("Dashboard"),
        url_name="monitoring_home",
        roles=MONITORING_READERS,
        group=Group.MONITORING,
    ),
]
