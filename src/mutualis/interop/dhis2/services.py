"""Changes a union makes to its DHIS2 settings, and its pushes (docs/dhis2.md). Each checks the
acting user's role and scope first; a command acting as the system (by=None) may do anything.

A push is resumable: its organisation-months are cut into chunks in a fixed order (month by
month, organisation by organisation), each sent in one request, and `chunks_done` moves on only
once the server acknowledged a chunk with an import summary. A push stopped by the network, the
server or a crash starts again at the first chunk not acknowledged; DHIS2 imports a value it
already holds as an update, so a chunk sent twice does no harm."""

import datetime
import math
import re
import urllib.parse
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.audit import (
    audit_created,
    audit_deleted,
    audit_record,
    audit_updated,
    changes_between,
    snapshot,
)
from mutualis.core.bounds import check_line
from mutualis.core.models import AuditEntry
from mutualis.core.sealed import seal, unsealed
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import DHIS2_OFFICERS, UNIONS
from mutualis.federation.services import require_in_scope_as
from mutualis.interop.dhis2 import client, documents
from mutualis.interop.dhis2.models import ElementMap, IdScheme, OrgUnitMap, Push, Server
from mutualis.monitoring.figures import Month

# DHIS2's own identifiers: a letter, then ten letters or digits
UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
IDENTIFIER_MAX = 50
CHUNK_SIZE = 50  # organisation-months a request: about 50 × 70 values at most
MONTHS_AT_MOST = 36
# what the form takes; sealed (core.sealed), it fills the column's 500 characters at most
PASSWORD_LENGTH = 200


def require_union(union: Organisation) -> None:
    if union.kind not in UNIONS:
        raise ValidationError({"union": [_("DHIS2 is set by a union, for its organisations.")]})


def identifier_error(value: str, scheme: str) -> str | None:
    """Why `value` cannot name a DHIS2 object under `scheme`, or None."""
    if scheme == IdScheme.UID:
        if not UID.match(value):
            return _(
                "A DHIS2 UID is 11 letters or digits, the first a letter: %(value)s is not."
            ) % {"value": value[:60]}
        return None
    if len(value) > IDENTIFIER_MAX:
        return _("A code has at most %(count)s characters.") % {"count": IDENTIFIER_MAX}
    try:
        check_line(value)
    except ValidationError as error:
        return str(error.messages[0])
    return None


def url_error(base_url: str) -> str | None:
    """Why `base_url` cannot be a DHIS2 server's address, or None: http or https only (never a
    file, nor another scheme urllib would open), a host, and no credentials in it."""
    try:
        parts = urllib.parse.urlsplit(base_url)
        port = parts.port
    except ValueError:
        return _("This is not a web address.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Give the server's address starting with https:// (or http://).")
    if parts.username or parts.password:
        return _("Give the user name and the password in their own fields, not in the address.")
    if parts.query or parts.fragment:
        return _("Give the address without ? or # parts: the path up to /api.")
    del port
    return None


def union_scheme(union: Organisation) -> str:
    server = Server.objects.filter(union=union).first()
    return server.id_scheme if server else IdScheme.UID


@transaction.atomic
def server_set(
    *,
    by: User | None,
    union: Organisation,
    base_url: str,
    username: str,
    password: str,
    data_set: str,
    id_scheme: str,
) -> Server:
    """Sets the union's DHIS2 server. A blank password keeps the one kept; it is required the
    first time."""
    require_in_scope_as(by, DHIS2_OFFICERS, union, "union")
    require_union(union)
    server = Server.objects.filter(union=union).select_for_update().first()
    before = snapshot(server) if server else {}
    errors: dict[str, list[str]] = {}
    base_url, username, data_set = base_url.strip(), username.strip(), data_set.strip()
    if id_scheme not in IdScheme.values:
        errors["id_scheme"] = [_("Choose UID or code.")]
    if message := url_error(base_url):
        errors["base_url"] = [message]
    if not username:
        errors["username"] = [_("Give the DHIS2 user name the pushes sign in with.")]
    if not password and server is None:
        errors["password"] = [_("Give the DHIS2 user's password.")]
    elif len(password) > PASSWORD_LENGTH:
        errors["password"] = [
            _("A password of %(count)s characters at most.") % {"count": PASSWORD_LENGTH}
        ]
    if not data_set:
        errors["data_set"] = [_("Give the data set the values belong to.")]
    elif id_scheme in IdScheme.values and (message := identifier_error(data_set, id_scheme)):
        errors["data_set"] = [message]
    if errors:
        raise ValidationError(errors)
    changed_password = bool(password) and (server is None or password != unsealed(server.password))
    if server is None:
        server = Server(union=union)
    server.base_url, server.username, server.data_set = base_url.rstrip("/"), username, data_set
    server.id_scheme = id_scheme
    if changed_password:
        server.password = seal(password)
    server.full_clean()
    server.save()
    changes = changes_between(before, snapshot(server))
    changes.pop("updated_at", None)
    if changed_password:
        changes["password"] = [None, _("changed")]
    if changes:
        action = AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE
        audit_record(actor=by, action=action, obj=server, changes=changes)
    return server


@transaction.atomic
def elements_set(
    *, by: User | None, union: Organisation, elements: Mapping[str, tuple[str, str]]
) -> int:
    """Sets the data element (and category option combination) of each code given: an
    indicator's or a base figure's; a blank data element removes the code's mapping. Returns
    how many mappings changed."""
    require_in_scope_as(by, DHIS2_OFFICERS, union, "union")
    require_union(union)
    scheme = union_scheme(union)
    known = set(documents.mappable_codes())
    errors: dict[str, list[str]] = {}
    wanted: dict[str, tuple[str, str]] = {}
    for code, (element, combo) in elements.items():
        element, combo = element.strip(), combo.strip()
        if code not in known:
            errors.setdefault("elements", []).append(
                _("%(code)s is neither an indicator nor a base figure.") % {"code": code[:60]}
            )
            continue
        if not element and combo:
            errors[f"element-{code}"] = [_("Give the data element of this combination.")]
        for value in (element, combo):
            if value and (message := identifier_error(value, scheme)):
                errors[f"element-{code}"] = [message]
        wanted[code] = (element, combo)
    if errors:
        raise ValidationError(errors)
    existing = {row.code: row for row in ElementMap.objects.filter(union=union, code__in=wanted)}
    changed = 0
    for code, (element, combo) in wanted.items():
        row = existing.get(code)
        if row is not None and not element:
            audit_deleted(actor=by, obj=row)
            row.delete()
            changed += 1
        elif row is None and element:
            row = ElementMap.objects.create(
                union=union, code=code, data_element=element, category_option_combo=combo
            )
            audit_created(actor=by, obj=row)
            changed += 1
        elif row is not None and (row.data_element, row.category_option_combo) != (element, combo):
            before = snapshot(row)
            row.data_element, row.category_option_combo = element, combo
            row.save(update_fields=["data_element", "category_option_combo"])
            audit_updated(actor=by, obj=row, before=before)
            changed += 1
    return changed


@transaction.atomic
def org_units_set(*, by: User | None, union: Organisation, org_units: Mapping[int, str]) -> int:
    """Sets the org unit of each organisation given (by id), which must lie in the union's
    subtree; a blank org unit removes its mapping. Returns how many mappings changed."""
    require_in_scope_as(by, DHIS2_OFFICERS, union, "union")
    require_union(union)
    scheme = union_scheme(union)
    below = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=list(org_units), path__startswith=union.path)
    }
    errors: dict[str, list[str]] = {}
    for pk, org_unit in org_units.items():
        if pk not in below:
            errors.setdefault("org_units", []).append(_("This organisation is outside your scope."))
        elif org_unit.strip() and (message := identifier_error(org_unit.strip(), scheme)):
            errors[f"org_unit-{pk}"] = [message]
    if errors:
        raise ValidationError(errors)
    existing = {
        row.organisation_id: row
        for row in OrgUnitMap.objects.filter(union=union, organisation_id__in=list(org_units))
    }
    changed = 0
    for pk, org_unit in org_units.items():
        org_unit, row = org_unit.strip(), existing.get(pk)
        if row is not None and not org_unit:
            audit_deleted(actor=by, obj=row)
            row.delete()
            changed += 1
        elif row is None and org_unit:
            row = OrgUnitMap.objects.create(union=union, organisation_id=pk, org_unit=org_unit)
            audit_created(actor=by, obj=row)
            changed += 1
        elif row is not None and row.org_unit != org_unit:
            before = snapshot(row)
            row.org_unit = org_unit
            row.save(update_fields=["org_unit"])
            audit_updated(actor=by, obj=row, before=before)
            changed += 1
    return changed


def month_code(month: Month) -> str:
    return f"{month:%Y-%m}"


def month_of_code(code: str) -> Month:
    return datetime.date(int(code[:4]), int(code[5:7]), 1)


def push_start(
    *,
    by: User | None,
    union: Organisation,
    months: Sequence[Month],
    organisations: Sequence[int] | None = None,
    dry_run: bool = False,
    format: str = Push.Format.JSON,
    chunk_size: int = CHUNK_SIZE,
) -> Push:
    """Asks for the figures of `months` of the `organisations` (ids; all those the union mapped
    to an org unit when None) to be sent to the union's server; returns the push, waiting for
    the worker (`push_run` sends it). With `dry_run`, the server checks the values and counts
    them but keeps nothing."""
    require_in_scope_as(by, DHIS2_OFFICERS, union, "union")
    require_union(union)
    errors: dict[str, list[str]] = {}
    server = Server.objects.filter(union=union).first()
    if server is None:
        errors["union"] = [_("Set the union's DHIS2 server first.")]
    if not ElementMap.objects.filter(union=union).exists():
        errors.setdefault("union", []).append(
            _("Map at least one indicator or base figure to a data element first.")
        )
    mapped = dict(
        OrgUnitMap.objects.filter(
            union=union, organisation__path__startswith=union.path
        ).values_list("organisation_id", "org_unit")
    )
    chosen = sorted(mapped) if organisations is None else sorted(set(organisations))
    if not chosen:
        errors["organisations"] = [_("Choose at least one organisation mapped to an org unit.")]
    elif any(pk not in mapped for pk in chosen):
        errors["organisations"] = [_("Choose organisations mapped to an org unit.")]
    today = timezone.localdate()
    wanted = sorted({month.replace(day=1) for month in months})
    if not wanted:
        errors["months"] = [_("Choose at least one month.")]
    elif len(wanted) > MONTHS_AT_MOST:
        errors["months"] = [_("Push %(count)s months at most at once.") % {"count": MONTHS_AT_MOST}]
    elif wanted[-1] > today.replace(day=1):
        errors["months"] = [_("A month to come has no figures yet.")]
    if format not in Push.Format.values:
        errors["format"] = [_("Choose JSON or ADX.")]
    if not 1 <= chunk_size <= 10_000:
        errors["chunk_size"] = [_("A chunk holds from 1 to 10,000 organisation-months.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        push = Push.objects.create(
            union=union,
            by=by,
            started_at=timezone.now(),
            organisations=chosen,
            months=[month_code(month) for month in wanted],
            format=format,
            dry_run=dry_run,
            chunk_size=chunk_size,
            chunks_total=math.ceil(len(chosen) * len(wanted) / chunk_size),
        )
        audit_created(actor=by, obj=push)
    return push


def push_resume(*, by: User | None, push: Push) -> Push:
    """Asks for a push that stopped to be sent again, after the last chunk the server
    acknowledged; returns it, waiting for the worker."""
    union = Organisation.objects.get(pk=push.union_id)
    require_in_scope_as(by, DHIS2_OFFICERS, union, "push")
    if push.status == Push.Status.DONE:
        raise ValidationError({"push": [_("This push is done: start a new one.")]})
    if push.status == Push.Status.WAITING:
        raise ValidationError({"push": [_("This push is waiting to be sent already.")]})
    with transaction.atomic():
        before = snapshot(push)
        push.status, push.message = Push.Status.WAITING, ""
        push.save(update_fields=["status", "message"])
        audit_updated(actor=by, obj=push, before=before)
    return push


def push_period(
    *, by: User | None, union: Organisation, month: Month, dry_run: bool = False
) -> Push:
    """What a scheduled job runs each month: every mapped organisation's figures of `month`."""
    return push_start(by=by, union=union, months=[month], dry_run=dry_run)


def chunk_pairs(push: Push, index: int) -> list[tuple[Month, int]]:
    """The organisation-months of one chunk: month by month, organisation by organisation, so
    that a chunk reads the figures of one or two months."""
    count = len(push.organisations)
    start = index * push.chunk_size
    end = min(start + push.chunk_size, count * len(push.months))
    return [
        (month_of_code(push.months[at // count]), push.organisations[at % count])
        for at in range(start, end)
    ]


def chunk_document(push: Push, server: Server, index: int) -> tuple[bytes, str, int]:
    """The document of one chunk, its content type and how many values it holds."""
    by_month: dict[Month, list[int]] = {}
    for month, organisation in chunk_pairs(push, index):
        by_month.setdefault(month, []).append(organisation)
    figures: dict[tuple[int, Month], dict[str, int]] = {}
    for month, organisations in by_month.items():
        figures.update(documents.month_figures(organisations, [month]))
    org_units = dict(
        OrgUnitMap.objects.filter(union_id=push.union_id, organisation_id__in=push.organisations)
        .filter(organisation_id__in={pk for pk, _month in figures})
        .values_list("organisation_id", "org_unit")
    )
    elements = {
        row.code: documents.Element(row.data_element, row.category_option_combo)
        for row in ElementMap.objects.filter(union_id=push.union_id).order_by("code")
    }
    values = documents.data_values(figures, org_units, elements)
    if push.format == Push.Format.ADX:
        body = documents.adx(values, server.data_set, timezone.now())
        return body, documents.ADX_TYPE, len(values)
    return documents.data_value_set_json(values, server.data_set), documents.JSON_TYPE, len(values)


def pushes_waiting_send() -> int:
    """The worker's task (core.tasks): sends each push waiting, the oldest first; how many."""
    waiting = Push.objects.filter(status=Push.Status.WAITING).order_by("started_at", "pk")
    return sum(push_send(push) is not None for push in list(waiting))


def push_send(push: Push) -> Push | None:
    """Sends a waiting push; None when another worker took it first. A push is taken by moving
    it from waiting to under way, so that two workers never send the same one."""
    taken = Push.objects.filter(pk=push.pk, status=Push.Status.WAITING).update(
        status=Push.Status.RUNNING
    )
    if not taken:
        return None
    push.refresh_from_db()
    return push_run(push)


def push_run(push: Push) -> Push:
    """Sends the push's chunks from the first not acknowledged, each recorded as soon as the
    server acknowledged it; stops at the first failure with its message."""
    server = Server.objects.filter(union_id=push.union_id).first()
    if server is None:
        return stopped(push, _("The union's DHIS2 server is no longer set."))
    password = unsealed(server.password)
    if password is None:
        return stopped(
            push,
            _(
                "The DHIS2 password can no longer be read here (the installation's secret key "
                "has changed since it was given): give it again on the mapping page."
            ),
        )
    parameters = {
        "dryRun": "true" if push.dry_run else "false",
        "idScheme": server.id_scheme,
        "dataElementIdScheme": server.id_scheme,
        "orgUnitIdScheme": server.id_scheme,
        "importStrategy": "CREATE_AND_UPDATE",
    }
    for index in range(push.chunks_done, push.chunks_total):
        body, content_type, count = chunk_document(push, server, index)
        if count:
            answer = client.post(
                base_url=server.base_url,
                username=server.username,
                password=password,
                body=body,
                content_type=content_type,
                parameters=parameters,
            )
            if not answer.acknowledged:
                return stopped(
                    push,
                    _("Chunk %(number)s of %(total)s: %(message)s")
                    % {"number": index + 1, "total": push.chunks_total, "message": answer.message},
                )
        else:
            answer = client.Answer(acknowledged=True)
        push.chunks_done = index + 1
        push.values_sent += count
        push.imported += answer.imported
        push.updated += answer.updated
        push.ignored += answer.ignored
        push.deleted += answer.deleted
        room = client.CONFLICTS_KEPT - len(push.conflicts)
        push.conflicts = [*push.conflicts, *answer.conflicts[: max(room, 0)]]
        push.conflict_count += len(answer.conflicts)
        push.save(
            update_fields=[
                "chunks_done",
                "values_sent",
                "imported",
                "updated",
                "ignored",
                "deleted",
                "conflicts",
                "conflict_count",
            ]
        )
    push.status, push.finished_at = Push.Status.DONE, timezone.now()
    push.save(update_fields=["status", "finished_at"])
    return push


def stopped(push: Push, message: str) -> Push:
    push.status, push.message = Push.Status.STOPPED, message
    push.save(update_fields=["status", "message"])
    return push
