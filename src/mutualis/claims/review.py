"""Which claims the medical advisor reviews before they are paid (domain-rules.md §5–8): a pure rule
over the adjudicated claim, how often the beneficiary and the provider claimed, and the
mutual's or union's policy."""

from collections.abc import Sequence
from dataclasses import dataclass

from mutualis.claims.adjudication import LineDecision
from mutualis.claims.choices import Outcome, ReviewReason, billing_fault
from mutualis.core.money import BASIS_POINTS


@dataclass(frozen=True)
class Policy:
    amount_threshold: int = 100_000
    beneficiary_claims_30_days: int = 4
    provider_claims_per_day: int = 150
    sample_bp: int = 200
    review_adjusted: bool = True


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Frequency:
    """Counts that include the claim itself: the beneficiary's claims whose care began in the
    30 days up to this one's, and the provider's claims for the same day of care."""

    beneficiary_30_days: int
    provider_same_day: int


def review_reasons(
    policy: Policy, decisions: Sequence[LineDecision], frequency: Frequency, sample_key: int
) -> tuple[str, ...]:
    """Why the claim goes to the medical advisor; empty when it does not. `sample_key` is any
    number drawn evenly, fixed for the claim (a checksum of its provider and invoice number),
    so that the sample is reproducible.
    A claim with nothing to pay has nothing to review."""
    if all(decision.outcome == Outcome.REJECTED for decision in decisions):
        return ()
    reasons = []
    if sum(decision.asked for decision in decisions) > policy.amount_threshold:
        reasons.append(ReviewReason.AMOUNT)
    if frequency.beneficiary_30_days > policy.beneficiary_claims_30_days:
        reasons.append(ReviewReason.BENEFICIARY_FREQUENCY)
    if frequency.provider_same_day > policy.provider_claims_per_day:
        reasons.append(ReviewReason.PROVIDER_FREQUENCY)
    if policy.review_adjusted and any(d.outcome == Outcome.ADJUSTED for d in decisions):
        reasons.append(ReviewReason.ADJUSTED)
    if not reasons and sample_key % BASIS_POINTS < policy.sample_bp:
        reasons.append(ReviewReason.SAMPLE)
    return tuple(reasons)


@dataclass(frozen=True)
class Parts:
    """A line's three parts (they add up to the amount asked) and its co-payment, the part of
    the member's that the package's rate leaves."""

    outcome: str
    mutual_share: int
    member_share: int
    provider_loss: int
    copay: int = 0


def reviewed(
    asked: int, decided: Parts, outcome: str, mutual_share: int | None = None, reason: str = ""
) -> Parts:
    """A line as the medical advisor decides it: approved as adjudicated, adjusted to pay
    `mutual_share` (never more than adjudication allowed), or rejected. What the mutual no
    longer pays is owed as `reason` says (claims.choices.BILLING_REASONS): by the provider when
    the care or its bill is at fault (not medically justified), else by the member; what was
    the provider's loss stays it. The parts still add up to the amount asked."""
    if outcome == Outcome.APPROVED:
        return decided
    providers = billing_fault((reason,))
    if outcome == Outcome.REJECTED:
        if providers:
            return Parts(Outcome.REJECTED, 0, 0, asked, 0)
        owed = asked - decided.provider_loss
        return Parts(Outcome.REJECTED, 0, owed, decided.provider_loss, 0)
    if mutual_share is None or not 0 <= mutual_share <= decided.mutual_share:
        raise ValueError("an adjusted line pays between nothing and what adjudication allowed")
    cut = decided.mutual_share - mutual_share
    if providers:
        return Parts(
            Outcome.ADJUSTED,
            mutual_share,
            decided.member_share,
            decided.provider_loss + cut,
            decided.copay,
        )
    return Parts(
        Outcome.ADJUSTED,
        mutual_share,
        decided.member_share + cut,
        decided.provider_loss,
        decided.copay,
    )
