"""The financial statements of a period beside the same period a year earlier, in the PCMS's two
systems (docs/accounting.md): the simplified one for small mutuals (balance sheet and income
statement by heading, notes) and the normal one (both by account, the cash-flow summary, notes).
One structure, which the page, the PDF and the workbook each lay out."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.accounting import queries
from mutualis.accounting.models import Account, ClosedMonth, ClosedYear
from mutualis.core.formats import currency_symbol, format_date
from mutualis.federation.models import Organisation


class System(models.TextChoices):
    SIMPLIFIED = "simplified", gettext_lazy("simplified system (small mutuals)")
    NORMAL = "normal", gettext_lazy("normal system")


@dataclass(frozen=True)
class Row:
    number: str  # the account's or heading's, empty for a figure of its own
    label: str
    amount: int
    previous: int


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]
    total_label: str = ""  # no total when empty

    @property
    def total(self) -> int:
        return sum(row.amount for row in self.rows)

    @property
    def previous_total(self) -> int:
        return sum(row.previous for row in self.rows)


@dataclass(frozen=True)
class Table:
    title: str
    sections: list[Section]


@dataclass(frozen=True)
class Statements:
    organisation: Organisation
    system: str
    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date
    tables: list[Table]
    notes: list[str]


def year_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for the 29th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def beside(current: dict[str, int], previous: dict[str, int], labels: dict[str, str]) -> list[Row]:
    """Rows of both periods by number, a number of either period shown in both."""
    return [
        Row(number, labels[number], current.get(number, 0), previous.get(number, 0))
        for number in sorted({*current, *previous})
        if current.get(number, 0) or previous.get(number, 0)
    ]


def heading_labels(numbers: Iterable[str]) -> dict[str, str]:
    return {a.number: a.label for a in Account.objects.filter(owner=None, number__in=numbers)}


def grouped(balances: Iterable[queries.Balance], detail: bool, sign: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for b in balances:
        key = b.account.number if detail else b.account.number[:2]
        found[key] = found.get(key, 0) + sign * b.balance
    return found


def balance_sheet_table(
    sheet_at: queries.SheetAt, end: datetime.date, previous_end: datetime.date, detail: bool
) -> Table:
    now, then = sheet_at(end), sheet_at(previous_end)
    labels = {b.account.number: b.account.label for s in (now, then) for b in s.assets}
    labels |= {b.account.number: b.account.label for s in (now, then) for b in s.liabilities}
    if not detail:
        labels = heading_labels({number[:2] for number in labels})
    debts = beside(
        grouped(now.liabilities, detail, -1), grouped(then.liabilities, detail, -1), labels
    )
    results = [
        Row(
            "", _("Results of earlier years not closed"), now.earlier_results, then.earlier_results
        ),
        Row("", _("Result of the period"), now.result, then.result),
    ]
    return Table(
        _("Balance sheet"),
        [
            Section(
                _("Assets"),
                beside(grouped(now.assets, detail, 1), grouped(then.assets, detail, 1), labels),
                _("Total assets"),
            ),
            Section(
                _("Resources and debts"),
                debts + [row for row in results if row.amount or row.previous],
                _("Total resources and debts"),
            ),
        ],
    )


def income_statement_table(
    organisation: Organisation,
    period: tuple[datetime.date, datetime.date],
    previous: tuple[datetime.date, datetime.date],
    detail: bool,
) -> Table:
    now = queries.income_statement(organisation, *period, detail=detail)
    then = queries.income_statement(organisation, *previous, detail=detail)
    labels = {h.account.number: h.account.label for s in (now, then) for h in s.expenses}
    labels |= {h.account.number: h.account.label for s in (now, then) for h in s.income}

    def amounts(headings: list[queries.Heading]) -> dict[str, int]:
        return {h.account.number: h.amount for h in headings}

    return Table(
        _("Income statement"),
        [
            Section(
                _("Expenses"),
                beside(amounts(now.expenses), amounts(then.expenses), labels),
                _("Total expenses"),
            ),
            Section(
                _("Income"),
                beside(amounts(now.income), amounts(then.income), labels),
                _("Total income"),
            ),
            Section("", [Row("", _("Surplus or deficit (−)"), now.result, then.result)]),
        ],
    )


# the cash-flow summary's activities, by the class of the account money came from or went to
ACTIVITIES = {"1": "financing", "2": "investment"}


def cash_flow_table(
    organisation: Organisation,
    period: tuple[datetime.date, datetime.date],
    previous: tuple[datetime.date, datetime.date],
    sheet_at: queries.SheetAt,
) -> Table:
    now = queries.cash_flows(organisation, *period, sheet_at)
    then = queries.cash_flows(organisation, *previous, sheet_at)
    titles = {
        "operations": _("Flows of the mutual's activity"),
        "investment": _("Flows of investment"),
        "financing": _("Flows of financing"),
    }
    by_activity: dict[str, tuple[dict[str, int], dict[str, int]]] = {
        activity: ({}, {}) for activity in titles
    }
    labels: dict[str, str] = {}
    for index, flows in enumerate((now, then)):
        for b in flows.flows:
            activity = ACTIVITIES.get(b.account.number[0], "operations")
            by_activity[activity][index][b.account.number] = -b.balance
            labels[b.account.number] = b.account.label
    sections = [Section("", [Row("", _("Cash at the start"), now.opening, then.opening)])]
    for activity, title in titles.items():
        current, earlier = by_activity[activity]
        if current or earlier:
            sections.append(
                Section(
                    title,
                    beside(current, earlier, labels),
                    _("Net flow"),
                )
            )
    sections.append(Section("", [Row("", _("Cash at the end"), now.closing, then.closing)]))
    return Table(_("Cash-flow summary"), sections)


def statements(
    organisation: Organisation, start: datetime.date, end: datetime.date, system: str
) -> Statements:
    detail = system == System.NORMAL
    previous = (year_before(start), year_before(end))
    # the cash flows read the balance sheets of days the balance sheet shows (a year's start is
    # the year before's end): each read once, for a union over every line of its subtree
    sheet_at = cache(partial(queries.balance_sheet, organisation))
    tables = [
        balance_sheet_table(sheet_at, end, previous[1], detail),
        income_statement_table(organisation, (start, end), previous, detail),
    ]
    if detail:
        tables.append(cash_flow_table(organisation, (start, end), previous, sheet_at))
    return Statements(
        organisation, system, start, end, *previous, tables, notes(organisation, start, end)
    )


def notes(organisation: Organisation, start: datetime.date, end: datetime.date) -> list[str]:
    found = [
        _(
            "Amounts in %(currency)s, from the books kept on the chart of accounts of social "
            "mutuals of the UEMOA (PCMS); each figure beside the same period a year earlier."
        )
        % {"currency": currency_symbol(organisation.currency)}
    ]
    if organisation.kind != Organisation.Kind.MUTUAL:
        found.append(
            _(
                "The figures of every organisation of this union summed, less the charge-backs "
                "between them."
            )
        )
    if ClosedYear.objects.filter(mutual=organisation, year=end.year, reopened_at=None).exists():
        found.append(
            _("The year %(year)s is closed: its figures will not change.") % {"year": end.year}
        )
    else:
        months = ClosedMonth.objects.filter(
            mutual=organisation, month__range=(start, end), reopened_at=None
        ).count()
        found.append(
            _("%(closed)s of the period's months closed; until %(day)s, figures may still change.")
            % {"closed": months, "day": format_date(end)}
        )
    found.append(
        _(
            "The balance sheet shows each account on the side of its balance; the result of the "
            "period is its income less its expenses from the first day of its year."
        )
    )
    return found
