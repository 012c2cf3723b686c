from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import Role

MENU = [
    MenuItem(label=_("Home"), url_name="home", group=None),
    MenuItem(label=_("Federation"), url_name="organisation_tree", group=Group.NETWORK),
    MenuItem(label=_("Organisations"), url_name="organisation_list", group=Group.NETWORK),
    MenuItem(
        label=_("Users"),
        url_name="user_list",
        roles={Role.SYSTEM_ADMIN},
        group=Group.ADMINISTRATION,
    ),
    MenuItem(label=_("My API keys"), url_name="own_api_keys", group=Group.ADMINISTRATION),
]
