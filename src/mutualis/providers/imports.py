"""The spreadsheets of the providers app (domain-rules.md §5–8): the list of acts, medicines and
flat
fees, and an agreement's price list. This module reads and checks files and makes the templates
to download; it writes nothing: `services.items_import` and `services.tariffs_import` save.

Both files are read like the member register (membership.imports): an .xlsx workbook (first
sheet) or a CSV file (`;`, `,` or tab), the header row found among the first rows (a title may
stand above it), headers in French or English, accents and case ignored. A coded value (kind,
service category, level of care) is accepted as its code (`flat_fee`) or its French or English
label (`forfait par épisode`, `flat fee per episode`). Every problem names its row, its column
and the rule, in the user's language.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from mutualis.benefits.choices import LevelOfCare, ServiceCategory
from mutualis.core.bounds import MAX_COUNT, check_amount
from mutualis.core.imports import (
    Column,
    Problem,
    Table,
    cell_text,
    cell_whole,
    text_problem,
)
from mutualis.core.spreadsheets import data_row, saved
from mutualis.core.text import normalize
from mutualis.providers.models import MedicalItem
from mutualis.providers.rules import ItemKind, max_quantity_error, max_quantity_for

LANGUAGES = ("fr", "en")

ITEM_COLUMNS = (
    Column("code", "code", "code", ("code_acte", "item_code"), required=True),
    Column("label", "libelle", "label", ("intitule", "designation", "description"), required=True),
    Column("kind", "type", "kind", ("nature", "item_kind"), required=True),
    Column(
        "service_category",
        "categorie_de_service",
        "service_category",
        ("categorie", "categorie_service", "category", "service"),
        required=True,
    ),
    Column("level", "niveau_de_soins", "level_of_care", ("niveau", "level")),
    Column(
        "max_quantity",
        "quantite_maximum",
        "max_quantity",
        ("quantite_max", "quantite_maximale", "maximum_quantity"),
    ),
    Column(
        "min_days_between",
        "jours_minimum_entre_deux",
        "min_days_between",
        ("jours_min_entre_deux", "delai_minimum", "minimum_days_between"),
    ),
)
TARIFF_COLUMNS = (
    Column("code", "code", "code", ("code_acte", "item_code"), required=True),
    # The label helps whoever fills the price list in; the import goes by the code.
    Column("label", "libelle", "label", ("intitule", "designation", "description")),
    Column("price", "prix", "price", ("tarif", "prix_convenu", "montant", "agreed_price"), True),
)
ITEM_LENGTHS = {
    "code": MedicalItem._meta.get_field("code").max_length,
    "label": MedicalItem._meta.get_field("label").max_length,
}
GROUPED_MAX_COUNT = f"{MAX_COUNT:,}".replace(",", "\u202f")
CODED = {"kind": ItemKind, "service_category": ServiceCategory, "level": LevelOfCare}


def vocabulary(choices: type[TextChoices]) -> dict[str, str]:
    """Every spelling of a coded value accepted in a file, normalised: the code and the French
    and English labels."""
    words = {normalize(value): value for value in choices.values}
    for language in LANGUAGES:
        with translation.override(language):
            words.update((normalize(str(label)), value) for value, label in choices.choices)
    return words


def allowed(choices: type[TextChoices]) -> str:
    return ", ".join(f"{label} ({value})" for value, label in choices.choices)


# --- the list of acts and medicines ----------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    """One row of a list of acts and medicines, checked."""

    number: int
    code: str
    label: str
    kind: str
    service_category: str
    level: str
    max_quantity: int | None
    min_days_between: int | None

    def values(self) -> dict[str, Any]:
        """The row as MedicalItem fields."""
        return {
            "label": self.label,
            "kind": self.kind,
            "service_category": self.service_category,
            "level": self.level,
            "max_quantity": self.max_quantity,
            "min_days_between": self.min_days_between,
        }


def item_rows(table: Table) -> tuple[list[ItemRow], list[Problem]]:
    """Each row of a list of acts and medicines, checked on its own and against the rows above
    (a code twice in the file); the problems in the order of the file."""
    words = {key: vocabulary(choices) for key, choices in CODED.items()}
    required = _("This field is required.")
    rows: list[ItemRow] = []
    problems: list[Problem] = []
    first_row_of: dict[str, int] = {}
    for number, values in table.rows:
        errors: list[tuple[str, str]] = []
        text = {key: cell_text(table.value(values, key)) for key in ("code", "label")}
        for key, limit in ITEM_LENGTHS.items():
            if not text[key]:
                errors.append((key, required))
            elif message := text_problem(text[key], limit):
                errors.append((key, message))
        code = text["code"]
        if code in first_row_of:
            errors.append(
                (
                    "code",
                    _("The code %(code)s already appears on row %(row)s.")
                    % {"code": code, "row": first_row_of[code]},
                )
            )
        elif code:
            first_row_of[code] = number
        coded: dict[str, str] = {}
        for key, choices in CODED.items():
            raw = cell_text(table.value(values, key))
            if not raw:
                coded[key] = ""
                if key != "level":
                    errors.append((key, required))
                continue
            coded[key] = words[key].get(normalize(raw), "")
            if not coded[key]:
                errors.append(
                    (
                        key,
                        _("Unknown value %(value)s; allowed: %(allowed)s.")
                        % {"value": raw, "allowed": allowed(choices)},
                    )
                )
        numbers: dict[str, int | None] = {}
        for key in ("max_quantity", "min_days_between"):
            try:
                numbers[key] = cell_whole(table.value(values, key))
            except ValueError:
                numbers[key] = None
                errors.append((key, _("Not a whole number.")))
            if (numbers[key] or 0) > MAX_COUNT:
                errors.append((key, _("At most %(count)s.") % {"count": GROUPED_MAX_COUNT}))
        if message := max_quantity_error(coded["kind"], numbers["max_quantity"]):
            errors.append(("max_quantity", message))
        problems.extend(Problem(number, table.labels[key], message) for key, message in errors)
        if not errors:
            rows.append(
                ItemRow(
                    number=number,
                    code=code,
                    label=text["label"],
                    kind=coded["kind"],
                    service_category=coded["service_category"],
                    level=coded["level"],
                    max_quantity=max_quantity_for(coded["kind"], numbers["max_quantity"]),
                    min_days_between=numbers["min_days_between"],
                )
            )
    return rows, problems


# --- an agreement's price list ---------------------------------------------------------------


@dataclass(frozen=True)
class PriceRow:
    number: int
    code: str
    price: int


def price_rows(table: Table) -> tuple[list[PriceRow], list[Problem]]:
    """Each priced row of a price list, checked; a row with a code and no price is left out
    (the price list to download names every act the agreement may price, and an act left
    without price is one the agreement does not cover)."""
    rows: list[PriceRow] = []
    problems: list[Problem] = []
    first_row_of: dict[str, int] = {}
    for number, values in table.rows:
        code = cell_text(table.value(values, "code"))
        try:
            price = cell_whole(table.value(values, "price"))
        except ValueError:
            problems.append(
                Problem(number, table.labels["price"], _("Not a whole amount: write 1500."))
            )
            continue
        if not code:
            if price is not None:
                problems.append(Problem(number, table.labels["code"], _("This field is required.")))
            continue
        if price is None:
            continue
        try:
            check_amount(price)
        except ValidationError as error:
            problems.append(Problem(number, table.labels["price"], error.messages[0]))
            continue
        if code in first_row_of:
            problems.append(
                Problem(
                    number,
                    table.labels["code"],
                    _("The code %(code)s already appears on row %(row)s.")
                    % {"code": code, "row": first_row_of[code]},
                )
            )
            continue
        first_row_of[code] = number
        rows.append(PriceRow(number, code, price))
    return rows, problems


# --- the files to download --------------------------------------------------------------------


def header_row(sheet, columns: Sequence[Column], language: str, widths: dict[str, int]) -> None:
    sheet.append([column.header(language) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(column.key, 14)


def choice_list(sheet, letter: str, choices: type[TextChoices]) -> None:
    """A drop-down of the labels in the column; other spellings are accepted: warn only."""
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for label in choices.labels) + '"',
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
    )
    validation.add(f"{letter}2:{letter}10000")
    sheet.add_data_validation(validation)


ITEM_EXAMPLES = (
    ("CS-PS", "Consultation au poste de santé", ItemKind.ACT, "consultation", "health_post"),
    ("PARA500", "Paracétamol 500 mg, comprimé", ItemKind.MEDICINE, "medicines", ""),
    ("ACC-SIMP", "Accouchement simple (forfait)", ItemKind.FLAT_FEE, "childbirth", ""),
)


def items_template_xlsx(language: str = "fr") -> bytes:
    """The list of acts and medicines to fill in: the header row in the user's language, three
    example rows, drop-downs for the coded columns and a sheet "Instructions"."""
    language = language if language in LANGUAGES else "fr"
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Acts and medicines")[:31]
        header_row(sheet, ITEM_COLUMNS, language, {"label": 45, "service_category": 20})
        for code, label, kind, category, level in ITEM_EXAMPLES:
            sheet.append(
                data_row(
                    sheet,
                    [
                        code,
                        label,
                        str(ItemKind(kind).label),
                        str(ServiceCategory(category).label),
                        str(LevelOfCare(level).label) if level else None,
                        30 if kind == ItemKind.MEDICINE else max_quantity_for(kind, None),
                        None,
                    ],
                )
            )
        for letter, key in zip("ABCDEFG", (c.key for c in ITEM_COLUMNS), strict=True):
            if key in CODED:
                choice_list(sheet, letter, CODED[key])
        descriptions = {
            "code": _("The code claims name the act by, unique in the list (e.g. CS-PS)."),
            "label": _("What the act, medicine or flat fee is."),
            "kind": allowed(ItemKind),
            "service_category": allowed(ServiceCategory),
            "level": _("Where it is given; empty for any level.") + " " + allowed(LevelOfCare),
            "max_quantity": _("The most a claim may bill; empty for no limit; 1 for a flat fee."),
            "min_days_between": _(
                "The fewest days between two for the same beneficiary; empty for no limit."
            ),
        }
        notes = [
            _("One row per act, medicine or flat fee; the codes or the labels of the lists."),
            _(
                "Importing the same file again changes nothing; a row whose code is already in "
                "the list updates it."
            ),
            _(
                "A union's file extends the national list for its mutuals: a code of the national "
                "list in it replaces the national act for them."
            ),
        ]
        instructions(workbook, ITEM_COLUMNS, language, descriptions, notes)
        return saved(workbook)


def price_list_xlsx(rows: Iterable[tuple[str, str, int | None]], language: str = "fr") -> bytes:
    """An agreement's price list, (code, label, price) per act: what its version holds, and
    the acts it may price left without price. Filled in, it imports as it is."""
    language = language if language in LANGUAGES else "fr"
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Price list")[:31]
        header_row(sheet, TARIFF_COLUMNS, language, {"label": 50, "code": 16})
        for row in rows:
            sheet.append(data_row(sheet, row))
        descriptions = {
            "code": _("The code of the act, medicine or flat fee."),
            "label": _("For reading only: the import goes by the code."),
            "price": _(
                "The agreed price, a whole amount; empty when the agreement does not cover it."
            ),
        }
        notes = [
            _(
                "The prices of the file replace those of the same acts; the acts it does not "
                "price keep theirs. Importing the same file again changes nothing."
            ),
        ]
        instructions(workbook, TARIFF_COLUMNS, language, descriptions, notes)
        return saved(workbook)


def instructions(
    workbook: Workbook,
    columns: Sequence[Column],
    language: str,
    descriptions: dict[str, str],
    notes: Sequence[str],
) -> None:
    sheet = workbook.create_sheet("Instructions")
    for note in notes:
        sheet.append([note])
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("Description")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in columns:
        sheet.append(
            [column.header(language), _("yes") if column.required else "", descriptions[column.key]]
        )
    for letter, width in zip("ABC", (24, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=len(notes) + 3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
