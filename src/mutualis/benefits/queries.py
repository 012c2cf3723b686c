"""Reads of benefit packages."""

import uuid
from functools import lru_cache

from django.db.models import QuerySet

from mutualis.benefits.models import BenefitPackage, PackageVersion
from mutualis.core.access import ancestor_paths, scoped
from mutualis.federation.models import Organisation


def packages_available_to(mutual: Organisation) -> QuerySet[BenefitPackage]:
    """The packages a mutual may enrol households in: its own and those of its unions."""
    return BenefitPackage.objects.filter(owner__path__in=ancestor_paths(mutual.path)).order_by(
        "name"
    )


def packages_visible(user) -> QuerySet[BenefitPackage]:
    """Packages a user may read: those owned inside their scope and those of the unions above
    (which apply to the mutuals they see)."""
    return scoped(BenefitPackage.objects.select_related("owner"), user)


@lru_cache(maxsize=512)
def package_rules(package_id: int, rules_revision: uuid.UUID) -> tuple[PackageVersion, ...]:
    """The versions of a package with their rules, kept in memory for as long as the package's
    revision is the same: checking coverage then reads no package table at all. Every new
    version raises the revision, so a stale entry is never used."""
    return tuple(versions_with_rules([package_id]))


def versions_with_rules(package_ids) -> QuerySet[PackageVersion]:
    """Versions of packages with every rule they hold, in five queries whatever their number."""
    return (
        PackageVersion.objects.filter(package_id__in=package_ids)
        .prefetch_related(
            "category_contributions", "subsidies", "waiting_periods", "coverage_rules"
        )
        .order_by("package_id", "valid_from")
    )
