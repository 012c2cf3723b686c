"""The inventory's cast: M1 in the inventory (it runs Mutualis, kept by itself), a mutual of
Mali that does not run Mutualis kept by the union D1, and the union officer of the shared cast
designated focal point of Senegal."""

import pytest

from mutualis.federation.rules import Role
from mutualis.inventory.services import Identity, Year, entry_create, focal_point_designate

SENEGAL = Identity(
    name="Mutuelle de santé de Joal",
    country="SN",
    mutual_type="community",
    place="Joal-Fadiouth",
    networks="Union départementale de Mbour\nRéseau des mutuelles de Thiès",
    supporters="Enda Santé",
)
MALI = Identity(name="Mutuelle Benkadi", country="ML", mutual_type="professional", place="Ségou")
YEAR = Year(
    status="functioning",
    currency="XOF",
    members=120,
    beneficiaries=540,
    women_members=70,
    target_population=6000,
    services=("consultation", "drugs", "childbirth"),
    level="primary",
    coverage_rate=70,
    contribution=500,
    contribution_period="month",
    registration_fee=1000,
    waiting_days=60,
    contributions_due=3_000_000,
    contributions_collected=2_400_000,
    benefits_paid=1_800_000,
    subsidies=500_000,
    reserves=900_000,
    providers=3,
    tools=("paper", "spreadsheet"),
)


@pytest.fixture
def joal(federation):
    return entry_create(
        by=None, steward=federation.m1, identity=SENEGAL, organisation=federation.m1
    )


@pytest.fixture
def benkadi(federation):
    return entry_create(by=None, steward=federation.d1, identity=MALI)


@pytest.fixture
def focal_point(cast):
    officer = cast[Role.UNION_OFFICER]
    focal_point_designate(by=None, user=officer, country="SN")
    return officer
