"""The calendar's iCalendar feed (RFC 5545): CRLF, lines of at most 75 octets, escaped text,
whole days, a UID and a SEQUENCE that rises with a change."""

import datetime

from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mutualis.portal.calendar import escaped, folded
from mutualis.portal.services import GatheringDetails, gathering_create, gathering_update

D = datetime.date


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


@given(st.text(min_size=0, max_size=400))
def test_folding_keeps_lines_within_75_octets_and_unfolds_to_the_line(text):
    line = "DESCRIPTION:" + escaped(text)
    result = folded(line)
    # mutations caught: a limit counted in characters (é is 2 octets), a continuation's
    # space not counted, a cut inside a letter (decode fails), a lost character
    assert all(len(part.encode()) <= 75 for part in result.split("\r\n"))
    assert result.replace("\r\n ", "") == line
    assert "\r" not in escaped(text) and "\n" not in escaped(text)


def test_text_is_escaped():
    assert escaped("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_the_feed_gives_each_gathering_as_whole_days(client, editor):
    today = timezone.localdate()
    forum = gathering_create(
        by=editor,
        owner=editor.organisation,
        details=GatheringDetails(
            "forum",
            "Forum régional; mutuelles, unions et partenaires de la sous-région ouest-africaine",
            today + datetime.timedelta(days=10),
            today + datetime.timedelta(days=12),
            place="Lomé",
            country="TG",
            languages=("fr", "en"),
            registration="https://example.org/inscription",
        ),
    )
    response = client.get(reverse("portal:events-ical"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = unfolded(body)
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    assert f"UID:{forum.uid}@mutualis" in lines
    start = forum.starts_on.strftime("%Y%m%d")
    end = (forum.ends_on + datetime.timedelta(days=1)).strftime("%Y%m%d")
    assert f"DTSTART;VALUE=DATE:{start}" in lines and f"DTEND;VALUE=DATE:{end}" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert (
        "SUMMARY:Forum régional\\; mutuelles\\, unions et partenaires de la sous-région "
        "ouest-africaine" in lines
    )
    assert "LOCATION:Lomé\\, Togo" in lines
    # the feed speaks the page's language, French by default
    assert any(line.startswith("DESCRIPTION:Langues") for line in lines)
    assert "SEQUENCE:0" in lines
    gathering_update(
        by=editor,
        gathering=forum,
        details=GatheringDetails("forum", "Forum", forum.starts_on, forum.ends_on),
    )
    assert "SEQUENCE:1" in unfolded(client.get(reverse("portal:events-ical")).content.decode())


def test_the_calendar_page_puts_gatherings_to_come_before_past_ones(client, editor):
    today = timezone.localdate()
    for title, first in (("Atelier passé", -30), ("Formation à venir", 5)):
        day = today + datetime.timedelta(days=first)
        gathering_create(
            by=editor,
            owner=editor.organisation,
            details=GatheringDetails("workshop", title, day, day),
        )
    page = client.get(reverse("portal:events")).content.decode()
    assert page.index("Formation à venir") < page.index("Atelier passé")


def test_a_gathering_ending_before_it_starts_is_refused(editor):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        gathering_create(
            by=editor,
            owner=editor.organisation,
            details=GatheringDetails("meeting", "Réunion", D(2026, 5, 4), D(2026, 5, 3)),
        )
    assert error.value.message_dict == {"ends_on": ["The last day is on or after the first day."]}
