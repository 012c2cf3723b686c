import datetime

import pytest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from mutualis.contributions import receipts
from mutualis.contributions.receipts import receipt_lines, receipt_pdf
from mutualis.contributions.services import (
    payer_payment_record,
    payment_record,
    payment_reverse,
)
from mutualis.core.formats import format_amount
from mutualis.core.pdf import extract_text, page_count

D = datetime.date


@pytest.fixture
def payment(family):
    return payment_record(
        by=None, household=family, amount=15000, method="cash", received_on=D(2025, 1, 10)
    )


def french(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


def test_a_receipt_is_a_pdf(payment):
    pdf = receipt_pdf(payment)
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1


def test_a_receipt_shows_its_number_the_amount_and_what_it_pays(payment):
    text = extract_text(receipt_pdf(payment, compress=False))
    assert "Mutuelle de santé de Joal" in text
    assert payment.receipt_number in text
    assert "15 000 FCFA" in text
    assert "Moussa DIOP" in text
    assert "10 janvier 2025" in text
    assert capfirst(french("registration fee")) in text
    assert "1 000 FCFA" in text
    assert "01/01/2025 – 31/12/2025" in text


def test_a_receipt_in_english(payment):
    text = extract_text(receipt_pdf(payment, language="en", compress=False))
    assert "Registration fee" in text
    assert "15,000 FCFA" in text
    assert "Contribution for the period 01/01/2025 – 31/12/2025" in text


def test_the_allocations_shown_add_up_to_the_payment(payment):
    with translation.override("en"):
        lines = receipt_lines(payment)
    assert lines == [
        ("Registration fee", 1000),
        ("Contribution for the period 01/01/2025 – 31/12/2025", 13652),
        ("Contribution for the period 01/01/2026 – 31/12/2026", 348),
    ]
    assert sum(amount for _label, amount in lines) == payment.amount


def test_a_mobile_money_receipt_shows_the_transaction_reference(family):
    payment = payment_record(
        by=None,
        household=family,
        amount=15000,
        method="mobile_money",
        reference="MP250110.1432.A12345",
        received_on=D(2025, 1, 10),
    )
    text = extract_text(receipt_pdf(payment, language="en", compress=False))
    assert "Mobile money, reference MP250110.1432.A12345" in text


def test_a_reversal_names_the_receipt_it_cancels_with_negative_amounts(payment):
    reversal = payment_reverse(by=None, payment=payment, reason="Erreur de saisie")
    text = extract_text(receipt_pdf(reversal, language="en", compress=False))
    assert "REVERSAL" in text
    assert f"Reversal of receipt no. {payment.receipt_number}" in text
    assert f"Receipt no. {reversal.receipt_number}" in text
    assert "-15,000 FCFA" in text
    assert "-1,000 FCFA" in text
    assert "Erreur de saisie" in text
    assert sum(amount for _label, amount in receipt_lines(reversal)) == -15000


def test_a_reversed_receipt_printed_again_says_it_was_reversed(payment):
    reversal = payment_reverse(by=None, payment=payment, reason="Erreur de saisie")
    text = extract_text(receipt_pdf(payment, language="en", compress=False))
    assert f"Reversed by receipt no. {reversal.receipt_number}" in text


def test_a_third_payer_s_receipt_lists_the_households_it_pays_for(family, federation, state):
    payment = payer_payment_record(
        by=None,
        mutual=federation.m1,
        payer=state,
        amount=7000,
        method="bank_transfer",
        reference="VIR-2025-77",
        received_on=D(2025, 2, 1),
    )
    with translation.override("en"):
        lines = receipt_lines(payment)
    assert lines == [
        (
            f"Third payer's share for household no. {family.number}, "
            "period 01/01/2025 – 31/12/2025",
            7000,
        )
    ]
    text = extract_text(receipt_pdf(payment, language="en", compress=False))
    assert "État du Sénégal" in text


def test_a_long_list_of_allocations_goes_on_to_more_pages(payment, monkeypatch):
    many = [(f"Third payer's share for household no. {n}", 100) for n in range(1, 151)]
    monkeypatch.setattr(receipts, "receipt_lines", lambda payment: many)
    pdf = receipt_pdf(payment, language="en", compress=False)
    assert page_count(pdf) > 1
    text = extract_text(pdf)
    assert "household no. 150" in text
    assert "15,000 FCFA" in text  # the total, on the last page


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("fr", 15000, "15\u00a0000\u00a0FCFA"),
        ("fr", -1234567, "-1\u00a0234\u00a0567\u00a0FCFA"),
        ("en", 15000, "15,000\u00a0FCFA"),
        ("en", 0, "0\u00a0FCFA"),
    ],
)
def test_amounts_are_grouped_by_thousands_in_the_language(language, amount, expected):
    with translation.override(language):
        assert format_amount(amount, "XOF") == expected
