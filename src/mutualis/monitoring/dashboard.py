"""What a dashboard shows for one organisation and period (docs/monitoring.md): its key
indicators with their trend over the periods before, its member organisations side by side, and
the period's alerts among the mutuals under it. Every figure is read as stored; every indicator
is worked out from the organisation's own sums."""

from collections.abc import Sequence
from dataclasses import dataclass

from mutualis.federation.models import Organisation
from mutualis.federation.rules import UNIONS
from mutualis.monitoring.catalogue import ALARM, BY_CODE, OWN, WARNING, Value
from mutualis.monitoring.queries import Period, ThresholdBook, figures, indicators, series

# the indicators a dashboard leads with, in this order
KEY = (
    "M.1.1",
    "M.5",
    "M.6",
    "PAID_UP",
    "F.5",
    "F.4.1",
    "USE",
    "COST",
    "KPI.REJECTION",
    "RESERVES",
    "T.9",
    "I.WOMEN",
)
# the alerts of the period: every indicator in alarm or warning under the thresholds in force
# (a claims ratio above 100 %, a collection below 60 %, reserves below the prudential minimum…),
# each once (not again under its Microinsurance Network alias)
ALERTING = tuple(indicator.code for indicator in OWN)
REPORTS_READ = frozenset({"reports_expected", "reports_received"})
TREND = 12  # periods drawn before and up to the one shown


@dataclass(frozen=True)
class Alert:
    mutual: Organisation
    code: str  # an indicator's, or "report" for reports missing
    level: str
    value: Value | None = None
    missing: int = 0  # reports missing in the period


@dataclass(frozen=True)
class Child:
    organisation: Organisation
    values: dict[str, Value]
    worst: int  # alarms × 100 + warnings, to sort the children in trouble first


def children_of(organisation: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            parent=organisation, kind__in=[*UNIONS, Organisation.Kind.MUTUAL]
        ).order_by("name")
    )


def worst(values: dict[str, Value]) -> int:
    levels = [v.level for v in values.values()]
    return levels.count(ALARM) * 100 + levels.count(WARNING)


def children(organisation: Organisation, period: Period, book: ThresholdBook) -> list[Child]:
    members = children_of(organisation)
    found = figures([o.pk for o in members], period)
    return [
        Child(
            member,
            values := indicators(found.get(member.pk, {}), period.months, book.of(member), KEY),
            worst(values),
        )
        for member in members
    ]


def sort_children(rows: list[Child], key: str, descending: bool) -> list[Child]:
    """By an indicator's value (not computable last whichever the direction), or by trouble."""
    if key in KEY:
        known = [c for c in rows if c.values[key].value is not None]
        unknown = [c for c in rows if c.values[key].value is None]
        known.sort(key=lambda c: c.values[key].value or 0, reverse=descending)
        return known + unknown
    return sorted(rows, key=lambda c: (-c.worst, c.organisation.name))


def alerts(organisation: Organisation, period: Period, book: ThresholdBook) -> list[Alert]:
    """The mutuals under the organisation in alarm or warning on the alerting indicators, or
    with reports missing, in the period: alarms first."""
    mutuals = {
        m.pk: m
        for m in Organisation.objects.filter(
            kind=Organisation.Kind.MUTUAL, path__startswith=organisation.path
        )
    }
    # a nation's 700 mutuals are read at once: only the figures of the indicators a threshold
    # watches (none of the catalogue's compares with the period before)
    watching = book.watched()
    watched = [code for code in ALERTING if code in watching]
    found = figures(mutuals, period, REPORTS_READ.union(*(BY_CODE[c].reads for c in watched)))
    raised = []
    for pk, mutual in mutuals.items():
        own = found.get(pk, {})
        missing = own.get("reports_expected", 0) - own.get("reports_received", 0)
        if missing > 0:
            raised.append(Alert(mutual, "report", ALARM, missing=missing))
        for code, value in indicators(own, period.months, book.of(mutual), watched).items():
            if value.level in (ALARM, WARNING):
                raised.append(Alert(mutual, code, value.level, value))
    order = {ALARM: 0, WARNING: 1}
    return sorted(raised, key=lambda a: (order[a.level], a.mutual.name, a.code))


def trend(organisation: Organisation, period: Period, thresholds) -> dict[str, list[Value]]:
    """Each key indicator over the periods up to this one (not computable where a period has
    no figures)."""
    periods = period.last(TREND)
    found = series(organisation.pk, periods)
    by_period = [indicators(found.get(p, {}), p.months, thresholds, KEY) for p in periods]
    return {code: [values[code] for values in by_period] for code in KEY}


def sparkline(values: Sequence[Value], width: int = 120, height: int = 32) -> str:
    """The points of an SVG polyline drawing the values left to right, scaled to the box; a
    period not computable breaks the line (each run is its own list of points, joined by
    `M`/`L` into a path)."""
    known = [v.value for v in values if v.value is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    spread = high - low or 1
    step = width / max(len(values) - 1, 1)
    path, drawing = [], False
    for index, value in enumerate(values):
        if value.value is None:
            drawing = False
            continue
        x = round(index * step, 1)
        y = round(height - 2 - (value.value - low) * (height - 4) / spread, 1)
        path.append(f"{'L' if drawing else 'M'}{x} {y}")
        drawing = True
    return " ".join(path)
