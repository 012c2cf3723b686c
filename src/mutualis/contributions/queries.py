"""Reads of contributions: a household's account, coverage at a date, the cashier's report.

`households_of` is the one loader of the facts cover depends on (issue 10): members, package
terms and member payments, for one household or a batch, in three indexed reads whatever their
number. `coverage_of`, the account pages, eligibility (screen and FHIR), claim entry and the
Excel batch all read households through it and ask `contributions.rules.coverage_at`.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from mutualis.benefits.choices import Relationship
from mutualis.benefits.models import BenefitPackage
from mutualis.benefits.terms import package_terms
from mutualis.contributions.choices import Status
from mutualis.contributions.models import Allocation, AllocationKind, Method, Payment
from mutualis.contributions.rules import (
    Coverage,
    Member,
    PeriodDue,
    Settled,
    Settlement,
    coverage_at,
    grid_of,
    household_dues,
    household_of,
    household_status,
)
from mutualis.contributions.rules import (
    Household as HouseholdFacts,
)
from mutualis.core.periods import Grid, in_force
from mutualis.core.sql import rows_in, table
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.queries import with_heads

# Members may pay ahead: up to the end of the period that starts a year after the payment.
ADVANCE_DAYS = 366


@dataclass(frozen=True)
class HouseholdState:
    """A household's facts as cover reads them, with the package they come from (whose rules
    revision keys the caches of its terms)."""

    id: int
    package_id: int
    revision: object
    facts: HouseholdFacts
    payer_paid: dict[tuple[int, datetime.date], int]


def local_date(moment) -> datetime.date:
    """The local day of a time read by a plain query: naive (UTC) on SQLite, aware on
    PostgreSQL."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return timezone.localdate(moment)


def households_of(ids: Iterable[int], until: datetime.date) -> dict[int, HouseholdState]:
    """The facts of households (by id) with their dues to the period containing `until`, or to
    the last period their members paid ahead, whichever is later. A payment reversed and its
    reversal are left out: a reversal cancels a payment, whose money never came."""
    ids = sorted(set(ids))
    members: dict[int, list[Member]] = defaultdict(list)
    for household, key, category, enrolled, left, relationship, birth in rows_in(
        "SELECT household_id, id, category, enrolled_on, left_on, relationship, birth_date"
        f" FROM {table(Beneficiary)} WHERE household_id IN ({{}})",
        ids,
    ):
        members[household].append(Member(key, category, enrolled, left, relationship, birth))
    settled: dict[int, list[Settled]] = defaultdict(list)
    payer_paid: dict[int, dict[tuple[int, datetime.date], int]] = defaultdict(
        lambda: defaultdict(int)
    )
    rows = list(
        rows_in(
            "SELECT a.household_id, a.kind, a.period_start, a.payer_id, a.amount, p.received_on,"
            f" p.recorded_at, p.recorded_by_id, p.id, p.reverses_id FROM {table(Allocation)} a"
            f" JOIN {table(Payment)} p ON p.id = a.payment_id WHERE a.household_id IN ({{}})",
            ids,
        )
    )
    # A reversal cancels a payment: neither counts, as if the money had never come.
    cancelled = {row[9] for row in rows if row[9] is not None}
    for household, kind, start, payer, amount, received, recorded, recorder, pk, reverses in rows:
        if reverses is not None or pk in cancelled:
            continue
        if kind == AllocationKind.PAYER_SHARE:
            payer_paid[household][(payer, start)] += amount
        else:
            # A user's payment counts for waiting periods from the day it was recorded; the
            # history the system loads (the register's import, the demo) from its own dates.
            recorded_on = local_date(recorded) if recorder is not None else None
            settled[household].append(Settled(received, kind, start, amount, recorded_on))
    states = {}
    for pk, enrolled, resigned, package, revision in rows_in(
        "SELECT h.id, h.enrolled_on, h.resigned_on, h.package_id, p.rules_revision"
        f" FROM {table(Household)} h JOIN {table(BenefitPackage)} p ON p.id = h.package_id"
        " WHERE h.id IN ({})",
        ids,
    ):
        rows = settled[pk]
        last = max((row.period_start for row in rows if row.period_start), default=until)
        facts = facts_of(package, revision, enrolled, resigned, members[pk], rows, max(until, last))
        states[pk] = HouseholdState(pk, package, revision, facts, dict(payer_paid[pk]))
    return states


# Households' facts as worked out last, by everything they are worked out from: the claims
# uploaded day after day name the same households again, and working out their dues and cover
# anew was a third of deciding a claim. About 5.5 KB a household: 110 MB at most; when full, the
# quarter read longest ago is forgotten.
FACTS_KEPT = 20_000
KEPT: dict[tuple[Any, ...], HouseholdFacts] = {}


def facts_of(
    package: int,
    revision: Any,
    enrolled: datetime.date,
    resigned: datetime.date | None,
    members: list[Member],
    settled: list[Settled],
    until: datetime.date,
) -> HouseholdFacts:
    """`rules.household_of` for a household of `package` at its rules' `revision`, whose
    terms it reads, remembered by all it is worked out from: a member who joins or leaves, a
    payment or its reversal, a new revision of the package or a later day make a new key."""
    key = (package, revision, enrolled, resigned, tuple(members), tuple(settled), until)
    found = KEPT.pop(key, None)
    if found is None:
        if len(KEPT) >= FACTS_KEPT:
            for oldest in list(islice(KEPT, FACTS_KEPT // 4)):
                KEPT.pop(oldest, None)
        versions = package_terms(package, revision)
        found = household_of(versions, enrolled, resigned, members, settled, until)
    KEPT[key] = found  # the last read last
    return found


@dataclass(frozen=True)
class Account:
    """A household's contributions at a date: what was due, what was paid, what is owed."""

    household: Household
    state: HouseholdState
    on: datetime.date

    @property
    def dues(self) -> tuple[PeriodDue, ...]:
        return self.state.facts.dues

    @property
    def settlement(self) -> Settlement:
        return self.state.facts.settlement

    @property
    def payer_paid(self) -> dict[tuple[int, datetime.date], int]:
        return self.state.payer_paid

    @property
    def registration_fee(self) -> int:
        facts = self.state.facts
        terms = in_force(facts.versions, facts.enrolled_on)
        return terms.registration_fee if terms else 0

    @property
    def covered_from(self) -> datetime.date | None:
        """The day the head of the household came into cover."""
        facts = self.state.facts
        head = next((m for m in facts.members if m.relationship == Relationship.HEAD), None)
        return facts.cover(head.key).begins if head else None

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
    """The accounts of many households at once, in three queries whatever their number."""
    on = on or timezone.localdate()
    households = list(households)
    states = households_of([h.pk for h in households], until or on)
    return {h.pk: Account(h, states[h.pk], on) for h in households}


def household_account(
    household: Household, on: datetime.date | None = None, until: datetime.date | None = None
) -> Account:
    """The account of a household on `on` (today by default), with dues listed until `until`
    (the same day by default; later to take advance payments)."""
    return accounts_of([household], on, until)[household.pk]


@dataclass
class PayerShare:
    """A third payer's share of one period's contributions in a mutual, over its households."""

    payer_id: int
    period_start: datetime.date
    due: int = 0
    paid: int = 0
    households: int = 0

    @property
    def outstanding(self) -> int:
        return self.due - self.paid


def payer_shares(
    mutual, on: datetime.date | None = None
) -> dict[tuple[int, datetime.date], PayerShare]:
    """Every third payer's share of each period begun by `on` (today by default) in a mutual,
    by payer and period, with what it paid."""
    on = on or timezone.localdate()
    shares: dict[tuple[int, datetime.date], PayerShare] = {}
    for account in accounts_of(Household.objects.filter(mutual=mutual), on).values():
        for due in account.dues:
            if due.period_start > on:
                continue
            for payer_id, amount in due.payers.items():
                if not amount:
                    continue
                key = (payer_id, due.period_start)
                share = shares.setdefault(key, PayerShare(payer_id, due.period_start))
                share.due += amount
                share.paid += account.payer_paid.get(key, 0)
                share.households += 1
    return shares


@dataclass(frozen=True)
class MemberDue:
    """A household's member share of one period begun, and the day it fell due: the period's
    first day, or the household's enrolment when it enrolled during the period."""

    household_id: int
    household_uid: object
    period_start: datetime.date
    amount: int
    falls_due: datetime.date
    period_end: datetime.date


def member_dues(mutual, on: datetime.date) -> dict[tuple[int, datetime.date], MemberDue]:
    """Every household's member share of each period begun by `on` in a mutual, by household
    and period: what its members owe of the period's contribution once the third payers' shares
    (`payer_shares`) are taken out, by the same rules (`rules.household_dues`). Two reads for
    the whole mutual, the register only: what was paid changes no due."""
    members: dict[int, list[Member]] = defaultdict(list)
    for household, key, category, enrolled, left, relationship, birth in (
        Beneficiary.objects.filter(household__mutual=mutual)
        .values_list(
            "household_id",
            "pk",
            "category",
            "enrolled_on",
            "left_on",
            "relationship",
            "birth_date",
        )
        .iterator(chunk_size=10_000)
    ):
        members[household].append(Member(key, category, enrolled, left, relationship, birth))
    found = {}
    for pk, uid, enrolled, resigned, package, revision in (
        Household.objects.filter(mutual=mutual)
        .values_list(
            "pk", "uid", "enrolled_on", "resigned_on", "package_id", "package__rules_revision"
        )
        .iterator(chunk_size=10_000)
    ):
        versions = package_terms(package, revision)
        grid = grid_of(versions, enrolled)
        for due in household_dues(versions, members[pk], enrolled, on, resigned):
            if due.period_start <= on and due.member:
                assert grid is not None  # dues are owed on the household's grid only
                found[pk, due.period_start] = MemberDue(
                    pk,
                    uid,
                    due.period_start,
                    due.member,
                    max(due.period_start, enrolled),
                    grid.end(due.period_start),
                )
    return found


def household_grids(ids: Iterable[int]) -> dict[int, tuple[object, Grid | None]]:
    """The uid and the periods of households (by id), under the package version in force at
    their enrolment."""
    return {
        pk: (uid, grid_of(package_terms(package, revision), enrolled))
        for pk, uid, enrolled, package, revision in Household.objects.filter(
            pk__in=set(ids)
        ).values_list("pk", "uid", "enrolled_on", "package_id", "package__rules_revision")
    }


def payer_receivable(mutual, payer, on: datetime.date | None = None) -> list[PayerShare]:
    """What a third payer owes a mutual, period by period: its share due for the periods begun
    by `on`, what it paid, what is outstanding."""
    shares = payer_shares(mutual, on)
    return [shares[key] for key in sorted(shares) if key[0] == payer.pk]


def coverage_with(
    account: Account, beneficiary: Beneficiary, on: datetime.date, service: str | None = None
) -> Coverage:
    return coverage_at(account.state.facts, beneficiary.pk, on, service)


def coverage_of(
    beneficiary: Beneficiary, on: datetime.date | None = None, service: str | None = None
) -> Coverage:
    """Whether a beneficiary is covered on a date for a service, and every reason why not."""
    on = on or timezone.localdate()
    return coverage_with(household_account(beneficiary.household, on), beneficiary, on, service)


def coverage_by_id(beneficiary_id: int, on: datetime.date, service: str | None = None):
    """`coverage_of` for the point of care, by the beneficiary's id, in plain indexed reads
    (no ORM query building, which would cost more than the reads at national scale). Returns
    None for an unknown beneficiary."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT household_id FROM {Beneficiary._meta.db_table} WHERE id = %s",
            [beneficiary_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    state = households_of([row[0]], on)[row[0]]
    return coverage_at(state.facts, beneficiary_id, on, service)


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
        .select_related("mutual", "household", "payer", "recorded_by", "reverses")
        .prefetch_related(with_heads("household__beneficiaries"))
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
