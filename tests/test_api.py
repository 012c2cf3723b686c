import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mutualis.contributions.models import Payment
from mutualis.contributions.services import payment_record
from mutualis.federation.models import ApiToken
from mutualis.membership.models import Beneficiary, Household


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def make_key(user, capsys):
    call_command("api_key", user.username, "test")
    return capsys.readouterr().out.strip()


def test_the_openapi_document_describes_the_register(client, db):
    document = client.get("/api/openapi.json").json()
    assert "/api/households" in document["paths"]
    assert "/api/beneficiaries/{uid}/coverage" in document["paths"]


def test_a_program_reads_coverage_with_an_api_key(client, family, cast, capsys):
    payment_record(
        by=None,
        household=family,
        amount=15000,
        method="cash",
        received_on=datetime.date(2025, 1, 10),
    )
    key = make_key(cast["cashier"], capsys)
    awa = family.beneficiaries.get(first_name="Awa")
    response = client.get(
        f"/api/beneficiaries/{awa.uid}/coverage",
        {"on": "2025-03-01", "service": "childbirth"},
        headers=bearer(key),
    )
    body = response.json()
    assert response.status_code == 200
    assert body["covered"] is False
    assert [r["code"] for r in body["reasons"]] == ["waiting_period"]
    assert body["reasons"][0]["date"] == "2025-10-07"


def test_a_revoked_or_wrong_key_is_refused(client, family, cast, capsys):
    key = make_key(cast["cashier"], capsys)
    ApiToken.objects.update(
        revoked_at=datetime.datetime.now(datetime.UTC), revoked_reason="by_hand"
    )
    assert client.get("/api/households", headers=bearer(key)).status_code == 401
    assert client.get("/api/households", headers=bearer("nonsense")).status_code == 401


def test_bad_input_gets_the_field_and_the_rule_and_saves_nothing(
    client, federation, cast, cmu_package
):
    client.force_login(cast["enrolment_agent"])
    response = client.post(
        "/api/households",
        {
            "mutual": str(federation.m1.uid),
            "package": "CMU",
            "enrolled_on": "2025-02-01",
            "head": {
                "first_name": "Awa",
                "last_name": "Ba",
                "sex": "F",
                "birth_date": "2099-01-01",
                "relationship": "head",
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "head.birth_date" in response.json()["detail"]


def test_a_payment_through_the_api_is_recorded_once(client, family, cast):
    client.force_login(cast["cashier"])
    body = {
        "amount": 15000,
        "method": "mobile_money",
        "reference": "OM-42",
        # a cashier records what they take in today (issue 10 rule 1)
        "received_on": timezone.localdate().isoformat(),
    }
    first = client.post(
        f"/api/households/{family.uid}/payments", body, content_type="application/json"
    )
    second = client.post(
        f"/api/households/{family.uid}/payments", body, content_type="application/json"
    )
    assert first.status_code == 201
    assert sum(a["amount"] for a in first.json()["allocations"]) == 15000
    assert second.status_code == 400
    assert "reference" in second.json()["detail"]


def test_the_openapi_document_gives_every_answer_and_types_uids(client, db):
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            assert {"400", "401", "403"} <= answers, (method, path)
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "uid":
                    assert parameter["schema"]["format"] == "uuid"
                    assert "404" in answers
    schemas = document["components"]["schemas"]
    assert schemas["InvalidOut"]["properties"]["detail"]["additionalProperties"]["items"] == {
        "type": "string"
    }


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "0.0", "0", "2025-13-45", "today"])
def test_a_date_outside_the_window_or_not_a_date_is_refused_with_its_name(client, family, cast, on):
    client.force_login(cast["cashier"])
    awa = family.beneficiaries.get(first_name="Awa")
    for path in (f"/api/beneficiaries/{awa.uid}/coverage", f"/api/households/{family.uid}/account"):
        response = client.get(path, {"on": on})
        assert response.status_code == 400, (path, on)
        assert list(response.json()["detail"]) == ["on"]


def test_a_uid_that_is_no_uuid_is_bad_input(client, family, cast):
    client.force_login(cast["cashier"])
    response = client.get("/api/households/42")
    assert response.status_code == 400
    assert list(response.json()["detail"]) == ["uid"]


def test_a_name_longer_than_its_field_or_holding_a_control_character_is_refused(
    client, federation, cast, cmu_package
):
    client.force_login(cast["enrolment_agent"])
    head = {"first_name": "Awa", "last_name": "Ba", "sex": "F", "birth_date": "1990-01-01"}
    for name, fault in (("x" * 10_000, "100"), ("Awa\x00", "contr"), ("Awa\nBa", "contr")):
        response = client.post(
            "/api/households",
            {
                "mutual": str(federation.m1.uid),
                "package": "CMU",
                "enrolled_on": "2025-02-01",
                "head": {**head, "first_name": name},
                "dependents": [{**head, "birth_date": "0001-01-01"}],
            },
            content_type="application/json",
        )
        assert response.status_code == 400
        detail = response.json()["detail"]
        assert set(detail) == {"head.first_name", "dependents.0.birth_date"}
        assert fault in detail["head.first_name"][0]
    assert not Household.objects.exists()
    assert not Beneficiary.objects.exists()


def test_a_payment_too_large_or_with_a_hostile_reference_is_refused(client, family, cast):
    client.force_login(cast["cashier"])
    body = {"amount": 15000, "method": "cash", "received_on": timezone.localdate().isoformat()}
    for wrong, field in (
        ({"amount": 10**19}, "amount"),
        ({"amount": 0}, "amount"),
        ({"reference": "x" * 10_000}, "reference"),
        ({"reference": "OM\x1b[31m"}, "reference"),
        ({"note": "n" * 256}, "note"),
        ({"received_on": "9999-01-01"}, "received_on"),
        ({"received_on": 0}, "received_on"),
        ({"method": "gold"}, "method"),
    ):
        response = client.post(
            f"/api/households/{family.uid}/payments",
            {**body, **wrong},
            content_type="application/json",
        )
        assert response.status_code == 400, wrong
        assert list(response.json()["detail"]) == [field]
    assert not Payment.objects.exists()


def test_a_body_that_is_not_json_is_bad_input_in_the_documented_shape(client, family, cast):
    client.force_login(cast["cashier"])
    response = client.post(
        f"/api/households/{family.uid}/payments", "{amount", content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["detail"]) == ["__all__"]


def test_a_call_signed_by_nobody_is_answered_401_even_a_write(client, family):
    assert client.get("/api/households").status_code == 401
    response = client.post(
        f"/api/households/{family.uid}/payments", {}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_sessions_write_without_its_csrf_token_is_still_refused(family, cast):
    client = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    client.force_login(cast["cashier"])
    response = client.post(
        f"/api/households/{family.uid}/payments",
        {"amount": 15000, "method": "cash", "received_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_a_body_too_large_is_answered_413_in_json(client, family, cast):
    client.force_login(cast["cashier"])
    response = client.post(
        f"/api/households/{family.uid}/payments",
        '{"note": "' + "x" * 3_000_000 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["detail"]
    assert not Payment.objects.exists()
