from django.utils.translation import gettext_lazy as _

from mutualis.core.navigation import Group, MenuItem

MENU = [
    MenuItem(label=_("Providers"), url_name="provider_list", group=Group.PROVIDERS),
    MenuItem(label=_("Acts and medicines"), url_name="item_list", group=Group.PROVIDERS),
    MenuItem(label=_("Agreements"), url_name="agreement_list", group=Group.PROVIDERS),
]
