"""Issuing and cancelling provider statements: one per payer, provider and invoicing period, of
the approved claims on no statement yet; numbered per payer; due after the agreement's terms."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.audit import audit_trail
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.providers.models import AgreementVersion
from mutualis.settlements.models import Statement, StatementClaim
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statement_cancel,
    statements_issue,
)
from tests.settlements.conftest import FUTURE, ISSUED, MARCH, D


def issue(payer, day=MARCH, issued_on=ISSUED, by=None):
    return statements_issue(by=by, payer=payer, day=day, issued_on=issued_on)


def claims_of(statement):
    return set(
        StatementClaim.objects.filter(statement=statement).values_list("claim_id", flat=True)
    )


def test_a_month_is_issued_with_the_approved_claims_of_its_care(bill, care, federation):
    paid = [bill(day=D(2025, 3, 10)), bill(care.fatou, day=D(2025, 3, 31))]
    refused = bill(day=D(2025, 2, 1))  # in the waiting period: nothing to pay
    after = bill(day=D(2025, 4, 1))  # care of the next month

    (statement,) = issue(federation.m1).statements

    assert refused.mutual_share == 0 and after.mutual_share == 1000
    assert claims_of(statement) == {c.pk for c in paid}
    assert (statement.number, statement.provider, statement.mutual) == (1, care.post, federation.m1)
    assert (statement.period_start, statement.period_end) == (MARCH, D(2025, 3, 31))
    assert statement.total == 2000 == sum(c.mutual_share for c in paid)
    assert statement.issued_on == ISSUED
    assert statement.due_on == ISSUED + datetime.timedelta(days=30)
    assert statement.agreement == care.agreements["PS-JOAL"]
    assert statement.currency == "XOF"
    assert [entry.action for entry in audit_trail(statement)] == ["create"]


def test_claims_of_earlier_months_left_out_go_on_the_next_statement(bill, federation):
    february = bill(day=D(2025, 2, 20))
    march = bill(day=D(2025, 3, 10))

    (statement,) = issue(federation.m1).statements

    assert claims_of(statement) == {february.pk, march.pk}


def test_issuing_a_month_again_adds_only_the_claims_that_came_in_since(bill, federation):
    first = bill(day=D(2025, 3, 10))
    issue(federation.m1)
    late = bill(day=D(2025, 3, 20), late=20)  # sent by the provider in April

    (again,) = issue(federation.m1, issued_on=D(2025, 4, 15)).statements

    assert claims_of(again) == {late.pk}
    assert again.number == 2 and again.total == late.mutual_share
    with pytest.raises(ValidationError) as refused:
        issue(federation.m1, issued_on=D(2025, 4, 16))
    (message,) = refused.value.message_dict["period"]
    assert "1, 2" in message
    assert Statement.objects.count() == 2
    assert StatementClaim.objects.filter(claim=first).count() == 1


def test_nothing_to_pay_is_refused_and_writes_nothing(bill, federation):
    bill(day=D(2025, 2, 1))  # refused in the waiting period

    with pytest.raises(ValidationError) as refused:
        issue(federation.m1)

    assert list(refused.value.message_dict) == ["period"]
    assert not Statement.objects.exists()


def test_a_month_that_is_not_over_is_not_issued(bill, federation):
    bill(day=D(2025, 3, 10))

    with pytest.raises(ValidationError) as refused:
        issue(federation.m1, issued_on=D(2025, 3, 31))

    (message,) = refused.value.message_dict["period"]
    assert "31/03/2025" in message
    assert not Statement.objects.exists()


def test_a_statement_is_not_issued_in_the_future(bill, federation):
    bill(day=D(2025, 3, 10))
    with pytest.raises(ValidationError) as refused:
        issue(federation.m1, issued_on=FUTURE)

    assert list(refused.value.message_dict) == ["issued_on"]


def test_the_agreements_invoicing_period_and_payment_terms_apply(bill, care, federation):
    AgreementVersion.objects.filter(agreement=care.agreements["PS-JOAL"]).update(
        invoicing_period="quarter", payment_days=45
    )
    february, march = bill(day=D(2025, 2, 20)), bill(day=D(2025, 3, 10))

    (statement,) = issue(federation.m1, day=D(2025, 2, 1)).statements

    assert (statement.period_start, statement.period_end) == (D(2025, 1, 1), D(2025, 3, 31))
    assert claims_of(statement) == {february.pk, march.pk}
    assert statement.payment_days == 45
    assert statement.due_on == ISSUED + datetime.timedelta(days=45)


def test_a_member_treated_under_another_organisations_agreement_is_on_its_statement(
    bill, care, federation
):
    at_home = bill(day=D(2025, 3, 10))
    away = bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12))

    (union,) = issue(federation.d2).statements
    (own,) = issue(federation.m1).statements

    assert away.payer == federation.d2 and away.mutual == federation.m1
    assert (union.mutual, union.provider, claims_of(union)) == (
        federation.d2,
        care.pakour,
        {away.pk},
    )
    assert claims_of(own) == {at_home.pk}
    # each payer numbers its own statements
    assert union.number == own.number == 1


def test_cancelling_a_statement_frees_its_claims_and_keeps_it(bill, federation):
    claim = bill(day=D(2025, 3, 10))
    (statement,) = issue(federation.m1).statements

    statement_cancel(by=None, statement=statement, reason="wrong provider", on=ISSUED)
    (again,) = issue(federation.m1, issued_on=D(2025, 4, 3)).statements

    statement.refresh_from_db()
    assert statement.cancelled_on == ISSUED and statement.cancel_reason == "wrong provider"
    assert claims_of(statement) == claims_of(again) == {claim.pk}
    assert again.number == 2
    assert StatementClaim.objects.get(statement=statement).released_on == ISSUED
    assert [entry.action for entry in audit_trail(statement)] == ["update", "create"]


def test_a_statement_with_money_on_it_is_cancelled_only_once_its_payments_are_reversed(
    bill, federation
):
    bill(day=D(2025, 3, 10))
    (statement,) = issue(federation.m1).statements
    payment = provider_payment_record(
        by=None, statement=statement, amount=400, method="cash", paid_on=D(2025, 4, 5)
    )

    with pytest.raises(ValidationError) as refused:
        statement_cancel(by=None, statement=statement, reason="error", on=D(2025, 4, 6))
    assert list(refused.value.message_dict) == ["statement"]

    provider_payment_reverse(by=None, payment=payment, reason="error", on=D(2025, 4, 6))
    statement_cancel(by=None, statement=statement, reason="error", on=D(2025, 4, 6))
    statement.refresh_from_db()
    assert statement.cancelled_on == D(2025, 4, 6)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"on": D(2025, 4, 1)}, "on"),  # before the statement's issue
        ({"on": FUTURE}, "on"),
    ],
)
def test_a_bad_cancellation_names_its_field_and_changes_nothing(bill, federation, change, field):
    bill(day=D(2025, 3, 10))
    (statement,) = issue(federation.m1).statements

    with pytest.raises(ValidationError) as refused:
        statement_cancel(
            by=None, statement=statement, **{"reason": "error", "on": ISSUED, **change}
        )

    assert list(refused.value.message_dict) == [field]
    statement.refresh_from_db()
    assert statement.cancelled_on is None
    assert not StatementClaim.objects.filter(released_on__isnull=False).exists()


def test_a_statement_is_cancelled_once(bill, federation):
    bill(day=D(2025, 3, 10))
    (statement,) = issue(federation.m1).statements
    statement_cancel(by=None, statement=statement, reason="error", on=ISSUED)

    with pytest.raises(ValidationError) as refused:
        statement_cancel(by=None, statement=statement, reason="again", on=ISSUED)

    assert list(refused.value.message_dict) == ["statement"]


def test_no_one_issues_for_an_organisation_outside_their_scope(bill, care, federation, cast):
    bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12))

    with pytest.raises(ValidationError) as refused:
        issue(federation.d2, by=cast[Role.ACCOUNTANT])

    assert list(refused.value.message_dict) == ["payer"]
    assert not Statement.objects.exists()


def test_a_unions_accountant_issues_the_statements_the_union_pays(bill, care, federation):
    accountant = user_create(
        by=None,
        username="comptable-d2",
        organisation=federation.d2,
        roles=[Role.ACCOUNTANT],
    )
    bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12))

    (statement,) = issue(federation.d2, by=accountant).statements

    assert statement.issued_by == accountant and statement.mutual == federation.d2


def test_a_period_after_the_day_of_issue_is_refused(bill, federation):
    bill(day=D(2025, 3, 10))

    with pytest.raises(ValidationError) as refused:
        issue(federation.m1, day=D(2025, 4, 3), issued_on=ISSUED)

    assert list(refused.value.message_dict) == ["period"]
