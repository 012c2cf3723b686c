"""The events the register appends to the log (core.events), in the transaction of the change,
about the household's or the beneficiary's uid, version 1:

- `household.enrolled`: {"household", "number", "package", "enrolled_on", "members": [member]}
- `beneficiary.added`: {"household", **member}
- `beneficiary.changed`: {"household", "beneficiary", "changes": {field: [before, after]}}
- `beneficiary.left`: {"household", "beneficiary", "left_on"}
- `household.resigned`: {"household", "resigned_on", "reason"}

where a member is {"beneficiary", "member_number", "relationship", "category", "sex",
"birth_date", "enrolled_on"}. Uids as strings, dates ISO.

The services pass their models; the import and the demo pass the rows they write, holding the
same fields (a beneficiary's `household` anything with its `uid`).
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.membership.models import Beneficiary, Household


def member(beneficiary: Any) -> dict:
    return {
        "beneficiary": str(beneficiary.uid),
        "member_number": beneficiary.member_number,
        "relationship": beneficiary.relationship,
        "category": beneficiary.category,
        "sex": beneficiary.sex,
        "birth_date": beneficiary.birth_date.isoformat(),
        "enrolled_on": beneficiary.enrolled_on.isoformat(),
    }


def enrolled(household: Any, package_uid: str, beneficiaries: Iterable[Any]) -> NewEvent:
    return NewEvent(
        "household.enrolled",
        household.uid,
        {
            "household": str(household.uid),
            "number": household.number,
            "package": package_uid,
            "enrolled_on": household.enrolled_on.isoformat(),
            "members": [member(b) for b in beneficiaries],
        },
    )


def added(beneficiary: Any, household_uid: str) -> NewEvent:
    return NewEvent(
        "beneficiary.added", beneficiary.uid, {"household": household_uid, **member(beneficiary)}
    )


def changed(beneficiary: Any, changes: dict) -> NewEvent:
    return NewEvent(
        "beneficiary.changed",
        beneficiary.uid,
        {
            "household": str(beneficiary.household.uid),
            "beneficiary": str(beneficiary.uid),
            "changes": changes,
        },
    )


def left(beneficiary: Any) -> NewEvent:
    return NewEvent(
        "beneficiary.left",
        beneficiary.uid,
        {
            "household": str(beneficiary.household.uid),
            "beneficiary": str(beneficiary.uid),
            "left_on": beneficiary.left_on.isoformat(),
        },
    )


def resigned(household: Any) -> NewEvent:
    return NewEvent(
        "household.resigned",
        household.uid,
        {
            "household": str(household.uid),
            "resigned_on": household.resigned_on.isoformat(),
            "reason": household.resignation_reason,
        },
    )


def registered(subject, payload: dict) -> list:
    """The beneficiaries an event registers: an enrolment's members, or the one added."""
    if "members" in payload:
        return [uuid.UUID(member["beneficiary"]) for member in payload["members"]]
    return [subject]


TRACES = [
    Trace("households enrolled", Household.objects.all, ("household.enrolled",)),
    Trace(
        "beneficiaries registered",
        Beneficiary.objects.all,
        ("household.enrolled", "beneficiary.added"),
        subjects=registered,
        needs_payload=True,
    ),
    Trace(
        "beneficiaries who left",
        lambda: Beneficiary.objects.filter(left_on__isnull=False),
        ("beneficiary.left",),
    ),
    Trace(
        "households resigned",
        lambda: Household.objects.filter(resigned_on__isnull=False),
        ("household.resigned",),
    ),
]


KINDS = [
    Kind("household.enrolled", _("Household enrolled")),
    Kind("beneficiary.added", _("Beneficiary added")),
    Kind("beneficiary.changed", _("Beneficiary changed"), Beneficiary),
    Kind("beneficiary.left", _("Beneficiary left the household")),
    Kind("household.resigned", _("Household resigned")),
]
