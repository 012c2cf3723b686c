from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import MONITORING_READERS, REPORT_SUBMITTERS

MENU = [
    MenuItem(
        label=_("Dashboard"),
        url_name="monitoring_home",
        roles=MONITORING_READERS,
        group=Group.MONITORING,
    ),
    MenuItem(
        label=_("Reports"), url_name="report_home", roles=REPORT_SUBMITTERS, group=Group.MONITORING
    ),
]
