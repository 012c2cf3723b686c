"""The base figures indicators are made of (issue 15, docs/monitoring.md): counted per mutual and
month, summed up the federation, never averaged. A flow (contributions collected, claims) of a
period is the sum of its months; a stock (members, cash) is its value at the end of the
period's last month, and `<code>_start` its value at the end of the month before the period.
Amounts are integers in the currency's unit. Pure: nothing here reads the database."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    FLOW = "flow"  # what happened in a month: a period's is the sum of its months
    STOCK = "stock"  # what there is at a month's end: a period's is its last month's


@dataclass(frozen=True)
class Base:
    code: str
    kind: Kind
    name: str | Promise


BASES = [
    # people
    Base("members", Kind.STOCK, _("members (heads of household) covered")),
    Base("beneficiaries", Kind.STOCK, _("beneficiaries covered")),
    Base("dependants", Kind.STOCK, _("dependants covered")),
    Base("women_members", Kind.STOCK, _("women among the members")),
    Base("young_members", Kind.STOCK, _("members under 35")),
    Base("beneficiaries_up_to_date", Kind.STOCK, _("beneficiaries up to date with contributions")),
    Base("target_population", Kind.STOCK, _("target population")),
    Base("members_renewed", Kind.FLOW, _("members who renewed")),
    Base("members_due_to_renew", Kind.FLOW, _("members whose cover came up for renewal")),
    Base("new_members_reached", Kind.FLOW, _("new members from groups already reached")),
    Base("new_members_new_groups", Kind.FLOW, _("new members from new groups or zones")),
    # contributions
    Base("contributions_due", Kind.FLOW, _("contributions due")),
    Base("contributions_collected", Kind.FLOW, _("contributions collected")),
    Base("contributions_earned", Kind.FLOW, _("contributions earned")),
    Base("registration_fees", Kind.FLOW, _("registration fees")),
    # claims
    Base("claims_submitted", Kind.FLOW, _("claims submitted")),
    Base("claims_rejected", Kind.FLOW, _("claims rejected")),
    Base("claims_settled", Kind.FLOW, _("claims settled (paid or denied)")),
    Base("settlement_days", Kind.FLOW, _("days from care to settlement, summed")),
    Base("settled_within_7_days", Kind.FLOW, _("claims settled within 7 days")),
    Base("settled_within_30_days", Kind.FLOW, _("claims settled within 8 to 30 days")),
    Base("settled_within_90_days", Kind.FLOW, _("claims settled within 31 to 90 days")),
    Base("settled_after_90_days", Kind.FLOW, _("claims settled after 90 days")),
    Base("visits", Kind.FLOW, _("visits (claims for care)")),
    Base("benefits_incurred", Kind.FLOW, _("benefits incurred (care of the period)")),
    # books
    Base("operating_expenses", Kind.FLOW, _("operating (management) expenses")),
    Base("total_expenses", Kind.FLOW, _("total expenses")),
    Base("net_income", Kind.FLOW, _("net income")),
    Base("cash", Kind.STOCK, _("cash and equivalents")),
    Base("short_term_liabilities", Kind.STOCK, _("short-term liabilities")),
    Base("equity", Kind.STOCK, _("equity")),
    Base("total_assets", Kind.STOCK, _("total assets")),
    Base("admitted_assets", Kind.STOCK, _("admitted assets")),
    Base("liabilities", Kind.STOCK, _("liabilities")),
    Base("largest_holding", Kind.STOCK, _("largest holding at one institution")),
    Base("reserves", Kind.STOCK, _("reserves")),
    Base("reserves_minimum", Kind.STOCK, _("reserves the prudential rules ask for")),
    # institutional life and the monitoring itself
    Base("assembly_participants", Kind.FLOW, _("participants at general assemblies")),
    Base("contributing_members", Kind.FLOW, _("contributing members called to assemblies")),
    Base("officers", Kind.FLOW, _("elected officers' seats up for election")),
    Base("officers_renewed", Kind.FLOW, _("elected officers' seats renewed")),
    Base("reports_expected", Kind.FLOW, _("reports expected")),
    Base("reports_received", Kind.FLOW, _("reports received")),
    Base("reports_on_time", Kind.FLOW, _("reports received complete and on time")),
]
BASE = {base.code: base for base in BASES}

Month = datetime.date  # its first day
Figures = Mapping[str, int]


def month_before(month: Month) -> Month:
    return (month - datetime.timedelta(days=1)).replace(day=1)


class Span(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")


SPAN_MONTHS = {Span.MONTH: 1, Span.QUARTER: 3, Span.YEAR: 12}


def span_start(month: Month, span: str) -> Month:
    """The first month of the `span` that holds `month`."""
    length = SPAN_MONTHS[Span(span)]
    return datetime.date(month.year, (month.month - 1) // length * length + 1, 1)


def span_before(start: Month, span: str) -> Month:
    """The first month of the `span` before the one starting with `start`."""
    index = start.year * 12 + start.month - 1 - SPAN_MONTHS[Span(span)]
    return datetime.date(index // 12, index % 12 + 1, 1)


def span_months(start: Month, span: str) -> list[Month]:
    index = start.year * 12 + start.month - 1
    return [
        datetime.date((index + i) // 12, (index + i) % 12 + 1, 1)
        for i in range(SPAN_MONTHS[Span(span)])
    ]


def by_span(by_month: Mapping[Month, Figures]) -> dict[tuple[str, Month], dict[str, int]]:
    """One organisation's figures for each month, quarter and year its months fall in: flows
    summed over the months that give them, stocks at the last month that gives them. A figure
    no month of the span gives is left out."""
    spans: dict[tuple[str, Month], dict[str, int]] = {}
    for month in sorted(by_month):
        figures = by_month[month]
        spans[Span.MONTH, month] = dict(figures)
        for span in (Span.QUARTER, Span.YEAR):
            into = spans.setdefault((span, span_start(month, span)), {})
            for code, value in figures.items():
                if BASE[code].kind == Kind.FLOW:
                    into[code] = into.get(code, 0) + value
                else:  # the months come in order: the last one giving it stays
                    into[code] = value
    return spans


def with_start(figures: Figures, before: Figures) -> dict[str, int]:
    """A span's figures with each stock's value at the end of the span before, as
    `<code>_start`, where that span gives it: what growth rates read."""
    found = dict(figures)
    for code, value in before.items():
        if code in BASE and BASE[code].kind == Kind.STOCK:
            found[f"{code}_start"] = value
    return found
