import datetime

from django.core.management import call_command
from django.utils import timezone

from mutualis.contributions.services import payment_record
from mutualis.federation.models import ApiToken


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
    ApiToken.objects.update(revoked_at=datetime.datetime.now(datetime.UTC))
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
