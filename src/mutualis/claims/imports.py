"""A provider's monthly batch of claims as a spreadsheet: one row per line, the rows of one
invoice (same provider and invoice number) making one claim.

The file is read like the other imports (core.imports.read_table: .xlsx or CSV, headers in
French or English, a title may stand above them); `claims_import` checks every row, hands the
claims to `services.claims_submit` and reports each problem with its row, its column and the
rule, in the user's language. Nothing is saved from a file with an error unless the valid claims
alone are asked for. Importing the same file again changes nothing: the invoices already
submitted are skipped and counted.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutualis.claims import facts
from mutualis.claims.choices import Channel, VisitType
from mutualis.claims.models import Claim
from mutualis.claims.queries import member_lookup_prefix
from mutualis.claims.services import ClaimInput, LineInput, claims_submit
from mutualis.core.imports import (
    Column,
    Problem,
    cell_date,
    cell_text,
    cell_whole,
    read_table,
    text_problem,
)
from mutualis.core.spreadsheets import data_row, saved
from mutualis.core.text import normalize
from mutualis.federation.models import Organisation
from mutualis.federation.rules import CLAIM_CLERKS
from mutualis.federation.services import require_role
from mutualis.membership.models import Beneficiary
from mutualis.providers.imports import LANGUAGES, header_row, instructions, vocabulary
from mutualis.providers.models import MedicalItem, Provider

COLUMNS = (
    Column(
        "provider_code",
        "code_prestataire",
        "provider_code",
        ("prestataire", "provider", "code_formation_sanitaire"),
        required=True,
    ),
    Column(
        "provider_reference",
        "num_facture",
        "invoice_number",
        ("facture", "numero_facture", "invoice", "reference"),
        required=True,
    ),
    Column(
        "member_number",
        "num_membre",
        "member_number",
        ("numero_membre", "matricule", "numero_adherent", "num_adherent"),
        required=True,
    ),
    Column(
        "service_from",
        "date_soins",
        "date_of_care",
        ("date_debut", "date", "date_entree", "service_date"),
        required=True,
    ),
    Column("service_to", "date_fin", "end_of_care", ("date_sortie", "discharge_date")),
    Column("visit_type", "type_visite", "visit_type", ("type_de_visite",)),
    Column("diagnosis", "diagnostic_cim10", "diagnosis_icd10", ("diagnostic", "cim10", "icd10")),
    Column(
        "letter_number",
        "num_lettre_garantie",
        "guarantee_letter",
        ("lettre_garantie", "num_lettre", "prise_en_charge"),
    ),
    Column("item_code", "code_acte", "item_code", ("code", "code_medicament"), required=True),
    Column("quantity", "quantite", "quantity", ("qte", "qty"), required=True),
    Column("unit_price", "prix_unitaire", "unit_price", ("prix", "price"), required=True),
)
# The most characters each text column holds: the model's max_length.
TEXT_LENGTHS = {
    "provider_code": Provider._meta.get_field("code").max_length,
    "provider_reference": Claim._meta.get_field("provider_reference").max_length,
    "member_number": Beneficiary._meta.get_field("member_number").max_length,
    "diagnosis": Claim._meta.get_field("diagnosis").max_length,
    "item_code": MedicalItem._meta.get_field("code").max_length,
}
# What every row of one invoice repeats and must agree on.
CLAIM_FIELDS = (
    "member_number",
    "service_from",
    "service_to",
    "visit_type",
    "diagnosis",
    "letter_number",
)


@dataclass
class ClaimsImportReport:
    file_name: str
    rows: int = 0
    claims: int = 0
    saved_claims: int = 0
    skipped: int = 0  # invoices already submitted: imported before
    rejected: int = 0  # claims not saved: they have an error
    asked: int = 0
    mutual_share: int = 0
    in_review: int = 0
    currency: str = ""  # of the mutuals whose claims were saved, when they share one
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    saved: bool = False


@dataclass
class Invoice:
    rows: list[int] = field(default_factory=list)  # the file's row numbers, one per line
    values: dict[str, Any] = field(default_factory=dict)
    lines: list[LineInput] = field(default_factory=list)
    valid: bool = True


def parsed(key: str, value: Any, visit_types: dict[str, str]) -> Any:
    """A cell's value as the claim takes it; ValueError with the rule when it cannot be."""
    if key in ("service_from", "service_to"):
        try:
            return cell_date(value)
        except (ValueError, OverflowError):
            raise ValueError(_("Write a date as dd/mm/yyyy.")) from None
    if key in ("quantity", "unit_price", "letter_number"):
        try:
            return cell_whole(value)
        except ValueError:
            raise ValueError(_("Write a whole number.")) from None
    if key == "visit_type":
        text = cell_text(value)
        if not text:
            return VisitType.NORMAL
        code = visit_types.get(normalize(text))
        if code is None:
            raise ValueError(
                _("Unknown visit type; write one of: %(allowed)s.")
                % {"allowed": ", ".join(str(label) for label in VisitType.labels)}
            )
        return code
    text = cell_text(value)
    if message := text_problem(text, TEXT_LENGTHS[key]):
        raise ValueError(message)
    return text.upper() if key in ("item_code", "member_number", "diagnosis") else text


def invoices_of(table, report: ClaimsImportReport) -> dict[tuple[str, str], Invoice]:
    visit_types = vocabulary(VisitType)
    invoices: dict[tuple[str, str], Invoice] = {}
    for number, values in table.rows:
        report.rows += 1
        row: dict[str, Any] = {}
        problems = []
        for column in COLUMNS:
            try:
                row[column.key] = parsed(column.key, table.value(values, column.key), visit_types)
            except ValueError as error:
                problems.append(Problem(number, table.labels[column.key], str(error)))
        for key in ("provider_code", "provider_reference"):
            if key in row and not row[key]:
                problems.append(Problem(number, table.labels[key], _("This cell is required.")))
        report.errors.extend(problems)
        key = (row.get("provider_code") or "", row.get("provider_reference") or "")
        invoice = invoices.setdefault(key, Invoice())
        invoice.valid &= not problems
        if not invoice.rows:
            invoice.values = {name: row.get(name) for name in CLAIM_FIELDS}
        else:
            for name in CLAIM_FIELDS:
                if row.get(name) != invoice.values[name]:
                    invoice.valid = False
                    report.errors.append(
                        Problem(
                            number,
                            table.labels[name],
                            _("The rows of one invoice must agree: row %(row)s says otherwise.")
                            % {"row": invoice.rows[0]},
                        )
                    )
        invoice.rows.append(number)
        invoice.lines.append(
            LineInput(row.get("item_code") or "", row.get("quantity"), row.get("unit_price"))
        )
    return invoices


def claims_import(
    *,
    by,
    file_name: str,
    content: bytes,
    language: str = "fr",
    valid_only: bool = False,
    today: datetime.date | None = None,
) -> ClaimsImportReport:
    """Imports a batch of claims for the beneficiaries of `by`'s scope, at the providers they
    may bill for (services.billing_refusal: a clerk's own; for a manager, those under an
    agreement of the member's mutual or its unions), each refused on its row otherwise."""
    require_role(by, CLAIM_CLERKS, "file")
    with translation.override(language):
        report = ClaimsImportReport(file_name=file_name)
        table, errors, report.warnings = read_table(file_name, content, COLUMNS)
        if table is None:
            report.errors = errors
            return report
        invoices = invoices_of(table, report)
        report.claims = len(invoices)
        places = facts.providers_by_code(code for code, _ref in invoices)
        used = facts.references_used(
            (places[code].id, ref) for code, ref in invoices if code in places
        )
        fresh = []
        for (code, ref), invoice in invoices.items():
            if code in places and (places[code].id, ref) in used:
                report.skipped += 1
            else:
                fresh.append((code, ref, invoice))
        inputs = [
            ClaimInput(
                member_number=invoice.values["member_number"] or "",
                provider_code=code,
                provider_reference=ref,
                service_from=invoice.values["service_from"],
                service_to=invoice.values["service_to"],
                lines=tuple(invoice.lines),
                visit_type=invoice.values["visit_type"] or VisitType.NORMAL,
                diagnosis=invoice.values["diagnosis"] or "",
                letter_number=invoice.values["letter_number"],
            )
            for code, ref, invoice in fresh
        ]
        usable = [index for index, (_c, _r, invoice) in enumerate(fresh) if invoice.valid]
        # With errors in some rows, the other claims are still checked, so that every
        # problem of the file is told at once, and nothing is saved.
        submission = claims_submit(
            [inputs[i] for i in usable],
            channel=Channel.UPLOAD,
            actor=by,
            scope_prefix=member_lookup_prefix(by),
            today=today,
            valid_only=valid_only,
            check_only=bool(report.errors) and not valid_only,
        )
        report.errors.extend(problems_of(submission.errors, [fresh[i][2] for i in usable], table))
        report.errors.sort(key=lambda problem: (problem.row or 0, problem.column))
        if not submission.saved:
            report.rejected = len(fresh)
            return report
        saved = [claim for claim in submission.claims if claim is not None]
        report.saved = True
        report.saved_claims = len(saved)
        report.rejected = len(fresh) - len(saved)
        report.asked = sum(claim.asked for claim in saved)
        report.mutual_share = sum(claim.mutual_share for claim in saved)
        report.in_review = sum(claim.status == "in_review" for claim in saved)
        currencies = set(
            Organisation.objects.filter(pk__in={claim.mutual_id for claim in saved})
            .values_list("currency", flat=True)
            .distinct()
        )
        report.currency = currencies.pop() if len(currencies) == 1 else ""
        return report


def problems_of(errors: dict[int, dict[str, list[str]]], invoices, table) -> list[Problem]:
    """The errors of `claims_submit` on the rows and columns they come from."""
    found = []
    for index, fields in errors.items():
        invoice = invoices[index]
        for key, messages in fields.items():
            row, column = invoice.rows[0], key
            if key.startswith("lines."):
                _lines, number, column = key.split(".")
                row = invoice.rows[int(number)]
            label = table.labels.get(column, "")
            found.extend(Problem(row, label, message) for message in messages)
    return found


EXAMPLE = (
    (
        "PS-JOAL",
        "F2025-0141",
        "MS0001-000123-K",
        "03/03/2025",
        None,
        None,
        "A09",
        None,
        "CS-PS",
        1,
        1000,
    ),
    (
        "PS-JOAL",
        "F2025-0141",
        "MS0001-000123-K",
        "03/03/2025",
        None,
        None,
        "A09",
        None,
        "SRO",
        4,
        150,
    ),
)


def template_xlsx(language: str = "fr") -> bytes:
    """The batch to fill in: the header row in the user's language, an example invoice of two
    lines, and a sheet "Instructions"."""
    language = language if language in LANGUAGES else "fr"
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Claims")[:31]
        header_row(sheet, COLUMNS, language, {"member_number": 18, "provider_reference": 14})
        for row in EXAMPLE:
            sheet.append(data_row(sheet, row))
        descriptions = {
            "provider_code": _("The provider's code in the list of providers."),
            "provider_reference": _(
                "The provider's own invoice number: the rows of one invoice make one claim."
            ),
            "member_number": _("The member number on the beneficiary's card."),
            "service_from": _("The day of care, or of admission for a stay (dd/mm/yyyy)."),
            "service_to": _("The day of discharge for a stay; empty for a visit."),
            "visit_type": _("Empty for a normal visit; or: %(allowed)s.")
            % {"allowed": ", ".join(str(label) for label in VisitType.labels)},
            "diagnosis": _("The ICD-10 code of the diagnosis, if known (e.g. A09)."),
            "letter_number": _("The number of the guarantee letter, for care that needs one."),
            "item_code": _("The code of the act, medicine or flat fee in the national list."),
            "quantity": _("A whole number, at least 1."),
            "unit_price": _("The price asked for one, a whole amount."),
        }
        notes = [
            _("One row per line of an invoice; the rows of one invoice repeat its first columns."),
            _(
                "Importing the same file again changes nothing: the invoices already submitted "
                "are skipped."
            ),
        ]
        instructions(workbook, COLUMNS, language, descriptions, notes)
        return saved(workbook)
