"""The open data: every validated record as CSV and Excel, by year and country, with the data
dictionary and the citation; no formula ever reaches a spreadsheet cell; nothing unvalidated
is published."""

import csv
import dataclasses
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mutualis.federation.rules import Role
from mutualis.inventory.opendata import COLUMNS
from mutualis.inventory.services import (
    Identity,
    entry_create,
    focal_point_designate,
    record_save,
    record_validate,
)
from tests.inventory.conftest import YEAR

HOSTILE = '=HYPERLINK("http://example.com","clic")'


@pytest.fixture
def published(federation, cast, joal, benkadi, focal_point):
    manager, officer = cast[Role.MUTUAL_MANAGER], cast[Role.UNION_OFFICER]
    focal_point_designate(by=None, user=officer, country="ML")
    for year in (2024, 2025):
        record_validate(
            by=focal_point, record=record_save(by=manager, entry=joal, year=year, facts=YEAR)
        )
    hostile = entry_create(
        by=None,
        steward=federation.d1,
        identity=Identity(name=HOSTILE, country="ML", mutual_type="community", place="+221 77"),
    )
    record_validate(
        by=officer,
        record=record_save(
            by=officer, entry=hostile, year=2025, facts=dataclasses.replace(YEAR, members=75)
        ),
    )
    # saved, not validated: never published
    record_save(by=officer, entry=benkadi, year=2025, facts=YEAR)
    return hostile


def csv_rows(client, query=""):
    response = client.get(reverse("inventory:open-data-csv") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_every_validated_record_and_no_other(client, published):
    header, *rows = csv_rows(client)
    assert header == [column.code for column in COLUMNS]
    names = [row[header.index("name")] for row in rows]
    assert sorted(names) == sorted(
        ["'" + HOSTILE, "Mutuelle de santé de Joal", "Mutuelle de santé de Joal"]
    )
    assert "Mutuelle Benkadi" not in names
    joal = next(row for row in rows if row[header.index("name")].startswith("Mutuelle"))
    assert joal[header.index("members")] == "120"
    assert joal[header.index("services")] == "childbirth;consultation;drugs"


def test_the_csv_is_cut_by_year_and_country(client, published):
    header, *rows = csv_rows(client, "?year=2025&country=SN")
    assert [(r[header.index("year")], r[header.index("country")]) for r in rows] == [("2025", "SN")]


def test_no_formula_reaches_a_cell_of_the_csv(client, published):
    _header, *rows = csv_rows(client)
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)


def test_the_workbook_holds_the_records_the_dictionary_and_the_citation(client, published):
    response = client.get(reverse("inventory:open-data-xlsx") + "?country=ML")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    records, dictionary, citation = workbook.worksheets
    header = [cell.value for cell in records[1]]
    assert header == [column.code for column in COLUMNS]
    rows = list(records.iter_rows(min_row=2))
    assert len(rows) == 1
    name = rows[0][header.index("name")]
    assert name.value == HOSTILE and name.data_type == "s" and name.quotePrefix
    place = rows[0][header.index("place")]
    assert place.value == "+221 77" and place.data_type == "s"
    assert not any(
        cell.data_type == "f" for sheet in workbook.worksheets for row in sheet for cell in row
    )
    assert [cell.value for cell in dictionary[2]][:1] == ["record"]
    assert "Mutualis" in citation["A2"].value


def test_the_open_data_page_gives_the_dictionary_and_the_citation(client, published):
    page = client.get(reverse("inventory:open-data")).content.decode()
    assert "contributions_collected" in page and "Mutualis" in page
    assert reverse("inventory:open-data-csv") in page


def test_a_malformed_filter_finds_nothing(client, published):
    assert client.get(reverse("inventory:open-data-csv") + "?year=abc").status_code == 404
    assert client.get(reverse("inventory:open-data-csv") + "?country=S1").status_code == 404
