"""What a household owes and what its payments settle: pure functions over plain data.

DOMAIN.md §3. A household owes, for each contribution period from the one of its enrolment,
a contribution for each beneficiary active in the period (or one per household, as the package
says), at its category's amount. Third payers take their share of each amount (the State 50 %,
100 % for the indigent…); the rest is the member share. The share is rounded once and the member
share is the remainder, so the parts always add up to the amount (DESIGN.md rule 2).

A member's payment settles, oldest first, the registration fee then the member share of each
period. A period is *paid* when its member share is settled in full; the household is *in cover*
from the day its registration fee and its first period were settled (the waiting period counts
from that day). Third payers' shares are receivables of the mutual: they never hold up a
member's cover.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mutualis.core.money import allocate_in_order, split_by_shares
from mutualis.core.periods import in_force, period_end, periods

MEMBER = "member"


@dataclass(frozen=True)
class ContributionTerms:
    """The contribution rules of one package version."""

    valid_from: datetime.date
    period: str
    per_household: bool
    contribution: int
    registration_fee: int = 0
    amounts_by_category: Mapping[str, int] = field(default_factory=dict)
    # (payer id, category or "" for every category, share in basis points)
    subsidies: Sequence[tuple[int, str, int]] = ()

    def amount_for(self, category: str) -> int:
        return self.amounts_by_category.get(category, self.contribution)

    def shares_for(self, category: str) -> dict[int, int]:
        """Each payer's share for a category: a rule for the category wins over one for all."""
        shares: dict[int, int] = {}
        for payer, rule_category, points in self.subsidies:
            if rule_category == "":
                shares.setdefault(payer, points)
        for payer, rule_category, points in self.subsidies:
            if rule_category == category:
                shares[payer] = points
        return shares


@dataclass(frozen=True)
class Member:
    """A beneficiary as contributions see them."""

    category: str
    enrolled_on: datetime.date
    left_on: datetime.date | None = None

    def active_during(self, start: datetime.date, end: datetime.date) -> bool:
        return self.enrolled_on <= end and (self.left_on is None or self.left_on > start)


@dataclass(frozen=True)
class PeriodDue:
    period_start: datetime.date
    member: int
    payers: Mapping[int, int]

    @property
    def total(self) -> int:
        return self.member + sum(self.payers.values())


def period_due(
    terms: ContributionTerms, members: Iterable[Member], start: datetime.date
) -> PeriodDue:
    """What a household owes for the period beginning on `start`, member share and payers'."""
    end = period_end(start, terms.period)
    active = [m for m in members if m.active_during(start, end)]
    parts: dict[object, int] = defaultdict(int)
    if terms.per_household:
        if active:
            for party, amount in split_by_shares(
                terms.contribution, terms.shares_for(""), MEMBER
            ).items():
                parts[party] += amount
    else:
        for member in active:
            amount = terms.amount_for(member.category)
            for party, part in split_by_shares(
                amount, terms.shares_for(member.category), MEMBER
            ).items():
                parts[party] += part
    member_share = parts.pop(MEMBER, 0)
    return PeriodDue(start, member_share, {p: a for p, a in parts.items() if a})


def household_dues(
    versions: Sequence[ContributionTerms],
    members: Sequence[Member],
    enrolled_on: datetime.date,
    until: datetime.date,
    resigned_on: datetime.date | None = None,
) -> list[PeriodDue]:
    """The dues of every period from the household's enrolment to the one containing `until`
    (or the last before its resignation), each under the package version in force when the
    period begins (or at enrolment, for the first period)."""
    first_terms = in_force(versions, enrolled_on)
    last = until if resigned_on is None else min(until, resigned_on - datetime.timedelta(1))
    if first_terms is None or last < enrolled_on:
        return []  # no package at enrolment; or nothing is due yet, or it resigned on the day
    # All versions of a package share its period unit (benefits.services refuses a change).
    return [
        period_due(in_force(versions, max(start, enrolled_on)) or first_terms, members, start)
        for start in periods(enrolled_on, last, first_terms.period)
    ]


@dataclass(frozen=True)
class Settlement:
    """What a household's member payments have settled."""

    fee_paid: int
    paid_by_period: Mapping[datetime.date, int]
    paid_periods: frozenset[datetime.date]
    covered_from: datetime.date | None


@dataclass(frozen=True)
class Settled:
    """One allocation of a member payment, as it counts for settlement."""

    received_on: datetime.date
    kind: str  # "registration_fee" or "contribution"
    period_start: datetime.date | None
    amount: int


def settlement(
    dues: Sequence[PeriodDue],
    registration_fee: int,
    allocations: Iterable[Settled],
    enrolled_on: datetime.date = datetime.date.min,
) -> Settlement:
    """Which periods are paid, and from which day the household is in cover: the day by which
    its registration fee and its first period's member share were both settled, and never
    before its enrolment (a first period
    whose member share is nil, fully subsidised, counts as settled from its start)."""
    fee_paid = 0
    fee_settled_on = datetime.date.min if registration_fee == 0 else None
    paid: dict[datetime.date, int] = defaultdict(int)
    # a period whose member share is nil is settled from its start, until a reversal says otherwise
    settled_on = {due.period_start: due.period_start for due in dues if due.member <= 0}
    due_by_start = {due.period_start: due.member for due in dues}
    for allocation in sorted(allocations, key=lambda a: a.received_on):
        if allocation.kind == "registration_fee":
            fee_paid += allocation.amount
            if fee_settled_on is None and fee_paid >= registration_fee:
                fee_settled_on = allocation.received_on
            elif fee_paid < registration_fee:
                fee_settled_on = None
        elif allocation.period_start is not None:
            paid[allocation.period_start] += allocation.amount
            due = due_by_start.get(allocation.period_start)
            if due is not None and paid[allocation.period_start] >= due:
                settled_on.setdefault(allocation.period_start, allocation.received_on)
            else:
                settled_on.pop(allocation.period_start, None)
    paid_periods = frozenset(
        due.period_start for due in dues if paid.get(due.period_start, 0) >= due.member
    )
    covered_from = None
    if dues and fee_settled_on is not None and dues[0].period_start in paid_periods:
        first_settled = settled_on.get(dues[0].period_start, dues[0].period_start)
        covered_from = max(fee_settled_on, first_settled, dues[0].period_start, enrolled_on)
    return Settlement(fee_paid, dict(paid), paid_periods, covered_from)


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
    amount: int, outstanding: Sequence[tuple[object, int]]
) -> list[tuple[object, int]]:
    """Splits a third payer's payment over its receivables (any keys: household and period),
    in the order given; raises Overpayment when the amount exceeds them all."""
    most = sum(due for _key, due in outstanding)
    if amount > most:
        raise Overpayment(most)
    parts = allocate_in_order(amount, [due for _key, due in outstanding])
    return [(key, part) for (key, _due), part in zip(outstanding, parts, strict=True) if part]
