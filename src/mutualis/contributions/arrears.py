"""The households in arrears of a mutual (issue 12): the list the manager and the cashier sort
by amount or age, its Excel export, and the visit list the field agent prints, ordered by
address so that a round of the villages follows it."""

import datetime
import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4

from mutualis.benefits.choices import Relationship
from mutualis.contributions.standing import Standings
from mutualis.core.formats import format_amount, format_date, long_date
from mutualis.core.pdf import (
    Column,
    Page,
    new_canvas,
    number,
)
from mutualis.core.spreadsheets import saved, write_sheet
from mutualis.federation.models import Organisation
from mutualis.membership.models import Beneficiary, Household

ORDERS = {
    "amount": lambda row: (-row.amount, row.since, row.household.number),
    "age": lambda row: (row.since, -row.amount, row.household.number),
    "number": lambda row: row.household.number,
    # a round of the villages: by address, then by the head's name
    "address": lambda row: (row.household.address.casefold(), row.head_name.casefold()),
}


@dataclass(frozen=True)
class InArrears:
    household: Household
    head_name: str
    head_phone: str
    amount: int
    since: datetime.date
    today: datetime.date

    @property
    def days(self) -> int:
        return (self.today - self.since).days

    @property
    def phone(self) -> str:
        return self.household.phone or self.head_phone


def in_arrears(
    mutual: Organisation, today: datetime.date, order: str = "amount"
) -> list[InArrears]:
    found = list(Standings([mutual.pk], today).arrears())
    ids = [row["household_id"] for row in found]
    households = Household.objects.in_bulk(ids)
    heads = {
        household: (f"{first} {last}", phone)
        for household, first, last, phone in Beneficiary.objects.filter(
            household_id__in=ids, relationship=Relationship.HEAD
        ).values_list("household_id", "first_name", "last_name", "phone")
    }
    rows = [
        InArrears(
            households[row["household_id"]],
            *heads.get(row["household_id"], ("", "")),
            row["amount"],
            row["since"],
            today,
        )
        for row in found
    ]
    rows.sort(key=ORDERS.get(order, ORDERS["amount"]))
    return rows


HEADERS = (
    gettext_lazy("household number"),
    gettext_lazy("head of household"),
    gettext_lazy("address or village"),
    gettext_lazy("phone"),
    gettext_lazy("owed"),
    gettext_lazy("unpaid since"),
    gettext_lazy("days late"),
)


def arrears_xlsx(rows: list[InArrears], language: str) -> bytes:
    with translation.override(language):
        workbook = Workbook(write_only=True)
        write_sheet(
            workbook,
            _("Arrears"),
            [str(header) for header in HEADERS],
            [12, 30, 30, 16, 14, 14, 10],
            (
                [
                    row.household.number,
                    row.head_name,
                    row.household.address,
                    row.phone,
                    row.amount,
                    row.since,
                    row.days,
                ]
                for row in rows
            ),
            date_columns=[5],
        )
        return saved(workbook)


VISIT_COLUMNS = (
    (gettext_lazy("no."), 0.07),
    (gettext_lazy("head of household"), 0.22),
    (gettext_lazy("address or village"), 0.2),
    (gettext_lazy("phone"), 0.13),
    (gettext_lazy("owed"), 0.11),
    (gettext_lazy("since"), 0.1),
    # left empty for the agent's pen: what was said or paid
    (gettext_lazy("notes"), 0.17),
)


def visit_list_pdf(
    rows: list[InArrears],
    mutual: Organisation,
    today: datetime.date,
    *,
    language: str = "fr",
    compress: bool = True,
) -> bytes:
    """The households to visit, by address, with what each owes since when and room for notes."""
    buffer = io.BytesIO()
    with translation.override(language):
        title = _("Households to visit: contributions unpaid on %(date)s") % {
            "date": long_date(today)
        }
        canvas = new_canvas(buffer, A4, title=title, author=mutual.name, compress=compress)
        page = Page(canvas, title, mutual)
        page.title_line(title)
        total = sum(row.amount for row in rows)
        page.text(
            _("%(count)s households owe %(amount)s in all.")
            % {"count": len(rows), "amount": format_amount(total, mutual.currency)}
        )
        columns = [
            Column(str(label), width, right=index == 4)
            for index, (label, width) in enumerate(VISIT_COLUMNS)
        ]
        page.table(
            columns,
            [
                [
                    str(row.household.number),
                    row.head_name,
                    row.household.address,
                    row.phone,
                    number(row.amount),
                    format_date(row.since),
                    "",
                ]
                for row in rows
            ],
        )
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
