"""Reads of federation data for views and API; every one goes through core.access.scoped."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mutualis.core.access import scoped
from mutualis.core.audit import audit_trail
from mutualis.core.models import AuditEntry
from mutualis.federation.models import Affiliation, Organisation, User
from mutualis.federation.rules import UNIONS, Kind

# Names the services record in the trail that are not fields of the model.
RECORDED_NAMES = {"roles": _("roles"), "on": _("effective date")}


def organisations_visible(user) -> QuerySet[Organisation]:
    return scoped(Organisation.objects.select_related("parent", "location"), user)


def organisation_search(user, *, text: str = "", kind: str = "", status: str = "") -> QuerySet:
    """Organisations in scope whose name or code contains `text` (case-insensitive)."""
    found = organisations_visible(user)
    if text:
        found = found.filter(Q(name__icontains=text) | Q(code__icontains=text))
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    return found.order_by("name", "pk")


def possible_parents(user) -> QuerySet[Organisation]:
    """Unions in the user's scope: the organisations others can be attached to."""
    return scoped(Organisation.objects.filter(kind__in=UNIONS), user).order_by("path")


def children_with_counts(user, organisation: Organisation) -> QuerySet[Organisation]:
    """The direct members of an organisation, each with the number of its own members, for
    the federation tree (one query, whatever the number of children)."""
    return (
        scoped(Organisation.objects.filter(parent=organisation), user)
        .annotate(member_count=Count("children"))
        .order_by("kind", "name")
    )


def visible_ancestors(user, organisation: Organisation) -> list[Organisation]:
    """The chain from the top of the user's scope down to the organisation's parent."""
    ids = [int(part) for part in organisation.path.strip("/").split("/")[:-1]]
    by_id = {o.pk: o for o in scoped(Organisation.objects.filter(pk__in=ids), user)}
    return [by_id[pk] for pk in ids if pk in by_id]


def counts_by_kind(user) -> dict[str, int]:
    rows = organisations_visible(user).values("kind").annotate(n=Count("pk")).order_by()
    counts = {kind: 0 for kind in Kind.values}
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


def affiliation_history(organisation: Organisation) -> QuerySet[Affiliation]:
    return organisation.affiliations.select_related("parent").order_by("-start", "-pk")


def users_visible(user) -> QuerySet[User]:
    return scoped(User.objects.select_related("organisation").prefetch_related("role_grants"), user)


def user_search(user, *, text: str = "", organisation: Organisation | None = None) -> QuerySet:
    found = users_visible(user)
    if text:
        found = found.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
        )
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.order_by("last_name", "first_name", "username")


def audit_rows(obj) -> list[tuple[AuditEntry, list[tuple[str, object, object]]]]:
    """The audit trail of an object, newest first, each entry with its changes as
    (field label, before, after) and foreign keys shown by the name of the row they point to."""
    entries = list(audit_trail(obj))
    model = type(obj)
    related: dict[str, type] = {
        f.name: f.related_model for f in model._meta.concrete_fields if f.is_relation
    }
    wanted: dict[type, set] = {}
    for entry in entries:
        for name, values in entry.changes.items():
            if name in related:
                wanted.setdefault(related[name], set()).update(v for v in values if v)
    names = {
        target: {o.pk: str(o) for o in target._default_manager.filter(pk__in=pks)}
        for target, pks in wanted.items()
    }

    def label(name: str) -> str:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a recorded name that is not a field, such as "roles"
            return str(RECORDED_NAMES.get(name, name))

    rows = []
    for entry in entries:
        changes = []
        for name, (before, after) in sorted(entry.changes.items()):
            if name in related:
                before = names[related[name]].get(before, before) if before else before
                after = names[related[name]].get(after, after) if after else after
            changes.append((label(name), before, after))
        rows.append((entry, changes))
    return rows
