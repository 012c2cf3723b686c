"""The events of third payers and benefit packages, in the log (core.events) of their owner (a
mutual, or a union for all its mutuals), in the transaction of the change, version 1:

- `payer.created`, about the third payer: {"payer", "code", "name", "kind"};
- `package.created`: {"package", "code", "name"};
- `package.version_added`, about the version: {"package", "version", "terms": the version's own
  fields, "amounts_by_category": {category: amount}, "subsidies": [{"payer", "category",
  "share_bp"}], "waiting_days_by_service": {service: days}, "coverage": [the fields of each
  coverage rule]}.

Uids as strings, dates ISO, amounts integers in the owner's currency, rates in basis points.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.benefits.models import BenefitPackage, PackageVersion, Payer
from mutualis.core.audit import snapshot
from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind

# what identifies a row, not what it says
IDENTITY = {"id", "uid", "version", "package"}


def own_fields(row) -> dict:
    return {name: value for name, value in snapshot(row).items() if name not in IDENTITY}


def payer_created(payer: Payer) -> NewEvent:
    return NewEvent(
        "payer.created",
        payer.uid,
        {"payer": str(payer.uid), "code": payer.code, "name": payer.name, "kind": payer.kind},
    )


def package_created(package: BenefitPackage) -> NewEvent:
    return NewEvent(
        "package.created",
        package.uid,
        {"package": str(package.uid), "code": package.code, "name": package.name},
    )


def version_added(version: PackageVersion) -> NewEvent:
    return NewEvent(
        "package.version_added",
        version.uid,
        {
            "package": str(version.package.uid),
            "version": str(version.uid),
            "terms": own_fields(version),
            "amounts_by_category": {
                row.category: row.amount for row in version.category_contributions.all()
            },
            "subsidies": [
                {"payer": str(rule.payer.uid), "category": rule.category, "share_bp": rule.share_bp}
                for rule in version.subsidies.select_related("payer")
            ],
            "waiting_days_by_service": {
                row.service_category: row.days for row in version.waiting_periods.all()
            },
            "coverage": [own_fields(rule) for rule in version.coverage_rules.all()],
        },
    )


TRACES = [
    Trace("third payers", Payer.objects.all, ("payer.created",)),
    Trace("benefit packages", BenefitPackage.objects.all, ("package.created",)),
    Trace("package versions", PackageVersion.objects.all, ("package.version_added",)),
]


KINDS = [
    Kind("payer.created", _("Third payer created")),
    Kind("package.created", _("Package created")),
    Kind("package.version_added", _("Package version added")),
]
