"""Monitoring API: an organisation's base figures and indicators for a month, a quarter or a
year, for any organisation of the caller's scope (a union's are its mutuals' sums)."""

import datetime
import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import StringConstraints

from mutualis.core.api_access import api_access, scoped_get
from mutualis.core.api_types import answers
from mutualis.federation.models import Organisation
from mutualis.federation.rules import MONITORING_READERS
from mutualis.monitoring.figures import BASE, span_months
from mutualis.monitoring.models import Figure
from mutualis.monitoring.queries import Period, ThresholdBook, figures, indicators

router = Router(tags=["monitoring"])

# a year (2026), a quarter (2026-Q3) or a month (2026-07)
PeriodText = Annotated[
    str, StringConstraints(pattern=r"^(19|2[0-9])[0-9]{2}(-(Q[1-4]|0[1-9]|1[0-2]))?$")
]


class MonitoredPeriodOut(Schema):
    code: str
    span: str
    first_day: datetime.date
    last_day: datetime.date


class BaseFigureOut(Schema):
    code: str
    kind: str
    value: int
    source: str


class IndicatorValueOut(Schema):
    code: str
    name: str
    unit: str  # "rate": basis points (10,000 = 100 %); "average": hundredths of the unit
    value: int | None  # null: not computable
    level: str
    numerator: int | None
    denominator: int | None


class FiguresOut(Schema):
    organisation: uuid.UUID
    period: MonitoredPeriodOut
    figures: list[BaseFigureOut]


class IndicatorsOut(Schema):
    organisation: uuid.UUID
    period: MonitoredPeriodOut
    indicators: list[IndicatorValueOut]


def period_of(text: str | None) -> Period:
    if text is None:
        return Period.shown_first(timezone.localdate())
    period = Period.parse(text)
    if period is None:
        raise ValidationError(
            {"period": [_("Give a year (2026), a quarter (2026-Q3) or a month (2026-07).")]}
        )
    return period


def period_out(period: Period) -> MonitoredPeriodOut:
    last = span_months(period.start, period.span)[-1]
    following = Period(last, "month").after().start
    return MonitoredPeriodOut(
        code=period.code,
        span=period.span,
        first_day=period.start,
        last_day=following - datetime.timedelta(days=1),
    )


@router.get("/organisations/{uid}/figures", response=answers({200: FiguresOut}, 404))
@api_access(roles=MONITORING_READERS, model=Organisation)
def figures_read(request, uid: uuid.UUID, period: PeriodText | None = None):
    """The base figures of the period (by default the quarter of the last month over) as
    kept, each with its source (the mutual's operations, its accepted report, or the sum of a
    union's mutuals); a figure missing is left out."""
    organisation = scoped_get(Organisation.objects, request.user, uid=uid)
    asked = period_of(period)
    stored = Figure.objects.filter(
        organisation=organisation, span=asked.span, start=asked.start
    ).order_by("code")
    return FiguresOut(
        organisation=organisation.uid,
        period=period_out(asked),
        figures=[
            BaseFigureOut(code=f.code, kind=BASE[f.code].kind, value=f.value, source=f.source)
            for f in stored
            if f.code in BASE
        ],
    )


@router.get("/organisations/{uid}/indicators", response=answers({200: IndicatorsOut}, 404))
@api_access(roles=MONITORING_READERS, model=Organisation)
def indicators_read(request, uid: uuid.UUID, period: PeriodText | None = None):
    """Every indicator of the catalogue for the period, worked out from the organisation's own
    figures, with its alert level under the thresholds in force for it."""
    organisation = scoped_get(Organisation.objects, request.user, uid=uid)
    asked = period_of(period)
    own = figures([organisation.pk], asked).get(organisation.pk, {})
    values = indicators(own, asked.months, ThresholdBook(organisation).of(organisation))
    return IndicatorsOut(
        organisation=organisation.uid,
        period=period_out(asked),
        indicators=[
            IndicatorValueOut(
                code=code,
                name=str(value.indicator.name),
                unit=value.indicator.unit,
                value=value.value,
                level=value.level,
                numerator=value.numerator,
                denominator=value.denominator,
            )
            for code, value in values.items()
        ],
    )
