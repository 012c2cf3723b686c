"""The history pages tell each entry of the trail in a sentence (issue 12 part 7)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mutualis.core.history import change_part, readable
from mutualis.core.models import AuditEntry
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Role
from mutualis.federation.services import (
    organisation_update,
    user_create,
    user_set_password,
    user_update,
)
from mutualis.membership.models import Household
from mutualis.membership.services import beneficiary_update

# 10:14 in Dakar, which keeps universal time
MOMENT = datetime.datetime(2026, 12, 5, 10, 14, tzinfo=datetime.UTC)


def dated(moment=MOMENT):
    """Every entry of the trail made at `moment`: sentences can then be read in full."""
    AuditEntry.objects.update(at=moment)


def page(client, user, url, language="en") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    text = client.get(url).content.decode()
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def manager(cast):
    user = cast[Role.MUTUAL_MANAGER]
    user_update(by=None, user=user, first_name="Aminata", last_name="Diop")
    return user


def test_a_change_of_phone_is_told_with_who_what_and_when(client, family, manager):
    # given the manager corrects the phone of the head of household
    head = family.head
    beneficiary_update(by=manager, beneficiary=head, phone="78 111 11 11")
    dated()
    # when the household's history is read
    text = page(client, manager, f"/households/{family.pk}/history/")
    # then the change reads as a sentence, in day-month-year
    assert (
        "Aminata Diop changed the phone from +221 77 123 45 67 to 78 111 11 11"
        " for Moussa Diop on 5 December 2026 at 10:14." in text
    )
    assert "2026-12-05" not in text


def test_in_french_the_dates_read_day_month_year(client, family, manager):
    beneficiary_update(by=manager, beneficiary=family.head, phone="78 111 11 11")
    dated()
    text = page(client, manager, f"/households/{family.pk}/history/", language="fr")
    assert "5 décembre 2026" in text
    assert "10 janvier 2025" in text  # the enrolment date, on the creation
    assert "2025-01-10" not in text


def test_the_enrolment_lists_the_values_readably_without_ids(client, family, manager):
    dated()
    text = page(client, manager, f"/households/{family.pk}/history/")
    assert "The system enrolled the household on 5 December 2026 at 10:14." in text
    assert "The system enrolled Awa Diop on 5 December 2026 at 10:14." in text
    assert "Paquet de base CMU" in text  # the package by its name
    assert "10 January 2025" in text
    assert "female" in text  # a choice by its label
    assert str(family.uid) not in text
    assert "created at" not in text.lower()


def test_a_choice_is_told_by_its_label(client, federation, admin):
    organisation_update(by=admin, organisation=federation.m1, status=Organisation.Status.DORMANT)
    dated()
    text = page(client, admin, f"/organisations/{federation.m1.pk}/history/")
    assert f"{admin} changed the status from active to dormant on 5 December 2026" in text


def test_a_foreign_key_is_told_by_the_name_of_its_row(client, federation, cast):
    head = user_create(
        by=None, username="head", organisation=federation.national, roles=[Role.SYSTEM_ADMIN]
    )
    cashier = cast[Role.CASHIER]
    user_update(by=head, user=cashier, organisation=federation.m2)
    dated()
    text = page(client, head, f"/users/{cashier.pk}/history/")
    assert (
        "changed the organisation from Mutuelle de santé de Joal to"
        " Mutuelle de santé de Pakour" in text
    )
    assert "The system created the account on 5 December 2026 at 10:14." in text
    assert "cashier" in text  # the roles by their labels


def test_a_password_is_only_said_to_have_changed(client, cast, admin):
    cashier = cast[Role.CASHIER]
    user_set_password(by=admin, user=cashier, password="a long and new passphrase")
    dated()
    text = page(client, admin, f"/users/{cashier.pk}/history/")
    assert f"{admin} changed the password on 5 December 2026 at 10:14." in text
    assert "****" not in text


def test_the_history_reads_names_in_a_few_queries_however_many_entries(client, family, manager):
    client.force_login(manager)
    url = f"/households/{family.pk}/history/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    before = queries()
    for person, phone in zip(family.beneficiaries.all(), ["1", "2", "3", "4"], strict=True):
        beneficiary_update(by=manager, beneficiary=person, phone=f"77 000 00 0{phone}")
    assert queries() == before


def test_a_value_is_made_readable_by_its_field():
    field = Household._meta.get_field
    with translation.override("en"):
        assert readable("2025-01-10", field("enrolled_on"), names={}) == "10 January 2025"
        assert readable(True, User._meta.get_field("is_active"), names={}) == "yes"
        assert readable(12500, None, names={}) == "12500"
    with translation.override("fr"):
        assert readable("2025-01-10", field("enrolled_on"), names={}) == "10 janvier 2025"


def test_an_amount_is_told_with_its_currency():
    from mutualis.contributions.models import Payment

    with translation.override("en"):
        amount = readable(12500, Payment._meta.get_field("amount"), names={}, currency="XOF")
    assert amount == "12,500\u00a0FCFA"


def test_a_change_says_set_changed_or_cleared():
    with translation.override("en"):
        assert change_part("phone", "", "78", hidden=False) == "set the phone to 78"
        assert change_part("phone", "77", "78", hidden=False) == "changed the phone from 77 to 78"
        assert change_part("phone", "77", "", hidden=False) == "cleared the phone (was 77)"
        assert change_part("password", "x", "y", hidden=True) == "changed the password"


def test_a_bulk_paths_one_entry_counts_what_it_recorded(federation):
    from django.utils import translation

    from mutualis.core.audit import audit_record
    from mutualis.core.history import history
    from mutualis.core.models import AuditEntry

    audit_record(
        actor=None,
        action=AuditEntry.Action.CREATE,
        obj=federation.m1,
        changes={
            "import": [None, {"file": "registre.xlsx", "households": 12, "beneficiaries": 54}]
        },
    )
    with translation.override("en"):
        told = history(federation.m1)[0]
    assert told.sentence.startswith("The system recorded 12 households, 54 beneficiaries")
    assert "(registre.xlsx)" in told.sentence
