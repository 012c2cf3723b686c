"""The contributions' daily job (core.daily): the third payers' shares of the periods that began
are recognised as receivables of each mutual, and the changes the register brought to shares
already recognised."""

import datetime

from django.db.models import Exists, OuterRef

from mutualis.contributions.services import receivables_recognise
from mutualis.core.daily import Daily
from mutualis.federation.models import Organisation
from mutualis.membership.models import Household


def recognise_receivables(day: datetime.date) -> str:
    """For every mutual with households (a mutual without a third payer recognises nothing)."""
    rows = 0
    mutuals = Organisation.objects.filter(
        Exists(Household.objects.filter(mutual=OuterRef("pk")))
    ).order_by("pk")
    for mutual in mutuals:
        rows += len(receivables_recognise(by=None, mutual=mutual, on=day))
    return f"receivables recognised: {rows}"


DAILY = [Daily("receivables", recognise_receivables)]
