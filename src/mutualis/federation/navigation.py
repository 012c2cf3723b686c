from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import MenuItem
from mutualis.federation.rules import Role

MENU = [
    MenuItem(label=_("Home"), url_name="home"),
    MenuItem(label=_("Federation"), url_name="organisation_tree"),
    MenuItem(label=_("Organisations"), url_name="organisation_list"),
    MenuItem(label=_("Users"), url_name="user_list", roles={Role.SYSTEM_ADMIN}),
    MenuItem(label=_("My API keys"), url_name="own_api_keys"),
]
