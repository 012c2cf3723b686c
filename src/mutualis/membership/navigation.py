from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import REGISTER_READERS

MENU = [
    MenuItem(label=_("Register"), url_name="register", roles=REGISTER_READERS, group=Group.MEMBERS)
]
