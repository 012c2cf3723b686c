"""The events of claims appended to the log (core.events) of the member's mutual, in the
transaction of the change, version 1:

- `claim.reviewed`, about the claim, when the medical advisor decides it: {"claim", "payer",
  "provider", "beneficiary", "service_from", "asked", "mutual_share", "member_share",
  "provider_loss", "copay", "lines": [{"line", "outcome", "mutual_share", "member_share",
  "provider_loss", "copay"}]} — the parts of each line and of the claim add up to what was asked;
- `letter.issued`, about the letter: {"letter", "number", "beneficiary", "provider",
  "service_category", "valid_from", "valid_until", "cap"};
- `letter.cancelled`: {"letter", "cancelled_on"}.

Uids as strings, dates ISO, amounts integers in the mutual's currency.
"""

from mutualis.claims.models import Claim, GuaranteeLetter
from mutualis.core.events import NewEvent

PARTS = ("mutual_share", "member_share", "provider_loss", "copay")


def reviewed(claim: Claim) -> NewEvent:
    return NewEvent(
        "claim.reviewed",
        claim.uid,
        {
            "claim": str(claim.uid),
            "payer": str(claim.payer.uid) if claim.payer_id else None,
            "provider": str(claim.provider.uid),
            "beneficiary": str(claim.beneficiary.uid),
            "service_from": claim.service_from.isoformat(),
            "asked": claim.asked,
            **{part: getattr(claim, part) for part in PARTS},
            "lines": [
                {
                    "line": str(line.uid),
                    "outcome": line.outcome,
                    **{part: getattr(line, part) for part in PARTS},
                }
                for line in claim.lines.order_by("position")
            ],
        },
    )


def letter_issued(letter: GuaranteeLetter) -> NewEvent:
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


def letter_cancelled(letter: GuaranteeLetter) -> NewEvent:
    return NewEvent(
        "letter.cancelled",
        letter.uid,
        {"letter": str(letter.uid), "cancelled_on": letter.cancelled_on.isoformat()},
    )
