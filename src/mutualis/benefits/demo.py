"""Demo data of benefits: the third payers and benefit packages of the demo federation.

`mutualis demo` gives the federation written by federation/demo.py (domain-rules.md §3–4):

- third payers: the State ("État du Sénégal — Agence de la CMU", owned by the national union),
  the departmental council of the demo users' department (a local authority that adds a subsidy
  to its departmental union's package) and a microfinance network's social fund ("Fonds social
  UM-PAMECAS", owned by the mutual whose package it subsidises);
- "Paquet de base CMU" of the national union, for every mutual: 7,000 XOF per beneficiary per
  year, a 1,000 XOF registration fee, the State paying 50 % (100 % for the indigent), 80 % at
  health posts and centres, 50 % for medicines at the pharmacy, 80 % in hospital with a
  guarantee letter and yearly ceilings, optical and dental care excluded. It has two versions: the
  current one from 1 January two years ago (so that the 24 months of demo history fall under
  it) and the original one, five years older, for the households enrolled before (60 days of
  grace instead of 30, no longer waiting period for childbirth);
- "Paquet complémentaire UDAM" of the departmental union of the demo users (UDMS-THI): 4,000 XOF
  per beneficiary per semester (the half-yearly option: 2 months of waiting), hospital care
  including caesarean sections, the State's subsidy plus 10 % from the departmental council;
- "Forfait famille" of one mutual tied to a savings-and-credit network (the first microfinance
  mutual, else the first professional or workplace mutual, else the last mutual): 24,000 XOF per
  household per year, 30 % paid by the network's social fund, the member's part deducted from
  savings.

As in federation/demo.py the work is in two steps: `plan_benefits(...)` decides everything (pure,
no random draw: packages are reference data) and `write_benefits(plan, organisations)` writes it
with bulk inserts, as `benefits.services` would without the audit entries: `payer.created`,
`package.created` and `package.version_added` in the log of each payer's or package's owner.

What later generators find in `demo.made`:

- ``"today"``: the date the whole demo is built around (timezone.localdate(), read once);
- ``"benefits"``: the BenefitsPlan (plain data; package and payer codes are its keys);
- ``"payers"``: dict payer code → Payer; ``"packages"``: dict package code → BenefitPackage;
- ``"package_versions"``: dict package code → list of PackageVersion, oldest first;
- ``"national_package"``: the code of the national union's package (``"CMU-BASE"``).
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from mutualis.benefits import events
from mutualis.benefits.choices import (
    Category,
    ContributionBasis,
    LevelOfCare,
    PayerKind,
    ServiceCategory,
)
from mutualis.benefits.models import (
    BenefitPackage,
    CoverageRule,
    PackageVersion,
    Payer,
    SubsidyRule,
    WaitingPeriod,
)
from mutualis.benefits.terms import Terms
from mutualis.core.demo import Demo
from mutualis.core.events import append_all
from mutualis.core.periods import PeriodUnit
from mutualis.federation.models import Organisation

S = ServiceCategory
L = LevelOfCare

STATE = "ETAT-CMU"
LOCAL_AUTHORITY = "CD-SUBV"
SOCIAL_FUND = "FS-PAMECAS"
NATIONAL_PACKAGE = "CMU-BASE"
UNION_PACKAGE = "UDAM-COMP"
MUTUAL_PACKAGE = "FORFAIT-FAM"

# Which mutual defines its own package: one tied to a savings-and-credit network if there is one.
OWN_PACKAGE_TYPES = ("microfinance", "professional", "workplace")


@dataclass(frozen=True)
class PlannedPayer:
    code: str
    name: str
    kind: str
    owner: str  # organisation code


@dataclass(frozen=True)
class PlannedCoverage:
    service: str
    level: str
    rate_bp: int = 8000
    ceiling_per_act: int | None = None
    ceiling_per_episode: int | None = None
    ceiling_per_year: int | None = None
    guarantee_letter_required: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class PlannedVersion:
    valid_from: datetime.date
    contribution: int
    period: str = PeriodUnit.YEAR
    contribution_basis: str = ContributionBasis.PER_BENEFICIARY
    registration_fee: int = 0
    waiting_days: int = 30
    grace_days: int = 30
    child_age_limit: int = 21
    spouses_allowed: int = 4
    other_dependents_allowed: bool = True
    max_household_size: int | None = None
    # (payer code, category or "" for all, share in basis points)
    subsidies: tuple[tuple[str, str, int], ...] = ()
    waiting_days_by_service: tuple[tuple[str, int], ...] = ()
    coverage: tuple[PlannedCoverage, ...] = ()


@dataclass(frozen=True)
class PlannedPackage:
    code: str
    name: str
    owner: str  # organisation code
    description: str
    versions: tuple[PlannedVersion, ...]  # oldest first

    @property
    def valid_from(self) -> datetime.date:
        return self.versions[0].valid_from


@dataclass(frozen=True)
class BenefitsPlan:
    payers: tuple[PlannedPayer, ...]
    packages: tuple[PlannedPackage, ...]

    def package(self, code: str) -> PlannedPackage:
        return next(package for package in self.packages if package.code == code)

    def payer(self, code: str) -> PlannedPayer:
        return next(payer for payer in self.payers if payer.code == code)


# --- the plan ---------------------------------------------------------------------------------


def rules_at(
    levels: Sequence[str], services: Sequence[str], **terms: Any
) -> tuple[PlannedCoverage, ...]:
    return tuple(
        PlannedCoverage(service, level, **terms) for level in levels for service in services
    )


def excluded(*services: str) -> tuple[PlannedCoverage, ...]:
    return tuple(
        PlannedCoverage(service, level, rate_bp=0, excluded=True)
        for service in services
        for level in (L.HEALTH_CENTRE, L.DISTRICT_HOSPITAL)
    )


PRIMARY_CARE = (
    S.CONSULTATION,
    S.MEDICINES,
    S.ANTENATAL_CARE,
    S.CHILDBIRTH,
    S.HOSPITALISATION,
    S.LABORATORY,
)
HOSPITALS = (L.DISTRICT_HOSPITAL, L.REGIONAL_HOSPITAL, L.NATIONAL_HOSPITAL)


def national_coverage() -> tuple[PlannedCoverage, ...]:
    """Senegal's basic package (domain-rules.md §3): 80 % at health posts and centres, 50 % for
    medicines at the pharmacy, 80 % in hospital with a guarantee letter and ceilings."""
    hospital = dict(guarantee_letter_required=True)
    return (
        *rules_at((L.HEALTH_POST, L.HEALTH_CENTRE), PRIMARY_CARE),
        PlannedCoverage(S.MEDICINES, L.PHARMACY, rate_bp=5000, ceiling_per_year=60_000),
        *rules_at(HOSPITALS, (S.HOSPITALISATION,), ceiling_per_year=300_000, **hospital),
        *rules_at(
            HOSPITALS, (S.CAESAREAN,), ceiling_per_act=100_000, ceiling_per_year=200_000, **hospital
        ),
        *rules_at(
            HOSPITALS,
            (S.SURGERY,),
            ceiling_per_act=150_000,
            ceiling_per_episode=150_000,
            ceiling_per_year=300_000,
            **hospital,
        ),
        *excluded(S.OPTICAL, S.DENTAL),
    )


def union_coverage() -> tuple[PlannedCoverage, ...]:
    """The departmental union's package: the basic package plus hospital stays, caesarean
    sections and imaging at 80 %, with higher ceilings (domain-rules.md §3)."""
    hospital = dict(guarantee_letter_required=True)
    return (
        *rules_at((L.HEALTH_POST, L.HEALTH_CENTRE), PRIMARY_CARE),
        PlannedCoverage(S.MEDICINES, L.PHARMACY, rate_bp=5000, ceiling_per_year=80_000),
        *rules_at(
            HOSPITALS,
            (S.CONSULTATION, S.LABORATORY, S.MEDICINES),
            ceiling_per_year=150_000,
        ),
        *rules_at(HOSPITALS, (S.HOSPITALISATION,), ceiling_per_year=500_000, **hospital),
        *rules_at(
            HOSPITALS, (S.CAESAREAN,), ceiling_per_act=150_000, ceiling_per_year=300_000, **hospital
        ),
        *rules_at(
            HOSPITALS,
            (S.SURGERY,),
            ceiling_per_act=250_000,
            ceiling_per_episode=250_000,
            ceiling_per_year=500_000,
            **hospital,
        ),
        *rules_at(
            (L.DISTRICT_HOSPITAL, L.REGIONAL_HOSPITAL, L.IMAGING),
            (S.IMAGING,),
            rate_bp=5000,
            ceiling_per_act=40_000,
            ceiling_per_year=80_000,
            **hospital,
        ),
        *excluded(S.OPTICAL, S.DENTAL),
    )


def family_coverage() -> tuple[PlannedCoverage, ...]:
    """A mutual's own flat-rate package: 70 % of primary care, a little dental care."""
    return (
        *rules_at((L.HEALTH_POST, L.HEALTH_CENTRE), PRIMARY_CARE, rate_bp=7000),
        PlannedCoverage(S.MEDICINES, L.PHARMACY, rate_bp=5000, ceiling_per_year=50_000),
        *rules_at(
            (L.DISTRICT_HOSPITAL,),
            (S.HOSPITALISATION, S.CAESAREAN, S.SURGERY),
            rate_bp=7000,
            ceiling_per_year=200_000,
            guarantee_letter_required=True,
        ),
        PlannedCoverage(S.DENTAL, L.HEALTH_CENTRE, rate_bp=5000, ceiling_per_year=25_000),
        PlannedCoverage(S.OPTICAL, L.HEALTH_CENTRE, rate_bp=0, excluded=True),
    )


def plan_benefits(
    today: datetime.date,
    *,
    national_union: str,
    departmental_union: str,
    department_name: str,
    own_package_mutual: str,
) -> BenefitsPlan:
    """The demo's payers and packages around `today`: the same date gives the same plan."""
    current = datetime.date(today.year - 2, 1, 1)
    original = datetime.date(today.year - 7, 1, 1)
    state_shares = ((STATE, "", 5000), (STATE, Category.INDIGENT, 10000))
    payers = (
        PlannedPayer(STATE, "État du Sénégal — Agence de la CMU", PayerKind.STATE, national_union),
        PlannedPayer(
            LOCAL_AUTHORITY,
            f"Conseil départemental {of(department_name)}",
            PayerKind.LOCAL_AUTHORITY,
            departmental_union,
        ),
        PlannedPayer(
            SOCIAL_FUND, "Fonds social UM-PAMECAS", PayerKind.MFI_SOCIAL_FUND, own_package_mutual
        ),
    )
    national = PlannedPackage(
        code=NATIONAL_PACKAGE,
        name="Paquet de base CMU",
        owner=national_union,
        description=(
            "Paquet de base de la Couverture maladie universelle : 7 000 FCFA par bénéficiaire "
            "et par an, dont 50 % pris en charge par l'État (100 % pour les indigents)."
        ),
        versions=(
            PlannedVersion(
                valid_from=original,
                contribution=7000,
                registration_fee=1000,
                grace_days=60,
                subsidies=state_shares,
                coverage=national_coverage(),
            ),
            PlannedVersion(
                valid_from=current,
                contribution=7000,
                registration_fee=1000,
                subsidies=state_shares,
                waiting_days_by_service=((S.CHILDBIRTH, 270),),
                coverage=national_coverage(),
            ),
        ),
    )
    union = PlannedPackage(
        code=UNION_PACKAGE,
        name="Paquet complémentaire UDAM",
        owner=departmental_union,
        description=(
            "Paquet de l'union départementale : soins de base et hospitalisation à 80 %, "
            "césarienne comprise ; cotisation semestrielle."
        ),
        versions=(
            PlannedVersion(
                valid_from=current,
                contribution=4000,
                period=PeriodUnit.SEMESTER,
                registration_fee=1000,
                waiting_days=60,
                subsidies=(
                    *state_shares,
                    (LOCAL_AUTHORITY, Category.ADULT, 1000),
                    (LOCAL_AUTHORITY, Category.CHILD, 1000),
                ),
                waiting_days_by_service=((S.CHILDBIRTH, 270),),
                coverage=union_coverage(),
            ),
        ),
    )
    family = PlannedPackage(
        code=MUTUAL_PACKAGE,
        name="Forfait famille",
        owner=own_package_mutual,
        description=(
            "Forfait par ménage : 24 000 FCFA par an, dont 30 % payés par le fonds social du "
            "réseau ; la part du membre est prélevée sur son compte d'épargne."
        ),
        versions=(
            PlannedVersion(
                valid_from=current,
                contribution=24000,
                contribution_basis=ContributionBasis.PER_HOUSEHOLD,
                registration_fee=2000,
                max_household_size=10,
                subsidies=((SOCIAL_FUND, "", 3000),),
                coverage=family_coverage(),
            ),
        ),
    )
    return BenefitsPlan(payers, (national, union, family))


def of(name: str) -> str:
    return f"d'{name}" if name[0] in "AEIOUÉÈÊ" else f"de {name}"


def own_package_mutual(mutuals: Sequence[tuple[str, str]]) -> str:
    """The code of the mutual that defines its own package, among (code, mutual type) pairs in
    code order."""
    for mutual_type in OWN_PACKAGE_TYPES:
        for code, kind in mutuals:
            if kind == mutual_type:
                return code
    return mutuals[-1][0]


def planned_terms(version: PlannedVersion) -> Terms:
    """A planned version in the terms every rule reads (benefits.terms), before it is written:
    payers are named by their codes."""
    covered = {rule.service for rule in version.coverage if not rule.excluded}
    return Terms(
        valid_from=version.valid_from,
        period=version.period,
        per_household=version.contribution_basis == ContributionBasis.PER_HOUSEHOLD,
        contribution=version.contribution,
        registration_fee=version.registration_fee,
        subsidies=version.subsidies,
        waiting_days=version.waiting_days,
        waiting_days_by_service=dict(version.waiting_days_by_service),
        grace_days=version.grace_days,
        excluded_services=frozenset(
            rule.service
            for rule in version.coverage
            if rule.excluded and rule.service not in covered
        ),
        child_age_limit=version.child_age_limit,
        spouses_allowed=version.spouses_allowed,
        other_dependents_allowed=version.other_dependents_allowed,
        max_household_size=version.max_household_size,
    )


# --- writing the plan -------------------------------------------------------------------------


def write_benefits(plan: BenefitsPlan, organisations: Mapping[str, Organisation]) -> dict[str, Any]:
    """Writes the plan with bulk inserts and returns the handles documented at the top."""
    payers = [
        Payer(owner=organisations[p.owner], code=p.code, name=p.name, kind=p.kind)
        for p in plan.payers
    ]
    Payer.objects.bulk_create(payers)
    payer_by_code = {payer.code: payer for payer in payers}
    packages = [
        BenefitPackage(
            owner=organisations[p.owner], code=p.code, name=p.name, description=p.description
        )
        for p in plan.packages
    ]
    BenefitPackage.objects.bulk_create(packages)
    versions = [
        (
            spec,
            PackageVersion(
                package=package,
                valid_from=spec.valid_from,
                contribution_basis=spec.contribution_basis,
                period=spec.period,
                contribution=spec.contribution,
                registration_fee=spec.registration_fee,
                waiting_days=spec.waiting_days,
                grace_days=spec.grace_days,
                child_age_limit=spec.child_age_limit,
                spouses_allowed=spec.spouses_allowed,
                other_dependents_allowed=spec.other_dependents_allowed,
                max_household_size=spec.max_household_size,
            ),
        )
        for planned, package in zip(plan.packages, packages, strict=True)
        for spec in planned.versions
    ]
    PackageVersion.objects.bulk_create([version for _spec, version in versions])
    SubsidyRule.objects.bulk_create(
        SubsidyRule(version=version, payer=payer_by_code[code], category=category, share_bp=bp)
        for spec, version in versions
        for code, category, bp in spec.subsidies
    )
    WaitingPeriod.objects.bulk_create(
        WaitingPeriod(version=version, service_category=service, days=days)
        for spec, version in versions
        for service, days in spec.waiting_days_by_service
    )
    CoverageRule.objects.bulk_create(
        CoverageRule(
            version=version,
            service_category=rule.service,
            level=rule.level,
            rate_bp=rule.rate_bp,
            ceiling_per_act=rule.ceiling_per_act,
            ceiling_per_episode=rule.ceiling_per_episode,
            ceiling_per_year=rule.ceiling_per_year,
            guarantee_letter_required=rule.guarantee_letter_required,
            excluded=rule.excluded,
        )
        for spec, version in versions
        for rule in spec.coverage
    )
    package_versions: dict[str, list[PackageVersion]] = {p.code: [] for p in packages}
    for _spec, version in versions:
        package_versions[version.package.code].append(version)
    # in the owner's log, as payer_create, package_create and package_version_add append them
    for payer in payers:
        append_all(payer.owner_id, [events.payer_created(payer)])
    for package in packages:
        append_all(
            package.owner_id,
            [
                events.package_created(package),
                *(events.version_added(version) for version in package_versions[package.code]),
            ],
        )
    return {
        "benefits": plan,
        "payers": payer_by_code,
        "packages": {package.code: package for package in packages},
        "package_versions": package_versions,
        "national_package": NATIONAL_PACKAGE,
    }


# --- the demo protocol (core/demo.py) ---------------------------------------------------------


def add_arguments(parser) -> None:
    """Packages are reference data: no option."""


def has_data() -> bool:
    return BenefitPackage.objects.exists()


def demo_today(demo: Demo) -> datetime.date:
    """The date every generator builds around, read once for the whole demo."""
    return demo.made.setdefault("today", timezone.localdate())


def generate(demo: Demo) -> None:
    today = demo_today(demo)
    organisations = demo.made["organisations"]
    demo_mutual = demo.made["demo_mutual"]
    union = demo_mutual.parent
    mutuals = demo.made["mutuals"]
    plan = plan_benefits(
        today,
        national_union=demo.made["national_union"].code,
        departmental_union=union.code,
        department_name=union.location.name if union.location else union.name,
        own_package_mutual=own_package_mutual([(m.code, m.mutual_type) for m in mutuals]),
    )
    made = write_benefits(plan, organisations)
    demo.made.update(made)
    demo.log(
        f"Benefits: {len(plan.packages)} packages "
        f"({', '.join(p.name for p in plan.packages)}), {len(plan.payers)} third payers."
    )
