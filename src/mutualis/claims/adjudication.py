"""Adjudication: what the mutual pays for each line of a claim, and who owes the rest
(domain-rules.md §3–8; the rules in words are in docs/claims.md).

`adjudicate` is a pure function over plain facts: the claim and its lines, the beneficiary's
coverage on the day of care (membership.coverage, by service category), the package's rules at
the provider's level of care, the agreement's terms and tariffs, the guarantee letter, and what
the beneficiary received before (`History`). It gives every line an outcome and the reasons for
it, and splits the amount asked into three parts that always add up to it exactly:

- the **mutual share**, what the mutual pays the provider;
- the **member share**, what the beneficiary owes the provider: the co-payment (ticket
  modérateur, the package's rate for the visit type) and whatever is beyond a quantity limit, a
  ceiling or a guarantee letter — or the whole line at the agreed tariff when it is rejected for
  a reason about the member's rights;
- the **provider's loss**, what the provider may not bill at all: what is above the agreed
  tariff, and the whole line when it is rejected for a reason about the provider's billing
  (claims.choices.BILLING_REASONS).

`copay` is given besides, for information: the part of the member share that is the co-payment.

A line is rejected, with every reason that applies, when the beneficiary is not covered for its
service on the day of care, the service is not in the package at this level or not in the
agreement's tariffs, the act is unknown, is a duplicate (the same act or medicine for the same
beneficiary on the same day, on another claim at any provider or on another line of the same
claim), is repeated too soon (every line of every claim counts), a required guarantee letter
does not apply on its day — or when the claim itself is dated after its submission, has no
agreement in force, came after the agreement's deadline, or lacks the referral the agreement
requires (an emergency needs none).
Otherwise it is approved, or adjusted when its price or quantity is capped or a ceiling or a
letter leaves less than the package's rate:

- the quantity limit of an item is per beneficiary and day of care, over every line (since a
  second line of the item that day is a duplicate, splitting a quantity over several lines or
  invoices cannot get around it);
- the ceilings are per act (per unit allowed), per episode and per calendar year, by service
  category. An episode is a stay: the claims of the beneficiary at the same provider whose dates
  of care overlap or follow each other (the next begins at the latest the day after the last
  ends), or that name the same guarantee letter, however many invoices bill it. Each line counts
  against the year of its own day of care, so that a stay over New Year is split between the
  two years' ceilings;
- a guarantee letter applies on a day from its first to its last day of validity, and before the
  day it was cancelled, if it was.

A line that nothing is left for is rejected with the ceiling's (or the quantity limit's) reason,
and the member owes all of it at the agreed tariff, without a co-payment on top.

The claim's lines are decided in order; each one uses up the ceilings and the letter for the
next, and counts for the duplicates and the frequency limits of the next. `History.record` then
adds the claim to the beneficiary's history, so that a batch can decide many claims of one
beneficiary in a row. Each line's work is a few lookups in dicts; finding a claim's episode
looks at the beneficiary's earlier stays at the same provider.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType, SimpleNamespace
from typing import NamedTuple

from mutualis.claims.choices import Outcome, ReasonCode, VisitType, billing_fault
from mutualis.core.money import share

# The codes as plain strings: looking up an enumeration's member costs more than deciding a
# line, and a batch decides hundreds of thousands.
CODE = SimpleNamespace(**{member.name: member.value for member in ReasonCode})
OUTCOME = SimpleNamespace(**{member.name: member.value for member in Outcome})
REFERRAL = VisitType.REFERRAL.value
EMERGENCY = VisitType.EMERGENCY.value
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Benefit:
    """A package's coverage rule for one service category at the provider's level of care.
    The rates per visit type are None where the package's rate applies."""

    rate_bp: int
    ceiling_per_act: int | None = None
    ceiling_per_episode: int | None = None
    ceiling_per_year: int | None = None
    letter_required: bool = False
    excluded: bool = False
    referral_rate_bp: int | None = None
    emergency_rate_bp: int | None = None

    def rate_for(self, visit_type: str) -> int:
        if visit_type == REFERRAL and self.referral_rate_bp is not None:
            return self.referral_rate_bp
        if visit_type == EMERGENCY and self.emergency_rate_bp is not None:
            return self.emergency_rate_bp
        return self.rate_bp


@dataclass(frozen=True)
class Item:
    id: int
    service_category: str
    max_quantity: int | None = None  # per beneficiary and day of care, over every line
    min_days_between: int | None = None


@dataclass(frozen=True)
class Line:
    item: Item | None  # None: a code the list does not know
    quantity: int
    unit_price: int
    service_date: datetime.date

    @property
    def asked(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class AgreementTerms:
    """The agreement the claim falls under and its version on the day of care."""

    starts_on: datetime.date
    ends_on: datetime.date | None
    submission_days: int
    tariffs: Mapping[int, int]  # item id → agreed unit price
    referral_required: bool = False


@dataclass(frozen=True)
class Letter:
    id: int
    valid_from: datetime.date
    valid_until: datetime.date
    cap: int
    service_category: str = ""  # "" for any
    cancelled_on: datetime.date | None = None

    def applies(self, category: str, day: datetime.date) -> bool:
        """Whether the letter covers care of `category` on `day`: within its validity and,
        when cancelled, before the day of cancellation (care given before stays covered)."""
        return (
            self.service_category in ("", category)
            and self.valid_from <= day <= self.valid_until
            and (self.cancelled_on is None or day < self.cancelled_on)
        )


@dataclass(frozen=True)
class ClaimFacts:
    provider: int
    service_from: datetime.date
    service_to: datetime.date
    submitted_on: datetime.date
    lines: Sequence[Line]
    agreement: AgreementTerms | None
    benefits: Mapping[str, Benefit]  # by service category, at the provider's level
    not_covered: Mapping[str, Sequence[str]]  # coverage reasons by service category
    letter: Letter | None = None
    visit_type: str = "normal"


class Episode:
    """A stay at one provider: the dates of care of its claims, the letters they name, and what
    the mutual paid for it by service category. Plain slots: a batch makes one per claim."""

    __slots__ = ("letters", "paid", "spans")

    def __init__(self) -> None:
        self.spans: list[tuple[datetime.date, datetime.date]] = []
        self.letters: set[int] = set()
        self.paid: dict[str, int] = {}

    def continued_by(self, start: datetime.date, end: datetime.date, letter: int | None) -> bool:
        """Whether care from `start` to `end` (under `letter`) is part of this stay: its dates
        overlap or follow those of one of the stay's claims, or it names the same letter."""
        if letter is not None and letter in self.letters:
            return True
        return any(first - ONE_DAY <= end and start <= last + ONE_DAY for first, last in self.spans)


NOTHING_PAID: Mapping[str, int] = MappingProxyType({})  # a stay not begun yet


class Received(NamedTuple):
    """One line not rejected, as history keeps it (a tuple: a batch makes hundreds of
    thousands)."""

    item: int
    day: datetime.date
    category: str
    mutual_share: int
    on_letter: bool  # paid under the claim's guarantee letter


@dataclass
class History:
    """What one beneficiary received before, from lines not rejected: each (item, day) given,
    the days each item was given, the mutual's share per (year of the line's day of care,
    service category) and what each guarantee letter has paid; and the stays at each provider
    (`Episode`), from every claim."""

    claimed: set[tuple[int, datetime.date]] = field(default_factory=set)
    item_days: dict[int, list[datetime.date]] = field(default_factory=lambda: defaultdict(list))
    paid_in_year: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    episodes: dict[int, list[Episode]] = field(default_factory=lambda: defaultdict(list))
    letter_paid: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def paid_in_stay(
        self, provider: int, start: datetime.date, end: datetime.date, letter: int | None
    ) -> Mapping[str, int]:
        """What the mutual paid, by service category, for the stay that care from `start` to
        `end` continues (joining several earlier ones when it bridges them)."""
        stays = self.episodes.get(provider)
        if not stays:
            return NOTHING_PAID
        found = [e for e in stays if e.continued_by(start, end, letter)]
        if len(found) == 1:
            return found[0].paid
        paid: dict[str, int] = {}
        for episode in found:
            for category, amount in episode.paid.items():
                paid[category] = paid.get(category, 0) + amount
        return paid

    def add(
        self,
        provider: int,
        start: datetime.date,
        end: datetime.date,
        letter: int | None,
        received: Iterable[Received],
    ) -> None:
        """Adds one claim: its dates of care to its stay, and what it received."""
        stays = self.episodes[provider]
        joined = [episode for episode in stays if episode.continued_by(start, end, letter)]
        if len(joined) == 1:
            stay = joined[0]
        else:  # a new stay, or one that joins the stays this claim bridges
            stay = Episode()
            for episode in joined:
                stays.remove(episode)
                stay.spans.extend(episode.spans)
                stay.letters |= episode.letters
                for category, amount in episode.paid.items():
                    stay.paid[category] = stay.paid.get(category, 0) + amount
            stays.append(stay)
        stay.spans.append((start, end))
        if letter is not None:
            stay.letters.add(letter)
        paid = stay.paid
        for item, day, category, mutual_share, on_letter in received:
            self.claimed.add((item, day))
            self.item_days[item].append(day)
            self.paid_in_year[(day.year, category)] += mutual_share
            paid[category] = paid.get(category, 0) + mutual_share
            if on_letter and letter is not None:
                self.letter_paid[letter] += mutual_share

    def record(self, claim: ClaimFacts, decisions: Sequence["LineDecision"]) -> None:
        letter = claim.letter
        self.add(
            claim.provider,
            claim.service_from,
            claim.service_to,
            letter.id if letter is not None else None,
            [  # as `Received`, in plain tuples
                (
                    line.item.id,
                    line.service_date,
                    line.item.service_category,
                    decision.mutual_share,
                    letter is not None
                    and letter.applies(line.item.service_category, line.service_date),
                )
                for line, decision in zip(claim.lines, decisions, strict=True)
                if decision.outcome != OUTCOME.REJECTED and line.item is not None
            ],
        )


class LineDecision(NamedTuple):
    """`mutual_share + member_share + provider_loss == asked`; `copay` is the part of the member
    share that is the co-payment. A named tuple: a batch decides hundreds of thousands."""

    outcome: str
    reasons: tuple[str, ...]
    asked: int
    rate_bp: int
    mutual_share: int
    member_share: int
    provider_loss: int
    copay: int = 0


def claim_rejections(claim: ClaimFacts) -> list[str]:
    """The reasons that reject every line of the claim."""
    reasons = []
    if claim.service_from > claim.submitted_on:
        reasons.append(CODE.FUTURE_DATE)
    terms = claim.agreement
    if terms is None:
        reasons.append(CODE.NO_AGREEMENT)
    else:
        if claim.service_from < terms.starts_on or (
            terms.ends_on is not None and claim.service_from > terms.ends_on
        ):
            reasons.append(CODE.AGREEMENT_EXPIRED)
        if (claim.submitted_on - claim.service_to).days > terms.submission_days:
            reasons.append(CODE.SUBMITTED_LATE)
        # an emergency goes straight to the provider it needs: only a normal visit lacks one
        if terms.referral_required and claim.visit_type not in (REFERRAL, EMERGENCY):
            reasons.append(CODE.REFERRAL_MISSING)
    return reasons


class Running:
    """What the claim's earlier lines (not rejected) received: the next lines count it. Plain
    dicts and slots: one is made for every claim of a batch."""

    __slots__ = ("claimed", "item_days", "letter_paid", "paid_in_stay", "paid_in_year")

    def __init__(self, letter_paid: int = 0):
        self.claimed: set[tuple[int, datetime.date]] = set()
        self.item_days: dict[int, list[datetime.date]] = {}
        self.paid_in_year: dict[tuple[int, str], int] = {}
        self.paid_in_stay: dict[str, int] = {}
        self.letter_paid = letter_paid


def line_rejections(claim: ClaimFacts, line: Line, history: History, running: Running) -> list:
    item = line.item
    if item is None:
        return [CODE.UNKNOWN_ITEM]
    category = item.service_category
    day = line.service_date
    reasons = list(claim.not_covered.get(category, ()))
    benefit = claim.benefits.get(category)
    if benefit is None:
        reasons.append(CODE.NOT_IN_PACKAGE)
    elif benefit.excluded and CODE.SERVICE_EXCLUDED not in reasons:
        reasons.append(CODE.SERVICE_EXCLUDED)
    if claim.agreement is not None and item.id not in claim.agreement.tariffs:
        reasons.append(CODE.NOT_IN_AGREEMENT)
    key = (item.id, day)
    if key in history.claimed or key in running.claimed:
        reasons.append(CODE.DUPLICATE)
    elif item.min_days_between and any(
        abs((day - other).days) < item.min_days_between
        for days in (history.item_days.get(item.id, ()), running.item_days.get(item.id, ()))
        for other in days
    ):
        reasons.append(CODE.TOO_FREQUENT)
    if (
        benefit is not None
        and benefit.letter_required
        and not (claim.letter and claim.letter.applies(category, day))
    ):
        reasons.append(CODE.LETTER_MISSING)
    return reasons


def rejected(claim: ClaimFacts, line: Line, reasons: Sequence[str]) -> "LineDecision":
    """A rejected line: the provider's loss for a reason about its billing; otherwise the
    member owes the line at the agreed tariff, and what is above it stays the provider's."""
    asked = line.asked
    if billing_fault(reasons):
        return LineDecision(OUTCOME.REJECTED, tuple(reasons), asked, 0, 0, 0, asked)
    # not a billing fault: the act is known and priced by an agreement
    price = min(line.unit_price, claim.agreement.tariffs[line.item.id])
    at_tariff = line.quantity * price
    return LineDecision(OUTCOME.REJECTED, tuple(reasons), asked, 0, 0, at_tariff, asked - at_tariff)


def adjudicate(claim: ClaimFacts, history: History) -> tuple[LineDecision, ...]:
    """A decision for each line of `claim`, given the beneficiary's `history` (not changed)."""
    rejecting_claim = claim_rejections(claim)
    letter = claim.letter
    running = Running(letter_paid=history.letter_paid.get(letter.id, 0) if letter else 0)
    stay = history.paid_in_stay(
        claim.provider, claim.service_from, claim.service_to, letter.id if letter else None
    )
    decisions = []
    for line in claim.lines:
        asked = line.asked
        reasons = rejecting_claim + line_rejections(claim, line, history, running)
        if reasons:
            decisions.append(rejected(claim, line, reasons))
            continue
        item = line.item
        category = item.service_category
        day = line.service_date
        key = (item.id, day)
        benefit = claim.benefits[category]
        adjustments = []
        quantity = line.quantity
        # A quantity limit is per beneficiary and day of care over every line; as any earlier
        # line of the item that day makes this one a duplicate, this line has all of it.
        if item.max_quantity is not None and quantity > item.max_quantity:
            quantity = item.max_quantity
            adjustments.append(CODE.QUANTITY_LIMIT)
        price = min(line.unit_price, claim.agreement.tariffs[item.id])
        if price < line.unit_price:
            adjustments.append(CODE.ABOVE_TARIFF)
        provider_loss = asked - line.quantity * price
        at_tariff = asked - provider_loss
        if quantity == 0:  # the day's quantity is used up: the member owes the line
            decisions.append(
                LineDecision(
                    OUTCOME.REJECTED, tuple(adjustments), asked, 0, 0, at_tariff, provider_loss
                )
            )
            continue
        rate = benefit.rate_for(claim.visit_type)
        allowed = quantity * price
        covered = share(allowed, rate)
        limits = []
        if benefit.ceiling_per_act is not None:
            limits.append((CODE.CEILING_PER_ACT, benefit.ceiling_per_act * quantity))
        if benefit.ceiling_per_episode is not None:
            used = stay.get(category, 0) + running.paid_in_stay.get(category, 0)
            limits.append((CODE.CEILING_PER_EPISODE, benefit.ceiling_per_episode - used))
        year = (day.year, category)
        if benefit.ceiling_per_year is not None:
            used = history.paid_in_year.get(year, 0) + running.paid_in_year.get(year, 0)
            limits.append((CODE.CEILING_PER_YEAR, benefit.ceiling_per_year - used))
        on_letter = letter is not None and letter.applies(category, day)
        if on_letter:
            limits.append((CODE.LETTER_EXCEEDED, letter.cap - running.letter_paid))
        mutual_share = covered
        for code, limit in limits:
            left = max(limit, 0)  # below zero when a stay joined two paid ones
            if left < covered:  # a ceiling that takes nothing off is no reason
                adjustments.append(code)
                mutual_share = min(mutual_share, left)
        if mutual_share == 0 and covered > 0:
            # nothing left under a ceiling: the member owes it all, without a co-payment on top
            decisions.append(
                LineDecision(
                    OUTCOME.REJECTED, tuple(adjustments), asked, 0, 0, at_tariff, provider_loss
                )
            )
            continue
        running.claimed.add(key)
        running.item_days.setdefault(item.id, []).append(day)
        running.paid_in_year[year] = running.paid_in_year.get(year, 0) + mutual_share
        running.paid_in_stay[category] = running.paid_in_stay.get(category, 0) + mutual_share
        if on_letter:
            running.letter_paid += mutual_share
        decisions.append(
            LineDecision(
                OUTCOME.ADJUSTED if adjustments else OUTCOME.APPROVED,
                tuple(adjustments),
                asked,
                rate,
                mutual_share,
                at_tariff - mutual_share,
                provider_loss,
                allowed - covered,
            )
        )
    return tuple(decisions)
