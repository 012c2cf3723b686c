"""Reads of the inventory (docs/inventory.md): the figures the monitoring gives a mutual that
runs Mutualis, the synthesis tables, the directory and what waits for a focal point. Only the
validated records are public: the synthesis, the open data and the showcase read those."""

from collections import Counter
from functools import cache

from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from mutualis.core.access import SignedIn, scoped
from mutualis.federation.iso import country_choices
from mutualis.inventory.choices import PER_YEAR, State
from mutualis.inventory.models import Entry, FocalPoint, Record
from mutualis.inventory.rules import Amount, Group, Table, synthesis
from mutualis.monitoring.queries import Period, figures

# a record's field → the monitoring's base figure of the year it is pre-filled from (benefits:
# the care of the year, as the mutual's claims give it)
PREFILLED_FROM = {
    "members": "members",
    "beneficiaries": "beneficiaries",
    "women_members": "women_members",
    "target_population": "target_population",
    "contributions_due": "contributions_due",
    "contributions_collected": "contributions_collected",
    "benefits_paid": "benefits_incurred",
    "reserves": "reserves",
}


def monitoring_figures(organisation_id: int, year: int) -> dict[str, int]:
    """The record's figures the monitoring knows for the organisation's year (its operations,
    its books or its accepted reports); those it does not know are left out."""
    period = Period.parse(str(year))
    if period is None:
        return {}
    found = figures([organisation_id], period, set(PREFILLED_FROM.values())).get(
        organisation_id, {}
    )
    return {name: found[code] for name, code in PREFILLED_FROM.items() if code in found}


@cache
def countries_named(language: str) -> dict[str, str]:
    return dict(country_choices())


def country_name(code: str) -> str:
    from django.utils.translation import get_language

    return countries_named(get_language() or "fr").get(code, code)


def validated() -> QuerySet[Record]:
    return Record.objects.filter(state=State.VALIDATED)


def synthesis_tables(country: str | None = None) -> dict[tuple[str, int], Table]:
    """Every year's tables, worked out from the validated records as they stand (never kept:
    a record validated or reopened shows at once). The database adds up the records alike
    (inventory.rules.Group) and counts each year's contribution (Amount): a few thousand rows
    read, whatever the number of records."""
    chosen = validated()
    if country:
        chosen = chosen.filter(entry__country=country)
    both = Q(target_population__gt=0, beneficiaries__isnull=False)
    keys = ("entry__country", "year", "status", "entry__mutual_type", "level")
    groups = (
        chosen.order_by()
        .values(*keys)
        .annotate(
            count=Count("pk"),
            members_sum=whole(Sum("members")),
            beneficiaries_sum=whole(Sum("beneficiaries")),
            covered=whole(Sum("beneficiaries", filter=both)),
            target=whole(Sum("target_population", filter=both)),
        )
        .values_list(*keys, "count", "members_sum", "beneficiaries_sum", "covered", "target")
    )
    per_year = Case(
        *(
            When(contribution_period=period, then=Value(times))
            for period, times in PER_YEAR.items()
        ),
        output_field=BigIntegerField(),
    )
    amounts = (
        chosen.exclude(contribution=None)
        .exclude(contribution_period="")
        .order_by()
        .annotate(yearly=F("contribution") * per_year)
        .values("entry__country", "year", "currency", "yearly")
        .annotate(count=Count("pk"))
        .values_list("entry__country", "year", "currency", "yearly", "count")
    )
    return synthesis(map(Group._make, fetched(groups)), map(Amount._make, fetched(amounts)))


def whole(total: Sum) -> Cast:
    """A sum as an integer, 0 for none: PostgreSQL sums integers as numerics."""
    return Cast(Coalesce(total, 0), BigIntegerField())


def fetched(queryset: QuerySet) -> list[tuple]:
    """The rows of a queryset of values, read with the database's cursor: they are integers
    and texts already, and Django's converters would take a third of the synthesis's time
    (bench_inventory)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def countries_inventoried() -> list[tuple[str, str]]:
    codes = validated().values_list("entry__country", flat=True).distinct()
    return sorted(((code, country_name(code)) for code in set(codes)), key=lambda c: c[1])


def years_inventoried() -> list[int]:
    return sorted(set(validated().values_list("year", flat=True)), reverse=True)


def published() -> QuerySet[Entry]:
    """The mutuals with a validated record (each once)."""
    return Entry.objects.filter(pk__in=validated().values("entry_id"))


def directory(text: str = "", country: str = "") -> QuerySet[Entry]:
    """The mutuals with a validated record, found by a word of their name, place, networks or
    support structures."""
    found = published()
    if country:
        found = found.filter(country=country)
    for word in text.split()[:8]:
        found = found.filter(
            Q(name__icontains=word)
            | Q(place__icontains=word)
            | Q(networks__icontains=word)
            | Q(supporters__icontains=word)
        )
    return found.order_by("country", "name")


def named(entries: QuerySet[Entry], field: str) -> list[tuple[str, int]]:
    """The networks (or support structures) the entries name, one a line, with how many
    mutuals name each."""
    counted: Counter[str] = Counter()
    for text in entries.values_list(field, flat=True):
        counted.update({line.strip() for line in text.splitlines() if line.strip()})
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def kept_by(user: SignedIn) -> QuerySet[Entry]:
    return scoped(Entry.objects.all(), user)


def focal_countries(user) -> list[str]:
    return sorted(FocalPoint.objects.filter(user=user).values_list("country", flat=True))


def waiting_for(user) -> QuerySet[Record]:
    """The records waiting for the focal point, in the countries they validate."""
    return (
        Record.objects.filter(state=State.SUBMITTED, entry__country__in=focal_countries(user))
        .select_related("entry")
        .order_by("entry__country", "entry__name", "year")
    )
