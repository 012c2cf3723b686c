"""Signed member cards: the QR code of a card carries the member number and a signature, so
that a provider's clerk who scans it can tell a card made by the mutual from a forged one.

Payload, kept short so that the QR code stays small and easy to scan:

    MUTUALIS1:<member number>:<signature>

`MUTUALIS1` names the scheme and its version. The signature is the first 16 bytes (128 bits) of
HMAC-SHA256(secret, "MUTUALIS1:<member number>"), in base32 without padding (26 characters,
upper case). The colon rather than a bar as separator, and base32 rather than base64, keep the
whole payload inside the QR code's alphanumeric mode (digits, capitals, space and $%*+-./:),
which packs 5.5 bits a character instead of 8: a payload of about 50 characters fits a version 3
symbol (29 × 29 modules) at error correction level M. Member numbers (`MS0001-000123-K`, see
identifiers.py) contain no colon; a payload is split at its first and last colons anyway.

Secret (environment variable MUTUALIS_CARD_SECRET, read as settings.MUTUALIS_CARD_SECRET):
every installation that prints or checks cards of the same mutuals must share it — the mutual's
laptop and its union's server, for instance. When it is not set, the secret is derived from
SECRET_KEY as HMAC-SHA256(SECRET_KEY, "mutualis.card.v1"): a laptop installation works without
configuration, but changing SECRET_KEY then invalidates every card printed, which is why a
dedicated secret is better in production.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from django.conf import settings

SCHEME = "MUTUALIS1"
SEPARATOR = ":"
DERIVATION_LABEL = b"mutualis.card.v1"
SIGNATURE_BYTES = 16

Problem = Literal["unsigned", "forged", "malformed"]


@dataclass(frozen=True)
class CardReading:
    """What a scanned card says. `member_number` is the number the card claims (None when the
    payload cannot be read): trust it only when `valid`. `problem` says why it is not valid:
    "unsigned" (a number without a signature), "forged" (a signature that does not match),
    "malformed" (not a Mutualis card payload)."""

    member_number: str | None
    valid: bool
    problem: Problem | None = None


def card_secret() -> bytes:
    """The secret that signs cards: MUTUALIS_CARD_SECRET, else derived from SECRET_KEY."""
    secret = getattr(settings, "MUTUALIS_CARD_SECRET", None)
    if secret:
        return secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(settings.SECRET_KEY.encode(), DERIVATION_LABEL, hashlib.sha256).digest()


def card_signature(member_number: str) -> str:
    message = f"{SCHEME}{SEPARATOR}{member_number}".encode()
    digest = hmac.new(card_secret(), message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.b32encode(digest).decode("ascii").rstrip("=")


def card_payload(member_number: str) -> str:
    """The text of a card's QR code: `MUTUALIS1:<member number>:<signature>`."""
    if not member_number or SEPARATOR in member_number or member_number != member_number.strip():
        raise ValueError(f"cannot sign the member number {member_number!r}")
    return f"{SCHEME}{SEPARATOR}{member_number}{SEPARATOR}{card_signature(member_number)}"


def read_card(payload: str) -> CardReading:
    """Reads a scanned payload and checks its signature (in constant time)."""
    text = (payload or "").strip()
    prefix, separator, rest = text.partition(SEPARATOR)
    if not separator or prefix.upper() != SCHEME or not rest:
        return CardReading(None, False, "malformed")
    member_number, separator, signature = rest.rpartition(SEPARATOR)
    if not separator:
        # `MUTUALIS1:<number>`: a number without its signature
        return CardReading(rest, False, "unsigned")
    if not member_number:
        return CardReading(None, False, "malformed")
    if not signature:
        return CardReading(member_number, False, "unsigned")
    expected = card_signature(member_number)
    if hmac.compare_digest(signature.upper().encode(), expected.encode()):
        return CardReading(member_number, True)
    return CardReading(member_number, False, "forged")
