"""The resources the FHIR API reads out: a beneficiary as Patient and Coverage, a provider as
Organization, and the server's CapabilityStatement. Each is validated by its R4B model."""

import datetime
import re
from importlib.metadata import version

from django.utils.translation import gettext as _
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient

from mutualis.benefits.choices import LevelOfCare, Relationship
from mutualis.interop import codes
from mutualis.interop.outcomes import FHIR_JSON, Valid, valid
from mutualis.providers.rules import ProviderKind

# A FHIR id: member numbers are (`MS0001-000123-K`); a provider's code may not be.
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
GENDERS = {"F": "female", "M": "male"}
SUBSCRIBER_RELATIONSHIPS = {
    Relationship.HEAD: "self",
    Relationship.SPOUSE: "spouse",
    Relationship.CHILD: "child",
    Relationship.PARENT: "parent",
    Relationship.OTHER: "other",
}
# The day this interface last changed what it offers (CapabilityStatement.date).
INTERFACE_DATE = "2026-11-24"


def present(value):
    """`value` without its empty elements: FHIR has no empty strings, lists or objects."""
    if isinstance(value, dict):
        kept = {key: present(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        kept = [present(item) for item in value]
        return [item for item in kept if item not in (None, "", [], {})]
    return value


def with_id(value: str) -> dict:
    return {"id": value} if FHIR_ID.fullmatch(value) else {}


def organisation_reference(organisation) -> dict:
    """A mutual or union, named by its uid: the same on every installation."""
    return {
        "identifier": {"system": codes.ORGANISATION_UID, "value": str(organisation.uid)},
        "display": organisation.name,
    }


def address(text: str, commune) -> dict:
    """An address from its text and its commune, with the commune's department, region and
    country."""
    places = {}
    place = commune
    while place is not None:
        places[place.level] = place
        place = place.parent
    return {
        "text": text,
        "city": places["commune"].name if "commune" in places else "",
        "district": places["department"].name if "department" in places else "",
        "state": places["region"].name if "region" in places else "",
        "country": commune.country_code if commune is not None else "",
    }


def last_covered_day(*ends: datetime.date | None) -> str | None:
    """The day before the first end: who leaves on a day is not covered that day
    (membership.coverage)."""
    known = [end for end in ends if end is not None]
    return (min(known) - datetime.timedelta(days=1)).isoformat() if known else None


def patient(beneficiary) -> Valid:
    household = beneficiary.household
    return valid(
        Patient,
        present(
            {
                "resourceType": "Patient",
                **with_id(beneficiary.member_number),
                "identifier": [{"system": codes.MEMBER_NUMBER, "value": beneficiary.member_number}],
                "active": beneficiary.left_on is None and household.resigned_on is None,
                "name": [
                    {
                        "family": beneficiary.last_name,
                        "given": [beneficiary.first_name],
                        "text": f"{beneficiary.first_name} {beneficiary.last_name}",
                    }
                ],
                "telecom": [{"system": "phone", "value": beneficiary.phone}]
                if beneficiary.phone
                else [],
                "gender": GENDERS.get(beneficiary.sex, "unknown"),
                "birthDate": beneficiary.birth_date.isoformat(),
                "address": [address(household.address, household.location)]
                if household.address or household.location
                else [],
                "managingOrganization": organisation_reference(beneficiary.mutual),
            }
        ),
    )


def coverage(beneficiary) -> Valid:
    """A beneficiary's membership of their mutual's package: in force or not on a given day
    is the eligibility check's answer, not this resource's."""
    household = beneficiary.household
    head = next(
        (b for b in household.beneficiaries.all() if b.relationship == Relationship.HEAD), None
    )
    ended = beneficiary.left_on is not None or household.resigned_on is not None
    return valid(
        Coverage,
        present(
            {
                "resourceType": "Coverage",
                **with_id(beneficiary.member_number),
                "identifier": [{"system": codes.MEMBER_NUMBER, "value": beneficiary.member_number}],
                "status": "cancelled" if ended else "active",
                "type": {"coding": [{"system": codes.HL7_ACT_CODE, "code": "HIP"}]},
                "subscriber": {"reference": f"Patient/{head.member_number}"} if head else {},
                "subscriberId": head.member_number if head else "",
                "beneficiary": {"reference": f"Patient/{beneficiary.member_number}"},
                "relationship": {
                    "coding": [
                        {
                            "system": codes.HL7_SUBSCRIBER_RELATIONSHIP,
                            "code": SUBSCRIBER_RELATIONSHIPS[beneficiary.relationship],
                        }
                    ],
                    "text": beneficiary.get_relationship_display(),
                },
                "period": {
                    "start": max(household.enrolled_on, beneficiary.enrolled_on).isoformat(),
                    "end": last_covered_day(beneficiary.left_on, household.resigned_on),
                },
                "payor": [organisation_reference(beneficiary.mutual)],
                "class": [
                    {
                        "type": {"coding": [{"system": codes.HL7_COVERAGE_CLASS, "code": "plan"}]},
                        "value": household.package.code,
                        "name": household.package.name,
                    }
                ],
            }
        ),
    )


def organization(provider) -> Valid:
    return valid(
        Organization,
        present(
            {
                "resourceType": "Organization",
                **with_id(provider.code),
                "identifier": [{"system": codes.PROVIDER_CODE, "value": provider.code}],
                "active": provider.active,
                "type": [
                    {"coding": [{"system": codes.HL7_ORGANIZATION_TYPE, "code": "prov"}]},
                    {
                        "coding": [
                            {
                                "system": codes.PROVIDER_KIND,
                                "code": provider.kind,
                                "display": str(ProviderKind(provider.kind).label),
                            }
                        ]
                    },
                    {
                        "coding": [
                            {
                                "system": codes.LEVEL_OF_CARE,
                                "code": provider.level,
                                "display": str(LevelOfCare(provider.level).label),
                            }
                        ]
                    },
                ],
                "name": provider.name,
                "telecom": [
                    {"system": "phone", "value": provider.phone} if provider.phone else {},
                    {"system": "email", "value": provider.email} if provider.email else {},
                ],
                "address": [address(provider.address, provider.location)]
                if provider.address or provider.location
                else [],
                "contact": [{"name": {"text": provider.contact_name}}],
            }
        ),
    )


def capability_statement(base_url: str) -> Valid:
    """What this server implements."""
    resources = [
        ("Patient", "read", _("A beneficiary, by member number.")),
        ("Coverage", "read", _("A beneficiary's membership of their mutual's package.")),
        ("Organization", "read", _("A health provider, by provider code.")),
        (
            "CoverageEligibilityRequest",
            "create",
            _("Answered with a CoverageEligibilityResponse; nothing is stored."),
        ),
        (
            "Claim",
            "create",
            _("Adjudicated and stored; answered with a ClaimResponse."),
        ),
    ]
    return valid(
        CapabilityStatement,
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": INTERFACE_DATE,
            "publisher": "Mutualis",
            "kind": "instance",
            "software": {"name": "Mutualis", "version": version("mutualis")},
            "implementation": {
                "description": _("Mutualis, the FHIR R4 interface of the mutuals' register"),
                "url": base_url,
            },
            "fhirVersion": "4.0.1",
            "format": [FHIR_JSON.split(";")[0], "json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "cors": False,
                        "description": _(
                            "An API key in the Authorization header (Bearer), made with "
                            "`mutualis api_key`, or the site's session. The key acts as its "
                            "user: same roles, same scope."
                        ),
                    },
                    "resource": [
                        {
                            "type": kind,
                            "interaction": [{"code": interaction}],
                            "documentation": documentation,
                        }
                        for kind, interaction, documentation in resources
                    ],
                }
            ],
        },
    )
