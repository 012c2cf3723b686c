"""The engine against a reference written from the rules' words (issue 10; docs/claims.md), not
from the engine's code: random claims of one beneficiary with several lines, stays split over
invoices and over New Year, letters cancelled, ceilings per act, episode and year.

The reference is slow on purpose: it keeps every line decided so far in one list and looks
through it for each new line, where the engine keeps dicts."""

import datetime
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.claims.adjudication import (
    AgreementTerms,
    Benefit,
    ClaimFacts,
    History,
    Item,
    Letter,
    Line,
    adjudicate,
)
from mutualis.core.money import share

D = datetime.date
NEW_YEAR = D(2026, 1, 1)
CATEGORIES = ["consultation", "medicines", "hospitalisation"]
PROVIDER_REASONS = {
    "duplicate",
    "unknown_item",
    "not_in_agreement",
    "no_agreement",
    "agreement_expired",
    "submitted_late",
    "future_date",
    "referral_missing",
}


# --- the reference ---------------------------------------------------------------------------


@dataclass
class Given:
    """A line the reference paid (approved or adjusted), with its claim."""

    claim: int
    item: int
    day: datetime.date
    category: str
    quantity: int
    paid: int
    letter: int | None  # the letter it was paid under


def letter_covers(letter, category, day) -> bool:
    """A letter applies to a day D when valid_from ≤ D ≤ valid_until and (not cancelled or
    D < cancelled_on), for its service category or any."""
    if letter is None or letter.service_category not in ("", category):
        return False
    if not letter.valid_from <= day <= letter.valid_until:
        return False
    return letter.cancelled_on is None or day < letter.cancelled_on


def same_stay(a: ClaimFacts, b: ClaimFacts) -> bool:
    """Same provider, and overlapping or consecutive dates of care, or the same letter."""
    if a.provider != b.provider:
        return False
    if a.letter is not None and b.letter is not None and a.letter.id == b.letter.id:
        return True
    one_day = datetime.timedelta(days=1)
    return a.service_from <= b.service_to + one_day and b.service_from <= a.service_to + one_day


def stay_of(index: int, claims: list[ClaimFacts]) -> set[int]:
    """The claims (by index, up to `index`) linked to claim `index`, directly or through
    others: however many invoices bill a stay."""
    found, todo = {index}, [index]
    while todo:
        current = todo.pop()
        for other in range(index + 1):
            if other not in found and same_stay(claims[current], claims[other]):
                found.add(other)
                todo.append(other)
    return found


def reference(claims: list[ClaimFacts]) -> list[list[tuple]]:
    """For each line of each claim: (outcome, duplicate?, mutual, member, provider's loss)."""
    given_lines: list[Given] = []
    results = []
    for index, claim in enumerate(claims):
        terms = claim.agreement
        claim_reasons = set()
        if claim.service_from > claim.submitted_on:
            claim_reasons.add("future_date")
        if terms is None:
            claim_reasons.add("no_agreement")
        else:
            if claim.service_from < terms.starts_on or (
                terms.ends_on and claim.service_from > terms.ends_on
            ):
                claim_reasons.add("agreement_expired")
            if (claim.submitted_on - claim.service_to).days > terms.submission_days:
                claim_reasons.add("submitted_late")
            if terms.referral_required and claim.visit_type == "normal":
                claim_reasons.add("referral_missing")
        stay = stay_of(index, claims)
        decided = []
        for line in claim.lines:
            item = line.item
            reasons = set(claim_reasons)
            if item is None:
                reasons.add("unknown_item")
                decided.append(("rejected", False, 0, 0, line.asked))
                continue
            category = item.service_category
            benefit = claim.benefits.get(category)
            reasons.update(claim.not_covered.get(category, ()))
            if benefit is None:
                reasons.add("not_in_package")
            elif benefit.excluded:
                reasons.add("service_excluded")
            if terms is not None and item.id not in terms.tariffs:
                reasons.add("not_in_agreement")
            same_item = [g for g in given_lines if g.item == item.id]
            duplicate = any(g.day == line.service_date for g in same_item)
            if duplicate:
                reasons.add("duplicate")
            elif item.min_days_between and any(
                abs((g.day - line.service_date).days) < item.min_days_between for g in same_item
            ):
                reasons.add("too_frequent")
            letter_missing = not letter_covers(claim.letter, category, line.service_date)
            if benefit is not None and benefit.letter_required and letter_missing:
                reasons.add("letter_missing")
            if reasons & PROVIDER_REASONS:
                decided.append(("rejected", duplicate, 0, 0, line.asked))
                continue
            price = min(line.unit_price, terms.tariffs[item.id])
            loss = line.quantity * (line.unit_price - price)
            at_tariff = line.quantity * price
            if reasons:
                decided.append(("rejected", duplicate, 0, at_tariff, loss))
                continue
            quantity = line.quantity
            if item.max_quantity is not None:
                before = sum(g.quantity for g in same_item if g.day == line.service_date)
                quantity = max(0, min(quantity, item.max_quantity - before))
            rate = {
                "referral": benefit.referral_rate_bp,
                "emergency": benefit.emergency_rate_bp,
            }.get(claim.visit_type)
            covered = share(quantity * price, benefit.rate_bp if rate is None else rate)
            limits = []
            if benefit.ceiling_per_act is not None:
                limits.append(benefit.ceiling_per_act * quantity)
            same_category = [g for g in given_lines if g.category == category]
            if benefit.ceiling_per_episode is not None:
                used = sum(g.paid for g in same_category if g.claim in stay)
                limits.append(benefit.ceiling_per_episode - used)
            if benefit.ceiling_per_year is not None:
                year = line.service_date.year
                used = sum(g.paid for g in same_category if g.day.year == year)
                limits.append(benefit.ceiling_per_year - used)
            letter = claim.letter
            on_letter = letter_covers(letter, category, line.service_date)
            if on_letter:
                limits.append(
                    letter.cap - sum(g.paid for g in given_lines if g.letter == letter.id)
                )
            paid = min([covered, *(max(limit, 0) for limit in limits)])
            if quantity == 0 or (paid == 0 and covered > 0):
                decided.append(("rejected", False, 0, at_tariff, loss))
                continue
            outcome = "approved"
            if quantity < line.quantity or price < line.unit_price or paid < covered:
                outcome = "adjusted"
            decided.append((outcome, False, paid, at_tariff - paid, loss))
            given_lines.append(
                Given(
                    index,
                    item.id,
                    line.service_date,
                    category,
                    line.quantity,
                    paid,
                    letter.id if on_letter else None,
                )
            )
        results.append(decided)
    return results


# --- random claims ---------------------------------------------------------------------------

ceilings = st.none() | st.integers(0, 30_000)


def rare(draw, one_in: int) -> bool:
    """True about once in `one_in` draws (not at the bounds, which hypothesis favours)."""
    return draw(st.integers(1, one_in)) == one_in // 2


@st.composite
def catalogues(draw):
    """Items 1–5, each with its own limits (the same id has the same limits in every claim)."""
    return {
        pk: Item(
            pk,
            draw(st.sampled_from(CATEGORIES)),
            draw(st.none() | st.integers(0, 4)),
            draw(st.none() | st.integers(1, 10)),
        )
        for pk in range(1, 6)
    }


@st.composite
def packages(draw):
    rates = st.integers(0, 10_000)
    return {
        category: Benefit(
            rate_bp=draw(rates),
            ceiling_per_act=draw(ceilings),
            ceiling_per_episode=draw(ceilings),
            ceiling_per_year=draw(st.none() | st.integers(1_000, 40_000)),
            letter_required=rare(draw, 6),
            excluded=rare(draw, 20),
            referral_rate_bp=draw(st.none() | rates),
            emergency_rate_bp=draw(st.none() | rates),
        )
        for category in CATEGORIES
        if not rare(draw, 10)
    }


@st.composite
def letters(draw, provider: int):
    start = NEW_YEAR + datetime.timedelta(days=draw(st.integers(-15, 5)))
    until = start + datetime.timedelta(days=draw(st.integers(0, 15)))
    cancelled = draw(st.none() | st.integers(0, 20))
    return Letter(
        id=100 + provider,  # a letter is for one provider
        valid_from=start,
        valid_until=until,
        cap=draw(st.integers(0, 40_000)),
        service_category=draw(st.sampled_from(["", *CATEGORIES])),
        cancelled_on=None if cancelled is None else start + datetime.timedelta(days=cancelled),
    )


@st.composite
def cases(draw, over_new_year=False):
    """Claims of one beneficiary; `over_new_year`: every claim's care begins in the last days of
    the year and ends in the first days of the next."""
    items = draw(catalogues())
    benefits = draw(packages())
    tariffs = {pk: draw(st.integers(0, 20_000)) for pk in items if not rare(draw, 10)}
    referral = draw(st.booleans()) and draw(st.booleans())
    agreement = AgreementTerms(D(2020, 1, 1), None, 60, tariffs, referral)
    letter_of = {provider: draw(letters(provider)) for provider in (1, 2)}
    claims = []
    for _ in range(draw(st.integers(1, 6))):
        provider = draw(st.sampled_from([1, 2]))
        # half of the claims begin in the last days of the year, many of them to end in the next
        near = over_new_year or draw(st.booleans())
        start = NEW_YEAR + datetime.timedelta(
            days=draw(st.integers(-3, -1) if near else st.integers(-12, 8))
        )
        end = start + datetime.timedelta(days=draw(st.integers(0, 3)))
        if over_new_year:
            end = max(end, NEW_YEAR)
        span = (end - start).days
        lines = []
        for _ in range(draw(st.integers(1, 5))):
            item = None if rare(draw, 20) else items[draw(st.sampled_from(list(items)))]
            tariff = tariffs.get(item.id, 1000) if item else 1000
            price = draw(st.sampled_from([tariff, tariff + draw(st.integers(1, 3000))]))
            day = start + datetime.timedelta(days=draw(st.integers(0, span)))
            lines.append(Line(item, draw(st.integers(1, 5)), price, day))
        late = rare(draw, 10)
        submitted = end + datetime.timedelta(days=61 if late else draw(st.integers(0, 5)))
        if rare(draw, 20):
            submitted = start - datetime.timedelta(days=1)
        claims.append(
            ClaimFacts(
                provider=provider,
                service_from=start,
                service_to=end,
                submitted_on=submitted,
                lines=lines,
                agreement=None if rare(draw, 30) else agreement,
                benefits=benefits,
                not_covered=draw(
                    st.dictionaries(
                        st.sampled_from(CATEGORIES),
                        st.just(("waiting_period",)),
                        max_size=1,
                    )
                    if rare(draw, 5)
                    else st.just({})
                ),
                letter=letter_of[provider] if draw(st.booleans()) else None,
                visit_type=draw(st.sampled_from(["normal", "referral", "emergency"])),
            )
        )
    return claims


def engine(claims: list[ClaimFacts]) -> list[list[tuple]]:
    history = History()
    results = []
    for claim in claims:
        decisions = adjudicate(claim, history)
        history.record(claim, decisions)
        results.append(
            [
                (
                    d.outcome,
                    "duplicate" in d.reasons,
                    d.mutual_share,
                    d.member_share,
                    d.provider_loss,
                )
                for d in decisions
            ]
        )
    return results


# --- the properties ---------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_engine_decides_every_line_as_the_rules_words_say(claims):
    assert engine(claims) == reference(claims)


@settings(max_examples=300, deadline=None)
@given(cases(over_new_year=True))
def test_the_engine_splits_stays_over_new_year_between_the_two_years_ceilings(claims):
    assert engine(claims) == reference(claims)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_the_three_parts_of_every_line_add_up_to_the_amount_asked(claims):
    history = History()
    for claim in claims:
        decisions = adjudicate(claim, history)
        history.record(claim, decisions)
        for line, decision in zip(claim.lines, decisions, strict=True):
            parts = (decision.mutual_share, decision.member_share, decision.provider_loss)
            assert min(parts) >= 0 and sum(parts) == line.asked == decision.asked
            assert 0 <= decision.copay <= decision.member_share
            if decision.outcome == "rejected":
                assert decision.mutual_share == 0 and decision.copay == 0
            # above the agreed tariff is never the member's
            tariffs = claim.agreement.tariffs if claim.agreement else {}
            if line.item is not None and line.item.id in tariffs:
                above = line.quantity * max(0, line.unit_price - tariffs[line.item.id])
                assert decision.provider_loss >= above
