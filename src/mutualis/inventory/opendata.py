"""The open data (docs/inventory.md § Open data): every validated record of the inventory as a
CSV file and an Excel workbook, by year and country, with the data dictionary (each column's
code and meaning) and the citation to give. Codes and values are stable and in English, so
that a study's scripts run on any year's file; the dictionary is in the reader's language.
A text cell never holds a formula (core.spreadsheets.data_cell; in the CSV file, a text a
spreadsheet would take for one is written behind an apostrophe, as OWASP advises)."""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from mutualis.core.spreadsheets import FORMULA_STARTS, saved, write_sheet
from mutualis.inventory.models import Record

PUBLISHER = "Mutualis"


@dataclass(frozen=True)
class Column:
    code: str
    meaning: str | Promise
    value: Callable[[Record], Any]


def lines(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def figure(name: str, meaning: str | Promise) -> Column:
    return Column(name, meaning, lambda r: getattr(r, name))


COLUMNS = [
    Column("record", gettext_lazy("identifier of the record (stable)"), lambda r: str(r.uid)),
    Column("mutual", gettext_lazy("identifier of the mutual (stable)"), lambda r: str(r.entry.uid)),
    Column("year", gettext_lazy("year of the record"), lambda r: r.year),
    Column("name", gettext_lazy("name of the mutual"), lambda r: r.entry.name),
    Column("country", gettext_lazy("country (ISO 3166-1 alpha-2)"), lambda r: r.entry.country),
    Column("place", gettext_lazy("town or village"), lambda r: r.entry.place),
    Column(
        "founded_on",
        gettext_lazy("date of creation (YYYY-MM-DD)"),
        lambda r: r.entry.founded_on.isoformat() if r.entry.founded_on else "",
    ),
    Column(
        "legal_status",
        gettext_lazy("legal status: mutual, association, cooperative, informal"),
        lambda r: r.entry.legal_status,
    ),
    Column("registration", gettext_lazy("legal registration"), lambda r: r.entry.registration),
    Column(
        "type",
        gettext_lazy("type: community, professional, workplace, microfinance, other"),
        lambda r: r.entry.mutual_type,
    ),
    Column(
        "networks",
        gettext_lazy("unions and networks it belongs to, separated by ;"),
        lambda r: lines(r.entry.networks),
    ),
    Column(
        "support_structures",
        gettext_lazy("support structures, separated by ;"),
        lambda r: lines(r.entry.supporters),
    ),
    Column(
        "status",
        gettext_lazy("status in the year: functioning, starting, project, stopped"),
        lambda r: r.status,
    ),
    figure("members", gettext_lazy("members (heads of household) at the year's end")),
    figure("beneficiaries", gettext_lazy("beneficiaries (members and dependants) covered")),
    figure("women_members", gettext_lazy("women among the members")),
    figure("target_population", gettext_lazy("target population")),
    Column(
        "services",
        gettext_lazy(
            "services covered, separated by ;: consultation, drugs, childbirth, "
            "hospitalisation, surgery, tests, transport"
        ),
        lambda r: ";".join(r.services),
    ),
    Column(
        "level",
        gettext_lazy("highest level of care covered: primary, secondary, tertiary"),
        lambda r: r.level,
    ),
    figure("coverage_rate", gettext_lazy("share of the cost of care covered, in %")),
    figure("hospital_coverage_rate", gettext_lazy("share covered in hospital, in %")),
    figure("contribution", gettext_lazy("contribution per beneficiary, in the currency")),
    Column(
        "contribution_period",
        gettext_lazy("period of the contribution: month, quarter, year"),
        lambda r: r.contribution_period,
    ),
    figure("registration_fee", gettext_lazy("registration fee, in the currency")),
    figure("waiting_days", gettext_lazy("waiting period, in days")),
    Column("currency", gettext_lazy("currency of the amounts (ISO 4217)"), lambda r: r.currency),
    figure("contributions_due", gettext_lazy("contributions due in the year")),
    figure("contributions_collected", gettext_lazy("contributions collected in the year")),
    figure("benefits_paid", gettext_lazy("benefits paid in the year")),
    figure("subsidies", gettext_lazy("subsidies received in the year")),
    figure("reserves", gettext_lazy("reserves at the year's end")),
    figure("providers", gettext_lazy("providers under agreement")),
    Column(
        "provider_names", gettext_lazy("names of the providers"), lambda r: lines(r.provider_names)
    ),
    Column(
        "tools",
        gettext_lazy(
            "management tools, separated by ;: paper, spreadsheet, mas_gestion, sigma, "
            "openimis, mutualis, other"
        ),
        lambda r: ";".join(r.tools),
    ),
    Column(
        "prefilled",
        gettext_lazy("figures taken from the mutual's monitoring in Mutualis, separated by ;"),
        lambda r: ";".join(r.prefilled),
    ),
    Column(
        "validated_on",
        gettext_lazy("day the focal point validated the record (YYYY-MM-DD)"),
        lambda r: r.decided_at.date().isoformat() if r.decided_at else "",
    ),
]


def citation(today: datetime.date) -> str:
    """What a study, an article or a thesis cites (the condition of the free download, as the
    Concertation set it)."""
    return _(
        "Inventory of mutual health organisations in West and Central Africa, validated "
        "records, %(publisher)s, downloaded on %(day)s."
    ) % {"publisher": PUBLISHER, "day": today.strftime("%d/%m/%Y")}


def rows(records: QuerySet[Record]) -> Iterator[list[Any]]:
    for record in records.select_related("entry").order_by("entry__country", "entry__name", "year"):
        yield [column.value(record) for column in COLUMNS]


def as_text(value: Any) -> Any:
    """A CSV cell: a text that a spreadsheet would compute is written behind an apostrophe."""
    if isinstance(value, str) and value and value[0] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value


def open_data_csv(records: QuerySet[Record]) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads the accents right), comma-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.code for column in COLUMNS])
    for row in rows(records):
        writer.writerow([as_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def open_data_xlsx(records: QuerySet[Record], today: datetime.date) -> bytes:
    workbook = Workbook(write_only=True)
    write_sheet(
        workbook,
        _("Records"),
        [column.code for column in COLUMNS],
        [16 if column.code not in {"name", "networks"} else 40 for column in COLUMNS],
        rows(records),
        [],
    )
    write_sheet(
        workbook,
        _("Dictionary"),
        [_("column"), _("meaning")],
        [24, 90],
        dictionary(),
        [],
    )
    write_sheet(workbook, _("Citation"), [_("cite as")], [120], [[citation(today)]], [])
    return saved(workbook)


def dictionary() -> Iterable[list[str]]:
    return [[column.code, str(column.meaning)] for column in COLUMNS]
