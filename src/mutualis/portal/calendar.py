"""The calendar as iCalendar (RFC 5545), for the calendars of phones and mail programs.

Lines end with CRLF and are folded at 75 octets (never inside a UTF-8 letter), text values
escape backslash, semicolon, comma and line breaks, every event has a UID that never changes
(its uid), a DTSTAMP and a SEQUENCE that rises with each change, and gatherings are whole days:
DTSTART and DTEND are dates, DTEND the day after the last (it is exclusive).
"""

import datetime
from collections.abc import Iterable

from mutualis.portal.models import Gathering

LIMIT = 75  # octets of a line, CRLF not counted


def escaped(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def folded(line: str) -> str:
    """A content line cut into lines of at most 75 octets, each after the first starting
    with a space (which counts in its 75)."""
    parts: list[str] = []
    current, size, room = "", 0, LIMIT
    for char in line:
        width = len(char.encode())
        if size + width > room:
            parts.append(current)
            current, size, room = "", 0, LIMIT - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def day(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def event_lines(gathering: Gathering, description: str, location: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{gathering.uid}@mutualis",
        f"DTSTAMP:{stamp(gathering.changed_at)}",
        f"SEQUENCE:{gathering.sequence}",
        f"DTSTART;VALUE=DATE:{day(gathering.starts_on)}",
        f"DTEND;VALUE=DATE:{day(gathering.ends_on + datetime.timedelta(days=1))}",
        f"SUMMARY:{escaped(gathering.title)}",
        f"CATEGORIES:{escaped(gathering.get_kind_display())}",
    ]
    if location:
        lines.append(f"LOCATION:{escaped(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escaped(description)}")
    if gathering.registration:
        lines.append(f"URL:{gathering.registration}")
    lines.append("END:VEVENT")
    return lines


def icalendar(name: str, events: Iterable[tuple[Gathering, str, str]]) -> bytes:
    """The calendar: `events` are (gathering, its description, its place) as read."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Mutualis//Portal//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escaped(name)}",
    ]
    for gathering, description, location in events:
        lines.extend(event_lines(gathering, description, location))
    lines.append("END:VCALENDAR")
    return "".join(folded(line) + "\r\n" for line in lines).encode()
