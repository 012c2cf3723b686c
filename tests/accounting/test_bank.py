"""Bank statements (issue 14): imported from CSV or Excel, every row or none; matched with the
books' lines on their account by amount, date and reference, each match confirmed by a person;
a line of the books matched once, whatever asks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation

from mutualis.accounting.bank import Movement, proposals
from mutualis.accounting.models import BankLine, BankStatement, Line
from mutualis.accounting.services import (
    bank_line_match,
    bank_line_unmatch,
    bank_statement_import,
    statement_proposals,
)
from mutualis.contributions.services import payer_payment_record, receivables_recognise
from mutualis.core.imports import describe
from mutualis.core.models import Event
from tests.accounting.test_posting import STATE_2025, post

D = datetime.date


def movement(key, day, amount, words=""):
    return Movement(key, day, amount, words)


def test_a_statement_line_is_proposed_the_same_amount_near_in_date_named_first():
    statement = [
        movement(1, D(2025, 3, 5), 13656, "VIR ETAT REF VIR-1"),
        movement(2, D(2025, 3, 6), -500),
    ]
    books = [
        movement(10, D(2025, 3, 1), 13656, "VIR-9"),  # nearer than 11 but named by nobody
        movement(11, D(2025, 2, 27), 13656, "VIR-1"),
        movement(12, D(2025, 3, 6), -400),  # not the same amount
        movement(13, D(2025, 3, 20), -500),  # too far
    ]
    assert proposals(statement, books) == {1: 11}
    # each line of the books is proposed once
    twice = [movement(1, D(2025, 3, 5), 100), movement(2, D(2025, 3, 5), 100)]
    assert proposals(twice, [movement(10, D(2025, 3, 4), 100)]) == {1: 10}


CSV = (
    "Relevé BICIS — compte 0123\n"
    "Date;Libellé;Référence;Débit;Crédit\n"
    "03/03/2025;VIREMENT ETAT DU SENEGAL;VIR-1;;13 656\n"
    "04/03/2025;FRAIS DE TENUE DE COMPTE;;1 500;\n"
).encode()


@pytest.fixture
def state_paid(family, federation, state):
    receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 2, 1))
    payer_payment_record(
        by=None,
        mutual=federation.m1,
        payer=state,
        amount=STATE_2025,
        method="bank_transfer",
        reference="VIR-1",
        received_on=D(2025, 3, 1),
    )
    post()


def imported(federation, content=CSV, account="521"):
    return bank_statement_import(
        by=None,
        organisation=federation.m1,
        account_number=account,
        file_name="releve-mars.csv",
        content=content,
    )


def test_a_statement_is_imported_and_its_lines_proposed_against_the_books(state_paid, federation):
    report = imported(federation)

    statement = report.statement
    assert (statement.first_day, statement.last_day) == (D(2025, 3, 3), D(2025, 3, 4))
    assert list(statement.lines.order_by("date").values_list("amount", "reference")) == [
        (13656, "VIR-1"),
        (-1500, ""),
    ]
    assert Event.objects.get(kind="bank_statement.imported").payload["money_in"] == 13656
    transfer = statement.lines.get(amount=13656)
    book_line = Line.objects.get(mutual=federation.m1, account__number="521")
    assert statement_proposals(statement) == {transfer.pk: book_line.pk}


def test_a_match_is_confirmed_once_and_undone(state_paid, federation, cast):
    statement = imported(federation).statement
    transfer = statement.lines.get(amount=13656)
    charges = statement.lines.get(amount=-1500)
    book_line = Line.objects.get(mutual=federation.m1, account__number="521")

    bank_line_match(by=None, bank_line=transfer, line=book_line)
    assert BankLine.objects.get(pk=transfer.pk).matched == book_line
    assert statement_proposals(statement) == {}
    with translation.override("en"):
        with pytest.raises(ValidationError) as twice:
            bank_line_match(by=None, bank_line=transfer, line=book_line)
        assert "matched already" in twice.value.message_dict["bank_line"][0]
        with pytest.raises(ValidationError) as other:
            bank_line_match(by=None, bank_line=charges, line=book_line)
        assert "amounts differ" in other.value.message_dict["line"][0]
    # the database refuses a second match of the same line of the books, whatever asks
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        BankLine.objects.filter(pk=charges.pk).update(matched=book_line)

    bank_line_unmatch(by=None, bank_line=transfer)
    assert BankLine.objects.get(pk=transfer.pk).matched is None
    assert [e.kind for e in Event.objects.filter(kind__startswith="bank_line.")] == [
        "bank_line.matched",
        "bank_line.unmatched",
    ]


def test_a_statement_with_a_wrong_row_is_refused_whole_naming_the_row_and_column(federation):
    wrong = CSV + b"32/03/2025;RETRAIT;;abc;\n"
    with translation.override("en"):
        report = imported(federation, wrong)
        assert report.statement is None and not BankStatement.objects.exists()
        assert [describe(problem) for problem in report.errors] == [
            "Row 5, column Date: Write a past date, as 05/12/2026.",
            "Row 5, column Crédit: Write an amount other than zero, in whole francs.",
        ]
        with pytest.raises(ValidationError) as income:
            imported(federation, account="701")
        assert "class 5" in income.value.message_dict["account"][0]
