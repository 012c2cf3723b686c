from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.portal.newsletter.rules import EDITORS

MENU = [
    MenuItem(_("The Courrier"), "newsletter:archive", group=Group.NETWORK),
    MenuItem(_("Make the Courrier"), "newsletter:issues", roles=EDITORS, group=Group.NETWORK),
]

# for visitors who have not signed in (docs/public-site.md)
PUBLIC_MENU = [MenuItem(_("The Courrier"), "newsletter:archive", group=None)]
