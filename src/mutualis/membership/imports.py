"""Importing a mutual's member register from a spreadsheet (.xlsx) or a CSV file (DOMAIN.md §2).

The register a mutual kept on paper or in a spreadsheet comes in as one row per person: the rows
of a household share its reference (its number in the source register), and the head's row
carries the household's enrolment date, package and address. `register_template_xlsx` makes the
template offered for download; `register_import` reads a file, checks every row and saves.

How it goes, and why that way (100,000 rows in well under a minute on a laptop):

1. read: core.spreadsheets.file_rows, once the file has passed its checks (size, zip bombs,
   macros, DTDs, number of rows): openpyxl in read-only mode, values only, or the csv module
   (UTF-8 with or without BOM, Windows-1252; `;`, `,` or tab separators found on the header line);
2. parse and check each row on its own, in plain Python over tuples (`parse_rows`);
3. load what the checks need from the database in a few set-based queries: the packages the
   mutual may use with their versions, the households of the file already imported (found by
   `Household.external_ref`) with their members, and the people of the union with the same
   duplicate keys (membership.rules.duplicate_key);
4. check each household against the family rules of the package version in force at its
   enrolment date, with membership.rules.dependent_errors (the same rules as an enrolment at
   the counter), in `plan_households` — pure, no database;
5. write with the bulk writers of membership.bulk, member and household numbers reserved at
   once from the mutual's series (membership.services.sequence_take), search words and duplicate
   keys written for every beneficiary.

Rules: nothing is saved from a file with errors unless `only_valid` is chosen, and then the
households whose rows are all valid are saved and the others reported; possible duplicates of
people already registered in the union are warnings, not errors. The whole import is one
transaction. Importing the same file again changes nothing: households are found again by their
reference, people already in them (same duplicate key) are skipped, and a new person in a known
household joins it as a dependent with the next member number.

The audit trail gets ONE entry per import — "create" on the mutual's Organisation, with the file
name and the numbers of households and beneficiaries created — rather than one per household and
per person: at 100,000 rows those entries would take longer to write than the register itself.
The rows imported are found by their household's `external_ref`.
"""

import datetime
import re
import sqlite3
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from mutualis.benefits.choices import Category, Relationship
from mutualis.benefits.models import BenefitPackage
from mutualis.benefits.queries import packages_available_to
from mutualis.benefits.terms import Terms, package_terms
from mutualis.core.audit import audit_record
from mutualis.core.bounds import check_birth_date, check_care_date, check_line
from mutualis.core.bulk import reserve_ids, write_cache
from mutualis.core.events import append_all
from mutualis.core.formats import format_date
from mutualis.core.identifiers import member_number
from mutualis.core.ids import new_uid
from mutualis.core.models import AuditEntry
from mutualis.core.spreadsheets import UnreadableFile, data_row, file_rows, saved
from mutualis.core.text import normalize
from mutualis.federation.models import Organisation
from mutualis.federation.rules import REGISTER_WRITERS, Kind
from mutualis.federation.services import require_in_scope_as
from mutualis.membership import bulk, events
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.rules import (
    default_category,
    dependent_errors,
    duplicate_key,
    search_tokens,
)
from mutualis.membership.services import sequence_take, union_of
from mutualis.membership.signals import households_changed

LANGUAGES = ("fr", "en")


# --- the columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # what the code calls it
    fr: str  # the header of the French template (data, not a translated string)
    en: str  # the header of the English template
    aliases: tuple[str, ...] = ()  # other headers accepted, written as header_key() makes them
    required: bool = False  # the file must have the column

    def header(self, language: str) -> str:
        return self.en if language == "en" else self.fr


COLUMNS = (
    Column(
        "household_ref",
        "ref_menage",
        "household_ref",
        ("reference_menage", "ref", "num_menage", "numero_menage", "household_reference"),
        required=True,
    ),
    Column("relationship", "lien", "relationship", ("lien_parente", "relation"), required=True),
    Column("last_name", "nom", "last_name", ("nom_de_famille", "surname"), required=True),
    Column("first_name", "prenom", "first_name", ("prenoms", "given_name"), required=True),
    Column("sex", "sexe", "sex", ("genre", "gender"), required=True),
    Column(
        "birth_date",
        "date_naissance",
        "birth_date",
        ("date_de_naissance", "ne_le", "date_of_birth"),
        required=True,
    ),
    Column("birth_place", "lieu_naissance", "birth_place", ("lieu_de_naissance", "place_of_birth")),
    Column(
        "national_id",
        "num_identite",
        "national_id",
        ("cni", "nin", "numero_cni", "numero_identite", "national_id_number"),
    ),
    Column("phone", "telephone", "phone", ("tel", "telephone_mobile", "mobile")),
    Column("category", "categorie", "category"),
    Column(
        "enrolled_on",
        "date_adhesion",
        "enrolment_date",
        ("date_dadhesion", "date_d_adhesion", "enrolled_on", "enrollment_date"),
        required=True,
    ),
    Column("package", "code_paquet", "package_code", ("paquet", "package")),
    Column("address", "adresse", "address", ("village", "adresse_village", "address_village")),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
# the most characters each text column holds (the model's max_length)
MAX_LENGTHS = {
    "household_ref": Household._meta.get_field("external_ref").max_length,
    "last_name": Beneficiary._meta.get_field("last_name").max_length,
    "first_name": Beneficiary._meta.get_field("first_name").max_length,
    "birth_place": Beneficiary._meta.get_field("birth_place").max_length,
    "national_id": Beneficiary._meta.get_field("national_id").max_length,
    "phone": Beneficiary._meta.get_field("phone").max_length,
    "address": Household._meta.get_field("address").max_length,
}
# the attribute of a parsed Row holding each column
ROW_FIELDS = {key: "ref" if key == "household_ref" else key for key in COLUMN_KEYS}

# Columns an export of the register adds to the template's (membership.exports): an exported
# register is read back without a warning about them, and they are not imported.
EXPORT_COLUMNS = (
    Column("member_number", "numero_membre", "member_number"),
    Column("left_on", "date_sortie", "left_on"),
    Column("resigned_on", "date_demission", "resigned_on"),
    Column("mutual", "mutuelle", "mutual"),
)


def header_key(text: Any) -> str:
    """A header as it is looked up: "Date de naissance" → "date_de_naissance"."""
    return normalize(str(text)).replace(" ", "_")


HEADERS = {
    header_key(name): column.key
    for column in COLUMNS
    for name in (column.fr, column.en, column.key, *column.aliases)
}
IGNORED_HEADERS = frozenset(
    header_key(name) for column in EXPORT_COLUMNS for name in (column.fr, column.en, column.key)
)


# The words of the template for each coded value, and the other spellings accepted.
WORDS = {
    "relationship": {
        "fr": {
            Relationship.HEAD: "chef",
            Relationship.SPOUSE: "conjoint",
            Relationship.CHILD: "enfant",
            Relationship.PARENT: "parent",
            Relationship.OTHER: "autre",
        },
        "en": {
            Relationship.HEAD: "head",
            Relationship.SPOUSE: "spouse",
            Relationship.CHILD: "child",
            Relationship.PARENT: "parent",
            Relationship.OTHER: "other",
        },
    },
    "sex": {"fr": {"F": "F", "M": "M"}, "en": {"F": "F", "M": "M"}},
    "category": {
        "fr": {
            Category.ADULT: "adulte",
            Category.CHILD: "enfant",
            Category.INDIGENT: "indigent",
            Category.ELDERLY: "personne âgée",
        },
        "en": {
            Category.ADULT: "adult",
            Category.CHILD: "child",
            Category.INDIGENT: "indigent",
            Category.ELDERLY: "elderly",
        },
    },
}
OTHER_SPELLINGS = {
    "relationship": {
        Relationship.HEAD: ("chef de menage", "chef menage", "adherent", "adherente"),
        Relationship.SPOUSE: ("conjointe", "epoux", "epouse", "mari", "femme", "wife", "husband"),
        Relationship.CHILD: ("fils", "fille", "son", "daughter"),
        Relationship.PARENT: ("pere", "mere", "father", "mother"),
        Relationship.OTHER: ("autre personne a charge", "other dependent"),
    },
    "sex": {
        "F": ("femme", "feminin", "female", "woman"),
        "M": ("h", "homme", "masculin", "male", "man"),
    },
    "category": {
        Category.ADULT: (),
        Category.CHILD: (),
        Category.INDIGENT: ("indigente",),
        Category.ELDERLY: ("personne agee", "agee", "age", "elderly person", "senior"),
    },
}
VOCABULARY = {
    column: {
        normalize(word): code
        for code in OTHER_SPELLINGS[column]
        for word in (
            code,
            *(WORDS[column][language][code] for language in LANGUAGES),
            *OTHER_SPELLINGS[column][code],
        )
    }
    for column in WORDS
}


def allowed_words(column: str, language: str) -> str:
    return ", ".join(WORDS[column][language].values())


# --- the report -----------------------------------------------------------------------------


class Problem(NamedTuple):
    """What is wrong with one cell: the row's number in the file (1 is the header; None for the
    whole file), the column's header and the message in the user's language."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0  # the rows of people read (blank rows are not counted)
    households_created: int = 0
    beneficiaries_created: int = 0
    skipped: int = 0  # rows of people already in their household: imported before
    rejected: int = 0  # rows not saved: their household has an error
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    saved: bool = False  # the file's valid households are in the database


def describe(problem: Problem) -> str:
    """One problem as a sentence for the user ("Row 3, column nom: …")."""
    if problem.row is None:
        return str(problem.message)
    if not problem.column:
        return _("Row %(row)s: %(message)s") % {"row": problem.row, "message": problem.message}
    return _("Row %(row)s, column %(column)s: %(message)s") % {
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def summary(report: ImportReport) -> str:
    return _(
        "%(households)s households created, %(beneficiaries)s beneficiaries created, "
        "%(skipped)s rows skipped as already imported, %(rejected)s rows rejected."
    ) % {
        "households": report.households_created,
        "beneficiaries": report.beneficiaries_created,
        "skipped": report.skipped,
        "rejected": report.rejected,
    }


# --- reading --------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed in a text column: 12 rather than 12.0
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
YEAR_FIRST = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T]00:00(?::00)?)?")


def cell_date(value: Any) -> datetime.date | None:
    """A date cell, a text dd/mm/yyyy or yyyy-mm-dd, or the serial number of a date in a cell
    without a date format; None when empty. Raises ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial numbers: 1900-01-01 to 9999-12-31
            return from_excel(value).date()
        raise ValueError(value)
    text = str(value).strip()
    if not text:
        return None
    if match := DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
    elif match := YEAR_FIRST.fullmatch(text):
        year, month, day = match.groups()
    else:
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))


def text_problem(text: str, limit: int) -> str | None:
    """What is wrong with a cell's text for a one-line field of the model of `limit`
    characters (its max_length): too long, or a control character (core.bounds); None when
    nothing is. The imports write without `full_clean`, so they check here what it would."""
    if len(text) > limit:
        return _("At most %(count)s characters.") % {"count": limit}
    try:
        check_line(text)
    except ValidationError as error:
        return error.messages[0]
    return None


# --- parsing each row -----------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One person's row, parsed; a value that could not be parsed is None and `valid` False."""

    number: int
    ref: str
    relationship: str | None
    last_name: str
    first_name: str
    sex: str | None
    birth_date: datetime.date | None
    birth_place: str
    national_id: str
    phone: str
    category: str | None
    enrolled_on: datetime.date | None
    package: str
    address: str
    valid: bool = True
    key: str | None = None  # membership.rules.duplicate_key, once names, sex and birth are known


@dataclass(frozen=True)
class Header:
    """Where each column is in the file (index by key) and what the file calls it."""

    row: int
    positions: dict[str, int]
    labels: dict[str, str]
    width: int


@dataclass
class HeaderFound:
    header: Header | None
    missing: list[Problem]  # required columns absent: nothing can be imported
    unused: list[Problem]  # columns that are not the template's: ignored, a warning
    rows_after: list[tuple[int, tuple]]  # rows read past the header while looking for it


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def recognised(values: tuple) -> set[str]:
    return {key for v in values if not blank(v) and (key := HEADERS.get(header_key(v)))}


REQUIRED = frozenset(column.key for column in COLUMNS if column.required)


def find_header(rows: Iterator[tuple], look_ahead: int = 10) -> HeaderFound:
    """The header: among the first rows (a title may stand above it), the first naming every
    required column, else the one naming the most columns, else the first that is not empty."""
    seen: list[tuple[int, tuple]] = []
    for number, values in enumerate(rows, start=1):
        seen.append((number, values))
        if recognised(values) >= REQUIRED or len(seen) >= look_ahead:
            break
    candidates = [(n, v) for n, v in seen if not all(blank(x) for x in v)]
    if not candidates:
        return HeaderFound(None, [Problem(None, "", _("The file holds no rows."))], [], [])
    number, values = max(candidates, key=lambda nv: (len(recognised(nv[1])), -nv[0]))
    positions: dict[str, int] = {}
    # A column the file lacks is named in the language of the file's other headers.
    written = {header_key(v) for v in values if not blank(v)}
    english = sum(c.en in written for c in COLUMNS) > sum(c.fr in written for c in COLUMNS)
    labels = {column.key: column.header("en" if english else "fr") for column in COLUMNS}
    unused = []
    for index, value in enumerate(values):
        if blank(value):
            continue
        key = HEADERS.get(header_key(value))
        if key is None and header_key(value) in IGNORED_HEADERS:
            continue
        if key is None:
            unused.append(Problem(number, str(value), _("This column is not used: it is ignored.")))
        elif key not in positions:
            positions[key] = index
            labels[key] = str(value).strip()
    missing = [
        Problem(
            number,
            labels[column.key],
            _("The file has no column %(column)s.") % {"column": labels[column.key]},
        )
        for column in COLUMNS
        if column.required and column.key not in positions
    ]
    header = Header(number, positions, labels, len(values))
    return HeaderFound(header, missing, unused, [(n, v) for n, v in seen if n > number])


def parse_rows(
    rows: Iterable[tuple[int, tuple]], header: Header, *, today: datetime.date, language: str
) -> tuple[list[Row], list[Problem]]:
    """Each row that is not blank, parsed and checked on its own: required values, known
    words, dates that parse and are not in the future, lengths. (Written for speed: this runs
    once per row of files of 100,000 rows.)"""
    labels = header.labels
    width = max(header.width, *(i + 1 for i in header.positions.values()))
    # A column the file lacks reads as the None past the end of every (padded) row.
    at = {key: header.positions.get(key, width) for key in COLUMN_KEYS}
    padding = (None,) * (width + 1)
    i_ref, i_relationship, i_last, i_first = (at[k] for k in COLUMN_KEYS[:4])
    i_sex, i_birth, i_place, i_id, i_phone = (at[k] for k in COLUMN_KEYS[4:9])
    i_category, i_enrolled, i_package, i_address = (at[k] for k in COLUMN_KEYS[9:])
    required = _("This field is required.")
    future = {
        "birth_date": _("The date of birth cannot be in the future."),
        "enrolled_on": _("The enrolment date cannot be in the future."),
    }
    not_a_date = _("Not a date: write it dd/mm/yyyy or yyyy-mm-dd.")
    unknown = _("Unknown value %(value)s; allowed: %(allowed)s.")
    # The same few spellings come back on every row: each is looked up once.
    codes: dict[str, dict[Any, str | None]] = {column: {} for column in VOCABULARY}

    def coded(column: str, raw: Any, errors: list) -> str | None:
        if raw is None or (raw.__class__ is str and not raw.strip()):
            if column != "category":
                errors.append((column, required))
            return None
        seen = codes[column]
        if raw not in seen:
            seen[raw] = VOCABULARY[column].get(normalize(cell_text(raw)))
        code = seen[raw]
        if code is None:
            allowed = allowed_words(column, language)
            errors.append((column, unknown % {"value": cell_text(raw), "allowed": allowed}))
        return code

    def dated(column: str, raw: Any, errors: list) -> datetime.date | None:
        try:
            day = raw.date() if raw.__class__ is datetime.datetime else cell_date(raw)
        except (ValueError, OverflowError):
            errors.append((column, not_a_date))
            return None
        if day is None:
            if column == "birth_date":
                errors.append((column, required))
        elif day > today:
            errors.append((column, future[column]))
        else:
            try:
                (check_birth_date if column == "birth_date" else check_care_date)(day, today)
            except ValidationError as error:
                errors.append((column, error.messages[0]))
        return day

    def text(raw: Any) -> str:
        return raw.strip() if raw.__class__ is str else cell_text(raw)

    def name(raw: Any) -> str:
        return " ".join(text(raw).split())

    result: list[Row] = []
    problems: list[Problem] = []
    for number, values in rows:
        if len(values) <= width:
            values = (*values, *padding[len(values) :])
        if all(blank(values[i]) for i in at.values()):
            continue
        errors: list[tuple[str, str]] = []
        row = Row(
            number=number,
            ref=name(values[i_ref]),
            relationship=coded("relationship", values[i_relationship], errors),
            last_name=name(values[i_last]),
            first_name=name(values[i_first]),
            sex=coded("sex", values[i_sex], errors),
            birth_date=dated("birth_date", values[i_birth], errors),
            birth_place=name(values[i_place]),
            national_id=name(values[i_id]),
            phone=name(values[i_phone]),
            category=coded("category", values[i_category], errors),
            enrolled_on=dated("enrolled_on", values[i_enrolled], errors),
            package=name(values[i_package]),
            address=name(values[i_address]),
        )
        for key, value in (
            ("household_ref", row.ref),
            ("last_name", row.last_name),
            ("first_name", row.first_name),
        ):
            if not value:
                errors.append((key, required))
        for key, limit in MAX_LENGTHS.items():
            if message := text_problem(getattr(row, ROW_FIELDS[key]), limit):
                errors.append((key, message))
        if errors:
            row.valid = False
            problems.extend(Problem(number, labels[key], message) for key, message in errors)
        if row.last_name and row.first_name and row.sex and row.birth_date:
            row.key = duplicate_key(
                first_name=row.first_name,
                last_name=row.last_name,
                sex=row.sex,
                birth_date=row.birth_date,
            )
        result.append(row)
    return result, problems


# --- checking households (pure) -------------------------------------------------------------


@dataclass(frozen=True)
class PackageTerms:
    id: int
    code: str
    versions: tuple[Terms, ...]  # in order of valid_from

    def version_on(self, day: datetime.date) -> Terms | None:
        index = bisect_right([v.valid_from for v in self.versions], day)
        return self.versions[index - 1] if index else None


@dataclass(frozen=True)
class KnownHousehold:
    """A household of the mutual already imported with the same reference."""

    id: int
    uid: str
    number: int
    package_id: int
    enrolled_on: datetime.date
    resigned_on: datetime.date | None
    keys: frozenset[str]  # of every member, past and present
    relationships: tuple[str, ...]  # of the present members


@dataclass(frozen=True, slots=True)
class Joining:
    """A person the import adds, with what the import decided for them."""

    row: Row
    enrolled_on: datetime.date
    category: str


@dataclass
class HouseholdPlan:
    ref: str
    rows: list[Row]
    known: KnownHousehold | None = None
    package_id: int | None = None
    enrolled_on: datetime.date | None = None
    address: str = ""
    phone: str = ""
    joining: list[Joining] = field(default_factory=list)
    skipped: int = 0
    valid: bool = True


def plan_households(
    rows: Sequence[Row],
    *,
    packages: Mapping[str, PackageTerms],
    known: Mapping[str, KnownHousehold],
    labels: Mapping[str, str],
    today: datetime.date,
    language: str,
) -> tuple[list[HouseholdPlan], list[Row], list[Problem]]:
    """Groups the rows by household and checks each household: one head, a package the
    mutual offers, the family rules of the version in force (membership.rules), a person
    appearing twice. Returns the plans in the order of the file, the rows without a household
    reference, and the problems. Pure: everything from the database comes in `packages` (by
    code, case-insensitive) and `known` (by reference)."""
    problems: list[Problem] = []
    households: dict[str, HouseholdPlan] = {}
    orphans: list[Row] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        if not row.ref:
            orphans.append(row)
            continue
        plan = households.get(row.ref)
        if plan is None:
            plan = households[row.ref] = HouseholdPlan(row.ref, [], known.get(row.ref))
        plan.rows.append(row)
        if row.key is not None:
            if row.key in first_row_of:
                problems.append(
                    Problem(
                        row.number,
                        labels["last_name"],
                        _("This person already appears on row %(row)s.")
                        % {"row": first_row_of[row.key]},
                    )
                )
                row.valid = False
            else:
                first_row_of[row.key] = row.number
    codes = ", ".join(sorted(p.code for p in packages.values())) or "—"
    single = next(iter(packages.values())) if len(packages) == 1 else None
    head_word = WORDS["relationship"][language][Relationship.HEAD]

    def problem(row: Row, key: str, message: str) -> None:
        problems.append(Problem(row.number, labels[key], message))

    for plan in households.values():
        plan.valid = all(row.valid for row in plan.rows)
        heads = [row for row in plan.rows if row.relationship == Relationship.HEAD]
        if plan.known is not None:
            package_id = plan.known.package_id
            enrolled_on: datetime.date | None = plan.known.enrolled_on
            members = list(plan.known.relationships)
            if plan.known.resigned_on is not None:
                new = [r for r in plan.rows if r.key not in plan.known.keys]
                for row in new:
                    problem(
                        row,
                        "household_ref",
                        _("The household resigned on %(date)s.")
                        % {"date": format_date(plan.known.resigned_on)},
                    )
                if new:
                    plan.valid = False
                    continue
            order = plan.rows
        else:
            if not heads:
                problem(
                    plan.rows[0],
                    "household_ref",
                    _("The household %(ref)s has no head (relationship %(head)s).")
                    % {"ref": plan.ref, "head": head_word},
                )
                plan.valid = False
                continue
            head = heads[0]
            members = []
            enrolled_on = head.enrolled_on
            if enrolled_on is None and head.valid:
                problem(head, "enrolled_on", _("This field is required."))
                plan.valid = False
            package_id = None
            if head.package:
                terms = packages.get(head.package.casefold())
                if terms is None:
                    problem(
                        head,
                        "package",
                        _("Unknown package code %(code)s; the mutual's packages: %(codes)s.")
                        % {"code": head.package, "codes": codes},
                    )
                    plan.valid = False
                else:
                    package_id = terms.id
            elif single is not None:
                package_id = single.id
            else:
                problem(head, "package", _("This field is required."))
                plan.valid = False
            expected = head.package or (single.code if single else "")
            for row in plan.rows:
                if row.package and expected and row.package.casefold() != expected.casefold():
                    problem(
                        row,
                        "package",
                        _("The household's package is the one on its head's row (%(code)s).")
                        % {"code": expected},
                    )
                    plan.valid = False
            plan.address = head.address
            plan.phone = head.phone
            order = [head, *(row for row in plan.rows if row is not head)]
        plan.package_id = package_id
        plan.enrolled_on = enrolled_on
        package = next((p for p in packages.values() if p.id == package_id), None)
        for row in order:
            if plan.known is not None and row.key in plan.known.keys:
                plan.skipped += 1
                continue
            if not row.valid or enrolled_on is None:
                if row.relationship:
                    members.append(row.relationship)
                continue
            assert row.relationship is not None and row.birth_date is not None  # row.valid
            joins = row.enrolled_on or enrolled_on
            if joins < enrolled_on:
                problem(
                    row,
                    "enrolled_on",
                    _("The enrolment date comes before the household's (%(date)s).")
                    % {"date": format_date(enrolled_on)},
                )
                plan.valid = False
            version = package.version_on(joins) if package else None
            if package is not None and version is None:
                problem(
                    row,
                    "enrolled_on",
                    _("The package has no version in force on %(date)s.")
                    % {"date": format_date(joins)},
                )
                plan.valid = False
            if version is not None:
                errors = dependent_errors(
                    relationship=row.relationship,
                    birth_date=row.birth_date,
                    enrolled_on=joins,
                    today=today,
                    child_age_limit=version.child_age_limit,
                    spouses_allowed=version.spouses_allowed,
                    other_dependents_allowed=version.other_dependents_allowed,
                    max_household_size=version.max_household_size,
                    household=members,
                )
                for key, message in errors.items():
                    problem(row, key, message)
                if errors:
                    plan.valid = False
            members.append(row.relationship)
            plan.joining.append(
                Joining(row, joins, row.category or default_category(row.birth_date, joins))
            )
    for row in orphans:
        row.valid = False
    return list(households.values()), orphans, problems


# --- loading from the database --------------------------------------------------------------


def chunks(values: Sequence, size: int | None = None) -> Iterator[Sequence]:
    """Slices of values small enough for one `IN (…)` of the backend: SQLite allows 32,766
    parameters in a statement (since 3.32), PostgreSQL binds any number client-side."""
    if size is None:
        size = 20000
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            size = max(limit - 10, 100)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def packages_of(mutual: Organisation) -> dict[str, PackageTerms]:
    """The packages the mutual may enrol households in, by code (case-insensitive); a code used
    both by the mutual and by a union above it names the closest package."""
    packages = sorted(
        packages_available_to(mutual).values_list("id", "code", "owner__path", "rules_revision"),
        key=lambda p: len(p[2]),
    )
    return {
        code.casefold(): PackageTerms(package_id, code, package_terms(package_id, revision))
        for package_id, code, _path, revision in packages
    }


def known_households(mutual: Organisation, refs: Sequence[str]) -> dict[str, KnownHousehold]:
    found = {}
    for chunk in chunks(refs):
        found.update(
            {
                ref: row
                for *row, ref in Household.objects.filter(
                    mutual=mutual, external_ref__in=chunk
                ).values_list(
                    "id",
                    "uid",
                    "number",
                    "package_id",
                    "enrolled_on",
                    "resigned_on",
                    "external_ref",
                )
            }
        )
    if not found:
        return {}
    keys: dict[int, set[str]] = {}
    relationships: dict[int, list[str]] = {}
    ids = [row[0] for row in found.values()]
    for chunk in chunks(ids):
        for household_id, key, relationship, left_on in Beneficiary.objects.filter(
            household_id__in=chunk
        ).values_list("household_id", "duplicate_key", "relationship", "left_on"):
            keys.setdefault(household_id, set()).add(key)
            if left_on is None:
                relationships.setdefault(household_id, []).append(relationship)
    return {
        ref: KnownHousehold(
            id=household_id,
            uid=str(uid),
            number=number,
            package_id=package_id,
            enrolled_on=enrolled_on,
            resigned_on=resigned_on,
            keys=frozenset(keys.get(household_id, ())),
            relationships=tuple(relationships.get(household_id, ())),
        )
        for ref, (household_id, uid, number, package_id, enrolled_on, resigned_on) in found.items()
    }


def union_duplicates(
    mutual: Organisation, rows: Sequence[Row], labels: Mapping[str, str]
) -> list[Problem]:
    """Warnings for the people of the file who may already be registered in the mutual's union
    (same names, sex and birth date: membership.rules.duplicate_key), like
    membership.services.possible_duplicates but for all the keys of the file at once."""
    keys = sorted({row.key for row in rows if row.key})
    matches: dict[str, list[str]] = {}
    for chunk in chunks(keys):
        for key, first, last, number, mutual_name in (
            Beneficiary.objects.filter(
                duplicate_key__in=chunk, mutual__path__startswith=union_of(mutual).path
            )
            .order_by("pk")
            .values_list(
                "duplicate_key", "first_name", "last_name", "member_number", "mutual__name"
            )
        ):
            matches.setdefault(key, []).append(f"{first} {last} ({number}, {mutual_name})")
    return [
        Problem(
            row.number,
            labels["last_name"],
            _("Possible duplicate of people already registered: %(names)s.")
            % {"names": "; ".join(matches[row.key][:3])},
        )
        for row in rows
        if row.key in matches
    ]


# --- the service ----------------------------------------------------------------------------


def register_import(
    *,
    by,
    mutual: Organisation,
    file_name: str,
    content: bytes,
    only_valid: bool = False,
    language: str = "fr",
) -> ImportReport:
    """Imports a member register (.xlsx or CSV) into a mutual: see the module's docstring for
    the rules. Returns the report; nothing is saved when `saved` is False."""
    require_in_scope_as(by, REGISTER_WRITERS, mutual, "mutual")
    with translation.override(language):
        report = ImportReport(file_name=file_name)
        if mutual.kind != Kind.MUTUAL:
            report.errors.append(Problem(None, "", _("Households are enrolled in a mutual.")))
            return report
        today = timezone.localdate()
        try:
            rows_read = file_rows(file_name, content)
            found = find_header(rows_read)
        except UnreadableFile as error:
            report.errors.append(Problem(None, "", str(error)))
            return report
        header = found.header
        if header is None or found.missing:
            report.errors.extend(found.missing)
            return report
        report.warnings.extend(found.unused)
        # the rows after the header: those read while looking for it, then the others
        rest = enumerate(rows_read, start=header.row + len(found.rows_after) + 1)
        try:
            rows, problems = parse_rows(
                chain(found.rows_after, rest), header, today=today, language=language
            )
        except UnreadableFile as error:  # a sheet damaged past its first rows
            report.errors.append(Problem(None, "", str(error)))
            return report
        report.errors.extend(problems)
        report.rows = len(rows)
        if not rows:
            report.errors.append(Problem(None, "", _("The file holds no rows.")))
            return report
        with transaction.atomic():
            plans, orphans, problems = plan_households(
                rows,
                packages=packages_of(mutual),
                known=known_households(mutual, sorted({row.ref for row in rows if row.ref})),
                labels=header.labels,
                today=today,
                language=language,
            )
            report.errors.extend(problems)
            joining = [person for plan in plans for person in plan.joining]
            report.warnings.extend(
                union_duplicates(mutual, [person.row for person in joining], header.labels)
            )
            report.errors = unique_in_order(report.errors)
            report.errors.sort(key=lambda p: (p.row or 0, column_order(p.column, header)))
            report.skipped = sum(plan.skipped for plan in plans if plan.valid)
            report.rejected = len(orphans) + sum(
                len(plan.rows) - plan.skipped for plan in plans if not plan.valid
            )
            if report.errors and not only_valid:
                return report
            households, beneficiaries = register_write(
                mutual=mutual, plans=[plan for plan in plans if plan.valid], recorded_by=by
            )
            report.households_created = households
            report.beneficiaries_created = beneficiaries
            report.saved = True
            if households or beneficiaries:
                audit_record(
                    actor=by,
                    action=AuditEntry.Action.CREATE,
                    obj=mutual,
                    changes={
                        "import": [
                            None,
                            {
                                "file": file_name,
                                "households": households,
                                "beneficiaries": beneficiaries,
                            },
                        ]
                    },
                )
        return report


def unique_in_order(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def column_order(label: str, header: Header) -> int:
    for key, text in header.labels.items():
        if text == label:
            return header.positions.get(key, len(COLUMN_KEYS))
    return len(COLUMN_KEYS)


@lru_cache(maxsize=65536)
def name_tokens(first_name: str, last_name: str) -> frozenset[str]:
    """The search words of a name (membership.rules.search_tokens is the union of the words of
    each field): the same names come back often in a register, and are worked out once."""
    return frozenset(
        search_tokens(first_name=first_name, last_name=last_name, member_number="", phone="")
    )


def register_write(
    *, mutual: Organisation, plans: Sequence[HouseholdPlan], recorded_by: Any
) -> tuple[int, int]:
    """Writes the households and people of valid plans with the bulk writers, for
    `register_import` once it checked them and the user's rights: numbers from the
    mutual's series reserved at once, search words and duplicate keys for everyone; and their
    events, as the services write them: `household.enrolled` for a new household, with its
    members, `beneficiary.added` for a member joining a known one (membership.events)."""
    new = [plan for plan in plans if plan.known is None and plan.joining]
    people = [(plan, person) for plan in plans for person in plan.joining]
    if not people:
        return 0, 0
    mutual_id = mutual.pk
    household_ids = reserve_ids(Household, len(new))
    first_household = sequence_take(mutual=mutual, name="household", count=len(new)) if new else 0
    ids_numbers: dict[str, tuple[int, int]] = {}
    household_rows = []
    enrolled = {}
    for offset, (plan, household_id) in enumerate(zip(new, household_ids, strict=True)):
        number = first_household + offset
        ids_numbers[plan.ref] = (household_id, number)
        uid = new_uid()
        enrolled[plan.ref] = (SimpleNamespace(uid=uid, number=number), plan, [])
        household_rows.append(
            (
                household_id,
                uid,
                mutual_id,
                number,
                plan.package_id,
                plan.enrolled_on,
                plan.address,
                plan.phone,
                plan.ref,
            )
        )

    beneficiary_ids = reserve_ids(Beneficiary, len(people))
    first_member = sequence_take(mutual=mutual, name="member", count=len(people))
    beneficiary_rows = []
    token_rows = []
    joined_known = []
    for offset, ((plan, person), beneficiary_id) in enumerate(
        zip(people, beneficiary_ids, strict=True)
    ):
        household_id, household_number = (
            (plan.known.id, plan.known.number) if plan.known else ids_numbers[plan.ref]
        )
        row = person.row
        number = member_number(mutual.code, first_member + offset)
        uid = new_uid()
        logged = SimpleNamespace(
            uid=uid,
            member_number=number,
            relationship=row.relationship,
            category=person.category,
            sex=row.sex,
            birth_date=row.birth_date,
            enrolled_on=person.enrolled_on,
        )
        if plan.known:
            joined_known.append(events.added(logged, plan.known.uid))
        else:
            enrolled[plan.ref][2].append(logged)
        beneficiary_rows.append(
            (
                beneficiary_id,
                uid,
                mutual_id,
                household_id,
                number,
                row.relationship,
                row.first_name,
                row.last_name,
                row.sex,
                row.birth_date,
                row.birth_place,
                row.national_id,
                row.phone,
                person.category,
                person.enrolled_on,
                row.key,
            )
        )
        own = search_tokens(
            first_name="",
            last_name="",
            member_number=number,
            phone=row.phone,
            household_number=household_number,
        )
        for token in name_tokens(row.first_name, row.last_name) | own:
            token_rows.append((mutual_id, beneficiary_id, token))
    with write_cache():
        bulk.households_insert(household_rows)
        bulk.beneficiaries_insert(beneficiary_rows)
        bulk.search_tokens_insert(token_rows)
    package_uids = dict(
        BenefitPackage.objects.filter(pk__in={plan.package_id for plan in new}).values_list(
            "pk", "uid"
        )
    )
    household_events = [
        events.enrolled(
            SimpleNamespace(
                uid=household.uid, number=household.number, enrolled_on=plan.enrolled_on
            ),
            str(package_uids[plan.package_id]),
            members,
        )
        for household, plan, members in enrolled.values()
    ]
    append_all(mutual_id, household_events + joined_known, recorded_by)
    # New households have no standing yet (contributions reads them before its lists); the
    # known ones gained members, hence dues.
    known = {plan.known.id for plan, _person in people if plan.known}
    if known:
        households_changed.send(sender=Household, household_ids=known)
    return len(new), len(people)


# --- the template ---------------------------------------------------------------------------

SHEET_NAMES = {"fr": "Registre", "en": "Register"}
TEMPLATE_WIDTHS = {"last_name": 18, "first_name": 18, "address": 28, "birth_place": 16}


def register_template_xlsx(language: str = "fr", package_codes: Sequence[str] = ()) -> bytes:
    """The register template to download: the header row in the user's language, one example
    household of three, lists for sex, relationship and category, and a sheet "Instructions"
    explaining each column. `package_codes`: the codes of the mutual's packages, if known."""
    language = language if language in LANGUAGES else "fr"
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = SHEET_NAMES[language]
        sheet.append([column.header(language) for column in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        relationship = WORDS["relationship"][language]
        package = package_codes[0] if package_codes else "CMU"
        enrolled = datetime.date(2025, 1, 10)
        household = {"household_ref": "1", "last_name": "Diop"}
        example = [
            {
                **household,
                "relationship": relationship[Relationship.HEAD],
                "first_name": "Moussa",
                "sex": "M",
                "birth_date": datetime.date(1980, 3, 2),
                "birth_place": "Joal",
                "national_id": "1 751 1980 01234",
                "phone": "+221 77 123 45 67",
                "enrolled_on": enrolled,
                "package": package,
                "address": "Quartier Escale, Joal",
            },
            {
                **household,
                "relationship": relationship[Relationship.SPOUSE],
                "first_name": "Awa",
                "sex": "F",
                "birth_date": datetime.date(1985, 6, 11),
                "birth_place": "Mbour",
            },
            {
                **household,
                "relationship": relationship[Relationship.CHILD],
                "first_name": "Fatou",
                "sex": "F",
                "birth_date": datetime.date(2012, 9, 30),
                "birth_place": "Joal",
            },
        ]
        for values in example:
            sheet.append(data_row(sheet, (values.get(column.key) for column in COLUMNS)))
        for index, column in enumerate(COLUMNS, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = TEMPLATE_WIDTHS.get(column.key, 14)
            if column.key in ("birth_date", "enrolled_on"):
                for row in range(2, len(example) + 2):
                    sheet.cell(row=row, column=index).number_format = "DD/MM/YYYY"
            if column.key in WORDS:
                words = list(WORDS[column.key][language].values())
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(words) + '"',
                    allow_blank=True,
                    # other spellings are accepted too: warn, do not refuse
                    errorStyle="warning",
                    showErrorMessage=True,
                )
                validation.add(f"{letter}2:{letter}100000")
                sheet.add_data_validation(validation)
            if column.key == "package" and package_codes:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(package_codes) + '"',
                    allow_blank=True,
                    errorStyle="warning",
                    showErrorMessage=True,
                )
                validation.add(f"{letter}2:{letter}100000")
                sheet.add_data_validation(validation)
        instructions_sheet(workbook.create_sheet("Instructions"), language, package_codes)
        return saved(workbook)


def instructions_sheet(sheet, language: str, package_codes: Sequence[str]) -> None:
    descriptions = {
        "household_ref": _(
            "The household's number in your register: the same on every row of the household."
        ),
        "relationship": _("The person's relationship to the head of household."),
        "last_name": _("Last name."),
        "first_name": _("First name or names."),
        "sex": _("F for a woman, M for a man."),
        "birth_date": _("Date of birth: a date cell, or text written dd/mm/yyyy or yyyy-mm-dd."),
        "birth_place": _("Place of birth."),
        "national_id": _("National identity card number."),
        "phone": _("Phone number; the head's is the household's."),
        "category": _(
            "Contribution category; when empty, adult from 18 years of age and child below."
        ),
        "enrolled_on": _(
            "Enrolment date, on the head's row; on another row only when that person joined "
            "the household later."
        ),
        "package": _("Code of the benefit package, on the head's row."),
        "address": _("Address or village, on the head's row."),
    }
    values = {
        "relationship": allowed_words("relationship", language),
        "sex": allowed_words("sex", language),
        "category": allowed_words("category", language),
        "birth_date": _("dd/mm/yyyy"),
        "enrolled_on": _("dd/mm/yyyy"),
        "package": ", ".join(package_codes),
    }
    notes = [
        _(
            "One row per person. The rows of a household share its reference; the head's row "
            "carries the household's enrolment date, package and address."
        ),
        _("Replace the example household by your own before importing."),
        _(
            "Importing the same file again changes nothing: households already imported are "
            "found by their reference and the people already in them are skipped; a new person "
            "in a known household is added to it."
        ),
    ]
    for note in notes:
        sheet.append([note])
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("Description"), _("Allowed values")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        required = column.required and column.key != "enrolled_on"
        sheet.append(
            [
                column.header(language),
                _("yes") if required else (_("head's row") if column.key == "enrolled_on" else ""),
                descriptions[column.key],
                values.get(column.key, ""),
            ]
        )
    for letter, width in zip("ABCD", (18, 14, 70, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=len(notes) + 3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
