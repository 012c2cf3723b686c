"""Inventory API: the validated records and the synthesis tables, by year and country, as the
open data gives them (docs/inventory.md). Open data: anyone reads them, without a key."""

import uuid
from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from mutualis.core.api_access import api_public
from mutualis.core.api_types import answers
from mutualis.inventory import queries

router = Router(tags=["inventory"])

Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Year = Annotated[int, Field(ge=1998, le=2999)]


class InventoryFilter(Schema):
    year: Year | None = None
    country: Country | None = None


class InventoryRecordOut(Schema):
    record: uuid.UUID
    mutual: uuid.UUID
    year: int
    name: str
    country: str
    place: str
    type: str
    status: str
    members: int | None
    beneficiaries: int | None
    women_members: int | None
    target_population: int | None
    level: str
    services: list[str]
    contribution: int | None
    contribution_period: str
    registration_fee: int | None
    waiting_days: int | None
    currency: str
    contributions_due: int | None
    contributions_collected: int | None
    benefits_paid: int | None
    subsidies: int | None
    reserves: int | None
    providers: int | None
    tools: list[str]
    prefilled: list[str]


class ContributionSpreadOut(Schema):
    currency: str
    count: int
    median: int  # a year's contribution per beneficiary, in the currency's unit
    low: int
    high: int


class SynthesisOut(Schema):
    country: str  # "" for every country together
    year: int
    mutuals: int
    by_status: dict[str, int]
    by_type: dict[str, int]
    by_level: dict[str, int]  # "" for the records that do not say
    members: int
    beneficiaries: int
    coverage: int | None  # basis points (10,000 = 100 %) of the target population
    contributions: list[ContributionSpreadOut]


@router.get("/inventory/records", response=answers({200: list[InventoryRecordOut]}), auth=None)
@api_public
def inventory_records(request, filters: Query[InventoryFilter]):
    """The validated records of the inventory, for a year and a country when given."""
    records = queries.validated().select_related("entry").order_by("entry__country", "year")
    if filters.year is not None:
        records = records.filter(year=filters.year)
    if filters.country is not None:
        records = records.filter(entry__country=filters.country)
    return [
        InventoryRecordOut(
            record=r.uid,
            mutual=r.entry.uid,
            year=r.year,
            name=r.entry.name,
            country=r.entry.country,
            place=r.entry.place,
            type=r.entry.mutual_type,
            status=r.status,
            members=r.members,
            beneficiaries=r.beneficiaries,
            women_members=r.women_members,
            target_population=r.target_population,
            level=r.level,
            services=list(r.services),
            contribution=r.contribution,
            contribution_period=r.contribution_period,
            registration_fee=r.registration_fee,
            waiting_days=r.waiting_days,
            currency=r.currency,
            contributions_due=r.contributions_due,
            contributions_collected=r.contributions_collected,
            benefits_paid=r.benefits_paid,
            subsidies=r.subsidies,
            reserves=r.reserves,
            providers=r.providers,
            tools=list(r.tools),
            prefilled=list(r.prefilled),
        )
        for r in records
    ]


@router.get("/inventory/synthesis", response=answers({200: list[SynthesisOut]}), auth=None)
@api_public
def inventory_synthesis(request, filters: Query[InventoryFilter]):
    """The synthesis tables by country and year (and for every country together, country
    ""), worked out from the validated records as they stand."""
    tables = queries.synthesis_tables(filters.country)
    return [
        SynthesisOut(
            country=t.country,
            year=t.year,
            mutuals=t.mutuals,
            by_status=t.by_status,
            by_type=t.by_type,
            by_level=t.by_level,
            members=t.members,
            beneficiaries=t.beneficiaries,
            coverage=t.coverage,
            contributions=[
                ContributionSpreadOut(
                    currency=c, count=s.count, median=s.median, low=s.low, high=s.high
                )
                for c, s in t.contributions.items()
            ],
        )
        for (country, year), t in sorted(tables.items())
        if filters.year is None or year == filters.year
        if not (filters.country and country == "")
    ]
