"""What the events of the log bring to the figures (docs/monitoring.md), as facts: each
beneficiary's cover, and the flows of each mutual's months. Read from the events' payloads
only (their schemas are in each app's `events.py`), never from the operations' tables.

- The register's events open and end covers: the stocks of members and beneficiaries at a
  month's end are counted from them.
- A payment's parts: contributions (the member's and the third payers') are collected in the
  month they are received and earned in the month their period begins; registration fees are
  counted in the month received. A reversal comes with every amount negative.
- Each household's ledger: its member share of each period as recognised (`dues.recognised`)
  and what its members paid for each period, day by day (monitoring.standing reads it).
- What is due (the members' shares of a period, `dues.recognised`, and the third payers',
  `receivable.recognised`) counts in the month the period begins, a change too, whenever it
  was noticed.
- The closing of a month of the books tells that month's expenses and result and the cash,
  equity and reserves at its end; its reopening withdraws them.
- A claim counts as submitted (and rejected, when every line is) in the month it is submitted,
  and as a visit, with the mutual's share incurred, in the month the care began. A claim sent to
  the medical advisor counts as submitted and as a visit when it arrives, and its share when
  reviewed.

`tally` is pure; `write` keeps what it found, in the transaction of the consumer's batch."""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from mutualis.core import bulk
from mutualis.core.consumers import Logged
from mutualis.federation.models import Organisation
from mutualis.monitoring.models import BooksFigure, Cover, Flow, Ledger

CLAIMS = frozenset({"claim.adjudicated", "claim.submitted", "claim.reviewed"})
PAYMENTS = frozenset({"payment.recorded", "payment.reversed"})
PROVIDER_PAYMENTS = frozenset({"provider_payment.recorded", "provider_payment.reversed"})
# what the members and the third payers owe for a period (contributions.events)
MEMBER_DUE = "dues.recognised"
DUE = frozenset({MEMBER_DUE, "receivable.recognised"})
MEMBER_PART = "contribution"  # a payment's part of a member share (payer_share: a third payer's)
BOOKS_CLOSED, BOOKS_REOPENED = "month.closed", "month.reopened"
KINDS = (
    CLAIMS
    | PAYMENTS
    | PROVIDER_PAYMENTS
    | DUE
    | {
        BOOKS_CLOSED,
        BOOKS_REOPENED,
        "household.enrolled",
        "beneficiary.added",
        "beneficiary.changed",
        "beneficiary.left",
        "household.resigned",
    }
)
HEAD, FEMALE, REJECTED = "head", "F", "rejected"
# a claim settled within these many days of its care counts in the first that holds it
SETTLED_WITHIN = (
    (7, "settled_within_7_days"),
    (30, "settled_within_30_days"),
    (90, "settled_within_90_days"),
)
SETTLED_LATER = "settled_after_90_days"


# a cover opened by the events being read, as the columns of `Cover` it is written with
COVER_COLUMNS = [
    "organisation",
    "beneficiary",
    "household",
    "head",
    "woman",
    "born",
    "start",
    "left",
    "resigned",
]
COLUMN = {name: index for index, name in enumerate(COVER_COLUMNS)}
LEDGER_COLUMNS = ["organisation", "household", "entries"]


@dataclass
class Tally:
    """What a run of events brings: flows to add, covers to open (changed in memory while
    they are), and the changes of covers already written, in the order they came."""

    flows: dict[tuple[int, datetime.date, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    opened: dict[uuid.UUID, list[Any]] = field(default_factory=dict)
    households: dict[uuid.UUID, list[list[Any]]] = field(default_factory=lambda: defaultdict(list))
    # ("beneficiary" | "household", uid, {field: value}), in order
    changes: list[tuple[str, uuid.UUID, dict[str, Any]]] = field(default_factory=list)
    # the figures of each month of the books closed (none when it was reopened), the last told
    books: dict[tuple[int, datetime.date], dict[str, int]] = field(default_factory=dict)
    # flows of the claims paid by their payers, by the claim's mutual's uid (the payment is in
    # the payer's log): written with the flows once the uids are known
    settled: dict[tuple[str, datetime.date, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    organisations: set[int] = field(default_factory=set)
    # each household's new entries of its ledger (monitoring.standing.Entry), by its uid as the
    # events write it, and the mutual whose log told them
    ledgers: dict[str, list[tuple[int, ...]]] = field(default_factory=lambda: defaultdict(list))
    owners: dict[str, int] = field(default_factory=dict)

    def open(self, organisation_id: int, member: dict, home: uuid.UUID) -> None:
        beneficiary = uuid.UUID(member["beneficiary"])
        self.opened[beneficiary] = cover = [
            organisation_id,
            beneficiary,
            home,
            member["relationship"] == HEAD,
            member["sex"] == FEMALE,
            datetime.date.fromisoformat(member["birth_date"]),
            datetime.date.fromisoformat(member["enrolled_on"]),
            None,
            None,
        ]
        self.households[home].append(cover)

    def merge(self, other: "Tally") -> None:
        """Adds what another reading found, of other organisations' logs (a household's covers
        are all in its mutual's)."""
        for key, value in other.flows.items():
            self.flows[key] += value
        self.opened.update(other.opened)
        for home, covers in other.households.items():
            self.households[home].extend(covers)
        self.changes.extend(other.changes)
        self.books.update(other.books)
        for key, value in other.settled.items():
            self.settled[key] += value
        self.organisations |= other.organisations
        for household, entries in other.ledgers.items():
            self.ledgers[household].extend(entries)
        self.owners.update(other.owners)

    def covers(self) -> Iterator[tuple]:
        """The covers opened, as `compute.stock_changes` counts them: (organisation, head,
        woman, born, start, left, resigned, household)."""
        for (
            organisation,
            _b,
            home,
            head,
            woman,
            born,
            start,
            left,
            resigned,
        ) in self.opened.values():
            yield organisation, head, woman, born, start, left, resigned, home

    def entry(self, organisation: int, household: str, entry: tuple[int, ...]) -> None:
        self.ledgers[household].append(entry)
        self.owners[household] = organisation

    def change(self, beneficiary: str, changed: dict[str, Any]) -> None:
        uid = uuid.UUID(beneficiary)
        cover = self.opened.get(uid)
        if cover is None:
            self.changes.append(("beneficiary", uid, changed))
            return
        for name, value in changed.items():
            cover[COLUMN[name]] = value

    def resign(self, household: str, day: datetime.date) -> None:
        uid = uuid.UUID(household)
        for cover in self.households.get(uid, ()):
            cover[COLUMN["resigned"]] = day
        self.changes.append(("household", uid, {"resigned": day}))


# the first day of each day's month, by the day as the events write it (`YYYY-MM-DD`): a log
# names a few hundred days millions of times
MONTHS: dict[str, datetime.date] = {}


def month_of(day: str) -> datetime.date:
    month = MONTHS.get(day)
    if month is None:
        month = MONTHS[day] = datetime.date(int(day[:4]), int(day[5:7]), 1)
    return month


# each day's ordinal, by the day as the events write it: the ledgers' days
ORDINALS: dict[str, int] = {}


def ordinal(day: str) -> int:
    found = ORDINALS.get(day)
    if found is None:
        found = ORDINALS[day] = datetime.date.fromisoformat(day).toordinal()
    return found


def tally(events: Iterable[Logged], into: Tally | None = None) -> Tally:
    """What the events bring (those of other kinds are passed over)."""
    return tally_payloads(
        (
            (event.organisation_id, event.kind, event.payload)
            for event in events
            if event.kind in KINDS
        ),
        into,
    )


def tally_payloads(
    events: Iterable[tuple[int, str, dict[str, Any]]], into: Tally | None = None
) -> Tally:
    """What events of the monitoring's KINDS bring, each given as (organisation, kind,
    payload): the consumer's batches and the full recomputation's reading of the whole log,
    which decodes nothing else of an event, go through here alike."""
    found = into if into is not None else Tally()
    flows = found.flows
    for organisation, kind, payload in events:
        found.organisations.add(organisation)
        # the kinds most logged first: claims, then payments
        if kind in CLAIMS:
            submitted = month_of(payload["submitted_on"])
            care = month_of(payload["service_from"])
            if kind != "claim.reviewed":
                flows[organisation, submitted, "claims_submitted"] += 1
                flows[organisation, care, "visits"] += 1
            if kind != "claim.submitted":
                share = payload["mutual_share"]
                flows[organisation, care, "benefits_incurred"] += share
                if all(line["outcome"] == REJECTED for line in payload["lines"]):
                    flows[organisation, submitted, "claims_rejected"] += 1
                if not share:  # nothing to pay: settled the day it is decided
                    settle(flows, organisation, payload["service_from"], payload["decided_on"], 1)
        elif kind in PAYMENTS:
            received = month_of(payload["received_on"])
            for part in payload["parts"]:
                amount = part["amount"]
                if part["kind"] == "registration_fee":
                    flows[organisation, received, "registration_fees"] += amount
                else:
                    flows[organisation, received, "contributions_collected"] += amount
                    earned = month_of(part["period_start"])
                    flows[organisation, earned, "contributions_earned"] += amount
                    if part["kind"] == MEMBER_PART:
                        found.entry(
                            organisation,
                            part["household"],
                            (
                                ordinal(part["period_start"]),
                                ordinal(payload["received_on"]),
                                0,
                                amount,
                                0,
                            ),
                        )
        elif kind in DUE:
            due = month_of(payload["period_start"])
            flows[organisation, due, "contributions_due"] += payload["amount"]
            if kind == MEMBER_DUE:
                end = payload.get("period_end")  # since version 2
                found.entry(
                    organisation,
                    payload["household"],
                    (
                        ordinal(payload["period_start"]),
                        ordinal(payload["recognised_on"]),
                        payload["amount"],
                        0,
                        ordinal(end) if end else 0,
                    ),
                )
        elif kind == "household.enrolled":
            home = uuid.UUID(payload["household"])
            for member in payload["members"]:
                found.open(organisation, member, home)
        elif kind == "beneficiary.added":
            found.open(organisation, payload, uuid.UUID(payload["household"]))
        elif kind == "beneficiary.changed":
            changes = payload["changes"]
            changed = {}
            if "sex" in changes:
                changed["woman"] = changes["sex"][1] == FEMALE
            if "relationship" in changes:
                changed["head"] = changes["relationship"][1] == HEAD
            if "birth_date" in changes:
                changed["born"] = datetime.date.fromisoformat(changes["birth_date"][1])
            if changed:
                found.change(payload["beneficiary"], changed)
        elif kind == "beneficiary.left":
            found.change(
                payload["beneficiary"], {"left": datetime.date.fromisoformat(payload["left_on"])}
            )
        elif kind == "household.resigned":
            found.resign(payload["household"], datetime.date.fromisoformat(payload["resigned_on"]))
        elif kind in PROVIDER_PAYMENTS:
            settled = payload["settled"]
            if settled:
                sign = -1 if kind == "provider_payment.reversed" else 1
                for claim in settled["claims"]:
                    settle(
                        found.settled, claim["mutual"], claim["service_from"], settled["on"], sign
                    )
        elif kind == BOOKS_CLOSED:
            found.books[organisation, month_of(payload["month"])] = payload.get("figures", {})
        elif kind == BOOKS_REOPENED:
            found.books[organisation, month_of(payload["month"])] = {}
    return found


def settle(
    flows: dict[tuple[Any, datetime.date, str], int], mutual: Any, care: str, on: str, sign: int
) -> None:
    """Counts a claim settled on the day `on` (or, with sign -1, settled no more), in that
    month: the days from its care to then, and the delay's bracket."""
    month = month_of(on)
    days = (datetime.date.fromisoformat(on) - datetime.date.fromisoformat(care)).days
    flows[mutual, month, "claims_settled"] += sign
    flows[mutual, month, "settlement_days"] += sign * days
    bracket = next((code for within, code in SETTLED_WITHIN if days <= within), SETTLED_LATER)
    flows[mutual, month, bracket] += sign


def write(found: Tally) -> None:
    """Adds the flows to the months', writes the covers opened and the books' figures, adds the
    entries to the ledgers' and applies the covers' changes, in their order."""
    write_flows(found)
    bulk.insert(Cover, COVER_COLUMNS, found.opened.values())
    write_ledgers(found)
    write_changes(found)


def write_ledgers(found: Tally) -> None:
    """Adds each household's new entries to its ledger."""
    if not found.ledgers:
        return
    existing = {
        str(row.household): row
        for row in Ledger.objects.filter(
            household__in=[uuid.UUID(household) for household in found.ledgers]
        )
    }
    changed, new = [], []
    for household, entries in found.ledgers.items():
        row = existing.get(household)
        if row is None:
            new.append(
                (found.owners[household], uuid.UUID(household), orjson.dumps(entries).decode())
            )
        else:
            row.entries = orjson.dumps([*orjson.loads(row.entries), *entries]).decode()
            changed.append(row)
    Ledger.objects.bulk_update(changed, ["entries"], batch_size=500)
    bulk.insert(Ledger, LEDGER_COLUMNS, new)


def stored_ledgers(found: Tally) -> list[tuple[Any, ...]]:
    """Each household's ledger as a new row, as the database stores it (as `stored_covers`)."""
    household = bulk.converter(Ledger._meta.get_field("household")) or str
    return [
        (found.owners[home], household(uuid.UUID(home)), orjson.dumps(entries).decode())
        for home, entries in found.ledgers.items()
    ]


def write_stored(covers: Iterable[Sequence[Any]], ledgers: Iterable[Sequence[Any]]) -> None:
    """Writes new covers and ledgers given as `stored_covers` and `stored_ledgers` give them."""
    bulk.insert(Cover, COVER_COLUMNS, covers, stored=True)
    bulk.insert(Ledger, LEDGER_COLUMNS, ledgers, stored=True)


def stored_covers(found: Tally) -> list[tuple[Any, ...]]:
    """The covers opened, as the database stores them (core.bulk.insert's `stored`). The full
    recomputation makes them where the logs were read: they cross to the process that writes
    them as text, which a pipe carries ten times faster than dates and uuids."""
    conversions = [bulk.converter(Cover._meta.get_field(name)) for name in COVER_COLUMNS]
    return [
        tuple(
            value if value is None or convert is None else convert(value)
            for value, convert in zip(cover, conversions, strict=True)
        )
        for cover in found.opened.values()
    ]


def write_flows(found: Tally) -> None:
    """Adds the flows to the months' (those of claims paid to the flows of the claims'
    mutuals, which join the organisations found) and writes the books' figures."""
    if found.settled:
        ids = dict(
            Organisation.objects.filter(
                uid__in={uuid.UUID(uid) for uid, _month, _code in found.settled}
            ).values_list("uid", "pk")
        )
        for (uid, month, code), value in found.settled.items():
            mutual = ids[uuid.UUID(uid)]
            found.flows[mutual, month, code] += value
            found.organisations.add(mutual)
        found.settled.clear()
    add_flows(found.flows)
    write_books(found.books)


def write_changes(found: Tally) -> None:
    """Applies the changes of covers written before, in their order (found by beneficiary or
    household: indexed)."""
    for what, uid, changed in found.changes:
        if what == "beneficiary":
            Cover.objects.filter(beneficiary=uid).update(**changed)
        else:  # a household resigned: its members' cover ends with it
            Cover.objects.filter(household=uid).update(**changed)


def write_books(books: dict[tuple[int, datetime.date], dict[str, int]]) -> None:
    """Each month's figures of the books replace what its last closing told."""
    for (organisation, month), figures in books.items():
        BooksFigure.objects.filter(organisation_id=organisation, month=month).delete()
        bulk.insert(
            BooksFigure,
            ["organisation", "month", "code", "value"],
            [(organisation, month, code, value) for code, value in figures.items()],
        )


def add_flows(flows: dict[tuple[int, datetime.date, str], int]) -> None:
    wanted = {key: value for key, value in flows.items() if value}
    if not wanted:
        return
    organisations = {organisation for organisation, _month, _code in wanted}
    months = {month for _organisation, month, _code in wanted}
    existing = {
        (row.organisation_id, row.month, row.code): row
        for row in Flow.objects.filter(organisation_id__in=organisations, month__in=months)
    }
    changed, new = [], []
    for key, value in wanted.items():
        row = existing.get(key)
        if row is None:
            new.append((*key, value))
        else:
            row.value += value
            changed.append(row)
    Flow.objects.bulk_update(changed, ["value"], batch_size=500)
    bulk.insert(Flow, ["organisation", "month", "code", "value"], new)
