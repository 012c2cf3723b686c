"""Matching a bank statement with the books (pure): which line of the books each line of the
statement most likely is. A person confirms each proposal (accounting.services); what stays
unmatched on either side is listed for them to explain.

A statement line and a line of the books on the statement's account are a candidate pair when
their amounts are the same (money in: a debit of the books; money out: a credit) and their
dates at most `WINDOW` days apart (a transfer recorded the day it was ordered reaches the bank
a few days later). Among candidates, the one whose piece's reference the statement line names
comes first, then the nearest in date, then the earliest. Each line is proposed once."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 7  # days


@dataclass(frozen=True)
class Movement:
    """A line of either side: its key, its day, its amount (money in positive), and the words
    that may name it (a statement line's reference and label; an entry's piece)."""

    key: int
    date: datetime.date
    amount: int
    words: str


def names(statement_line: Movement, book_line: Movement) -> bool:
    reference = book_line.words.strip().lower()
    return bool(reference) and reference in statement_line.words.lower()


def proposals(
    statement: Sequence[Movement], books: Sequence[Movement], window: int = WINDOW
) -> dict[int, int]:
    """Statement line key → the books' line key proposed for it."""
    free = {line.key: line for line in books}
    proposed = {}
    for line in sorted(statement, key=lambda line: (line.date, line.key)):
        candidates = [
            book
            for book in free.values()
            if book.amount == line.amount and abs((book.date - line.date).days) <= window
        ]
        if not candidates:
            continue
        best = min(
            candidates,
            key=lambda book: (not names(line, book), abs((book.date - line.date).days), book.key),
        )
        proposed[line.key] = best.key
        del free[best.key]
    return proposed
