import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from mutualis.contributions.models import Allocation, Payment
from mutualis.contributions.queries import cash_report, coverage_of, household_account
from mutualis.contributions.services import (
    payer_payment_record,
    payment_record,
    payment_reverse,
)
from mutualis.membership.services import household_resign

D = datetime.date


def pay(household, amount, day="2025-01-10", method="cash", reference="", **extra):
    return payment_record(
        by=None,
        household=household,
        amount=amount,
        method=method,
        received_on=D.fromisoformat(day),
        reference=reference,
        **extra,
    )


def test_a_payment_settles_the_fee_then_the_periods_oldest_first(family):
    # given the Diop household of 4 (2 adults, 2 children), enrolled on 10 January: member share
    # 4 × 3,413 for the days left of 2025 (7,000 × 356 / 365 = 6,827 each, half by the State)
    # when they pay the fee and the first year
    payment = pay(family, 1000 + 13652)
    # then the allocations say exactly that
    parts = sorted(
        payment.allocations.values_list("kind", "period_start", "amount"), key=lambda p: p[0]
    )
    assert parts == [("contribution", D(2025, 1, 1), 13652), ("registration_fee", None, 1000)]
    assert payment.receipt_number.startswith("2025-")


def test_the_parts_of_a_payment_add_up_to_it(family):
    payment = pay(family, 16000, day="2025-02-01")
    total = payment.allocations.aggregate(total=Sum("amount"))["total"]
    assert total == payment.amount


def test_a_covered_member_after_the_waiting_period(family):
    pay(family, 15000)
    awa = family.beneficiaries.get(first_name="Awa")
    assert not coverage_of(awa, D(2025, 1, 20)).covered
    assert coverage_of(awa, D(2025, 3, 1)).covered
    # childbirth waits 270 days
    assert coverage_of(awa, D(2025, 3, 1), "childbirth").codes == ("waiting_period",)


def test_unpaid_contributions_suspend_the_whole_household(family):
    pay(family, 15000)
    child = family.beneficiaries.get(first_name="Ibrahima")
    coverage = coverage_of(child, D(2026, 3, 1))
    assert not coverage.covered
    assert coverage.codes == ("contributions_unpaid",)
    assert coverage.reasons[0].date == D(2026, 1, 1)


def test_a_payment_larger_than_what_is_owed_is_refused(family):
    with pytest.raises(ValidationError) as caught:
        pay(family, 1000 + 14000 * 3)
    assert "amount" in caught.value.message_dict
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", [0, -500])
def test_a_zero_or_negative_payment_is_refused(family, amount):
    with pytest.raises(ValidationError) as caught:
        pay(family, amount)
    assert "amount" in caught.value.message_dict


def test_a_payment_for_a_resigned_household_is_refused(family):
    household_resign(by=None, household=family, on=D(2025, 1, 10))
    with pytest.raises(ValidationError) as caught:
        pay(family, 15000, day="2025-02-01")
    assert "household" in caught.value.message_dict


def test_a_receipt_number_is_never_used_twice(family):
    pay(family, 1000, receipt_number="A-0001")
    with pytest.raises(ValidationError) as caught:
        pay(family, 1000, receipt_number="A-0001")
    assert "receipt_number" in caught.value.message_dict


def test_a_mobile_money_transaction_is_recorded_once(family):
    pay(family, 1000, method="mobile_money", reference="OM123456")
    with pytest.raises(ValidationError) as caught:
        pay(family, 1000, method="mobile_money", reference="OM123456")
    assert "reference" in caught.value.message_dict
    assert Payment.objects.filter(reference="OM123456").count() == 1


def test_mobile_money_needs_its_reference(family):
    with pytest.raises(ValidationError) as caught:
        pay(family, 1000, method="mobile_money")
    assert "reference" in caught.value.message_dict


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="concurrent writers need a server database"
)
def test_two_cashiers_recording_the_same_transaction_at_once_record_it_once(family):
    barrier = threading.Barrier(2)
    outcomes = []

    def record():
        barrier.wait()
        try:
            pay(family, 1000, method="mobile_money", reference="WAVE-777")
            outcomes.append("recorded")
        except ValidationError as error:
            outcomes.append(error.message_dict.get("reference"))
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)).count("recorded") == 1
    assert Payment.objects.filter(reference="WAVE-777").count() == 1


def test_a_reversal_mirrors_the_payment_and_keeps_it(family):
    payment = pay(family, 15000)
    reversal = payment_reverse(
        by=None, payment=payment, reason="erreur de saisie", on=D(2025, 1, 11)
    )
    assert reversal.amount == -15000
    assert Payment.objects.count() == 2
    assert Allocation.objects.aggregate(total=Sum("amount"))["total"] == 0
    assert not coverage_of(family.beneficiaries.first(), D(2025, 3, 1)).covered
    with pytest.raises(ValidationError):
        payment_reverse(by=None, payment=payment, reason="encore", on=D(2025, 1, 12))


def test_the_state_pays_its_share_for_many_households_in_one_payment(family, state):
    # given the Diop household owes the State's share of the days left of 2025: 4 × 3,414
    account = household_account(family, D(2025, 6, 1))
    assert account.payer_outstanding(state.pk, D(2025, 1, 1)) == 13656
    # when the State pays 10,000
    payment = payer_payment_record(
        by=None,
        mutual=family.mutual,
        payer=state,
        amount=10000,
        method="bank_transfer",
        reference="TRESOR-2025-01",
        received_on=D(2025, 6, 1),
    )
    # then the receivable shrinks by as much, and the member's cover is unchanged
    account = household_account(family, D(2025, 6, 1))
    assert account.payer_outstanding(state.pk, D(2025, 1, 1)) == 3656
    assert payment.allocations.get().amount == 10000
    with pytest.raises(ValidationError):
        payer_payment_record(
            by=None,
            mutual=family.mutual,
            payer=state,
            amount=4000,
            method="bank_transfer",
            reference="TRESOR-2025-02",
            received_on=D(2025, 6, 1),
        )


def test_the_cash_report_totals_the_day_by_method(family):
    pay(family, 1000, day="2025-01-10")
    pay(family, 14000, day="2025-01-10", method="mobile_money", reference="OM1")
    report = cash_report(family.mutual, D(2025, 1, 10))
    assert report["total"] == 15000
    assert [(m, total, count) for m, _label, total, count in report["totals"]] == [
        ("cash", 1000, 1),
        ("mobile_money", 14000, 1),
    ]
    assert len(report["payments"]) == 2


def test_arrears_count_the_periods_begun_and_unpaid(family):
    pay(family, 14652)
    assert household_account(family, D(2026, 2, 1)).arrears == 14000


def test_checking_coverage_reads_members_and_payments_once_the_package_is_known(
    family, django_assert_max_num_queries
):
    from mutualis.membership.models import Beneficiary

    pay(family, 14652)
    coverage_of(family.beneficiaries.first(), D(2025, 3, 1))  # the package's rules are kept
    awa = Beneficiary.objects.select_related("household__package").get(first_name="Awa")
    with django_assert_max_num_queries(3):
        assert coverage_of(awa, D(2025, 3, 1)).covered


def test_a_new_package_version_is_seen_at_once(family, cmu_package):
    from mutualis.benefits.services import package_version_add

    pay(family, 15000)
    awa = family.beneficiaries.get(first_name="Awa")
    assert coverage_of(awa, D(2025, 3, 1), "optical").codes == ("service_excluded",)
    package_version_add(
        by=None,
        package=cmu_package,
        valid_from=D(2025, 2, 1),
        allow_past=True,
        period="year",
        contribution=7000,
        registration_fee=1000,
    )
    awa.household.package.refresh_from_db()
    assert coverage_of(awa, D(2025, 3, 1), "optical").covered


def test_the_third_payers_page_shows_the_receivable_and_records_a_payment(
    client, family, cast, state
):
    # the accountant records the State's transfer, received before today (back-dated)
    client.force_login(cast["accountant"])
    page = client.get("/third-payers/", {"mutual": family.mutual.pk, "payer": state.pk})
    assert page.context["receivable"][0].outstanding == 13656
    response = client.post(
        "/third-payers/",
        {
            "mutual": family.mutual.pk,
            "payer": state.pk,
            "amount": "13656",
            "method": "bank_transfer",
            "reference": "TRESOR-77",
            "received_on": "2025-06-01",
        },
    )
    assert response.status_code == 302
    page = client.get("/third-payers/", {"mutual": family.mutual.pk, "payer": state.pk})
    assert page.context["receivable"][0].outstanding == 0


@pytest.mark.parametrize("service", [None, "childbirth", "optical"])
def test_the_point_of_care_check_agrees_with_the_household_page(family, service):
    from mutualis.contributions.queries import coverage_by_id

    pay(family, 15000)
    for day in ["2025-01-09", "2025-01-20", "2025-03-01", "2025-12-31", "2026-01-15", "2026-03-01"]:
        for beneficiary in family.beneficiaries.all():
            expected = coverage_of(beneficiary, D.fromisoformat(day), service)
            assert coverage_by_id(beneficiary.pk, D.fromisoformat(day), service) == expected


def test_the_point_of_care_check_knows_no_stranger(db):
    from mutualis.contributions.queries import coverage_by_id

    assert coverage_by_id(987654, D(2025, 1, 1)) is None


def test_every_payment_and_reversal_appends_its_event_with_its_parts(family, cast):
    from mutualis.core.models import Event
    from mutualis.federation.rules import Role

    payment = pay(family, 16000, day="2025-02-01")
    reversal = payment_reverse(
        by=cast[Role.MUTUAL_MANAGER], payment=payment, reason="erreur de saisie", on=D(2025, 2, 2)
    )
    enrolled, recorded, reversed_ = Event.objects.filter(
        organisation_id=family.mutual_id, subject__in=[family.uid, payment.uid, reversal.uid]
    ).order_by("sequence")
    assert enrolled.kind == "household.enrolled"
    assert (recorded.kind, recorded.sequence, recorded.subject) == (
        "payment.recorded",
        enrolled.sequence + 1,
        payment.uid,
    )
    assert recorded.payload["household"] == str(family.uid)
    assert sum(part["amount"] for part in recorded.payload["parts"]) == 16000
    assert {part["kind"] for part in recorded.payload["parts"]} == {
        "registration_fee",
        "contribution",
    }
    assert (reversed_.kind, reversed_.sequence, reversed_.payload["reverses"]) == (
        "payment.reversed",
        recorded.sequence + 1,
        str(payment.uid),
    )
    assert reversed_.payload["amount"] == reversal.amount == -16000
    assert reversed_.actor == cast[Role.MUTUAL_MANAGER]
