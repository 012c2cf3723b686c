"""The only writers of benefit packages (domain-rules.md §3). A package changes by a new version
from
a date: the past is never rewritten."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.benefits import events
from mutualis.benefits.models import (
    BenefitPackage,
    CategoryContribution,
    CoverageRule,
    PackageVersion,
    Payer,
    SubsidyRule,
    WaitingPeriod,
)
from mutualis.core.access import ancestor_paths
from mutualis.core.audit import audit_created
from mutualis.core.events import append
from mutualis.core.formats import format_date
from mutualis.core.ids import new_uid
from mutualis.core.money import BASIS_POINTS
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import PACKAGE_EDITORS
from mutualis.federation.services import require_in_scope_as


def full_clean_or_raise(obj: Model) -> None:
    obj.full_clean(validate_constraints=False)


def subsidy_totals(subsidies: Sequence[tuple[Payer, str, int]]) -> dict[str, int]:
    """The payers' total share for each category, a rule for a category replacing the same
    payer's rule for all categories (as contributions.rules applies them)."""
    general = {payer: points for payer, category, points in subsidies if category == ""}
    totals = {"": sum(general.values())}
    for category in {category for _payer, category, _points in subsidies if category}:
        shares = dict(general)
        shares.update({p: points for p, c, points in subsidies if c == category})
        totals[category] = sum(shares.values())
    return totals


def pays_for(payer: Payer, organisation: Organisation) -> bool:
    """Whether a third payer pays for the members of `organisation`: a payer defined by it or by
    a union above it does; one of another mutual or union pays nothing of theirs."""
    return payer.owner.path in ancestor_paths(organisation.path)


@transaction.atomic
def payer_create(*, by: User | None, owner: Organisation, code: str, name: str, kind: str) -> Payer:
    """Adds a third payer (the State, a commune, an NGO, a microfinance social fund)."""
    require_in_scope_as(by, PACKAGE_EDITORS, owner, "owner")
    if Payer.objects.filter(owner=owner, code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used.") % {"code": code}})
    payer = Payer(owner=owner, code=code, name=name, kind=kind)
    full_clean_or_raise(payer)
    payer.save()
    audit_created(actor=by, obj=payer)
    append(owner.pk, events.payer_created(payer), by)
    return payer


@transaction.atomic
def package_create(
    *, by: User | None, owner: Organisation, code: str, name: str, description: str = ""
) -> BenefitPackage:
    """Adds a package defined by a mutual, or by a union for all its mutuals."""
    require_in_scope_as(by, PACKAGE_EDITORS, owner, "owner")
    if owner.kind not in {"mutual", "national_union", "regional_union", "departmental_union"}:
        raise ValidationError({"owner": _("Only a mutual or a union defines benefit packages.")})
    if BenefitPackage.objects.filter(owner=owner, code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used.") % {"code": code}})
    package = BenefitPackage(owner=owner, code=code, name=name, description=description)
    full_clean_or_raise(package)
    package.save()
    audit_created(actor=by, obj=package)
    append(owner.pk, events.package_created(package), by)
    return package


@transaction.atomic
def package_version_add(
    *,
    by: User | None,
    package: BenefitPackage,
    valid_from: datetime.date,
    amounts_by_category: Mapping[str, int] | None = None,
    subsidies: Sequence[tuple[Payer, str, int]] = (),
    waiting_days_by_service: Mapping[str, int] | None = None,
    coverage: Sequence[Mapping[str, Any]] = (),
    allow_past: bool = False,
    **terms: Any,
) -> PackageVersion:
    """Adds the version of a package in force from `valid_from`.

    A new version starts after the latest one and, once a package has a version, not before
    today unless `allow_past` (setting up a mutual's history): a change never rewrites the
    past. All versions keep the package's contribution period (a change of period is a new
    package), and where they start (the calendar or each household's enrolment), so that
    periods stay comparable across versions.
    """
    require_in_scope_as(by, PACKAGE_EDITORS, package.owner, "package")
    latest = package.versions.order_by("-valid_from").first()
    errors: dict[str, list[str]] = {}
    if latest is not None:
        if valid_from <= latest.valid_from:
            errors.setdefault("valid_from", []).append(
                _("A new version must start after the current one (%(date)s).")
                % {"date": format_date(latest.valid_from)}
            )
        elif valid_from < timezone.localdate() and not allow_past:
            errors.setdefault("valid_from", []).append(
                _("A new version cannot start in the past: it would rewrite what was decided.")
            )
        if terms.get("period", latest.period) != latest.period:
            errors.setdefault("period", []).append(
                _("The contribution period of a package cannot change; create a new package.")
            )
        if terms.get("period_anchor", latest.period_anchor) != latest.period_anchor:
            errors.setdefault("period_anchor", []).append(
                _("Where the periods start cannot change; create a new package.")
            )
    version = PackageVersion(package=package, valid_from=valid_from, **terms)
    try:
        version.full_clean(exclude=["package"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    for payer in sorted({payer for payer, _c, _p in subsidies}, key=lambda payer: payer.name):
        if not pays_for(payer, package.owner):
            errors.setdefault("subsidies", []).append(
                _(
                    "%(payer)s does not pay for this package's members: a third payer is one of "
                    "the package's owner or of a union above it."
                )
                % {"payer": payer.name}
            )
    if any(not 0 <= points <= BASIS_POINTS for _payer, _category, points in subsidies):
        errors.setdefault("subsidies", []).append(_("A share is between 0 and 100 %."))
    elif any(total > BASIS_POINTS for total in subsidy_totals(subsidies).values()):
        errors.setdefault("subsidies", []).append(
            _("The third payers' shares add up to more than 100 %.")
        )
    if errors:
        raise ValidationError(errors)
    version.save()
    CategoryContribution.objects.bulk_create(
        CategoryContribution(version=version, category=category, amount=amount)
        for category, amount in (amounts_by_category or {}).items()
    )
    SubsidyRule.objects.bulk_create(
        SubsidyRule(version=version, payer=payer, category=category, share_bp=points)
        for payer, category, points in subsidies
    )
    WaitingPeriod.objects.bulk_create(
        WaitingPeriod(version=version, service_category=service, days=days)
        for service, days in (waiting_days_by_service or {}).items()
    )
    rules = [CoverageRule(version=version, **rule) for rule in coverage]
    for rule in rules:
        rule.full_clean(exclude=["version"], validate_constraints=False)
    CoverageRule.objects.bulk_create(rules)
    BenefitPackage.objects.filter(pk=package.pk).update(rules_revision=new_uid())
    package.refresh_from_db(fields=["rules_revision"])
    audit_created(actor=by, obj=version)
    append(package.owner_id, events.version_added(version), by)
    return version
