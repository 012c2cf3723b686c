"""Contribution periods: calendar months, quarters, semesters and years, named by their first
day. A contribution "for the first semester of 2026" covers 2026-01-01 to 2026-06-30."""

import datetime
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodUnit(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    SEMESTER = "semester", _("semester")
    YEAR = "year", _("year")


MONTHS = {PeriodUnit.MONTH: 1, PeriodUnit.QUARTER: 3, PeriodUnit.SEMESTER: 6, PeriodUnit.YEAR: 12}


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


class Dated(Protocol):
    valid_from: datetime.date


V = TypeVar("V", bound=Dated)


def in_force(versions: Iterable[V], day: datetime.date) -> V | None:
    """The version in force on `day`: the latest that started on or before it, or None."""
    current = None
    for version in sorted(versions, key=lambda v: v.valid_from):
        if version.valid_from <= day:
            current = version
    return current
