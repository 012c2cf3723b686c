from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem

MENU = [MenuItem(label=_("Benefit packages"), url_name="package_list", group=Group.MEMBERS)]
