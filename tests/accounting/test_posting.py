"""The books kept from the event log (issue 14): each operation of a mutual becomes its entry,
once, on the accounts the mapping gives; a reversal reverses the entry on the same accounts; the
database refuses an unbalanced or changed entry. Amounts worked out from the rules' words: the
CMU costs 7,000 XOF per beneficiary and year, the State pays half of each line; the Diop
household enrolled on 10 January 2025 owes the 356 days left of the year, each line rounded
once (6,827), the State's half rounded once (3,414), the member the rest (3,413)."""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from mutualis.accounting.consumers import CONSUMERS
from mutualis.accounting.ledger import Draft, write_drafts
from mutualis.accounting.models import Account, Entry, Line, Mapping
from mutualis.accounting.queries import income_statement, trial_balance
from mutualis.contributions.services import (
    payer_payment_record,
    payment_record,
    payment_reverse,
    receivables_recognise,
)
from mutualis.core.consumers import drain
from mutualis.core.models import Cursor, Event
from mutualis.settlements.models import Statement
from mutualis.settlements.services import provider_payment_record, statement_cancel
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.settlements.conftest import bill, no_review  # noqa: F401 - claims to pay
from tests.settlements.test_clearing import away  # noqa: F401 - D2 paying for M1's members

D = datetime.date
(BOOKS,) = CONSUMERS
YEAR = (D(2025, 1, 1), D(2025, 12, 31))
MEMBER_2025 = 4 * 3413
STATE_2025 = 4 * 3414


def post():
    """Runs the books; none may stop on an event."""
    run = drain(BOOKS)
    stopped = [c.error for c in Cursor.objects.filter(consumer=BOOKS.name).exclude(error="")]
    assert not run.failed, stopped
    return run


def entries(organisation):
    """(journal, label, [(account, debit, credit)]) of each entry, in the order written."""
    return [
        (
            entry.journal,
            [
                (line.account.number, line.debit, line.credit)
                for line in entry.lines.select_related("account").order_by("account__number")
            ],
        )
        for entry in Entry.objects.filter(mutual=organisation).order_by("pk")
    ]


def mobile_money_moved(federation):
    """The union moves mobile money to a new account, 5511, from 2025 on."""
    wallet = Account.objects.create(
        owner=federation.national, number="5511", label_fr="Wave", label_en="Wave"
    )
    Mapping.objects.create(
        owner=federation.national,
        operation="cash.mobile_money",
        account=wallet,
        valid_from=D(2025, 1, 1),
    )


def balances(organisation, start=YEAR[0], end=YEAR[1]):
    return {b.account.number: b.balance for b in trial_balance(organisation, start, end)}


def test_a_member_s_payment_is_posted_once_to_cash_fee_and_contributions(family, federation):
    payment_record(
        by=None,
        household=family,
        amount=1000 + MEMBER_2025,
        method="cash",
        received_on=D(2025, 1, 10),
    )

    assert post().handled >= 1
    assert post().handled == 0  # read again, posted nothing twice
    assert entries(federation.m1) == [
        ("CA", [("571", 1000 + MEMBER_2025, 0), ("701", 0, MEMBER_2025), ("706", 0, 1000)])
    ]
    (entry,) = Entry.objects.filter(mutual=federation.m1)
    assert (entry.year, entry.number, entry.date, entry.validated) == (
        2025,
        1,
        D(2025, 1, 10),
        True,
    )
    assert entry.label.startswith("Reçu ")
    assert entry.subject == family.payments.get().uid
    assert entry.source == Event.objects.get(kind="payment.recorded").uid


def test_a_reversal_reverses_the_entry_on_the_same_accounts_even_after_the_mapping_changed(
    family, federation
):
    payment = payment_record(
        by=None,
        household=family,
        amount=5000,
        method="mobile_money",
        reference="WAVE-1",
        received_on=D(2025, 1, 10),
    )
    post()
    mobile_money_moved(federation)
    payment_reverse(by=None, payment=payment, reason="Saisie en double", on=D(2025, 1, 11))
    post()

    first, reversal = entries(federation.m1)
    assert first == ("MM", [("551", 5000, 0), ("701", 0, 4000), ("706", 0, 1000)])
    assert reversal == ("MM", [("551", 0, 5000), ("701", 4000, 0), ("706", 1000, 0)])
    assert set(balances(federation.m1).values()) == {0}
    original, cancel = Entry.objects.filter(mutual=federation.m1).order_by("pk")
    assert cancel.reverses == original and cancel.date == D(2025, 1, 11)
    assert (cancel.journal, cancel.number) == ("MM", 2)


def test_the_state_s_share_is_a_receivable_until_the_state_pays_it(family, federation, state):
    receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 2, 1))
    payer_payment_record(
        by=None,
        mutual=federation.m1,
        payer=state,
        amount=STATE_2025,
        method="bank_transfer",
        reference="VIR-1",
        received_on=D(2025, 3, 3),
    )
    post()

    assert entries(federation.m1) == [
        ("OP", [("461", STATE_2025, 0), ("702", 0, STATE_2025)]),
        ("BQ", [("461", 0, STATE_2025), ("521", STATE_2025, 0)]),
    ]
    assert set(Line.objects.filter(account__number="461").values_list("party", flat=True)) == {
        state.uid
    }
    assert balances(federation.m1) == {"461": 0, "521": STATE_2025, "702": -STATE_2025}


@pytest.mark.parametrize(
    "lines",
    [
        [("571", 1000, 0), ("701", 0, 900)],  # unbalanced
        [("571", 1000, 0)],  # one line
        [],  # none
    ],
)
def test_the_database_refuses_to_validate_an_entry_that_does_not_balance(federation, lines):
    accounts = dict(Account.objects.filter(owner=None).values_list("number", "pk"))
    draft = Draft(
        "OD",
        D(2025, 1, 5),
        "Loyer",
        "F-12",
        [(accounts[number], debit, credit, None) for number, debit, credit in lines],
    )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        write_drafts(federation.m1, [draft])
    assert not Entry.objects.exists() and not Line.objects.exists()


def test_the_database_refuses_to_change_or_delete_a_validated_entry_or_its_lines(federation):
    accounts = dict(Account.objects.filter(owner=None).values_list("number", "pk"))
    with transaction.atomic():
        (pk,) = write_drafts(
            federation.m1,
            [
                Draft(
                    "OD",
                    D(2025, 1, 5),
                    "Loyer de janvier",
                    "F-12",
                    [(accounts["622"], 25000, 0, None), (accounts["571"], 0, 25000, None)],
                )
            ],
        )
    entry = Entry.objects.get(pk=pk)
    line = entry.lines.first()
    for attempt in (
        lambda: Entry.objects.filter(pk=pk).update(label="Loyer de février"),
        lambda: Entry.objects.filter(pk=pk).delete(),
        lambda: Line.objects.filter(pk=line.pk).update(debit=1),
        lambda: Line.objects.filter(pk=line.pk).delete(),
        lambda: Line.objects.create(
            entry=entry,
            mutual=federation.m1,
            journal="OD",
            date=entry.date,
            account_id=accounts["571"],
            debit=5,
            credit=0,
        ),
        lambda: Entry.objects.create(
            mutual=federation.m1,
            journal="OD",
            year=2025,
            number=99,
            date=D(2025, 1, 6),
            label="Validée d’emblée",
            validated=True,
        ),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.label == "Loyer de janvier" and entry.lines.count() == 2
    assert Entry.objects.count() == 1


def test_claims_statements_and_provider_payments_post_where_the_money_is_owed(
    away,  # noqa: F811
    federation,
):
    """Moussa's claim at Joal is his mutual's; Awa's and Fatou's at Pakour, under D2's
    agreement, D2 pays and charges back to M1 (1,000 XOF each)."""
    own = Statement.objects.get(mutual=federation.m1)
    provider_payment_record(
        by=None, statement=own, amount=1000, method="cash", paid_on=D(2025, 4, 10)
    )
    provider_payment_record(
        by=None,
        statement=away,
        amount=2000,
        method="bank_transfer",
        reference="VIR-D2",
        paid_on=D(2025, 4, 12),
    )
    post()

    m1 = balances(federation.m1)
    assert (m1["651"], m1["652"], m1["453"], m1["402"]) == (1000, 2000, -2000, 0)
    assert balances(federation.d2) == {"452": 2000, "402": 0, "521": -2000}
    d2_owed = Line.objects.get(mutual=federation.d2, account__number="452")
    assert d2_owed.party == federation.m1.uid
    # the national union's figures: the charge-back between its two organisations cancels out
    union = balances(federation.national)
    assert "452" not in union and "453" not in union
    assert (union["651"], union["652"], union["402"]) == (1000, 2000, 0)
    assert sum(union.values()) == 0


def test_a_statement_cancelled_takes_its_charge_backs_out_of_both_books(
    away,  # noqa: F811
    federation,
):
    statement_cancel(by=None, statement=away, reason="Envoyé par erreur", on=D(2025, 4, 20))
    post()

    assert balances(federation.d2) == {"452": 0, "402": 0}
    m1 = balances(federation.m1)
    assert (m1["652"], m1["453"]) == (0, 0)
    cancelled = Entry.objects.filter(mutual=federation.d2).order_by("pk")
    assert [(e.source_kind, e.date) for e in cancelled] == [
        ("statement.issued", D(2025, 4, 2)),
        ("statement.cancelled", D(2025, 4, 20)),
    ]


def test_the_income_statement_sums_expenses_and_income_by_heading_and_gives_the_result(
    family, federation, state
):
    payment_record(
        by=None,
        household=family,
        amount=1000 + MEMBER_2025,
        method="cash",
        received_on=D(2025, 1, 10),
    )
    receivables_recognise(by=None, mutual=federation.m1, on=D(2025, 2, 1))
    post()

    statement = income_statement(federation.m1, *YEAR)
    assert [(h.account.number, h.amount) for h in statement.income] == [
        ("70", 1000 + MEMBER_2025 + STATE_2025)
    ]
    assert statement.expenses == []
    assert statement.result == 1000 + MEMBER_2025 + STATE_2025
