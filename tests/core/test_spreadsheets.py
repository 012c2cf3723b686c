"""Every export writes text as data (core.spreadsheets): a name, a reference or a label that a
spreadsheet would take as a formula comes out as a string cell marked as text, and a control
character stored before core.bounds refused them does not break the export."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from mutualis.claims.models import Claim
from mutualis.claims.services import ClaimInput, LineInput, claims_submit
from mutualis.contributions.exports import contributions_xlsx
from mutualis.contributions.models import Payment
from mutualis.contributions.services import payment_record
from mutualis.core.spreadsheets import REPLACEMENT, data_cell
from mutualis.federation.services import organisation_update
from mutualis.membership.exports import register_xlsx
from mutualis.membership.models import Beneficiary, Household
from mutualis.providers.models import Agreement, MedicalItem, Provider
from mutualis.providers.services import item_create
from mutualis.settlements.exports import clearing_xlsx, statement_xlsx
from mutualis.settlements.models import Statement
from mutualis.settlements.queries import clearing, clearing_lines
from mutualis.settlements.services import statements_issue
from tests.claims.conftest import care  # noqa: F401  (the fixture)
from tests.settlements.conftest import bill, no_review  # noqa: F401  (the fixtures)

D = datetime.date
FORMULAS = ('=HYPERLINK("http://x";"y")', "+1", "@SUM(A1)", "-2+3", "\t=1")
CONTROL = "Diop\x07"
FORMULA_STARTS = tuple("=+-@\t\r")


def texts_of(content: bytes) -> list[str]:
    """Every text cell of every sheet, once each is found to be data: no formula, and text
    that looks like one marked as text."""
    texts = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_STARTS):
                        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    return texts


def assert_written_as_data(content: bytes, *hostile: str) -> None:
    texts = texts_of(content)
    for text in hostile:
        shown = text.replace("\x07", REPLACEMENT).strip()  # services strip what they keep
        assert any(shown in written for written in texts), (text, texts)


def test_text_that_looks_like_a_formula_is_a_string_marked_as_text():
    workbook = Workbook()
    sheet = workbook.active

    sheet.append([data_cell(sheet, value) for value in (*FORMULAS, "Diop", -1500, CONTROL)])
    buffer = io.BytesIO()
    workbook.save(buffer)

    row = next(load_workbook(buffer).active.iter_rows())
    assert [cell.value for cell in row] == [*FORMULAS, "Diop", -1500, "Diop" + REPLACEMENT]
    assert [cell.data_type for cell in row] == ["s"] * 6 + ["n", "s"]
    assert [bool(cell.quotePrefix) for cell in row] == [True] * 5 + [False] * 3


@pytest.fixture
def hostile_register(family):
    """The Diop household with a formula in every text of its head, and a control character in
    a name (stored before core.bounds refused them)."""
    head = family.beneficiaries.get(relationship="head")
    fields = ("last_name", "first_name", "birth_place", "national_id", "phone")
    Beneficiary.objects.filter(pk=head.pk).update(**dict(zip(fields, FORMULAS, strict=True)))
    Beneficiary.objects.exclude(pk=head.pk).filter(household=family).update(last_name=CONTROL)
    Household.objects.filter(pk=family.pk).update(address=FORMULAS[0])
    return family


def test_the_register_export_writes_names_as_data(hostile_register):
    content = register_xlsx(Household.objects.all(), "fr")

    assert_written_as_data(content, *FORMULAS, CONTROL)


def test_the_contributions_export_writes_references_as_data(hostile_register):
    for number, reference in enumerate((*FORMULAS, "ok"), start=1):
        payment_record(
            by=None,
            household=hostile_register,
            amount=1000,
            method="mobile_money",
            received_on=D(2025, 2, number),
            reference=reference,
        )
    Payment.objects.filter(reference="ok").update(reference=CONTROL)

    content = contributions_xlsx(Payment.objects.all(), "fr")

    assert_written_as_data(content, *FORMULAS, CONTROL)


def submitted(care, reference: str, provider: str, day: datetime.date) -> Claim:  # noqa: F811
    submission = claims_submit(
        [
            ClaimInput(
                member_number=care.awa.member_number,
                provider_code=provider,
                provider_reference=reference,
                service_from=day,
                service_to=None,
                lines=(LineInput("CS-PS", 1, 1000),),
            )
        ],
        channel="clerk",
        actor=None,
        scope_prefix="/",
        today=day,
    )
    assert submission.saved, submission.errors
    return submission.claims[0]


@pytest.fixture
def hostile_claims(care, federation):  # noqa: F811
    """Claims of March at Joal (paid by M1) and at Pakour (paid by D2 for M1: the clearing) sent
    with invoice numbers that are formulas, one holding a control character, by mutuals and a
    provider whose names are formulas."""
    for index, reference in enumerate((*FORMULAS, "F-OLD"), start=1):
        submitted(care, reference, "PS-JOAL", D(2025, 3, index))
        submitted(care, reference, "PS-PAKOUR", D(2025, 3, 10 + index))
    Claim.objects.filter(provider_reference="F-OLD").update(provider_reference=CONTROL)
    organisation_update(by=None, organisation=federation.m1, name=FORMULAS[1])
    organisation_update(by=None, organisation=federation.d2, name=FORMULAS[2])
    Provider.objects.filter(code="PS-JOAL").update(name=FORMULAS[3])
    statements_issue(by=None, payer=federation.m1, day=D(2025, 3, 1), issued_on=D(2025, 4, 2))
    statements_issue(by=None, payer=federation.d2, day=D(2025, 3, 1), issued_on=D(2025, 4, 2))


def test_the_statement_workbook_writes_references_and_names_as_data(hostile_claims, federation):
    statement = Statement.objects.get(mutual=federation.m1)

    content = statement_xlsx(statement, "en")

    assert_written_as_data(content, *FORMULAS, CONTROL)


def test_the_clearing_workbook_writes_references_and_names_as_data(hostile_claims, cast):
    manager = cast["mutual_manager"]
    added, released = clearing_lines(manager, D(2025, 4, 1))

    content = clearing_xlsx(clearing(manager, D(2025, 4, 1)), added, released, "en")

    assert_written_as_data(content, *FORMULAS, CONTROL, FORMULAS[1], FORMULAS[2])


def test_the_price_list_writes_labels_as_data(care, federation, cast, client):  # noqa: F811
    # a tab and a control character are refused by the service now: stored before
    for index, label in enumerate((*FORMULAS[:4], "tab", "old"), start=1):
        item_create(
            by=None,
            owner=federation.national,
            code=f"X{index}",
            label=label,
            kind="act",
            service_category="consultation",
        )
    MedicalItem.objects.filter(label="tab").update(label=FORMULAS[4])
    MedicalItem.objects.filter(label="old").update(label=CONTROL)
    agreement = Agreement.objects.get(party=federation.m1)
    client.force_login(cast["mutual_manager"])

    answer = client.get(f"/agreements/{agreement.pk}/price-list.xlsx")

    assert answer.status_code == 200
    assert_written_as_data(answer.content, *FORMULAS, CONTROL)
