from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import REPORT_SUBMITTERS

MENU = [
    MenuItem(
        label=_("Reports"), url_name="report_home", roles=REPORT_SUBMITTERS, group=Group.NETWORK
    ),
]
