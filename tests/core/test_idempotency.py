"""A write sent again with the same Idempotency-Key gets the first answer again and writes
nothing: a cashier's program that lost the answer to a payment can resend it (issue 11, 7)."""

import datetime
import json
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from mutualis.claims.models import Claim
from mutualis.contributions.models import Payment
from mutualis.core.idempotency import claimed
from mutualis.core.models import IdempotentAnswer
from tests.claims.conftest import care  # noqa: F401 - the claims' cast, claiming through FHIR
from tests.interop.conftest import (  # noqa: F401
    clerk_of_joal,
    day,
    fhir_claim,
    key_of,
)
from tests.interop.test_claims import post


@pytest.fixture
def cashier_key(cast, key_of):  # noqa: F811
    return key_of(cast["cashier"])


def cash(amount=7000) -> str:
    return json.dumps(
        {"amount": amount, "method": "cash", "received_on": timezone.localdate().isoformat()}
    )


def pay(client, household, key, body, idempotency_key="pay-0001"):
    return client.post(
        f"/api/households/{household.uid}/payments",
        body,
        content_type="application/json",
        headers={**key, "Idempotency-Key": idempotency_key},
    )


def test_a_cash_payment_sent_twice_with_one_key_is_recorded_once(client, family, cashier_key):
    first = pay(client, family, cashier_key, cash())
    again = pay(client, family, cashier_key, cash())

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.get().receipt_number == first.json()["receipt_number"]


def test_a_payment_without_a_key_is_a_new_payment_each_time(client, family, cashier_key):
    # cash has no transaction reference to recognise a resent payment by
    for _time in range(2):
        client.post(
            f"/api/households/{family.uid}/payments",
            cash(),
            content_type="application/json",
            headers=cashier_key,
        )
    assert Payment.objects.count() == 2


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(client, family, cashier_key):
    pay(client, family, cashier_key, cash(7000))
    response = pay(client, family, cashier_key, cash(8000))

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert list(Payment.objects.values_list("amount", flat=True)) == [7000]


def test_the_same_key_on_another_path_is_refused(client, family, cashier_key, federation):
    pay(client, family, cashier_key, cash())
    response = client.post(
        "/api/households",
        cash(),
        content_type="application/json",
        headers={**cashier_key, "Idempotency-Key": "pay-0001"},
    )
    assert response.status_code == 422
    assert Payment.objects.count() == 1


def test_a_key_belongs_to_its_user(client, family, cast, cashier_key, key_of):  # noqa: F811
    pay(client, family, cashier_key, cash())
    second = pay(client, family, key_of(cast["mutual_manager"]), cash())

    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert Payment.objects.count() == 2


def test_a_refused_payment_is_not_kept_and_runs_again_once_corrected(client, family, cashier_key):
    refused = pay(client, family, cashier_key, cash(-5))
    corrected = pay(client, family, cashier_key, cash(7000))

    assert refused.status_code == 400
    assert corrected.status_code == 201
    assert list(Payment.objects.values_list("amount", flat=True)) == [7000]


def test_a_key_too_long_or_with_a_control_character_is_refused(client, family, cashier_key):
    for bad in ("k" * 256, "a\tb"):
        response = pay(client, family, cashier_key, cash(), idempotency_key=bad)
        assert response.status_code == 400
        assert response.json()["detail"]["Idempotency-Key"]  # bad input's documented shape
    assert not Payment.objects.exists()


def test_an_answer_older_than_the_retention_is_forgotten(client, family, cashier_key, settings):
    settings.MUTUALIS_IDEMPOTENCY_HOURS = 24
    pay(client, family, cashier_key, cash())
    IdempotentAnswer.objects.update(
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )

    again = pay(client, family, cashier_key, cash())

    assert "Idempotent-Replayed" not in again
    assert Payment.objects.count() == 2
    assert IdempotentAnswer.objects.count() == 1


def test_a_fhir_claim_sent_twice_with_one_key_is_saved_once(client, care, day, clerk_of_joal):  # noqa: F811
    resource = fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000)])
    headers = {**clerk_of_joal, "Idempotency-Key": "claim F-2001"}

    first = post(client, resource, headers)
    again = post(client, resource, headers)
    other = post(client, {**resource, "created": "2025-01-01"}, headers)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert Claim.objects.count() == 1
    assert other.status_code == 422
    assert other["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert other.json()["issue"][0]["code"] == "business-rule"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writing transaction at a time: the second request waits instead",
)
def test_a_request_still_running_with_the_same_key_answers_409(client, family, cast, cashier_key):
    # given another transaction holding the key, as a request still running does
    held, release = threading.Event(), threading.Event()

    def running_request():
        try:
            with transaction.atomic():
                assert claimed(cast["cashier"].pk, "pay-0001")
                held.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=running_request)
    other.start()
    held.wait(10)
    try:
        response = pay(client, family, cashier_key, cash())
    finally:
        release.set()
        other.join()

    assert response.status_code == 409
    assert "encore en cours" in response.json()["detail"]
    assert not Payment.objects.exists()
