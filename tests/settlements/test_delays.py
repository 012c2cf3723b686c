"""What is owed to providers and how late it is paid: the pure rules, then the figures per
provider against the agreements' terms and the 4-week reference of Ghana's NHIS (domain-rules.md
§5–8)."""

import pytest

from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.settlements.models import Statement
from mutualis.settlements.queries import provider_balances, statement_search
from mutualis.settlements.rules import (
    Payment,
    StatementStatus,
    percent,
    promptness,
    settled_on,
    standing,
)
from mutualis.settlements.services import (
    provider_payment_record,
    statement_cancel,
    statements_issue,
)
from tests.settlements.conftest import ISSUED, MARCH, D

DUE = D(2025, 5, 2)
TODAY = D(2025, 6, 1)


def judged(payments, today=TODAY, cancelled=False, issued=ISSUED, due=DUE):
    return standing(
        total=1000,
        issued_on=issued,
        due_on=due,
        cancelled=cancelled,
        payments=[Payment(day, amount) for day, amount in payments],
        today=today,
    )


def test_an_unpaid_statement_is_late_by_the_days_since_its_due_date():
    found = judged([], today=D(2025, 5, 12))
    assert (found.status, found.delay, found.days_late, found.outstanding) == (
        StatementStatus.UNPAID,
        10,
        10,
        1000,
    )


def test_a_statement_paid_before_its_due_date_is_not_late():
    found = judged([(D(2025, 4, 20), 400), (D(2025, 4, 22), 600)])
    assert found.status == StatementStatus.PAID
    assert found.settled_on == D(2025, 4, 22)
    assert (found.delay, found.days_late, found.days_early) == (-10, 0, 10)


def test_a_partly_paid_statement_stays_late_until_paid_in_full():
    found = judged([(D(2025, 4, 20), 999)], today=D(2025, 5, 4))
    assert (found.status, found.outstanding, found.days_late) == (
        StatementStatus.PARTLY_PAID,
        1,
        2,
    )


def test_a_reversal_after_the_full_payment_makes_it_unpaid_again():
    payments = [(D(2025, 4, 20), 1000), (D(2025, 4, 25), -1000), (D(2025, 5, 9), 1000)]
    assert settled_on(1000, [Payment(*p) for p in payments]) == D(2025, 5, 9)
    assert settled_on(1000, [Payment(*p) for p in payments[:2]]) is None
    assert judged(payments[:2]).status == StatementStatus.UNPAID


def test_a_cancelled_statement_owes_nothing_and_is_never_late():
    found = judged([], cancelled=True)
    assert (found.status, found.outstanding, found.days_late) == (StatementStatus.CANCELLED, 0, 0)


def test_promptness_counts_the_statements_whose_outcome_is_known():
    statements = [
        judged([(D(2025, 4, 20), 1000)]),  # 18 days after issue, within terms
        judged([(D(2025, 5, 20), 1000)]),  # late
        judged([]),  # unpaid past its due date
        judged([], issued=D(2025, 5, 20), due=D(2025, 6, 19)),  # not due yet: not known
        judged([], cancelled=True),
    ]

    found = promptness(statements, TODAY)

    assert (found.known_terms, found.within_terms) == (3, 1)
    assert (found.known_reference, found.within_reference) == (3, 1)
    assert (found.terms_percent, found.reference_percent) == (33, 33)


def test_promptness_without_any_known_outcome_is_not_computable():
    found = promptness([judged([], today=D(2025, 4, 10))], D(2025, 4, 10))
    assert found.terms_percent is None and found.reference_percent is None


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(1, 3, 33), (2, 3, 67), (1, 2, 50), (1, 8, 13), (0, 5, 0)]
)
def test_percentages_are_rounded_half_up(part, whole, expected):
    assert percent(part, whole) == expected


@pytest.fixture
def owed(bill, care, federation):
    """M1 owes the post of Joal March (2,000, paid 18 days after issue) and April (1,000,
    unpaid, due 4 June); D2 owes Pakour March (1,000, unpaid, due 2 May)."""
    bill(day=D(2025, 3, 10)), bill(care.fatou, day=D(2025, 3, 11))
    bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12))
    bill(day=D(2025, 4, 8))
    (march,) = statements_issue(
        by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED
    ).statements
    statements_issue(by=None, payer=federation.d2, day=MARCH, issued_on=ISSUED)
    provider_payment_record(
        by=None, statement=march, amount=2000, method="cash", paid_on=D(2025, 4, 20)
    )
    statements_issue(by=None, payer=federation.m1, day=D(2025, 4, 1), issued_on=D(2025, 5, 5))
    return user_create(
        by=None,
        username="national-officer",
        organisation=federation.national,
        roles=[Role.UNION_OFFICER],
    )


def test_each_provider_shows_what_is_due_paid_outstanding_and_how_late(owed, care, federation):
    rows, overall = provider_balances(owed, today=D(2025, 6, 10))

    pakour, joal = rows  # the longest delay first
    assert (pakour.payer, pakour.provider) == (federation.d2, care.pakour)
    assert (pakour.due, pakour.paid, pakour.outstanding) == (1000, 0, 1000)
    assert (pakour.oldest_unpaid_due_on, pakour.days_late) == (D(2025, 5, 2), 39)
    assert (joal.payer, joal.provider, joal.statements) == (federation.m1, care.post, 2)
    assert (joal.due, joal.paid, joal.outstanding) == (3000, 2000, 1000)
    assert (joal.oldest_unpaid_due_on, joal.days_late) == (D(2025, 6, 4), 6)
    assert joal.promptness.terms_percent == 50
    assert (overall.known_terms, overall.within_terms) == (3, 1)
    assert (overall.known_reference, overall.within_reference) == (3, 1)


def test_providers_are_sorted_as_asked(owed):
    by_name, _overall = provider_balances(owed, today=D(2025, 6, 10), order="provider")
    by_amount, _overall = provider_balances(owed, today=D(2025, 6, 10), order="outstanding")
    assert [row.provider.code for row in by_name] == ["PS-JOAL", "PS-PAKOUR"]
    # the same amount outstanding: the longer delay first
    assert [row.provider.code for row in by_amount] == ["PS-PAKOUR", "PS-JOAL"]


def test_a_mutual_sees_only_what_it_pays(owed, cast, care):
    rows, _overall = provider_balances(cast[Role.MUTUAL_MANAGER], today=D(2025, 6, 10))
    assert [(row.payer.code, row.provider.code) for row in rows] == [("M1", "PS-JOAL")]


def test_a_provider_under_agreement_is_listed_before_any_statement(care, cast):
    (row,), overall = provider_balances(cast[Role.MUTUAL_MANAGER], today=D(2025, 6, 10))
    assert (row.provider, row.statements, row.due, row.outstanding) == (care.post, 0, 0, 0)
    assert row.oldest_unpaid_due_on is None and overall.terms_percent is None


@pytest.mark.parametrize(
    ("status", "numbers"),
    [
        ("", [("M1", 2), ("D2", 1), ("M1", 1)]),
        (StatementStatus.PAID, [("M1", 1)]),
        (StatementStatus.UNPAID, [("M1", 2), ("D2", 1)]),
        (StatementStatus.PARTLY_PAID, [("D2", 1)]),
        (StatementStatus.CANCELLED, [("M1", 2)]),
    ],
)
def test_statements_are_found_by_status(owed, status, numbers):
    if status in (StatementStatus.PARTLY_PAID, StatementStatus.CANCELLED):
        statement = Statement.objects.get(mutual__code="D2")
        provider_payment_record(
            by=None, statement=statement, amount=1, method="cash", paid_on=D(2025, 5, 1)
        )
        statement_cancel(
            by=None, statement=Statement.objects.get(number=2), reason="error", on=D(2025, 5, 6)
        )
    found = statement_search(owed, status=status).order_by("-issued_on", "mutual__code")
    assert [(s.mutual.code, s.number) for s in found] == numbers


def test_statements_are_found_by_provider_and_month(owed, care):
    by_provider = statement_search(owed, provider=care.pakour)
    by_month = statement_search(owed, month=D(2025, 4, 1))
    assert [(s.mutual.code, s.number) for s in by_provider] == [("D2", 1)]
    assert [(s.mutual.code, s.number) for s in by_month] == [("M1", 2)]
