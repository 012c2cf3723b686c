"""The documents DHIS2 reads (docs/dhis2.md): each organisation's monthly indicators and base
figures as data values, written as a `dataValueSets` JSON document or as ADX XML.

What is sent: each mapped indicator's value worked out from the month's base figures
(monitoring.queries.indicators), a rate as a percentage and an average in its unit, both with two
decimals; each mapped base figure as the integer it is (a count, or an amount in the currency's
unit). An indicator that is not computable, or a figure that is missing, is not sent: DHIS2 keeps
no value rather than a false 0. The builders are pure; `month_figures` alone reads, and only
through monitoring.queries."""

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from xml.etree import ElementTree

from mutualis.monitoring.catalogue import BY_CODE, evaluate
from mutualis.monitoring.figures import BASE, Month, Span
from mutualis.monitoring.queries import Period, figures

ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
JSON_TYPE = "application/json"
ADX_TYPE = "application/adx+xml"
FLOAT_EXACT = 2**53


@dataclass(frozen=True)
class Element:
    """Where one code (an indicator's or a base figure's) goes in DHIS2."""

    data_element: str
    category_option_combo: str = ""


class DataValue(NamedTuple):
    # a named tuple rather than a dataclass: a national push builds hundreds of thousands
    data_element: str
    category_option_combo: str
    org_unit: str
    month: Month
    value: str
    code: str  # ours, sent as the value's comment so that a DHIS2 user can trace it


def mappable_codes() -> list[str]:
    """Every code a union may map: the catalogue's indicators, then the base figures."""
    return [*BY_CODE, *BASE]


def hundredths(value: int) -> str:
    """A value in hundredths (basis points are hundredths of a percent) with two decimals.
    Through a float when that is exact (any integer below 2**53 divided by 100 is the double
    nearest it, and its two decimals print back the integer's digits): three times faster."""
    if -FLOAT_EXACT < value < FLOAT_EXACT:
        return f"{value / 100:.2f}"
    whole, part = divmod(abs(value), 100)
    return f"{'-' if value < 0 else ''}{whole}.{part:02d}"


def dhis2_period(month: Month) -> str:
    """DHIS2's name of a month: 202607."""
    return f"{month:%Y%m}"


def adx_period(month: Month) -> str:
    """ADX's name of a month: its first day and its length, 2026-07-01/P1M."""
    return f"{month:%Y-%m-%d}/P1M"


def values_of(
    figures_of: Mapping[str, int],
    elements: Mapping[str, Element],
    org_unit: str,
    month: Month,
) -> list[DataValue]:
    """One organisation-month's data values, in the order of `elements`."""
    return data_values({(0, month): figures_of}, {0: org_unit}, elements)


def data_values(
    by_organisation_month: Mapping[tuple[int, Month], Mapping[str, int]],
    org_units: Mapping[int, str],
    elements: Mapping[str, Element],
) -> list[DataValue]:
    """The data values of the organisation-months given, in their order, each in the order of
    `elements`; an organisation with no org unit is left out. An indicator is worked out as
    monitoring.queries.indicators does (its value does not depend on the thresholds)."""
    mapped = [
        (code, BY_CODE.get(code), element.data_element, element.category_option_combo)
        for code, element in elements.items()
        if code in BY_CODE or code in BASE
    ]
    found: list[DataValue] = []
    add = found.append
    for (organisation, month), figures_of in by_organisation_month.items():
        org_unit = org_units.get(organisation)
        if not org_unit:
            continue
        for code, indicator, data_element, combo in mapped:
            if indicator is None:
                figure = figures_of.get(code)
                if figure is not None:
                    add(DataValue(data_element, combo, org_unit, month, str(figure), code))
                continue
            value = evaluate(indicator, figures_of, 1).value
            if value is not None:
                add(DataValue(data_element, combo, org_unit, month, hundredths(value), code))
    return found


def data_value_set(
    values: Sequence[DataValue], data_set: str, complete_date: datetime.date | None = None
) -> dict:
    """A `dataValueSets` document. When it holds one org unit's month only, that org unit and
    period are named at the top too, with the date the data set was completed if given."""
    document: dict = {"dataSet": data_set}
    groups = {(value.org_unit, value.month) for value in values}
    if len(groups) == 1:
        ((org_unit, month),) = groups
        document["period"] = dhis2_period(month)
        document["orgUnit"] = org_unit
        if complete_date is not None:
            document["completeDate"] = complete_date.isoformat()
    document["dataValues"] = [
        {
            "dataElement": value.data_element,
            "period": dhis2_period(value.month),
            "orgUnit": value.org_unit,
            **(
                {"categoryOptionCombo": value.category_option_combo}
                if value.category_option_combo
                else {}
            ),
            "value": value.value,
            "comment": value.code,
        }
        for value in values
    ]
    return document


def data_value_set_json(values: Sequence[DataValue], data_set: str) -> bytes:
    """`data_value_set` written as JSON, value by value: a national push's document holds
    hundreds of thousands, for which a dictionary each and `json.dumps` take three times as
    long. The identifiers and codes are escaped by `json.dumps` once each; the values are
    digits, a sign and a point."""
    quoted: dict[str, str] = {}

    def q(text: str) -> str:
        found = quoted.get(text)
        if found is None:
            found = quoted[text] = json.dumps(text)
        return found

    document = data_value_set(values[:0], data_set)
    groups = {(value.org_unit, value.month) for value in values}
    if len(groups) == 1:
        document = data_value_set(values[:1], data_set)
    head = json.dumps({k: v for k, v in document.items() if k != "dataValues"})[:-1]
    periods: dict[Month, str] = {}
    parts = []
    for value in values:
        period = periods.get(value.month)
        if period is None:
            period = periods[value.month] = q(dhis2_period(value.month))
        combo = (
            f',"categoryOptionCombo":{q(value.category_option_combo)}'
            if value.category_option_combo
            else ""
        )
        parts.append(
            f'{{"dataElement":{q(value.data_element)},"period":{period},'
            f'"orgUnit":{q(value.org_unit)}{combo},"value":"{value.value}",'
            f'"comment":{q(value.code)}}}'
        )
    return f'{head}, "dataValues": [{",".join(parts)}]}}'.encode()


def adx(values: Iterable[DataValue], data_set: str, exported: datetime.datetime) -> bytes:
    """An ADX message: one group per org unit and month, in the order they first come."""
    ElementTree.register_namespace("", ADX_NAMESPACE)
    root = ElementTree.Element(
        f"{{{ADX_NAMESPACE}}}adx", {"exported": exported.isoformat(timespec="seconds")}
    )
    groups: dict[tuple[str, Month], ElementTree.Element] = {}
    for value in values:
        group = groups.get((value.org_unit, value.month))
        if group is None:
            group = groups[value.org_unit, value.month] = ElementTree.SubElement(
                root,
                f"{{{ADX_NAMESPACE}}}group",
                {"orgUnit": value.org_unit, "period": adx_period(value.month), "dataSet": data_set},
            )
        attributes = {"dataElement": value.data_element, "value": value.value}
        if value.category_option_combo:
            attributes["categoryOptionCombo"] = value.category_option_combo
        ElementTree.SubElement(group, f"{{{ADX_NAMESPACE}}}dataValue", attributes)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def month_figures(
    organisations: Sequence[int], months: Sequence[Month]
) -> dict[tuple[int, Month], dict[str, int]]:
    """Each organisation's figures of each month (monitoring.queries.figures), organisation by
    organisation then month by month; an organisation-month without figures is left out."""
    by_month = {month: figures(organisations, Period(month, Span.MONTH)) for month in months}
    return {
        (organisation, month): by_month[month][organisation]
        for organisation in organisations
        for month in months
        if organisation in by_month[month]
    }
