"""What the directory's pages and API read. Visibility is enforced here, once: an entry is
read as a dictionary holding only the fields its reader may see (`institution_card`,
`person_card`), and a search matches only on fields its reader sees, so that neither a page,
nor the API, nor the order of a search's answers tells anything of a members-only field.
A member is a signed-in user; anyone else reads the public fields."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from mutualis.core.access import AnyUser
from mutualis.core.text import normalize
from mutualis.federation.iso import country_choices
from mutualis.federation.rules import is_within
from mutualis.inventory.models import FocalPoint
from mutualis.portal.directory.models import Committee, Institution, Person, Seat
from mutualis.portal.directory.rules import EDITORS, shown

PER_PAGE = 25


def is_member(user: AnyUser) -> bool:
    return bool(user.is_authenticated)


def keeps(user: AnyUser, row: Institution | Person | Committee) -> bool:
    """Whether the user is a portal editor whose scope holds the entry's keeper."""
    if not user.is_authenticated or not user.has_any_role(EDITORS):
        return False
    prefix = user.scope_prefix
    return bool(prefix) and is_within(row.owner.path, prefix or "")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    country: str = ""
    kind: str = ""
    membership: str = ""


def institution_card(row: Institution, member: bool) -> dict[str, Any]:
    """The organisation as the reader may see it: its public fields, and its members-only
    ones for a member. A field the reader may not see is absent, not empty."""
    card: dict[str, Any] = {
        "uid": row.uid,
        "name": row.name,
        "acronym": row.acronym,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "membership": row.membership,
        "membership_label": row.get_membership_display(),
        "country": row.country,
        "countries": row.countries,
        "description_fr": row.description_fr,
        "description_en": row.description_en,
        "description": description(row),
        "retired": row.is_retired,
    }
    for name in ("city", "address", "phone", "email", "website"):
        if shown(name, row.members_only, member):
            card[name] = getattr(row, name)
    return card


def description(row: Institution) -> str:
    """The description in the reader's language, else in the other one."""
    first, second = (
        (row.description_en, row.description_fr)
        if (get_language() or "fr").startswith("en")
        else (row.description_fr, row.description_en)
    )
    return first or second


def person_card(row: Person, member: bool) -> dict[str, Any]:
    card: dict[str, Any] = {
        "uid": row.uid,
        "name": row.name,
        "country": row.country,
        "retired": row.is_retired,
    }
    for name in ("title", "phone", "email", "expertise"):
        if shown(name, row.members_only, member):
            card[name] = getattr(row, name)
    if shown("languages", row.members_only, member):
        card["languages"] = row.languages.split()
    if shown("institution", row.members_only, member) and row.institution is not None:
        card["institution"] = row.institution
    return card


def words_of(card: dict[str, Any], fields: tuple[str, ...]) -> str:
    parts = []
    for name in fields:
        value = card.get(name)
        if isinstance(value, Institution):
            parts += [value.name, value.acronym]
        elif isinstance(value, list):
            parts += value
        elif value:
            parts.append(str(value))
    return normalize(" ".join(parts))


def matches(text: str, query: str) -> bool:
    return all(word in text for word in normalize(query).split())


def listed(rows: QuerySet[Any], user: AnyUser) -> QuerySet[Any]:
    """The entries still in the directory, and for their keepers the retired ones too."""
    if user.is_authenticated and user.has_any_role(EDITORS) and user.scope_prefix:
        return rows.filter(Q(retired_at=None) | Q(owner__path__startswith=user.scope_prefix))
    return rows.filter(retired_at=None)


def in_country(country: str) -> Q:
    return Q(country=country) | Q(other_countries__contains=country)


def institutions(filters: Filters, user: AnyUser) -> list[dict[str, Any]]:
    """The organisations that answer the filters, as cards, by name. The text searched is the
    name, acronym, city and description, the city only where the reader sees it. The network
    counts a few hundred organisations: they are matched in Python, on the reader's cards."""
    member = is_member(user)
    rows = listed(Institution.objects.select_related("owner"), user)
    if filters.country:
        rows = rows.filter(in_country(filters.country))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.membership:
        rows = rows.filter(membership=filters.membership)
    cards = [institution_card(row, member) for row in rows.order_by("name")]
    if filters.q:
        fields = ("name", "acronym", "city", "description_fr", "description_en")
        cards = [card for card in cards if matches(words_of(card, fields), filters.q)]
    return cards


def people(filters: Filters, user: AnyUser) -> list[dict[str, Any]]:
    """The people that answer the filters, as cards, by name: the text searched is the name,
    title, organisation, languages and areas of expertise the reader sees."""
    member = is_member(user)
    rows = listed(Person.objects.select_related("owner", "institution"), user)
    if filters.country:
        rows = rows.filter(country=filters.country)
    if filters.kind or filters.membership:
        # the kind and membership of the organisation the reader sees the person in
        rows = rows.filter(institution__isnull=False)
        if filters.kind:
            rows = rows.filter(institution__kind=filters.kind)
        if filters.membership:
            rows = rows.filter(institution__membership=filters.membership)
    cards = [person_card(row, member) for row in rows.order_by("name")]
    if filters.kind or filters.membership:
        cards = [card for card in cards if "institution" in card]
    if filters.q:
        fields = ("name", "title", "institution", "languages", "expertise")
        cards = [card for card in cards if matches(words_of(card, fields), filters.q)]
    return cards


def staff_of(institution: Institution, user: AnyUser) -> list[dict[str, Any]]:
    """The people the reader sees working for the organisation."""
    member = is_member(user)
    rows = listed(institution.people.select_related("institution"), user)
    return [card for card in (person_card(row, member) for row in rows) if "institution" in card]


def seats_of(person: Person) -> QuerySet[Seat]:
    return person.seats.filter(ended_at=None).select_related("committee")


def committees() -> list[Committee]:
    """The national committees by country, each with its sitting members, the chair first."""
    order = ["chair", "vice_chair", "secretary", "treasurer", "member"]
    sitting = Seat.objects.filter(ended_at=None, person__retired_at=None).select_related("person")
    found = list(Committee.objects.prefetch_related(Prefetch("seats", sitting, "sitting")))
    for committee in found:
        # the prefetch's list, put on each committee as `sitting`
        committee.sitting.sort(key=lambda s: (order.index(s.role), s.person.name))
    return found


def focal_points(user: AnyUser) -> list[dict[str, Any]]:
    """The country focal points, as the inventory designates them (inventory.FocalPoint): they
    validate the countries' records. Their name and organisation are public; how to reach them
    is for members, as a person's phone and e-mail are by default."""
    rows = list(FocalPoint.objects.select_related("user__organisation").order_by("country", "pk"))
    people_of = {
        p.user_id: p
        for p in Person.objects.filter(user__in=[r.user_id for r in rows], retired_at=None)
    }
    cards = []
    for row in rows:
        card: dict[str, Any] = {
            "country": row.country,
            "name": row.user.get_full_name() or row.user.username,
            "organisation": row.user.organisation.name,
            "person": people_of.get(row.user_id),
        }
        if is_member(user):
            card["email"] = row.user.email
        cards.append(card)
    # by the country's name in the reader's language, as the filter lists them
    names = dict(country_choices())
    return sorted(cards, key=lambda card: names.get(card["country"], card["country"]))


def countries_listed() -> list[str]:
    """The countries the directory's entries are of, for its filter, by name."""
    codes = set(Institution.objects.filter(retired_at=None).values_list("country", flat=True))
    codes |= set(Person.objects.filter(retired_at=None).values_list("country", flat=True))
    codes |= set(Committee.objects.values_list("country", flat=True))
    names = dict(country_choices())
    return sorted(codes, key=lambda code: names.get(code, code))
