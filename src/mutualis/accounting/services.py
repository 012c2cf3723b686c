"""Changes to the books made by people (docs/accounting.md): entries by hand (expenses, grants,
transfers, allocations to reserves), their reversal, and closing or reopening a month. Each
checks the acting user's role and scope, then everything it is given, and writes nothing
unless all is right; the database keeps the same rules below it."""

import contextlib
import datetime
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutualis.accounting import events
from mutualis.accounting.bank import WINDOW, Movement, proposals
from mutualis.accounting.cash import CASH_HEADING, box_balance
from mutualis.accounting.ledger import Chart, Draft, reverse, write_drafts
from mutualis.accounting.models import (
    Account,
    BankLine,
    BankStatement,
    CashCount,
    ClosedMonth,
    ClosedYear,
    Entry,
    Journal,
    Line,
    Mapping,
    Operation,
    Piece,
)
from mutualis.accounting.queries import month_figures
from mutualis.core.access import ancestor_paths
from mutualis.core.audit import audit_created, audit_record
from mutualis.core.events import append
from mutualis.core.formats import format_amount, format_date
from mutualis.core.imports import (
    Column,
    Problem,
    Table,
    cell_date,
    cell_text,
    cell_whole,
    read_table,
    text_problem,
)
from mutualis.core.models import AuditEntry
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import (
    BOOKKEEPERS,
    CASH_COUNTERS,
    CHART_EDITORS,
    PERIOD_REOPENERS,
    Role,
)
from mutualis.federation.services import require_in_scope_as


@dataclass(frozen=True)
class EntryLine:
    """A line as typed: the account's number, a debit or a credit (the other 0)."""

    account: str
    debit: int = 0
    credit: int = 0


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def is_closed(organisation: Organisation, day: datetime.date) -> bool:
    return ClosedMonth.objects.filter(
        mutual=organisation, month=month_of(day), reopened_at=None
    ).exists()


def accounts_for(organisation: Organisation) -> dict[str, Account]:
    """The accounts an organisation may post to, by number: the shipped chart's and those the
    unions above it added."""
    found = Account.objects.filter(
        Q(owner=None) | Q(owner__path__in=ancestor_paths(organisation.path))
    )
    return {account.number: account for account in found.order_by("owner_id")}


def line_errors(
    lines: Sequence[EntryLine], accounts: dict[str, Account], errors: dict[str, list[str]]
) -> None:
    for index, line in enumerate(lines):
        account = accounts.get(line.account.strip())
        if account is None:
            errors[f"lines.{index}.account"] = [
                _("There is no account %(number)s in the chart.") % {"number": line.account}
            ]
        elif not account.is_detail:
            errors[f"lines.{index}.account"] = [
                _(
                    "%(number)s heads a group of accounts: choose one of its accounts of three "
                    "digits or more."
                )
                % {"number": account.number}
            ]
        if line.debit < 0 or line.credit < 0 or (line.debit > 0) == (line.credit > 0):
            errors[f"lines.{index}.debit"] = [
                _("Give a positive amount, either as a debit or as a credit.")
            ]


# the journals an entry by hand may go to: the year end's are written by its closing alone
HAND_JOURNALS = (
    Journal.CASH,
    Journal.BANK,
    Journal.MOBILE_MONEY,
    Journal.OPERATIONS,
    Journal.GENERAL,
)
# a scanned piece: a PDF or a picture, recognised by its first bytes, whatever its name says
PIECE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
PIECE_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Scan:
    """A piece's file as uploaded."""

    name: str
    content: bytes


def piece_errors(piece: Scan | None, errors: dict[str, list[str]]) -> str:
    """The piece's content type, once its content is checked."""
    if piece is None:
        return ""
    if len(piece.content) > PIECE_MAX_BYTES:
        errors["piece"] = [
            _("The piece weighs more than %(size)s MB: scan it in a lower resolution.")
            % {"size": PIECE_MAX_BYTES // (1024 * 1024)}
        ]
        return ""
    for start, content_type in PIECE_TYPES.items():
        if piece.content.startswith(start):
            return content_type
    errors["piece"] = [_("A piece is a PDF, PNG or JPEG file; this file is none of them.")]
    return ""


@transaction.atomic
def entry_record(
    *,
    by: User | None,
    organisation: Organisation,
    journal: str,
    date: datetime.date,
    label: str,
    lines: Sequence[EntryLine],
    reference: str = "",
    cashier: User | None = None,
    piece: Scan | None = None,
) -> Entry:
    """Records an entry by hand, validated at once: its lines must balance. Its cash lines are
    in `cashier`'s cash box (the organisation's safe when none); `piece`: the scanned piece,
    kept with the entry."""
    require_in_scope_as(by, BOOKKEEPERS, organisation, "organisation")
    errors: dict[str, list[str]] = {}
    if journal not in HAND_JOURNALS:
        errors["journal"] = [
            _("Choose the cash, bank, mobile-money, operations or general journal.")
        ]
    if cashier is not None and cashier.organisation_id != organisation.pk:
        errors["cashier"] = [_("This person does not keep a cash box of this organisation.")]
    content_type = piece_errors(piece, errors)
    if not label.strip():
        errors["label"] = [_("Say what the entry records.")]
    if date > timezone.localdate():
        errors["date"] = [_("An entry cannot be dated in the future.")]
    elif is_closed(organisation, date):
        errors["date"] = [
            _(
                "%(month)s is closed: date the entry in an open month, or ask the union to "
                "reopen it."
            )
            % {"month": date.strftime("%m/%Y")}
        ]
    lines = [line for line in lines if line.account.strip() or line.debit or line.credit]
    if len(lines) < 2:
        errors["lines"] = [_("An entry has two lines or more.")]
    line_errors(lines, accounts := accounts_for(organisation), errors)
    debits, credits = sum(line.debit for line in lines), sum(line.credit for line in lines)
    if debits != credits and "lines" not in errors:
        errors["lines"] = [
            _("The entry does not balance: %(debits)s in debits, %(credits)s in credits.")
            % {
                "debits": format_amount(debits, organisation.currency),
                "credits": format_amount(credits, organisation.currency),
            }
        ]
    if errors:
        raise ValidationError(errors)
    draft = Draft(
        journal,
        date,
        label.strip(),
        reference.strip(),
        [
            (
                (account := accounts[line.account.strip()]).pk,
                line.debit,
                line.credit,
                cashier.uid if cashier and account.number.startswith(CASH_HEADING) else None,
            )
            for line in lines
        ],
    )
    (pk,) = write_drafts(organisation, [draft], by)
    entry = Entry.objects.get(pk=pk)
    if piece is not None:
        Piece.objects.create(
            mutual=organisation,
            entry=entry,
            file_name=piece.name[:200],
            content_type=content_type,
            size=len(piece.content),
            sha256=hashlib.sha256(piece.content).hexdigest(),
            content=piece.content,
        )
    audit_created(actor=by, obj=entry)
    append(organisation.pk, events.entry_written(entry), by)
    return entry


@transaction.atomic
def entry_reverse(*, by: User | None, entry: Entry, on: datetime.date | None = None) -> Entry:
    """Corrects a validated entry by its reversal, dated `on` (today by default) in an open
    month; the entry stays."""
    organisation = Organisation.objects.get(pk=entry.mutual_id)
    require_in_scope_as(by, BOOKKEEPERS, organisation, "entry")
    on = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if entry.reverses_id is not None or entry.reversals.exists():
        errors["entry"] = [_("This entry is a reversal or has been reversed already.")]
    if on > timezone.localdate():
        errors["on"] = [_("A reversal cannot be dated in the future.")]
    elif on < entry.date:
        errors["on"] = [
            _("A reversal cannot precede the entry it reverses (%(date)s).")
            % {"date": format_date(entry.date)}
        ]
    elif is_closed(organisation, on):
        errors["on"] = [_("This month is closed: date the reversal in an open month.")]
    if errors:
        raise ValidationError(errors)
    pk = reverse(organisation, entry, on, by=by)
    reversal = Entry.objects.get(pk=pk)
    audit_created(actor=by, obj=reversal)
    append(organisation.pk, events.entry_written(reversal), by)
    return reversal


@transaction.atomic
def month_close(
    *, by: User | None, organisation: Organisation, month: datetime.date
) -> ClosedMonth:
    """Closes a month that is over: no entry may be dated in it any more."""
    require_in_scope_as(by, BOOKKEEPERS, organisation, "organisation")
    month = month_of(month)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    if following > timezone.localdate():
        raise ValidationError({"month": [_("A month is closed once it is over.")]})
    if is_closed(organisation, month):
        raise ValidationError({"month": [_("This month is closed already.")]})
    closed = ClosedMonth.objects.create(mutual=organisation, month=month, closed_by=by)
    audit_created(actor=by, obj=closed)
    append(organisation.pk, events.month_changed(closed, month_figures(organisation, month)), by)
    return closed


def mark_reopened(by: User | None, closed: ClosedMonth | ClosedYear, reason: str) -> None:
    """Records who reopened a closed month or year, when and why, in its row and the audit."""
    closed.reopened_at = timezone.now()
    closed.reopened_by = by
    closed.reopen_reason = reason.strip()
    closed.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    audit_record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        obj=closed,
        changes={"reopen_reason": [None, closed.reopen_reason]},
    )


@transaction.atomic
def month_reopen(*, by: User | None, closed: ClosedMonth, reason: str) -> ClosedMonth:
    """Reopens a closed month: an act of the union, with its reason."""
    organisation = Organisation.objects.get(pk=closed.mutual_id)
    require_in_scope_as(by, PERIOD_REOPENERS, organisation, "month")
    closed = ClosedMonth.objects.select_for_update().get(pk=closed.pk)
    if closed.reopened_at is not None:
        raise ValidationError({"month": [_("This month has been reopened already.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for reopening the month.")]})
    mark_reopened(by, closed, reason)
    append(organisation.pk, events.month_changed(closed), by)
    return closed


# the kind of the entries a year's closing writes, which the closed months let pass
YEAR_CLOSING = "year.closed"
# the classes whose balances make the result, and those carried forward
RESULT_CLASSES = "678"


def own_balances(
    organisation: Organisation, start: datetime.date, end: datetime.date
) -> dict[tuple[int, str, uuid.UUID | None], int]:
    """Debit less credit of each (account, its number, party) of the organisation's own lines
    over [start, end]."""
    found: dict[tuple[int, str, uuid.UUID | None], int] = {}
    rows = (
        Line.objects.filter(mutual=organisation, date__range=(start, end))
        .values("account_id", "account__number", "party")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by("account__number", "party")
    )
    for row in rows:
        balance = row["debit"] - row["credit"]
        if balance:
            found[(row["account_id"], row["account__number"], row["party"])] = balance
    return found


def closing_lines(
    balances: dict[tuple[int, str, uuid.UUID | None], int],
) -> list[tuple[int, int, int, uuid.UUID | None]]:
    """The lines that bring each balance to nothing."""
    return [
        (account, max(-balance, 0), max(balance, 0), party)
        for (account, _number, party), balance in balances.items()
    ]


@transaction.atomic
def year_close(*, by: User | None, organisation: Organisation, year: int) -> ClosedYear:
    """Closes a year that is over: its result (income less expenses) is posted to the result
    account on its last day (131 a surplus, 139 a deficit, in the closing journal), the
    balances of classes 1 to 5 are carried forward by the opening entry of the next year's
    first day, and every month of the year is closed. The year before must be closed first
    when it has entries."""
    require_in_scope_as(by, BOOKKEEPERS, organisation, "organisation")
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if end >= timezone.localdate():
        raise ValidationError({"year": [_("A year is closed once it is over.")]})
    if ClosedYear.objects.filter(mutual=organisation, year=year, reopened_at=None).exists():
        raise ValidationError({"year": [_("This year is closed already.")]})
    before = datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31)
    if (
        Entry.objects.filter(mutual=organisation, date__range=before).exists()
        and not ClosedYear.objects.filter(
            mutual=organisation, year=year - 1, reopened_at=None
        ).exists()
    ):
        raise ValidationError(
            {"year": [_("Close %(year)s first: its balances open this year.") % {"year": year - 1}]}
        )
    accounts = accounts_for(organisation)
    with translation.override(settings.LANGUAGE_CODE):
        result_label = _("Result of %(year)s") % {"year": year}
        opening_label = _("Balances brought forward from %(year)s") % {"year": year}
    balances = own_balances(organisation, start, end)
    earned = {key: b for key, b in balances.items() if key[1][0] in RESULT_CLASSES}
    result = -sum(earned.values())  # income is credited: a surplus when positive
    drafts = []
    if earned:
        lines = closing_lines(earned)
        account = accounts["131" if result >= 0 else "139"]
        lines.append((account.pk, max(-result, 0), max(result, 0), None))
        drafts.append(
            Draft(Journal.CLOSING, end, result_label, str(year), lines, source_kind=YEAR_CLOSING)
        )
    carried = {key: b for key, b in balances.items() if key[1][0] not in RESULT_CLASSES}
    if result:
        key = (accounts["131" if result >= 0 else "139"].pk, "131" if result >= 0 else "139", None)
        carried[key] = carried.get(key, 0) - result
    carried = {key: b for key, b in carried.items() if b}
    if carried:
        lines = [
            (account, max(b, 0), max(-b, 0), party) for (account, _n, party), b in carried.items()
        ]
        drafts.append(
            Draft(
                Journal.OPENING,
                datetime.date(year + 1, 1, 1),
                opening_label,
                str(year),
                lines,
                source_kind=YEAR_CLOSING,
            )
        )
    ids = write_drafts(organisation, drafts, by)
    for month in range(1, 13):
        if not is_closed(organisation, datetime.date(year, month, 1)):
            closed_month = ClosedMonth.objects.create(
                mutual=organisation, month=datetime.date(year, month, 1), closed_by=by
            )
            append(organisation.pk, events.month_changed(closed_month), by)
    entries = dict(zip([d.journal for d in drafts], ids, strict=True))
    closed = ClosedYear.objects.create(
        mutual=organisation,
        year=year,
        result=result,
        result_entry_id=entries.get(Journal.CLOSING),
        opening_entry_id=entries.get(Journal.OPENING),
        closed_by=by,
    )
    audit_created(actor=by, obj=closed)
    append(organisation.pk, events.year_changed(closed), by)
    return closed


@transaction.atomic
def year_reopen(*, by: User | None, closed: ClosedYear, reason: str) -> ClosedYear:
    """Reopens a closed year: an act of the union, with its reason. Its result entry and its
    opening entry are reversed on their own days; its months stay closed until the union
    reopens the one to correct. The next year, when closed, is reopened first."""
    organisation = Organisation.objects.get(pk=closed.mutual_id)
    require_in_scope_as(by, PERIOD_REOPENERS, organisation, "year")
    closed = ClosedYear.objects.select_for_update().get(pk=closed.pk)
    if closed.reopened_at is not None:
        raise ValidationError({"year": [_("This year has been reopened already.")]})
    if ClosedYear.objects.filter(
        mutual=organisation, year=closed.year + 1, reopened_at=None
    ).exists():
        raise ValidationError(
            {
                "year": [
                    _("Reopen %(year)s first: it opens with this year's balances.")
                    % {"year": closed.year + 1}
                ]
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for reopening the year.")]})
    for entry in (closed.result_entry, closed.opening_entry):
        if entry is not None:
            reverse(organisation, entry, entry.date, source_kind=YEAR_CLOSING, by=by)
    mark_reopened(by, closed, reason)
    append(organisation.pk, events.year_changed(closed), by)
    return closed


# --- bank statements ------------------------------------------------------------------------

STATEMENT_COLUMNS = (
    Column("date", "date", "date", ("date_operation", "date_valeur", "value_date"), True),
    Column("label", "libelle", "label", ("description", "designation")),
    Column("reference", "reference", "reference", ("ref", "transaction_id", "id_transaction")),
    Column("amount", "montant", "amount"),
    Column("credit", "credit", "credit", ("entree", "money_in")),
    Column("debit", "debit", "debit", ("sortie", "money_out")),
)


@dataclass
class StatementImport:
    """What an import did: the statement written, or the problems that kept it from being."""

    file_name: str
    statement: BankStatement | None = None
    errors: list[Problem] = field(default_factory=list)


def statement_rows(
    table: Table, errors: list[Problem]
) -> list[tuple[datetime.date, str, str, int]]:
    """(date, label, reference, amount) of each row; its problems added to `errors`."""
    rows = []
    today = timezone.localdate()
    for number, values in table.rows:
        day = amount = None
        with contextlib.suppress(ValueError):
            day = cell_date(table.value(values, "date"))
        if day is None or day > today:
            errors.append(
                Problem(number, table.labels["date"], _("Write a past date, as 05/12/2026."))
            )
        with contextlib.suppress(ValueError):
            if "amount" in table.positions:
                amount = cell_signed(table.value(values, "amount"))
            else:
                amount = (cell_whole(table.value(values, "credit")) or 0) - (
                    cell_whole(table.value(values, "debit")) or 0
                )
        if not amount:
            column = "amount" if "amount" in table.positions else "credit"
            errors.append(
                Problem(
                    number,
                    table.labels.get(column, column),
                    _("Write an amount other than zero, in whole francs."),
                )
            )
        texts = []
        for key, limit in (("label", 200), ("reference", 60)):
            text = cell_text(table.value(values, key))
            if problem := text_problem(text, limit):
                errors.append(Problem(number, table.labels.get(key, key), problem))
            texts.append(text)
        if day is not None and amount:
            rows.append((day, texts[0], texts[1], amount))
    return rows


def cell_signed(value: object) -> int | None:
    """A whole amount, negative when it starts with a minus sign."""
    text = cell_text(value)
    if text.startswith(("-", "\u2212")):
        found = cell_whole(text[1:])
        return -found if found is not None else None
    return cell_whole(value)


@transaction.atomic
def bank_statement_import(
    *,
    by: User | None,
    organisation: Organisation,
    account_number: str,
    file_name: str,
    content: bytes,
) -> StatementImport:
    """Imports a statement of the bank (or microfinance institution, or mobile-money operator)
    of the account, CSV or Excel, every row or none."""
    require_in_scope_as(by, BOOKKEEPERS, organisation, "organisation")
    report = StatementImport(file_name)
    account = accounts_for(organisation).get(account_number.strip())
    if account is None or account.account_class != "5" or not account.is_detail:
        raise ValidationError(
            {"account": [_("Choose an account of cash, bank or mobile money (class 5).")]}
        )
    table, report.errors, _warnings = read_table(file_name, content, STATEMENT_COLUMNS)
    if table is not None:
        if "amount" not in table.positions and "credit" not in table.positions:
            report.errors.append(
                Problem(
                    None, "", _("The file needs a column of amounts, or of credits and debits.")
                )
            )
            return report
        rows = statement_rows(table, report.errors)
        if not rows and not report.errors:
            report.errors.append(Problem(None, "", _("The file holds no rows.")))
    if report.errors or table is None:
        return report
    statement = BankStatement.objects.create(
        mutual=organisation,
        account=account,
        file_name=file_name[:200],
        first_day=min(row[0] for row in rows),
        last_day=max(row[0] for row in rows),
        imported_by=by,
    )
    BankLine.objects.bulk_create(
        BankLine(
            mutual=organisation,
            statement=statement,
            date=day,
            label=label,
            reference=reference,
            amount=amount,
        )
        for day, label, reference, amount in rows
    )
    audit_created(actor=by, obj=statement)
    append(organisation.pk, events.statement_imported(statement), by)
    report.statement = statement
    return report


def book_movements(statement: BankStatement) -> list[Movement]:
    """The books' lines on the statement's account, from a window before its first day to one
    after its last, not matched yet."""
    matched = BankLine.objects.filter(mutual=statement.mutual_id, matched__isnull=False)
    lines = (
        Line.objects.filter(
            mutual=statement.mutual_id,
            account=statement.account_id,
            date__range=(
                statement.first_day - datetime.timedelta(days=WINDOW),
                statement.last_day + datetime.timedelta(days=WINDOW),
            ),
        )
        .exclude(pk__in=matched.values("matched_id"))
        .values_list("pk", "date", "debit", "credit", "entry__reference")
    )
    return [
        Movement(pk, day, debit - credit, reference) for pk, day, debit, credit, reference in lines
    ]


def statement_proposals(statement: BankStatement) -> dict[int, int]:
    """Bank line id → the books' line id proposed for it, for the lines not matched yet."""
    waiting = [
        Movement(pk, day, amount, f"{reference} {label}")
        for pk, day, amount, reference, label in statement.lines.filter(
            matched__isnull=True
        ).values_list("pk", "date", "amount", "reference", "label")
    ]
    return proposals(waiting, book_movements(statement))


@transaction.atomic
def bank_line_match(*, by: User | None, bank_line: BankLine, line: Line) -> BankLine:
    """Confirms that a statement's line is a line of the books: on the statement's account,
    the same amount, matched to nothing else."""
    bank_line = (
        BankLine.objects.select_for_update().select_related("statement").get(pk=bank_line.pk)
    )
    organisation = Organisation.objects.get(pk=bank_line.mutual_id)
    require_in_scope_as(by, BOOKKEEPERS, organisation, "bank_line")
    errors: dict[str, list[str]] = {}
    if bank_line.matched_id is not None:
        errors["bank_line"] = [_("This line of the statement is matched already.")]
    if line.mutual_id != bank_line.mutual_id or line.account_id != bank_line.statement.account_id:
        errors["line"] = [_("This line of the books is not on the statement's account.")]
    elif line.debit - line.credit != bank_line.amount:
        errors["line"] = [_("The amounts differ: only the same amount can be matched.")]
    elif BankLine.objects.filter(mutual=bank_line.mutual_id, matched=line).exists():
        errors["line"] = [_("This line of the books is matched to another line already.")]
    if errors:
        raise ValidationError(errors)
    bank_line.matched = line
    bank_line.matched_at = timezone.now()
    bank_line.matched_by = by
    bank_line.save(update_fields=["matched", "matched_at", "matched_by"])
    append(organisation.pk, events.bank_line_changed(bank_line, line), by)
    return bank_line


@transaction.atomic
def bank_line_unmatch(*, by: User | None, bank_line: BankLine) -> BankLine:
    """Undoes a match confirmed by mistake."""
    bank_line = BankLine.objects.select_for_update().get(pk=bank_line.pk)
    organisation = Organisation.objects.get(pk=bank_line.mutual_id)
    require_in_scope_as(by, BOOKKEEPERS, organisation, "bank_line")
    if bank_line.matched_id is None:
        raise ValidationError({"bank_line": [_("This line of the statement is not matched.")]})
    bank_line.matched = None
    bank_line.matched_at = None
    bank_line.matched_by = None
    bank_line.save(update_fields=["matched", "matched_at", "matched_by"])
    append(organisation.pk, events.bank_line_changed(bank_line, None), by)
    return bank_line


# --- the chart and the mapping of a union --------------------------------------------------

# The classes each operation may post to: money to class 5, what is owed to class 4, income to
# class 7, benefits to class 6.
CLASSES_OF: dict[str, str] = {
    Operation.CASH: "5",
    Operation.MOBILE_MONEY: "5",
    Operation.BANK_TRANSFER: "5",
    Operation.SAVINGS: "5",
    Operation.MEMBER_CONTRIBUTION: "7",
    Operation.REGISTRATION_FEE: "7",
    Operation.THIRD_PAYER_CONTRIBUTION: "7",
    Operation.THIRD_PAYER_RECEIVABLE: "4",
    Operation.CLAIMS: "6",
    Operation.CHARGED_BACK: "6",
    Operation.PROVIDER_PAYABLE: "4",
    Operation.CLEARING_RECEIVABLE: "4",
    Operation.CLEARING_PAYABLE: "4",
}


def require_union(organisation: Organisation) -> None:
    if organisation.kind == Organisation.Kind.MUTUAL:
        raise ValidationError(
            {"organisation": [_("The chart and its mapping are a union's, for its mutuals.")]}
        )


@transaction.atomic
def account_add(
    *, by: User | None, union: Organisation, number: str, label_fr: str, label_en: str
) -> Account:
    """Adds a detail account for the union's mutuals, under an account of the chart (its
    number starts with the number of an account of three digits or more)."""
    require_in_scope_as(by, CHART_EDITORS, union, "organisation")
    require_union(union)
    number = number.strip()
    errors: dict[str, list[str]] = {}
    known = accounts_for(union)
    if number in known:
        errors["number"] = [_("The chart has an account %(number)s already.") % {"number": number}]
    elif not number.isdigit() or len(number) < 4:
        errors["number"] = [_("Write the account's number, four digits or more.")]
    elif not any(number.startswith(n) for n in known if len(n) >= 3):
        errors["number"] = [
            _("The number must start with that of an account of the chart, such as 571.")
        ]
    for field_name, label in (("label_fr", label_fr), ("label_en", label_en)):
        if not label.strip():
            errors[field_name] = [_("Name the account.")]
    if errors:
        raise ValidationError(errors)
    account = Account.objects.create(
        owner=union, number=number, label_fr=label_fr.strip(), label_en=label_en.strip()
    )
    audit_created(actor=by, obj=account)
    append(union.pk, events.account_added(account), by)
    return account


@transaction.atomic
def mapping_change(
    *,
    by: User | None,
    union: Organisation,
    operation: str,
    account_number: str,
    valid_from: datetime.date,
) -> Mapping:
    """From `valid_from` on, the union's mutuals post `operation` to the account: never for
    the past, to an account of the class that takes it."""
    require_in_scope_as(by, CHART_EDITORS, union, "organisation")
    require_union(union)
    errors: dict[str, list[str]] = {}
    if operation not in CLASSES_OF:
        errors["operation"] = [_("Choose one of the operations.")]
    account = accounts_for(union).get(account_number.strip())
    if account is None or not account.is_detail:
        errors["account"] = [_("Choose an account of the chart of three digits or more.")]
    elif operation in CLASSES_OF and account.account_class != CLASSES_OF[operation]:
        errors["account"] = [
            _("This operation posts to an account of class %(class)s.")
            % {"class": CLASSES_OF[operation]}
        ]
    if valid_from <= timezone.localdate():
        errors["valid_from"] = [
            _("A mapping changes for the future: from tomorrow at the earliest.")
        ]
    elif Mapping.objects.filter(owner=union, operation=operation, valid_from=valid_from).exists():
        errors["valid_from"] = [_("This operation changes account on that day already.")]
    if errors or account is None:
        raise ValidationError(errors)
    mapping = Mapping.objects.create(
        owner=union, operation=operation, valid_from=valid_from, account=account
    )
    audit_created(actor=by, obj=mapping)
    append(union.pk, events.mapping_changed(mapping), by)
    return mapping


# --- the daily count of a cash box ---------------------------------------------------------


@transaction.atomic
def cash_count(
    *,
    by: User | None,
    organisation: Organisation,
    cashier: User,
    day: datetime.date,
    counted: int,
    explanation: str = "",
) -> CashCount:
    """Records the cash counted in a box at the end of `day` against what the books expect; a
    difference, explained, is posted in the cash journal that day: a shortage as an expense, a
    surplus as an income. A cashier counts their own box; each box is counted once a day."""
    require_in_scope_as(by, CASH_COUNTERS, organisation, "organisation")
    errors: dict[str, list[str]] = {}
    if by is not None and by.roles <= {Role.CASHIER} and by.pk != cashier.pk:
        errors["cashier"] = [_("A cashier counts their own cash box.")]
    if cashier.organisation_id != organisation.pk:
        errors["cashier"] = [_("This person does not keep a cash box of this organisation.")]
    if day > timezone.localdate():
        errors["day"] = [_("Cash is counted at the end of a day that has begun.")]
    elif ClosedMonth.objects.filter(
        mutual=organisation, month=day.replace(day=1), reopened_at=None
    ).exists():
        errors["day"] = [_("This month is closed: its cash can no longer be counted.")]
    elif CashCount.objects.filter(mutual=organisation, cashier=cashier, day=day).exists():
        errors["day"] = [
            _("This cash box was counted on %(day)s already.") % {"day": format_date(day)}
        ]
    if counted < 0:
        errors["counted"] = [_("The cash counted cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    expected = box_balance(organisation, cashier, day)
    difference = counted - expected
    if difference and not explanation.strip():
        raise ValidationError(
            {
                "explanation": [
                    _(
                        "The count differs from the %(expected)s the books expect by "
                        "%(difference)s: explain the difference."
                    )
                    % {
                        "expected": format_amount(expected, organisation.currency),
                        "difference": format_amount(difference, organisation.currency),
                    }
                ]
            }
        )
    entry = None
    if difference:
        entry = difference_entry(by, organisation, cashier, day, difference, explanation)
    count = CashCount.objects.create(
        mutual=organisation,
        cashier=cashier,
        day=day,
        expected=expected,
        counted=counted,
        explanation=explanation.strip(),
        entry=entry,
        recorded_by=by,
    )
    audit_created(actor=by, obj=count)
    append(organisation.pk, events.cash_counted(count), by)
    return count


@transaction.atomic
def cash_hand_over(
    *,
    by: User | None,
    organisation: Organisation,
    giver: User | None,
    taker: User | None,
    amount: int,
    day: datetime.date,
    note: str = "",
) -> Entry:
    """Records cash handed from one box to another (a cashier's takings to the safe, the safe's
    float to a cashier) as one entry of the cash journal: the taker's box debited, the giver's
    credited. None is the organisation's safe. A cashier hands over their own box's cash, never
    more than it holds at the end of the day."""
    require_in_scope_as(by, CASH_COUNTERS, organisation, "organisation")
    errors: dict[str, list[str]] = {}
    for name, person in (("giver", giver), ("taker", taker)):
        if person is not None and person.organisation_id != organisation.pk:
            errors[name] = [_("This person does not keep a cash box of this organisation.")]
    if giver == taker and "taker" not in errors:
        errors["taker"] = [_("Cash is handed over to another box.")]
    if by is not None and by.roles <= {Role.CASHIER} and (giver is None or by.pk != giver.pk):
        errors["giver"] = [_("A cashier hands over the cash of their own box.")]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("The cash handed over is a positive whole amount.")]
    if day > timezone.localdate():
        errors["day"] = [_("Cash cannot be handed over in the future.")]
    elif is_closed(organisation, day):
        errors["day"] = [_("This month is closed: date the handover in an open month.")]
    if not errors:
        held = box_balance(organisation, giver, day)
        if amount > held:
            errors["amount"] = [
                _("The box holds %(held)s at the end of that day: it cannot hand over more.")
                % {"held": format_amount(held, organisation.currency)}
            ]
    if errors:
        raise ValidationError(errors)
    cash = Chart().account(organisation.path, Operation.CASH, day)
    with translation.override(settings.LANGUAGE_CODE):  # an entry is written once
        if taker is None:
            label = _("Cash handed over to the safe by %(giver)s") % {"giver": giver}
        elif giver is None:
            label = _("Cash handed over from the safe to %(taker)s") % {"taker": taker}
        else:
            label = _("Cash handed over by %(giver)s to %(taker)s") % {
                "giver": giver,
                "taker": taker,
            }
    draft = Draft(
        "CA",
        day,
        label,
        note.strip(),
        [
            (cash, amount, 0, taker.uid if taker else None),
            (cash, 0, amount, giver.uid if giver else None),
        ],
    )
    (pk,) = write_drafts(organisation, [draft], by)
    entry = Entry.objects.get(pk=pk)
    audit_created(actor=by, obj=entry)
    append(organisation.pk, events.entry_written(entry), by)
    return entry


# the kind of the entries a count's difference writes
COUNTED = "cash.counted"


def difference_entry(
    by: User | None,
    organisation: Organisation,
    cashier: User,
    day: datetime.date,
    difference: int,
    explanation: str,
) -> Entry:
    chart = Chart()
    cash = chart.account(organisation.path, Operation.CASH, day)
    if difference < 0:
        other = chart.account(organisation.path, Operation.CASH_SHORTAGE, day)
        lines = [(other, -difference, 0, None), (cash, 0, -difference, cashier.uid)]
    else:
        other = chart.account(organisation.path, Operation.CASH_SURPLUS, day)
        lines = [(cash, difference, 0, cashier.uid), (other, 0, difference, None)]
    with translation.override(settings.LANGUAGE_CODE):  # an entry is written once
        label = _("Cash count of %(cashier)s: %(explanation)s") % {
            "cashier": cashier,
            "explanation": explanation.strip(),
        }
    draft = Draft(Journal.CASH, day, label, "", lines, source_kind=COUNTED)
    (pk,) = write_drafts(organisation, [draft], by)
    return Entry.objects.get(pk=pk)
