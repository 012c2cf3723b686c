"""The figures kept current from the event log (issue 15): each batch of a mutual's events
adds its facts (monitoring.facts) and brings that mutual's figures, and every union's above it,
up to date in the same transaction as the cursor. A change of the federation's tree (a mutual
created or moved) works every union's figures out again."""

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext_lazy

from mutualis.core.consumers import Consumer, Logged
from mutualis.monitoring import care, compute, facts

TREE = frozenset({"organisation.created", "organisation.moved"})


def keep_current(events: Sequence[Logged]) -> None:
    found = facts.tally(events)
    facts.write(found)
    care.write(care.tally(events))
    today = timezone.localdate()
    if any(event.kind in TREE for event in events):
        compute.rebuild(today)
    else:
        compute.refresh(found.organisations, today)


CONSUMERS = [
    Consumer(
        "indicators", keep_current, facts.KINDS | care.KINDS | TREE, gettext_lazy("Indicators")
    )
]
