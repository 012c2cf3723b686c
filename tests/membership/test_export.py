"""Excel exports of the register and of contributions (membership.exports)."""

import datetime
import io

from openpyxl import load_workbook

from mutualis.contributions.exports import contributions_xlsx
from mutualis.contributions.models import Allocation, Payment
from mutualis.contributions.services import payment_record, payment_reverse
from mutualis.membership.exports import register_xlsx
from mutualis.membership.imports import register_import
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.services import beneficiary_leave, household_enrol
from tests.conftest import person

D = datetime.date


def sheet_rows(content: bytes) -> tuple[list, list[list]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def sow_household(federation, cmu_package):
    return household_enrol(
        by=None,
        mutual=federation.m1,
        package=cmu_package,
        enrolled_on=D(2025, 2, 1),
        head=person("Ousmane", "Sow", "M", "1970-01-01"),
        dependents=[person("Aïda", "Sow", "F", "2010-05-05", category="indigent")],
        address="Fadial",
    )


def test_the_register_has_one_row_per_beneficiary_with_real_dates(federation, cmu_package, family):
    sow = sow_household(federation, cmu_package)
    beneficiary_leave(
        by=None, beneficiary=sow.beneficiaries.get(first_name="Aïda"), on=D(2025, 6, 1)
    )

    header, rows = sheet_rows(register_xlsx(Household.objects.all(), "fr"))

    assert header[:3] == ["ref_menage", "numero_membre", "lien"]
    assert len(rows) == Beneficiary.objects.count() == 6
    people = Beneficiary.objects.select_related("household__package").order_by(
        "household__number", "pk"
    )
    for values, beneficiary in zip(rows, people, strict=True):
        record = dict(zip(header, values, strict=True))
        assert record["ref_menage"] == beneficiary.household.number
        assert record["numero_membre"] == beneficiary.member_number
        assert (record["nom"], record["prenom"], record["sexe"]) == (
            beneficiary.last_name,
            beneficiary.first_name,
            beneficiary.sex,
        )
        assert isinstance(record["date_naissance"], datetime.datetime)
        assert as_date(record["date_naissance"]) == beneficiary.birth_date
        assert as_date(record["date_adhesion"]) == beneficiary.enrolled_on
        assert as_date(record["date_sortie"]) == beneficiary.left_on
        assert record["code_paquet"] == "CMU"
    assert rows[0][2] == "chef" and rows[1][2] == "conjoint"
    aida = next(r for r in rows if r[4] == "Aïda")
    assert aida[header.index("categorie")] == "indigent"
    assert as_date(aida[header.index("date_sortie")]) == D(2025, 6, 1)
    assert aida[header.index("adresse")] == "Fadial"


def test_the_register_header_is_bold_and_frozen(federation, family):
    workbook = load_workbook(io.BytesIO(register_xlsx(Household.objects.all(), "en")))
    sheet = workbook.worksheets[0]

    assert sheet.title == "Register"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet["A1"].value == "household_ref"
    assert sheet["C2"].value == "head"


def test_a_register_of_several_mutuals_names_each_mutual(federation, cmu_package, family):
    household_enrol(
        by=None,
        mutual=federation.m2,
        package=cmu_package,
        enrolled_on=D(2025, 2, 1),
        head=person("Binta", "Diallo", "F", "1990-01-01"),
    )

    header, rows = sheet_rows(register_xlsx(Household.objects.all(), "fr"))

    assert header[0] == "mutuelle"
    assert sorted({row[0] for row in rows}) == ["M1", "M2"]


def test_an_exported_register_imports_cleanly_into_another_mutual(federation, cmu_package, family):
    sow_household(federation, cmu_package)
    content = register_xlsx(Household.objects.filter(mutual=federation.m1), "fr")

    report = register_import(
        by=None, mutual=federation.m2, file_name="m1.xlsx", content=content, language="en"
    )

    assert report.errors == []
    assert (report.households_created, report.beneficiaries_created) == (2, 6)
    assert report.warnings == []  # the columns only an export has are known, not imported
    moved = Beneficiary.objects.filter(mutual=federation.m2)
    assert sorted(moved.values_list("first_name", flat=True)) == sorted(
        Beneficiary.objects.filter(mutual=federation.m1).values_list("first_name", flat=True)
    )
    assert moved.get(first_name="Aïda").category == "indigent"


def test_contributions_have_one_row_per_allocation(federation, cmu_package, family):
    first = payment_record(
        by=None,
        household=family,
        amount=14652,
        method="mobile_money",
        reference="MP250110.1234",
        received_on=D(2025, 1, 10),
    )
    payment_reverse(by=None, payment=first, reason="erreur de saisie", on=D(2025, 1, 11))

    header, rows = sheet_rows(contributions_xlsx(Payment.objects.all(), "en"))

    assert header == [
        "Receipt number",
        "Received on",
        "Household",
        "Method",
        "Transaction reference",
        "Kind",
        "Third payer",
        "Period",
        "Amount",
        "Reversal",
        "Reverses",
    ]
    allocations = Allocation.objects.select_related("payment").order_by(
        "payment__received_on", "payment_id", "pk"
    )
    assert len(rows) == allocations.count() == 4
    for values, allocation in zip(rows, allocations, strict=True):
        assert values[0] == allocation.payment.receipt_number
        assert as_date(values[1]) == allocation.payment.received_on
        assert values[2] == family.number
        assert values[3] == "mobile money"
        assert values[4] == "MP250110.1234"
        assert as_date(values[7]) == allocation.period_start
        assert values[8] == allocation.amount and isinstance(values[8], int)
        assert values[9] == ("yes" if allocation.payment.reverses_id else "no")
    assert sum(values[8] for values in rows) == 0
    assert rows[-1][10] == first.receipt_number
