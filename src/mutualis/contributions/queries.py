"""Reads of contributions: a household's account, coverage at a date, the cashier's report.

`coverage_of` is how every screen, API and later issue asks whether someone is covered: it
loads the facts in a handful of indexed queries and asks membership.coverage.coverage_at.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from mutualis.benefits.models import BenefitPackage, PackageVersion
from mutualis.benefits.queries import package_rules
from mutualis.contributions.models import Allocation, AllocationKind, Method, Payment
from mutualis.contributions.rules import (
    ContributionTerms,
    Member,
    PeriodDue,
    Settled,
    Settlement,
    household_dues,
    settlement,
)
from mutualis.core.periods import in_force
from mutualis.membership.coverage import (
    BeneficiaryFacts,
    Coverage,
    CoverageTerms,
    HouseholdFacts,
    Status,
    coverage_at,
    household_status,
)
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.queries import coverage_terms

# Members may pay ahead: up to the end of the period that starts a year after the payment.
ADVANCE_DAYS = 366


@dataclass(frozen=True)
class PackageTerms:
    contributions: tuple[ContributionTerms, ...]
    coverage: tuple[CoverageTerms, ...]


@lru_cache(maxsize=512)
def package_terms(package_id: int, rules_revision) -> PackageTerms:
    """A package's versions as the pure rules take them, kept for as long as its revision."""
    versions = package_rules(package_id, rules_revision)
    return PackageTerms(
        tuple(contribution_terms(v) for v in versions), tuple(coverage_terms(v) for v in versions)
    )


def terms_of(household: Household) -> PackageTerms:
    return package_terms(household.package_id, household.package.rules_revision)


def contribution_terms(version: PackageVersion) -> ContributionTerms:
    return ContributionTerms(
        valid_from=version.valid_from,
        period=version.period,
        per_household=version.contribution_basis == "per_household",
        contribution=version.contribution,
        registration_fee=version.registration_fee,
        amounts_by_category={c.category: c.amount for c in version.category_contributions.all()},
        subsidies=tuple((s.payer_id, s.category, s.share_bp) for s in version.subsidies.all()),
    )


def members_of(beneficiaries: Iterable[Beneficiary]) -> list[Member]:
    return [Member(b.category, b.enrolled_on, b.left_on) for b in beneficiaries]


@dataclass(frozen=True)
class Account:
    """A household's contributions at a date: what was due, what was paid, what is owed."""

    household: Household
    registration_fee: int
    dues: list[PeriodDue]
    settlement: Settlement
    payer_paid: dict[tuple[int, datetime.date], int]
    on: datetime.date

    @property
    def fee_outstanding(self) -> int:
        return max(self.registration_fee - self.settlement.fee_paid, 0)

    def member_outstanding(self, start: datetime.date) -> int:
        due = next((d.member for d in self.dues if d.period_start == start), 0)
        return max(due - self.settlement.paid_by_period.get(start, 0), 0)

    @property
    def arrears(self) -> int:
        """Member shares and fee owed for periods that have begun by the date."""
        begun = [d for d in self.dues if d.period_start <= self.on]
        return self.fee_outstanding + sum(self.member_outstanding(d.period_start) for d in begun)

    def payer_outstanding(self, payer_id: int, start: datetime.date) -> int:
        due = next((d.payers.get(payer_id, 0) for d in self.dues if d.period_start == start), 0)
        return max(due - self.payer_paid.get((payer_id, start), 0), 0)


def accounts_of(
    households: Iterable[Household],
    on: datetime.date | None = None,
    until: datetime.date | None = None,
) -> dict[int, Account]:
    """The accounts of many households at once, in two queries whatever their number (members
    and allocations), for reconciling a third payer's payment or listing its receivable."""
    on = on or timezone.localdate()
    households = list(households)
    ids = [h.pk for h in households]
    members: dict[int, list[Member]] = defaultdict(list)
    # .order_by(): the models' default orderings would join the households to sort
    for household_id, category, enrolled_on, left_on in (
        Beneficiary.objects.filter(household_id__in=ids)
        .order_by()
        .values_list("household_id", "category", "enrolled_on", "left_on")
    ):
        members[household_id].append(Member(category, enrolled_on, left_on))
    rows: dict[int, list[tuple]] = defaultdict(list)
    for household_id, *row in (
        Allocation.objects.filter(household_id__in=ids)
        .order_by()
        .values_list(
            "household_id", "kind", "period_start", "payer_id", "amount", "payment__received_on"
        )
    ):
        rows[household_id].append(row)
    return {h.pk: account_from(h, members[h.pk], rows[h.pk], on, until or on) for h in households}


def account_from(
    household: Household,
    members: list[Member],
    rows: list[tuple],
    on: datetime.date,
    until: datetime.date,
) -> Account:
    fee, dues, settled, payer_paid = settle(
        terms_of(household).contributions,
        household.enrolled_on,
        household.resigned_on,
        members,
        rows,
        until,
    )
    return Account(household, fee, dues, settled, payer_paid, on)


def settle(
    terms: Sequence[ContributionTerms],
    enrolled_on: datetime.date,
    resigned_on: datetime.date | None,
    members: list[Member],
    rows: list[tuple],
    until: datetime.date,
):
    """Dues and settlement of a household from its members and its allocation rows
    (kind, period start, payer id, amount, day received)."""
    dues = household_dues(terms, members, enrolled_on, until, resigned_on)
    at_enrolment = in_force(terms, enrolled_on)
    fee = at_enrolment.registration_fee if at_enrolment else 0
    member_rows = [
        Settled(received, kind, start, amount)
        for kind, start, _payer, amount, received in rows
        if kind != AllocationKind.PAYER_SHARE
    ]
    payer_paid: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for kind, start, payer, amount, _received in rows:
        if kind == AllocationKind.PAYER_SHARE:
            payer_paid[(payer, start)] += amount
    return fee, dues, settlement(dues, fee, member_rows, enrolled_on), dict(payer_paid)


def household_account(
    household: Household, on: datetime.date | None = None, until: datetime.date | None = None
) -> Account:
    """The account of a household on `on` (today by default), with dues listed until `until`
    (the same day by default; later to take advance payments)."""
    return accounts_of([household], on, until)[household.pk]


def payer_receivable(mutual, payer, on: datetime.date | None = None) -> list[dict]:
    """What a third payer owes a mutual, period by period: its share due for the periods begun
    by `on`, what it paid, what is outstanding."""
    on = on or timezone.localdate()
    households = Household.objects.filter(mutual=mutual).select_related("package")
    by_period: dict[datetime.date, dict] = {}
    for account in accounts_of(households, on).values():
        for due in account.dues:
            share = due.payers.get(payer.pk, 0)
            if not share:
                continue
            line = by_period.setdefault(
                due.period_start,
                {"period_start": due.period_start, "due": 0, "paid": 0, "households": 0},
            )
            line["due"] += share
            line["paid"] += account.payer_paid.get((payer.pk, due.period_start), 0)
            line["households"] += 1
    for line in by_period.values():
        line["outstanding"] = line["due"] - line["paid"]
    return [by_period[start] for start in sorted(by_period)]


def coverage_with(
    account: Account, beneficiary: Beneficiary, on: datetime.date, service: str | None = None
) -> Coverage:
    household = account.household
    return coverage_at(
        BeneficiaryFacts(
            beneficiary.birth_date,
            beneficiary.relationship,
            beneficiary.enrolled_on,
            beneficiary.left_on,
        ),
        HouseholdFacts(
            household.enrolled_on,
            household.resigned_on,
            account.settlement.covered_from,
            account.settlement.paid_periods,
        ),
        terms_of(household).coverage,
        on,
        service,
    )


def coverage_of(
    beneficiary: Beneficiary, on: datetime.date | None = None, service: str | None = None
) -> Coverage:
    """Whether a beneficiary is covered on a date for a service, and every reason why not."""
    on = on or timezone.localdate()
    return coverage_with(household_account(beneficiary.household, on), beneficiary, on, service)


def coverage_by_id(beneficiary_id: int, on: datetime.date, service: str | None = None):
    """`coverage_of` for the point of care: the beneficiary, their household's members and its
    payments in three plain indexed reads (no ORM query building, which would cost more than
    the reads themselves at national scale). Returns None for an unknown beneficiary."""
    beneficiary, household, member, allocation, payment, package = (
        m._meta.db_table
        for m in (Beneficiary, Household, Beneficiary, Allocation, Payment, BenefitPackage)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.birth_date, b.relationship, b.enrolled_on, b.left_on, h.id,"
            f" h.enrolled_on, h.resigned_on, h.package_id, p.rules_revision"
            f" FROM {beneficiary} b JOIN {household} h ON h.id = b.household_id"
            f" JOIN {package} p ON p.id = h.package_id WHERE b.id = %s",
            [beneficiary_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        (
            birth,
            relationship,
            b_enrolled,
            left_on,
            household_id,
            enrolled,
            resigned,
            package_id,
            revision,
        ) = row
        cursor.execute(
            f"SELECT category, enrolled_on, left_on FROM {member} WHERE household_id = %s",
            [household_id],
        )
        members = [Member(*values) for values in cursor.fetchall()]
        cursor.execute(
            f"SELECT a.kind, a.period_start, a.payer_id, a.amount, p.received_on"
            f" FROM {allocation} a JOIN {payment} p ON p.id = a.payment_id"
            f" WHERE a.household_id = %s",
            [household_id],
        )
        rows = cursor.fetchall()
    terms = package_terms(package_id, revision)
    _fee, _dues, settled, _payer_paid = settle(
        terms.contributions, enrolled, resigned, members, rows, on
    )
    return coverage_at(
        BeneficiaryFacts(birth, relationship, b_enrolled, left_on),
        HouseholdFacts(enrolled, resigned, settled.covered_from, settled.paid_periods),
        terms.coverage,
        on,
        service,
    )


@dataclass(frozen=True)
class Overview:
    account: Account
    members: list[tuple[Beneficiary, Coverage]]
    status: str

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""


def household_overview(household: Household, on: datetime.date | None = None) -> Overview:
    """A household's account and each member's coverage today, from one reading of its
    payments."""
    on = on or timezone.localdate()
    account = household_account(household, on)
    members = [(b, coverage_with(account, b, on)) for b in household.beneficiaries.all()]
    head = next((coverage for b, coverage in members if b.is_head), None)
    status = household_status(head, on) if head else ""
    return Overview(account, members, status)


def cash_report(mutual, day: datetime.date, cashier=None) -> dict:
    """A cashier's day: every payment and reversal received that day, totals by method."""
    payments = (
        Payment.objects.filter(mutual=mutual, received_on=day)
        .select_related("household", "payer", "recorded_by", "reverses")
        .order_by("recorded_at", "pk")
    )
    if cashier is not None:
        payments = payments.filter(recorded_by=cashier)
    totals = [
        (row["method"], Method(row["method"]).label, row["total"], row["count"])
        for row in payments.values("method")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("method")
    ]
    return {
        "day": day,
        "payments": list(payments),
        "totals": totals,
        "total": sum(total for _method, _label, total, _count in totals),
    }
