"""The demo register: `mutualis demo` enrols realistic households in every mutual and records
24 months of their contributions, exactly as the rules compute them, the same for the same
seed."""

import datetime
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Max, Sum
from django.utils import timezone

from mutualis.benefits import demo as benefits_demo
from mutualis.benefits.models import BenefitPackage, PackageVersion
from mutualis.benefits.terms import version_terms
from mutualis.contributions import demo as contributions_demo
from mutualis.contributions.choices import Status
from mutualis.contributions.models import Allocation, Payment
from mutualis.contributions.rules import (
    Member,
    Settled,
    coverage_at,
    household_dues,
    household_of,
    household_status,
)
from mutualis.core.identifiers import is_valid
from mutualis.core.models import NumberSeries
from mutualis.federation import demo as federation_demo
from mutualis.membership import demo as membership_demo
from mutualis.membership.models import Beneficiary, Household, SearchToken
from mutualis.membership.rules import duplicate_key, search_tokens

pytestmark = pytest.mark.django_db


def load_demo(mutuals=3, households=5, seed=2):
    call_command("demo", mutuals=mutuals, households_per_mutual=households, seed=seed)


def plan_demo(seed, mutuals, households, today):
    """The whole demo decided without the database, as the generators decide it."""
    rng = random.Random(seed)
    federation = federation_demo.plan_federation(rng, mutuals)
    specs = membership_demo.mutual_specs_from_plan(federation)
    demo_mutual = next(u.organisation for u in federation.users if u.username == "manager")
    union = next(o for o in federation.organisations if o.code == demo_mutual).parent
    department = next(o for o in federation.organisations if o.code == union).location
    benefits = benefits_demo.plan_benefits(
        today,
        national_union=federation_demo.NATIONAL_UNION_CODE,
        departmental_union=union,
        department_name=next(p.name for p in federation.locations if p.code == department),
        own_package_mutual=benefits_demo.own_package_mutual(
            [(o.code, o.mutual_type) for o in federation.organisations if o.kind == "mutual"]
        ),
    )
    register = membership_demo.plan_register(
        rng, specs, benefits, households, today, benefits_demo.NATIONAL_PACKAGE
    )
    contributions = contributions_demo.plan_contributions(
        rng,
        register,
        contributions_demo.demo_terms(benefits),
        today,
        savings_packages=contributions_demo.savings_packages(benefits),
        dormant_mutuals=frozenset(
            o.code for o in federation.organisations if o.kind == "mutual" and o.status == "dormant"
        ),
        payer_names={payer.code: payer.name for payer in benefits.payers},
    )
    return register, contributions


# --- what the database holds, as the rules read it --------------------------------------------


def versions_of(package_ids):
    return (
        PackageVersion.objects.filter(package_id__in=package_ids)
        .prefetch_related(
            "subsidies", "category_contributions", "waiting_periods", "coverage_rules"
        )
        .order_by("valid_from")
    )


def accounts(today):
    """For every household: its rows, members, dues and member allocations."""
    versions = defaultdict(list)
    for version in versions_of(BenefitPackage.objects.values("pk")):
        versions[version.package_id].append(version)
    people = defaultdict(list)
    for beneficiary in Beneficiary.objects.order_by("pk"):
        people[beneficiary.household_id].append(beneficiary)
    allocations = defaultdict(list)
    for allocation in Allocation.objects.select_related("payment"):
        allocations[allocation.household_id].append(allocation)
    result = []
    for household in Household.objects.order_by("pk"):
        terms = [version_terms(v) for v in versions[household.package_id]]
        members = [
            Member(b.pk, b.category, b.enrolled_on, b.left_on, b.relationship, b.birth_date)
            for b in people[household.pk]
        ]
        dues = household_dues(terms, members, household.enrolled_on, today, household.resigned_on)
        fee = next(t for t in reversed(terms) if t.valid_from <= household.enrolled_on)
        result.append(
            {
                "household": household,
                "people": people[household.pk],
                "dues": dues,
                "fee": fee.registration_fee,
                "allocations": allocations[household.pk],
                "terms": terms,
                "members": members,
            }
        )
    return result


# --- the register ------------------------------------------------------------------------------


def test_every_household_has_three_to_eight_people_and_one_head():
    load_demo()
    sizes = Counter(Beneficiary.objects.values_list("household_id", flat=True))
    heads = Counter(
        Beneficiary.objects.filter(relationship="head").values_list("household_id", flat=True)
    )
    assert Household.objects.count() == 15
    assert set(sizes) == set(Household.objects.values_list("pk", flat=True))
    assert all(3 <= size <= 8 for size in sizes.values())
    assert set(heads.values()) == {1} and len(heads) == 15


def test_member_numbers_are_valid_unique_in_their_mutual_and_continue_the_series():
    load_demo()
    numbers = list(Beneficiary.objects.values_list("mutual_id", "member_number"))
    assert all(is_valid(number) for _mutual, number in numbers)
    assert len(set(numbers)) == len(numbers)
    series = {(s.organisation_id, s.name): s.last_value for s in NumberSeries.objects.all()}
    for mutual_id, count in Counter(mutual for mutual, _number in numbers).items():
        highest = max(int(n.split("-")[1]) for m, n in numbers if m == mutual_id)
        assert series[(mutual_id, "member")] == highest == count
        last_household = Household.objects.filter(mutual_id=mutual_id).aggregate(Max("number"))
        assert series[(mutual_id, "household")] == last_household["number__max"] == 5


def test_people_are_found_by_their_words_and_their_duplicate_key():
    load_demo()
    words = defaultdict(set)
    for beneficiary_id, token in SearchToken.objects.values_list("beneficiary_id", "token"):
        words[beneficiary_id].add(token)
    for person in Beneficiary.objects.select_related("household"):
        assert words[person.pk] == search_tokens(
            first_name=person.first_name,
            last_name=person.last_name,
            member_number=person.member_number,
            phone=person.phone,
            household_number=person.household.number,
        )
        assert person.duplicate_key == duplicate_key(
            first_name=person.first_name,
            last_name=person.last_name,
            sex=person.sex,
            birth_date=person.birth_date,
        )


def test_heads_are_adults_and_children_under_the_age_limit_on_enrolment():
    load_demo(mutuals=2, households=30)
    for person in Beneficiary.objects.select_related("household"):
        age = (person.enrolled_on - person.birth_date).days / 365.25
        assert person.birth_date <= person.enrolled_on
        assert person.enrolled_on >= person.household.enrolled_on
        if person.relationship == "head":
            assert age >= 18
            assert person.phone.startswith("+221 7")
        if person.relationship == "child":
            assert age < 21


def test_rows_written_in_bulk_are_found_by_uid_and_later_rows_get_new_keys():
    load_demo()
    person = Beneficiary.objects.order_by("?").first()
    payment = Payment.objects.order_by("?").first()
    assert Beneficiary.objects.get(uid=person.uid) == person
    assert Payment.objects.get(uid=payment.uid) == payment
    household = Household.objects.create(
        mutual=person.mutual,
        number=999,
        package=person.household.package,
        enrolled_on=timezone.localdate(),
    )
    later = Payment.objects.create(
        mutual=person.mutual,
        household=household,
        receipt_number="TEST-1",
        method="cash",
        amount=1000,
        received_on=timezone.localdate(),
    )
    assert household.pk > Household.objects.exclude(pk=household.pk).aggregate(Max("pk"))["pk__max"]
    assert later.pk > Payment.objects.exclude(pk=later.pk).aggregate(Max("pk"))["pk__max"]


# --- contributions -----------------------------------------------------------------------------


def test_every_payment_is_allocated_exactly_and_has_a_receipt_number_unique_in_its_mutual():
    load_demo()
    payments = Payment.objects.annotate(allocated=Sum("allocations__amount"))
    assert payments.exists()
    assert all(payment.allocated == payment.amount for payment in payments)
    receipts = list(Payment.objects.values_list("mutual_id", "receipt_number"))
    assert len(set(receipts)) == len(receipts)
    series = {s.organisation_id: s.last_value for s in NumberSeries.objects.filter(name="receipt")}
    assert series == dict(Counter(mutual for mutual, _receipt in receipts))


def test_nothing_is_paid_beyond_what_the_rules_say_is_due():
    load_demo(mutuals=2, households=25)
    today = timezone.localdate()
    payer_payments = 0
    for account in accounts(today):
        dues = {due.period_start: due for due in account["dues"]}
        paid = defaultdict(int)
        for allocation in account["allocations"]:
            assert allocation.payment.received_on <= today
            paid[(allocation.kind, allocation.payer_id, allocation.period_start)] += (
                allocation.amount
            )
        for (kind, payer, start), amount in paid.items():
            if kind == "registration_fee":
                assert amount <= account["fee"]
            elif kind == "contribution":
                assert amount <= dues[start].member
            else:
                payer_payments += 1
                assert amount <= dues[start].payers[payer]
    assert payer_payments > 0


def test_the_demo_cashier_records_the_demo_mutuals_payments_only():
    load_demo()
    recorded = set(Payment.objects.values_list("mutual__code", "recorded_by__username"))
    cashier_mutuals = {code for code, user in recorded if user == "cashier"}
    assert len(cashier_mutuals) == 1
    assert all(user in (None, "cashier") for _code, user in recorded)
    assert {user for code, user in recorded if code not in cashier_mutuals} == {None}


def test_mobile_money_and_bank_transfers_carry_a_reference_unique_in_their_mutual():
    load_demo(mutuals=2, households=30)
    rows = list(Payment.objects.values_list("mutual_id", "method", "reference"))
    with_reference = [row for row in rows if row[1] != "cash"]
    assert all(reference for _mutual, _method, reference in with_reference)
    assert len(set(with_reference)) == len(with_reference)
    assert {method for _mutual, method, _reference in rows} >= {
        "cash",
        "mobile_money",
        "bank_transfer",
    }


# --- the same seed, the same demo --------------------------------------------------------------


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    today = datetime.date(2026, 3, 15)
    first_register, first_payments = plan_demo(7, 3, 12, today)
    again_register, again_payments = plan_demo(7, 3, 12, today)
    other_register, _other_payments = plan_demo(8, 3, 12, today)
    assert first_register == again_register
    assert first_payments == again_payments
    assert first_register != other_register


def test_the_database_holds_the_plan_of_its_seed():
    load_demo(seed=5)
    register, contributions = plan_demo(5, 3, 5, timezone.localdate())
    assert list(
        Beneficiary.objects.order_by("pk").values_list(
            "first_name", "last_name", "birth_date", "member_number"
        )
    ) == [
        (b.first_name, b.last_name, b.birth_date, b.member_number) for b in register.beneficiaries
    ]
    assert list(Payment.objects.order_by("pk").values_list("receipt_number", "amount")) == [
        (p.receipt_number, p.amount) for p in contributions.payments
    ]


# --- statuses ----------------------------------------------------------------------------------


def test_the_register_has_covered_suspended_or_lapsed_and_waiting_households():
    # a hundred households: enough for every status whatever the day of the year
    load_demo(mutuals=1, households=100, seed=3)
    today = timezone.localdate()
    statuses = Counter()
    for account in accounts(today):
        household = account["household"]
        member_rows = [
            Settled(a.payment.received_on, a.kind, a.period_start, a.amount)
            for a in account["allocations"]
            if a.kind != "payer_share"
        ]
        facts = household_of(
            account["terms"],
            household.enrolled_on,
            household.resigned_on,
            account["members"],
            member_rows,
            today,
        )
        head = next(b for b in account["people"] if b.relationship == "head")
        coverage = coverage_at(facts, head.pk, today)
        statuses[household_status(coverage, today)] += 1
    assert statuses[Status.COVERED] > statuses[Status.WAITING] > 0
    assert statuses[Status.SUSPENDED] + statuses[Status.LAPSED] > 0
