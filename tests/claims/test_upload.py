"""A provider's monthly batch of claims as a spreadsheet."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from mutualis.claims.imports import claims_import
from mutualis.claims.models import Claim, ClaimLine
from mutualis.federation.rules import Role

HEADER = [
    "code_prestataire",
    "num_facture",
    "num_membre",
    "date_soins",
    "date_fin",
    "type_visite",
    "diagnostic_cim10",
    "num_lettre_garantie",
    "code_acte",
    "quantite",
    "prix_unitaire",
]
TODAY = datetime.date(2025, 3, 20)


def workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Factures de mars 2025"])  # a title above the header
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows(care):
    moussa, awa = care.moussa.member_number, care.awa.member_number
    return [
        ("PS-JOAL", "F-1", moussa, "10/03/2025", None, None, "A09", None, "CS-PS", 1, 1000),
        ("PS-JOAL", "F-1", moussa, "10/03/2025", None, None, "A09", None, "PARA500", 10, 25),
        (
            "PS-JOAL",
            "F-2",
            awa,
            datetime.date(2025, 3, 11),
            None,
            "Emergency",
            "",
            None,
            "CS-PS",
            1,
            1000,
        ),
    ]


def upload(manager, content, **options):
    return claims_import(by=manager, file_name="mars.xlsx", content=content, today=TODAY, **options)


@pytest.fixture
def manager(cast):
    return cast[Role.MUTUAL_MANAGER]


def test_a_batch_makes_one_claim_per_invoice_and_again_changes_nothing(care, manager):
    report = upload(manager, workbook(*rows(care)))
    assert report.errors == []
    assert (report.rows, report.claims, report.saved_claims, report.skipped) == (3, 2, 2, 0)
    assert report.saved
    first = Claim.objects.get(provider_reference="F-1")
    assert first.lines.count() == 2 and first.diagnosis == "A09"
    assert first.channel == "upload" and first.submitted_by == manager
    assert Claim.objects.get(provider_reference="F-2").visit_type == "emergency"
    assert report.mutual_share == Claim.objects.get(provider_reference="F-1").mutual_share + 800
    again = upload(manager, workbook(*rows(care)))
    assert (again.saved_claims, again.skipped, again.errors) == (0, 2, [])
    assert Claim.objects.count() == 2 and ClaimLine.objects.count() == 3


def test_each_bad_cell_is_told_with_its_row_and_column_and_nothing_is_saved(care, manager):
    bad = rows(care)
    bad[1] = (*bad[1][:9], -4, 25)
    bad[2] = (*bad[2][:3], "le 11 mars", *bad[2][4:])
    report = upload(manager, workbook(*bad))
    assert not report.saved
    assert {(p.row, p.column) for p in report.errors} == {(4, "quantite"), (5, "date_soins")}
    assert not Claim.objects.exists()


def test_problems_found_on_submission_point_to_their_rows_too(care, manager):
    batch = rows(care)
    batch[2] = (*batch[2][:2], "M1-999999-Z", *batch[2][3:])
    batch.append(
        ("PS-JOAL", "F-3", care.fatou.member_number, "12/03/2025", *[None] * 4, "CS-PS", "x", 1)
    )
    report = upload(manager, workbook(*batch))
    found = {(p.row, p.column) for p in report.errors}
    assert found == {(5, "num_membre"), (6, "quantite")}
    assert not Claim.objects.exists()


def test_the_valid_claims_alone_may_be_submitted(care, manager):
    batch = rows(care)
    batch[2] = (*batch[2][:2], "M1-999999-Z", *batch[2][3:])
    report = upload(manager, workbook(*batch), valid_only=True)
    assert report.saved and report.saved_claims == 1 and report.rejected == 1
    assert list(Claim.objects.values_list("provider_reference", flat=True)) == ["F-1"]


def test_the_rows_of_one_invoice_must_agree(care, manager):
    batch = rows(care)
    batch[1] = (*batch[1][:3], "11/03/2025", *batch[1][4:])
    report = upload(manager, workbook(*batch))
    assert [(p.row, p.column) for p in report.errors] == [(4, "date_soins")]
    assert not Claim.objects.exists()


def test_a_clerk_submits_for_their_own_provider_only(care, cast):
    clerk = cast[Role.PROVIDER_CLERK]
    care.post.staff.add(clerk)
    batch = [
        *rows(care),
        ("PS-PAKOUR", "P-1", care.awa.member_number, "10/03/2025", *[None] * 4, "CS-PS", 1, 1000),
    ]
    report = upload(clerk, workbook(*batch))
    assert [(p.row, p.column) for p in report.errors] == [(6, "code_prestataire")]
    assert not Claim.objects.exists()


def test_the_template_has_the_columns_and_the_screen_submits_it(client, care, manager):
    client.force_login(manager)
    response = client.get("/claims/upload/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER
    response = client.post(
        "/claims/upload/",
        {"file": _named(workbook(*rows(care)), "mars.xlsx")},
    )
    assert response.status_code == 200
    assert response.context["report"].saved_claims == 2
    assert Claim.objects.count() == 2


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
