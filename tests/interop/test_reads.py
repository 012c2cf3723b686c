"""Reading a beneficiary as Patient and Coverage, a provider as Organization, and what the
server implements (its CapabilityStatement): valid R4 resources, 404 outside the scope."""

from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient

from mutualis.federation.models import Location
from mutualis.interop import codes
from mutualis.membership.services import beneficiary_leave
from tests.interop.conftest import D, member


def read(client, path, model, headers):
    response = client.get(f"/fhir/r4/{path}", headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    model.model_validate_json(response.content)
    return response.json()


def not_found(client, path, headers):
    response = client.get(f"/fhir/r4/{path}", headers=headers)
    assert response.status_code == 404
    outcome = OperationOutcome.model_validate_json(response.content)
    assert outcome.issue[0].code == "not-found"
    return response


def test_a_beneficiary_reads_as_a_patient(client, family, clerk):
    number = member(family, "Moussa")
    patient = read(client, f"Patient/{number}", Patient, clerk)
    assert patient["id"] == number
    assert patient["identifier"] == [{"system": codes.MEMBER_NUMBER, "value": number}]
    assert patient["name"][0]["family"] == "Diop"
    assert patient["name"][0]["given"] == ["Moussa"]
    assert patient["gender"] == "male"
    assert patient["birthDate"] == "1980-03-02"
    assert patient["telecom"] == [{"system": "phone", "value": "+221 77 123 45 67"}]
    assert patient["active"] is True
    assert patient["managingOrganization"]["identifier"]["value"] == str(family.mutual.uid)
    # Awa gave no phone number: FHIR has no empty elements
    assert "telecom" not in read(client, f"Patient/{member(family, 'Awa')}", Patient, clerk)


def test_a_beneficiarys_coverage_names_the_mutual_the_package_and_the_head(client, family, clerk):
    number = member(family, "Fatou")
    coverage = read(client, f"Coverage/{number}", Coverage, clerk)
    assert coverage["status"] == "active"
    assert coverage["beneficiary"] == {"reference": f"Patient/{number}"}
    assert coverage["subscriber"] == {"reference": f"Patient/{member(family, 'Moussa')}"}
    assert coverage["relationship"]["coding"][0]["code"] == "child"
    assert coverage["payor"][0]["identifier"] == {
        "system": codes.ORGANISATION_UID,
        "value": str(family.mutual.uid),
    }
    assert coverage["payor"][0]["display"] == family.mutual.name
    assert coverage["period"] == {"start": "2025-01-10"}
    [plan] = coverage["class"]
    assert (plan["value"], plan["name"]) == ("CMU", "Paquet de base CMU")
    assert plan["type"]["coding"][0]["code"] == "plan"


def test_the_coverage_of_someone_who_left_is_cancelled_from_that_day(client, family, clerk):
    fatou = family.beneficiaries.get(first_name="Fatou")
    beneficiary_leave(by=None, beneficiary=fatou, on=D(2025, 6, 1))
    coverage = read(client, f"Coverage/{fatou.member_number}", Coverage, clerk)
    assert coverage["status"] == "cancelled"
    assert coverage["period"] == {"start": "2025-01-10", "end": "2025-05-31"}
    patient = read(client, f"Patient/{fatou.member_number}", Patient, clerk)
    assert patient["active"] is False


def test_a_provider_reads_as_an_organization_with_its_place(client, federation, health_post, clerk):
    country = Location.objects.create(level="country", code="SN", name="Sénégal", country_code="SN")
    region = Location.objects.create(
        level="region", code="SN-TH", name="Thiès", parent=country, country_code="SN"
    )
    department = Location.objects.create(
        level="department", code="MBO", name="Mbour", parent=region, country_code="SN"
    )
    commune = Location.objects.create(
        level="commune", code="JOAL", name="Joal-Fadiouth", parent=department, country_code="SN"
    )
    health_post.location = commune
    health_post.save()
    organization = read(client, "Organization/PS-JOAL", Organization, clerk)
    assert organization["id"] == "PS-JOAL"
    assert organization["identifier"] == [{"system": codes.PROVIDER_CODE, "value": "PS-JOAL"}]
    assert organization["name"] == "Poste de santé de Joal"
    kinds = {t["coding"][0]["system"]: t["coding"][0]["code"] for t in organization["type"]}
    assert kinds[codes.PROVIDER_KIND] == "health_post"
    assert kinds[codes.LEVEL_OF_CARE] == "health_post"
    assert organization["address"] == [
        {
            "text": "Route de Fadial",
            "city": "Joal-Fadiouth",
            "district": "Mbour",
            "state": "Thiès",
            "country": "SN",
        }
    ]
    assert organization["telecom"] == [{"system": "phone", "value": "+221 33 957 00 00"}]


def test_what_does_not_exist_or_lies_outside_the_scope_is_not_found(
    client, family, outsider, health_centre_of_m2, clerk
):
    for path in (
        "Patient/M1-999999-Z",
        f"Patient/{outsider.member_number}",
        f"Coverage/{outsider.member_number}",
        "Organization/NOWHERE",
        "Organization/CS-PAKOUR",
    ):
        response = not_found(client, path, clerk)
        assert "Samba" not in response.content.decode()
        assert "Pakour" not in response.content.decode()


def test_the_capability_statement_is_public_and_lists_what_is_implemented(client, db):
    response = client.get("/fhir/r4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    statement = CapabilityStatement.model_validate_json(response.content)
    assert statement.fhirVersion == "4.0.1"
    assert statement.kind == "instance"
    assert statement.implementation.url.startswith("https://testserver")
    assert statement.implementation.url.endswith("/fhir/r4/")
    offered = {
        resource.type: [interaction.code for interaction in resource.interaction]
        for resource in statement.rest[0].resource
    }
    assert offered["Patient"] == ["read"]
    assert offered["Coverage"] == ["read"]
    assert offered["Organization"] == ["read"]
    assert offered["CoverageEligibilityRequest"] == ["create"]
    assert offered["Claim"] == ["create"]


def test_the_capability_statement_is_only_read(client, db):
    response = client.post("/fhir/r4/metadata", "{}", content_type="application/fhir+json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    OperationOutcome.model_validate_json(response.content)
