"""The federation's events, in the log (core.events) of the organisation they are about, in
the transaction of the change, version 1:

- `organisation.created`: {"organisation", "kind", "code", "name", "parent" | None,
  "currency", "affiliated_on" | None};
- `organisation.changed`: {"organisation", "changes": {field: [before, after]}};
- `organisation.moved`: {"organisation", "from" | None, "to", "on"} (parents by uid; the move
  takes its subtree along).

Uids as strings, dates ISO.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.federation.models import Organisation


def created(organisation: Organisation, affiliated_on: datetime.date | None) -> NewEvent:
    parent = organisation.parent
    return NewEvent(
        "organisation.created",
        organisation.uid,
        {
            "organisation": str(organisation.uid),
            "kind": organisation.kind,
            "code": organisation.code,
            "name": organisation.name,
            "parent": str(parent.uid) if parent else None,
            "currency": organisation.currency,
            "affiliated_on": affiliated_on.isoformat() if affiliated_on else None,
        },
    )


def changed(organisation: Organisation, changes: dict) -> NewEvent:
    return NewEvent(
        "organisation.changed",
        organisation.uid,
        {"organisation": str(organisation.uid), "changes": changes},
    )


def moved(
    organisation: Organisation, old_parent: Organisation | None, on: datetime.date
) -> NewEvent:
    return NewEvent(
        "organisation.moved",
        organisation.uid,
        {
            "organisation": str(organisation.uid),
            "from": str(old_parent.uid) if old_parent else None,
            "to": str(organisation.parent.uid),
            "on": on.isoformat(),
        },
    )


TRACES = [Trace("organisations", Organisation.objects.all, ("organisation.created",))]


KINDS = [
    Kind("organisation.created", _("Organisation created")),
    Kind("organisation.changed", _("Organisation changed"), Organisation),
    Kind("organisation.moved", _("Organisation moved to another union")),
]
