"""What a household owes, what its payments settled and when, and who it covers on a date: pure
functions over plain data (domain-rules.md §2–4; issue 10's rules, numbered as there).

**Dues.** A household owes, for each period from the one of its enrolment, one line per
beneficiary active in the period at the amount of their category (or one line for the
household, as the package says). Third payers take their share of each line by its category
(rule 6: a household line by the head's category, so that the State pays 100 % for an indigent
household); the share is rounded once and the member share is the remainder, so that the parts
always add up to the line (design-rules.md rule 2).
- Rule 5, the first period: on a package whose periods follow the calendar, a household that
  enrols during a period owes the days left of it (each line prorated by days and rounded once,
  half up); on a package whose periods follow each household's enrolment, the first period is
  whole.
- Rule 3, a dependant added later: owes nothing for the period they join in, or the days left of
  it (the package says), then whole periods. Lines are kept in the order the beneficiaries joined,
  so that a period the household had paid stays paid for those who were in it.
- Rule 4, dues follow the people covered: a child who has reached the package's age limit when a
  period starts is billed as an adult dependant if the package allows it, otherwise no more; a
  beneficiary who left is billed for the period they left in and not after.

**Settlement.** A member's payment settles, oldest first, the registration fee then the member
share of each period. Within a period, a beneficiary's share is *settled* on the day the money
received for the period reaches the shares of everyone who joined before them and their own
(the household's line, on a package priced per household); a share that nobody owes (fully
subsidised) is settled from the period's start. Third payers' shares are receivables of the
mutual: they never hold up a member's cover.

**Cover** (`Cover`, `coverage_at`). Each beneficiary has their own cover (rule 2):
- it starts on the day their registration fee and the share of their first period (the one they
  joined in) are both settled, and never before they joined; their waiting period counts from
  that day (the newborn of a covered member has none where the package says so);
- money received on day P covers care from P, never before (rule 1): in each later period, cover
  runs from the day the beneficiary's share is settled; a share still unpaid when the period
  starts leaves a grace period from the period's start, if the period before was covered to its
  end; a share settled after the grace period ends a suspension, and care is covered again from
  its payment (after the package's waiting period after a suspension, if it sets one, counted
  from the day the money was recorded; a waiting period under way runs its course into the
  periods paid from their first day, whatever their terms; a period paid only after it ended
  resumes nothing, so paying arrears never delays the cover of a period paid already);
- a back-dated payment counts from the day the money was received, but a waiting period counts
  from the day it was recorded, so that recording it late never shortens one.
"""

import datetime
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, TypeVar

from mutualis.benefits.choices import Category, NewcomerBilling, PeriodAnchor, Relationship
from mutualis.benefits.terms import Terms
from mutualis.contributions.choices import Reason, Status
from mutualis.core.money import allocate_in_order
from mutualis.core.periods import Grid, in_force
from mutualis.membership.rules import birthday

DAY = datetime.timedelta(days=1)
CHILD = Relationship.CHILD.value  # a plain string: read for every member of every period
# A child enrolled within this many days of their birth is a newborn (rule 2's exemption).
NEWBORN_DAYS = 90
# After a year without paying, a household is no longer "suspended" but "lapsed": unions count
# it out of their active membership (domain-rules.md §4, enrolled vs up to date).
LAPSE_AFTER_DAYS = 365
# What a receivable is known by (a household and a period).
K = TypeVar("K")


# --- the facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A beneficiary as contributions and cover see them; `key` is their id."""

    key: int
    category: str
    enrolled_on: datetime.date
    left_on: datetime.date | None = None
    relationship: str = Relationship.HEAD
    birth_date: datetime.date | None = None

    @property
    def order(self) -> tuple[datetime.date, int]:
        return (self.enrolled_on, self.key)

    def active_during(self, start: datetime.date, end: datetime.date) -> bool:
        return self.enrolled_on <= end and (self.left_on is None or self.left_on > start)


class Settled(NamedTuple):
    """One allocation of a member payment, as it counts for settlement: when the money was
    received, and when it was recorded (later for a back-dated payment)."""

    received_on: datetime.date
    kind: str  # "registration_fee" or "contribution"
    period_start: datetime.date | None
    amount: int
    recorded_on: datetime.date | None = None

    @property
    def counted_from(self) -> datetime.date:
        """The day a waiting period counts from: never before the payment was recorded."""
        return max(self.received_on, self.recorded_on or self.received_on)


class Paid(NamedTuple):
    """When a due was settled: the day the money was received, and the day a waiting period
    counts from."""

    on: datetime.date
    counted_from: datetime.date


def grid_of(versions: Sequence[Terms], enrolled_on: datetime.date) -> Grid | None:
    """A household's periods, under the version in force at its enrolment. All versions of a
    package share its period and where periods start (benefits.services refuses a change)."""
    terms = in_force(versions, enrolled_on)
    if terms is None:
        return None
    anchor = enrolled_on if terms.period_anchor == PeriodAnchor.ANNIVERSARY else None
    return Grid(terms.period, anchor)


def aged_out_from(member: Member, terms: Terms, grid: Grid) -> datetime.date | None:
    """The first day of the first period that starts once a child has reached the age limit."""
    if member.relationship != Relationship.CHILD or member.birth_date is None:
        return None
    limit = birthday(member.birth_date, terms.child_age_limit)
    start = grid.start(limit)
    return start if start == limit else grid.shift(start)


# --- dues -------------------------------------------------------------------------------------


class Line(NamedTuple):
    """What one beneficiary (`key`), or the household (`key` None), owes for one period."""

    key: int | None
    member: int
    payers: Mapping[int, int]

    @property
    def total(self) -> int:
        return self.member + sum(self.payers.values())


@dataclass(frozen=True)
class PeriodDue:
    period_start: datetime.date
    lines: tuple[Line, ...]

    @property
    def member(self) -> int:
        return sum(line.member for line in self.lines)

    @property
    def payers(self) -> dict[int, int]:
        parts: dict[int, int] = defaultdict(int)
        for line in self.lines:
            for payer, amount in line.payers.items():
                parts[payer] += amount
        return dict(parts)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


def prorated(amount: int, start: datetime.date, end: datetime.date, joined: datetime.date) -> int:
    """`amount` for the days of [start, end] from `joined`, rounded once, half up."""
    if joined <= start:
        return amount
    days, left = (end - start).days + 1, (end - joined).days + 1
    return (2 * amount * left + days) // (2 * days)


def line_of(terms: Terms, key: int | None, amount: int, category: str) -> Line:
    member, payers = terms.parts(amount, category)
    return Line(key, member, payers)


def period_due(
    terms: Terms,
    members: Iterable[Member],
    start: datetime.date,
    grid: Grid,
    household_enrolled: datetime.date,
    end: datetime.date | None = None,
) -> PeriodDue:
    """What a household owes for the period beginning on `start` (and ending on `end`, when
    the caller knows it), line by line."""
    end = end or grid.end(start)
    active = sorted((m for m in members if m.active_during(start, end)), key=lambda m: m.order)
    if not active:
        return PeriodDue(start, ())
    if terms.per_household:
        head = next((m for m in active if m.relationship == Relationship.HEAD), active[0])
        amount = prorated(terms.contribution, start, end, household_enrolled)
        return PeriodDue(start, (line_of(terms, None, amount, head.category),))
    lines = []
    for member in active:
        category = member.category
        aged_out = aged_out_from(member, terms, grid) if member.relationship == CHILD else None
        if aged_out is not None and aged_out <= start:
            if not terms.adult_dependants_allowed:
                continue
            if category == Category.CHILD:
                category = Category.ADULT
        joined = max(member.enrolled_on, household_enrolled)
        newcomer = member.enrolled_on > household_enrolled and joined > start
        if newcomer and terms.newcomer_billing == NewcomerBilling.NEXT_PERIOD:
            continue
        amount = prorated(terms.amount_for(category), start, end, joined)
        lines.append(line_of(terms, member.key, amount, category))
    return PeriodDue(start, tuple(lines))


def household_dues(
    versions: Sequence[Terms],
    members: Sequence[Member],
    enrolled_on: datetime.date,
    until: datetime.date,
    resigned_on: datetime.date | None = None,
) -> list[PeriodDue]:
    """The dues of every period from the household's enrolment to the one containing `until`
    (or the last before its resignation), each under the package version in force when the
    period begins (or at enrolment, for the first period)."""
    grid = grid_of(versions, enrolled_on)
    last = until if resigned_on is None else min(until, resigned_on - DAY)
    if grid is None or last < enrolled_on:
        return []  # no package at enrolment; or nothing is due yet, or it resigned on the day
    first_terms = in_force(versions, enrolled_on)
    assert first_terms is not None  # what grid_of found the household's periods by
    starts = list(grid.starts(enrolled_on, last))
    ends = [following - DAY for following in starts[1:]] + [grid.end(starts[-1])]
    return [
        period_due(
            in_force(versions, max(start, enrolled_on)) or first_terms,
            members,
            start,
            grid,
            enrolled_on,
            end,
        )
        for start, end in zip(starts, ends, strict=True)
    ]


# --- settlement -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    """What a household's member payments have settled, and when."""

    fee_paid: int
    fee_settled: Paid | None
    paid_by_period: Mapping[datetime.date, int]
    # for each period, when the first 1, 2, … lines were all settled (None: not yet)
    lines_settled: Mapping[datetime.date, tuple[Paid | None, ...]]

    @cached_property
    def paid_periods(self) -> frozenset[datetime.date]:
        """The periods whose every line is settled."""
        return frozenset(
            start
            for start, settled in self.lines_settled.items()
            if not settled or settled[-1] is not None
        )


def reached_on(
    thresholds: Sequence[int], amounts: Sequence[tuple[datetime.date, int]]
) -> list[datetime.date | None]:
    """For each threshold, the day the running total of `amounts` (day, amount), taken in the
    order of their days, last reached it and stayed: None if it ends below."""
    reached: list[datetime.date | None] = [None] * len(thresholds)
    total = 0
    for day, amount in sorted(amounts, key=lambda entry: entry[0]):
        before, total = total, total + amount
        for index, threshold in enumerate(thresholds):
            if before < threshold <= total:
                reached[index] = day
            elif total < threshold:
                reached[index] = None
    return reached


def crossings(
    thresholds: Sequence[int], allocations: Sequence[Settled], start: datetime.date
) -> tuple[Paid | None, ...]:
    """For each threshold, when the money of `allocations` reached it: the day it was received,
    and the day it was all recorded (a waiting period counts from then: recording money late
    never shortens one). None if it ends below; a nil threshold is reached at `start`."""
    received = reached_on(thresholds, [(a.received_on, a.amount) for a in allocations])
    if all(a.counted_from == a.received_on for a in allocations):
        recorded = received  # nothing back-dated: the common case, read once
    else:
        recorded = reached_on(thresholds, [(a.counted_from, a.amount) for a in allocations])
    found: list[Paid | None] = []
    for threshold, on, counted in zip(thresholds, received, recorded, strict=True):
        if threshold <= 0:
            found.append(Paid(start, start))
        elif on is None or counted is None:
            found.append(None)
        else:
            found.append(Paid(on, max(on, counted)))
    return tuple(found)


def settlement(
    dues: Sequence[PeriodDue], registration_fee: int, allocations: Iterable[Settled]
) -> Settlement:
    """Which dues are settled, and on which day (see the module's docstring)."""
    ordered = sorted(allocations, key=lambda a: (a.received_on, a.counted_from))
    fee_rows = [a for a in ordered if a.kind == "registration_fee"]
    (fee_settled,) = crossings([registration_fee], fee_rows, datetime.date.min)
    by_period: dict[datetime.date, list[Settled]] = defaultdict(list)
    for allocation in ordered:
        if allocation.kind != "registration_fee" and allocation.period_start is not None:
            by_period[allocation.period_start].append(allocation)
    lines_settled = {}
    for due in dues:
        thresholds, running = [], 0
        for line in due.lines:
            running += line.member
            thresholds.append(running)
        lines_settled[due.period_start] = crossings(
            thresholds, by_period.get(due.period_start, ()), due.period_start
        )
    return Settlement(
        sum(a.amount for a in fee_rows),
        fee_settled,
        {start: sum(a.amount for a in rows) for start, rows in by_period.items()},
        lines_settled,
    )


class Overpayment(ValueError):
    """A payment larger than everything it may settle."""

    def __init__(self, most: int):
        super().__init__(most)
        self.most = most


def allocate_member_payment(
    amount: int, fee_outstanding: int, outstanding: Sequence[tuple[datetime.date, int]]
) -> list[tuple[str, datetime.date | None, int]]:
    """Splits a member's payment: the registration fee first, then each period's outstanding
    member share, oldest first. Raises Overpayment (with the most that can be taken) when the
    amount exceeds all of them: the cashier takes no money the mutual cannot account for."""
    most = fee_outstanding + sum(due for _start, due in outstanding)
    if amount > most:
        raise Overpayment(most)
    parts = allocate_in_order(amount, [fee_outstanding, *[due for _start, due in outstanding]])
    result: list[tuple[str, datetime.date | None, int]] = []
    if parts[0]:
        result.append(("registration_fee", None, parts[0]))
    for (start, _due), part in zip(outstanding, parts[1:], strict=True):
        if part:
            result.append(("contribution", start, part))
    return result


def allocate_payer_payment(
    amount: int, outstanding: Sequence[tuple[K, int]]
) -> list[tuple[K, int]]:
    """Splits a third payer's payment over its receivables (any keys: household and period),
    in the order given; raises Overpayment when the amount exceeds them all."""
    most = sum(due for _key, due in outstanding)
    if amount > most:
        raise Overpayment(most)
    parts = allocate_in_order(amount, [due for _key, due in outstanding])
    return [(key, part) for (key, _due), part in zip(outstanding, parts, strict=True) if part]


# --- cover ------------------------------------------------------------------------------------


class Because(NamedTuple):
    reason: str
    date: datetime.date | None = None

    def __str__(self) -> str:
        return self.text(datetime.date.isoformat)

    def text(self, write_date: Callable[[datetime.date], str]) -> str:
        """The reason as a sentence, its date written by `write_date`: ISO in the API's and
        FHIR's messages, the reader's own format on pages (the `reason` template filter)."""
        label = Reason(self.reason).label
        return str(label) % {"date": write_date(self.date) if self.date else ""}


class Coverage(NamedTuple):
    covered: bool
    reasons: tuple[Because, ...]
    # the last day covered if nothing more is paid; a day of grace when `grace_until` is set
    covered_until: datetime.date | None = None
    grace_until: datetime.date | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(because.reason for because in self.reasons)


class Span(NamedTuple):
    """Days of one beneficiary's cover by their contributions, from `first` to `last`;
    `grace` when no share of the period was settled yet."""

    first: datetime.date
    last: datetime.date
    grace: bool = False


class Gap(NamedTuple):
    """Days without cover: contributions unpaid, or the waiting period after a suspension
    (`resumes` the day cover starts again)."""

    first: datetime.date
    last: datetime.date
    resumes: datetime.date | None = None


@dataclass(frozen=True)
class Cover:
    """One beneficiary's cover by their contributions: when it began (None: never), the day
    their waiting period counts from, and the spans and gaps after."""

    member: Member
    joined: datetime.date
    begins: datetime.date | None
    waits_from: datetime.date | None
    waiting_exempt: bool
    spans: tuple[Span, ...]
    gaps: tuple[Gap, ...]

    def span_on(self, day: datetime.date) -> Span | None:
        for span in self.spans:
            if span.first <= day <= span.last:
                return span
        return None

    def gap_on(self, day: datetime.date) -> Gap | None:
        for gap in self.gaps:
            if gap.first <= day <= gap.last:
                return gap
        return None

    def covered_until(self, day: datetime.date) -> datetime.date:
        """The last day of the run of spans that holds `day`."""
        last = day
        for span in self.spans:
            if span.first <= last + DAY and span.last >= last:
                last = span.last
        return last


@dataclass(frozen=True)
class Household:
    """Everything cover needs of a household, read once: its package's versions, its members
    and what its member payments settled."""

    enrolled_on: datetime.date
    resigned_on: datetime.date | None
    versions: tuple[Terms, ...]
    members: tuple[Member, ...]
    dues: tuple[PeriodDue, ...]
    settlement: Settlement
    # worked out once, and what the rules remember of this household as they read it: plain
    # fields rather than cached properties, whose first reading takes a lock, as each of the
    # tens of thousands of households of a batch would
    grid: Grid | None = field(init=False, repr=False, compare=False)
    by_key: dict[int, Member] = field(init=False, repr=False, compare=False)
    # for each period, the order of its lines' beneficiaries (a household's line first)
    line_orders: dict[datetime.date, list[tuple[datetime.date, int]]] = field(
        init=False, repr=False, compare=False
    )
    _aged_out: dict[tuple[int, int], datetime.date | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _covers: dict[int, "Cover"] = field(default_factory=dict, init=False, repr=False, compare=False)
    _starts: dict[datetime.date, tuple[datetime.date, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _walks: dict[
        tuple[datetime.date, tuple[Paid | None, ...]], tuple[tuple[Span, ...], tuple[Gap, ...]]
    ] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        orders: dict[int | None, tuple[datetime.date, int]] = {
            member.key: (member.enrolled_on, member.key) for member in self.members
        }
        orders[None] = (datetime.date.min, -1)
        lines = {due.period_start: [orders[line.key] for line in due.lines] for due in self.dues}
        object.__setattr__(self, "grid", grid_of(self.versions, self.enrolled_on))
        object.__setattr__(self, "by_key", {member.key: member for member in self.members})
        object.__setattr__(self, "line_orders", lines)

    def share_settled(self, member: Member, start: datetime.date) -> Paid | None:
        """When `member`'s share of the period starting on `start` was settled, with the shares
        of everyone before them (see the module's docstring)."""
        orders = self.line_orders.get(start)
        if orders is None:
            return None
        before = bisect_right(orders, member.order)
        if before == 0:
            return Paid(start, start)
        return self.settlement.lines_settled[start][before - 1]

    def unpaid_since(self, member: Member, on: datetime.date) -> datetime.date:
        """The first day of the run of periods whose share `member` still owed on `on`, back
        to the period they joined in: what "unpaid since" and a household's lapse count from."""
        grid = self.grid
        assert grid is not None  # asked of a household with a package (coverage_at)
        first = grid.start(max(self.enrolled_on, member.enrolled_on))
        since = grid.start(on)
        while since > first:
            before = grid.shift(since, -1)
            paid = self.share_settled(member, before)
            if paid is not None and paid.on <= on:
                break
            since = before
        return since

    def aged_out_from(self, member: Member, terms: Terms) -> datetime.date | None:
        """`aged_out_from` for this household's periods, worked out once per member and limit."""
        if member.relationship != Relationship.CHILD:
            return None
        key = (member.key, terms.child_age_limit)
        if key not in self._aged_out:
            assert self.grid is not None  # asked of a household with a package (coverage_at)
            self._aged_out[key] = aged_out_from(member, terms, self.grid)
        return self._aged_out[key]

    def cover(self, key: int) -> Cover:
        found = self._covers.get(key)
        if found is None:
            found = self._covers[key] = self._cover_of(self.by_key[key])
        return found

    def _cover_of(self, member: Member) -> Cover:
        joined = max(self.enrolled_on, member.enrolled_on)
        grid, fee = self.grid, self.settlement.fee_settled
        first = grid.start(joined) if grid else None
        paid = self.share_settled(member, first) if first else None
        if fee is None or paid is None:
            return Cover(member, joined, None, None, False, (), ())
        assert grid is not None  # a share was paid for a first period, on the grid
        begins = max(joined, fee.on, paid.on)
        waits_from = max(joined, fee.counted_from, paid.counted_from)
        starts = self.starts_from(grid.start(begins))
        # share_settled for each period, inlined: a batch asks it for every member and period
        order, orders, lines_settled = member.order, self.line_orders, self.settlement.lines_settled
        found: list[Paid | None] = []
        for start in starts:
            among = orders.get(start)
            if among is None:
                found.append(None)
                continue
            before = bisect_right(among, order)
            found.append(lines_settled[start][before - 1] if before else Paid(start, start))
        settled = tuple(found)
        # Members whose shares were settled together walk the same way: walk once.
        walk = (begins, settled)
        if walk not in self._walks:
            self._walks[walk] = self._walk(begins, starts, settled)
        spans, gaps = self._walks[walk]
        return Cover(
            member,
            joined,
            begins,
            waits_from,
            self.newborn_exempt(member),
            spans,
            gaps,
        )

    def starts_from(self, first: datetime.date) -> tuple[datetime.date, ...]:
        """The periods from the one starting on `first` to the one after the last due."""
        found = self._starts.get(first)
        if found is None:
            assert self.grid is not None  # asked by _cover_of, once a share was paid
            starts, start = [], first
            horizon = self.grid.shift(max(self.dues[-1].period_start, first))
            while start <= horizon:
                starts.append(start)
                start = self.grid.shift(start)
            found = self._starts[first] = tuple(starts)
        return found

    def _walk(
        self,
        begins: datetime.date,
        starts: Sequence[datetime.date],
        settled: Sequence[Paid | None],
    ) -> tuple[tuple[Span, ...], tuple[Gap, ...]]:
        """The spans and gaps of cover from `begins`, period by period (`starts`), given when
        the beneficiary's share of each was settled (see the module's docstring)."""
        spans: list[Span] = []
        gaps: list[Gap] = []
        covered_to_end = False  # cover ran to the last day of the period before
        resumes = None  # the end of a waiting period after a suspension, once paid
        assert self.grid is not None  # asked by _cover_of, once a share was paid
        for index, start in enumerate(starts):
            entering = index == 0  # the period cover begins in
            end = starts[index + 1] - DAY if index + 1 < len(starts) else self.grid.end(start)
            terms = in_force(self.versions, start)
            paid = settled[index]
            gap_from = begins if entering else start
            if covered_to_end:
                grace_days = terms.grace_days if terms else 0
                grace_last = min(start + grace_days * DAY - DAY, end)
                if paid is not None and paid.on <= grace_last + DAY:
                    spans.append(Span(start, end))
                    continue
                if grace_last >= start:
                    spans.append(Span(start, grace_last, grace=True))
                gap_from = grace_last + DAY
            covered_to_end = False
            if paid is None:
                if gap_from <= end:
                    gaps.append(Gap(gap_from, end))
                resumes = None
                continue
            if gap_from < paid.on:
                gaps.append(Gap(gap_from, min(paid.on - DAY, end)))
            back = max(gap_from, paid.on)
            if resumes is not None and paid.on <= gap_from:
                # paid from the period's first day: the waiting period begun in a period before
                # runs its course, whatever the terms in force now say
                back = max(back, resumes)
            else:
                # the first money after days without cover: a waiting period after a
                # suspension, for someone who was covered before it, counted from the day the
                # money was recorded
                reentry = terms.reentry_waiting_days if terms and spans else 0
                if reentry:
                    back = max(back, paid.counted_from + reentry * DAY)
            if max(gap_from, paid.on) < back:
                gaps.append(Gap(max(gap_from, paid.on), min(back - DAY, end), back))
            # a waiting period begun by money paid within the period runs on into the next; a
            # period paid after its end resumes nothing, and paying it never delays the cover
            # of a period paid already
            resumes = back if back > end and paid.on <= end else None
            if back <= end:
                spans.append(Span(back, end))
                covered_to_end = True
        return tuple(spans), tuple(gaps)

    def newborn_exempt(self, member: Member) -> bool:
        """A newborn enrolled by a household whose head was in cover on the day of birth."""
        if member.relationship != Relationship.CHILD or member.birth_date is None:
            return False
        terms = in_force(self.versions, member.enrolled_on)
        if terms is None or not terms.newborns_exempt:
            return False
        if (member.enrolled_on - member.birth_date).days > NEWBORN_DAYS:
            return False
        head = next((m for m in self.members if m.relationship == Relationship.HEAD), None)
        if head is None or head.key == member.key:
            return False
        return coverage_at(self, head.key, member.birth_date).covered


def household_of(
    versions: Sequence[Terms],
    enrolled_on: datetime.date,
    resigned_on: datetime.date | None,
    members: Sequence[Member],
    allocations: Iterable[Settled],
    until: datetime.date,
) -> Household:
    """A household's dues to the period containing `until` and their settlement."""
    dues = household_dues(versions, members, enrolled_on, until, resigned_on)
    at_enrolment = in_force(versions, enrolled_on)
    fee = at_enrolment.registration_fee if at_enrolment else 0
    return Household(
        enrolled_on,
        resigned_on,
        tuple(versions),
        tuple(members),
        tuple(dues),
        settlement(dues, fee, allocations),
    )


def coverage_at(
    household: Household, key: int, on: datetime.date, service: str | None = None
) -> Coverage:
    """Whether the beneficiary `key` of `household` is covered on `on` for `service` (any
    service when None), and every reason they are not."""
    member = household.by_key[key]
    reasons: list[Because] = []
    joined = max(household.enrolled_on, member.enrolled_on)
    if on < joined:
        reasons.append(Because(Reason.NOT_ENROLLED, joined))
    if household.resigned_on is not None and on >= household.resigned_on:
        reasons.append(Because(Reason.HOUSEHOLD_RESIGNED, household.resigned_on))
    if member.left_on is not None and on >= member.left_on:
        reasons.append(Because(Reason.LEFT_HOUSEHOLD, member.left_on))
    terms = in_force(household.versions, on)
    grid = household.grid
    if terms is None or grid is None:
        # Without a package the age limit, exclusions, waiting and periods are unknown; whether
        # the household ever paid is not.
        reasons.append(Because(Reason.NO_PACKAGE))
        if household.settlement.fee_settled is None or household.cover(key).begins is None:
            reasons.append(Because(Reason.NEVER_PAID))
        return Coverage(False, tuple(reasons))
    aged_out = household.aged_out_from(member, terms)
    if aged_out is not None and on >= aged_out and not terms.adult_dependants_allowed:
        reasons.append(Because(Reason.OVER_AGE_LIMIT, aged_out))
    if service is not None and service in terms.excluded_services:
        reasons.append(Because(Reason.SERVICE_EXCLUDED))
    cover = household.cover(key)
    span = None
    if cover.begins is None or on < cover.begins:
        reasons.append(Because(Reason.NEVER_PAID))
    else:
        waiting = 0 if cover.waiting_exempt else terms.waiting_for(service)
        assert cover.waits_from is not None  # set with begins (Household._cover_of)
        first_day = cover.waits_from + waiting * DAY if waiting else cover.begins
        if on < first_day:
            reasons.append(Because(Reason.WAITING_PERIOD, first_day))
        span = cover.span_on(on)
        if span is None:
            gap = cover.gap_on(on)
            if gap is not None and gap.resumes is not None:
                reasons.append(Because(Reason.WAITING_PERIOD, gap.resumes))
            else:
                since = household.unpaid_since(member, on)
                reasons.append(Because(Reason.CONTRIBUTIONS_UNPAID, since))
    if reasons:
        return Coverage(False, tuple(reasons))
    until = cover.covered_until(on)
    if aged_out is not None and not terms.adult_dependants_allowed:
        until = min(until, aged_out - DAY)
    if member.left_on is not None:
        until = min(until, member.left_on - DAY)
    if household.resigned_on is not None:
        until = min(until, household.resigned_on - DAY)
    return Coverage(True, (), until, span.last if span and span.grace else None)


def coverage_by_service(
    household: Household, key: int, on: datetime.date, services: Iterable[str]
) -> dict[str, Coverage]:
    """`coverage_at` for several services on one day, computed once for the services the
    package gives no rule of their own (waiting period, exclusion): most of them."""
    terms = in_force(household.versions, on)
    special = terms.special_services if terms else frozenset()
    common = None
    found = {}
    for service in services:
        if service in special:
            found[service] = coverage_at(household, key, on, service)
        else:
            if common is None:
                common = coverage_at(household, key, on)
            found[service] = common
    return found


def household_status(coverage: Coverage, on: datetime.date) -> str:
    """The status of a household from its head's coverage (any service) on a date."""
    codes = coverage.codes
    if Reason.HOUSEHOLD_RESIGNED in codes:
        return Status.RESIGNED
    for because in coverage.reasons:
        if because.reason == Reason.CONTRIBUTIONS_UNPAID:
            if because.date and (on - because.date).days > LAPSE_AFTER_DAYS:
                return Status.LAPSED
            return Status.SUSPENDED
    if coverage.covered:
        return Status.COVERED
    return Status.WAITING


# a payer's or a household's period: (its id, the period's first day)
Owing = tuple[int, datetime.date]


def still_to_recognise(
    owed: Mapping[Owing, int], recognised: Mapping[Owing, int]
) -> list[tuple[Owing, int, bool]]:
    """What to recognise so that the rows recognised add up to what is owed, period by period:
    (key, difference, first), `first` when nothing was recognised for the key before; a period
    no longer owed is brought back to 0. In key order."""
    found = []
    for key in sorted(owed.keys() | recognised.keys()):
        before = recognised.get(key, 0)
        difference = owed.get(key, 0) - before
        if difference:
            found.append((key, difference, key not in recognised))
    return found
