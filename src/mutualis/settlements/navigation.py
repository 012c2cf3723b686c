from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.settlements.views import READERS, STATEMENT_READERS

MENU = [
    MenuItem(
        label=_("Provider statements"),
        url_name="statement_list",
        roles=STATEMENT_READERS,
        group=Group.PROVIDERS,
    ),
    MenuItem(
        label=_("Provider balances"),
        url_name="provider_balances",
        roles=READERS,
        group=Group.PROVIDERS,
    ),
    MenuItem(
        label=_("Clearing between mutuals"),
        url_name="clearing",
        roles=READERS,
        group=Group.PROVIDERS,
    ),
]
