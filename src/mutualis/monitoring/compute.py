"""The figures worked out from the facts and the accepted reports (docs/monitoring.md): each
mutual's months, then its quarters and years, then every union's as the sums of its mutuals'.

A mutual's months run from the first its facts or reports name (or January of this year, for a
mutual with neither) to the current month. Where it records its operations in Mutualis, the
operations' figures of every month are known (a month without a claim has 0 claims); the
figures the operations do not give come from its books' closed months, or else from its
accepted reports. Each month before the
current one is a report expected of it; received on time when its operations are recorded here
or when its report was submitted by the 15th of the next month.

`refresh` brings the figures of some mutuals up to date and carries the differences to every
union above them; `rebuild` works out every figure again from the facts."""

import datetime
import multiprocessing
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

import orjson
from django.db import connection, connections, transaction
from django.db.models import Q

from mutualis.core import bulk
from mutualis.core.consumers import decoded, kinds_after
from mutualis.core.models import Cursor, EventSequence
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Kind as OrganisationKind
from mutualis.monitoring import care, facts, standing
from mutualis.monitoring.figures import Month, by_span
from mutualis.monitoring.models import (
    BooksFigure,
    Care,
    Cover,
    Figure,
    Flow,
    Ledger,
    Report,
    Source,
    TargetPopulation,
)

OPERATIONS_FLOWS = (
    "contributions_due",
    "contributions_collected",
    "contributions_earned",
    "registration_fees",
    "claims_submitted",
    "claims_rejected",
    "visits",
    "benefits_incurred",
    "claims_settled",
    "settlement_days",
    "settled_within_7_days",
    "settled_within_30_days",
    "settled_within_90_days",
    "settled_after_90_days",
    "members_due_to_renew",
    "members_renewed",
)
OPERATIONS_STOCKS = (
    "members",
    "beneficiaries",
    "dependants",
    "women_members",
    "young_members",
    "beneficiaries_up_to_date",
)
OPERATIONS = frozenset(OPERATIONS_FLOWS + OPERATIONS_STOCKS)
YOUNG_UNTIL = 35  # a member is young before this birthday
# what the full recomputation reads of each log: the events the facts and the care count
READ_KINDS = facts.KINDS | care.KINDS
READ_AT_ONCE = 20_000  # events read per query when the whole log is read again
SHARES_A_PROCESS = 4  # the logs' shares per reading process in a full recomputation
REPORT_DAY = 15  # a month's report is on time when submitted by this day of the next month

Key = tuple[str, Month, str]  # span, its first month, code
Row = tuple[int, str]  # value, source


def month_index(month: Month) -> int:
    return month.year * 12 + month.month - 1


def month_at(index: int) -> Month:
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_of(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def birthday(born: datetime.date, years: int) -> datetime.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + years, day=28)


# a household's ledger, by its uid as text: (its mutual, its entries)
Ledgers = Mapping[str, tuple[int, Sequence[standing.Entry]]]
Changes = dict[int, dict[int, dict[str, int]]]  # by mutual, month index and code


def stock_changes(covers: Iterable[tuple], ledgers: Ledgers) -> tuple[Changes, Changes]:
    """For each mutual, the change of each stock in each month (by index), and its renewals:
    a beneficiary counts at the end of every month from the one they started in to the one
    before they left (a month ends after its last day, so one who leaves on its last day is
    gone at its end), as up to date at the end of those months their household is
    (monitoring.standing); a household's renewals count in the months its periods end."""
    changes: Changes = defaultdict(lambda: defaultdict(dict))

    def count(organisation: int, code: str, first: int, until: int | None) -> None:
        months = changes[organisation]
        # the month a cover starts in is one of the mutual's months even when the cover ends
        # in it (a household enrolled and resigned in the same month): its figures start there
        started = months[first]
        if until is not None and until <= first:
            return
        started[code] = started.get(code, 0) + 1
        if until is not None:
            months[until][code] = months[until].get(code, 0) - 1

    runs: dict[str, list[tuple[int, int | None]]] = {}
    resigned_on: dict[str, datetime.date | None] = {}
    for organisation, head, woman, born, start, left, resigned, household in covers:
        ends = [day for day in (left, resigned) if day is not None]
        end = min(ends) if ends else None
        first, until = month_of(start), (month_of(end) if end else None)
        count(organisation, "beneficiaries", first, until)
        home = str(household)
        resigned_on[home] = resigned
        ledger = ledgers.get(home)
        if ledger is None:  # nothing recognised nor paid: the household owes nothing
            count(organisation, "beneficiaries_up_to_date", first, until)
        else:
            if home not in runs:
                runs[home] = standing.up_to_date_months(ledger[1])
            for since, before in runs[home]:
                lower = max(first, since)
                upper = until if before is None else before if until is None else min(until, before)
                if upper is None or upper > lower:
                    count(organisation, "beneficiaries_up_to_date", lower, upper)
        if not head:
            count(organisation, "dependants", first, until)
            continue
        count(organisation, "members", first, until)
        if woman:
            count(organisation, "women_members", first, until)
        aged = month_of(birthday(born, YOUNG_UNTIL))
        count(organisation, "young_members", first, aged if until is None else min(until, aged))
    renewed: Changes = defaultdict(lambda: defaultdict(dict))
    for home, (organisation, entries) in ledgers.items():
        resigned = resigned_on.get(home)
        for month, done in standing.renewals(entries, resigned.toordinal() if resigned else None):
            here = renewed[organisation][month]
            here["members_due_to_renew"] = here.get("members_due_to_renew", 0) + 1
            here["members_renewed"] = here.get("members_renewed", 0) + done
    return changes, renewed


def on_time(report: Report) -> bool:
    month = report.month
    deadline = month_at(month_index(month) + 1).replace(day=REPORT_DAY)
    return report.submitted_at.date() <= deadline


def months_of(
    mutuals: Collection[int],
    today: datetime.date,
    changes: tuple[Changes, Changes] | None = None,
) -> dict[int, dict[Month, dict[str, Row]]]:
    """Each mutual's figures month by month, with their source. `changes`: the stocks' and
    renewals' changes of every mutual (`stock_changes`), when the caller counted them from
    the covers and ledgers it read (counted from the facts otherwise)."""
    current = month_of(today)
    flows: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for organisation, month, code, value in Flow.objects.filter(
        organisation_id__in=mutuals
    ).values_list("organisation_id", "month", "code", "value"):
        flows[organisation][month_index(month)][code] = value
    if changes is None:
        covers = Cover.objects.filter(organisation_id__in=mutuals).values_list(
            "organisation_id", "head", "woman", "born", "start", "left", "resigned", "household"
        )
        ledgers = {
            str(household): (organisation, orjson.loads(entries))
            for organisation, household, entries in Ledger.objects.filter(
                organisation_id__in=mutuals
            ).values_list("organisation_id", "household", "entries")
        }
        changes = stock_changes(covers, ledgers)
    stocks, renewals = changes
    for mutual, by_month in renewals.items():
        for index, counted in by_month.items():
            flows[mutual][index].update(counted)
    reports: dict[int, dict[int, Report]] = defaultdict(dict)
    for report in Report.objects.filter(mutual_id__in=mutuals, status=Report.Status.ACCEPTED):
        reports[report.mutual_id][month_index(report.month)] = report
    books: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for organisation, month, code, value in BooksFigure.objects.filter(
        organisation_id__in=mutuals
    ).values_list("organisation_id", "month", "code", "value"):
        books[organisation][month_index(month)][code] = value
    targets: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for mutual, year, population in (
        TargetPopulation.objects.filter(mutual_id__in=mutuals)
        .order_by("year")
        .values_list("mutual_id", "year", "population")
    ):
        targets[mutual].append((year, population))

    found = {}
    for mutual in mutuals:
        operated = mutual in flows or mutual in stocks
        named = [*flows[mutual], *stocks[mutual], *reports[mutual], *books[mutual]]
        first = min(named, default=month_of(today.replace(month=1)))
        months: dict[Month, dict[str, Row]] = {}
        level: dict[str, int] = dict.fromkeys(OPERATIONS_STOCKS, 0)
        for index in range(min(first, current), current + 1):
            for code, change in stocks[mutual].get(index, {}).items():
                level[code] += change
            month = month_at(index)
            row: dict[str, Row] = {}
            report = reports[mutual].get(index)
            if report is not None:
                for code, value in report.figures.items():
                    if not (operated and code in OPERATIONS):
                        row[code] = (value, Source.REPORT)
            # a closed month of the books gives its figures rather than the report
            row.update({c: (v, Source.BOOKS) for c, v in books[mutual].get(index, {}).items()})
            if operated:
                row.update({code: (level[code], Source.OPERATIONS) for code in OPERATIONS_STOCKS})
                here = flows[mutual].get(index, {})
                row.update(
                    {code: (here.get(code, 0), Source.OPERATIONS) for code in OPERATIONS_FLOWS}
                )
            population = [p for year, p in targets[mutual] if year <= month.year]
            if population:
                row["target_population"] = (population[-1], Source.REPORT)
            if index < current:
                one = (1, Source.OPERATIONS if operated else Source.REPORT)
                row["reports_expected"] = one
                if operated or report is not None:
                    row["reports_received"] = one
                if operated or (report is not None and on_time(report)):
                    row["reports_on_time"] = one
            months[month] = row
        found[mutual] = months
    return found


def spans_of(months: dict[Month, dict[str, Row]]) -> dict[Key, Row]:
    """A mutual's figures of every span, each with the source of its last month."""
    values = by_span({month: {c: v for c, (v, _s) in row.items()} for month, row in months.items()})
    sources = {code: source for row in months.values() for code, (_v, source) in row.items()}
    return {
        (span, start, code): (value, sources[code])
        for (span, start), figures in values.items()
        for code, value in figures.items()
    }


def ancestors(path: str) -> list[int]:
    """The unions above an organisation, from its materialised path (`/1/7/42/`)."""
    return [int(part) for part in path.strip("/").split("/")[:-1]]


def mutual_ids(ids: Iterable[int] | None = None) -> dict[int, str]:
    """The mutuals (all, or those among `ids`) and their paths."""
    found = Organisation.objects.filter(kind=OrganisationKind.MUTUAL)
    if ids is not None:
        found = found.filter(pk__in=set(ids))
    return dict(found.values_list("pk", "path"))


def refresh(mutuals: Iterable[int], today: datetime.date) -> int:
    """Brings the figures of `mutuals` up to date and adds the differences to every union
    above them; returns how many figures changed. Inside the caller's transaction."""
    paths = mutual_ids(mutuals)
    if not paths:
        return 0
    computed = months_of(paths, today)
    stored: dict[int, dict[Key, Figure]] = defaultdict(dict)
    for figure in Figure.objects.filter(organisation_id__in=paths):
        stored[figure.organisation_id][figure.span, figure.start, figure.code] = figure
    # for each union above, what changes: (value, parts) added by key
    upward: dict[int, dict[Key, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    changed = 0
    for mutual, path in paths.items():
        new = spans_of(computed[mutual])
        old = stored[mutual]
        differences = apply(mutual, new, old)
        changed += len(differences)
        for union in ancestors(path):
            into = upward[union]
            for key, (value, parts) in differences.items():
                into[key][0] += value
                into[key][1] += parts
    for union, differences in upward.items():
        add_to_union(union, differences)
    return changed


def apply(mutual: int, new: dict[Key, Row], old: dict[Key, Figure]) -> dict[Key, tuple[int, int]]:
    """Writes a mutual's new figures over its old; returns what changed by key, as (change of
    value, change in the number of figures: 1 new, -1 gone, 0 changed)."""
    differences: dict[Key, tuple[int, int]] = {}
    updated, created, gone = [], [], []
    for key, (value, source) in new.items():
        figure = old.get(key)
        if figure is None:
            created.append((mutual, *key, value, source))
            differences[key] = (value, 1)
        elif figure.value != value or figure.source != source:
            differences[key] = (value - figure.value, 0)
            figure.value, figure.source = value, source
            updated.append(figure)
    for key, figure in old.items():
        if key not in new:
            gone.append(figure.pk)
            differences[key] = (-figure.value, -1)
    Figure.objects.bulk_update(updated, ["value", "source"], batch_size=500)
    Figure.objects.filter(pk__in=gone).delete()
    bulk.insert(Figure, ["organisation", "span", "start", "code", "value", "source"], created)
    return differences


def add_to_union(union: int, differences: dict[Key, list[int]]) -> None:
    """Adds its mutuals' changes to a union's figures; a figure none of its mutuals gives any
    more is removed (missing, not 0)."""
    differences = {k: d for k, d in differences.items() if d[0] or d[1]}
    if not differences:
        return
    spans = {(span, start) for span, start, _code in differences}
    found = Q()
    for span, start in spans:
        found |= Q(span=span, start=start)
    existing = {
        (f.span, f.start, f.code): f
        for f in Figure.objects.filter(
            found, organisation_id=union, code__in={k[2] for k in differences}
        )
    }
    updated, created, gone = [], [], []
    for key, (value, parts) in differences.items():
        figure = existing.get(key)
        if figure is None:
            created.append((union, *key, value, Source.SUM, parts))
        elif figure.parts + parts <= 0:
            gone.append(figure.pk)
        else:
            figure.value += value
            figure.parts += parts
            updated.append(figure)
    Figure.objects.bulk_update(updated, ["value", "parts"], batch_size=500)
    Figure.objects.filter(pk__in=gone).delete()
    bulk.insert(
        Figure, ["organisation", "span", "start", "code", "value", "source", "parts"], created
    )


def recompute(consumer: str, today: datetime.date, processes: int = 1) -> int:
    """Forgets every fact and figure and reads every organisation's log again from its first
    event, as `consumer` (the one that keeps them current, whose cursors move to each log's
    end as it was when the reading began), then works out every figure; returns how many were
    written. With more than one process (outside a transaction only, since they read what is
    committed), `processes` others read the logs, each a share at a time, while this one
    writes what each share brings as it comes. The facts and figures are written in one
    transaction."""
    ends = dict(EventSequence.objects.values_list("organisation_id", "last"))
    stocks: Changes = defaultdict(dict)
    renewals: Changes = defaultdict(dict)
    found = facts.Tally()  # what every share brought but its covers and ledgers, added up
    # the facts are millions of objects that live until they are written: with the garbage
    # collector paused, it does not walk them all again and again (a third of the time)
    with (
        bulk.collector_paused(),
        readings(ends, processes) as read,
        transaction.atomic(),
        bulk.write_cache(),
    ):
        Cover.objects.all().delete()
        Ledger.objects.all().delete()
        Flow.objects.all().delete()
        BooksFigure.objects.all().delete()
        Care.objects.all().delete()
        Cursor.objects.filter(consumer=consumer).delete()
        # the facts' tables were emptied above: their indexes are built once after the
        # rows are in, before the changes look covers up by household
        with bulk.indexes_built_after(
            Cover._meta.db_table, Flow._meta.db_table, Ledger._meta.db_table
        ):
            for reading in read:
                facts.write_stored(reading.covers, reading.ledgers)
                care.write(reading.cared)
                stocks.update(reading.stocks)
                renewals.update(reading.renewals)
                found.merge(reading.found)
            facts.write_flows(found)
        facts.write_changes(found)
        Cursor.objects.bulk_create(
            Cursor(consumer=consumer, organisation_id=o, position=last) for o, last in ends.items()
        )
        return rebuild(today, (stocks, renewals))


@dataclass
class Reading:
    """What a share of the logs brings: the facts, their covers and ledgers apart as the
    database stores them (`facts.stored_covers`, `facts.stored_ledgers`), the care, and the
    changes of the stocks and renewals its covers and ledgers make, counted where they were
    read (a household's events are all in its mutual's log)."""

    found: facts.Tally
    covers: list[tuple[Any, ...]]
    ledgers: list[tuple[Any, ...]]
    cared: care.CareTally
    stocks: Changes
    renewals: Changes


@contextmanager
def readings(ends: dict[int, int], processes: int) -> Iterator[Iterator[Reading]]:
    """The readings of the logs, each read up to its end in `ends`: in this process, one by
    one as they are asked for, or in `processes` others started for the purpose, in more shares
    than processes so that the first come back while the others are read."""
    if processes == 1:
        yield (read_share(share) for share in shares_of(ends, 1))
        return
    if connection.in_atomic_block:
        raise RuntimeError("the logs are read by several processes outside a transaction only")
    # each process opens its own connection: none may inherit this one's
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield pool.imap_unordered(read_share_apart, shares_of(ends, processes * SHARES_A_PROCESS))


def shares_of(ends: dict[int, int], count: int) -> list[dict[int, int]]:
    """The logs split into at most `count` shares of about as many events, the longest logs
    dealt first, each to the share with the fewest events so far."""
    shares: list[dict[int, int]] = [{} for _ in range(max(1, min(count, len(ends))))]
    sizes = [0] * len(shares)
    for organisation, last in sorted(ends.items(), key=lambda item: -item[1]):
        lightest = sizes.index(min(sizes))
        shares[lightest][organisation] = last
        sizes[lightest] += last
    return shares


def read_share(ends: dict[int, int]) -> Reading:
    found, cared = facts.Tally(), care.CareTally()
    for organisation, last in ends.items():
        position = 0
        while position < last:
            events = kinds_after(organisation, position, READ_KINDS, READ_AT_ONCE, last)
            if not events:
                break
            facts.tally_payloads(
                care.counted(
                    ((organisation, kind, decoded(payload)) for _n, kind, payload in events),
                    cared,
                ),
                found,
            )
            position = events[-1][0]
    ledgers = {home: (found.owners[home], entries) for home, entries in found.ledgers.items()}
    stocks, renewals = stock_changes(found.covers(), ledgers)
    reading = Reading(
        found,
        facts.stored_covers(found),
        facts.stored_ledgers(found),
        cared,
        plain(stocks),
        plain(renewals),
    )
    # what crosses to the writing process is only what it writes
    for written in (found.opened, found.households, found.ledgers, found.owners):
        written.clear()
    return reading


def plain(changes: Changes) -> Changes:
    """Changes without their default factories, which cannot cross to another process."""
    return {organisation: dict(months) for organisation, months in changes.items()}


def read_share_apart(ends: dict[int, int]) -> Reading:
    """`read_share` in a process of its own, which closes its connection when done."""
    try:
        return read_share(ends)
    finally:
        connections.close_all()


def rebuild(today: datetime.date, changes: tuple[Changes, Changes] | None = None) -> int:
    """Works every figure out again from the facts and the reports: each mutual's, then each
    union's as its mutuals' sums. Returns how many figures were written. `changes`: as
    `months_of` takes them."""
    paths = mutual_ids()
    rows: list[tuple] = []
    unions: dict[int, dict[Key, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    computed = months_of(paths, today, changes)
    for mutual, path in paths.items():
        spans = spans_of(computed.pop(mutual))
        above = [unions[union] for union in ancestors(path)]
        for key, (value, source) in spans.items():
            rows.append((mutual, *key, value, source, 1))
            for into in above:
                total = into[key]
                total[0] += value
                total[1] += 1
    for union, figures in unions.items():
        rows.extend(
            (union, *key, value, Source.SUM, parts) for key, (value, parts) in figures.items()
        )
    # written as the database stores them (each period's first day converted once), in the
    # order of the figures' unique key, whose index each row then joins at its end
    stored_day = cache(bulk.converter(Figure._meta.get_field("start")) or str)
    stored = sorted(
        (
            (organisation, span, stored_day(start), code, value, source, parts)
            for organisation, span, start, code, value, source, parts in rows
        ),
        key=itemgetter(0, 1, 2, 3),
    )
    with transaction.atomic():
        Figure.objects.all().delete()
        with bulk.write_cache(), bulk.indexes_built_after(Figure._meta.db_table):
            bulk.insert(
                Figure,
                ["organisation", "span", "start", "code", "value", "source", "parts"],
                stored,
                stored=True,
            )
    return len(stored)
