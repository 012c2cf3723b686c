"""Human-friendly numbers that check themselves (member numbers, receipt numbers).

The check character is Luhn's algorithm over base 36 (digits and letters, "Luhn mod N"): it
catches every single mistyped character and every swap of two different neighbours but one, the
two errors people make when copying a number from a card. The one swap it misses is "0Z" ↔ "Z0"
(like "09" ↔ "90" for Luhn in base 10): 0 and Z are the two characters whose doubled value and
plain value differ by the same amount modulo 36.
"""

import re

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BASE = len(ALPHABET)


def check_character(payload: str) -> str:
    """The Luhn mod 36 check character of an alphanumeric payload (case-insensitive)."""
    total = 0
    factor = 2
    for char in reversed(payload.upper()):
        value = ALPHABET.index(char) * factor
        total += value // BASE + value % BASE
        factor = 1 if factor == 2 else 2
    return ALPHABET[(BASE - total % BASE) % BASE]


def is_valid(number: str) -> bool:
    """Whether a number ends with the right check character (separators ignored)."""
    compact = compact_form(number)
    if len(compact) < 2 or not compact.isalnum():
        return False
    return check_character(compact[:-1]) == compact[-1]


def compact_form(number: str) -> str:
    """The number without separators or spaces, in capitals: what people may type."""
    return re.sub(r"[^0-9A-Za-z]", "", number).upper()


def member_number(mutual_code: str, sequence: int) -> str:
    """`MS0001-000123-K`: the mutual's code, a sequence number, a check character."""
    prefix = compact_form(mutual_code)
    body = f"{prefix}{sequence:06d}"
    return f"{prefix}-{sequence:06d}-{check_character(body)}"
