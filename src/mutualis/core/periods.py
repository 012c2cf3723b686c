"""Contribution periods: months, quarters, semesters and years, named by their first day.

Calendar periods: a contribution "for the first semester of 2026" covers 2026-01-01 to
2026-06-30. A package may instead count periods from each household's enrolment (`Grid` with an
anchor): a household enrolled on 15 March pays yearly periods from 15 March to 14 March.
"""

import calendar
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodUnit(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    SEMESTER = "semester", _("semester")
    YEAR = "year", _("year")


MONTHS: dict[str, int] = {
    PeriodUnit.MONTH: 1,
    PeriodUnit.QUARTER: 3,
    PeriodUnit.SEMESTER: 6,
    PeriodUnit.YEAR: 12,
}


def period_start(day: datetime.date, unit: str) -> datetime.date:
    """The first day of the period of `unit` that contains `day`."""
    months = MONTHS[unit]
    month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, month, 1)


def shift(start: datetime.date, unit: str, count: int = 1) -> datetime.date:
    """The first day of the period `count` periods after the one starting on `start`."""
    index = start.year * 12 + start.month - 1 + MONTHS[unit] * count
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_end(start: datetime.date, unit: str) -> datetime.date:
    """The last day of the period starting on `start`."""
    return shift(start, unit) - datetime.timedelta(days=1)


def periods(first: datetime.date, last: datetime.date, unit: str) -> Iterator[datetime.date]:
    """The starts of the periods from the one containing `first` to the one containing `last`."""
    current = period_start(first, unit)
    while current <= last:
        yield current
        current = shift(current, unit)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter (31 January plus
    one month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Grid:
    """The periods of one household: calendar periods (`anchor` None), or periods that start
    on the anniversaries of `anchor` (its enrolment) every `unit`."""

    unit: str
    anchor: datetime.date | None = None

    def _index(self, day: datetime.date) -> int:
        anchor = self.anchor
        assert anchor is not None  # called for the periods of an anchored grid only
        months = (day.year - anchor.year) * 12 + day.month - anchor.month
        index = months // MONTHS[self.unit]
        return index if add_months(anchor, index * MONTHS[self.unit]) <= day else index - 1

    def start(self, day: datetime.date) -> datetime.date:
        """The first day of the period that contains `day`."""
        if self.anchor is None:
            return period_start(day, self.unit)
        return add_months(self.anchor, self._index(day) * MONTHS[self.unit])

    def shift(self, start: datetime.date, count: int = 1) -> datetime.date:
        """The first day of the period `count` periods after the one containing `start`."""
        if self.anchor is None:
            return shift(period_start(start, self.unit), self.unit, count)
        return add_months(self.anchor, (self._index(start) + count) * MONTHS[self.unit])

    def end(self, start: datetime.date) -> datetime.date:
        """The last day of the period that contains `start`."""
        return self.shift(start) - datetime.timedelta(days=1)

    def starts(self, first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
        """The starts of the periods from the one containing `first` to the one containing
        `last`."""
        current = self.start(first)
        while current <= last:
            yield current
            current = self.shift(current)


class Dated(Protocol):
    @property
    def valid_from(self) -> datetime.date: ...


V = TypeVar("V", bound=Dated)


def in_force(versions: Iterable[V], day: datetime.date) -> V | None:
    """The version in force on `day`: the latest that started on or before it, or None."""
    current = None
    for version in versions:  # a pass, not a sort: coverage asks this a million times a batch
        if version.valid_from <= day and (
            current is None or version.valid_from > current.valid_from
        ):
            current = version
    return current
