"""The statement a payer sends a provider, as a PDF and as an Excel workbook."""

import io

import pytest
from openpyxl import load_workbook

from mutualis.claims.services import ClaimInput, LineInput, claims_submit
from mutualis.core.pdf import extract_text, page_count
from mutualis.settlements.documents import statement_pdf
from mutualis.settlements.exports import statement_xlsx
from mutualis.settlements.services import (
    provider_payment_record,
    statement_cancel,
    statements_issue,
)
from tests.settlements.conftest import ISSUED, MARCH, D


@pytest.fixture
def claims(bill, care):
    return [bill(day=D(2025, 3, 10)), bill(care.fatou, day=D(2025, 3, 14))]


@pytest.fixture
def statement(claims, federation):
    (statement,) = statements_issue(
        by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED
    ).statements
    return statement


def test_a_statement_is_a_pdf(statement):
    pdf = statement_pdf(statement)
    assert pdf.startswith(b"%PDF") and page_count(pdf) == 1


def test_the_statement_shows_payer_provider_period_claims_totals_and_due_date(
    statement, claims, care
):
    text = extract_text(statement_pdf(statement, language="en", compress=False))

    assert "Mutuelle de santé de Joal" in text
    assert "Statement no. 1" in text
    assert "Poste de santé de Joal (PS-JOAL)" in text
    assert "01/03/2025 – 31/03/2025" in text
    for claim in claims:
        assert claim.beneficiary.member_number in text
        assert claim.provider_reference in text
    assert "14/03/2025" in text
    # asked 1,250 each: 1,000 paid by the mutual, 250 of co-payment
    assert "Total (2 claims)\n2,500\n2,000\n500\n0\n" in text
    assert "Amount due: 2,000 FCFA" in text
    assert "2 May 2025 (payment terms: 30 days)" in text
    assert "Agreement" in text and "C-1" in text


def test_the_statement_in_french_groups_thousands_and_dates_day_first(statement):
    text = extract_text(statement_pdf(statement, compress=False)).replace("\xa0", " ")
    assert "\nPart de l’adhérent\nNon facturable\n" in text
    assert "\n2 000\n" in text and "2 000 FCFA" in text
    assert "01/03/2025 – 31/03/2025" in text
    assert "2 mai 2025" in text


def test_a_long_statement_turns_the_page_and_keeps_its_totals(care, federation):
    visits = [
        ClaimInput(
            member_number=who.member_number,
            provider_code="PS-JOAL",
            provider_reference=f"L-{who.pk}-{day}",
            service_from=D(2025, 3, day),
            service_to=None,
            lines=(LineInput("CS-PS", 1, 1000),),
        )
        for who in (care.awa, care.moussa)
        for day in range(1, 32)
    ]
    claims_submit(visits, channel="upload", actor=None, scope_prefix="/", today=D(2025, 3, 31))
    (statement,) = statements_issue(
        by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED
    ).statements

    pdf = statement_pdf(statement, language="en", compress=False)
    text = extract_text(pdf)

    assert page_count(pdf) > 1
    assert "Statement no. 1 (continued, page 2)" in text
    assert "Total (62 claims)" in text and "Amount due: 49,600 FCFA" in text


def test_a_partly_paid_statement_says_what_is_still_owed(statement):
    provider_payment_record(
        by=None, statement=statement, amount=1500, method="cash", paid_on=D(2025, 4, 10)
    )
    text = extract_text(statement_pdf(statement, language="en", compress=False))
    assert "Paid so far: 1,500 FCFA · still owed: 500 FCFA" in text


def test_a_cancelled_statement_says_so(statement):
    statement_cancel(by=None, statement=statement, reason="sent twice", on=ISSUED)
    text = extract_text(statement_pdf(statement, language="en", compress=False))
    assert "CANCELLED on 2 April 2025" in text and "sent twice" in text


def test_the_workbook_lists_the_claims_with_a_total_and_the_statement(statement, claims):
    book = load_workbook(io.BytesIO(statement_xlsx(statement, "en")))
    lines, facts = (list(sheet.values) for sheet in book.worksheets)

    assert lines[0][0] == "Member number"
    first = lines[1]
    assert first[0] == claims[0].beneficiary.member_number
    assert first[1] == "Mutuelle de santé de Joal"
    assert first[2].date() == D(2025, 3, 10)
    assert first[3] == claims[0].provider_reference
    assert first[4:] == (1250, 1000, 250, 0)
    assert lines[-1] == ("Total", None, None, None, 2500, 2000, 500, 0)
    heads, values = facts
    found = dict(zip(heads, values, strict=True))
    assert found["Number"] == 1
    assert found["Amount due"] == 2000 and found["Outstanding"] == 2000
    assert found["To be paid by"].date() == D(2025, 5, 2)
    assert found["Status"] == "unpaid"


def test_the_statement_shows_what_the_member_owes_and_what_the_provider_may_not_bill(
    care, federation
):
    # given tablets billed at 30 where the agreed tariff is 25
    claim = ClaimInput(
        member_number=care.moussa.member_number,
        provider_code="PS-JOAL",
        provider_reference="A-1",
        service_from=D(2025, 3, 10),
        service_to=None,
        lines=(LineInput("CS-PS", 1, 1000), LineInput("PARA500", 10, 30)),
    )
    claims_submit([claim], channel="clerk", actor=None, scope_prefix="/", today=D(2025, 3, 31))
    (statement,) = statements_issue(
        by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED
    ).statements
    # then the PDF and the workbook show the three parts apart: asked 1,300 is 1,000 paid by
    # the mutual, 250 owed by the member and 50 above the tariff the provider may not bill
    text = extract_text(statement_pdf(statement, language="en", compress=False))
    assert "\nMember's share\nNot billable\n" in text
    assert "\n1,300\n1,000\n250\n50\n" in text
    book = load_workbook(io.BytesIO(statement_xlsx(statement, "en")))
    lines = list(book.worksheets[0].values)
    assert lines[0][4:] == (
        "Amount asked",
        "Paid by the mutual",
        "Owed by the member",
        "Not billable by the provider",
    )
    assert lines[1][4:] == (1300, 1000, 250, 50)
