"""A package version in plain terms: the one shape in which contributions, coverage, the register
import and the demo read a package's rules (issue 10, "one home for the facts").

`Terms` holds plain values only, so that the pure rules (`contributions.rules`) never touch the
ORM; `version_terms` is the only place a `PackageVersion` becomes `Terms`, and `package_terms`
keeps a package's terms in memory for as long as its rules revision is the same.
"""

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType

from mutualis.benefits.choices import ContributionBasis, NewcomerBilling, PeriodAnchor
from mutualis.benefits.models import PackageVersion
from mutualis.benefits.queries import package_rules
from mutualis.core.money import split_by_shares
from mutualis.core.periods import PeriodUnit

MEMBER = "member"


@dataclass(frozen=True)
class Terms:
    """The rules of one package version (benefits.models.PackageVersion), as plain values."""

    valid_from: datetime.date
    period: str = PeriodUnit.YEAR
    period_anchor: str = PeriodAnchor.CALENDAR
    # contributions
    per_household: bool = False
    contribution: int = 0
    registration_fee: int = 0
    amounts_by_category: Mapping[str, int] = field(default_factory=dict)
    # (payer id, category or "" for every category, share in basis points)
    subsidies: Sequence[tuple[int, str, int]] = ()
    newcomer_billing: str = NewcomerBilling.NEXT_PERIOD
    # rights
    waiting_days: int = 30
    waiting_days_by_service: Mapping[str, int] = field(default_factory=dict)
    reentry_waiting_days: int = 0
    newborns_exempt: bool = False
    grace_days: int = 30
    excluded_services: frozenset[str] = frozenset()
    # the family
    child_age_limit: int = 21
    adult_dependants_allowed: bool = False
    spouses_allowed: int = 4
    other_dependents_allowed: bool = True
    max_household_size: int | None = None

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

    def parts(self, amount: int, category: str) -> tuple[int, Mapping[int, int]]:
        """The member's part of `amount` for a beneficiary of `category`, and each third payer's
        (those with a part), rounded once (core.money.split_by_shares). Remembered, and shared
        read-only: the dues of a batch of households split the same few amounts thousands of
        times."""
        found = self._parts.get((amount, category))
        if found is None:
            split = split_by_shares(amount, self.shares_for(category), MEMBER)
            member = split.pop(MEMBER)
            payers = MappingProxyType({payer: part for payer, part in split.items() if part})
            found = self._parts[(amount, category)] = (member, payers)
        return found

    @cached_property
    def _parts(self) -> dict[tuple[int, str], tuple[int, Mapping[int, int]]]:
        return {}

    @cached_property
    def special_services(self) -> frozenset[str]:
        """The services with a rule of their own: a waiting period, or an exclusion."""
        return frozenset(self.waiting_days_by_service) | self.excluded_services

    def waiting_for(self, service: str | None) -> int:
        if service is None:
            return self.waiting_days
        return self.waiting_days_by_service.get(service, self.waiting_days)


def version_terms(version: PackageVersion) -> Terms:
    """A package version as every rule reads it (`benefits.queries.versions_with_rules`
    prefetches what it reads). A service category excluded at one level of care but covered at
    another is not excluded from the package: the level decides it, at adjudication."""
    rules = version.coverage_rules.all()
    excluded = {rule.service_category for rule in rules if rule.excluded}
    covered = {rule.service_category for rule in rules if not rule.excluded}
    return Terms(
        valid_from=version.valid_from,
        period=version.period,
        period_anchor=version.period_anchor,
        per_household=version.contribution_basis == ContributionBasis.PER_HOUSEHOLD,
        contribution=version.contribution,
        registration_fee=version.registration_fee,
        amounts_by_category={c.category: c.amount for c in version.category_contributions.all()},
        subsidies=tuple((s.payer_id, s.category, s.share_bp) for s in version.subsidies.all()),
        newcomer_billing=version.newcomer_billing,
        waiting_days=version.waiting_days,
        waiting_days_by_service={w.service_category: w.days for w in version.waiting_periods.all()},
        reentry_waiting_days=version.reentry_waiting_days,
        newborns_exempt=version.newborns_exempt,
        grace_days=version.grace_days,
        excluded_services=frozenset(excluded - covered),
        child_age_limit=version.child_age_limit,
        adult_dependants_allowed=version.adult_dependants_allowed,
        spouses_allowed=version.spouses_allowed,
        other_dependents_allowed=version.other_dependents_allowed,
        max_household_size=version.max_household_size,
    )


@lru_cache(maxsize=512)
def package_terms(package_id: int, rules_revision: uuid.UUID) -> tuple[Terms, ...]:
    """A package's versions in plain terms, oldest first, kept for as long as its revision."""
    return tuple(version_terms(version) for version in package_rules(package_id, rules_revision))
