"""The same facts give the same answer on every path that asks whether someone is covered
(issue 10): the eligibility screen, the FHIR eligibility check, claim entry and the Excel batch
of claims all read the household through one loader and ask one rule."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from mutualis.claims.choices import Channel
from mutualis.claims.imports import claims_import
from mutualis.claims.models import Claim
from mutualis.claims.services import ClaimInput, LineInput, claims_submit
from mutualis.federation.rules import Role
from mutualis.membership.services import beneficiary_add
from tests.claims.test_upload import HEADER
from tests.conftest import person

D = datetime.date
pytestmark = pytest.mark.django_db

# Moussa waits until 9 February 2025; Aminata, a second wife added on 10 May 2025 (billed from
# the next period), waits until 9 June 2025 while the household is covered.
CASES = [
    ("Moussa", D(2025, 2, 1), False),
    ("Moussa", D(2025, 3, 10), True),
    ("Aminata", D(2025, 5, 20), False),
    ("Aminata", D(2025, 6, 15), True),
]


@pytest.fixture
def household(care, cast):
    beneficiary_add(
        by=None,
        household=care.moussa.household,
        enrolled_on=D(2025, 5, 10),
        person=person("Aminata", "Diop", "F", "1990-02-02", "spouse"),
    )
    care.post.staff.add(cast[Role.PROVIDER_CLERK])
    return {b.first_name: b for b in care.moussa.household.beneficiaries.all()}


def on_the_screen(client, cast, care, number, day):
    client.force_login(cast[Role.PROVIDER_CLERK])
    page = client.get(
        "/eligibility/", {"card": number, "provider": care.post.pk, "on": day.isoformat()}
    ).content.decode()
    assert ("verdict covered" in page) != ("verdict not-covered" in page)
    return "verdict covered" in page


def through_fhir(client, cast, capsys, number, day):
    call_command("api_key", cast[Role.PROVIDER_CLERK].username, "tests")
    key = capsys.readouterr().out.strip()
    asked = {
        "resourceType": "CoverageEligibilityRequest",
        "status": "active",
        "purpose": ["validation"],
        "patient": {"reference": f"Patient/{number}"},
        "servicedDate": day.isoformat(),
        "created": day.isoformat(),
        "insurer": {"reference": "Organization/UN"},
        "provider": {"reference": "Organization/PS-JOAL"},
    }
    answer = client.post(
        "/fhir/r4/CoverageEligibilityRequest",
        json.dumps(asked),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    return answer["insurance"][0]["inforce"]


def by_claim_entry(cast, number, day, reference):
    manager = cast[Role.MUTUAL_MANAGER]
    claim = ClaimInput(number, "PS-JOAL", reference, day, day, [LineInput("CS-PS", 1, 1000)])
    submitted = claims_submit(
        [claim],
        channel=Channel.CLERK,
        actor=manager,
        scope_prefix=manager.scope_prefix,
        today=day + datetime.timedelta(days=5),
    )
    return Claim.objects.get(pk=submitted.claim_ids[0]).lines.get().outcome != "rejected"


def in_a_batch(cast, number, day, reference):
    book = Workbook()
    book.active.append(HEADER)  # medicines: the same consultation again would be a duplicate
    book.active.append(["PS-JOAL", reference, number, day, None, None, "", None, "PARA500", 10, 25])
    content = io.BytesIO()
    book.save(content)
    report = claims_import(
        by=cast[Role.MUTUAL_MANAGER],
        file_name="lot.xlsx",
        content=content.getvalue(),
        today=day + datetime.timedelta(days=5),
    )
    assert report.errors == []
    claim = Claim.objects.get(provider_reference=reference)
    return claim.lines.get().outcome != "rejected"


@pytest.mark.parametrize(("name", "day", "covered"), CASES)
def test_every_path_gives_the_same_answer(
    client, cast, capsys, care, household, name, day, covered
):
    number = household[name].member_number
    answers = {
        "screen": on_the_screen(client, cast, care, number, day),
        "fhir": through_fhir(client, cast, capsys, number, day),
        "entry": by_claim_entry(cast, number, day, f"E-{name}-{day}"),
        "batch": in_a_batch(cast, number, day, f"B-{name}-{day}"),
    }
    assert answers == dict.fromkeys(answers, covered)
