"""The screens of provider payments: who may do what, the issue, payment, reversal and
cancellation flows, bad input that changes nothing, and the documents."""

import pytest

from mutualis.core.http import XLSX
from mutualis.federation.rules import Role
from mutualis.settlements.models import ProviderPayment, Statement
from mutualis.settlements.services import provider_payment_record, statements_issue
from tests.settlements.conftest import ISSUED, MARCH, D


@pytest.fixture
def accountant(client, cast):
    client.force_login(cast[Role.ACCOUNTANT])
    return cast[Role.ACCOUNTANT]


@pytest.fixture
def statement(bill, care, federation):
    """M1's statement of March to the post of Joal (two claims, 2,000 XOF) and D2's to Pakour
    for Awa (1,000 XOF, charged back to M1)."""
    bill(day=D(2025, 3, 10)), bill(care.fatou, day=D(2025, 3, 14))
    bill(care.awa, provider="PS-PAKOUR", day=D(2025, 3, 12))
    statements_issue(by=None, payer=federation.d2, day=MARCH, issued_on=ISSUED)
    (statement,) = statements_issue(
        by=None, payer=federation.m1, day=MARCH, issued_on=ISSUED
    ).statements
    return statement


def test_an_accountant_issues_the_statement_of_a_month_and_opens_it(
    client, accountant, bill, care, federation
):
    claim = bill(day=D(2025, 3, 10))

    response = client.post(
        "/statements/issue/",
        {"payer": federation.m1.pk, "period": "2025-03", "issued_on": "2025-04-02"},
    )

    statement = Statement.objects.get()
    assert response.status_code == 302 and response.url == f"/statements/{statement.pk}/"
    assert statement.issued_by == accountant and statement.total == 1000
    page = client.get(response.url).content.decode()
    assert care.moussa.member_number in page and claim.provider_reference in page
    assert "Poste de santé de Joal" in page


def test_the_issue_form_offers_the_organisations_that_pay_providers(client, accountant, care):
    response = client.get("/statements/issue/")
    payers = list(response.context["form"].fields["payer"].queryset)
    assert [p.code for p in payers] == ["M1"]


@pytest.mark.parametrize(
    ("period", "field"),
    [("mars", "period"), ("2025-13", "period"), ("2025-03", "period")],  # the last: nothing due
)
def test_a_refused_issue_names_the_field_and_keeps_what_was_typed(
    client, accountant, care, federation, period, field
):
    response = client.post(
        "/statements/issue/",
        {"payer": federation.m1.pk, "period": period, "issued_on": "2025-04-02"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'value="{period}"' in response.content.decode()
    assert not Statement.objects.exists()


def test_a_partial_payment_then_the_rest_pay_the_statement(client, accountant, statement):
    url = f"/statements/{statement.pk}/pay/"

    too_much = client.post(url, {"amount": 2500, "method": "cash", "paid_on": "2025-04-10"})
    assert too_much.status_code == 200
    assert list(too_much.context["form"].errors) == ["amount"]
    assert not ProviderPayment.objects.exists()

    first = client.post(url, {"amount": 1500, "method": "cash", "paid_on": "2025-04-10"})
    assert first.status_code == 302
    assert client.get(url).context["form"].initial["amount"] == 500
    client.post(
        url,
        {"amount": 500, "method": "bank_transfer", "reference": "VIR-9", "paid_on": "2025-04-20"},
    )
    page = client.get(f"/statements/{statement.pk}/").content.decode()
    assert "VIR-9" in page
    assert f'href="/statements/{statement.pk}/pay/"' not in page  # nothing left to pay
    assert sum(p.amount for p in ProviderPayment.objects.all()) == 2000


def test_a_payment_is_reversed_from_the_statement(client, accountant, statement):
    payment = provider_payment_record(
        by=None, statement=statement, amount=800, method="cash", paid_on=D(2025, 4, 10)
    )
    detail = client.get(f"/statements/{statement.pk}/").content.decode()
    assert f"/provider-payments/{payment.pk}/reverse/" in detail

    empty = client.post(f"/provider-payments/{payment.pk}/reverse/", {"on": "2025-04-11"})
    assert list(empty.context["form"].errors) == ["reason"]
    response = client.post(
        f"/provider-payments/{payment.pk}/reverse/", {"reason": "double", "on": "2025-04-11"}
    )

    assert response.status_code == 302 and response.url == f"/statements/{statement.pk}/"
    reversal = ProviderPayment.objects.get(reverses=payment)
    assert reversal.amount == -800 and reversal.recorded_by == accountant
    detail = client.get(response.url).content.decode()
    assert f"/provider-payments/{payment.pk}/reverse/" not in detail


def test_a_statement_is_cancelled_with_its_reason(client, accountant, statement):
    response = client.post(
        f"/statements/{statement.pk}/cancel/", {"reason": "wrong period", "on": "2025-04-03"}
    )

    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.cancelled_on == D(2025, 4, 3) and statement.cancelled_by == accountant
    assert "wrong period" in client.get(response.url).content.decode()


def test_a_refused_cancellation_is_shown_and_changes_nothing(client, accountant, statement):
    provider_payment_record(
        by=None, statement=statement, amount=800, method="cash", paid_on=D(2025, 4, 10)
    )

    response = client.post(
        f"/statements/{statement.pk}/cancel/", {"reason": "error", "on": "2025-04-11"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()  # the statement itself is the problem
    statement.refresh_from_db()
    assert statement.cancelled_on is None


def test_the_medical_advisor_reads_statements_but_pays_nothing(client, cast, statement):
    client.force_login(cast[Role.MEDICAL_ADVISOR])

    page = client.get(f"/statements/{statement.pk}/").content.decode()

    assert "Poste de santé de Joal" in page and "/pay/" not in page
    assert client.get(f"/statements/{statement.pk}/pay/").status_code == 403
    assert client.post("/statements/issue/", {}).status_code == 403


def test_a_clerk_reads_the_statements_of_their_provider_only(client, cast, care, statement):
    clerk = cast[Role.PROVIDER_CLERK]
    client.force_login(clerk)
    assert client.get(f"/statements/{statement.pk}/").status_code == 404

    care.post.staff.add(clerk)

    assert client.get(f"/statements/{statement.pk}/").status_code == 200
    assert client.get(f"/statements/{statement.pk}/statement.pdf").status_code == 200
    listed = client.get("/statements/").context["rows"]
    assert [s for s, _state in listed] == [statement]
    assert client.get("/provider-balances/").status_code == 403
    assert client.get("/clearing/").status_code == 403


def test_the_list_filters_by_provider_month_and_status(
    client, accountant, statement, care, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        found = client.get(
            "/statements/", {"provider": care.post.pk, "month": "2025-03", "status": "unpaid"}
        )

    assert [s for s, _state in found.context["rows"]] == [statement]
    assert client.get("/statements/", {"status": "paid"}).context["rows"] == []
    assert client.get("/statements/", {"month": "2025-04"}).context["rows"] == []


def test_a_wrong_filter_says_why_and_lists_everything(client, accountant, statement):
    response = client.get("/statements/", {"month": "soon"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["month"]
    assert [s for s, _state in response.context["rows"]] == [statement]


def test_the_statement_prints_and_exports(client, accountant, statement):
    pdf = client.get(f"/statements/{statement.pk}/statement.pdf")
    xlsx = client.get(f"/statements/{statement.pk}/statement.xlsx")

    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert xlsx["Content-Type"] == XLSX
    assert "M1-1.xlsx" in xlsx["Content-Disposition"]


def test_the_balances_show_what_is_owed_and_the_reference_of_four_weeks(
    client, accountant, statement
):
    response = client.get("/provider-balances/", {"order": "outstanding"})

    (row,) = response.context["rows"]
    assert (row.due, row.outstanding, row.oldest_unpaid_due_on) == (2000, 2000, D(2025, 5, 2))
    page = response.content.decode()
    assert "Poste de santé de Joal" in page and "28" in page
    assert "Pakour" not in page  # D2's statement is outside the accountant's scope


def test_the_clearing_of_a_month_shows_who_owes_whom(client, accountant, statement):
    response = client.get("/clearing/", {"month": "2025-04"})

    page = response.content.decode()
    (flow,) = response.context["clearing"].flows
    assert (flow.claims, flow.amount) == (1, 1000)
    assert "Union départementale de Vélingara" in page
    assert 'href="/clearing/clearing.pdf?month=2025-04"' in page
    pdf = client.get("/clearing/clearing.pdf", {"month": "2025-04"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get("/clearing/clearing.xlsx", {"month": "2025-04"})["Content-Type"] == XLSX


def test_a_wrong_month_shows_the_last_month_over_and_says_why(client, accountant):
    response = client.get("/clearing/", {"month": "2025-13"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["month"]


def test_the_menu_leads_payers_to_the_three_screens(client, accountant, cast):
    page = client.get("/statements/").content.decode()
    for url in ("/statements/", "/provider-balances/", "/clearing/"):
        assert f'href="{url}"' in page
    client.force_login(cast[Role.CASHIER])
    assert 'href="/clearing/"' not in client.get("/").content.decode()


@pytest.mark.parametrize("month", ["9999-12", "9999-11", "0001-01", "2025-3-1", "<b>"])
def test_any_month_typed_gets_a_page_never_a_server_error(
    client, accountant, care, federation, month
):
    for url in ("/statements/", "/clearing/", "/clearing/clearing.pdf", "/clearing/clearing.xlsx"):
        assert client.get(url, {"month": month}).status_code == 200, url
    response = client.post(
        "/statements/issue/",
        {"payer": federation.m1.pk, "period": month, "issued_on": "2025-04-02"},
    )
    assert response.status_code == 200
    assert "period" in response.context["form"].errors
