"""Entries by hand, their reversal, and closed months (issue 14): refused with the field and the
rule when wrong, nothing half-saved; refused by the database too when a month is closed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation

from mutualis.accounting.ledger import Draft, write_drafts
from mutualis.accounting.models import Account, ClosedMonth, Entry
from mutualis.accounting.services import (
    EntryLine,
    entry_record,
    entry_reverse,
    month_close,
    month_reopen,
)
from mutualis.contributions.services import payment_record
from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from tests.accounting.test_posting import entries, post

D = datetime.date
RENT = [EntryLine("622", debit=25000), EntryLine("571", credit=25000)]


def rent(federation, by=None, **changes):
    given = {
        "by": by,
        "organisation": federation.m1,
        "journal": "CA",
        "date": D(2025, 3, 5),
        "label": "Loyer du siège, mars",
        "reference": "Quittance 12",
        "lines": RENT,
    } | changes
    return entry_record(**given)


def test_an_entry_by_hand_is_numbered_validated_logged_and_audited(federation, cast):
    entry = rent(federation, by=cast[Role.ACCOUNTANT])

    assert (entry.journal, entry.year, entry.number, entry.validated) == ("CA", 2025, 1, True)
    assert entries(federation.m1) == [("CA", [("571", 0, 25000), ("622", 25000, 0)])]
    (event,) = Event.objects.filter(kind="entry.recorded")
    assert event.payload["lines"] == [
        {"account": "622", "debit": 25000, "credit": 0},
        {"account": "571", "debit": 0, "credit": 25000},
    ]
    assert AuditEntry.objects.filter(object_id=entry.pk, action="create").exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"lines": [EntryLine("622", debit=25000), EntryLine("571", credit=20000)]},
            "lines",
            "does not balance",
        ),
        ({"lines": [EntryLine("622", debit=25000)]}, "lines", "two lines or more"),
        (
            {"lines": [EntryLine("699", debit=5), EntryLine("571", credit=5)]},
            "lines.0.account",
            "no account 699",
        ),
        (
            {"lines": [EntryLine("62", debit=5), EntryLine("571", credit=5)]},
            "lines.0.account",
            "heads a group",
        ),
        (
            {"lines": [EntryLine("622", debit=5, credit=5), EntryLine("571", credit=5)]},
            "lines.0.debit",
            "either as a debit or as a credit",
        ),
        (
            {"lines": [EntryLine("622", debit=-5), EntryLine("571", debit=5)]},
            "lines.0.debit",
            "positive amount",
        ),
        ({"date": D(2099, 1, 1)}, "date", "future"),
        ({"journal": "XX"}, "journal", "general journal"),
        ({"journal": "AN"}, "journal", "general journal"),
        ({"label": "  "}, "label", "what the entry records"),
    ],
)
def test_a_wrong_entry_is_refused_naming_the_field_and_nothing_is_written(
    federation, changes, field, words
):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        rent(federation, **changes)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Entry.objects.exists() and not Event.objects.filter(kind="entry.recorded").exists()


def test_an_entry_is_refused_in_french_to_a_french_speaking_accountant(federation):
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        rent(federation, lines=[EntryLine("622", debit=25000), EntryLine("571", credit=20000)])
    assert refused.value.message_dict["lines"] == [
        "L’écriture n’est pas équilibrée\u00a0: 25\u00a0000\u00a0FCFA au débit,"
        " 20\u00a0000\u00a0FCFA au crédit."
    ]


def test_only_the_organisation_s_bookkeepers_write_its_entries(federation, cast):
    other = user_create(
        by=None, username="pakour", organisation=federation.m2, roles=[Role.ACCOUNTANT]
    )
    with pytest.raises(ValidationError) as outside:
        rent(federation, by=other)
    assert "organisation" in outside.value.message_dict
    with pytest.raises(ValidationError) as role:
        rent(federation, by=cast[Role.CASHIER])
    assert "organisation" in role.value.message_dict
    assert not Entry.objects.exists()


def test_a_reversal_by_hand_swaps_the_lines_once(federation, cast):
    entry = rent(federation)
    reversal = entry_reverse(by=cast[Role.ACCOUNTANT], entry=entry, on=D(2025, 3, 6))

    assert reversal.reverses == entry and (reversal.journal, reversal.number) == ("CA", 2)
    assert entries(federation.m1)[1] == ("CA", [("571", 25000, 0), ("622", 0, 25000)])
    assert Event.objects.get(kind="entry.reversed").payload["reverses"] == str(entry.uid)
    for again in (entry, reversal):
        with pytest.raises(ValidationError) as twice:
            entry_reverse(by=None, entry=again, on=D(2025, 3, 7))
        assert "entry" in twice.value.message_dict
    with pytest.raises(ValidationError) as before:
        entry_reverse(by=None, entry=rent(federation), on=D(2025, 3, 1))
    assert "on" in before.value.message_dict


def test_a_closed_month_takes_no_entry_by_hand_nor_by_any_other_code(federation, cast):
    month_close(by=cast[Role.ACCOUNTANT], organisation=federation.m1, month=D(2025, 3, 1))

    with translation.override("en"), pytest.raises(ValidationError) as closed:
        rent(federation)
    assert "03/2025 is closed" in closed.value.message_dict["date"][0]
    accounts = dict(Account.objects.filter(owner=None).values_list("number", "pk"))
    draft = Draft(
        "OD",
        D(2025, 3, 31),
        "Écrite en douce",
        "",
        [(accounts["622"], 5, 0, None), (accounts["571"], 0, 5, None)],
    )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        write_drafts(federation.m1, [draft])
    assert not Entry.objects.exists()
    with pytest.raises(ValidationError) as twice:
        month_close(by=None, organisation=federation.m1, month=D(2025, 3, 17))
    assert "month" in twice.value.message_dict


def test_a_payment_of_a_closed_month_is_posted_on_the_first_day_of_the_next_open_one(
    family, federation
):
    month_close(by=None, organisation=federation.m1, month=D(2025, 1, 1))
    month_close(by=None, organisation=federation.m1, month=D(2025, 2, 1))
    payment_record(
        by=None, household=family, amount=5000, method="cash", received_on=D(2025, 1, 10)
    )
    post()

    (entry,) = Entry.objects.filter(mutual=federation.m1)
    assert entry.date == D(2025, 3, 1)
    assert entry.label.endswith("2025-000001")


def test_only_the_union_reopens_a_month_with_its_reason(federation, cast):
    closed = month_close(by=None, organisation=federation.m1, month=D(2025, 3, 1))
    with pytest.raises(ValidationError):
        month_reopen(by=cast[Role.ACCOUNTANT], closed=closed, reason="Erreur de saisie")
    with pytest.raises(ValidationError) as no_reason:
        month_reopen(by=cast[Role.UNION_OFFICER], closed=closed, reason=" ")
    assert "reason" in no_reason.value.message_dict

    month_reopen(by=cast[Role.UNION_OFFICER], closed=closed, reason="Facture oubliée")

    assert rent(federation).date == D(2025, 3, 5)
    assert ClosedMonth.objects.get().reopen_reason == "Facture oubliée"
    assert [
        e.kind for e in Event.objects.filter(kind__startswith="month.").order_by("sequence")
    ] == [
        "month.closed",
        "month.reopened",
    ]
    assert month_close(by=None, organisation=federation.m1, month=D(2025, 3, 1)).reopened_at is None
