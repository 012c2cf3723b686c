"""A year closed (issue 14): its result posted to the result account on its last day, its
balances carried into the next year's first day, its months closed; the balance sheet balances
before and after."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mutualis.accounting.models import ClosedMonth, Entry, Line
from mutualis.accounting.queries import balance_sheet, income_statement
from mutualis.accounting.services import EntryLine, entry_record, year_close, year_reopen
from mutualis.contributions.services import payment_record
from mutualis.core.models import Event
from tests.accounting.test_posting import MEMBER_2025, entries, post

D = datetime.date
RECEIVED = 1000 + MEMBER_2025  # the fee and the members' share of 2025
RENT = 5000


@pytest.fixture
def a_year(family, federation):
    """2025 at Joal: the Diop household's payment in cash, and the rent paid from the cash."""
    payment_record(
        by=None, household=family, amount=RECEIVED, method="cash", received_on=D(2025, 1, 10)
    )
    post()
    entry_record(
        by=None,
        organisation=federation.m1,
        journal="CA",
        date=D(2025, 2, 3),
        label="Loyer",
        lines=[EntryLine("622", debit=RENT), EntryLine("571", credit=RENT)],
    )


def test_closing_a_year_posts_its_result_carries_its_balances_and_closes_its_months(
    a_year, federation
):
    closed = year_close(by=None, organisation=federation.m1, year=2025)

    surplus = RECEIVED - RENT
    assert closed.result == surplus
    assert closed.result_entry.date == D(2025, 12, 31)
    assert closed.opening_entry.date == D(2026, 1, 1)
    by_journal = dict(entries(federation.m1))
    assert by_journal["CL"] == [
        ("131", 0, surplus),
        ("622", 0, RENT),
        ("701", MEMBER_2025, 0),
        ("706", 1000, 0),
    ]
    assert by_journal["AN"] == [("131", 0, surplus), ("571", surplus, 0)]
    assert ClosedMonth.objects.filter(mutual=federation.m1, month__year=2025).count() == 12
    assert Event.objects.filter(kind="year.closed").get().payload["result"] == surplus


def test_the_statements_of_a_closed_year_show_it_before_its_closing_and_the_sheets_balance(
    a_year, federation
):
    before = balance_sheet(federation.m1, D(2025, 12, 31))
    year_close(by=None, organisation=federation.m1, year=2025)

    assert income_statement(federation.m1, D(2025, 1, 1), D(2025, 12, 31)).result == (
        RECEIVED - RENT
    )
    after = balance_sheet(federation.m1, D(2025, 12, 31))
    assert after == before
    assert after.total_assets == after.total_liabilities == RECEIVED - RENT
    opened = balance_sheet(federation.m1, D(2026, 12, 31))
    assert [(b.account.number, b.balance) for b in opened.assets] == [("571", RECEIVED - RENT)]
    assert [(b.account.number, b.balance) for b in opened.liabilities] == [
        ("131", -(RECEIVED - RENT))
    ]
    assert opened.result == 0 and opened.total_assets == opened.total_liabilities


def test_a_payment_of_a_closed_year_is_posted_in_the_next_open_month(a_year, family, federation):
    year_close(by=None, organisation=federation.m1, year=2025)
    payment_record(by=None, household=family, amount=500, method="cash", received_on=D(2025, 6, 1))
    post()
    assert Entry.objects.filter(mutual=federation.m1, source_kind="payment.recorded").latest(
        "pk"
    ).date == D(2026, 1, 1)


def test_a_year_is_closed_once_after_the_year_before_and_when_it_is_over(a_year, federation):
    entry_record(
        by=None,
        organisation=federation.m1,
        journal="OD",
        date=D(2024, 12, 20),
        label="Frais de constitution",
        lines=[EntryLine("638", debit=300), EntryLine("571", credit=300)],
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as first:
            year_close(by=None, organisation=federation.m1, year=2025)
        assert "Close 2024 first" in first.value.message_dict["year"][0]
        year_close(by=None, organisation=federation.m1, year=2024)
        year_close(by=None, organisation=federation.m1, year=2025)
        with pytest.raises(ValidationError) as twice:
            year_close(by=None, organisation=federation.m1, year=2025)
        assert "closed already" in twice.value.message_dict["year"][0]
        this_year = timezone.localdate().year
        with pytest.raises(ValidationError) as running:
            year_close(by=None, organisation=federation.m1, year=this_year)
        assert "once it is over" in running.value.message_dict["year"][0]
    # 2024's deficit came into 2025 and out again into 2026
    carried = Line.objects.filter(entry__journal="AN", entry__date=D(2026, 1, 1))
    assert sum(line.debit - line.credit for line in carried) == 0
    assert balance_sheet(federation.m1, D(2026, 12, 31)).total_assets == RECEIVED - RENT - 300


def test_a_balance_sheet_carries_the_years_not_closed_yet(a_year, family, federation):
    payment_record(by=None, household=family, amount=700, method="cash", received_on=D(2026, 1, 5))
    post()
    sheet = balance_sheet(federation.m1, D(2026, 12, 31))
    assert [(b.account.number, b.balance) for b in sheet.assets] == [("571", RECEIVED - RENT + 700)]
    assert (sheet.earlier_results, sheet.result) == (RECEIVED - RENT, 700)
    assert sheet.total_assets == sheet.total_liabilities

    year_close(by=None, organisation=federation.m1, year=2025)
    assert balance_sheet(federation.m1, D(2026, 12, 31)).total_assets == RECEIVED - RENT + 700
    assert balance_sheet(federation.m1, D(2026, 12, 31)).earlier_results == 0


def test_the_union_reopens_a_closed_year_its_closing_reversed_and_closes_it_again(
    a_year, cast, federation
):
    closed = year_close(by=None, organisation=federation.m1, year=2025)
    before = balance_sheet(federation.m1, D(2026, 12, 31))
    with translation.override("en"):
        with pytest.raises(ValidationError) as not_the_union:
            year_reopen(by=cast["accountant"], closed=closed, reason="Erreur")
        assert "role" in not_the_union.value.message_dict["year"][0]
        with pytest.raises(ValidationError) as no_reason:
            year_reopen(by=cast["union_officer"], closed=closed, reason=" ")
        assert "reason" in no_reason.value.message_dict["reason"][0]

    year_reopen(by=cast["union_officer"], closed=closed, reason="Facture de loyer oubliée")

    # the closing's two entries reversed on their own days, in their journals; the months stay
    # closed until the union reopens the one to correct
    reversals = Entry.objects.filter(mutual=federation.m1, reverses__isnull=False)
    assert sorted((e.journal, e.date) for e in reversals) == [
        ("AN", D(2026, 1, 1)),
        ("CL", D(2025, 12, 31)),
    ]
    for reversal in reversals:
        original = reversal.reverses
        assert sorted(reversal.lines.values_list("account", "debit", "credit", "party")) == sorted(
            original.lines.values_list("account", "credit", "debit", "party")
        )
    assert ClosedMonth.objects.filter(mutual=federation.m1, month__year=2025).count() == 12
    reopened = balance_sheet(federation.m1, D(2026, 12, 31))
    assert reopened.total_assets == before.total_assets
    assert (reopened.earlier_results, reopened.result) == (RECEIVED - RENT, 0)
    assert Event.objects.filter(kind="year.reopened").get().payload["reason"] == (
        "Facture de loyer oubliée"
    )
    with translation.override("en"), pytest.raises(ValidationError) as twice:
        year_reopen(by=cast["union_officer"], closed=closed, reason="Encore")
    assert "reopened already" in twice.value.message_dict["year"][0]

    again = year_close(by=None, organisation=federation.m1, year=2025)
    assert again.result == RECEIVED - RENT
    closed_again = balance_sheet(federation.m1, D(2026, 12, 31))
    assert [(b.account.number, b.balance) for b in closed_again.assets] == [
        (b.account.number, b.balance) for b in before.assets
    ]
    assert closed_again.total_liabilities == before.total_liabilities
    assert closed_again.earlier_results == 0


def test_a_year_is_reopened_after_the_year_it_opens(a_year, cast, federation):
    first = year_close(by=None, organisation=federation.m1, year=2024)
    year_close(by=None, organisation=federation.m1, year=2025)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        year_reopen(by=cast["union_officer"], closed=first, reason="Erreur")
    assert "Reopen 2025 first" in refused.value.message_dict["year"][0]
    assert not Entry.objects.filter(reverses__isnull=False).exists()
