"""Reads of federation data for views and API; every one goes through core.access.scoped."""

from django.db.models import Count, Q, QuerySet

from mutualis.core.access import scoped
from mutualis.federation.models import Affiliation, Organisation, User
from mutualis.federation.rules import UNIONS, Kind


def currency_of(organisation: Organisation) -> str:
    """The currency amounts of an organisation are in: a mutual's own; a union's, that of its
    mutuals (a union stays within one monetary zone)."""
    if organisation.currency:
        return organisation.currency
    below = Organisation.objects.filter(path__startswith=organisation.path, kind=Kind.MUTUAL)
    return below.exclude(currency="").values_list("currency", flat=True).first() or ""


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


def organisation_coded(code: str, kinds, what: str) -> Organisation:
    """The organisation of one of `kinds` named on a command line: by its code, as PARENT/CODE
    (codes are unique only under one parent), or by its uid. LookupError says why no `what`
    or several match (in English, as the command line speaks)."""
    parent, _slash, own = code.rpartition("/")
    found = Organisation.objects.filter(kind__in=kinds)
    if parent:
        found = found.filter(code=own, parent__code=parent)
    else:
        query = Q(code=code)
        if len(code) in (32, 36):
            query |= Q(uid=code)
        found = found.filter(query)
    matches = list(found.select_related("parent")[:10])
    if not matches:
        raise LookupError(f"no {what} with the code {code!r}")
    if len(matches) > 1:
        names = ", ".join(
            f"{o.parent.code if o.parent else ''}/{o.code} ({o.name})" for o in matches
        )
        raise LookupError(f"several {what}s have the code {code!r}: {names}; give PARENT/CODE")
    return matches[0]
