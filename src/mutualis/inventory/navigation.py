from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.inventory.rules import FOCAL_POINT_DESIGNATORS, RECORD_KEEPERS, VALIDATORS

MENU = [
    MenuItem(
        label=_("Inventory records"),
        url_name="inventory:records",
        roles=RECORD_KEEPERS,
        group=Group.NETWORK,
    ),
    MenuItem(
        label=_("Inventory validation"),
        url_name="inventory:validation",
        roles=VALIDATORS,
        group=Group.NETWORK,
    ),
    MenuItem(
        label=_("Focal points"),
        url_name="inventory:focal-points",
        roles=FOCAL_POINT_DESIGNATORS,
        group=Group.NETWORK,
    ),
]
