"""Whatever a provider's software sends, the FHIR API answers a 4xx OperationOutcome or a valid
resource, never a server error: valid requests (HL7's examples and ours, as the R4B models take
them) mutated by hypothesis — an element replaced by a value of another type, a huge or hostile
string, a date of year 1 or 9999, removed, or added where FHIR has none; another resourceType;
deep nesting; a body that is not JSON or not sent as JSON — are posted to every operation, and
reads are asked for mutated ids. Derandomised: the same requests on every run."""

import copy
import json
from contextlib import suppress
from urllib.parse import quote, urlencode

import pytest
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.interop import codes
from tests.interop.conftest import asking, example, fhir_claim, member

# A few hundred requests an endpoint, the same on every run: seconds, not minutes.
FUZZ = settings(max_examples=300, derandomize=True, database=None, deadline=None)

FAR_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0001",
    "9999-12",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "1970-01-01",
    "2025-02-30",
]
HOSTILE_STRINGS = [
    "x" * 10_000,
    '=HYPERLINK("http://example.org";"clic")',
    "A\x00B",
    "\x1b[31m",
    "ligne\nsuivante",
    "\u202eevil",
    "Patient/" + "9" * 5000,
    "Organization/PS-JOAL\x00",
    "../../etc/passwd",
    "",
    " ",
]
HOSTILE_NUMBERS = [0, -1, 10**19, -(10**19), 1.5, 1e308, 10**400]


def nested(depth: int):
    value: object = "deep"
    for _ in range(depth):
        value = {"extension": [value]}
    return value


HOSTILE_VALUES = st.one_of(
    st.sampled_from(FAR_DATES),
    st.sampled_from(HOSTILE_STRINGS),
    st.sampled_from(HOSTILE_NUMBERS),
    st.sampled_from([None, True, False, [], {}, [None], {"": ""}]),
    st.sampled_from([nested(50), nested(200)]),  # deeper: RAW_BODIES
    st.text(max_size=50),
    st.integers(),
    st.floats(allow_nan=False),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=8,
    ),
)


def paths(value, prefix=()):
    """The place of every element of a JSON value, the value itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def mutate(resource: dict, place: tuple, how: str, value):
    """`resource` with the element at `place` replaced by `value`, removed, given an element
    FHIR does not have, or with another resourceType."""
    mutated = copy.deepcopy(resource)
    if how == "resourceType":
        mutated["resourceType"] = value
        return mutated
    if not place:
        return value if how == "replace" else mutated
    parent = mutated
    for part in place[:-1]:
        parent = parent[part]
    last = place[-1]
    if how == "replace":
        parent[last] = value
    elif how == "remove":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last]["unknownElement"] = value
    else:
        parent[last] = {"unknownElement": value}
    return mutated


@st.composite
def mutations(draw, seeds: list[dict]):
    resource = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if not isinstance(resource, dict):
            break  # replaced as a whole already
        place = draw(st.sampled_from(list(paths(resource))))
        how = draw(st.sampled_from(["replace", "replace", "remove", "add", "resourceType"]))
        resource = mutate(resource, place, how, draw(HOSTILE_VALUES))
    return resource


RAW_BODIES = st.one_of(
    st.sampled_from(
        [
            b"",
            b"{not json",
            b"\xff\xfe{}",
            b"null",
            b"[]",
            b'{"resourceType": "Claim"}',
            b"[" * 100_000 + b"]" * 100_000,
            b'{"a":' * 5000 + b"1" + b"}" * 5000,
            b'{"resourceType": NaN}',
            b'{"resourceType": "Claim", "item": [{"quantity": {"value": Infinity}}]}',
            b'{"resourceType": "Claim", "item": [{"quantity": {"value": 1e999999999}}]}',
            b'{"resourceType": "Claim", "id": "' + b"x" * 3_000_000 + b'"}',
        ]
    ),
    st.binary(max_size=200),
)
CONTENT_TYPES = st.sampled_from(
    ["application/fhir+json", "application/json", "text/plain", "application/xml", ""]
)


def answered_well(response, resource_class=None):
    """A 4xx OperationOutcome, or a resource its R4B model takes: never a server error."""
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8", response.content
    if response.status_code >= 400:
        OperationOutcome.model_validate_json(response.content)
    else:
        assert response.status_code == 200
        resource_class.model_validate_json(response.content)


def send(client, path: str, body, headers, content_type="application/fhir+json"):
    if not isinstance(body, bytes):
        body = json.dumps(body)
    return client.generic("POST", path, body, content_type=content_type, headers=headers)


@pytest.fixture
def eligibility_seeds(paid, health_post):
    awa = member(paid, "Awa")
    ours = asking(awa, item=[{"category": {"coding": [{"code": "69"}]}}])
    hl7 = example("coverageeligibilityrequest-example-2")
    hl7["patient"] = {"reference": f"Patient/{awa}"}
    by_number = asking(awa, patient={"identifier": {"system": codes.MEMBER_NUMBER, "value": awa}})
    by_card = asking(awa, patient={"identifier": {"system": codes.MEMBER_CARD, "value": awa}})
    by_period = asking(awa, day=None, servicedPeriod={"start": "2025-03-01T10:00:00+00:00"})
    return [ours, hl7, by_number, by_card, by_period]


def test_eligibility_answers_any_mutated_request_well(client, eligibility_seeds, clerk):
    @FUZZ
    @given(resource=mutations(eligibility_seeds))
    def each(resource):
        response = send(client, "/fhir/r4/CoverageEligibilityRequest", resource, clerk)
        answered_well(response, CoverageEligibilityResponse)

    each()


def test_claim_answers_any_mutated_claim_well(client, care, day, clerk_of_joal):
    seeds = [
        fhir_claim(care.awa.member_number, day, [("CS-PS", 1, 1000), ("PARA500", 10, 30)]),
        fhir_claim(
            care.moussa.member_number,
            day,
            [("CS-PS", 1, 1000)],
            diagnosis=[
                {
                    "sequence": 1,
                    "diagnosisCodeableConcept": {
                        "coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "A09"}]
                    },
                }
            ],
        ),
        fhir_claim(
            care.fatou.member_number,
            day,
            [("CS-PS", 1, 1000)],
            insurance=[{"sequence": 1, "focal": True, "preAuthRef": ["12"], "coverage": {}}],
            priority={"coding": [{"code": "stat"}]},
            referral={"reference": "ServiceRequest/1"},
        ),
    ]
    invoices = iter(range(10**6))

    @FUZZ
    @given(resource=mutations(seeds))
    def each(resource):
        # a fresh invoice number, where one is left, so that a valid claim is taken again
        with suppress(LookupError, TypeError, AttributeError):  # unless mutated away
            if resource["identifier"][0]["value"] == "F-2001":
                resource["identifier"][0]["value"] = f"F-{next(invoices)}"
        response = send(client, "/fhir/r4/Claim", resource, clerk_of_joal)
        answered_well(response, ClaimResponse)

    each()


def test_any_body_or_content_type_is_answered_well(client, paid, health_post, clerk):
    @FUZZ
    @given(
        path=st.sampled_from(["CoverageEligibilityRequest", "Claim"]),
        body=RAW_BODIES,
        content_type=CONTENT_TYPES,
    )
    def each(path, body, content_type):
        response = send(client, f"/fhir/r4/{path}", body, clerk, content_type)
        answered_well(response)

    each()


READS = {"Patient": Patient, "Coverage": Coverage, "Organization": Organization}


def test_any_read_is_answered_well(client, paid, health_post, clerk):
    ids = st.one_of(
        st.sampled_from([member(paid, "Awa"), "PS-JOAL", *HOSTILE_STRINGS[:8]]),
        st.text(min_size=1, max_size=80),
    )

    @FUZZ
    @given(
        kind=st.sampled_from(sorted(READS)),
        found=ids,
        query=st.dictionaries(st.sampled_from(["_format", "_summary", "x"]), st.text(max_size=20)),
        method=st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE"]),
    )
    def each(kind, found, query, method):
        path = f"/fhir/r4/{kind}/{quote(found, safe='')}?{urlencode(query)}"
        response = client.generic(method, path, headers=clerk)
        if method == "GET" and response.status_code == 200:
            answered_well(response, READS[kind])
        else:
            answered_well(response)

    each()
