"""Reads of benefit packages."""

import uuid
from functools import lru_cache

from django.db.models import Q, QuerySet

from mutualis.benefits.models import BenefitPackage, PackageVersion
from mutualis.federation.models import Organisation


def owner_paths(organisation: Organisation) -> list[str]:
    """The paths of an organisation and of every union above it."""
    parts = organisation.path.strip("/").split("/")
    return ["/" + "/".join(parts[: depth + 1]) + "/" for depth in range(len(parts))]


def packages_available_to(mutual: Organisation) -> QuerySet[BenefitPackage]:
    """The packages a mutual may enrol households in: its own and those of its unions."""
    return BenefitPackage.objects.filter(owner__path__in=owner_paths(mutual)).order_by("name")


def packages_visible(user) -> QuerySet[BenefitPackage]:
    """Packages a user may read: those owned inside their scope, and those of the unions above
    their organisation (which apply to the mutuals they see)."""
    prefix = getattr(user, "scope_prefix", None)
    if not prefix:
        return BenefitPackage.objects.none()
    return BenefitPackage.objects.filter(
        Q(owner__path__startswith=prefix) | Q(owner__path__in=owner_paths(user.organisation))
    ).select_related("owner")


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
