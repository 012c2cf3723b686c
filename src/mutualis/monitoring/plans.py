"""Development plans (issue 15, docs/monitoring.md): a mutual's or a union's targets and
projections year by year, and the actuals against them from the year's figures. `plan_errors`
says why years cannot make a plan (monitoring.services.plan_record writes one); `against`
compares a plan year with what the figures say. Pure."""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from mutualis.core.money import ratio
from mutualis.monitoring.models import PlanYear

FIGURES = ("members", "beneficiaries", "contributions", "benefits", "income", "costs", "subsidy")
MAX_YEARS = 10
# each target and the base figure of the year it is read against: stocks at the year's end,
# flows over the year
ACTUALS = {
    "members": "members",
    "beneficiaries": "beneficiaries",
    "contributions": "contributions_collected",
    "benefits": "benefits_incurred",
}


@dataclass(frozen=True)
class YearPlanned:
    year: int
    members: int
    beneficiaries: int
    contributions: int
    benefits: int
    income: int
    costs: int
    subsidy: int


def plan_errors(years: Sequence[YearPlanned]) -> dict[str, list[str]]:
    """Why the years cannot make a plan: none, too many, not one after the other, a figure
    below zero, a subsidy that grows."""
    errors: dict[str, list[str]] = {}
    if not years:
        return {"years": [_("Give the targets of one year at least.")]}
    if len(years) > MAX_YEARS:
        errors["years"] = [_("A plan covers %(count)d years at most.") % {"count": MAX_YEARS}]
    ordered = sorted(y.year for y in years)
    if ordered != list(range(ordered[0], ordered[0] + len(ordered))):
        errors.setdefault("years", []).append(_("The years follow one another, each once."))
    for planned in years:
        for name in FIGURES:
            if getattr(planned, name) < 0:
                errors.setdefault(name, []).append(
                    _("%(year)d: a figure is zero or more.") % {"year": planned.year}
                )
    by_year = sorted(years, key=lambda y: y.year)
    for before, after in itertools.pairwise(by_year):
        if after.subsidy > before.subsidy:
            errors.setdefault("subsidy", []).append(
                _("%(year)d: the operating subsidy decreases year after year, never grows.")
                % {"year": after.year}
            )
    return errors


@dataclass(frozen=True)
class Against:
    """A target, what the year's figures say, and the share reached (basis points)."""

    name: str
    target: int
    actual: int | None

    @property
    def reached(self) -> int | None:
        return None if self.actual is None else ratio(self.actual, self.target)


def against(planned: PlanYear, figures: dict[str, int]) -> list[Against]:
    """Each target of the year beside the actual, missing where the figures do not give it."""
    return [
        Against(name, getattr(planned, name), figures.get(code)) for name, code in ACTUALS.items()
    ]


def result(planned: PlanYear) -> int:
    """The year's projected result: income and subsidy less the operating costs."""
    return planned.income + planned.subsidy - planned.costs
