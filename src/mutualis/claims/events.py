"""The events of claims appended to the log (core.events) of the member's mutual, in the
transaction of the change, version 1.

Every claim submitted gets exactly one of
- `claim.adjudicated`, when adjudication decided it at once: its parts are final;
- `claim.submitted`, when adjudication sent it to the medical advisor: its parts are the
  adjudication's proposal, and `review_reasons` says why;
and a claim sent for review then gets
- `claim.reviewed`, when the medical advisor decides it: its parts are final.

The three carry the same payload: {"claim", "payer", "provider", "beneficiary", "service_from",
"service_to", "submitted_on", "decided_on" (the day of the review for `claim.reviewed`, else the
day submitted), "asked", "mutual_share", "member_share", "provider_loss",
"copay", "review_reasons", "lines": [{"position", "service_category", "outcome", "asked",
"mutual_share", "member_share", "provider_loss", "copay"}]}. The parts of each line and of the
claim add up to what was asked; `payer` is the party to the agreement the claim falls under
(another mutual's or a union's for portability), or null without one.

Guarantee letters:
- `letter.issued`, about the letter: {"letter", "number", "beneficiary", "provider",
  "service_category", "valid_from", "valid_until", "cap"};
- `letter.cancelled`: {"letter", "cancelled_on"}.

Uids as strings, dates ISO, amounts integers in the mutual's currency.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.claims.models import Claim, GuaranteeLetter
from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind

PARTS = ("mutual_share", "member_share", "provider_loss", "copay")
SUBMITTED = "claim.submitted"
ADJUDICATED = "claim.adjudicated"
REVIEWED = "claim.reviewed"


def claim_event(
    kind: str,
    claim: Any,
    *,
    payer: str | None,
    provider: str,
    beneficiary: str,
    lines: list[dict[str, Any]],
) -> NewEvent:
    """An event about a claim, from anything holding its fields (a model or the batch's row);
    the parties by uid."""
    service_from: datetime.date = claim.service_from
    reviewed_at = claim.reviewed_at if kind == REVIEWED else None
    decided_on = timezone.localdate(reviewed_at) if reviewed_at else claim.submitted_on
    return NewEvent(
        kind,
        claim.uid,
        {
            "claim": str(claim.uid),
            "payer": payer,
            "provider": provider,
            "beneficiary": beneficiary,
            "service_from": service_from.isoformat(),
            "service_to": (claim.service_to or service_from).isoformat(),
            "submitted_on": claim.submitted_on.isoformat(),
            "decided_on": decided_on.isoformat(),
            "asked": claim.asked,
            **{part: getattr(claim, part) for part in PARTS},
            "review_reasons": claim.review_reasons,
            "lines": lines,
        },
    )


def line_payload(position: int, service_category: str, decided: Any) -> dict[str, Any]:
    """A line of a claim's event; `decided` holds its outcome, amount asked and parts (the line
    itself, or adjudication's decision on it)."""
    return {
        "position": position,
        "service_category": service_category,
        "outcome": decided.outcome,
        "asked": decided.asked,
        **{part: getattr(decided, part) for part in PARTS},
    }


def reviewed(claim: Claim) -> NewEvent:
    return reviewed_from(
        claim,
        payer=str(claim.payer.uid) if claim.payer_id else None,
        provider=str(claim.provider.uid),
        beneficiary=str(claim.beneficiary.uid),
        lines=claim.lines.order_by("position"),
    )


def reviewed_from(
    claim: Any, *, payer: str | None, provider: str, beneficiary: str, lines: Iterable[Any]
) -> NewEvent:
    """`claim.reviewed` from anything holding the claim's fields and its lines', in order (a
    model or rows read back); the parties by uid."""
    return claim_event(
        REVIEWED,
        claim,
        payer=payer,
        provider=provider,
        beneficiary=beneficiary,
        lines=[line_payload(line.position, line.service_category, line) for line in lines],
    )


def letter_issued(letter: Any) -> NewEvent:
    """From a letter, or anything with its fields (its beneficiary and provider anything with
    their `uid`)."""
    return NewEvent(
        "letter.issued",
        letter.uid,
        {
            "letter": str(letter.uid),
            "number": letter.number,
            "beneficiary": str(letter.beneficiary.uid),
            "provider": str(letter.provider.uid),
            "service_category": letter.service_category,
            "valid_from": letter.valid_from.isoformat(),
            "valid_until": letter.valid_until.isoformat(),
            "cap": letter.cap,
        },
    )


def letter_cancelled(letter: Any) -> NewEvent:
    return NewEvent(
        "letter.cancelled",
        letter.uid,
        {"letter": str(letter.uid), "cancelled_on": letter.cancelled_on.isoformat()},
    )


TRACES = [
    Trace("claims", Claim.objects.all, (ADJUDICATED, SUBMITTED)),
    Trace("claims reviewed", lambda: Claim.objects.filter(reviewed_at__isnull=False), (REVIEWED,)),
    Trace("guarantee letters", GuaranteeLetter.objects.all, ("letter.issued",)),
    Trace(
        "guarantee letters cancelled",
        lambda: GuaranteeLetter.objects.filter(cancelled_on__isnull=False),
        ("letter.cancelled",),
    ),
]


KINDS = [
    Kind(ADJUDICATED, _("Claim decided on submission")),
    Kind(SUBMITTED, _("Claim submitted for medical review")),
    Kind(REVIEWED, _("Claim decided by the medical advisor")),
    Kind("letter.issued", _("Guarantee letter issued")),
    Kind("letter.cancelled", _("Guarantee letter cancelled")),
]
