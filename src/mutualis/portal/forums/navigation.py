from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem

MENU = [MenuItem(_("Forums"), "forums:index", group=Group.NETWORK)]
