"""Coverage at a date: the single source of truth of who is covered (DOMAIN.md §2, §4).

`coverage_at` is a pure function over plain facts. Given a beneficiary, their household, the
versions of their package, a date and (optionally) a service category, it says whether care is
covered and gives *every* reason it is not, each with the date that explains it. Eligibility at
the point of care, claims adjudication, household status and the monitoring indicators all ask
this function; none decides coverage on its own.

The rules, each one a reason when it fails:
- `not_enrolled` — the date is before the household's or the beneficiary's enrolment (date: the
  enrolment);
- `household_resigned` — the household resigned on or before the date (date: the resignation);
- `left_household` — the beneficiary left the household on or before the date;
- `over_age_limit` — a child dependent who has reached the package's age limit (date: the
  birthday on which they reached it);
- `no_package` — no version of the package is in force on the date;
- `service_excluded` — the package excludes the service category;
- `never_paid` — the registration fee and the first period have not been settled;
- `waiting_period` — the waiting period for the service category, counted from the day the
  household came into cover, is not over (date: the first covered day);
- `contributions_unpaid` — from the day the household came into cover (before it, the waiting
  period is the reason), the period containing the date is unpaid and the grace period after
  its start is over, or the period before it was unpaid too (date: the start of the first period
  of the unpaid run, which never starts before the period of the household's enrolment).
A household whose current period is unpaid is still covered during the grace period after the
period's start if the period before was paid: the result says until when (`grace_until`).
Non-payment suspends the member *and all dependents* (Senegal CMU): periods are the household's.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.benefits.rules import Relationship
from mutualis.core.periods import in_force, period_start, shift

# After a year without paying, a household is no longer "suspended" but "lapsed": unions count
# it out of their active membership (DOMAIN.md §3, enrolled vs up to date).
LAPSE_AFTER_DAYS = 365


class Reason(models.TextChoices):
    NOT_ENROLLED = "not_enrolled", _("not enrolled yet (enrolment on %(date)s)")
    HOUSEHOLD_RESIGNED = "household_resigned", _("household resigned on %(date)s")
    LEFT_HOUSEHOLD = "left_household", _("left the household on %(date)s")
    OVER_AGE_LIMIT = "over_age_limit", _("over the age limit for dependents since %(date)s")
    NO_PACKAGE = "no_package", _("no benefit package in force")
    SERVICE_EXCLUDED = "service_excluded", _("service excluded by the benefit package")
    NEVER_PAID = "never_paid", _("registration fee or first contribution not paid")
    WAITING_PERIOD = "waiting_period", _("in the waiting period until %(date)s")
    CONTRIBUTIONS_UNPAID = "contributions_unpaid", _("contributions unpaid since %(date)s")


class Status(models.TextChoices):
    WAITING = "waiting", _("waiting")
    COVERED = "covered", _("covered")
    SUSPENDED = "suspended", _("suspended")
    LAPSED = "lapsed", _("lapsed")
    RESIGNED = "resigned", _("resigned")


@dataclass(frozen=True)
class CoverageTerms:
    """The coverage rules of one package version."""

    valid_from: datetime.date
    period: str
    waiting_days: int
    grace_days: int
    child_age_limit: int
    waiting_days_by_service: Mapping[str, int] = field(default_factory=dict)
    excluded_services: frozenset[str] = frozenset()

    def waiting_for(self, service: str | None) -> int:
        if service is None:
            return self.waiting_days
        return self.waiting_days_by_service.get(service, self.waiting_days)


@dataclass(frozen=True)
class BeneficiaryFacts:
    birth_date: datetime.date
    relationship: str
    enrolled_on: datetime.date
    left_on: datetime.date | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    enrolled_on: datetime.date
    resigned_on: datetime.date | None
    covered_from: datetime.date | None
    paid_periods: frozenset[datetime.date]


@dataclass(frozen=True)
class Because:
    reason: str
    date: datetime.date | None = None

    def __str__(self) -> str:
        label = Reason(self.reason).label
        return str(label) % {"date": self.date.isoformat() if self.date else ""}


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reasons: tuple[Because, ...]
    grace_until: datetime.date | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(because.reason for because in self.reasons)


def birthday(birth_date: datetime.date, years: int) -> datetime.date:
    """The day someone born on `birth_date` turns `years` (29 February → 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return datetime.date(birth_date.year + years, 3, 1)


def unpaid_since(household: HouseholdFacts, start: datetime.date, unit: str) -> datetime.date:
    """The start of the run of unpaid periods that ends with the one starting on `start`."""
    first = period_start(household.enrolled_on, unit)
    since = start
    while since > first and shift(since, unit, -1) not in household.paid_periods:
        since = shift(since, unit, -1)
    return since


def coverage_at(
    beneficiary: BeneficiaryFacts,
    household: HouseholdFacts,
    versions: Sequence[CoverageTerms],
    on: datetime.date,
    service: str | None = None,
) -> Coverage:
    """Whether `beneficiary` is covered on `on` for `service` (any service when None), and
    every reason they are not (see the module's docstring for the rules)."""
    reasons: list[Because] = []
    enrolled_on = max(household.enrolled_on, beneficiary.enrolled_on)
    if on < enrolled_on:
        reasons.append(Because(Reason.NOT_ENROLLED, enrolled_on))
    if household.resigned_on is not None and on >= household.resigned_on:
        reasons.append(Because(Reason.HOUSEHOLD_RESIGNED, household.resigned_on))
    if beneficiary.left_on is not None and on >= beneficiary.left_on:
        reasons.append(Because(Reason.LEFT_HOUSEHOLD, beneficiary.left_on))
    terms = in_force(versions, on)
    if terms is None:
        # Without a package the age limit, exclusions, waiting and periods are unknown; whether
        # the household ever paid is not.
        reasons.append(Because(Reason.NO_PACKAGE))
        if household.covered_from is None:
            reasons.append(Because(Reason.NEVER_PAID))
        return Coverage(False, tuple(reasons))
    if beneficiary.relationship == Relationship.CHILD:
        limit = birthday(beneficiary.birth_date, terms.child_age_limit)
        if on >= limit:
            reasons.append(Because(Reason.OVER_AGE_LIMIT, limit))
    if service is not None and service in terms.excluded_services:
        reasons.append(Because(Reason.SERVICE_EXCLUDED))
    grace_until = None
    if household.covered_from is None:
        reasons.append(Because(Reason.NEVER_PAID))
    else:
        first_day = household.covered_from + datetime.timedelta(days=terms.waiting_for(service))
        if on < first_day:
            reasons.append(Because(Reason.WAITING_PERIOD, first_day))
        current = period_start(on, terms.period)
        if current not in household.paid_periods and on >= household.covered_from:
            since = unpaid_since(household, current, terms.period)
            grace_end = current + datetime.timedelta(days=terms.grace_days)
            if since == current and on < grace_end:
                grace_until = grace_end - datetime.timedelta(days=1)
            else:
                reasons.append(Because(Reason.CONTRIBUTIONS_UNPAID, since))
    return Coverage(not reasons, tuple(reasons), grace_until if not reasons else None)


def coverage_by_service(
    beneficiary: BeneficiaryFacts,
    household: HouseholdFacts,
    versions: Sequence[CoverageTerms],
    on: datetime.date,
    services: Iterable[str],
) -> dict[str, Coverage]:
    """`coverage_at` for several services on one day, computed once for the services the
    package gives no rule of their own (waiting period, exclusion): most of them."""
    terms = in_force(versions, on)
    special = (
        terms.waiting_days_by_service.keys() | terms.excluded_services if terms else frozenset()
    )
    common = None
    found = {}
    for service in services:
        if service in special:
            found[service] = coverage_at(beneficiary, household, versions, on, service)
        else:
            if common is None:
                common = coverage_at(beneficiary, household, versions, on)
            found[service] = common
    return found


def household_status(coverage: Coverage, on: datetime.date) -> str:
    """The status of a household from its head's coverage (any service) on a date."""
    codes = coverage.codes
    if Reason.HOUSEHOLD_RESIGNED in codes:
        return Status.RESIGNED
    for because in coverage.reasons:
        if because.reason == Reason.CONTRIBUTIONS_UNPAID:
            if because.date and (on - because.date).days > LAPSE_AFTER_DAYS:
                return Status.LAPSED
            return Status.SUSPENDED
    if coverage.covered:
        return Status.COVERED
    return Status.WAITING
