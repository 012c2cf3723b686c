"""The FHIR API's cast: the Diop household of Joal (tests/conftest.py) paid up, a health post
and a health centre, the package's rules at those levels, and an API key per user."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutualis.benefits.services import package_version_add
from mutualis.claims.models import ReviewPolicy
from mutualis.contributions.services import payment_record
from mutualis.interop import codes
from mutualis.membership.services import household_enrol
from mutualis.providers.services import provider_create
from tests.claims import conftest as claims_cast
from tests.conftest import person
from tests.interop.dhis2_cast import fake, figures  # noqa: F401  (the DHIS2 tests' fixtures)

D = datetime.date
EXAMPLES = Path(__file__).parent / "examples"
care = claims_cast.care  # the claims' cast, for claiming through FHIR


def example(name: str) -> dict:
    """One of HL7's R4 examples (hl7.org/fhir/R4, its examples are in the public domain)."""
    return json.loads((EXAMPLES / f"{name}.json").read_text())


@pytest.fixture
def rich_package(cmu_package, state):
    """The CMU package from 2025 on, with what the FHIR answer has to say: rates at two levels,
    a yearly ceiling, a ceiling per act, a guarantee letter, an exclusion, and a co-payment
    that is not a whole percentage."""
    package_version_add(
        by=None,
        package=cmu_package,
        valid_from=D(2025, 1, 1),
        allow_past=True,
        period="year",
        contribution=7000,
        registration_fee=1000,
        waiting_days=30,
        grace_days=30,
        subsidies=[(state, "", 5000), (state, "indigent", 10000)],
        waiting_days_by_service={"childbirth": 270},
        coverage=[
            {"service_category": "consultation", "level": "health_post", "rate_bp": 8000},
            {
                "service_category": "medicines",
                "level": "health_post",
                "rate_bp": 8250,
                "ceiling_per_year": 50_000,
                "ceiling_per_act": 10_000,
            },
            {"service_category": "childbirth", "level": "health_post", "rate_bp": 10_000},
            {"service_category": "optical", "level": "health_post", "excluded": True},
            {"service_category": "consultation", "level": "health_centre", "rate_bp": 7000},
            {
                "service_category": "hospitalisation",
                "level": "health_centre",
                "rate_bp": 7000,
                "guarantee_letter_required": True,
                "ceiling_per_episode": 150_000,
            },
        ],
    )
    return cmu_package


@pytest.fixture
def paid(family, rich_package):
    """The Diop household with its fee and first year paid on the day it enrolled (the days
    left of 2025: 4 × 7,000 × 356 / 365, half of it by the State)."""
    payment_record(
        by=None, household=family, amount=14_652, method="cash", received_on=D(2025, 1, 10)
    )
    return family


@pytest.fixture
def health_post(federation):
    # Providers are reference data of the federation, registered by the national union here.
    return provider_create(
        by=None,
        owner=federation.national,
        code="PS-JOAL",
        name="Poste de santé de Joal",
        kind="health_post",
        level="health_post",
        sector="public",
        address="Route de Fadial",
        phone="+221 33 957 00 00",
    )


@pytest.fixture
def health_centre_of_m2(federation):
    """A provider registered by the other mutual, out of the cast's scope."""
    return provider_create(
        by=None,
        owner=federation.m2,
        code="CS-PAKOUR",
        name="Centre de santé de Pakour",
        kind="health_centre",
        level="health_centre",
        sector="public",
    )


@pytest.fixture
def outsider(federation, cmu_package):
    """Samba Ba, head of a household of the other mutual, out of the cast's scope."""
    return household_enrol(
        by=None,
        mutual=federation.m2,
        package=cmu_package,
        enrolled_on=D(2025, 1, 10),
        head=person("Samba", "Ba", "M", "1975-05-05"),
    ).beneficiaries.get()


@pytest.fixture
def key_of(capsys):
    """An API key for a user, as `mutualis api_key` makes it."""

    def make(user) -> dict:
        call_command("api_key", user.username, "tests")
        return {"Authorization": f"Bearer {capsys.readouterr().out.strip()}"}

    return make


@pytest.fixture
def clerk(cast, key_of):
    return key_of(cast["provider_clerk"])


def member(household, first_name: str) -> str:
    return household.beneficiaries.get(first_name=first_name).member_number


def asking(number: str, provider: str | None = "PS-JOAL", day="2025-03-01", **extra) -> dict:
    """A CoverageEligibilityRequest about a member at a provider."""
    request = {
        "resourceType": "CoverageEligibilityRequest",
        "status": "active",
        "purpose": ["validation", "benefits"],
        "patient": {"reference": f"Patient/{number}"},
        "servicedDate": day,
        "created": "2025-03-01",
        "insurer": {"reference": "Organization/UN"},
        **extra,
    }
    if provider:
        request["provider"] = {"reference": f"Organization/{provider}"}
    return request


def post(client, resource, headers=None, content_type="application/fhir+json"):
    body = resource if isinstance(resource, (str, bytes)) else json.dumps(resource)
    return client.post(
        "/fhir/r4/CoverageEligibilityRequest",
        body,
        content_type=content_type,
        headers=headers or {},
    )


@pytest.fixture
def day(care, family, federation):
    """A few days ago, with the Diop household's contributions paid up to this year; no claim
    goes to the medical advisor by chance."""
    ReviewPolicy.objects.create(owner=federation.national, sample_bp=0)
    today = timezone.localdate()
    years = today.year - 2025
    if years:
        payment_record(
            by=None,
            household=family,
            amount=14_000 * years,
            method="cash",
            received_on=datetime.date(today.year, 1, 1),
        )
    return today - datetime.timedelta(days=3)


@pytest.fixture
def clerk_of_joal(care, cast, key_of):
    care.post.staff.add(cast["provider_clerk"])
    return key_of(cast["provider_clerk"])


def fhir_claim(number, day, items, invoice="F-2001", provider="PS-JOAL", **extra) -> dict:
    return {
        "resourceType": "Claim",
        "identifier": [{"system": "https://ps-joal.example.org/factures", "value": invoice}],
        "status": "active",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "professional",
                }
            ]
        },
        "use": "claim",
        "patient": {"reference": f"Patient/{number}"},
        "created": day.isoformat(),
        "provider": {"reference": f"Organization/{provider}"},
        "priority": {"coding": [{"code": "normal"}]},
        "insurance": [
            {"sequence": 1, "focal": True, "coverage": {"reference": f"Coverage/{number}"}}
        ],
        "billablePeriod": {"start": day.isoformat(), "end": day.isoformat()},
        "item": [
            {
                "sequence": sequence,
                "productOrService": {"coding": [{"system": codes.MEDICAL_ITEM, "code": code}]},
                "servicedDate": day.isoformat(),
                "quantity": {"value": quantity},
                "unitPrice": {"value": price, "currency": "XOF"},
            }
            for sequence, (code, quantity, price) in enumerate(items, start=1)
        ],
        **extra,
    }
