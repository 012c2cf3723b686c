"""The only writers of providers, the list of acts and medicines, and agreements (domain-rules.md
§5–8).

Each service validates, writes and records the audit trail in one transaction: bad input raises
ValidationError naming the field, in the user's language, and changes nothing. The two imports
return a report instead, each bad row with its row, column and rule, and save all or nothing.

Who may change what is the views' business (roles); services check that the organisations
they are handed lie in the acting user's scope, as every service does.
"""

import datetime
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mutualis.core.access import ancestor_paths
from mutualis.core.audit import audit_created, audit_record, changes_between, snapshot
from mutualis.core.events import append
from mutualis.core.formats import format_date
from mutualis.core.imports import Column, Problem, Table, read_table
from mutualis.core.models import AuditEntry
from mutualis.federation.models import Location, Organisation, RoleGrant, User
from mutualis.federation.rules import (
    AGREEMENT_EDITORS,
    ITEM_EDITORS,
    PROVIDER_EDITORS,
    UNIONS,
    Kind,
    Role,
    is_within,
)
from mutualis.federation.services import require_in_scope_as
from mutualis.providers import events, imports
from mutualis.providers.models import Agreement, AgreementVersion, MedicalItem, Provider, Tariff
from mutualis.providers.queries import items_available_to
from mutualis.providers.rules import DEFAULT_LEVEL, max_quantity_error, max_quantity_for

PROVIDER_FIELDS = frozenset(
    {
        "code",
        "name",
        "kind",
        "level",
        "sector",
        "location",
        "address",
        "phone",
        "email",
        "contact_name",
        "active",
    }
)
VERSION_TERMS = (
    "payment_days",
    "invoicing_period",
    "submission_days",
    "identity_check",
    "referral_required",
    "obligations",
)
# Who registers providers and signs agreements: a union for its mutuals, or a mutual.
PARTY_KINDS = UNIONS | {Kind.MUTUAL}


def merge(errors: dict[str, list[str]], error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        errors.setdefault(name, []).extend(messages)


# --- providers -------------------------------------------------------------------------------


def staff_names(staff: Collection[User]) -> list[str]:
    return sorted(user.username for user in staff)


def check_provider(by: User | None, provider: Provider, new_staff: Collection[User]) -> None:
    """Checks a provider before it is saved, with the clerks it gains."""
    errors: dict[str, list[str]] = {}
    if provider.owner.kind not in PARTY_KINDS:
        errors["owner"] = [_("Providers are registered by a union or a mutual.")]
    if Provider.objects.filter(code=provider.code).exclude(pk=provider.pk).exists():
        errors["code"] = [_("The code %(code)s is already used.") % {"code": provider.code}]
    if provider.location is not None and provider.location.level != Location.Level.COMMUNE:
        errors["location"] = [_("Choose the commune where the provider is.")]
    clerks = set(
        RoleGrant.objects.filter(user__in=new_staff, role=Role.PROVIDER_CLERK).values_list(
            "user_id", flat=True
        )
    )
    for user in new_staff:
        if user.pk not in clerks:
            errors.setdefault("staff", []).append(
                _("%(name)s is not a provider clerk.") % {"name": user}
            )
        elif by is not None and not is_within(user.organisation.path, by.scope_prefix or "-"):
            errors.setdefault("staff", []).append(
                _("%(name)s is outside your scope.") % {"name": user}
            )
    try:
        provider.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        merge(errors, error)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def provider_create(
    *, by: User | None, owner: Organisation, staff: Collection[User] = (), **fields: Any
) -> Provider:
    """Registers a health provider, known to the owner and to everything below it. The level
    of care is the usual one of its kind unless given (rules.DEFAULT_LEVEL)."""
    unknown = set(fields) - PROVIDER_FIELDS
    if unknown:
        raise TypeError(f"not an editable field: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, PROVIDER_EDITORS, owner, "owner")
    provider = Provider(owner=owner, **fields)
    if not provider.level and provider.kind in DEFAULT_LEVEL:
        provider.level = DEFAULT_LEVEL[provider.kind]
    check_provider(by, provider, staff)
    provider.save()
    provider.staff.set(staff)
    changes = changes_between({}, snapshot(provider))
    changes["staff"] = [None, staff_names(staff)]
    audit_record(actor=by, action=AuditEntry.Action.CREATE, obj=provider, changes=changes)
    append(provider.owner_id, events.provider_event(events.REGISTERED, provider), by)
    return provider


@transaction.atomic
def provider_update(
    *, by: User | None, provider: Provider, staff: Collection[User] | None = None, **fields: Any
) -> None:
    """Changes a provider's details and, when given, its clerks."""
    unknown = set(fields) - PROVIDER_FIELDS
    if unknown:
        raise TypeError(f"not an editable field: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, PROVIDER_EDITORS, provider.owner, "owner")
    before = snapshot(provider)
    present = list(provider.staff.all())
    for name, value in fields.items():
        setattr(provider, name, value)
    if not provider.level and provider.kind in DEFAULT_LEVEL:
        provider.level = DEFAULT_LEVEL[provider.kind]
    # A clerk kept is not checked again: another organisation may have named them.
    check_provider(by, provider, [user for user in staff or () if user not in present])
    provider.save()
    changes = changes_between(before, snapshot(provider))
    if staff is not None:
        provider.staff.set(staff)
        if staff_names(staff) != staff_names(present):
            changes["staff"] = [staff_names(present), staff_names(staff)]
    if changes:
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, obj=provider, changes=changes)
    if set(changes) & set(events.SAID):
        append(provider.owner_id, events.provider_event(events.CHANGED, provider), by)


# --- acts and medicines ----------------------------------------------------------------------


def check_item_owner(owner: Organisation) -> str | None:
    if owner.kind not in UNIONS:
        return _(
            "Acts and medicines are defined by a union: the national union for the national "
            "list, another union for what it adds for its mutuals."
        )
    return None


@transaction.atomic
def item_create(
    *,
    by: User | None,
    owner: Organisation,
    code: str,
    label: str,
    kind: str,
    service_category: str,
    level: str = "",
    max_quantity: int | None = None,
    min_days_between: int | None = None,
) -> MedicalItem:
    """Adds an act, a medicine or a flat fee to a union's list: the national union's is the
    national list; another union's items extend it for its mutuals, and one with a code of the
    national list replaces the national item for them (queries.items_available_to)."""
    require_in_scope_as(by, ITEM_EDITORS, owner, "owner")
    errors: dict[str, list[str]] = {}
    if message := check_item_owner(owner):
        errors["owner"] = [message]
    if MedicalItem.objects.filter(owner=owner, code=code).exists():
        errors["code"] = [_("The code %(code)s is already used.") % {"code": code}]
    if message := max_quantity_error(kind, max_quantity):
        errors["max_quantity"] = [message]
    item = MedicalItem(
        owner=owner,
        code=code,
        label=label,
        kind=kind,
        service_category=service_category,
        level=level,
        max_quantity=max_quantity_for(kind, max_quantity),
        min_days_between=min_days_between,
    )
    try:
        item.full_clean(exclude=["owner"], validate_constraints=False)
    except ValidationError as error:
        merge(errors, error)
    if errors:
        raise ValidationError(errors)
    item.save()
    audit_created(actor=by, obj=item)
    return item


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0  # the rows read (blank rows are not counted)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    saved: bool = False


def import_summary(report: ImportReport) -> str:
    return _(
        "%(rows)s rows read: %(created)s added, %(updated)s changed, %(unchanged)s unchanged."
    ) % {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }


def read_rows(
    report: ImportReport,
    content: bytes,
    columns: Sequence[Column],
    parse: Callable[[Table], tuple[list[Any], list[Problem]]],
) -> tuple[list[Any], dict[str, str]]:
    """The rows of a file checked by `parse`, and the file's names of its columns (none when it
    could not be read); what is wrong goes into the report."""
    table, errors, warnings = read_table(report.file_name, content, columns)
    report.errors.extend(errors)
    report.warnings.extend(warnings)
    if table is None:
        return [], {}
    rows, problems = parse(table)
    report.rows = len(table.rows)
    report.errors.extend(problems)
    if not rows and not problems:
        report.errors.append(Problem(None, "", _("The file holds nothing to import.")))
    return rows, table.labels


def items_import(
    *, by: User | None, owner: Organisation, file_name: str, content: bytes, language: str = "fr"
) -> ImportReport:
    """Imports a list of acts and medicines (.xlsx or CSV, the template of imports.py) into a
    union's list. A row whose code the union's list holds updates that item; the others are
    added. Nothing is saved from a file with an error; importing the same file again changes
    nothing. Each item added or changed has its entry in the audit trail."""
    require_in_scope_as(by, ITEM_EDITORS, owner, "owner")
    with translation.override(language):
        report = ImportReport(file_name=file_name)
        if message := check_item_owner(owner):
            report.errors.append(Problem(None, "", message))
            return report
        rows, _labels = read_rows(report, content, imports.ITEM_COLUMNS, imports.item_rows)
        if report.errors:
            return report
        with transaction.atomic():
            known = {
                item.code: item
                for item in MedicalItem.objects.select_for_update().filter(
                    owner=owner, code__in=[row.code for row in rows]
                )
            }
            for row in rows:
                item = known.get(row.code)
                if item is None:
                    item = MedicalItem(owner=owner, code=row.code, **row.values())
                    item.save()
                    audit_created(actor=by, obj=item)
                    report.created += 1
                    continue
                before = snapshot(item)
                for name, value in row.values().items():
                    setattr(item, name, value)
                changes = changes_between(before, snapshot(item))
                if not changes:
                    report.unchanged += 1
                    continue
                item.save()
                audit_record(actor=by, action=AuditEntry.Action.UPDATE, obj=item, changes=changes)
                report.updated += 1
            report.saved = True
        return report


# --- agreements ------------------------------------------------------------------------------


def known_to(provider: Provider, party: Organisation) -> bool:
    """A party contracts with a provider registered by itself, above it or below it."""
    owner_path = provider.owner.path
    return owner_path in ancestor_paths(party.path) or is_within(owner_path, party.path)


@transaction.atomic
def agreement_create(
    *,
    by: User | None,
    provider: Provider,
    party: Organisation,
    reference: str,
    signed_on: datetime.date,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    **terms: Any,
) -> Agreement:
    """Records an agreement (convention) between a provider and a mutual, or a union for all its
    mutuals, with its first version of terms from the day it starts. Its tariffs are set next
    (tariffs_update, tariffs_import)."""
    unknown = set(terms) - set(VERSION_TERMS)
    if unknown:
        raise TypeError(f"not a term of an agreement: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, AGREEMENT_EDITORS, party, "party")
    errors: dict[str, list[str]] = {}
    if party.kind not in PARTY_KINDS:
        errors["party"] = [_("Agreements are signed by a mutual or a union.")]
    if not known_to(provider, party):
        errors["provider"] = [
            _("This provider is registered outside the organisation's union: it cannot sign.")
        ]
    elif not provider.active:
        errors["provider"] = [_("This provider is no longer active.")]
    if Agreement.objects.filter(party=party, reference=reference).exists():
        errors["reference"] = [
            _("The reference %(reference)s is already used.") % {"reference": reference}
        ]
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("An agreement ends after it starts.")]
    agreement = Agreement(
        provider=provider,
        party=party,
        reference=reference,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    version = AgreementVersion(agreement=agreement, valid_from=starts_on, **terms)
    for obj, exclude in ((agreement, ["provider", "party"]), (version, ["agreement"])):
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            merge(errors, error)
    if errors:
        raise ValidationError(errors)
    agreement.save()
    version.agreement = agreement
    version.save()
    audit_created(actor=by, obj=agreement)
    audit_created(actor=by, obj=version)
    return agreement


@transaction.atomic
def agreement_version_add(
    *, by: User | None, agreement: Agreement, valid_from: datetime.date, **terms: Any
) -> AgreementVersion:
    """Adds the terms of an agreement from `valid_from`: the terms not given and every tariff
    are those of the latest version, to be changed next. A new version starts after the latest
    one, never before it, and while the agreement runs: what was agreed before is never
    rewritten."""
    unknown = set(terms) - set(VERSION_TERMS)
    if unknown:
        raise TypeError(f"not a term of an agreement: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, AGREEMENT_EDITORS, agreement.party, "agreement")
    latest = (
        AgreementVersion.objects.select_for_update()
        .filter(agreement=agreement)
        .order_by("-valid_from")
        .first()
    )
    errors: dict[str, list[str]] = {}
    if latest is not None and valid_from <= latest.valid_from:
        errors["valid_from"] = [
            _("A new version starts after the latest one (%(date)s): the past is not rewritten.")
            % {"date": format_date(latest.valid_from)}
        ]
    elif valid_from < agreement.starts_on:
        errors["valid_from"] = [
            _("The agreement starts on %(date)s.") % {"date": format_date(agreement.starts_on)}
        ]
    elif agreement.ends_on is not None and valid_from > agreement.ends_on:
        errors["valid_from"] = [
            _("The agreement ended on %(date)s.") % {"date": format_date(agreement.ends_on)}
        ]
    inherited = {name: getattr(latest, name) for name in VERSION_TERMS} if latest else {}
    version = AgreementVersion(agreement=agreement, valid_from=valid_from, **{**inherited, **terms})
    try:
        version.full_clean(exclude=["agreement"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        merge(errors, error)
    if errors:
        raise ValidationError(errors)
    version.save()
    if latest is not None:
        Tariff.objects.bulk_create(
            Tariff(version=version, item_id=item_id, price=price)
            for item_id, price in latest.tariffs.values_list("item_id", "price")
        )
    audit_created(actor=by, obj=version)
    return version


def check_latest(version: AgreementVersion) -> None:
    latest = (
        AgreementVersion.objects.select_for_update()
        .filter(agreement_id=version.agreement_id)
        .order_by("-valid_from")
        .first()
    )
    if latest is None or latest.pk != version.pk:
        raise ValidationError(
            {
                "version": _(
                    "Only the tariffs of the agreement's latest version change; an earlier "
                    "version is the record of what was agreed."
                )
            }
        )


def codes_to_items(version: AgreementVersion) -> dict[str, int]:
    """The acts an agreement may price, code → item id: those available to its party."""
    return dict(items_available_to(version.agreement.party).values_list("code", "pk"))


def prices_apply(
    *, by: User | None, version: AgreementVersion, prices: Mapping[int, int], keep: bool
) -> int:
    """Sets the prices of a version, item id → price; without `keep`, the tariffs not in
    `prices` are removed. One audit entry on the version names the prices that changed, as
    {code: price} before and after. Returns the number of tariffs added, changed or removed."""
    require_in_scope_as(by, AGREEMENT_EDITORS, version.agreement.party, "agreement")
    available = set(codes_to_items(version).values())
    if any(item_id not in available for item_id in prices):
        # an act of another union's list is not the party's to price (codes_to_items)
        raise ValidationError(
            {"tariffs": _("An act priced is not in the list of acts and medicines of the party.")}
        )
    current = {
        item_id: (pk, price)
        for pk, item_id, price in version.tariffs.values_list("pk", "item_id", "price")
    }
    added = [item_id for item_id in prices if item_id not in current]
    changed = [
        item_id
        for item_id, price in prices.items()
        if item_id in current and current[item_id][1] != price
    ]
    removed = [] if keep else [item_id for item_id in current if item_id not in prices]
    if not (added or changed or removed):
        return 0
    Tariff.objects.bulk_create(
        Tariff(version=version, item_id=item_id, price=prices[item_id]) for item_id in added
    )
    for item_id in changed:
        Tariff.objects.filter(pk=current[item_id][0]).update(price=prices[item_id])
    Tariff.objects.filter(pk__in=[current[item_id][0] for item_id in removed]).delete()
    touched = [*added, *changed, *removed]
    codes = dict(MedicalItem.objects.filter(pk__in=touched).values_list("pk", "code"))
    audit_record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        obj=version,
        changes={
            "tariffs": [
                {codes[i]: current[i][1] for i in touched if i in current},
                {codes[i]: prices[i] for i in touched if i in prices},
            ]
        },
    )
    return len(touched)


@transaction.atomic
def tariffs_update(*, by: User | None, version: AgreementVersion, prices: Mapping[str, int]) -> int:
    """Sets the tariffs of an agreement's latest version to `prices` (code → agreed price):
    prices change, codes absent are no longer covered. Codes are those of the acts available to
    the agreement's party (queries.items_available_to). Returns the number of tariffs added,
    changed or removed."""
    require_in_scope_as(by, AGREEMENT_EDITORS, version.agreement.party, "agreement")
    check_latest(version)
    items = codes_to_items(version)
    errors = [
        _("Unknown code %(code)s: it is not in the list of acts and medicines.") % {"code": code}
        for code in prices
        if code not in items
    ]
    if any(price < 0 for price in prices.values()):
        errors.append(_("A price is a whole amount, 0 or more."))
    if errors:
        raise ValidationError({"tariffs": errors})
    return prices_apply(
        by=by,
        version=version,
        prices={items[code]: price for code, price in prices.items()},
        keep=False,
    )


def tariffs_import(
    *,
    by: User | None,
    version: AgreementVersion,
    file_name: str,
    content: bytes,
    language: str = "fr",
) -> ImportReport:
    """Imports a price list (.xlsx or CSV: code, price) into an agreement's latest version: the
    prices of the file replace those of the same acts, the others stay. All or nothing: a file
    with an error saves nothing. Importing the same file again changes nothing."""
    require_in_scope_as(by, AGREEMENT_EDITORS, version.agreement.party, "agreement")
    with translation.override(language):
        report = ImportReport(file_name=file_name)
        rows, labels = read_rows(report, content, imports.TARIFF_COLUMNS, imports.price_rows)
        if not labels:  # the file could not be read
            return report
        with transaction.atomic():
            try:
                check_latest(version)
            except ValidationError as error:
                report.errors.extend(Problem(None, "", message) for message in error.messages)
            items = codes_to_items(version)
            report.errors.extend(
                Problem(
                    row.number,
                    labels["code"],
                    _("Unknown code %(code)s: it is not in the list of acts and medicines.")
                    % {"code": row.code},
                )
                for row in rows
                if row.code not in items
            )
            report.errors.sort(key=lambda problem: problem.row or 0)
            if report.errors:
                return report
            current = dict(version.tariffs.values_list("item_id", "price"))
            prices = {items[row.code]: row.price for row in rows}
            report.created = sum(item_id not in current for item_id in prices)
            report.updated = sum(
                item_id in current and current[item_id] != price
                for item_id, price in prices.items()
            )
            report.unchanged = len(prices) - report.created - report.updated
            prices_apply(by=by, version=version, prices=prices, keep=True)
            report.saved = True
        return report
