"""The documents DHIS2 reads (interop.dhis2.documents): their shape and their values."""

import datetime
import decimal
import json
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualis.interop.dhis2 import documents
from mutualis.interop.dhis2.documents import DataValue, Element
from tests.interop.dhis2_cast import AUGUST, FIGURES, JULY

ELEMENTS = {
    "M.2": Element("deRenewal01"),
    "COST": Element("deCost00001"),
    "M.1": Element("deGrowth001"),
    "members": Element("deMembers01", "cocWomen001"),
    "visits": Element("deVisits001"),
    "cash": Element("deCash00001"),
}
NS = "{urn:ihe:qrph:adx:2015}"


def values():
    return documents.data_values(
        {(1, JULY): FIGURES[JULY], (1, AUGUST): FIGURES[AUGUST], (2, JULY): FIGURES[JULY]},
        {1: "ouJoal00001"},  # 2 has no org unit
        ELEMENTS,
    )


def test_rates_and_averages_have_two_decimals_and_counts_none():
    july = {v.code: v.value for v in values() if v.month == JULY}
    assert july == {"M.2": "81.00", "COST": "3333.33", "members": "120", "visits": "30"}


def test_what_is_not_computable_or_missing_is_not_sent():
    august = {v.code for v in values() if v.month == AUGUST}
    # M.2 and COST have a denominator of 0, M.1 no start, cash no figure
    assert august == {"members", "visits"}


def test_a_negative_rate_keeps_its_sign():
    assert documents.hundredths(-250) == "-2.50"
    assert documents.hundredths(5) == "0.05"
    assert documents.hundredths(2**60 + 7) == "11529215046068469.83"
    assert documents.hundredths(-(2**60) - 7) == "-11529215046068469.83"
    growth = documents.values_of(
        {"members": 95, "members_start": 100}, {"M.1": Element("deGrowth001")}, "ou", JULY
    )
    assert [v.value for v in growth] == ["-5.00"]


def test_a_data_value_set_names_each_value_s_element_period_and_org_unit():
    document = documents.data_value_set(values(), "dsMutuals01")

    assert document["dataSet"] == "dsMutuals01"
    assert "period" not in document  # two months: named on each value
    first = document["dataValues"][0]
    assert first == {
        "dataElement": "deRenewal01",
        "period": "202507",
        "orgUnit": "ouJoal00001",
        "value": "81.00",
        "comment": "M.2",
    }
    members = next(v for v in document["dataValues"] if v["comment"] == "members")
    assert members["categoryOptionCombo"] == "cocWomen001"
    assert json.loads(documents.data_value_set_json(values(), "dsMutuals01")) == document


def test_one_org_unit_month_is_named_at_the_top_with_its_completion():
    july = [v for v in values() if v.month == JULY]

    document = documents.data_value_set(july, "dsMutuals01", datetime.date(2025, 8, 5))

    assert (document["period"], document["orgUnit"]) == ("202507", "ouJoal00001")
    assert document["completeDate"] == "2025-08-05"


def test_adx_is_well_formed_with_a_group_per_org_unit_month():
    exported = datetime.datetime(2025, 9, 1, 8, 0, tzinfo=datetime.UTC)

    root = ElementTree.fromstring(documents.adx(values(), "dsMutuals01", exported))

    assert root.tag == f"{NS}adx"
    assert root.get("exported") == "2025-09-01T08:00:00+00:00"
    groups = root.findall(f"{NS}group")
    assert [(g.get("orgUnit"), g.get("period"), g.get("dataSet")) for g in groups] == [
        ("ouJoal00001", "2025-07-01/P1M", "dsMutuals01"),
        ("ouJoal00001", "2025-08-01/P1M", "dsMutuals01"),
    ]
    july = {v.get("dataElement"): v.attrib for v in groups[0].findall(f"{NS}dataValue")}
    assert july["deRenewal01"]["value"] == "81.00"
    assert july["deMembers01"]["categoryOptionCombo"] == "cocWomen001"


def test_adx_escapes_what_an_identifier_holds():
    odd = [DataValue('de"<&>', "", "ou'x", JULY, "1", "members")]

    root = ElementTree.fromstring(documents.adx(odd, "ds&", datetime.datetime.now(datetime.UTC)))

    assert root.find(f"{NS}group").get("dataSet") == "ds&"
    assert root.find(f"{NS}group/{NS}dataValue").get("dataElement") == 'de"<&>'


@pytest.mark.django_db
def test_the_figures_are_read_month_by_month(federation, figures):
    found = documents.month_figures([federation.m1.pk], [JULY, AUGUST])

    assert found[federation.m1.pk, JULY]["members_renewed"] == 81
    # August reads July's stocks as its start
    assert found[federation.m1.pk, AUGUST]["members_start"] == 120


def test_every_code_of_the_catalogue_and_base_figures_may_be_mapped():
    codes = documents.mappable_codes()
    assert "M.2" in codes and "visits" in codes and len(codes) == len(set(codes))


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_two_decimals_always_say_the_exact_value(value):
    text = documents.hundredths(value)
    assert decimal.Decimal(text) * 100 == value
    assert len(text.split(".")[1]) == 2
