from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import DHIS2_OFFICERS

MENU = [
    MenuItem(
        label=_("DHIS2 export"), url_name="dhis2_push", roles=DHIS2_OFFICERS, group=Group.NETWORK
    ),
]
