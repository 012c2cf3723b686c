"""The indicators (issue 15, docs/monitoring.md): the ILO/STEP–CIDR guide's, the Microinsurance
Network's key performance indicators and the UEMOA prudential ratios, each a formula over the
base figures of a period (monitoring.figures) giving a numerator and a denominator. The value
is worked out from the two the same way for every indicator and every level of the federation:
a union's ratio is its sums' ratio, never an average of its mutuals'. A denominator of zero, or
a figure missing, makes the indicator not computable, never 0. Pure."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mutualis.core.money import ratio


class Unit(StrEnum):
    RATE = "rate"  # basis points: 10,000 is 100 %
    AVERAGE = "average"  # hundredths of the unit (days, visits, the currency's unit)


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


# what the formulas read: the figures of the period (stocks at its end, and `<code>_start` at
# the end of the month before) and its length in months
Period = Mapping[str, int]
Formula = Callable[[Period, int], tuple[int, int]]


@dataclass(frozen=True)
class Thresholds:
    """Where an indicator's value raises an alert: below `alarm_below` or above `alarm_above`
    it is an alarm, below `warn_below` or above `warn_above` a warning (basis points, or
    hundredths for averages); None where the guide sets no bound."""

    warn_below: int | None = None
    alarm_below: int | None = None
    warn_above: int | None = None
    alarm_above: int | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    definition: str | Promise
    formula: Formula
    unit: Unit
    better: Better
    thresholds: Thresholds
    source: str
    reads: tuple[str, ...]  # the base figures the formula needs


OK, WARNING, ALARM, NOT_COMPUTABLE = "ok", "warning", "alarm", "not computable"


@dataclass(frozen=True)
class Value:
    indicator: Indicator
    numerator: int | None
    denominator: int | None

    @property
    def value(self) -> int | None:
        """Basis points for a rate, hundredths for an average; None when not computable."""
        if self.numerator is None or not self.denominator:
            return None
        if self.indicator.unit == Unit.RATE:
            return ratio(self.numerator, self.denominator)
        return (2 * self.numerator * 100 + self.denominator) // (2 * self.denominator)

    @property
    def level(self) -> str:
        value, bounds = self.value, self.indicator.thresholds
        if value is None:
            return NOT_COMPUTABLE
        if (bounds.alarm_below is not None and value < bounds.alarm_below) or (
            bounds.alarm_above is not None and value > bounds.alarm_above
        ):
            return ALARM
        if (bounds.warn_below is not None and value < bounds.warn_below) or (
            bounds.warn_above is not None and value > bounds.warn_above
        ):
            return WARNING
        return OK


def evaluate(indicator: Indicator, figures: Period, months: int) -> Value:
    """The indicator over a period of `months` months whose base figures are `figures`."""
    if any(code not in figures for code in indicator.reads):
        return Value(indicator, None, None)
    numerator, denominator = indicator.formula(figures, months)
    return Value(indicator, numerator, denominator)


def growth(code: str) -> Formula:
    return lambda f, _months: (f[code] - f[f"{code}_start"], f[f"{code}_start"])


def share(numerator: str, denominator: str) -> Formula:
    return lambda f, _months: (f[numerator], f[denominator])


def per_year(numerator: str, denominator: str) -> Formula:
    """`numerator` of the period brought to a year, for each `denominator` at its end."""
    return lambda f, months: (f[numerator] * 12, f[denominator] * months)


def indicator(
    code: str,
    name: str | Promise,
    definition: str | Promise,
    formula: Formula,
    reads: tuple[str, ...],
    *,
    source: str,
    unit: Unit = Unit.RATE,
    better: Better = Better.HIGHER,
    thresholds: Thresholds = Thresholds(),
) -> Indicator:
    return Indicator(code, name, definition, formula, unit, better, thresholds, source, reads)


ILO = "ILO/STEP–CIDR"
MIN = "Microinsurance Network"
CATALOGUE = [
    indicator(
        "M.1",
        _("gross growth rate of members"),
        _("Members at the end less members at the start, over members at the start."),
        growth("members"),
        ("members", "members_start"),
        source=ILO,
    ),
    indicator(
        "M.1.1",
        _("gross growth rate of beneficiaries"),
        _("Beneficiaries at the end less beneficiaries at the start, over those at the start."),
        growth("beneficiaries"),
        ("beneficiaries", "beneficiaries_start"),
        source=ILO,
    ),
    indicator(
        "M.1.2",
        _("gross growth rate of dependants"),
        _("Dependants at the end less dependants at the start, over those at the start."),
        growth("dependants"),
        ("dependants", "dependants_start"),
        source=ILO,
    ),
    indicator(
        "M.2",
        _("renewal rate"),
        _("Members who renewed in the period over the members whose cover came up for renewal."),
        share("members_renewed", "members_due_to_renew"),
        ("members_renewed", "members_due_to_renew"),
        source=ILO,
        thresholds=Thresholds(warn_below=8000, alarm_below=6000),
    ),
    indicator(
        "M.3",
        _("internal growth rate"),
        _("New members from the groups already reached over the members at the start."),
        share("new_members_reached", "members_start"),
        ("new_members_reached", "members_start"),
        source=ILO,
    ),
    indicator(
        "M.4",
        _("external growth rate"),
        _("New members from new groups or zones over the members at the start."),
        share("new_members_new_groups", "members_start"),
        ("new_members_new_groups", "members_start"),
        source=ILO,
    ),
    indicator(
        "M.5",
        _("penetration rate"),
        _("Beneficiaries at the end over the target population."),
        share("beneficiaries", "target_population"),
        ("beneficiaries", "target_population"),
        source=ILO,
    ),
    indicator(
        "M.6",
        _("contribution collection rate"),
        _("Contributions collected in the period over the contributions due for it."),
        share("contributions_collected", "contributions_due"),
        ("contributions_collected", "contributions_due"),
        source=ILO,
        thresholds=Thresholds(warn_below=8000, alarm_below=6000),
    ),
    indicator(
        "PAID_UP",
        _("paid-up rate"),
        _("Beneficiaries up to date with their contributions over the beneficiaries enrolled."),
        share("beneficiaries_up_to_date", "beneficiaries"),
        ("beneficiaries_up_to_date", "beneficiaries"),
        source=_("practice of the Senegalese unions"),
        thresholds=Thresholds(warn_below=7000, alarm_below=5000),
    ),
    indicator(
        "USE",
        _("utilisation rate"),
        _("Visits of the period brought to a year, per beneficiary covered at its end."),
        per_year("visits", "beneficiaries"),
        ("visits", "beneficiaries"),
        source=_("generic"),
        unit=Unit.AVERAGE,
    ),
    indicator(
        "COST",
        _("average cost per claim"),
        _("Benefits incurred for the care of the period over the number of its claims."),
        share("benefits_incurred", "visits"),
        ("benefits_incurred", "visits"),
        source=_("generic"),
        unit=Unit.AVERAGE,
        better=Better.LOWER,
    ),
    indicator(
        "F.1",
        _("quick ratio"),
        _("Cash and equivalents over short-term liabilities, at the end."),
        share("cash", "short_term_liabilities"),
        ("cash", "short_term_liabilities"),
        source=ILO,
        thresholds=Thresholds(alarm_below=10000),
    ),
    indicator(
        "F.2",
        _("equity ratio"),
        _("Equity over total liabilities and equity (total assets), at the end."),
        share("equity", "total_assets"),
        ("equity", "total_assets"),
        source=ILO,
    ),
    indicator(
        "F.3",
        _("cost coverage ratio"),
        _("Own income (contributions and registration fees) over total expenses."),
        lambda f, _m: (f["contributions_earned"] + f["registration_fees"], f["total_expenses"]),
        ("contributions_earned", "registration_fees", "total_expenses"),
        source=ILO,
        thresholds=Thresholds(alarm_below=10000),
    ),
    indicator(
        "F.4.1",
        _("operating expense ratio"),
        _("Operating (management) expenses over earned contributions."),
        share("operating_expenses", "contributions_earned"),
        ("operating_expenses", "contributions_earned"),
        source=ILO,
        better=Better.LOWER,
        thresholds=Thresholds(warn_above=2000, alarm_above=3000),
    ),
    indicator(
        "F.5",
        _("claims ratio"),
        _("Benefits incurred for the care of the period over its earned contributions."),
        share("benefits_incurred", "contributions_earned"),
        ("benefits_incurred", "contributions_earned"),
        source=ILO,
        better=Better.LOWER,
        # at least 75 % (the members get value), at most 100 % (the mutual lasts)
        thresholds=Thresholds(warn_below=7500, alarm_above=10000),
    ),
    indicator(
        "F.7",
        _("investment concentration"),
        _("The largest holding at one institution over total assets."),
        share("largest_holding", "total_assets"),
        ("largest_holding", "total_assets"),
        source=ILO,
        better=Better.LOWER,
        thresholds=Thresholds(alarm_above=1000),
    ),
    indicator(
        "KPI.NET_INCOME",
        _("net income ratio"),
        _("Net income over earned contributions."),
        share("net_income", "contributions_earned"),
        ("net_income", "contributions_earned"),
        source=MIN,
        thresholds=Thresholds(alarm_below=0),
    ),
    indicator(
        "KPI.PROMPTNESS",
        _("promptness of claims settlement"),
        _("Days from care to payment or denial, on average over the claims settled."),
        share("settlement_days", "claims_settled"),
        ("settlement_days", "claims_settled"),
        source=MIN,
        unit=Unit.AVERAGE,
        better=Better.LOWER,
        thresholds=Thresholds(warn_above=3000, alarm_above=9000),
    ),
    indicator(
        "KPI.REJECTION",
        _("claims rejection ratio"),
        _("Claims rejected over claims submitted."),
        share("claims_rejected", "claims_submitted"),
        ("claims_rejected", "claims_submitted"),
        source=MIN,
        better=Better.LOWER,
    ),
    indicator(
        "KPI.SOLVENCY",
        _("solvency ratio"),
        _("Admitted assets over liabilities, at the end."),
        share("admitted_assets", "liabilities"),
        ("admitted_assets", "liabilities"),
        source=MIN,
        thresholds=Thresholds(alarm_below=10000),
    ),
    indicator(
        "RESERVES",
        _("reserves against the prudential minimum"),
        _("Reserves at the end over the reserves the prudential rules ask for."),
        share("reserves", "reserves_minimum"),
        ("reserves", "reserves_minimum"),
        source=_("UEMOA implementing regulation 03/2011"),
        thresholds=Thresholds(alarm_below=10000),
    ),
    indicator(
        "T.9",
        _("quality of monitoring"),
        _("Reports received complete and on time over the reports expected."),
        share("reports_on_time", "reports_expected"),
        ("reports_on_time", "reports_expected"),
        source=ILO,
        thresholds=Thresholds(warn_below=9000, alarm_below=7000),
    ),
    indicator(
        "I.ASSEMBLY",
        _("attendance at general assemblies"),
        _("Participants at general assemblies over the contributing members called."),
        share("assembly_participants", "contributing_members"),
        ("assembly_participants", "contributing_members"),
        source=ILO,
    ),
    indicator(
        "I.OFFICERS",
        _("renewal of elected officers"),
        _("Elected officers' seats renewed over the seats up for election."),
        share("officers_renewed", "officers"),
        ("officers_renewed", "officers"),
        source=ILO,
    ),
    indicator(
        "I.WOMEN",
        _("share of women among the members"),
        _("Women among the members over the members, at the end."),
        share("women_members", "members"),
        ("women_members", "members"),
        source=ILO,
    ),
    indicator(
        "I.YOUNG",
        _("share of young people among the members"),
        _("Members under 35 over the members, at the end."),
        share("young_members", "members"),
        ("young_members", "members"),
        source=ILO,
    ),
]


def alias(code: str, name: str | Promise, of: str) -> Indicator:
    """A key performance indicator of the Microinsurance Network that is one of the guide's
    under another name: the same formula, listed under both."""
    same = next(i for i in CATALOGUE if i.code == of)
    return Indicator(
        code,
        name,
        same.definition,
        same.formula,
        same.unit,
        same.better,
        same.thresholds,
        MIN,
        same.reads,
    )


ALIASES = [
    alias("KPI.INCURRED_CLAIMS", _("incurred claims ratio"), "F.5"),
    alias("KPI.INCURRED_EXPENSES", _("incurred expense ratio"), "F.4.1"),
    alias("KPI.RENEWAL", _("renewal ratio"), "M.2"),
    alias("KPI.GROWTH", _("growth ratio"), "M.1.1"),
    alias("KPI.COVERAGE", _("coverage ratio"), "M.5"),
    alias("KPI.LIQUIDITY", _("liquidity ratio"), "F.1"),
]
# the guide's indicators, each once: what alerts are raised on
OWN = list(CATALOGUE)
CATALOGUE += ALIASES
BY_CODE = {i.code: i for i in CATALOGUE}
