"""Writing entries: the accounts each operation posts to (the mapping in force on the entry's
day, the nearest owner's prevailing), numbers without gaps per journal and year, and entries
written in bulk then validated, which the database accepts only balanced."""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _

from mutualis.accounting.models import ClosedMonth, Entry, Line, Mapping
from mutualis.accounting.postings import Posting
from mutualis.core.access import ancestor_paths
from mutualis.core.bulk import converter, insert, new_stored_uids, reserve_ids
from mutualis.core.numbering import series_take_each
from mutualis.core.sql import table
from mutualis.federation.models import Organisation

# entries validated per statement: well under the databases' limits on parameters
VALIDATED_AT_ONCE = 500


class UnmappedOperation(LookupError):
    pass


class Chart:
    """The accounts and the mapping, read once for a run of the books."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str, datetime.date], int] = {}
        self.owners: dict[str, list[str | None]] = {}
        self.version = mapping_version()

    @cached_property
    def mappings(self) -> dict[tuple[str | None, str], list[tuple[datetime.date, int]]]:
        """(owner's path or None, operation) → [(valid from, account id)], latest first."""
        found: dict[tuple[str | None, str], list[tuple[datetime.date, int]]] = defaultdict(list)
        for path, operation, valid_from, account_id in Mapping.objects.filter(
            pk__lte=self.version[1]
        ).values_list("owner__path", "operation", "valid_from", "account_id"):
            found[(path, operation)].append((valid_from, account_id))
        for versions in found.values():
            versions.sort(reverse=True)
        return found

    def account(self, path: str, operation: str, day: datetime.date) -> int:
        """The account `operation` posts to on `day` for the organisation at `path`."""
        key = (path, operation, day)
        account = self.found.get(key)
        if account is None:
            account = self.found[key] = self.look_up(path, operation, day)
        return account

    def look_up(self, path: str, operation: str, day: datetime.date) -> int:
        owners = self.owners.get(path)
        if owners is None:
            owners = self.owners[path] = [*reversed(ancestor_paths(path)), None]
        for owner in owners:
            for valid_from, account_id in self.mappings.get((owner, operation), ()):
                if valid_from <= day:
                    return account_id
        raise UnmappedOperation(f"no account for {operation} on {day} at {path}")


def mapping_version() -> tuple[int, int]:
    """How many mappings there are and the highest id: a mapping is changed by a new row, so
    a chart read before another version was written can be told."""
    found = Mapping.objects.aggregate(count=Count("id"), highest=Max("id"))
    return found["count"], found["highest"] or 0


class ToPost(NamedTuple):
    """A posting and where it comes from: the event's uid and kind, and what it is about (uids
    as stored, from core.consumers.Logged, are written as they are)."""

    posting: Posting
    source: uuid.UUID | str | None = None
    source_kind: str = ""
    subject: uuid.UUID | str | None = None


class Draft(NamedTuple):
    """An entry ready to write: its lines as (account id, debit, credit, party). Tuples, as
    ToPost: the books make hundreds of thousands at a time."""

    journal: str
    date: datetime.date
    label: str
    reference: str
    lines: list[tuple[int, int, int, uuid.UUID | None]]
    source: uuid.UUID | str | None = None
    source_kind: str = ""
    subject: uuid.UUID | str | None = None
    reverses: int | None = None


def closed_months(organisation: Organisation) -> set[datetime.date]:
    return set(
        ClosedMonth.objects.filter(mutual=organisation, reopened_at=None).values_list(
            "month", flat=True
        )
    )


def open_day(day: datetime.date, closed: set[datetime.date]) -> datetime.date:
    """`day`, or the first day of the first open month after it when its month is closed: an
    event of a closed month (a payment recorded late) is posted when the books are open."""
    while closed and day.replace(day=1) in closed:
        day = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return day


def drafts_of(
    organisation: Organisation,
    postings: Sequence[ToPost],
    chart: Chart,
    closed: set[datetime.date],
) -> list[Draft]:
    """Postings as entries of the organisation, each side on the account its operation maps to
    on the entry's day (moved out of a closed month)."""
    return [draft_of(item, organisation, chart, closed) for item in postings]


def draft_of(
    item: ToPost,
    organisation: Organisation,
    chart: Chart,
    closed: set[datetime.date],
) -> Draft:
    posting = item.posting
    day = open_day(posting.date, closed)
    path = organisation.path
    return Draft(
        posting.journal,
        day,
        posting.label,
        posting.reference,
        [
            (
                chart.account(path, operation, day),
                amount if amount > 0 else 0,
                -amount if amount < 0 else 0,
                party_uid(party) if party else None,
            )
            for operation, amount, party in posting.sides
        ],
        item.source,
        item.source_kind,
        item.subject,
    )


@lru_cache(maxsize=4096)
def party_uid(text: str) -> uuid.UUID:
    """The uid of a party named in a payload: the same few providers and payers, over and over."""
    return uuid.UUID(text)


def reverse(
    organisation: Organisation,
    original: Entry,
    on: datetime.date,
    *,
    source: uuid.UUID | None = None,
    source_kind: str = "",
    by: Any = None,
) -> int:
    """Writes the entry that cancels `original`: its lines on the same accounts, debits and
    credits swapped, dated `on` (which the caller has found open), in its journal."""
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Reversal: %(label)s") % {"label": original.label}
    lines = [
        (account, credit, debit, party)
        for account, debit, credit, party in original.lines.order_by("pk").values_list(
            "account_id", "debit", "credit", "party"
        )
    ]
    draft = Draft(
        original.journal,
        on,
        label,
        original.reference,
        lines,
        source,
        source_kind,
        original.subject,
        original.pk,
    )
    (pk,) = write_drafts(organisation, [draft], by)
    return pk


class Rows(NamedTuple):
    """Entries and their lines as the database stores them, all but what only the writing can
    give: each entry's id, number, organisation and author, each line's entry id. Made by
    `rows_of` where it is cheapest (the books make them in other processes, ahead of the
    writing); `ENTRY_FIELDS` and `LINE_FIELDS` name their values, after those."""

    entries: list[tuple[Any, ...]]
    lines: list[tuple[int, tuple[Any, ...]]]  # (the entry's place in `entries`, its values)


# the values written for the entries and lines, the writing's own first
ENTRY_FIELDS = [
    "id",
    "number",
    "mutual",
    "validated",
    "recorded_by",
    "uid",
    "journal",
    "year",
    "date",
    "label",
    "reference",
    "source",
    "source_kind",
    "subject",
    "reverses",
]
LINE_FIELDS = ["entry", "uid", "mutual", "journal", "date", "account", "debit", "credit", "party"]


def rows_of(mutual: int, drafts: Sequence[Draft]) -> Rows:
    """The rows of the organisation `mutual`'s drafts, as the database stores them (core.bulk.
    insert's `stored`): an entry's day converted once for all its lines."""
    uid = converter(Line._meta.get_field("uid")) or str
    new_uid = new_stored_uids()
    stored_day = converter(Line._meta.get_field("date")) or str
    entries: list[tuple[Any, ...]] = []
    lines: list[tuple[int, tuple[Any, ...]]] = []
    for place, draft in enumerate(drafts):
        journal, day = draft.journal, draft.date
        day_stored = stored_day(day)
        entries.append(
            (
                new_uid(),
                journal,
                day.year,
                day_stored,
                draft.label[:200],
                draft.reference[:60],
                uid(draft.source) if draft.source else None,
                draft.source_kind,
                uid(draft.subject) if draft.subject else None,
                draft.reverses,
            )
        )
        lines += [
            (
                place,
                (
                    new_uid(),
                    mutual,
                    journal,
                    day_stored,
                    account,
                    debit,
                    credit,
                    uid(party) if party else None,
                ),
            )
            for account, debit, credit, party in draft.lines
        ]
    return Rows(entries, lines)


def write_drafts(organisation: Organisation, drafts: Sequence[Draft], by: Any = None) -> list[int]:
    """Writes entries numbered in the order given within each journal and year, then validates
    them; runs in the caller's transaction. Returns their ids."""
    return write_rows(organisation, rows_of(organisation.pk, drafts), by)


def write_rows(organisation: Organisation, rows: Rows, by: Any = None) -> list[int]:
    """`write_drafts` of drafts already made rows."""
    if not rows.entries:
        return []
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for entry in rows.entries:
        counts[(entry[1], entry[2])] += 1  # journal, year
    first = series_take_each(
        organisation.pk,
        {f"journal-{journal}-{year}": count for (journal, year), count in counts.items()},
    )
    next_number = {(journal, year): first[f"journal-{journal}-{year}"] for journal, year in counts}
    ids = reserve_ids(Entry, len(rows.entries))
    own = (organisation.pk, False, getattr(by, "pk", None))
    entries: list[tuple[Any, ...]] = []
    for pk, entry in zip(ids, rows.entries, strict=True):
        key = (entry[1], entry[2])
        number = next_number[key]
        next_number[key] = number + 1
        entries.append((pk, number, *own, *entry))
    insert(Entry, ENTRY_FIELDS, entries, stored=True)
    insert(Line, LINE_FIELDS, [(ids[place], *line) for place, line in rows.lines], stored=True)
    validate(ids)
    return ids


def validate(ids: Sequence[int]) -> None:
    """Marks entries validated: the database refuses any that does not balance."""
    with connection.cursor() as cursor:
        for start in range(0, len(ids), VALIDATED_AT_ONCE):
            chunk = ids[start : start + VALIDATED_AT_ONCE]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {table(Entry)} SET validated = %s WHERE id IN ({marks})",
                [True, *chunk],
            )
