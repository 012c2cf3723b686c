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

It catches these mutations of inventory.rules.synthesis (each tried by hand): the median of an
even count taken as the lower middle value; a monthly contribution not made a year's; the
beneficiaries of a mutual without a target population counted in the coverage; a blank count
the records that do not give their level left out rather than counted under ""; amounts of two currencies
mixed in one range; "every country" counting each record once per country seen."""

import statistics
from collections import defaultdict
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from mutualis.inventory.rules import Row, synthesis

PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
STATUSES = ["functioning", "starting", "project", "stopped"]


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
    ),
    max_size=60,
)


def reference(records: list[Row]) -> dict:
    groups: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for r in records:
        groups[(r.country, r.year)].append(r)
        groups[("", r.year)].append(r)
    expected = {}
    for key, mine in groups.items():
        with_target = [
            r for r in mine if r.target_population and r.beneficiaries is not None
        ]
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


@given(rows)
def test_the_synthesis_tables_are_those_the_issue_describes(records):
    assert shown(synthesis(records)) == reference(records)


def test_an_even_number_of_contributions_takes_the_mean_of_the_two_middle_ones():
    made = [
        Row("SN", 2020, "functioning", "community", "", None, None, None, "XOF", amount, "year")
        for amount in (1000, 2000, 2001, 9000)
    ]
    spread = synthesis(made)[("SN", 2020)].contributions["XOF"]
    assert (spread.median, spread.low, spread.high) == (2001, 1000, 9000)  # 2000.5, half up


def test_the_coverage_counts_only_the_mutuals_that_give_their_target_population():
    made = [
        Row("SN", 2020, "functioning", "community", "", 10, 100, 1000, "XOF", None, ""),
        Row("SN", 2020, "starting", "community", "", 10, 500, None, "XOF", None, ""),
    ]
    table = synthesis(made)[("SN", 2020)]
    assert (table.beneficiaries, table.coverage) == (600, 1000)  # 100 of 1,000: 10.0 %
