"""The inventory's pure rules (issue 16, docs/inventory.md): what makes a record's figures
impossible, and the synthesis tables of the validated records. Nothing here reads the
database (design-rules.md rule 1)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.core.bounds import MAX_AMOUNT
from mutualis.core.formats import format_amount, format_rate
from mutualis.core.money import ratio
from mutualis.federation.rules import Role
from mutualis.inventory.choices import PER_YEAR

# The first inventory of the Concertation was made in 1998 (seed 003): no record before it.
FIRST_YEAR = 1998

# the figures a record gives, by field, with the name a message calls them
FIGURES = {
    "members": gettext_lazy("members"),
    "beneficiaries": gettext_lazy("beneficiaries"),
    "women_members": gettext_lazy("women among the members"),
    "target_population": gettext_lazy("target population"),
    "contribution": gettext_lazy("contribution"),
    "registration_fee": gettext_lazy("registration fee"),
    "waiting_days": gettext_lazy("waiting period"),
    "contributions_due": gettext_lazy("contributions due"),
    "contributions_collected": gettext_lazy("contributions collected"),
    "benefits_paid": gettext_lazy("benefits paid"),
    "subsidies": gettext_lazy("subsidies"),
    "reserves": gettext_lazy("reserves"),
    "providers": gettext_lazy("providers under agreement"),
    "coverage_rate": gettext_lazy("coverage rate"),
    "hospital_coverage_rate": gettext_lazy("coverage rate in hospital"),
}
RATES = ("coverage_rate", "hospital_coverage_rate")


def label(name: str) -> str:
    return capfirst(str(FIGURES[name]))


def record_errors(
    figures: Mapping[str, int | None], *, tolerance: int, contribution_period: str
) -> list[tuple[str, str]]:
    """What makes a record's figures impossible, as (field, message) in the order of the form.
    `tolerance`: how far, in basis points, contributions collected may exceed those due (arrears
    paid late), the periodic reports' own (monitoring.rules.tolerance_bp)."""
    errors: list[tuple[str, str]] = []
    for name in FIGURES:
        value = figures.get(name)
        if value is None:
            continue
        if value < 0:
            errors.append((name, _("%(field)s cannot be below zero.") % {"field": label(name)}))
        elif name in RATES and value > 100:
            errors.append(
                (name, _("%(field)s is a percentage, at most 100.") % {"field": label(name)})
            )
        elif value > MAX_AMOUNT:
            errors.append((name, _("%(field)s is far too large.") % {"field": label(name)}))

    def given(*names: str) -> bool:
        return all((figures.get(n) or 0) >= 0 and figures.get(n) is not None for n in names)

    def at_most(name: str, bound: str, why: str) -> None:
        if given(name, bound) and (figures[name] or 0) > (figures[bound] or 0):
            errors.append(
                (
                    name,
                    _(
                        "%(field)s (%(value)s) cannot be more than the %(bound)s "
                        "(%(limit)s): %(why)s"
                    )
                    % {
                        "field": label(name),
                        "value": format_amount(figures[name] or 0),
                        "bound": FIGURES[bound],
                        "limit": format_amount(figures[bound] or 0),
                        "why": why,
                    },
                )
            )

    at_most("members", "beneficiaries", _("each member is a beneficiary."))
    at_most("women_members", "members", _("they are counted among them."))
    if given("contributions_collected", "contributions_due"):
        collected = figures["contributions_collected"] or 0
        due = figures["contributions_due"] or 0
        if collected * 10_000 > due * (10_000 + tolerance):
            errors.append(
                (
                    "contributions_collected",
                    _(
                        "%(field)s (%(value)s) exceed the contributions due (%(limit)s) by more "
                        "than %(percent)s: arrears paid late explain a little more, not this much."
                    )
                    % {
                        "field": label("contributions_collected"),
                        "value": format_amount(collected),
                        "limit": format_amount(due),
                        "percent": format_rate(tolerance),
                    },
                )
            )
    if figures.get("contribution") is not None and not contribution_period:
        errors.append(("contribution_period", _("Say the period the contribution is paid for.")))
    return errors


# --- the synthesis ----------------------------------------------------------------------------


class Group(NamedTuple):
    """The validated records of a country's year alike in status, type and level, added up:
    how many, and the sums of the figures they give (a blank adds nothing). `covered` and
    `target` are the beneficiaries and target populations of those that give both."""

    country: str
    year: int
    status: str
    mutual_type: str
    level: str  # "" when the records do not say
    mutuals: int
    members: int
    beneficiaries: int
    covered: int
    target: int


class Amount(NamedTuple):
    """A year's contribution per beneficiary (a monthly one × 12, a quarterly one × 4) and how
    many of a country's records of the year give it, in that currency."""

    country: str
    year: int
    currency: str
    yearly: int
    mutuals: int


@dataclass(frozen=True)
class Spread:
    """A year's contributions of a country's mutuals in one currency: how many give it, the
    median, the lowest and the highest."""

    count: int
    median: int
    low: int
    high: int


@dataclass
class Table:
    """The synthesis of a country's year (`country` "" for every country together)."""

    country: str
    year: int
    mutuals: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)
    members: int = 0
    beneficiaries: int = 0
    # beneficiaries of the mutuals that give their target population, and those populations
    covered: int = 0
    target: int = 0
    contributions: dict[str, Spread] = field(default_factory=dict)

    @property
    def coverage(self) -> int | None:
        """The share of the target population covered, in basis points (rounded half up);
        None when no mutual gives its target population."""
        return ratio(self.covered, self.target)


def yearly(contribution: int, period: str) -> int:
    """A contribution paid per month or quarter, as a year's."""
    return contribution * PER_YEAR[period]


def median(counted: list[tuple[int, int]]) -> int:
    """The middle value of amounts given as (amount, how many times); of an even number, the
    mean of the two middle ones, rounded half up to the unit."""
    ordered = sorted(counted)
    total = sum(times for _amount, times in ordered)
    wanted = [(total - 1) // 2, total // 2]  # the positions of the middle one or two
    found: list[int] = []
    seen = 0
    for amount, times in ordered:
        while wanted and wanted[0] < seen + times:
            found.append(amount)
            wanted.pop(0)
        seen += times
    return (found[0] + found[1] + 1) // 2


def synthesis(groups: Iterable[Group], amounts: Iterable[Amount]) -> dict[tuple[str, int], Table]:
    """The synthesis tables by country and year, and for every country together (country ""):
    mutuals by status, type and level of package; members and beneficiaries; the coverage of
    the target population; the yearly contribution's median and range by currency."""
    tables: dict[tuple[str, int], Table] = {}

    def table(key: tuple[str, int]) -> Table:
        found = tables.get(key)
        if found is None:
            found = tables[key] = Table(*key)
        return found

    for group in groups:
        for key in ((group.country, group.year), ("", group.year)):
            shown = table(key)
            shown.mutuals += group.mutuals
            for counts, value in (
                (shown.by_status, group.status),
                (shown.by_type, group.mutual_type),
                (shown.by_level, group.level),
            ):
                counts[value] = counts.get(value, 0) + group.mutuals
            shown.members += group.members
            shown.beneficiaries += group.beneficiaries
            shown.covered += group.covered
            shown.target += group.target
    counted: dict[tuple[str, int], dict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for amount in amounts:
        for key in ((amount.country, amount.year), ("", amount.year)):
            counted[key][amount.currency].append((amount.yearly, amount.mutuals))
    for key, by_currency in counted.items():
        table(key).contributions = {
            currency: Spread(
                sum(times for _a, times in values),
                median(values),
                min(a for a, _t in values),
                max(a for a, _t in values),
            )
            for currency, values in sorted(by_currency.items())
        }
    return tables


# --- who may write what (the views' `access` and the services' checks read these) -------------
# A mutual's manager keeps their mutual's entry; an officer of a union or a support structure
# keeps those of the organisations in their scope (on the mutuals' behalf).
RECORD_KEEPERS = frozenset({Role.MUTUAL_MANAGER, Role.UNION_OFFICER})
# A focal point is an officer of a union or a support structure, designated for a country.
VALIDATORS = frozenset({Role.UNION_OFFICER})
FOCAL_POINT_DESIGNATORS = frozenset({Role.SYSTEM_ADMIN})
