"""Excel exports of the register and of contributions.

Both stream rows from one query into openpyxl's write-only workbook, so that a union's register
of hundreds of thousands of people is written in memory proportional to one row. Dates are real
Excel dates, amounts integers (in the smallest unit of the currency), the header row bold and
frozen, and text written as data, never as a formula (core.spreadsheets).

The register export uses the columns of the import template (membership.imports), in the same
language, plus the member number and the dates people left or households resigned: an exported
register can be read back by `register_import` into another mutual. Coverage status is not
exported: it needs each household's payments and would cost queries per household.
"""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutualis.benefits.choices import Relationship
from mutualis.contributions.models import Allocation, AllocationKind, Method, Payment
from mutualis.core.spreadsheets import saved, write_sheet
from mutualis.membership.imports import COLUMNS, EXPORT_COLUMNS, SHEET_NAMES, WORDS
from mutualis.membership.models import Beneficiary, Household

# The register's columns: the import template's, with the member number after the household
# reference and what only an export has at the end.
REGISTER_LAYOUT = (
    "household_ref",
    "member_number",
    "relationship",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "birth_place",
    "national_id",
    "phone",
    "category",
    "enrolled_on",
    "package",
    "address",
    "left_on",
    "resigned_on",
)
REGISTER_DATES = ("birth_date", "enrolled_on", "left_on", "resigned_on")
REGISTER_WIDTHS = {"last_name": 18, "first_name": 18, "member_number": 16, "address": 28}


def spans_mutuals(queryset: QuerySet) -> bool:
    return queryset.order_by().values("mutual_id").distinct()[:2].count() > 1


def register_xlsx(households: QuerySet[Household], language: str) -> bytes:
    """The people of the households, one row per beneficiary, heads first; with the mutual's
    code in a first column when the households belong to several mutuals."""
    with translation.override(language):
        several = spans_mutuals(households)
        relationship_words = WORDS["relationship"][language]
        category_words = WORDS["category"][language]
        people = (
            Beneficiary.objects.filter(household__in=households.order_by().values("pk"))
            .annotate(
                head_first=Case(
                    When(relationship=Relationship.HEAD, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("mutual__code", "household__number", "head_first", "pk")
            .values_list(
                "mutual__code",
                "household__number",
                "member_number",
                "relationship",
                "last_name",
                "first_name",
                "sex",
                "birth_date",
                "birth_place",
                "national_id",
                "phone",
                "category",
                "enrolled_on",
                "household__package__code",
                "household__address",
                "left_on",
                "household__resigned_on",
            )
        )

        def rows():
            for (
                mutual,
                household,
                number,
                relationship,
                last_name,
                first_name,
                sex,
                birth_date,
                birth_place,
                national_id,
                phone,
                category,
                enrolled_on,
                package,
                address,
                left_on,
                resigned_on,
            ) in people.iterator(chunk_size=5000):
                row = [
                    household,
                    number,
                    relationship_words.get(relationship, relationship),
                    last_name,
                    first_name,
                    sex,
                    birth_date,
                    birth_place,
                    national_id,
                    phone,
                    category_words.get(category, category),
                    enrolled_on,
                    package,
                    address,
                    left_on,
                    resigned_on,
                ]
                yield [mutual, *row] if several else row

        columns = {column.key: column for column in (*COLUMNS, *EXPORT_COLUMNS)}
        keys = ["mutual", *REGISTER_LAYOUT] if several else list(REGISTER_LAYOUT)
        headers = [columns[key].header(language) for key in keys]
        widths = [REGISTER_WIDTHS.get(key, 14) for key in keys]
        dates = [index for index, key in enumerate(keys) if key in REGISTER_DATES]
        workbook = Workbook(write_only=True)
        write_sheet(workbook, SHEET_NAMES[language], headers, widths, rows(), dates)
        return saved(workbook)


def label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def contributions_xlsx(payments: QuerySet[Payment], language: str) -> bytes:
    """One row per allocation of the payments: receipt, date, household, method, reference,
    what it pays (kind, third payer, period), amount, and whether the payment is a reversal
    (and of which receipt)."""
    with translation.override(language):
        several = spans_mutuals(payments)
        methods = {value: str(text) for value, text in Method.choices}
        kinds = {value: str(text) for value, text in AllocationKind.choices}
        yes, no = _("yes"), _("no")
        allocations = (
            Allocation.objects.filter(payment__in=payments.order_by().values("pk"))
            .order_by("payment__mutual__code", "payment__received_on", "payment_id", "pk")
            .values_list(
                "payment__mutual__code",
                "payment__receipt_number",
                "payment__received_on",
                "household__number",
                "payment__method",
                "payment__reference",
                "kind",
                "payer__name",
                "period_start",
                "amount",
                "payment__reverses__receipt_number",
            )
        )

        def rows():
            for (
                mutual,
                receipt,
                received_on,
                household,
                method,
                reference,
                kind,
                payer,
                period,
                amount,
                reverses,
            ) in allocations.iterator(chunk_size=5000):
                row = [
                    receipt,
                    received_on,
                    household,
                    methods.get(method, method),
                    reference,
                    kinds.get(kind, kind),
                    payer or "",
                    period,
                    int(amount),
                    yes if reverses else no,
                    reverses or "",
                ]
                yield [mutual, *row] if several else row

        headers = [
            label(Payment, "receipt_number"),
            label(Payment, "received_on"),
            label(Payment, "household"),
            label(Payment, "method"),
            label(Payment, "reference"),
            label(Allocation, "kind"),
            label(Payment, "payer"),
            label(Allocation, "period_start"),
            label(Allocation, "amount"),
            _("Reversal"),
            label(Payment, "reverses"),
        ]
        widths = [14, 12, 10, 16, 22, 20, 22, 12, 12, 10, 14]
        dates = [1, 7]
        if several:
            headers.insert(0, label(Payment, "mutual"))
            widths.insert(0, 12)
            dates = [i + 1 for i in dates]
        workbook = Workbook(write_only=True)
        title = str(Payment._meta.verbose_name_plural).capitalize()
        write_sheet(workbook, title, headers, widths, rows(), dates)
        return saved(workbook)
