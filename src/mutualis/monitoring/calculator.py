"""The contribution calculator (issue 15, docs/monitoring.md): from how often beneficiaries use
each service and what it costs, the share the package covers, and the loadings for management
and reserves, the contribution per beneficiary and period, its sensitivity to use and costs, and
how it compares with the contribution asked today. Pure; amounts in the currency's unit.

    pure premium a year  = Σ frequency × average cost × coverage rate
    contribution a year  = pure premium / (1 − management loading − reserve loading)
    contribution a period = contribution a year × months / 12, rounded up to the `rounding`

Loadings are shares of the contribution: what is left once management and reserves are paid for
goes to benefits. Rounding up: a mutual that collects a franc too little each period runs short.
Pure: nothing here reads the database."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

BASIS = 10_000
VARIATIONS = (-2000, -1000, 0, 1000, 2000)  # basis points of use (rows) and of costs (columns)


@dataclass(frozen=True)
class ServiceUse:
    service: str
    frequency: int  # uses a year per beneficiary, in hundredths (1.25 a year: 125)
    cost: int  # average cost of one use
    coverage_bp: int  # share of the cost the package pays


@dataclass(frozen=True)
class Inputs:
    services: tuple[ServiceUse, ...]
    management_bp: int
    reserves_bp: int
    months: int  # of the contribution period: 1, 3, 6 or 12
    beneficiaries: int = 0  # expected, for the budget
    current: int | None = None  # the contribution per beneficiary and period asked today
    rounding: int = 1


def errors(inputs: Inputs) -> dict[str, list[str]]:
    """What cannot be computed, by field, in the user's language."""
    found: dict[str, list[str]] = {}
    if inputs.management_bp < 0 or inputs.reserves_bp < 0:
        found["management"] = [_("A loading is zero or more.")]
    elif inputs.management_bp + inputs.reserves_bp >= BASIS:
        found["management"] = [_("The loadings together stay below the whole contribution.")]
    if inputs.months not in (1, 3, 6, 12):
        found["months"] = [_("A contribution period is a month, a quarter, a semester or a year.")]
    if inputs.rounding < 1:
        found["rounding"] = [_("Round to a multiple of 1 at least.")]
    for use in inputs.services:
        if use.frequency < 0 or use.cost < 0 or not 0 <= use.coverage_bp <= BASIS:
            found.setdefault("services", []).append(
                _("%(service)s: a use and a cost are zero or more, a coverage 0 to 100 %%.")
                % {"service": use.service}
            )
    if not inputs.services:
        found["services"] = [_("Give one service at least.")]
    return found


def ceiling(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def yearly_cost(use: ServiceUse, use_bp: int = 0, cost_bp: int = 0) -> tuple[int, int]:
    """What one beneficiary's use of the service costs the package a year, as a fraction
    (numerator, denominator) kept exact until the end; `use_bp` and `cost_bp` vary the use and
    the cost."""
    numerator = use.frequency * (BASIS + use_bp) * use.cost * (BASIS + cost_bp) * use.coverage_bp
    return numerator, 100 * BASIS * BASIS * BASIS


@dataclass(frozen=True)
class Result:
    pure_premium: int  # a year per beneficiary, rounded half up
    yearly: int  # the contribution a year per beneficiary, rounded up
    per_period: int  # the contribution per beneficiary and period, rounded up to `rounding`
    budget: int  # per_period × periods a year × beneficiaries
    by_service: tuple[tuple[str, int], ...]  # each service's pure premium a year
    sensitivity: tuple[tuple[int, tuple[int, ...]], ...]  # use variation → per cost variation
    difference_bp: int | None  # how far the current contribution is from the one computed


def contribution(inputs: Inputs, use_bp: int = 0, cost_bp: int = 0) -> tuple[int, int, int]:
    """The pure premium a year (half up), the contribution a year and per period (up)."""
    total_numerator, denominator = 0, 1
    for use in inputs.services:
        numerator, denominator = yearly_cost(use, use_bp, cost_bp)
        total_numerator += numerator
    pure = (2 * total_numerator + denominator) // (2 * denominator)
    kept = BASIS - inputs.management_bp - inputs.reserves_bp
    yearly = ceiling(total_numerator * BASIS, denominator * kept)
    period = ceiling(total_numerator * BASIS * inputs.months, denominator * kept * 12)
    per_period = ceiling(period, inputs.rounding) * inputs.rounding
    return pure, yearly, per_period


def compute(inputs: Inputs) -> Result:
    pure, yearly, per_period = contribution(inputs)
    by_service = []
    for use in inputs.services:
        numerator, denominator = yearly_cost(use)
        by_service.append((use.service, (2 * numerator + denominator) // (2 * denominator)))
    sensitivity = tuple(
        (use_bp, tuple(contribution(inputs, use_bp, cost_bp)[2] for cost_bp in VARIATIONS))
        for use_bp in VARIATIONS
    )
    difference = None
    if inputs.current is not None and per_period:
        difference = (2 * (inputs.current - per_period) * BASIS + per_period) // (2 * per_period)
    return Result(
        pure,
        yearly,
        per_period,
        per_period * (12 // inputs.months) * inputs.beneficiaries,
        tuple(by_service),
        sensitivity,
        difference,
    )


def observed(
    lines: Sequence[tuple[str, int, int, int]], beneficiaries: int, months: int
) -> list[ServiceUse]:
    """The use of each service from a mutual's own claims over `months`: (service, lines,
    asked, mutual's share) for `beneficiaries` covered, as uses a year per beneficiary, average
    cost asked and the share the mutual paid."""
    found = []
    for service, count, asked, paid in lines:
        if not count or not beneficiaries:
            continue
        frequency = (2 * count * 12 * 100 + beneficiaries * months) // (2 * beneficiaries * months)
        cost = (2 * asked + count) // (2 * count)
        coverage = (2 * paid * BASIS + asked) // (2 * asked) if asked else 0
        found.append(ServiceUse(service, frequency, cost, min(coverage, BASIS)))
    return found
