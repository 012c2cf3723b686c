from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem

MENU = [MenuItem(_("Directory of actors"), "directory:organisations", group=Group.NETWORK)]

# for visitors who have not signed in (docs/public-site.md)
PUBLIC_MENU = [MenuItem(_("Directory of actors"), "directory:organisations", group=None)]
