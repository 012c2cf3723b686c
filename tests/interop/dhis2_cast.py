"""The DHIS2 tests' cast: July and August 2025 figures of M1 and M2 (tests/conftest.py), D1's
server, mapping and org units, and a fake DHIS2 that knows them."""

import datetime

import pytest

from mutualis.interop.dhis2 import services
from mutualis.interop.dhis2.fake import FakeDhis2
from mutualis.monitoring.models import Figure

JULY, AUGUST = datetime.date(2025, 7, 1), datetime.date(2025, 8, 1)
# DHIS2 UIDs: a letter then ten letters or digits
M2_RENEWAL, COST, MEMBERS, VISITS = "deRenewal01", "deCost00001", "deMembers01", "deVisits001"
OU_M1, OU_M2, OU_D1 = "ouJoal00001", "ouPakour001", "ouMbour0001"
DATA_SET = "dsMutuals01"
ELEMENTS = {M2_RENEWAL: "M2", COST: "COST", MEMBERS: "MEMBERS", VISITS: "VISITS"}
ORG_UNITS = {OU_M1: "JOAL", OU_M2: "PAKOUR", OU_D1: "MBOUR"}

FIGURES = {
    JULY: {
        "members_renewed": 81,
        "members_due_to_renew": 100,
        "members": 120,
        "visits": 30,
        "benefits_incurred": 100_000,
    },
    # August: no one came up for renewal (M.2 not computable), no visit (COST not computable)
    AUGUST: {"members_renewed": 0, "members_due_to_renew": 0, "members": 118, "visits": 0},
}


def write_figures(organisation, by_month=FIGURES):
    Figure.objects.bulk_create(
        Figure(
            organisation=organisation,
            span="month",
            start=month,
            code=code,
            value=value,
            source="operations",
        )
        for month, figures in by_month.items()
        for code, value in figures.items()
    )


@pytest.fixture
def figures(federation):
    write_figures(federation.m1)
    write_figures(federation.m2)


def set_up_union(union, mutuals, url, *, scheme="UID", org_units=None):
    services.server_set(
        by=None,
        union=union,
        base_url=url,
        username="admin",
        password="district",
        data_set=DATA_SET,
        id_scheme=scheme,
    )
    services.elements_set(
        by=None,
        union=union,
        elements={
            "M.2": (M2_RENEWAL, ""),
            "COST": (COST, ""),
            "members": (MEMBERS, ""),
            "visits": (VISITS, ""),
        },
    )
    services.org_units_set(
        by=None, union=union, org_units=org_units or {m.pk: OU_M1 for m in mutuals}
    )


@pytest.fixture
def fake():
    with FakeDhis2(elements=ELEMENTS, org_units=ORG_UNITS) as server:
        yield server
