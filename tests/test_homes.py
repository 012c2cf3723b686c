"""Each role's home shows the work waiting for them (issue 12), from their own scope, in reads
whose number does not grow with the mutual; and the lists the homes open: payments, households
in arrears (sorted, exported, printed for the field agent), cover ending soon."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from mutualis.contributions.queries import household_account
from mutualis.contributions.services import payment_record
from mutualis.core.pdf import extract_text
from mutualis.federation.rules import Role
from mutualis.membership.services import household_enrol
from tests.conftest import person
from tests.contributions.test_payments import pay

D = datetime.date


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


ENROLLED = D(2025, 1, 10)


def enrol(federation, cmu_package, last_name, first_name, enrolled_on=ENROLLED, address=""):
    return household_enrol(
        by=None,
        mutual=federation.m1,
        package=cmu_package,
        enrolled_on=enrolled_on,
        head=person(first_name, last_name, "F", "1984-02-03"),
        address=address,
    )


# --- the homes --------------------------------------------------------------------------------


def test_the_managers_home_shows_the_households_in_arrears_and_opens_their_list(
    client, cast, family
):
    owed = household_account(family, timezone.localdate()).arrears
    page = home(client, cast[Role.MUTUAL_MANAGER])
    assert 'href="/arrears/"' in page and 'href="/cover-ending/"' in page
    assert f"{owed:,}".replace(",", "\u00a0") + "\u00a0FCFA" in page
    assert 'href="/payments/"' in page


def test_the_cashiers_home_counts_the_cash_they_took_today(client, cast, family):
    cashier = cast[Role.CASHIER]
    today = timezone.localdate()
    payment = payment_record(
        by=cashier, household=family, amount=2500, method="cash", received_on=today
    )
    page = home(client, cashier)
    assert "2\u00a0500\u00a0FCFA" in page
    assert payment.receipt_number in page


def test_the_agents_home_opens_on_the_search_then_the_last_enrolments(
    client, cast, federation, cmu_package
):
    enrol(federation, cmu_package, "Ndiaye", "Aïssatou")
    page = home(client, cast[Role.ENROLMENT_AGENT])
    search = page.index('action="/register/"')
    assert search < page.index("Ndiaye")
    assert 'name="q"' in page and "autofocus" in page[search : search + 400]


def test_the_clerks_home_opens_on_the_eligibility_check(client, cast, federation):
    from mutualis.providers.services import provider_create

    clerk = cast[Role.PROVIDER_CLERK]
    provider_create(
        by=None,
        owner=federation.d1,
        code="PS-JOAL",
        name="Poste de santé de Joal",
        kind="health_post",
        sector="public",
        staff=[clerk],
    )
    page = home(client, clerk)
    assert page.index('action="/eligibility/"') < page.index("</main>")
    assert 'name="card"' in page


def test_the_union_officer_sees_the_mutuals_of_their_union_only_side_by_side(
    client, cast, federation, family
):
    client.force_login(cast[Role.UNION_OFFICER])  # of D1: M1, not M2
    response = client.get("/")
    table = response.context["panels"]
    page = response.content.decode()
    assert federation.m1.name in page and federation.m2.name not in page
    assert table  # the panel is drawn
    by_households = client.get("/", {"order": "households"}).content.decode()
    assert federation.m1.name in by_households


def test_the_administrators_home_shows_accounts_and_recent_changes(client, cast, family):
    page = home(client, cast[Role.SYSTEM_ADMIN])
    assert 'href="/users/"' in page
    assert "Moussa Diop" in page or str(family) in page


def test_every_role_has_a_home(client, cast):
    for role, user in cast.items():
        client.force_login(user)
        assert client.get("/").status_code == 200, role


def test_the_managers_home_reads_as_many_times_for_one_household_as_for_many(
    client, cast, federation, cmu_package, family
):
    manager = cast[Role.MUTUAL_MANAGER]
    client.force_login(manager)
    client.get("/")  # standings brought up to date

    def reads():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    few = reads()
    for index in range(12):
        enrol(federation, cmu_package, f"Sarr{index}", "Binta")
    client.get("/")
    assert reads() == few


# --- the lists --------------------------------------------------------------------------------


@pytest.fixture
def arrears(federation, cmu_package, family):
    """Three households of M1: the Diops owe everything since 2025; the Fall household paid part of
    first year; the Sow household, enrolled this year, owes this year's share."""
    fall = enrol(federation, cmu_package, "Fall", "Mariama", address="Ngazobil")
    pay(fall, 1000 + 3000, day="2025-01-10")
    today = timezone.localdate()
    sow = enrol(federation, cmu_package, "Sow", "Khady", enrolled_on=today.replace(month=1, day=2))
    return family, fall, sow


def test_the_arrears_list_sorts_by_amount_and_by_age(client, cast, arrears):
    family, fall, sow = arrears
    client.force_login(cast[Role.MUTUAL_MANAGER])
    by_amount = client.get("/arrears/").context["page"].object_list
    owed = [row.amount for row in by_amount]
    assert owed == sorted(owed, reverse=True)
    today = timezone.localdate()
    assert {row.household.pk: row.amount for row in by_amount} == {
        h.pk: household_account(h, today).arrears
        for h in (family, fall, sow)
        if household_account(h, today).arrears
    }
    by_age = client.get("/arrears/", {"order": "age"}).context["page"].object_list
    assert [row.since for row in by_age] == sorted(row.since for row in by_age)
    assert by_age[0].household == family


@pytest.mark.usefixtures("arrears")
def test_the_arrears_export_and_the_visit_list_hold_the_same_households(client, cast):
    client.force_login(cast[Role.ENROLMENT_AGENT])
    listed = client.get("/arrears/").context["page"].object_list
    workbook = load_workbook(io.BytesIO(client.get("/arrears/arrears.xlsx").content))
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[4]) for row in rows] == [
        (r.household.number, r.head_name, r.amount) for r in listed
    ]
    response = client.get("/arrears/visits.pdf")
    assert response["Content-Type"] == "application/pdf"


def test_the_visit_list_goes_round_the_villages(cast, arrears, federation):
    from mutualis.contributions.arrears import in_arrears, visit_list_pdf

    today = timezone.localdate()
    rows = in_arrears(federation.m1, today, "address")
    text = extract_text(visit_list_pdf(rows, federation.m1, today, language="fr", compress=False))
    assert "Moussa Diop" in text
    addresses = [row.household.address.casefold() for row in rows]
    assert addresses == sorted(addresses)


def test_the_payments_list_filters_by_method_and_exports_what_it_shows(client, cast, family):
    manager = cast[Role.MUTUAL_MANAGER]
    today = timezone.localdate()
    cash = pay(family, 1000, day=today.isoformat())
    mobile = pay(family, 2000, day=today.isoformat(), method="mobile_money", reference="MM-1")
    client.force_login(manager)
    shown = client.get("/payments/", {"method": "mobile_money"}).context["page"].object_list
    assert [p.pk for p in shown] == [mobile.pk]
    everything = client.get("/payments/").context["page"].object_list
    assert {p.pk for p in everything} == {cash.pk, mobile.pk}
    workbook = load_workbook(
        io.BytesIO(client.get("/payments/payments.xlsx", {"method": "mobile_money"}).content)
    )
    receipts = {row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert receipts == {mobile.receipt_number}


def test_the_cover_ending_list_names_the_households_covered_today_and_no_more_soon(
    client, cast, federation, cmu_package
):
    # enrolled 60 days ago and paid up to the end of this year that day: past its 30 days of
    # waiting, covered until the end of the year and its 30 days of grace
    today = timezone.localdate()
    enrolled_on = today - datetime.timedelta(days=60)
    household = enrol(federation, cmu_package, "Faye", "Ndeye", enrolled_on=enrolled_on)
    pay(household, household_account(household, today).arrears, day=enrolled_on.isoformat())
    end_of_grace = datetime.date(today.year, 12, 31) + datetime.timedelta(days=30)
    client.force_login(cast[Role.MUTUAL_MANAGER])
    found = client.get("/cover-ending/", {"days": 400}).context["page"].object_list
    assert [(h.pk, day) for h, day in found] == [(household.pk, end_of_grace)]
    # within the next week only when the grace ends in it
    soon = client.get("/cover-ending/", {"days": 7}).context["page"].object_list
    ends_this_week = end_of_grace < today + datetime.timedelta(days=7)
    assert [h.pk for h, _day in soon] == ([household.pk] if ends_this_week else [])


def test_a_user_of_another_mutual_never_sees_these_households(client, federation, arrears):
    from mutualis.federation.services import user_create

    other = user_create(
        by=None,
        username="cashier-m2",
        organisation=federation.m2,
        roles=[Role.CASHIER],
        first_name="Awa",
    )
    client.force_login(other)
    assert client.get("/arrears/").context["page"].object_list == []
    chosen = client.get("/arrears/", {"mutual": federation.m1.pk})
    assert chosen.context["mutual"] == federation.m2
    assert chosen.context["page"].object_list == []


def test_the_union_table_counts_each_mutual_and_never_shows_a_ratio_without_households(
    federation, cmu_package, family
):
    from mutualis.contributions.home import paid_up_rate
    from mutualis.membership.home import active_beneficiaries, active_households

    today = timezone.localdate()
    fall = enrol(federation, cmu_package, "Fall", "Mariama")
    pay(fall, household_account(fall, today).arrears, day=today.isoformat())
    mutuals = [federation.m1.pk, federation.m2.pk]
    assert active_households(mutuals, today) == {federation.m1.pk: 2}
    assert active_beneficiaries(mutuals, today) == {federation.m1.pk: 5}
    # the Diops owe, the Falls paid: one household of two is paid up; M2 has none: not computable
    assert paid_up_rate(mutuals, today) == {federation.m1.pk: 5_000, federation.m2.pk: None}
