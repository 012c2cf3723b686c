"""Adjudication: what the mutual pays for each line of a claim (DOMAIN.md §5).

`adjudicate` is a pure function over plain facts: the claim and its lines, the beneficiary's
coverage on the day of care (membership.coverage, by service category), the package's rules at
the provider's level of care, the agreement's terms and tariffs, the guarantee letter, and what
the beneficiary was paid before (`History`). It gives every line an outcome and the reasons for
it, and splits the amount asked into three parts that always add up to it:

- the **mutual share**, what the mutual pays the provider;
- the **co-payment** (ticket modérateur), the beneficiary's part of the allowed amount at the
  package's rate;
- the amount **refused**: what is above the agreed tariff or the quantity limit, beyond a ceiling
  or a guarantee letter, or the whole line when it is rejected.

A line is rejected, with every reason that applies, when the beneficiary is not covered for its
service on the day of care, the service is not in the package at this level or not in the
agreement's tariffs, the act is unknown, already claimed (same beneficiary, provider, act and
day) or repeated too soon, a required guarantee letter is missing — or when the claim itself is
dated after its submission, has no agreement in force, or came after the agreement's deadline.
Otherwise it is approved, or adjusted when its price or quantity is capped or a ceiling or a
letter leaves less than the package's rate: the ceilings are per act (per unit), per episode
(every claim of the beneficiary at the provider from the same first day: splitting a stay into
several invoices does not renew it) and per calendar year, by service category; a line that
nothing is left for is rejected with the ceiling's reason.

The claim's lines are decided in order; each one uses up the ceilings and the letter for the
next. `History.record` then adds the claim to the beneficiary's history, so that a batch can
decide many claims of one beneficiary in a row.
"""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

from mutualis.claims.rules import Outcome, ReasonCode
from mutualis.core.money import share

# The codes as plain strings: looking up an enumeration's member costs more than deciding a
# line, and a batch decides hundreds of thousands.
CODE = SimpleNamespace(**{member.name: member.value for member in ReasonCode})
OUTCOME = SimpleNamespace(**{member.name: member.value for member in Outcome})


@dataclass(frozen=True)
class Benefit:
    """A package's coverage rule for one service category at the provider's level of care."""

    rate_bp: int
    ceiling_per_act: int | None = None
    ceiling_per_episode: int | None = None
    ceiling_per_year: int | None = None
    letter_required: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class Item:
    id: int
    service_category: str
    max_quantity: int | None = None
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


@dataclass(frozen=True)
class Letter:
    id: int
    valid_from: datetime.date
    valid_until: datetime.date
    cap: int
    service_category: str = ""  # "" for any

    def applies(self, category: str, day: datetime.date) -> bool:
        return self.service_category in ("", category) and (
            self.valid_from <= day <= self.valid_until
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


@dataclass
class History:
    """What one beneficiary was paid before: the mutual's share per (year, service category)
    and per episode (provider, first day, service category), what was claimed (provider, item,
    day), the days each item was given, and what each guarantee letter has paid. Rejected lines
    are not part of it."""

    paid_in_year: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    paid_in_episode: dict[tuple[int, datetime.date, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    claimed: set[tuple[int, int, datetime.date]] = field(default_factory=set)
    item_days: dict[int, list[datetime.date]] = field(default_factory=lambda: defaultdict(list))
    letter_paid: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, claim: ClaimFacts, decisions: Sequence["LineDecision"]) -> None:
        year = claim.service_from.year
        for line, decision in zip(claim.lines, decisions, strict=True):
            if decision.outcome == OUTCOME.REJECTED or line.item is None:
                continue
            category = line.item.service_category
            self.claimed.add((claim.provider, line.item.id, line.service_date))
            self.item_days[line.item.id].append(line.service_date)
            self.paid_in_year[(year, category)] += decision.mutual_share
            episode = (claim.provider, claim.service_from, category)
            self.paid_in_episode[episode] += decision.mutual_share
            if claim.letter is not None and claim.letter.applies(category, claim.service_from):
                self.letter_paid[claim.letter.id] += decision.mutual_share


@dataclass(frozen=True)
class LineDecision:
    outcome: str
    reasons: tuple[str, ...]
    asked: int
    rate_bp: int
    mutual_share: int
    copay: int
    refused: int


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
    return reasons


def line_rejections(claim: ClaimFacts, line: Line, history: History) -> list[str]:
    item = line.item
    if item is None:
        return [CODE.UNKNOWN_ITEM]
    category = item.service_category
    reasons = list(claim.not_covered.get(category, ()))
    benefit = claim.benefits.get(category)
    if benefit is None:
        reasons.append(CODE.NOT_IN_PACKAGE)
    elif benefit.excluded and CODE.SERVICE_EXCLUDED not in reasons:
        reasons.append(CODE.SERVICE_EXCLUDED)
    if claim.agreement is not None and item.id not in claim.agreement.tariffs:
        reasons.append(CODE.NOT_IN_AGREEMENT)
    if (claim.provider, item.id, line.service_date) in history.claimed:
        reasons.append(CODE.DUPLICATE)
    elif item.min_days_between and any(
        abs((line.service_date - day).days) < item.min_days_between
        for day in history.item_days.get(item.id, ())
    ):
        reasons.append(CODE.TOO_FREQUENT)
    if (
        benefit is not None
        and benefit.letter_required
        and not (claim.letter and claim.letter.applies(category, claim.service_from))
    ):
        reasons.append(CODE.LETTER_MISSING)
    return reasons


def adjudicate(claim: ClaimFacts, history: History) -> tuple[LineDecision, ...]:
    """A decision for each line of `claim`, given the beneficiary's `history` (not changed)."""
    rejecting_claim = claim_rejections(claim)
    year = claim.service_from.year
    paid_in_claim: dict[str, int] = defaultdict(int)  # by service category
    letter_paid = history.letter_paid.get(claim.letter.id, 0) if claim.letter else 0
    decisions = []
    for line in claim.lines:
        asked = line.asked
        reasons = rejecting_claim + line_rejections(claim, line, history)
        if reasons:
            decisions.append(LineDecision(OUTCOME.REJECTED, tuple(reasons), asked, 0, 0, 0, asked))
            continue
        item = line.item
        category = item.service_category
        benefit = claim.benefits[category]
        adjustments = []
        quantity = line.quantity
        if item.max_quantity is not None and quantity > item.max_quantity:
            quantity = item.max_quantity
            adjustments.append(CODE.QUANTITY_LIMIT)
        price = min(line.unit_price, claim.agreement.tariffs[item.id])
        if price < line.unit_price:
            adjustments.append(CODE.ABOVE_TARIFF)
        allowed = quantity * price
        covered = share(allowed, benefit.rate_bp)
        copay = allowed - covered
        limits = []
        if benefit.ceiling_per_act is not None:
            limits.append((CODE.CEILING_PER_ACT, benefit.ceiling_per_act * quantity))
        if benefit.ceiling_per_episode is not None:
            episode = (claim.provider, claim.service_from, category)
            used = history.paid_in_episode.get(episode, 0) + paid_in_claim[category]
            left = benefit.ceiling_per_episode - used
            limits.append((CODE.CEILING_PER_EPISODE, left))
        if benefit.ceiling_per_year is not None:
            used = history.paid_in_year.get((year, category), 0) + paid_in_claim[category]
            limits.append((CODE.CEILING_PER_YEAR, benefit.ceiling_per_year - used))
        letter = claim.letter
        if letter is not None and letter.applies(category, claim.service_from):
            limits.append((CODE.LETTER_EXCEEDED, letter.cap - letter_paid))
        mutual_share = covered
        for code, limit in limits:
            if limit < covered:
                adjustments.append(code)
                mutual_share = min(mutual_share, max(limit, 0))
        paid_in_claim[category] += mutual_share
        if letter is not None and letter.applies(category, claim.service_from):
            letter_paid += mutual_share
        if mutual_share == 0 and covered > 0:
            outcome = OUTCOME.REJECTED
        elif adjustments:
            outcome = OUTCOME.ADJUSTED
        else:
            outcome = OUTCOME.APPROVED
        decisions.append(
            LineDecision(
                outcome,
                tuple(adjustments),
                asked,
                benefit.rate_bp,
                mutual_share,
                copay,
                asked - mutual_share - copay,
            )
        )
    return tuple(decisions)
