"""The contributions' daily jobs (core.daily): the shares of the periods that began are
recognised as what each mutual is owed, the third payers' as receivables and the members' as
dues, with the changes the register brought to shares already recognised."""

import datetime
from collections.abc import Callable, Sized

from django.db.models import Exists, OuterRef

from mutualis.contributions.services import dues_recognise, receivables_recognise
from mutualis.core.daily import Daily
from mutualis.federation.models import Organisation
from mutualis.membership.models import Household


def for_every_mutual(recognise: Callable[..., Sized], day: datetime.date) -> int:
    """Runs `recognise` for every mutual with households; returns the rows it added."""
    rows = 0
    mutuals = Organisation.objects.filter(
        Exists(Household.objects.filter(mutual=OuterRef("pk")))
    ).order_by("pk")
    for mutual in mutuals:
        rows += len(recognise(by=None, mutual=mutual, on=day))
    return rows


def recognise_receivables(day: datetime.date) -> str:
    """For every mutual with households (a mutual without a third payer recognises nothing)."""
    return f"receivables recognised: {for_every_mutual(receivables_recognise, day)}"


def recognise_dues(day: datetime.date) -> str:
    """The members' shares, for every mutual with households."""
    return f"dues recognised: {for_every_mutual(dues_recognise, day)}"


DAILY = [Daily("receivables", recognise_receivables), Daily("dues", recognise_dues)]
