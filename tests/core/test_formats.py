"""Dates read the same way in both languages: the day before the month, a 24-hour clock."""

import datetime

import pytest
from django.utils import formats, translation

from mutualis.core.forms import DateField

DAY = datetime.date(2026, 12, 5)
JUST_AFTER_MIDNIGHT = datetime.datetime(2026, 12, 5, 0, 18)  # noqa: DTZ001 (a wall-clock time)


@pytest.mark.parametrize(
    ("language", "short", "long", "short_with_time"),
    [
        ("en", "05/12/2026", "5 December 2026", "05/12/2026 00:18"),
        ("fr", "05/12/2026", "5 décembre 2026", "05/12/2026 00:18"),
    ],
)
def test_a_date_is_day_first_and_a_time_on_24_hours(language, short, long, short_with_time):
    with translation.override(language):
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(DAY, "DATE_FORMAT") == long
        assert formats.date_format(JUST_AFTER_MIDNIGHT, "SHORT_DATETIME_FORMAT") == short_with_time


def test_a_date_typed_day_first_is_read_day_first_in_english():
    with translation.override("en"):
        assert DateField().clean("05/12/2026") == DAY
        assert DateField().clean("2026-12-05") == DAY
