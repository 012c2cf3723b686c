from django.utils.translation import gettext_lazy as _

from mutualis.contributions.views import CASHIERS, LIST_READERS
from mutualis.core.navigation import Group, MenuItem
from mutualis.federation.rules import Role

MENU = [
    MenuItem(
        label=_("Payments"), url_name="payment_list", roles=LIST_READERS, group=Group.CONTRIBUTIONS
    ),
    MenuItem(
        label=_("Households in arrears"),
        url_name="arrears",
        roles=LIST_READERS,
        group=Group.CONTRIBUTIONS,
    ),
    MenuItem(
        label=_("Cash report"),
        url_name="cash_report",
        roles=CASHIERS | {Role.ACCOUNTANT},
        group=Group.CONTRIBUTIONS,
    ),
    MenuItem(
        label=_("Third payers"),
        url_name="third_payers",
        roles=CASHIERS | {Role.ACCOUNTANT},
        group=Group.CONTRIBUTIONS,
    ),
]
