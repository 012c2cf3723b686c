"""The directory's events, in the log of the entry's keeper (its `owner`), in the transaction of
the change, version 1:

- `directory_institution.created`, `.changed`, `.retired`, about the organisation:
  {"institution", "name", "country"};
- `directory_person.created`, `.changed`, `.retired`, about the person: {"person", "country"}
  (no name, phone nor e-mail: the log travels to other installations, and a person's contact
  stays in the table, read as its visibility allows);
- `directory_committee.created`, `.changed`, about the committee: {"committee", "country"};
- `directory_seat.taken`, `directory_seat.ended`, about the seat: {"seat", "committee",
  "person", "role"}.
"""

from django.utils.translation import gettext_lazy as _

from mutualis.core.event_check import Trace
from mutualis.core.events import NewEvent
from mutualis.core.journal import Kind
from mutualis.portal.directory.models import Committee, Institution, Person, Seat

INSTITUTION_CREATED = "directory_institution.created"
INSTITUTION_CHANGED = "directory_institution.changed"
INSTITUTION_RETIRED = "directory_institution.retired"
PERSON_CREATED = "directory_person.created"
PERSON_CHANGED = "directory_person.changed"
PERSON_RETIRED = "directory_person.retired"
COMMITTEE_CREATED = "directory_committee.created"
COMMITTEE_CHANGED = "directory_committee.changed"
SEAT_TAKEN = "directory_seat.taken"
SEAT_ENDED = "directory_seat.ended"


def institution(kind: str, row: Institution) -> NewEvent:
    return NewEvent(
        kind, row.uid, {"institution": str(row.uid), "name": row.name, "country": row.country}
    )


def person(kind: str, row: Person) -> NewEvent:
    return NewEvent(kind, row.uid, {"person": str(row.uid), "country": row.country})


def committee(kind: str, row: Committee) -> NewEvent:
    return NewEvent(kind, row.uid, {"committee": str(row.uid), "country": row.country})


def seat(kind: str, row: Seat) -> NewEvent:
    return NewEvent(
        kind,
        row.uid,
        {
            "seat": str(row.uid),
            "committee": str(row.committee.uid),
            "person": str(row.person.uid),
            "role": row.role,
        },
    )


KINDS = [
    Kind(INSTITUTION_CREATED, _("Organisation added to the directory")),
    Kind(INSTITUTION_CHANGED, _("Organisation of the directory changed")),
    Kind(INSTITUTION_RETIRED, _("Organisation retired from the directory")),
    Kind(PERSON_CREATED, _("Person added to the directory")),
    Kind(PERSON_CHANGED, _("Person of the directory changed")),
    Kind(PERSON_RETIRED, _("Person retired from the directory")),
    Kind(COMMITTEE_CREATED, _("National committee created")),
    Kind(COMMITTEE_CHANGED, _("National committee changed")),
    Kind(SEAT_TAKEN, _("Seat taken in a national committee")),
    Kind(SEAT_ENDED, _("Seat in a national committee ended")),
]

# each entry, committee and seat is told once when it is made; changes may come again and again
TRACES = [
    Trace("directory organisations", lambda: Institution.objects.all(), (INSTITUTION_CREATED,)),
    Trace("directory people", lambda: Person.objects.all(), (PERSON_CREATED,)),
    Trace("national committees", lambda: Committee.objects.all(), (COMMITTEE_CREATED,)),
    Trace("committee seats", lambda: Seat.objects.all(), (SEAT_TAKEN,)),
]
