"""Reads of the figures and indicators (docs/monitoring.md): what the dashboards, the exports,
the API and DHIS2 show, for any organisation of the federation and any month, quarter or year.
An organisation's figures are read as stored (a union's are its mutuals' sums, kept by
monitoring.compute); its indicators are worked out from them, with the thresholds of the
nearest union that set its own."""

import dataclasses
import datetime
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from mutualis.federation.models import Organisation
from mutualis.monitoring.catalogue import BY_CODE, CATALOGUE, Indicator, Thresholds, Value, evaluate
from mutualis.monitoring.figures import (
    SPAN_MONTHS,
    Month,
    Span,
    span_before,
    span_start,
    with_start,
)
from mutualis.monitoring.models import Figure, Threshold

PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A month, a quarter or a year, named by its first month."""

    start: Month
    span: str

    @classmethod
    def parse(cls, text: str) -> "Period | None":
        """`2026`, `2026-Q3` or `2026-07`; None for anything else."""
        match = PERIOD.match(text.strip())
        if not match:
            return None
        year, quarter, month = match.groups()
        if not 1900 <= int(year) <= 2999:
            return None
        if quarter:
            return cls(datetime.date(int(year), 3 * int(quarter) - 2, 1), Span.QUARTER)
        if month:
            if not 1 <= int(month) <= 12:
                return None
            return cls(datetime.date(int(year), int(month), 1), Span.MONTH)
        return cls(datetime.date(int(year), 1, 1), Span.YEAR)

    @classmethod
    def of(cls, day: datetime.date, span: str) -> "Period":
        return cls(span_start(day.replace(day=1), span), span)

    @classmethod
    def shown_first(cls, today: datetime.date) -> "Period":
        """The period shown when none is asked: the quarter of the last month over."""
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        return cls.of(last_month, Span.QUARTER)

    @property
    def months(self) -> int:
        return SPAN_MONTHS[Span(self.span)]

    @property
    def code(self) -> str:
        if self.span == Span.YEAR:
            return f"{self.start.year}"
        if self.span == Span.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.span == Span.YEAR:
            return str(self.start.year)
        if self.span == Span.QUARTER:
            return _("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return formats.date_format(self.start, "YEAR_MONTH_FORMAT")

    def before(self) -> "Period":
        return Period(span_before(self.start, self.span), self.span)

    def after(self) -> "Period":
        index = self.start.year * 12 + self.start.month - 1 + self.months
        return Period(datetime.date(index // 12, index % 12 + 1, 1), self.span)

    def last(self, count: int) -> list["Period"]:
        """The `count` periods of the same span that end with this one, in order."""
        found = [self]
        while len(found) < count:
            found.append(found[-1].before())
        return found[::-1]


def figures(
    organisations: Iterable[int], period: Period, codes: Collection[str] | None = None
) -> dict[int, dict[str, int]]:
    """The figures of each organisation for the period, with each stock at the end of the
    period before as `<code>_start`; an organisation without any is left out. With `codes`,
    only the figures they name (`<code>_start` naming the stock before the period): for many
    organisations at once, a few indicators read a fraction of the rows."""
    wanted = list(organisations)
    before = period.before()
    starts = [period.start, before.start]
    chosen = Figure.objects.filter(organisation_id__in=wanted, span=period.span)
    if codes is not None:
        chosen = chosen.filter(code__in={code.removesuffix("_start") for code in codes})
        if not any(code.endswith("_start") for code in codes):
            starts = [period.start]
    found: dict[int, dict[str, int]] = defaultdict(dict)
    earlier: dict[int, dict[str, int]] = defaultdict(dict)
    for organisation, start, code, value in chosen.filter(start__in=starts).values_list(
        "organisation_id", "start", "code", "value"
    ):
        (found if start == period.start else earlier)[organisation][code] = value
    return {o: with_start(f, earlier.get(o, {})) for o, f in found.items()}


def series(organisation: int, periods: Sequence[Period]) -> dict[Period, dict[str, int]]:
    """The figures of one organisation over consecutive periods of one span."""
    if not periods:
        return {}
    span = periods[0].span
    starts = {p.start: p for p in periods}
    first = periods[0].before().start
    by_start: dict[Month, dict[str, int]] = defaultdict(dict)
    for start, code, value in Figure.objects.filter(
        organisation_id=organisation, span=span, start__gte=first, start__lte=periods[-1].start
    ).values_list("start", "code", "value"):
        by_start[start][code] = value
    return {
        period: with_start(by_start[start], by_start.get(period.before().start, {}))
        for start, period in starts.items()
        if start in by_start
    }


class ThresholdBook:
    """Each organisation's thresholds of a subtree, from one reading of the settings: the
    nearest union's (or its own) that set them, the catalogue's otherwise."""

    def __init__(self, organisation: Organisation):
        root = organisation.path.strip("/").split("/")[0]
        self.settings: dict[int, dict[str, Thresholds]] = defaultdict(dict)
        for s in Threshold.objects.filter(organisation__path__startswith=f"/{root}/"):
            self.settings[s.organisation_id][s.indicator] = Thresholds(
                s.warn_below, s.alarm_below, s.warn_above, s.alarm_above
            )
        self.found: dict[str, dict[str, Thresholds]] = {}

    def of(self, organisation: Organisation) -> dict[str, Thresholds]:
        path = organisation.path
        if path not in self.found:
            own = {indicator.code: indicator.thresholds for indicator in CATALOGUE}
            for part in path.strip("/").split("/"):
                own.update(self.settings.get(int(part), {}))
            self.found[path] = own
        return self.found[path]

    def watched(self) -> set[str]:
        """The indicators some threshold watches, the catalogue's or a union's: the others
        raise no alert anywhere in the subtree."""
        bounded = [i.thresholds for i in CATALOGUE] + [
            t for own in self.settings.values() for t in own.values()
        ]
        codes = [i.code for i in CATALOGUE] + [c for own in self.settings.values() for c in own]
        return {code for code, bounds in zip(codes, bounded, strict=True) if bounds != Thresholds()}


def indicators(
    figures: dict[str, int],
    months: int,
    thresholds: dict[str, Thresholds],
    codes: Iterable[str] | None = None,
) -> dict[str, Value]:
    """The indicators (all, or those of `codes`) worked out from one organisation's figures."""
    chosen = CATALOGUE if codes is None else [BY_CODE[code] for code in codes]
    return {
        indicator.code: evaluate(with_thresholds(indicator, thresholds), figures, months)
        for indicator in chosen
    }


def with_thresholds(indicator: Indicator, thresholds: dict[str, Thresholds]) -> Indicator:
    own = thresholds.get(indicator.code, indicator.thresholds)
    return (
        indicator if own == indicator.thresholds else dataclasses.replace(indicator, thresholds=own)
    )


def mutuals_under(organisation: Organisation) -> Q:
    """The mutuals of an organisation's subtree (itself, if it is one)."""
    return Q(kind=Organisation.Kind.MUTUAL, path__startswith=organisation.path)
