"""Demo data of contributions: 24 months of payments of every demo household (domain-rules.md §4).

Each household of membership/demo.py pays, at the mutual's counter, its registration fee and the
member share of each period from its enrolment to today, as contributions.rules computes them
(`household_dues` over the package's versions, `allocate_member_payment` for the split: the fee
first, then the periods oldest first). Households behave differently:

- about 70 % pay on time: the fee and first period on the day they enrol, each later period in
  the first three weeks;
- about 20 % pay late more often than not: weeks or months after the period began (past the
  grace period), sometimes in two instalments;
- about 10 % stop paying at some point (half of the households of a dormant mutual): after the
  last period they paid, nothing, or a first instalment only. They are the suspended and lapsed
  households, and a few enrolled households that never paid their first period.
A baby added to a household after its enrolment is paid for when added. Nobody pays after
their household resigned.

Payment methods: cash (about two thirds), mobile money (Wave or Orange Money, with a unique
transaction reference "WAVE…" / "OM…") and, for the households of a package that a microfinance
social fund subsidises, deductions from their savings account ("PRLV…").

Third payers (the State, the departmental council, the social fund) pay their share of each
period with one bank transfer per mutual and period (reference "VIR-…"), allocated to the
households that had paid their own part by then, and a second transfer for those who paid later;
about 20 % of the current period's shares are left unpaid: receivables of the mutual. Each
payer's share of each period begun is recognised as the daily job does it (contributions.daily),
on the period's first day, with its `receivable.recognised` event; so is each household's member
share of each period begun, on the day it fell due (the period's first day, or the household's
enrolment during it), with its `dues.recognised` event.

Receipt numbers are "<year>-<n>" with n counting the mutual's payments in the order they were
received; the mutual's "receipt" Sequence holds the last n. Payments of the demo mutual are
recorded by the demo cashier, the others by nobody in particular (recorded_by empty).

`plan_contributions(rng, register, terms, ...)` decides everything (pure: named tuples, no
database); `write_contributions(plan, ...)` writes payments and allocations with `executemany`
on plain tuples (core.bulk), with primary keys reserved beforehand, and queues each payment's
`payment.recorded` in `demo.events` (core.demo) on the day it was received, built by
contributions.events as save_payment builds it (the demo reverses no payment).

What the generator leaves in `demo.made`:

- ``"contributions"``: the ContributionsPlan (``payments`` in primary-key order, each with its
  allocations; households are indices in the register plan, payers their codes);
- ``"payment_ids"``: the list of primary keys aligned with ``payments``;
- ``"payments_by_mutual"``: dict mutual code → number of payments (= its last receipt number).
"""

import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace
from typing import Any, NamedTuple
from uuid import UUID

from django.utils import timezone

from mutualis.benefits.choices import PayerKind
from mutualis.benefits.demo import BenefitsPlan, demo_today, planned_terms
from mutualis.benefits.terms import Terms
from mutualis.contributions import events
from mutualis.contributions.models import (
    Allocation,
    AllocationKind,
    Due,
    Method,
    Payment,
    Receivable,
)
from mutualis.contributions.rules import (
    Member,
    PeriodDue,
    allocate_member_payment,
    grid_of,
    household_dues,
)
from mutualis.core.bulk import indexes_built_after, insert, reserve_ids, write_cache
from mutualis.core.demo import Demo, EventQueue
from mutualis.core.events import NewEvent
from mutualis.core.ids import new_bulk_uid, new_uid
from mutualis.core.models import NumberSeries as Series
from mutualis.core.periods import in_force, period_start
from mutualis.federation.models import Organisation
from mutualis.membership.demo import RegisterPlan

ON_TIME, LATE, STOPS = "on_time", "late", "stops"
STOP_SHARE = 0.10
DORMANT_STOP_SHARE = 0.50
LATE_SHARE = 0.20
LATE_PERIOD_SHARE = 0.6  # a late payer is late for this share of periods
INSTALMENT_SHARE = 0.3
CASH_SHARE = 0.65
WAVE_SHARE = 0.55  # of mobile-money payments; the rest Orange Money
SAVINGS_SHARE = 0.85  # of the payments of a household whose package is tied to savings
UNPAID_PAYER_SHARE = 0.2  # of the current period's third-payer shares
# in transfer references: packages of different period units may start periods the same day
UNIT_LETTERS = {"year": "A", "semester": "S", "quarter": "T", "month": "M"}

FEE, PERIOD, TOP_UP = 0, 1, 2
REGISTRATION_FEE = AllocationKind.REGISTRATION_FEE.value
CONTRIBUTION = AllocationKind.CONTRIBUTION.value
PAYER_SHARE = AllocationKind.PAYER_SHARE.value
CASH, MOBILE, SAVINGS, TRANSFER = (
    Method.CASH.value,
    Method.MOBILE_MONEY.value,
    Method.SAVINGS.value,
    Method.BANK_TRANSFER.value,
)


class PlannedAllocation(NamedTuple):
    household: int  # index in the register plan
    kind: str
    payer: str | None  # payer code
    period_start: datetime.date | None
    amount: int


class PlannedPayment(NamedTuple):
    mutual: str
    receipt_number: str
    household: int | None  # index in the register plan
    payer: str | None  # payer code
    method: str
    reference: str
    amount: int
    received_on: datetime.date
    minute: int  # of the day it was recorded, local time
    note: str
    allocations: tuple[PlannedAllocation, ...]


class PlannedReceivable(NamedTuple):
    """A third payer's share of a period begun by today, as the daily job recognises it."""

    mutual: str
    payer: str  # payer code
    period_start: datetime.date
    amount: int
    households: int


class PlannedDue(NamedTuple):
    """A household's member share of a period begun by today, as the daily job recognises it."""

    mutual: str
    household: int  # index in the register plan
    period_start: datetime.date
    amount: int
    recognised_on: datetime.date
    period_end: datetime.date


@dataclass(frozen=True)
class ContributionsPlan:
    payments: tuple[PlannedPayment, ...]  # by mutual, then in the order received
    receipts: Mapping[str, int]  # mutual code → last receipt sequence number
    receivables: tuple[PlannedReceivable, ...] = ()
    dues: tuple[PlannedDue, ...] = ()


class References:
    """Transaction references unique in one mutual, as the database requires."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.savings = 0

    def mobile(self, operator: str, day: datetime.date) -> str:
        while True:
            reference = f"{operator}{day:%y%m%d}{self.rng.randrange(10**6):06d}"
            if reference not in self.used:
                self.used.add(reference)
                return reference

    def savings_deduction(self, day: datetime.date) -> str:
        self.savings += 1
        return f"PRLV{day:%y%m%d}{self.savings:06d}"


def instalment(amount: int) -> int:
    """A first instalment: about half, in whole 500 francs."""
    part = max(500, amount // 2 // 500 * 500)
    return min(part, amount)


def plan_household_payments(
    rng: random.Random,
    *,
    index: int,
    enrolled_on: datetime.date,
    resigned_on: datetime.date | None,
    versions: Sequence[Terms],
    members: Sequence[Member],
    dues: Sequence[PeriodDue],
    behaviour: str,
    today: datetime.date,
) -> tuple[list[tuple[int, int, list[PlannedAllocation], int]], list[int | None]]:
    """A household's member payments as (day ordinal, kind of payment, allocations, amount)
    and, for each period of `dues`, the day its member share was settled (None if never)."""
    if not dues:
        return [], []
    first_terms = in_force(versions, enrolled_on)
    fee = first_terms.registration_fee if first_terms else 0
    count = len(dues)
    enrolled = enrolled_on.toordinal()
    starts = [due.period_start for due in dues]
    start_ordinals = [start.toordinal() for start in starts]
    final_member = [due.member for due in dues]
    joined = sorted({m.enrolled_on for m in members if m.enrolled_on > enrolled_on})
    known_by_count: dict[int, list[int]] = {len(members): final_member}

    def known_dues(day: int) -> list[int]:
        """The member shares as the cashier knew them on `day` (before a baby was added)."""
        if not joined:
            return final_member
        date = datetime.date.fromordinal(day)
        present = [m for m in members if m.enrolled_on <= date]
        if len(present) not in known_by_count:
            known_by_count[len(present)] = [
                due.member
                for due in household_dues(versions, present, enrolled_on, today, resigned_on)
            ]
        return known_by_count[len(present)]

    # when each payment is made: (day, kind, period index, whole or first instalment)
    events: list[tuple[int, int, int, bool]] = []
    stop = count
    if behaviour == STOPS:
        stop = rng.randrange(1, count) if count > 1 else 0
        if stop == 0 and rng.random() < 0.5:
            events.append((enrolled, FEE, 0, True))
    for period in range(stop):
        start = max(start_ordinals[period], enrolled)
        late = behaviour == LATE and rng.random() < LATE_PERIOD_SHARE
        if period == 0 and not late:
            day = start if rng.random() < 0.8 else start + rng.randrange(1, 10)
        elif not late:
            day = start + rng.randrange(21)
        else:
            if period == 0:
                events.append((enrolled, FEE, 0, True))
            day = start + rng.randrange(35, 150)
            if rng.random() < INSTALMENT_SHARE:
                events.append((day, PERIOD, period, False))
                day += rng.randrange(15, 60)
        events.append((day, PERIOD, period, True))
    if behaviour == STOPS and 0 < stop < count and rng.random() < INSTALMENT_SHARE:
        events.append((start_ordinals[stop] + rng.randrange(10, 90), PERIOD, stop, False))
    if behaviour != STOPS:
        for date in joined:
            events.append((date.toordinal() + rng.randrange(8), TOP_UP, 0, True))
    events.sort()

    last_day = today.toordinal()
    if resigned_on is not None:
        last_day = min(last_day, resigned_on.toordinal() - 1)
    fee_paid = 0
    fee_settled: int | None = None if fee else enrolled
    paid = [0] * count
    settled: list[int | None] = [None] * count
    payments = []
    for day, kind, period, whole in events:
        if day > last_day:
            continue
        known = known_dues(day)
        fee_outstanding = max(fee - fee_paid, 0)
        if kind == FEE:
            upto = -1
        elif kind == PERIOD:
            upto = period
        else:
            upto = max(i for i in range(count) if start_ordinals[i] <= day)
        outstanding = [(starts[i], max(known[i] - paid[i], 0)) for i in range(upto + 1)]
        full = fee_outstanding + sum(owed for _start, owed in outstanding)
        if full == 0:
            continue
        amount = full if whole else instalment(full)
        parts = allocate_member_payment(amount, fee_outstanding, outstanding)
        allocations = []
        for part_kind, start, part in parts:
            if part_kind == REGISTRATION_FEE:
                fee_paid += part
                if fee_paid >= fee and fee_settled is None:
                    fee_settled = day
            else:
                i = starts.index(start)
                paid[i] += part
                if paid[i] >= final_member[i] and settled[i] is None:
                    settled[i] = day
            allocations.append(PlannedAllocation(index, part_kind, None, start, part))
        payments.append((day, kind, allocations, amount))
    # a period whose member share is nil (the indigent) is settled once the fee is
    for i in range(count):
        if final_member[i] == 0 and fee_settled is not None:
            settled[i] = max(fee_settled, start_ordinals[i])
    return payments, settled


class DuesBook:
    """household_dues, computed once for the many households that share their package,
    enrolment day and members (categories, enrolment and departure days)."""

    def __init__(self, terms: Mapping[str, Sequence[Terms]], today: datetime.date):
        self.terms = terms
        self.today = today
        self.known: dict[tuple, list[PeriodDue]] = {}

    def dues(
        self,
        package: str,
        members: Sequence[Member],
        enrolled_on: datetime.date,
        resigned_on: datetime.date | None,
    ) -> list[PeriodDue]:
        key = (
            package,
            enrolled_on,
            resigned_on,
            tuple(
                sorted(
                    (
                        m.category,
                        m.enrolled_on,
                        m.left_on or datetime.date.max,
                        m.relationship,
                        m.birth_date,
                    )
                    for m in members
                )
            ),
        )
        if key not in self.known:
            self.known[key] = household_dues(
                self.terms[package], members, enrolled_on, self.today, resigned_on
            )
        return self.known[key]


def plan_contributions(
    rng: random.Random,
    register: RegisterPlan,
    terms: Mapping[str, Sequence[Terms]],
    today: datetime.date,
    *,
    savings_packages: frozenset[str] = frozenset(),
    dormant_mutuals: frozenset[str] = frozenset(),
    payer_names: Mapping[str, str] | None = None,
) -> ContributionsPlan:
    """Every payment of the demo, decided from `rng` alone: same seed, same plan."""
    payer_names = payer_names or {}
    today_ordinal = today.toordinal()
    members_of: list[list[Member]] = [[] for _ in register.households]
    for key, person in enumerate(register.beneficiaries):
        members_of[person.household].append(
            Member(
                key,
                person.category,
                person.enrolled_on,
                person.left_on,
                person.relationship,
                person.birth_date,
            )
        )
    units = {code: versions[0].period for code, versions in terms.items()}

    payments: list[PlannedPayment] = []
    receipts: dict[str, int] = {}
    recognised: list[PlannedReceivable] = []
    members_owe: list[PlannedDue] = []
    book = DuesBook(terms, today)
    first = 0
    households = register.households
    while first < len(households):
        code = households[first].mutual
        last = first
        while last < len(households) and households[last].mutual == code:
            last += 1
        mine: list[tuple[int, int, PlannedPayment]] = []  # (day, order, payment)
        references = References(rng)
        stop_share = DORMANT_STOP_SHARE if code in dormant_mutuals else STOP_SHARE
        # (payer, unit, period start) → [(household, amount, day the member part was settled)]
        receivables: dict[tuple[str, str, datetime.date], list] = {}
        for index in range(first, last):
            household = households[index]
            draw = rng.random()
            behaviour = (
                STOPS if draw < stop_share else LATE if draw < stop_share + LATE_SHARE else ON_TIME
            )
            savings = household.package in savings_packages
            prefers_cash = rng.random() < CASH_SHARE
            operator = "WAVE" if rng.random() < WAVE_SHARE else "OM"
            dues = book.dues(
                household.package, members_of[index], household.enrolled_on, household.resigned_on
            )
            made, settled = plan_household_payments(
                rng,
                index=index,
                enrolled_on=household.enrolled_on,
                resigned_on=household.resigned_on,
                versions=terms[household.package],
                dues=dues,
                members=members_of[index],
                behaviour=behaviour,
                today=today,
            )
            for day, kind, allocations, amount in made:
                received_on = datetime.date.fromordinal(day)
                if savings:
                    method = SAVINGS if rng.random() < SAVINGS_SHARE else CASH
                else:
                    cash = prefers_cash if rng.random() < 0.85 else not prefers_cash
                    method = CASH if cash else MOBILE
                reference = (
                    references.mobile(operator, received_on)
                    if method == MOBILE
                    else references.savings_deduction(received_on)
                    if method == SAVINGS
                    else ""
                )
                note = "Ajout d'un bénéficiaire" if kind == TOP_UP else ""
                mine.append(
                    (
                        day,
                        len(mine),
                        PlannedPayment(
                            code,
                            "",
                            index,
                            None,
                            method,
                            reference,
                            amount,
                            received_on,
                            8 * 60 + rng.randrange(10 * 60),
                            note,
                            tuple(allocations),
                        ),
                    )
                )
            grid = grid_of(terms[household.package], household.enrolled_on)
            members_owe.extend(
                PlannedDue(
                    code,
                    index,
                    due.period_start,
                    due.member,
                    max(due.period_start, household.enrolled_on),
                    grid.end(due.period_start),
                )
                for due in dues
                if grid is not None and due.period_start <= today and due.member
            )
            unit = units[household.package]
            for due, day in zip(dues, settled, strict=True):
                for payer, amount in due.payers.items():
                    receivables.setdefault((payer, unit, due.period_start), []).append(
                        (index, amount, day)
                    )

        shares: dict[tuple[str, datetime.date], list[int]] = {}
        for (payer, _unit, start), owed in receivables.items():
            if start <= today:
                share = shares.setdefault((payer, start), [0, 0])
                share[0] += sum(amount for _index, amount, _day in owed)
                share[1] += len(owed)
        recognised.extend(
            PlannedReceivable(code, payer, start, amount, households)
            for (payer, start), (amount, households) in sorted(shares.items())
            if amount
        )
        for (payer, unit, start), owed in sorted(receivables.items()):
            current = start == period_start(today, unit)
            paid_on = min(today_ordinal, start.toordinal() + rng.randrange(45, 200))
            later_on = paid_on + rng.randrange(120, 240)
            main, complement = [], []
            for index, amount, day in owed:
                if current and rng.random() < UNPAID_PAYER_SHARE:
                    continue
                if day is not None and day <= paid_on:
                    main.append(PlannedAllocation(index, PAYER_SHARE, payer, start, amount))
                elif day is not None and day <= later_on <= today_ordinal:
                    complement.append(PlannedAllocation(index, PAYER_SHARE, payer, start, amount))
            for number, (day, allocations) in enumerate(
                ((paid_on, main), (later_on, complement)), start=1
            ):
                if not allocations:
                    continue
                received_on = datetime.date.fromordinal(day)
                mine.append(
                    (
                        day,
                        len(mine),
                        PlannedPayment(
                            code,
                            "",
                            None,
                            payer,
                            TRANSFER,
                            f"VIR-{payer}-{code}-{start:%Y%m}{UNIT_LETTERS[unit]}{number}",
                            sum(a.amount for a in allocations),
                            received_on,
                            9 * 60 + rng.randrange(8 * 60),
                            f"{payer_names.get(payer, payer)} : part de la période du "
                            f"{start:%d/%m/%Y}",
                            tuple(allocations),
                        ),
                    )
                )

        mine.sort(key=lambda item: item[:2])
        for number, (_day, _order, payment) in enumerate(mine, start=1):
            payments.append(
                payment._replace(receipt_number=f"{payment.received_on.year}-{number:06d}")
            )
        receipts[code] = len(mine)
        first = last
    return ContributionsPlan(tuple(payments), receipts, tuple(recognised), tuple(members_owe))


class PaymentEvents:
    """The `payment.recorded` event of each payment written, as save_payment builds it
    (contributions.events) from the payment and its allocations."""

    def __init__(
        self,
        plan: ContributionsPlan,
        payment_uids: Sequence[UUID],
        household_ids: Sequence[int],
        household_uids: Sequence[UUID],
        payer_ids: Mapping[str, int],
        payer_uids: Mapping[str, UUID],
    ):
        self.plan = plan
        self.payment_uids = payment_uids
        self.household_ids = household_ids
        self.payer_ids = payer_ids
        self.households = dict(zip(household_ids, household_uids, strict=True))
        self.payers = {payer_ids[code]: uid for code, uid in payer_uids.items()}

    def event(self, offset: int) -> NewEvent:
        payment = self.plan.payments[offset]
        row = SimpleNamespace(
            uid=self.payment_uids[offset],
            receipt_number=payment.receipt_number,
            household_id=(
                None if payment.household is None else self.household_ids[payment.household]
            ),
            payer_id=None if payment.payer is None else self.payer_ids[payment.payer],
            method=payment.method,
            reference=payment.reference,
            received_on=payment.received_on,
            amount=payment.amount,
            reverses_id=None,
        )
        allocations = [
            SimpleNamespace(
                kind=allocation.kind,
                household_id=self.household_ids[allocation.household],
                payer_id=None if allocation.payer is None else self.payer_ids[allocation.payer],
                period_start=allocation.period_start,
                amount=allocation.amount,
            )
            for allocation in payment.allocations
        ]
        return events.payment_from(row, allocations, households=self.households, payers=self.payers)


def write_contributions(
    plan: ContributionsPlan,
    *,
    mutuals: Mapping[str, Organisation],
    household_ids: Sequence[int],
    household_uids: Sequence[UUID],
    payers: Mapping[str, Any],
    recorders: Mapping[str, Any],
    queue: EventQueue,
) -> dict[str, Any]:
    """Writes the plan, queues each payment's `payment.recorded` in its mutual's log on the day
    it was received, and returns the handles documented at the top of this module. `payers`:
    payer code → Payer; `recorders`: mutual code → the user who records its payments."""
    payer_ids = {code: payer.pk for code, payer in payers.items()}
    zone = timezone.get_current_timezone()
    now = timezone.now()  # a payment received today was not recorded later than now
    payment_ids = reserve_ids(Payment, len(plan.payments))
    payment_fields = [
        "id",
        "uid",
        "mutual",
        "receipt_number",
        "household",
        "payer",
        "method",
        "reference",
        "amount",
        "received_on",
        "recorded_at",
        "recorded_by",
        "note",
    ]
    allocation_fields = [
        "uid",
        "mutual",
        "payment",
        "household",
        "kind",
        "payer",
        "period_start",
        "amount",
    ]
    allocation_count = 0
    mutual_ids = {code: mutual.pk for code, mutual in mutuals.items()}
    recorder_ids = {code: user.pk for code, user in recorders.items()}
    payment_uids: list[UUID] = []
    payment_rows: list[tuple] = []
    allocation_rows: list[tuple] = []

    def flush() -> None:
        nonlocal allocation_count
        insert(Payment, payment_fields, payment_rows)
        allocation_count += insert(Allocation, allocation_fields, allocation_rows)
        payment_rows.clear()
        allocation_rows.clear()

    with write_cache(), indexes_built_after(Payment._meta.db_table, Allocation._meta.db_table):
        for offset, payment in enumerate(plan.payments):
            pk = payment_ids[offset]
            mutual_id = mutual_ids[payment.mutual]
            recorded_at = min(
                now,
                datetime.datetime.combine(
                    payment.received_on,
                    datetime.time(payment.minute // 60, payment.minute % 60),
                    tzinfo=zone,
                ),
            )
            uid = new_uid()
            payment_uids.append(uid)
            payment_rows.append(
                (
                    pk,
                    uid,
                    mutual_id,
                    payment.receipt_number,
                    None if payment.household is None else household_ids[payment.household],
                    None if payment.payer is None else payer_ids[payment.payer],
                    payment.method,
                    payment.reference,
                    payment.amount,
                    payment.received_on,
                    recorded_at,
                    recorder_ids.get(payment.mutual),
                    payment.note,
                )
            )
            for allocation in payment.allocations:
                allocation_rows.append(
                    (
                        new_uid(),
                        mutual_id,
                        pk,
                        household_ids[allocation.household],
                        allocation.kind,
                        None if allocation.payer is None else payer_ids[allocation.payer],
                        allocation.period_start,
                        allocation.amount,
                    )
                )
            if len(allocation_rows) >= 50_000:
                flush()
        flush()
    Series.objects.bulk_create(
        Series(organisation_id=mutual_ids[code], name="receipt", last_value=last)
        for code, last in plan.receipts.items()
    )
    logged = PaymentEvents(
        plan,
        payment_uids,
        household_ids,
        household_uids,
        payer_ids,
        {code: payer.uid for code, payer in payers.items()},
    )
    for offset, payment in enumerate(plan.payments):
        queue.add(
            mutual_ids[payment.mutual],
            payment.received_on,
            partial(logged.event, offset),
            recorders.get(payment.mutual),
        )
    write_receivables(plan, mutual_ids, payers, queue)
    write_dues(plan, mutual_ids, household_ids, household_uids, queue)
    return {
        "contributions": plan,
        "payment_ids": payment_ids,
        "payments_by_mutual": dict(plan.receipts),
        "allocation_count": allocation_count,
    }


def write_receivables(
    plan: ContributionsPlan,
    mutual_ids: Mapping[str, int],
    payers: Mapping[str, Any],
    queue: EventQueue,
) -> None:
    """Writes each third payer's share of the periods begun as the daily job would have
    recognised it on the period's first day (contributions.daily), with its event."""
    rows = [
        Receivable(
            uid=new_uid(),
            mutual_id=mutual_ids[planned.mutual],
            payer_id=payers[planned.payer].pk,
            period_start=planned.period_start,
            amount=planned.amount,
            households=planned.households,
            recognised_on=planned.period_start,
        )
        for planned in plan.receivables
    ]
    Receivable.objects.bulk_create(rows, batch_size=2000)
    uids = {payer.pk: payer.uid for payer in payers.values()}
    for row in rows:
        queue.add(row.mutual_id, row.period_start, events.receivable_from(row, uids[row.payer_id]))


class DueRow(NamedTuple):
    """A row of `Due` as written in bulk, and as `events.due_from` reads it."""

    uid: Any
    mutual_id: int
    household_id: int
    period_start: datetime.date
    amount: int
    recognised_on: datetime.date


def write_dues(
    plan: ContributionsPlan,
    mutual_ids: Mapping[str, int],
    household_ids: Sequence[int],
    household_uids: Sequence[UUID],
    queue: EventQueue,
) -> None:
    """Writes each household's member share of the periods begun as the daily job would have
    recognised it on the day it fell due (contributions.daily), with its event. In bulk: a
    national demo has a row for every household and period."""
    rows = [
        DueRow(
            new_bulk_uid(),
            mutual_ids[planned.mutual],
            household_ids[planned.household],
            planned.period_start,
            planned.amount,
            planned.recognised_on,
        )
        for planned in plan.dues
    ]
    now = timezone.now()
    insert(
        Due,
        ["uid", "mutual", "household", "period_start", "amount", "recognised_on", "recorded_at"],
        ((*row, now) for row in rows),
    )
    uids = dict(zip(household_ids, household_uids, strict=True))
    for row, planned in zip(rows, plan.dues, strict=True):
        queue.add(
            row.mutual_id,
            row.recognised_on,
            events.due_from(row, uids[row.household_id], planned.period_end),
        )


def demo_terms(benefits: BenefitsPlan) -> dict[str, tuple[Terms, ...]]:
    return {
        package.code: tuple(planned_terms(version) for version in package.versions)
        for package in benefits.packages
    }


def savings_packages(benefits: BenefitsPlan) -> frozenset[str]:
    """Packages subsidised by a microfinance social fund: their members pay from savings."""
    funds = {p.code for p in benefits.payers if p.kind == PayerKind.MFI_SOCIAL_FUND}
    return frozenset(
        package.code
        for package in benefits.packages
        if any(code in funds for version in package.versions for code, _c, _p in version.subsidies)
    )


# --- the demo protocol (core/demo.py) ---------------------------------------------------------


def add_arguments(parser) -> None:
    """Payments follow the register: no option."""


def has_data() -> bool:
    return Payment.objects.exists()


def generate(demo: Demo) -> None:
    today = demo_today(demo)
    benefits: BenefitsPlan = demo.made["benefits"]
    mutuals = demo.made["mutuals"]
    plan = plan_contributions(
        demo.rng,
        demo.made["register"],
        demo_terms(benefits),
        today,
        savings_packages=savings_packages(benefits),
        dormant_mutuals=frozenset(
            m.code for m in mutuals if m.status == Organisation.Status.DORMANT
        ),
        payer_names={payer.code: payer.name for payer in benefits.payers},
    )
    cashier = demo.made.get("users", {}).get("cashier")
    recorders = {cashier.organisation.code: cashier} if cashier else {}
    made = write_contributions(
        plan,
        mutuals={mutual.code: mutual for mutual in mutuals},
        household_ids=demo.made["household_ids"],
        household_uids=demo.made["household_uids"],
        payers=demo.made["payers"],
        recorders=recorders,
        queue=demo.events,
    )
    demo.made.update(made)
    demo.log(
        f"Contributions: {len(plan.payments)} payments, {made['allocation_count']} allocations."
    )
