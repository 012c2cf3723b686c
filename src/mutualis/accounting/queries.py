"""Reading the books: balances per account for an organisation or a union's subtree, the
charge-backs between the organisations of the subtree eliminated (docs/accounting.md)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet

from mutualis.accounting.models import Account, Entry, Line, Mapping, Operation
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
    # every line is a validated entry's: an entry is validated in the transaction that writes
    # it (accounting.ledger), so no draft outlives it
    sql = (
        f"SELECT account_id, SUM(debit), SUM(credit) FROM {table(Line)}"
        f" WHERE mutual_id IN ({marks}) AND date BETWEEN %s AND %s"
    )
    params: list[object] = [*organisation_ids, start, end]
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
    organisation: Organisation, start: datetime.date, end: datetime.date
) -> IncomeStatement:
    """Expenses (class 6, and 81, 83) and income (class 7, and 82, 84) by heading over [start,
    end], from the trial balance: an expense is a debit balance, an income a credit one."""
    by_heading: dict[str, int] = {}
    for balance in trial_balance(organisation, start, end):
        number = balance.account.number
        if number[0] in "678":
            by_heading[number[:2]] = by_heading.get(number[:2], 0) + balance.balance
    headings = {a.number: a for a in Account.objects.filter(owner=None, number__in=by_heading)}

    def is_expense(heading: str) -> bool:
        return heading[0] == "6" or heading in EXPENSE_HEADINGS_OF_CLASS_8

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
        Prefetch("lines", queryset=Line.objects.select_related("account").order_by("pk"))
    )
