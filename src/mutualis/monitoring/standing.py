"""Each household's standing month by month, from its ledger (docs/monitoring.md, "Up to date
and renewals"): whether it is up to date at each month's end, and when its member comes up for
renewal and whether they renewed. Pure: the ledger is what the events told (monitoring.facts),
its days as ordinals (`datetime.date.toordinal`).

- **Up to date** at a day: the household owes nothing of the member shares of the periods begun
  by then, each as recognised by then (`dues.recognised`), against what its members paid for
  that period by then (a reversal counts on its own day). The third payers' shares are the
  mutual's receivables and never hold up a member (contributions.rules), so a household whose
  share is nothing is always up to date. The registration fee is not a contribution of a period.
- **Comes up for renewal** in the month its period ends, when the household had paid its share
  of that period in full by its last day (it was covered for it) and had not resigned by then.
  A period whose share is nothing (the third payers paid it all) renews no choice of the
  member's: it does not come up.
- **Renewed**, counted in that same month, when by the end of the month after it the share of
  the next period (the one beginning the day after) is paid in full as recognised by then, and
  something was recognised or paid for it: a share paid ahead, before the daily job recognises
  it, is a renewal; a next period nobody has recognised nor paid yet is none.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import itemgetter

# (period start, day, member share recognised that day, paid that day, period end or 0 when
# the event did not say: dues.recognised before version 2)
Entry = Sequence[int]
START, DAY, DUE, PAID, END = range(5)
by_day = itemgetter(DAY)


# each day's month and each month's last day, worked out once: the full recomputation asks them
# of every entry of a hundred thousand ledgers, which name a few hundred days
MONTHS: dict[int, int] = {}
ENDS: dict[int, int] = {}


def month_index(ordinal: int) -> int:
    found = MONTHS.get(ordinal)
    if found is None:
        day = datetime.date.fromordinal(ordinal)
        found = MONTHS[ordinal] = day.year * 12 + day.month - 1
    return found


def month_end(index: int) -> int:
    """The last day of the month of `index`, as an ordinal."""
    found = ENDS.get(index)
    if found is None:
        following = index + 1
        found = ENDS[index] = datetime.date(following // 12, following % 12 + 1, 1).toordinal() - 1
    return found


def up_to_date_months(entries: Iterable[Entry]) -> list[tuple[int, int | None]]:
    """The runs of months at whose end the household is up to date, as [first, until) month
    indexes (0: from always, None: for ever after). Before its first share it owes nothing."""
    balance: dict[int, int] = defaultdict(int)  # by period: recognised less paid
    owing = 0  # periods with something left to pay
    runs: list[tuple[int, int | None]] = []
    since: int | None = 0  # the start of the run under way, None while owing
    ordered = sorted(entries, key=by_day)
    last = len(ordered) - 1
    for index, (period, day, due, paid, _end) in enumerate(ordered):
        before = balance[period]
        after = balance[period] = before + due - paid
        owing += (after > 0) - (before > 0)
        if index < last and ordered[index + 1][DAY] == day:
            continue  # the standing counts at the end of the day
        # the standing at the end of the entry's day holds from that month's end on, until a
        # later day of the same month changes it again
        month = month_index(day)
        if owing and since is not None:
            if since < month:
                runs.append((since, month))
            since = None
        elif not owing and since is None:
            since = month
    if since is not None:
        runs.append((since, None))
    return runs


def renewals(entries: Iterable[Entry], resigned: int | None) -> list[tuple[int, bool]]:
    """(month index, renewed) for each period that came up for renewal, in order of period."""
    periods: dict[int, list[Entry]] = {}
    ends: dict[int, int] = {}
    for entry in entries:
        start = entry[START]
        mine = periods.get(start)
        if mine is None:
            periods[start] = [entry]
        else:
            mine.append(entry)
        if entry[END]:
            ends[start] = entry[END]
    starts = sorted(periods)
    found = []
    for position, start in enumerate(starts):
        end = ends.get(start)
        if end is None:  # an event before version 2: the day before the next period known
            if position + 1 == len(starts):
                continue
            end = starts[position + 1] - 1
        if resigned is not None and resigned <= end:
            continue
        due, paid = owed_by(periods[start], end)
        if due <= 0 or paid < due:
            continue
        month = month_index(end)
        following = periods.get(end + 1)
        due_next, paid_next = owed_by(following, month_end(month + 1)) if following else (0, 0)
        renewed = paid_next >= due_next and (due_next > 0 or paid_next > 0)
        found.append((month, renewed))
    return found


def owed_by(entries: Iterable[Entry], day: int) -> tuple[int, int]:
    """The share recognised and what was paid of it by `day`."""
    due = paid = 0
    for _start, on, recognised, settled, _end in entries:
        if on <= day:
            due += recognised
            paid += settled
    return due, paid
