"""Issue 10 rule 1: a payment is dated the day the money was received. Recording one received
before today is back-dating: only a mutual manager, an accountant or an administrator may, and
the audit trail says so with both dates; a payment received in the future is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mutualis.contributions.models import Payment
from mutualis.contributions.services import payer_payment_record, payment_record
from mutualis.core.audit import audit_trail
from mutualis.federation.rules import PAYMENT_BACKDATERS, Role
from mutualis.federation.services import user_create

DAY = datetime.timedelta(days=1)


def pay(household, by, received_on, amount=1000, **extra):
    return payment_record(
        by=by, household=household, amount=amount, method="cash", received_on=received_on, **extra
    )


def backdated_entry(payment):
    return audit_trail(payment).get().changes.get("backdated")


def test_only_managers_accountants_and_administrators_may_backdate():
    assert {Role.MUTUAL_MANAGER, Role.ACCOUNTANT, Role.SYSTEM_ADMIN} == PAYMENT_BACKDATERS


def test_a_cashier_records_the_money_received_today(family, cast):
    today = timezone.localdate()
    payment = pay(family, cast[Role.CASHIER], today)
    assert payment.received_on == today
    assert backdated_entry(payment) is None


def test_a_cashier_cannot_record_a_payment_received_before_today(family, cast):
    yesterday = timezone.localdate() - DAY
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        pay(family, cast[Role.CASHIER], yesterday)
    assert refused.value.message_dict["received_on"] == [
        "Only a mutual manager, an accountant or an administrator may record a payment "
        "received before today."
    ]
    assert not Payment.objects.exists()


def test_the_refusal_is_in_the_users_language(family, cast):
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        pay(family, cast[Role.CASHIER], timezone.localdate() - DAY)
    assert refused.value.message_dict["received_on"] == [
        "Seul un gérant de mutuelle, un comptable ou un administrateur peut enregistrer un "
        "paiement reçu avant aujourd’hui."
    ]


def test_a_manager_backdates_a_payment_and_the_trail_says_so_with_both_dates(family, cast):
    received_on = datetime.date(2025, 1, 10)
    payment = pay(family, cast[Role.MUTUAL_MANAGER], received_on, amount=15000)
    assert payment.received_on == received_on
    assert backdated_entry(payment) == [
        None,
        {"received_on": "2025-01-10", "recorded_on": timezone.localdate().isoformat()},
    ]


def test_an_accountant_backdates_a_third_payers_payment(family, cast, state):
    payment = payer_payment_record(
        by=cast[Role.ACCOUNTANT],
        mutual=family.mutual,
        payer=state,
        amount=10000,
        method="bank_transfer",
        reference="TRESOR-2025-01",
        received_on=datetime.date(2025, 6, 1),
    )
    assert backdated_entry(payment)[1]["received_on"] == "2025-06-01"


def test_a_cashier_cannot_backdate_a_third_payers_payment(family, cast, state):
    with pytest.raises(ValidationError) as refused:
        payer_payment_record(
            by=cast[Role.CASHIER],
            mutual=family.mutual,
            payer=state,
            amount=10000,
            method="bank_transfer",
            reference="TRESOR-2025-01",
            received_on=datetime.date(2025, 6, 1),
        )
    assert "received_on" in refused.value.message_dict
    assert not Payment.objects.exists()


def test_an_administrator_holding_a_cashiers_role_may_backdate(family, federation):
    admin_cashier = user_create(
        by=None,
        username="awa",
        organisation=federation.m1,
        roles=[Role.SYSTEM_ADMIN, Role.CASHIER],
    )
    payment = pay(family, admin_cashier, timezone.localdate() - DAY)
    assert backdated_entry(payment) is not None


def test_an_enrolment_agent_records_no_payment_at_all(family, cast):
    with pytest.raises(ValidationError) as refused:
        pay(family, cast[Role.ENROLMENT_AGENT], timezone.localdate())
    assert "household" in refused.value.message_dict
    assert not Payment.objects.exists()


@pytest.mark.parametrize("role", [Role.CASHIER, Role.MUTUAL_MANAGER])
def test_nobody_records_a_payment_received_in_the_future(family, cast, role):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        pay(family, cast[role], timezone.localdate() + DAY)
    assert refused.value.message_dict["received_on"] == [
        "A payment cannot be received in the future."
    ]


def test_a_command_acting_as_the_system_records_past_payments(family):
    payment = pay(family, None, datetime.date(2025, 1, 10), amount=15000)
    assert backdated_entry(payment)[1]["received_on"] == "2025-01-10"


def test_the_payment_form_tells_a_cashier_why_a_past_date_is_refused(client, family, cast):
    client.force_login(cast[Role.CASHIER])
    response = client.post(
        f"/households/{family.pk}/pay/",
        {"amount": "1000", "method": "cash", "received_on": "2025-01-10"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "received_on" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_the_payment_form_lets_a_manager_backdate(client, family, cast):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    response = client.post(
        f"/households/{family.pk}/pay/",
        {"amount": "15000", "method": "cash", "received_on": "2025-01-10"},
    )
    assert response.status_code == 302
    assert Payment.objects.get().received_on == datetime.date(2025, 1, 10)


def test_the_api_refuses_a_cashiers_past_payment_naming_the_field(client, family, cast):
    client.force_login(cast[Role.CASHIER])
    response = client.post(
        f"/api/households/{family.uid}/payments",
        {"amount": 1000, "method": "cash", "received_on": "2025-01-10"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "received_on" in response.json()["detail"]
    assert not Payment.objects.exists()
