"""The only writers of federation data. Each service validates, writes and records the audit
trail in one transaction: bad input raises ValidationError naming the field and changes nothing."""

import datetime
import secrets
from collections.abc import Collection
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.access import scoped
from mutualis.core.audit import (
    HIDDEN_VALUE,
    Changes,
    Snapshot,
    audit_created,
    audit_record,
    changes_between,
    snapshot,
)
from mutualis.core.client_address import ip_or_none
from mutualis.core.events import append
from mutualis.core.formats import format_date
from mutualis.core.models import AuditEntry
from mutualis.federation import events, notifications
from mutualis.federation.iso import is_currency_code
from mutualis.federation.models import (
    Affiliation,
    ApiToken,
    Organisation,
    PasswordResetRequest,
    RoleGrant,
    User,
    key_digest,
)
from mutualis.federation.rules import (
    ORGANISATION_CREATORS,
    ORGANISATION_EDITORS,
    USER_ADMINISTRATORS,
    Kind,
    Role,
    is_within,
    parent_kind_error,
    reset_refusal,
    role_kind_error,
)

ORGANISATION_EDITABLE_FIELDS = frozenset(
    {
        "code",
        "name",
        "location",
        "status",
        "contact_person",
        "phone",
        "email",
        "address",
        "website",
        "registration_number",
        "registration_date",
        "support_type",
        "founded_on",
        "currency",
        "mutual_type",
    }
)
USER_EDITABLE_FIELDS = frozenset(
    {
        "username",
        "first_name",
        "last_name",
        "email",
        "phone",
        "organisation",
        "is_active",
    }
)
# Bookkeeping columns whose change is no news in the audit trail.
UNAUDITED_FIELDS = frozenset({"updated_at", "last_login"})


def audited_changes(before: Snapshot, after: Snapshot) -> Changes:
    changes = changes_between(before, after)
    return {name: values for name, values in changes.items() if name not in UNAUDITED_FIELDS}


def require_in_scope(by: User | None, organisation: Organisation | None, field: str) -> None:
    # Views already reach objects through core.access.scoped; services check again because a
    # form or an API may hand them any organisation, and a command acts with no user at all.
    if by is None or organisation is None:
        return
    if not by.scope_prefix or not is_within(organisation.path, by.scope_prefix):
        raise ValidationError({field: _("This organisation is outside your scope.")})


def require_role(by: User | None, roles: Collection[str], field: str) -> None:
    # The views check the role before they call a service; an API, a FHIR endpoint or a command
    # may call it too, and must not do more than the page would (federation.rules).
    if by is None:
        return
    if not set(by.roles) & set(roles):
        raise ValidationError({field: _("Your role does not allow you to change this.")})


def require_visible(by: User | None, obj: Model, field: str, message: str) -> None:
    """`obj`, a row a service is handed alongside the one it changes (the provider of a
    guarantee letter…), is one the acting user may see (core.access.scoped); else `message`
    on `field`."""
    if by is None:
        return
    if not scoped(type(obj)._default_manager.filter(pk=obj.pk), by).exists():
        raise ValidationError({field: message})


def require_in_scope_as(
    by: User | None, roles: Collection[str], organisation: Organisation | None, field: str
) -> None:
    """The acting user holds one of `roles` and `organisation` lies in their scope; a command
    acting as the system (by=None) may do anything."""
    require_role(by, roles, field)
    require_in_scope(by, organisation, field)


def check_organisation(organisation: Organisation) -> None:
    errors: dict[str, list[str]] = {}
    # the parent is there when its id is
    parent_kind = cast(Organisation, organisation.parent).kind if organisation.parent_id else None
    if organisation.kind in Kind.values:
        message = parent_kind_error(organisation.kind, parent_kind)
        if message:
            errors.setdefault("parent", []).append(message)
        if organisation.kind == Kind.MUTUAL:
            if not organisation.currency:
                errors.setdefault("currency", []).append(_("A mutual must have a currency."))
            elif not is_currency_code(organisation.currency):
                errors.setdefault("currency", []).append(
                    _("%(code)s is not an ISO 4217 currency code.")
                    % {"code": organisation.currency}
                )
            if not organisation.mutual_type:
                errors.setdefault("mutual_type", []).append(_("A mutual must have a type."))
        else:
            organisation.currency = ""
            organisation.mutual_type = ""
        if organisation.kind == Kind.SUPPORT_STRUCTURE:
            if not organisation.support_type:
                errors.setdefault("support_type", []).append(
                    _("A support structure must have a type.")
                )
        else:
            organisation.support_type = ""
    if organisation.code and (
        Organisation.objects.filter(parent=organisation.parent_id, code=organisation.code)
        .exclude(pk=organisation.pk)
        .exists()
    ):
        errors.setdefault("code", []).append(
            _("The code %(code)s is already used by another organisation of the same parent.")
            % {"code": organisation.code}
        )
    try:
        # The constraints are checked above with messages that name the field; the database
        # still enforces them.
        organisation.full_clean(exclude=["path"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_create(
    *,
    by: User | None,
    kind: str,
    parent: Organisation | None,
    on: datetime.date | None = None,
    **fields: Any,
) -> Organisation:
    """Adds an organisation under `parent` (domain-rules.md §1) and opens its first affiliation."""
    unknown = set(fields) - ORGANISATION_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not an editable field: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, ORGANISATION_CREATORS, parent, "parent")
    if by is not None and parent is None:
        # a new root lies outside every user's scope: only a command sets up a federation
        raise ValidationError({"parent": _("This organisation is outside your scope.")})
    organisation = Organisation(kind=kind, parent=parent, **fields)
    check_organisation(organisation)
    # The path holds the primary key, which exists only once the row is written.
    organisation.path = f"/new-{organisation.uid}/"
    organisation.save()
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.save(update_fields=["path"])
    affiliated_on = None
    if parent is not None:
        affiliated_on = on or timezone.localdate()
        Affiliation.objects.create(organisation=organisation, parent=parent, start=affiliated_on)
    audit_created(actor=by, obj=organisation)
    append(organisation.pk, events.created(organisation, affiliated_on), by)
    return organisation


@transaction.atomic
def organisation_update(*, by: User | None, organisation: Organisation, **fields: Any) -> None:
    """Changes an organisation's own details; its place in the tree changes only by a move."""
    unknown = set(fields) - ORGANISATION_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not an editable field: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, ORGANISATION_EDITORS, organisation, "organisation")
    before = snapshot(organisation)
    for name, value in fields.items():
        setattr(organisation, name, value)
    check_organisation(organisation)
    organisation.save()
    changes = audited_changes(before, snapshot(organisation))
    if changes:
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, obj=organisation, changes=changes)
        append(organisation.pk, events.changed(organisation, changes), by)


@transaction.atomic
def organisation_move(
    *,
    by: User | None,
    organisation: Organisation,
    new_parent: Organisation,
    on: datetime.date | None = None,
) -> None:
    """Moves an organisation, with its whole subtree, under another parent from the date `on`.

    The current affiliation ends on that date and a new one starts (periods are half-open:
    the end day belongs to the new parent), so reports by date keep the old union's history.
    """
    on = on or timezone.localdate()
    require_in_scope_as(by, ORGANISATION_CREATORS, organisation, "organisation")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require_in_scope(by, new_parent, "new_parent")
    if by is not None and organisation.path == by.scope_prefix:
        raise ValidationError(
            {"new_parent": _("You cannot move the organisation your own scope starts from.")}
        )
    if is_within(new_parent.path, organisation.path):
        raise ValidationError(
            {
                "new_parent": _(
                    "An organisation cannot be moved under itself or under one of its own members."
                )
            }
        )
    if new_parent.pk == organisation.parent_id:
        raise ValidationError({"new_parent": _("The organisation already belongs there.")})
    message = parent_kind_error(organisation.kind, new_parent.kind)
    if message:
        raise ValidationError({"new_parent": message})
    if Organisation.objects.filter(parent=new_parent, code=organisation.code).exists():
        raise ValidationError(
            {
                "new_parent": _(
                    "The new parent already has an organisation with the code %(code)s."
                )
                % {"code": organisation.code}
            }
        )
    current = Affiliation.objects.filter(organisation=organisation, end__isnull=True).first()
    if current is not None:
        if on < current.start:
            raise ValidationError(
                {
                    "on": _(
                        "The move cannot take effect before the current affiliation began "
                        "(%(date)s)."
                    )
                    % {"date": format_date(current.start)}
                }
            )
        current.end = on
        current.save(update_fields=["end"])
    Affiliation.objects.create(organisation=organisation, parent=new_parent, start=on)

    old_prefix = organisation.path
    new_prefix = f"{new_parent.path}{organisation.pk}/"
    Organisation.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1))
    )
    old_parent_id = organisation.parent_id
    Organisation.objects.filter(pk=organisation.pk).update(parent=new_parent)
    organisation.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEntry.Action.MOVE,
        obj=organisation,
        changes={
            "parent": [old_parent_id, new_parent.pk],
            "path": [old_prefix, new_prefix],
            "on": [None, on.isoformat()],
        },
    )
    old_parent = Organisation.objects.filter(pk=old_parent_id).first() if old_parent_id else None
    append(organisation.pk, events.moved(organisation, old_parent, on), by)


def check_roles(roles: Collection[str], organisation: Organisation | None) -> list[str]:
    if not roles:
        return [_("Give the user at least one role.")]
    if organisation is None:
        return []
    return [m for role in sorted(roles) if (m := role_kind_error(role, organisation.kind))]


def check_user(user: User, roles: Collection[str], password: str | None) -> None:
    errors: dict[str, list[str]] = {}
    if user.organisation_id is None:
        errors["organisation"] = [_("A user must belong to an organisation.")]
    role_errors = check_roles(roles, user.organisation if user.organisation_id else None)
    if role_errors:
        errors["roles"] = role_errors
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
    try:
        user.full_clean(exclude=["password", "organisation"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    by: User | None,
    username: str,
    organisation: Organisation | None,
    roles: Collection[str],
    password: str | None = None,
    **fields: Any,
) -> User:
    """Adds a user to an organisation with their roles; without a password they cannot sign in
    until an administrator sets one."""
    unknown = set(fields) - USER_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not an editable field: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, USER_ADMINISTRATORS, organisation, "organisation")
    user = User(username=username, organisation=organisation, **fields)
    check_user(user, roles, password)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    RoleGrant.objects.bulk_create(RoleGrant(user=user, role=role) for role in sorted(roles))
    changes = changes_between({}, snapshot(user))
    changes["roles"] = [None, sorted(roles)]
    audit_record(actor=by, action=AuditEntry.Action.CREATE, obj=user, changes=changes)
    return user


@transaction.atomic
def user_update(
    *,
    by: User | None,
    user: User,
    roles: Collection[str] | None = None,
    **fields: Any,
) -> None:
    """Changes a user's details, organisation or roles."""
    unknown = set(fields) - USER_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not an editable field: {', '.join(sorted(unknown))}")
    require_in_scope_as(by, USER_ADMINISTRATORS, user.organisation, "user")
    if "organisation" in fields:
        require_in_scope(by, fields["organisation"], "organisation")
    old_roles = sorted(user.role_grants.values_list("role", flat=True))
    new_roles = sorted(roles) if roles is not None else old_roles
    if by is not None and by.pk == user.pk:
        if fields.get("is_active") is False:
            raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
        if Role.SYSTEM_ADMIN in old_roles and Role.SYSTEM_ADMIN not in new_roles:
            raise ValidationError({"roles": _("You cannot remove your own administrator role.")})
    before = snapshot(user)
    for name, value in fields.items():
        setattr(user, name, value)
    check_user(user, new_roles, None)
    user.save()
    changes = audited_changes(before, snapshot(user))
    if before["is_active"] and not user.is_active:
        api_keys_revoke_for(by=by, user=user, reason=ApiToken.Revocation.DEACTIVATED)
    if new_roles != old_roles:
        RoleGrant.objects.filter(user=user).exclude(role__in=new_roles).delete()
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=user, role=role) for role in new_roles if role not in old_roles]
        )
        changes["roles"] = [old_roles, new_roles]
        user.__dict__.pop("roles", None)
    if changes:
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, obj=user, changes=changes)


@transaction.atomic
def user_set_password(*, by: User | None, user: User, password: str) -> None:
    """Sets a new password, checked against the password rules; the trail records only that it
    changed. Users change their own password; an administrator those of their scope."""
    if by is None or by.pk != user.pk:
        require_in_scope_as(by, USER_ADMINISTRATORS, user.organisation, "user")
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": list(error.messages)}) from error
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        obj=user,
        changes={"password": [HIDDEN_VALUE, HIDDEN_VALUE]},
    )


@transaction.atomic
def password_reset_request(*, email: str, client: str | None) -> None:
    """Someone who forgot their password asks for a link at `email`: within the rate limits
    (per client address, per e-mail address), each active account with a password that uses
    the address is mailed a link to choose a new one. The caller learns nothing of which
    addresses have accounts: an unknown address is counted and answered as a known one, and
    only a malformed address or a limit is refused (docs/security.md)."""
    address = email.strip()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError({"email": list(error.messages)}) from error
    address = address.lower()
    client = ip_or_none(client)
    now = timezone.now()
    day = now - datetime.timedelta(days=1)
    refusal = reset_refusal(
        from_client=list(
            PasswordResetRequest.objects.filter(client=client, at__gt=day).values_list(
                "at", flat=True
            )
        )
        if client
        else [],
        for_address=list(
            PasswordResetRequest.objects.filter(email=address, at__gt=day).values_list(
                "at", flat=True
            )
        ),
        now=now,
        per_client_hour=settings.MUTUALIS_PASSWORD_RESETS_PER_HOUR,
        per_address_day=settings.MUTUALIS_PASSWORD_RESET_MAILS_PER_DAY,
    )
    if refusal:
        raise ValidationError({"email": refusal})
    request = PasswordResetRequest.objects.create(email=address, client=client, at=now)
    # an account without a password waits for its administrator to give one (user_create)
    accounts = [
        user
        for user in User.objects.filter(email__iexact=address, is_active=True).order_by("pk")
        if user.has_usable_password()
    ]
    by_mailbox: dict[str, list[User]] = {}
    for user in accounts:
        by_mailbox.setdefault(user.email, []).append(user)
    for mailbox, users in by_mailbox.items():
        notifications.reset_queue(request.uid, mailbox, users)


@transaction.atomic
def api_key_create(*, by: User | None, user: User, name: str, kept: bool = False) -> str:
    """Makes an API key acting as `user` and returns it: only its digest is kept, so it is
    shown once. A key `kept` by the administrator survives its user's password change,
    deactivation and lock (a server's key that must not stop with a person's password)."""
    require_in_scope_as(by, USER_ADMINISTRATORS, user.organisation, "user")
    if not user.is_active:
        raise ValidationError({"user": _("An inactive user cannot have an API key.")})
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, digest=key_digest(key), kept_by_administrator=kept)
    token.full_clean()
    token.save()
    audit_created(actor=by, obj=token)
    return key


def _mark_revoked(*, by: User | None, keys: Collection[ApiToken], reason: str) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk__in=[key.pk for key in keys]).update(
        revoked_at=now, revoked_reason=reason
    )
    for key in keys:
        key.revoked_at, key.revoked_reason = now, reason
        audit_record(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            obj=key,
            changes={"revoked_at": [None, now.isoformat()], "revoked_reason": ["", reason]},
        )


@transaction.atomic
def api_key_revoke(*, by: User | None, key: ApiToken) -> None:
    """Revokes one key: the programs using it are refused from their next request. Users revoke
    their own keys; an administrator those of the users in their scope."""
    if by is None or by.pk != key.user_id:
        require_in_scope_as(by, USER_ADMINISTRATORS, key.user.organisation, "key")
    key = ApiToken.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ValidationError({"key": _("This key is already revoked.")})
    _mark_revoked(by=by, keys=[key], reason=ApiToken.Revocation.BY_HAND)


@transaction.atomic
def api_keys_revoke_for(*, by: User | None, user: User, reason: str) -> int:
    """Revokes the keys of `user` when their credentials can no longer be trusted (a password
    change, a deactivation, a lock of their sign-in), except those an administrator kept.
    Returns how many died."""
    require_in_scope_as(by, USER_ADMINISTRATORS, user.organisation, "user")
    keys = list(
        ApiToken.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, kept_by_administrator=False
        )
    )
    _mark_revoked(by=by, keys=keys, reason=reason)
    return len(keys)
