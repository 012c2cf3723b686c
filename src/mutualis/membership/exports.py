"""Excel export of the register.

It streams rows from one query into openpyxl's write-only workbook, so that a union's register
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
from openpyxl import Workbook

from mutualis.benefits.choices import Relationship
from mutualis.core.spreadsheets import saved, spans_mutuals, write_sheet
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
