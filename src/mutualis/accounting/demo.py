"""Demo books: every organisation's operations posted by the books (the consumer of the event
log, as `mutualis work` does), then a year of what the operations do not record, entered as an
accountant would by hand — rent, the allowances of the elected officers, transport, printing,
telephone, bank charges (about 18 % of the contributions received), the monthly deposit of most
of the cash at the bank, a commune's grant — and, in the demo mutual, the bank's statement of
the month before last (or the latest before it with money moved at the bank) imported and
reconciled, then that month closed. The demo mutual's cashier pays the expenses from the cash
they take, and counts it at the end of each day of the month so far.

Entries by hand are written in bulk (accounting.ledger) with the event the service appends
(accounting.events), so that a national demo stays quick."""

import datetime
import random
import uuid

from django.db.models import Sum

from mutualis.accounting import events
from mutualis.accounting.cash import box_balance
from mutualis.accounting.consumers import CONSUMERS
from mutualis.accounting.ledger import Draft, write_drafts
from mutualis.accounting.models import Account, Entry, Line
from mutualis.accounting.services import (
    bank_line_match,
    bank_statement_import,
    cash_count,
    month_close,
    statement_proposals,
)
from mutualis.core.consumers import drain
from mutualis.core.demo import Demo
from mutualis.core.events import append_all
from mutualis.federation.models import Organisation, User

# (account debited, account credited, journal, label, share of the year's management costs);
# a mutual spends on its management about 18 % of the contributions it receives (the UEMOA
# prudential rules look at that share), a sixth of it for printing its cards twice a year
SUNDAY = 6
MONTHLY = [
    ("622", "571", "CA", "Loyer du siège", 30),
    ("663", "571", "CA", "Indemnités des élus", 25),
    ("618", "571", "CA", "Déplacements et missions", 15),
    ("628", "571", "CA", "Crédit téléphonique et internet", 8),
    ("631", "521", "BQ", "Frais de tenue de compte", 2),
]
PRINTING = ("605", "571", "CA", "Impression des cartes de membre", 20)
MANAGEMENT_SHARE = 18  # percent of the contributions received
DEPOSITED_SHARE = 60  # percent of a month's cash taken to the bank at its end
GRANT_SHARE = (10, 30)  # a commune's grant, percent of the contributions


def add_arguments(parser) -> None:
    """No options: the books follow the operations."""


def has_data() -> bool:
    return Entry.objects.exists()


def month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def hundreds(amount: float) -> int:
    return int(amount) // 100 * 100


def expenses(
    rng: random.Random,
    accounts: dict[str, int],
    months: list[datetime.date],
    contributions: int,
    cash: dict[datetime.date, int],
) -> list[Draft]:
    """A year of one organisation's entries by hand, in date order, sized by the contributions
    it received over the year and the cash it took in each month."""

    def entry(debit, credit, journal, label, day, amount, reference):
        return Draft(
            journal,
            day,
            f"{label}, {day:%m/%Y}",
            reference,
            [(accounts[debit], amount, 0, None), (accounts[credit], 0, amount, None)],
        )

    budget = contributions * MANAGEMENT_SHARE / 100
    drafts = []
    for month in months:
        for debit, credit, journal, label, share in MONTHLY:
            amount = hundreds(budget * share / 100 / 12 * rng.uniform(0.8, 1.2))
            day = month + datetime.timedelta(days=rng.randrange(0, 25))
            if amount:
                drafts.append(
                    entry(debit, credit, journal, label, day, amount, f"P-{day:%Y%m}-{debit}")
                )
        if month.month in (1, 7):
            debit, credit, journal, label, share = PRINTING
            amount = hundreds(budget * share / 100 / 2)
            if amount:
                day = month + datetime.timedelta(days=3)
                drafts.append(entry(debit, credit, journal, label, day, amount, "FACT-IMP"))
        deposit = cash.get(month, 0) * DEPOSITED_SHARE // 100 // 1000 * 1000
        if deposit:
            day = month + datetime.timedelta(days=27)
            label = "Versement de la caisse à la banque"
            drafts.append(entry("521", "571", "BQ", label, day, deposit, f"BV-{day:%Y%m}"))
    grant = hundreds(contributions * rng.randrange(*GRANT_SHARE) / 100)
    if grant:
        day = months[rng.randrange(0, 6)] + datetime.timedelta(days=10)
        drafts.append(entry("521", "711", "BQ", "Subvention de la commune", day, grant, "CONV-2"))
    return sorted(drafts, key=lambda d: d.date)


def received(mutual: Organisation, accounts: dict[str, int], since: datetime.date):
    """The contributions and fees a mutual's books received since `since`, and its cash taken
    in by month."""
    lines = Line.objects.filter(mutual=mutual, date__gte=since)
    contributions = (
        lines.filter(account__in=[accounts["701"], accounts["706"]]).aggregate(total=Sum("credit"))[
            "total"
        ]
        or 0
    )
    cash: dict[datetime.date, int] = {}
    for day, debit in lines.filter(account=accounts["571"]).values_list("date", "debit"):
        cash[day.replace(day=1)] = cash.get(day.replace(day=1), 0) + debit
    return contributions, cash


def reconcile(demo: Demo, mutual: Organisation, accounts, month: datetime.date, by) -> None:
    """The bank's statement of the month, as the bank writes it: the books' movements of the
    bank account reaching it a day or two later, the bank's own charges of the month not yet
    in the books, the last transfer not yet arrived (when there were several); imported and
    every proposal confirmed."""
    end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    movements = list(
        Line.objects.filter(mutual=mutual, account=accounts["521"], date__range=(month, end))
        .order_by("date", "pk")
        .values_list("date", "debit", "credit", "entry__reference", "entry__label")
    )
    rows = ["date;libellé;référence;débit;crédit"]
    arrived_all = movements[:-1] if len(movements) > 1 else movements
    for day, debit, credit, reference, label in arrived_all:
        arrived = min(day + datetime.timedelta(days=demo.rng.randrange(0, 3)), end)
        rows.append(f"{arrived:%d/%m/%Y};{label[:60]};{reference};{credit or ''};{debit or ''}")
    rows.append(f"{end:%d/%m/%Y};AGIOS ET COMMISSIONS;;750;")
    report = bank_statement_import(
        by=by,
        organisation=mutual,
        account_number="521",
        file_name=f"releve-{month:%Y-%m}.csv",
        content="\n".join(rows).encode(),
    )
    statement = report.statement
    if statement is None:  # the month had no movement at the bank
        return
    for bank_line_id, line_id in statement_proposals(statement).items():
        bank_line_match(
            by=by,
            bank_line=statement.lines.get(pk=bank_line_id),
            line=Line.objects.get(pk=line_id),
        )


def reconciled_month(
    mutual: Organisation, accounts: dict[str, int], months: list[datetime.date]
) -> datetime.date:
    """The month whose bank statement the demo reconciles, then closes: the month before last,
    or the latest before it with money moved at the bank (a month without a deposit has
    nothing to reconcile)."""
    moved = set(
        Line.objects.filter(
            mutual=mutual, account=accounts["521"], date__gte=months[0]
        ).values_list("date", flat=True)
    )
    banked = {day.replace(day=1) for day in moved}
    before_last = months[:-1]
    return next((m for m in reversed(before_last) if m in banked), before_last[-1])


def generate(demo: Demo) -> None:
    demo.events.flush()  # the operations' events the bulk writers queued
    (books,) = CONSUMERS
    posted = drain(books)
    accounts = dict(Account.objects.filter(owner=None).values_list("number", "pk"))
    numbers = {pk: number for number, pk in accounts.items()}
    accountant = demo.made.get("users", {}).get("accountant")
    cashier = demo.made.get("users", {}).get("cashier")
    demo_mutual = demo.made.get("demo_mutual")
    months = month_starts(demo.made["today"], 12)
    written = 0
    for mutual in Organisation.objects.filter(kind=Organisation.Kind.MUTUAL).order_by("pk"):
        by = accountant if mutual == demo_mutual else None
        contributions, cash = received(mutual, accounts, months[0])
        drafts = expenses(demo.rng, accounts, months, contributions, cash)
        if mutual == demo_mutual and cashier is not None:
            # the cashier who takes the members' cash pays the expenses and the deposits from it
            drafts = [in_box(draft, accounts["571"], cashier.uid) for draft in drafts]
        ids = write_drafts(mutual, drafts, by)
        entries = Entry.objects.in_bulk(ids)
        append_all(
            mutual.pk,
            [
                events.entry_event(
                    entries[pk],
                    [(numbers[account], debit, credit) for account, debit, credit, _p in d.lines],
                )
                for pk, d in zip(ids, drafts, strict=True)
            ],
            by,
        )
        written += len(ids)
    if demo_mutual is not None:
        closed = reconciled_month(demo_mutual, accounts, months)
        reconcile(demo, demo_mutual, accounts, closed, accountant)
        month_close(by=accountant, organisation=demo_mutual, month=closed)
        if cashier is not None:
            count_days(demo, demo_mutual, cashier)
    demo.log(
        f"Books: {posted.handled} operations posted, {written} entries by hand"
        + (f", {closed:%m/%Y} closed in {demo_mutual.name}." if demo_mutual else ".")
    )


def in_box(draft: Draft, cash: int, cashier: uuid.UUID) -> Draft:
    return draft._replace(
        lines=[
            (account, debit, credit, cashier if account == cash else party)
            for account, debit, credit, party in draft.lines
        ]
    )


def count_days(demo: Demo, mutual: Organisation, cashier: User) -> None:
    """The cashier counts their box at the end of each working day of the month before today;
    once the change given back was short."""
    today = demo.made["today"]
    days = [
        today.replace(day=number)
        for number in range(1, today.day)
        if today.replace(day=number).weekday() != SUNDAY
    ]
    for index, day in enumerate(days):
        expected = box_balance(mutual, cashier, day)
        # the demo's expenses, spread over the year, may run ahead of a box's receipts: a box
        # the books find below nothing is not counted, and only one that holds the change
        # given back is found short of it
        short = 500 if index == len(days) // 2 and expected >= 500 else 0
        if expected < 0:
            continue
        cash_count(
            by=cashier,
            organisation=mutual,
            cashier=cashier,
            day=day,
            counted=expected - short,
            explanation="Erreur de monnaie rendue à un adhérent" if short else "",
        )
