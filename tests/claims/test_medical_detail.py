"""Issue 10: the medical detail of a claim (its diagnosis, the acts and medicines of its lines,
the medical advisor's comments) and a guarantee letter's reason are read by the medical
advisors and by the clerks of the provider that gave the care, and by no one else. Managers,
union officers and the other roles see the amounts, the outcomes and the rules' reasons."""

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from mutualis.claims import views
from mutualis.claims.letters import letter_pdf
from mutualis.claims.models import ClaimLine, ReviewPolicy
from mutualis.claims.queries import may_see_medical
from mutualis.claims.services import ClaimInput, LineInput, claims_submit, letter_issue
from mutualis.core.pdf import extract_text
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.settlements.documents import statement_pdf
from mutualis.settlements.services import statements_issue

D = datetime.date
# what only the medical readers may read: the diagnosis, the codes and names of the act and of
# the medicine, the advisor's comment
MEDICAL = ("A09", "CS-PS", "PARA500", "Paracétamol", "Deux comprimés de trop.")
SEES_MEDICAL = {Role.MEDICAL_ADVISOR, Role.PROVIDER_CLERK}
CLAIM_READERS = {
    Role.MEDICAL_ADVISOR,
    Role.PROVIDER_CLERK,
    Role.MUTUAL_MANAGER,
    Role.UNION_OFFICER,
}
STATEMENT_READERS = CLAIM_READERS | {Role.ACCOUNTANT}
LETTER_READERS = CLAIM_READERS


@pytest.fixture
def claim(care, cast, federation):
    """Moussa's consultation at the health post of Joal, for diarrhoea (ICD-10 A09), with
    paracetamol; the clerk of the cast works there."""
    ReviewPolicy.objects.create(owner=federation.national, sample_bp=0, review_adjusted=False)
    care.post.staff.add(cast[Role.PROVIDER_CLERK])
    submission = claims_submit(
        [
            ClaimInput(
                member_number=care.moussa.member_number,
                provider_code="PS-JOAL",
                provider_reference="F-MED-1",
                service_from=D(2025, 3, 10),
                service_to=None,
                diagnosis="A09",
                lines=(LineInput("CS-PS", 1, 1000), LineInput("PARA500", 10, 25)),
            )
        ],
        channel="clerk",
        actor=None,
        scope_prefix="/",
        today=D(2025, 3, 10),
    )
    assert submission.saved, submission.errors
    (claim,) = submission.claims
    # the advisor's word on the medicine line, as a review writes it
    ClaimLine.objects.filter(claim=claim, position=2).update(comment="Deux comprimés de trop.")
    return claim


@pytest.fixture
def statement(claim, federation):
    (statement,) = statements_issue(
        by=None, payer=federation.m1, day=D(2025, 3, 1), issued_on=D(2025, 4, 2)
    ).statements
    return statement


@pytest.fixture
def letter(care):
    return letter_issue(
        by=None,
        beneficiary=care.awa,
        provider=care.post,
        service_category="childbirth",
        valid_from=D(2025, 6, 1),
        valid_until=D(2025, 6, 30),
        cap=25_000,
        reason="Grossesse à risque, césarienne probable",
    )


def shown(text: str) -> list[str]:
    return [word for word in MEDICAL if word in text]


@pytest.mark.parametrize("role", list(Role))
def test_the_claim_page_shows_the_medical_detail_only_to_advisors_and_the_providers_clerks(
    client, cast, claim, role
):
    client.force_login(cast[role])
    response = client.get(f"/claims/{claim.pk}/")
    if role not in CLAIM_READERS:
        assert response.status_code == 403
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert "F-MED-1" in page and "1,250" in page.replace("\u202f", ",").replace("\xa0", ",")
    if role in SEES_MEDICAL:
        assert shown(page) == list(MEDICAL)
    else:
        assert shown(page) == []
        # the outcome of each line stays, and its amounts
        with translation.override("fr"):
            outcomes = [line.get_outcome_display() for line in claim.lines.all()]
        assert all(outcome in page for outcome in outcomes)


def test_a_clerk_of_another_provider_does_not_see_the_claim_at_all(client, care, claim, cast):
    clerk = user_create(
        by=None,
        username="pakour-clerk",
        organisation=cast[Role.CASHIER].organisation,
        roles=[Role.PROVIDER_CLERK],
    )
    care.pakour.staff.add(clerk)
    client.force_login(clerk)
    assert client.get(f"/claims/{claim.pk}/").status_code == 404


def test_a_manager_who_is_also_a_clerk_elsewhere_sees_no_medical_detail(
    client, care, claim, federation
):
    both = user_create(
        by=None,
        username="manager-clerk",
        organisation=federation.m1,
        roles=[Role.MUTUAL_MANAGER, Role.PROVIDER_CLERK],
    )
    care.pakour.staff.add(both)
    assert not may_see_medical(both, claim)
    client.force_login(both)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "F-MED-1" in page and shown(page) == []


@pytest.mark.parametrize("role", list(Role))
def test_the_statement_shows_no_medical_detail_to_anyone(client, cast, statement, role):
    # a statement lists amounts by claim, for the provider and its payer: nothing medical, in
    # the page, the PDF or the workbook
    client.force_login(cast[role])
    base = f"/statements/{statement.pk}/"
    if role not in STATEMENT_READERS:
        assert client.get(base).status_code == 403
        return
    page = client.get(base).content.decode()
    assert "F-MED-1" in page and shown(page) == []
    assert client.get(base + "statement.pdf").status_code == 200
    # the document does not depend on who prints it: read uncompressed
    assert shown(extract_text(statement_pdf(statement, compress=False))) == []
    book = load_workbook(io.BytesIO(client.get(base + "statement.xlsx").content))
    cells = " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    assert "F-MED-1" in cells and shown(cells) == []


@pytest.mark.parametrize("role", sorted(LETTER_READERS))
def test_a_guarantee_letters_reason_is_shown_only_to_medical_readers(
    client, cast, care, letter, role, monkeypatch
):
    care.post.staff.add(cast[Role.PROVIDER_CLERK])
    client.force_login(cast[role])
    page = client.get(f"/letters/{letter.pk}/").content.decode()
    assert "Awa" in page
    expected = role in SEES_MEDICAL
    assert ("césarienne" in page) is expected
    # the printed letter: the view asks for the reason only for those who may read it
    asked = []
    monkeypatch.setattr(
        views, "letter_pdf", lambda letter, **options: asked.append(options) or b"%PDF"
    )
    assert client.get(f"/letters/{letter.pk}/letter.pdf").content == b"%PDF"
    assert asked[0]["medical"] is expected


def test_the_letter_is_printed_without_its_reason_unless_asked(letter):
    assert "césarienne" not in extract_text(letter_pdf(letter, compress=False))
    assert "césarienne" in extract_text(letter_pdf(letter, medical=True, compress=False))
