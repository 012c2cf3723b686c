"""The cash report names each household by its head, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutualis.contributions.services import payment_record
from mutualis.federation.rules import Role
from tests.membership.test_register_pages import enrol


def test_the_cash_report_names_households_without_a_query_per_payment(
    client, federation, cast, cmu_package
):
    cashier = cast[Role.CASHIER]
    client.force_login(cashier)
    client.cookies["django_language"] = "en"

    def pay(name):
        household = enrol(federation.m1, cmu_package, name)
        payment_record(
            by=cashier,
            household=household,
            amount=5000,
            method="cash",
            received_on=timezone.localdate(),
        )

    def read() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            text = client.get("/cash-report/").content.decode()
        return len(captured), text

    pay("Ndiaye")
    one, _text = read()
    for name in ("Sarr", "Fall", "Ba"):
        pay(name)
    many, text = read()
    assert many == one
    assert "Aissatou Sarr · no. " in text
    assert "5,000\u00a0FCFA" in text
