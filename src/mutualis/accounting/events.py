"""The events the books append to the log of the organisation whose books they are, in the
transaction of the change, version 1: what people do in the books (the automatic entries are
the operations' events themselves, posted, and log nothing more). Monitoring reads the figures
of the closed months from them.

- `entry.recorded`, an entry by hand, about the entry: {"entry", "journal", "year", "number",
  "date", "label", "reference", "lines": [{"account", "debit", "credit"}]};
- `entry.reversed`, its reversal by hand, about the reversal: the same, with "reverses";
- `month.closed`, `month.reopened`, about the closing: {"month", "reason"}; a closing adds
  "figures", what the month's books tell the monitoring by its base figures' codes
  (`queries.month_figures`): they are final once the month is closed, withdrawn when it is
  reopened;
- `bank_statement.imported`, about the statement: {"statement", "account", "first_day",
  "last_day", "lines", "money_in", "money_out"}; `bank_line.matched` (with the entry of the
  books' line) and `bank_line.unmatched`, about the statement's line: {"bank_line", "entry",
  "amount"};
- `account.added` (a union's detail account: {"number", "label_fr", "label_en"}) and
  `mapping.changed` ({"operation", "account", "valid_from"}), in the union's log;
- `year.closed`, `year.reopened`, about the closing: {"year", "result", "result_entry",
  "opening_entry", "reason"} (the entries' uids; their lines are the year's balances, read
  from the books; reopening reverses both);
- `cash.counted`, about the count: {"cashier", "day", "expected", "counted", "explanation",
  "entry"} (the entry posting the difference, if any).

Uids as strings, dates ISO, accounts by number, amounts integers in the currency's unit.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from mutualis.accounting.models import (
    Account,
    BankLine,
    BankStatement,
    CashCount,
    ClosedMonth,
    ClosedYear,
    Entry,
    Line,
    Mapping,
)
from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind

ENTRY_RECORDED = "entry.recorded"
ENTRY_REVERSED = "entry.reversed"
MONTH_CLOSED = "month.closed"
MONTH_REOPENED = "month.reopened"
YEAR_CLOSED = "year.closed"
YEAR_REOPENED = "year.reopened"
CASH_COUNTED = "cash.counted"
STATEMENT_IMPORTED = "bank_statement.imported"
ACCOUNT_ADDED = "account.added"
MAPPING_CHANGED = "mapping.changed"
BANK_LINE_MATCHED = "bank_line.matched"
BANK_LINE_UNMATCHED = "bank_line.unmatched"


def entry_written(entry: Entry) -> NewEvent:
    return entry_event(
        entry,
        entry.lines.order_by("pk").values_list("account__number", "debit", "credit"),
        reverses=entry.reverses.uid if entry.reverses else None,
    )


def entry_event(
    entry: Any, lines: Iterable[tuple[str, int, int]], reverses: Any = None
) -> NewEvent:
    """The event of an entry by hand, from anything holding its fields, its lines as (account
    number, debit, credit) and the uid of the entry it reverses."""
    return NewEvent(
        ENTRY_REVERSED if reverses else ENTRY_RECORDED,
        entry.uid,
        {
            "entry": str(entry.uid),
            "journal": entry.journal,
            "year": entry.year,
            "number": entry.number,
            "date": entry.date.isoformat(),
            "label": entry.label,
            "reference": entry.reference,
            "reverses": str(reverses) if reverses else None,
            "lines": [
                {"account": number, "debit": debit, "credit": credit}
                for number, debit, credit in lines
            ],
        },
    )


def month_changed(closed: ClosedMonth, figures: dict[str, int] | None = None) -> NewEvent:
    """`month.closed` with the month's figures for the monitoring, or `month.reopened`."""
    payload: dict[str, Any] = {"month": closed.month.isoformat(), "reason": closed.reopen_reason}
    if not closed.reopened_at:
        payload["figures"] = figures or {}
    return NewEvent(MONTH_REOPENED if closed.reopened_at else MONTH_CLOSED, closed.uid, payload)


def year_changed(closed: ClosedYear) -> NewEvent:
    """`year.closed`, or `year.reopened` with its reason (both entries then reversed)."""
    return NewEvent(
        YEAR_REOPENED if closed.reopened_at else YEAR_CLOSED,
        closed.uid,
        {
            "year": closed.year,
            "result": closed.result,
            "result_entry": str(closed.result_entry.uid) if closed.result_entry else None,
            "opening_entry": str(closed.opening_entry.uid) if closed.opening_entry else None,
            "reason": closed.reopen_reason,
        },
    )


def cash_counted(count: CashCount) -> NewEvent:
    return NewEvent(
        CASH_COUNTED,
        count.uid,
        {
            "cashier": str(count.cashier.uid),
            "day": count.day.isoformat(),
            "expected": count.expected,
            "counted": count.counted,
            "explanation": count.explanation,
            "entry": str(count.entry.uid) if count.entry else None,
        },
    )


def statement_imported(statement: BankStatement) -> NewEvent:
    amounts = list(statement.lines.values_list("amount", flat=True))
    return NewEvent(
        STATEMENT_IMPORTED,
        statement.uid,
        {
            "statement": str(statement.uid),
            "account": statement.account.number,
            "first_day": statement.first_day.isoformat(),
            "last_day": statement.last_day.isoformat(),
            "lines": len(amounts),
            "money_in": sum(a for a in amounts if a > 0),
            "money_out": -sum(a for a in amounts if a < 0),
        },
    )


def bank_line_changed(bank_line: BankLine, line: Line | None) -> NewEvent:
    """`bank_line.matched` with the entry of the books' line, or `bank_line.unmatched`."""
    return NewEvent(
        BANK_LINE_MATCHED if line else BANK_LINE_UNMATCHED,
        bank_line.uid,
        {
            "bank_line": str(bank_line.uid),
            "entry": str(line.entry.uid) if line else None,
            "amount": bank_line.amount,
        },
    )


def account_added(account: Account) -> NewEvent:
    return NewEvent(
        ACCOUNT_ADDED,
        account.uid,
        {"number": account.number, "label_fr": account.label_fr, "label_en": account.label_en},
    )


def mapping_changed(mapping: Mapping) -> NewEvent:
    return NewEvent(
        MAPPING_CHANGED,
        mapping.uid,
        {
            "operation": mapping.operation,
            "account": mapping.account.number,
            "valid_from": mapping.valid_from.isoformat(),
        },
    )


TRACES = [
    Trace(
        "entries by hand",
        lambda: Entry.objects.filter(source=None, reverses=None, source_kind=""),
        (ENTRY_RECORDED,),
    ),
    Trace("years of the books closed", ClosedYear.objects.all, (YEAR_CLOSED,)),
    Trace(
        "years of the books reopened",
        lambda: ClosedYear.objects.filter(reopened_at__isnull=False),
        (YEAR_REOPENED,),
    ),
    Trace("cash counted", CashCount.objects.all, (CASH_COUNTED,)),
    Trace("bank statements", BankStatement.objects.all, (STATEMENT_IMPORTED,)),
    Trace("a union's accounts", lambda: Account.objects.exclude(owner=None), (ACCOUNT_ADDED,)),
    Trace("a union's mapping", lambda: Mapping.objects.exclude(owner=None), (MAPPING_CHANGED,)),
    Trace(
        "entries reversed by hand",
        lambda: Entry.objects.filter(source=None, reverses__isnull=False, source_kind=""),
        (ENTRY_REVERSED,),
    ),
    Trace("months of the books closed", ClosedMonth.objects.all, (MONTH_CLOSED,)),
    Trace(
        "months of the books reopened",
        lambda: ClosedMonth.objects.filter(reopened_at__isnull=False),
        (MONTH_REOPENED,),
    ),
]

KINDS = [
    Kind(ENTRY_RECORDED, _("Entry recorded in the books")),
    Kind(ENTRY_REVERSED, _("Entry of the books reversed")),
    Kind(MONTH_CLOSED, _("Month of the books closed")),
    Kind(MONTH_REOPENED, _("Month of the books reopened")),
    Kind(YEAR_CLOSED, _("Year of the books closed")),
    Kind(YEAR_REOPENED, _("Year of the books reopened")),
    Kind(CASH_COUNTED, _("Cash counted at the end of the day")),
    Kind(STATEMENT_IMPORTED, _("Bank statement imported")),
    Kind(ACCOUNT_ADDED, _("Account added to the chart")),
    Kind(MAPPING_CHANGED, _("Account of an operation changed")),
    Kind(BANK_LINE_MATCHED, _("Bank statement line matched")),
    Kind(BANK_LINE_UNMATCHED, _("Bank statement line unmatched")),
]
