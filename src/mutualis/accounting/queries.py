"""Reading the books: balances per account for an organisation or a union's subtree, the
charge-backs between the organisations of the subtree eliminated (docs/accounting.md)."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from mutualis.accounting.models import (
    Account,
    ClosedYear,
    Entry,
    Journal,
    Line,
    Mapping,
    Operation,
    Piece,
)
from mutualis.accounting.prudential import (
    BaseFigures,
    Figure,
    base_figures,
    figures,
    thresholds_for,
)
from mutualis.core.access import ancestor_paths
from mutualis.core.sql import table
from mutualis.federation.models import Organisation

# the accounts whose balances between organisations of one union cancel out in its figures
CLEARING = (Operation.CLEARING_RECEIVABLE, Operation.CLEARING_PAYABLE)


@dataclass(frozen=True)
class Balance:
    account: Account
    debit: int
    credit: int

    @property
    def balance(self) -> int:
        """Debit balance when positive, credit balance when negative."""
        return self.debit - self.credit

    @property
    def debit_balance(self) -> int:
        return max(self.balance, 0)

    @property
    def credit_balance(self) -> int:
        return max(-self.balance, 0)


def subtree(organisation: Organisation) -> list[Organisation]:
    return list(Organisation.objects.filter(path__startswith=organisation.path))


def clearing_accounts() -> list[int]:
    return list(
        Mapping.objects.filter(operation__in=CLEARING)
        .values_list("account_id", flat=True)
        .distinct()
    )


def trial_balance(
    organisation: Organisation, start: datetime.date, end: datetime.date
) -> list[Balance]:
    """Debits and credits of each account over [start, end] for the organisation and every
    organisation below it, validated entries only; a charge-back between two of them (on the
    clearing accounts, the other party inside the subtree) is left out of a union's figures."""
    members = subtree(organisation)
    ids = [o.pk for o in members]
    party = Line._meta.get_field("party")
    internal = (
        [party.get_db_prep_value(o.uid, connection) for o in members] if len(members) > 1 else []
    )
    sums = sums_by_account(ids, start, end, clearing_accounts() if internal else [], internal)
    accounts = Account.objects.in_bulk(sums.keys())
    return sorted(
        (
            Balance(accounts[pk], debit, credit)
            for pk, (debit, credit) in sums.items()
            if debit or credit
        ),
        key=lambda b: b.account.number,
    )


def sums_by_account(
    organisation_ids: Sequence[int],
    start: datetime.date,
    end: datetime.date,
    clearing: Sequence[int],
    internal_parties: Sequence[object],
) -> dict[int, tuple[int, int]]:
    marks = ", ".join(["%s"] * len(organisation_ids))
    # For most of the organisations (a national union's figures), one reading of every line
    # beats one search of the index per organisation: `+` keeps the index out (3.2 s against
    # 2.6 s over 5 million lines); for a few, the index reads only theirs.
    most = len(organisation_ids) * 5 >= Organisation.objects.count() * 4
    # every line is a validated entry's: an entry is validated in the transaction that writes
    # it (accounting.ledger), so no draft outlives it
    # the year-end closing's result entry is left out: the statements show the year before it
    sql = (
        f"SELECT account_id, SUM(debit), SUM(credit) FROM {table(Line)}"
        f" WHERE {'+' if most else ''}mutual_id IN ({marks})"
        f" AND date BETWEEN %s AND %s AND journal <> %s"
    )
    params: list[object] = [*organisation_ids, start, end, Journal.CLOSING.value]
    if clearing and internal_parties:
        sql += (
            f" AND NOT (account_id IN ({', '.join(['%s'] * len(clearing))})"
            f" AND party IN ({', '.join(['%s'] * len(internal_parties))}))"
        )
        params += [*clearing, *internal_parties]
    sql += " GROUP BY account_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: (int(debit), int(credit)) for pk, debit, credit in cursor.fetchall()}


# class 8's headings of expenses; its others are income (81 book value of assets sold and
# 83 expenses outside ordinary activities, against 82 and 84)
EXPENSE_HEADINGS_OF_CLASS_8 = {"81", "83"}


@dataclass(frozen=True)
class Heading:
    account: Account  # the two-digit heading
    amount: int


@dataclass(frozen=True)
class IncomeStatement:
    expenses: list[Heading]
    income: list[Heading]

    @property
    def total_expenses(self) -> int:
        return sum(h.amount for h in self.expenses)

    @property
    def total_income(self) -> int:
        return sum(h.amount for h in self.income)

    @property
    def result(self) -> int:
        """A surplus when positive, a deficit when negative."""
        return self.total_income - self.total_expenses

    @property
    def deficit(self) -> int:
        return max(-self.result, 0)


def income_statement(
    organisation: Organisation, start: datetime.date, end: datetime.date, *, detail: bool = False
) -> IncomeStatement:
    """Expenses (class 6, and 81, 83) and income (class 7, and 82, 84) by heading over [start,
    end] (by account with `detail`, as the normal system shows them), from the trial balance:
    an expense is a debit balance, an income a credit one."""
    by_heading: dict[str, int] = {}
    accounts: dict[str, Account] = {}
    for balance in trial_balance(organisation, start, end):
        number = balance.account.number
        if number[0] in "678":
            key = number if detail else number[:2]
            by_heading[key] = by_heading.get(key, 0) + balance.balance
            accounts[number] = balance.account
    headings = (
        accounts
        if detail
        else {a.number: a for a in Account.objects.filter(owner=None, number__in=by_heading)}
    )

    def is_expense(heading: str) -> bool:
        return heading[0] == "6" or heading[:2] in EXPENSE_HEADINGS_OF_CLASS_8

    return IncomeStatement(
        expenses=[
            Heading(headings[h], amount)
            for h, amount in sorted(by_heading.items())
            if is_expense(h) and amount
        ],
        income=[
            Heading(headings[h], -amount)
            for h, amount in sorted(by_heading.items())
            if not is_expense(h) and amount
        ],
    )


def entries(
    organisation: Organisation, start: datetime.date, end: datetime.date, journal: str = ""
) -> QuerySet[Entry]:
    """The organisation's own entries over [start, end] (of one journal, or all), in the order of
    their journals and numbers, each with its lines and their accounts."""
    found = Entry.objects.filter(mutual=organisation, date__range=(start, end))
    if journal:
        found = found.filter(journal=journal)
    return found.order_by("date", "journal", "number").prefetch_related(
        Prefetch("lines", queryset=Line.objects.select_related("account").order_by("pk")),
        Prefetch("pieces", queryset=Piece.objects.only("pk", "entry_id", "file_name")),
    )


@dataclass(frozen=True)
class BalanceSheet:
    """What an organisation owns and what it owes at the end of a year: each account of classes
    1 to 5 on the side of its balance (classes 2 and 3 always among the assets, their
    depreciation deducted), the year's result, and the results of earlier years not closed
    yet (their balances have not been carried forward)."""

    assets: list[Balance]
    liabilities: list[Balance]
    result: int  # of the year, a surplus when positive
    earlier_results: int = 0

    @property
    def total_assets(self) -> int:
        return sum(b.balance for b in self.assets)

    @property
    def total_liabilities(self) -> int:
        return -sum(b.balance for b in self.liabilities) + self.result + self.earlier_results


# before any book kept in Mutualis
BEGINNING = datetime.date(2000, 1, 1)


def balance_sheet(organisation: Organisation, end: datetime.date) -> BalanceSheet:
    """At the end of the day `end`, with the result of its year so far. For each organisation (a
    union's sheet sums its members', the charge-backs between them left out), its lines since
    its last closed year before `end`'s: the opening balances that closing carried into the
    next year, then every movement."""
    year = end.year
    start = datetime.date(year, 1, 1)
    members = subtree(organisation)
    party = Line._meta.get_field("party")
    internal = (
        [party.get_db_prep_value(o.uid, connection) for o in members] if len(members) > 1 else []
    )
    clearing = clearing_accounts() if internal else []
    last_closed = dict(
        ClosedYear.objects.filter(mutual__in=members, year__lt=year, reopened_at=None)
        .values("mutual_id")
        .annotate(last=Max("year"))
        .values_list("mutual_id", "last")
    )
    numbers = dict(Account.objects.values_list("pk", "number"))
    totals: dict[int, list[int]] = {}
    result = earlier = 0
    # one reading per starting day (most organisations share theirs), not per organisation
    by_start: dict[datetime.date, list[int]] = {}
    for member in members:
        last = last_closed.get(member.pk)
        by_start.setdefault(datetime.date(last + 1, 1, 1) if last else BEGINNING, []).append(
            member.pk
        )
    for since, ids in by_start.items():
        for pk, (debit, credit) in sums_by_account(ids, since, end, clearing, internal).items():
            if numbers[pk][0] in "678":
                earlier += credit - debit
            else:
                total = totals.setdefault(pk, [0, 0])
                total[0] += debit
                total[1] += credit
        for pk, (debit, credit) in sums_by_account(ids, start, end, clearing, internal).items():
            if numbers[pk][0] in "678":
                result += credit - debit
    earlier -= result
    accounts = Account.objects.in_bulk(totals.keys())
    assets, liabilities = [], []
    for pk in sorted(totals, key=lambda pk: numbers[pk]):
        balance = Balance(accounts[pk], *totals[pk])
        if numbers[pk][0] in "23" or (numbers[pk][0] in "45" and balance.balance > 0):
            assets.append(balance)
        elif balance.balance:
            liabilities.append(balance)
    return BalanceSheet(assets, liabilities, result, earlier)


@dataclass(frozen=True)
class InForce:
    operation: str
    label: str
    account: Account
    since: datetime.date
    owner: Organisation | None
    next_change: Mapping | None  # a change to come


def mappings_for(organisation: Organisation, on: datetime.date | None = None) -> list[InForce]:
    """For each operation, the account it posts to today at `organisation` (the nearest owner's
    mapping in force), and the next change to come."""
    on = on or timezone.localdate()
    paths = [*reversed(ancestor_paths(organisation.path)), None]
    found = list(
        Mapping.objects.filter(Q(owner=None) | Q(owner__path__in=paths[:-1])).select_related(
            "account", "owner"
        )
    )
    rank = {path: index for index, path in enumerate(paths)}

    def nearest_first(mapping: Mapping) -> tuple[int, int]:
        """The nearest owner's first, then the latest."""
        owner_path = mapping.owner.path if mapping.owner else None
        return rank[owner_path], -mapping.valid_from.toordinal()

    rows = []
    for operation, label in Operation.choices:
        mine = [m for m in found if m.operation == operation]
        current = next((m for m in sorted(mine, key=nearest_first) if m.valid_from <= on), None)
        coming = min(
            (m for m in mine if m.valid_from > on), key=lambda m: m.valid_from, default=None
        )
        if current is not None:
            rows.append(
                InForce(
                    operation,
                    str(label),
                    current.account,
                    current.valid_from,
                    current.owner,
                    coming,
                )
            )
    return rows


def prudential_figures(organisation: Organisation, year: int) -> tuple[BaseFigures, list[Figure]]:
    """The year's prudential figures (accounting.prudential) from its trial balance and its
    balance sheet, against the thresholds of the settings."""
    movements = {
        b.account.number: b.balance
        for b in trial_balance(organisation, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    }
    sheet = balance_sheet(organisation, datetime.date(year, 12, 31))
    end = {b.account.number: b.balance for b in [*sheet.assets, *sheet.liabilities]}
    base = base_figures(movements, end)
    return base, figures(base, country_thresholds(organisation))


def country_thresholds(organisation: Organisation) -> dict[str, int | None]:
    """The prudential thresholds of the organisation's country (settings)."""
    place = organisation.location
    country = place.country_code if place else ""
    return thresholds_for(country, settings.MUTUALIS_PRUDENTIAL_THRESHOLDS)


# the headings of class 1 that are the organisation's own funds; the others (15 provisions, 16
# loans and beyond) are debts
EQUITY_HEADINGS = ("10", "11", "12", "13", "14")


def month_figures(organisation: Organisation, month: datetime.date) -> dict[str, int]:
    """What a month of an organisation's books tells the monitoring, by its base figures' codes
    (docs/monitoring.md): the month's management costs, total expenses and result; at its end
    the cash, the short-term debts, the equity, the total assets, the other liabilities and the
    reserves; and the reserves the prudential rules ask for (the country's minimum, in months of
    the benefits of the twelve months ending with this one), where the country sets one."""
    last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    first = month.year * 12 + month.month - 1 - 11  # the twelve months' first, as an index
    twelve_start = datetime.date(first // 12, first % 12 + 1, 1)
    movements = {b.account.number: b.balance for b in trial_balance(organisation, month, last)}
    twelve = {b.account.number: b.balance for b in trial_balance(organisation, twelve_start, last)}
    sheet = balance_sheet(organisation, last)
    end = {b.account.number: b.balance for b in [*sheet.assets, *sheet.liabilities]}
    base = base_figures(movements, end)
    statement = income_statement(organisation, month, last)
    equity = (
        sheet.result
        + sheet.earlier_results
        - sum(balance for number, balance in end.items() if number.startswith(EQUITY_HEADINGS))
    )
    found = {
        "operating_expenses": base.management_costs,
        "total_expenses": statement.total_expenses,
        "net_income": statement.result,
        "cash": base.cash,
        "short_term_liabilities": base.short_term_debts,
        "equity": equity,
        "total_assets": sheet.total_assets,
        "liabilities": sheet.total_liabilities - equity,
        "reserves": base.reserves,
    }
    minimum = country_thresholds(organisation).get("reserve_months_min")
    if minimum is not None:
        # the minimum is in basis points of a month: 12 months of 10,000 points each
        found["reserves_minimum"] = round(base_figures(twelve, end).benefits * minimum / 120_000)
    return found


@dataclass(frozen=True)
class CashFlows:
    """Where the money of a period came from and went (the normal system's summary of funds):
    the cash (class 5) at the start, each counterpart account's net flow — money in when
    positive — and the cash at the end, which the flows explain to the franc."""

    opening: int
    flows: list[Balance]  # by counterpart account: credit less debit is money in
    closing: int

    @property
    def net(self) -> int:
        return sum(-b.balance for b in self.flows)


def cash_in(sheet: BalanceSheet) -> int:
    """The class 5 balances of a balance sheet."""
    return sum(b.balance for b in [*sheet.assets, *sheet.liabilities] if b.account.number[0] == "5")


SheetAt = Callable[[datetime.date], BalanceSheet]


def cash_flows(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    sheet_at: SheetAt | None = None,
) -> CashFlows:
    """The movements of cash over [start, end] by what they paid for or came from: the lines of
    every entry that moves cash, but its cash lines, summed by account, money in when credited.
    A transfer between two cash accounts moves nothing; the year's opening and closing entries
    are not movements. `sheet_at`: the organisation's balance sheet at a day, when the caller
    reads the same ones for its own tables (statements.statements)."""
    sheet_at = sheet_at or (lambda day: balance_sheet(organisation, day))
    ids = [o.pk for o in subtree(organisation)]
    cash = list(Account.objects.filter(number__startswith="5").values_list("pk", flat=True))
    marks, cash_marks = ", ".join(["%s"] * len(ids)), ", ".join(["%s"] * len(cash))
    lines = table(Line)
    sql = (
        f"SELECT other.account_id, SUM(other.debit), SUM(other.credit) FROM {lines} other"
        f" WHERE other.mutual_id IN ({marks}) AND other.date BETWEEN %s AND %s"
        f" AND other.journal NOT IN (%s, %s) AND other.account_id NOT IN ({cash_marks})"
        f" AND other.entry_id IN (SELECT entry_id FROM {lines} WHERE mutual_id IN ({marks})"
        f" AND date BETWEEN %s AND %s AND account_id IN ({cash_marks}))"
        " GROUP BY other.account_id"
    )
    journals = [Journal.OPENING.value, Journal.CLOSING.value]
    params = [*ids, start, end, *journals, *cash, *ids, start, end, *cash]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        sums = {pk: (int(debit), int(credit)) for pk, debit, credit in cursor.fetchall()}
    accounts = Account.objects.in_bulk(sums.keys())
    flows = sorted(
        (Balance(accounts[pk], *sides) for pk, sides in sums.items() if sides[0] != sides[1]),
        key=lambda b: b.account.number,
    )
    return CashFlows(
        cash_in(sheet_at(start - datetime.timedelta(days=1))),
        flows,
        cash_in(sheet_at(end)),
    )


def read_since(organisation: Organisation, day: datetime.date) -> datetime.date:
    """The first day whose lines make a balance at the end of `day`: the first of the year after
    the last year closed before `day`'s (its opening entry carries the balances), or ever."""
    last = ClosedYear.objects.filter(
        mutual=organisation, year__lt=day.year, reopened_at=None
    ).aggregate(last=Max("year"))["last"]
    return datetime.date(last + 1, 1, 1) if last else BEGINNING


def balance_at(organisation: Organisation, lines: QuerySet[Line], day: datetime.date) -> int:
    """Debit less credit of `lines` (the organisation's) at the end of `day`."""
    sums = lines.filter(date__range=(read_since(organisation, day), day)).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    return (sums["debit"] or 0) - (sums["credit"] or 0)


@dataclass(frozen=True)
class Movement:
    entry: Entry
    amount: int  # a debit when positive
    balance: int  # after it

    @property
    def debit(self) -> int:
        return max(self.amount, 0)

    @property
    def credit(self) -> int:
        return max(-self.amount, 0)


@dataclass(frozen=True)
class AccountBook:
    """The movements of some lines of an organisation over a period, each with the balance
    after it, from the balance the day before: an account's general ledger, a cash book."""

    start: datetime.date
    end: datetime.date
    opening: int
    movements: list[Movement]

    @property
    def closing(self) -> int:
        return self.movements[-1].balance if self.movements else self.opening

    @property
    def debits(self) -> int:
        return sum(m.debit for m in self.movements)

    @property
    def credits(self) -> int:
        return sum(m.credit for m in self.movements)


def account_book(
    organisation: Organisation, lines: QuerySet[Line], start: datetime.date, end: datetime.date
) -> AccountBook:
    """`lines` over [start, end] in the order of their entries. The year-end entries only carry
    balances (the opening balance has them): they are not movements."""
    opening = balance_at(organisation, lines, start - datetime.timedelta(days=1))
    rows = (
        lines.filter(date__range=(start, end))
        .exclude(journal__in=(Journal.OPENING, Journal.CLOSING))
        .select_related("entry")
        .order_by("date", "entry__journal", "entry__number", "pk")
    )
    movements, balance = [], opening
    for line in rows:
        balance += line.amount
        movements.append(Movement(line.entry, line.amount, balance))
    return AccountBook(start, end, opening, movements)


def general_ledger(
    organisation: Organisation, account: Account, start: datetime.date, end: datetime.date
) -> AccountBook:
    """An account's movements in the organisation's own books (its sub-accounts' included)."""
    lines = Line.objects.filter(mutual=organisation, account__number__startswith=account.number)
    return account_book(organisation, lines, start, end)
