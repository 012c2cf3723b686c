"""The synthesis tables equal a reference written from the issue's words, not from the code:
"by country and year, number of mutuals (functioning, starting, in project, stopped), members,
beneficiaries, coverage of the target population, by type and package level, contributions
(median, range)".

The reference reads: a country's year counts each of its records once; members and
beneficiaries are the sums of those given (a blank is no figure, not zero); the coverage is
the beneficiaries of the mutuals that give their target population over the sum of those
populations, in basis points to the nearest (half up); a contribution is compared for a year
(per month × 12, per quarter × 4) and by currency, its median the middle value (of two, their
mean, half up), its range the lowest and highest; "every country" (country "") is the same over
all the year's records.

The records are written to the database as validated (and a few as not yet), and the tables
read as the pages and the API read them (inventory.queries.synthesis_tables: the database adds
up the records alike, the rules put the tables together). It catches these mutations of
inventory.rules.synthesis and inventory.queries (each tried by hand): the median of two
middle amounts taken as the lower; a monthly or quarterly contribution not made a year's; the
beneficiaries of a mutual without a target population counted in the coverage; amounts of two
currencies mixed in one range; "every country" counting each record twice; records not yet
validated counted; members counted rather than added; a range that misses the first amount."""

import statistics
from collections import defaultdict
from fractions import Fraction
from typing import NamedTuple

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.core.ids import new_uid
from mutualis.inventory.models import Entry, Record
from mutualis.inventory.queries import synthesis_tables
from mutualis.inventory.rules import median

PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
STATUSES = ["functioning", "starting", "project", "stopped"]


class Row(NamedTuple):
    """A record as the issue describes it."""

    country: str
    year: int
    status: str
    mutual_type: str
    level: str
    members: int | None
    beneficiaries: int | None
    target_population: int | None
    currency: str
    contribution: int | None
    contribution_period: str
    validated: bool = True


def half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)).__floor__())


rows = st.lists(
    st.builds(
        Row,
        country=st.sampled_from(["SN", "ML", "BF"]),
        year=st.integers(2019, 2021),
        status=st.sampled_from(STATUSES),
        mutual_type=st.sampled_from(["community", "professional", "workplace"]),
        level=st.sampled_from(["", "primary", "secondary", "tertiary"]),
        members=st.none() | st.integers(0, 5000),
        beneficiaries=st.none() | st.integers(0, 30000),
        target_population=st.none() | st.integers(0, 100000),
        currency=st.sampled_from(["XOF", "GNF"]),
        contribution=st.none() | st.integers(0, 20000),
        contribution_period=st.sampled_from(["", "month", "quarter", "year"]),
        validated=st.booleans() | st.just(True),
    ),
    max_size=60,
)


def reference(records: list[Row]) -> dict:
    groups: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for r in records:
        if not r.validated:
            continue
        groups[(r.country, r.year)].append(r)
        groups[("", r.year)].append(r)
    expected = {}
    for key, mine in groups.items():
        with_target = [r for r in mine if r.target_population and r.beneficiaries is not None]
        target = sum(r.target_population for r in with_target)
        yearly = defaultdict(list)
        for r in mine:
            if r.contribution is not None and r.contribution_period:
                yearly[r.currency].append(r.contribution * PER_YEAR[r.contribution_period])
        expected[key] = {
            "mutuals": len(mine),
            "by_status": {s: n for s in STATUSES if (n := sum(r.status == s for r in mine))},
            "by_type": {
                t: sum(r.mutual_type == t for r in mine) for t in {r.mutual_type for r in mine}
            },
            "by_level": {lv: sum(r.level == lv for r in mine) for lv in {r.level for r in mine}},
            "members": sum(r.members for r in mine if r.members is not None),
            "beneficiaries": sum(r.beneficiaries for r in mine if r.beneficiaries is not None),
            "coverage": half_up(
                Fraction(10_000 * sum(r.beneficiaries for r in with_target), target)
            )
            if target
            else None,
            "contributions": {
                currency: (
                    len(values),
                    half_up(Fraction(statistics.median(values))),
                    min(values),
                    max(values),
                )
                for currency, values in yearly.items()
            },
        }
    return expected


def shown(tables) -> dict:
    return {
        key: {
            "mutuals": t.mutuals,
            "by_status": t.by_status,
            "by_type": t.by_type,
            "by_level": t.by_level,
            "members": t.members,
            "beneficiaries": t.beneficiaries,
            "coverage": t.coverage,
            "contributions": {
                c: (s.count, s.median, s.low, s.high) for c, s in t.contributions.items()
            },
        }
        for key, t in tables.items()
    }


def written(records: list[Row], steward) -> None:
    Record.objects.all().delete()
    Entry.objects.all().delete()
    entries = Entry.objects.bulk_create(
        Entry(steward=steward, name=f"M{i}", country=r.country, mutual_type=r.mutual_type)
        for i, r in enumerate(records)
    )
    Record.objects.bulk_create(
        Record(
            uid=new_uid(),
            entry=entry,
            year=r.year,
            status=r.status,
            level=r.level,
            members=r.members,
            beneficiaries=r.beneficiaries,
            target_population=r.target_population,
            currency=r.currency,
            contribution=r.contribution,
            contribution_period=r.contribution_period,
            state="validated" if r.validated else "submitted",
            saved_at=timezone.now(),
        )
        for entry, r in zip(entries, records, strict=True)
    )


@pytest.mark.django_db
@settings(max_examples=60)
@given(records=rows)
def test_the_synthesis_tables_are_those_the_issue_describes(federation, records):
    written(records, federation.d1)
    assert shown(synthesis_tables()) == reference(records)


@pytest.mark.parametrize(
    ("counted", "middle"),
    [
        ([(1000, 1), (2000, 1), (2001, 1), (9000, 1)], 2001),  # 2000.5, half up
        ([(1000, 3), (5000, 1)], 1000),
        ([(1000, 2), (5000, 2)], 3000),
        ([(7, 1)], 7),
    ],
)
def test_the_median_of_amounts_counted_is_the_middle_one(counted, middle):
    assert median(counted) == middle


def test_the_coverage_counts_only_the_mutuals_that_give_their_target_population(federation):
    written(
        [
            Row("SN", 2020, "functioning", "community", "", 10, 100, 1000, "XOF", None, ""),
            Row("SN", 2020, "starting", "community", "", 10, 500, None, "XOF", None, ""),
        ],
        federation.d1,
    )
    table = synthesis_tables()[("SN", 2020)]
    assert (table.beneficiaries, table.coverage) == (600, 1000)  # 100 of 1,000: 10.0 %
