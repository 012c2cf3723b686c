"""Contribution periods: months, quarters, semesters and years tile the calendar."""

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.core.periods import MONTHS, PeriodUnit, period_end, period_start, periods, shift

units = st.sampled_from(list(PeriodUnit))
days = st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2199, 12, 31))
ONE_DAY = datetime.timedelta(days=1)
d = datetime.date


@pytest.mark.parametrize(
    ("day", "unit", "start", "end"),
    [
        (d(2026, 5, 17), PeriodUnit.MONTH, d(2026, 5, 1), d(2026, 5, 31)),
        (d(2024, 2, 10), PeriodUnit.MONTH, d(2024, 2, 1), d(2024, 2, 29)),
        (d(2026, 5, 17), PeriodUnit.QUARTER, d(2026, 4, 1), d(2026, 6, 30)),
        (d(2026, 12, 31), PeriodUnit.QUARTER, d(2026, 10, 1), d(2026, 12, 31)),
        (d(2026, 3, 1), PeriodUnit.SEMESTER, d(2026, 1, 1), d(2026, 6, 30)),
        (d(2026, 7, 1), PeriodUnit.SEMESTER, d(2026, 7, 1), d(2026, 12, 31)),
        (d(2026, 8, 15), PeriodUnit.YEAR, d(2026, 1, 1), d(2026, 12, 31)),
    ],
)
def test_a_period_is_named_by_its_first_day_and_ends_the_day_before_the_next(day, unit, start, end):
    assert period_start(day, unit) == start
    assert period_end(start, unit) == end


def test_the_first_semester_of_2026_covers_january_to_june():
    assert period_end(d(2026, 1, 1), "semester") == d(2026, 6, 30)


def test_shift_crosses_years_both_ways():
    assert shift(d(2026, 10, 1), PeriodUnit.QUARTER) == d(2027, 1, 1)
    assert shift(d(2026, 1, 1), PeriodUnit.MONTH, -1) == d(2025, 12, 1)
    assert shift(d(2026, 7, 1), PeriodUnit.SEMESTER, -3) == d(2025, 1, 1)
    assert shift(d(2026, 1, 1), PeriodUnit.YEAR, 0) == d(2026, 1, 1)


def test_periods_run_from_the_one_containing_the_first_day_to_the_one_containing_the_last():
    assert list(periods(d(2026, 2, 15), d(2026, 11, 3), PeriodUnit.QUARTER)) == [
        d(2026, 1, 1),
        d(2026, 4, 1),
        d(2026, 7, 1),
        d(2026, 10, 1),
    ]
    assert list(periods(d(2026, 2, 15), d(2026, 2, 20), PeriodUnit.YEAR)) == [d(2026, 1, 1)]


def test_there_are_no_periods_before_the_first():
    assert list(periods(d(2026, 3, 1), d(2025, 12, 31), PeriodUnit.MONTH)) == []


@given(day=days, unit=units)
def test_a_day_lies_within_its_period(day, unit):
    start = period_start(day, unit)
    assert start <= day <= period_end(start, unit)


@given(day=days, unit=units)
def test_a_period_starts_on_the_first_of_a_month_aligned_on_its_unit(day, unit):
    start = period_start(day, unit)
    assert start.day == 1
    assert (start.month - 1) % MONTHS[unit] == 0
    assert period_start(start, unit) == start  # the start names its own period


@given(day=days, unit=units)
def test_consecutive_periods_leave_no_gap_and_no_overlap(day, unit):
    start = period_start(day, unit)
    following = shift(start, unit)
    assert period_end(start, unit) + ONE_DAY == following
    assert period_start(following, unit) == following
    assert period_start(period_end(start, unit), unit) == start
    assert period_start(start - ONE_DAY, unit) == shift(start, unit, -1)


@given(day=days, unit=units)
def test_a_period_lasts_its_number_of_months(day, unit):
    start = period_start(day, unit)
    end = period_end(start, unit)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    assert months == MONTHS[unit]


@given(day=days, unit=units, count=st.integers(min_value=-600, max_value=600))
def test_shifting_there_and_back_is_the_identity(day, unit, count):
    start = period_start(day, unit)
    assert shift(shift(start, unit, count), unit, -count) == start


@given(
    day=days,
    unit=units,
    first=st.integers(min_value=-300, max_value=300),
    second=st.integers(min_value=-300, max_value=300),
)
def test_shifts_add_up(day, unit, first, second):
    start = period_start(day, unit)
    assert shift(shift(start, unit, first), unit, second) == shift(start, unit, first + second)


@given(
    first=st.dates(min_value=d(2000, 1, 1), max_value=d(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=500),
    unit=units,
)
def test_periods_tile_the_days_from_first_to_last(first, length, unit):
    last = first + datetime.timedelta(days=length)
    starts = list(periods(first, last, unit))
    # every day from the first to the last lies in exactly one of the periods, in order
    day = first
    while day <= last:
        containing = [s for s in starts if s <= day <= period_end(s, unit)]
        assert containing == [period_start(day, unit)]
        day += ONE_DAY
    assert starts[0] <= first and last <= period_end(starts[-1], unit)
    for earlier, later in itertools.pairwise(starts):
        assert period_end(earlier, unit) + ONE_DAY == later
