"""The prudential figures of an organisation's books over a year (pure): what UEMOA's
implementing regulation 03/2011 watches in a social mutual — the share of its contributions
spent on its management, its liquidity, its reserves against the benefits it pays, its guarantee
fund — each against the thresholds of its country (settings.MUTUALIS_PRUDENTIAL_THRESHOLDS,
docs/accounting.md). A ratio without a denominator is not computable, never 0; monitoring reads
the same figures."""

from collections.abc import Mapping
from dataclasses import dataclass

from mutualis.core.money import ratio

MET, NOT_MET, NOT_COMPUTABLE = "met", "not met", "not computable"
NO_THRESHOLD = "no threshold"


@dataclass(frozen=True)
class BaseFigures:
    """The year's amounts the figures are made of, in the currency's unit."""

    contributions: int  # class 70, earned
    benefits: int  # 65, claims paid for and charged back
    management_costs: int  # class 6 but benefits (65) and provisions (69)
    reserves: int  # class 11 at the year's end
    cash: int  # class 5 debit balances at the year's end
    short_term_debts: int  # 40 and 45 credit balances at the year's end
    guarantee_fund: int  # 276 at the year's end


@dataclass(frozen=True)
class Figure:
    code: str
    value: int | None  # basis points (a rate, or months × 10,000 for the reserves)
    minimum: int | None
    maximum: int | None

    @property
    def status(self) -> str:
        if self.value is None:
            return NOT_COMPUTABLE
        if self.minimum is None and self.maximum is None:
            return NO_THRESHOLD
        if self.minimum is not None and self.value < self.minimum:
            return NOT_MET
        if self.maximum is not None and self.value > self.maximum:
            return NOT_MET
        return MET


def base_figures(year: Mapping[str, int], end: Mapping[str, int]) -> BaseFigures:
    """From the balances (debit less credit) by account number of the year's movements and of
    the year's end."""

    def total(balances: Mapping[str, int], *prefixes: str) -> int:
        return sum(b for number, b in balances.items() if number.startswith(prefixes))

    return BaseFigures(
        contributions=-total(year, "70"),
        benefits=total(year, "65"),
        management_costs=total(year, "6") - total(year, "65", "69"),
        reserves=-total(end, "11"),
        cash=sum(b for number, b in end.items() if number.startswith("5") and b > 0),
        short_term_debts=-sum(
            b for number, b in end.items() if number.startswith(("40", "45")) and b < 0
        ),
        guarantee_fund=total(end, "276"),
    )


def figures(base: BaseFigures, thresholds: Mapping[str, int | None]) -> list[Figure]:
    """Each figure with its thresholds (`<code>_min`, `<code>_max`), in the order shown."""
    monthly_benefits = base.benefits / 12
    values = {
        "management_cost_share": ratio(base.management_costs, base.contributions),
        "claims_ratio": ratio(base.benefits, base.contributions),
        "liquidity": ratio(base.cash, base.short_term_debts),
        # months of benefits the reserves would pay, in basis points of a month
        "reserve_months": (
            round(base.reserves * 10_000 / monthly_benefits) if monthly_benefits else None
        ),
        "guarantee_fund_share": ratio(base.guarantee_fund, base.contributions),
    }
    return [
        Figure(code, value, thresholds.get(f"{code}_min"), thresholds.get(f"{code}_max"))
        for code, value in values.items()
    ]


def thresholds_for(
    country: str, per_country: Mapping[str, Mapping[str, int | None]]
) -> dict[str, int | None]:
    """A country's thresholds: its own, and those of "" (every country) it does not set."""
    return {**per_country.get("", {}), **per_country.get(country, {})}
