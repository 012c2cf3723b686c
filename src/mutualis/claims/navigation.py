from django.utils.translation import gettext_lazy as _

from mutualis.claims.views import (
    CLAIM_READERS,
    ELIGIBILITY_CHECKERS,
    LETTER_ISSUERS,
    REVIEWERS,
)
from mutualis.core.navigation import Group, MenuItem

MENU = [
    MenuItem(
        label=_("Eligibility"), url_name="eligibility", roles=ELIGIBILITY_CHECKERS, group=Group.CARE
    ),
    MenuItem(label=_("Claims"), url_name="claim_list", roles=CLAIM_READERS, group=Group.CARE),
    MenuItem(label=_("Medical review"), url_name="review_queue", roles=REVIEWERS, group=Group.CARE),
    MenuItem(
        label=_("Guarantee letters"), url_name="letter_list", roles=LETTER_ISSUERS, group=Group.CARE
    ),
]
