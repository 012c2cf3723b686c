"""The screens of the point of care and of claims: eligibility, entry, review, letters."""

import datetime

import pytest
from django.utils import timezone

from mutualis.claims.choices import ClaimStatus, Outcome
from mutualis.claims.letters import letter_pdf
from mutualis.claims.models import Claim, GuaranteeLetter, ReviewPolicy
from mutualis.contributions.services import payment_record
from mutualis.core.audit import audit_trail
from mutualis.core.pdf import extract_text
from mutualis.core.signing import card_payload
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.membership.services import household_enrol
from tests.conftest import person

TODAY = timezone.localdate()


@pytest.fixture
def clerk(cast, care):
    user = cast[Role.PROVIDER_CLERK]
    care.post.staff.add(user)
    return user


@pytest.fixture(autouse=True)
def everything_reviewed(federation):
    ReviewPolicy.objects.create(owner=federation.national, sample_bp=10_000)


@pytest.fixture(autouse=True)
def paid_up_to_this_year(care, family):
    """The care fixture pays 2025; the pages work on today's date."""
    if TODAY.year > 2025:
        payment_record(
            by=None,
            household=family,
            amount=14000 * (TODAY.year - 2025),
            method="cash",
            received_on=datetime.date(TODAY.year, 1, 1),
        )


def check(client, card, provider, on=None):
    return client.get(
        "/eligibility/", {"card": card, "provider": provider.pk, "on": on or TODAY.isoformat()}
    )


def test_a_clerk_scanning_a_card_sees_the_person_covered_and_the_co_payment(client, clerk, care):
    client.force_login(clerk)
    response = check(client, card_payload(care.moussa.member_number), care.post)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Moussa Diop" in page
    assert "verdict covered" in page
    # consultations at 80 %: the co-payment is 20 %
    assert "80 %" in page and "20 %" in page


def test_a_forged_card_is_reported_and_shows_no_one(client, clerk, care):
    client.force_login(clerk)
    forged = card_payload(care.moussa.member_number)[:-2] + "AA"
    page = check(client, forged, care.post).content.decode()
    assert "signature" in page.lower()
    assert "Moussa" not in page


def test_an_unsigned_card_shows_its_holder_with_a_warning(client, clerk, care):
    client.force_login(clerk)
    page = check(client, f"MUTUALIS1:{care.moussa.member_number}", care.post).content.decode()
    assert "Moussa Diop" in page
    assert 'role="alert"' in page


def test_a_typed_number_in_the_waiting_period_says_until_when(client, clerk, care):
    client.force_login(clerk)
    page = check(client, care.moussa.member_number, care.post, "2025-02-01").content.decode()
    assert "verdict not-covered" in page
    assert "09/02/2025" in page  # as the page writes dates, not ISO


def test_an_unknown_number_is_said_so(client, clerk, care):
    client.force_login(clerk)
    page = check(client, "M1-999999-Z", care.post).content.decode()
    assert "M1-999999-Z" in page and "verdict" not in page


def claim_post(member, provider, reference="F-100", lines=(("CS-PS", 1, 1000),), **extra):
    data = {
        "member_number": member.member_number,
        "provider": provider.pk,
        "provider_reference": reference,
        "service_from": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "service_to": "",
        "visit_type": "normal",
        "diagnosis": "",
        "letter_number": "",
        "lines-TOTAL_FORMS": "6",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        **extra,
    }
    for index, (code, quantity, price) in enumerate(lines):
        data[f"lines-{index}-item_code"] = code
        data[f"lines-{index}-quantity"] = str(quantity)
        data[f"lines-{index}-unit_price"] = str(price)
    return data


def test_a_clerk_enters_a_claim_and_sees_its_decision(client, clerk, care):
    client.force_login(clerk)
    response = client.post("/claims/new/", claim_post(care.moussa, care.post))
    assert response.status_code == 302
    claim = Claim.objects.get(provider_reference="F-100")
    assert response.url == f"/claims/{claim.pk}/"
    assert claim.submitted_by == clerk
    page = client.get(response.url).content.decode()
    assert "F-100" in page and "CS-PS" in page
    # the message names the amount with its currency: 80 % of 1,000
    assert "la mutuelle paie 800\u00a0FCFA." in page.replace("&nbsp;", "\u00a0")


def test_a_bad_line_is_shown_on_its_line_and_nothing_is_saved(client, clerk, care):
    client.force_login(clerk)
    response = client.post(
        "/claims/new/",
        claim_post(care.moussa, care.post, lines=(("CS-PS", 1, 1000), ("PARA500", 0, 25))),
    )
    assert response.status_code == 200
    assert "quantity" in response.content.decode()
    assert not Claim.objects.exists()


def test_an_unknown_member_is_refused_on_its_field(client, clerk, care):
    client.force_login(clerk)
    data = claim_post(care.moussa, care.post)
    data["member_number"] = "M1-000999-Q"
    response = client.post("/claims/new/", data)
    assert response.status_code == 200
    assert "M1-000999-Q" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_clerk_sees_only_the_claims_of_their_provider(client, clerk, care, cast):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    client.post("/claims/new/", claim_post(care.moussa, care.post, reference="AT-POST"))
    # Awa treated at Pakour: its own clerk bills (portability; M1's manager may not, issue 11)
    pakour_clerk = user_create(
        by=None,
        username="pakour-clerk",
        organisation=cast[Role.CASHIER].organisation,
        roles=[Role.PROVIDER_CLERK],
    )
    care.pakour.staff.add(pakour_clerk)
    client.force_login(pakour_clerk)
    client.post("/claims/new/", claim_post(care.awa, care.pakour, reference="AT-PAKOUR"))
    assert Claim.objects.count() == 2
    client.force_login(clerk)
    page = client.get("/claims/").content.decode()
    assert ">AT-POST</a>" in page and ">AT-PAKOUR</a>" not in page
    other = Claim.objects.get(provider_reference="AT-PAKOUR")
    assert client.get(f"/claims/{other.pk}/").status_code == 404


def test_the_medical_advisor_adjusts_a_line_and_the_decision_is_audited(client, cast, care, clerk):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    client.post(
        "/claims/new/",
        claim_post(care.moussa, care.post, lines=(("CS-PS", 1, 1000), ("PARA500", 10, 25))),
    )
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.IN_REVIEW
    consultation, medicine = claim.lines.order_by("position")
    advisor = cast[Role.MEDICAL_ADVISOR]
    client.force_login(advisor)
    assert "F-100" in client.get("/claims/review/").content.decode()
    decision = {
        f"line_{consultation.pk}-outcome": "approved",
        f"line_{consultation.pk}-mutual_share": "800",
        f"line_{medicine.pk}-outcome": "adjusted",
        f"line_{medicine.pk}-mutual_share": "100",
        f"line_{medicine.pk}-reason": "not_justified",
        f"line_{medicine.pk}-comment": "",
    }
    response = client.post(f"/claims/{claim.pk}/review/", decision)
    assert response.status_code == 200  # an adjustment needs a comment
    _line, form = response.context["rows"][1]
    assert list(form.errors) == ["comment"]
    decision[f"line_{medicine.pk}-comment"] = "Cinq comprimés suffisent."
    response = client.post(f"/claims/{claim.pk}/review/", decision)
    assert response.status_code == 302
    claim.refresh_from_db()
    medicine.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED and claim.reviewed_by == advisor
    # not medically justified: what the mutual no longer pays is the provider's loss
    parts = (medicine.mutual_share, medicine.member_share, medicine.provider_loss, medicine.copay)
    assert (medicine.outcome, *parts) == (Outcome.ADJUSTED, 100, 50, 100, 50)
    assert claim.mutual_share == 900
    assert claim.asked == claim.mutual_share + claim.member_share + claim.provider_loss
    assert [e.actor for e in audit_trail(medicine)] == [advisor]
    assert audit_trail(claim).filter(actor=advisor).exists()
    # the provider's clerk reads the outcome and the advisor's comment; the manager, the
    # outcome only (issue 10: the comment is medical)
    client.force_login(clerk)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Cinq comprimés suffisent." in page
    client.force_login(cast[Role.MUTUAL_MANAGER])
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Cinq comprimés suffisent." not in page and medicine.get_outcome_display() in page


def test_the_medical_advisor_approves_the_claims_ticked_as_adjudicated(client, cast, care):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    for days_ago, reference in ((3, "F-1"), (10, "F-2"), (20, "F-3")):
        lines = (("CS-PS", 1, 1000), ("PARA500", 40, 25))  # 40 tablets: 30 at most
        day = (TODAY - datetime.timedelta(days=days_ago)).isoformat()
        post = claim_post(care.moussa, care.post, reference, lines, service_from=day)
        assert client.post("/claims/new/", post).status_code == 302
    first, second, third = Claim.objects.order_by("provider_reference")
    adjudicated = [(line.outcome, line.mutual_share) for line in first.lines.order_by("position")]
    advisor = cast[Role.MEDICAL_ADVISOR]
    client.force_login(advisor)
    page = client.get("/claims/review/").content.decode()
    assert all(f">{reference}</a>" in page for reference in ("F-1", "F-2", "F-3"))
    assert "Moussa Diop" in page  # people by name, their number beside
    # nothing ticked: nothing approved
    response = client.post("/claims/review/", {})
    assert response.status_code == 200 and response.context["form"].errors
    # two ticked: both decided, as adjudication decided every line, and audited
    response = client.post("/claims/review/", {"claims": [first.pk, second.pk]})
    assert response.status_code == 302
    for claim in (first, second, third):
        claim.refresh_from_db()
    assert first.status == second.status == ClaimStatus.DECIDED
    assert third.status == ClaimStatus.IN_REVIEW
    assert first.reviewed_by == advisor
    assert [(line.outcome, line.mutual_share) for line in first.lines.order_by("position")] == (
        adjudicated
    )
    assert adjudicated[1][0] == Outcome.ADJUSTED
    assert audit_trail(first).filter(actor=advisor).exists()
    page = client.get("/claims/review/").content.decode()
    assert ">F-3</a>" in page and ">F-1</a>" not in page
    # a claim decided meanwhile (in another tab): the third is not approved either
    response = client.post("/claims/review/", {"claims": [first.pk, third.pk]})
    assert response.status_code == 200 and response.context["form"].errors
    third.refresh_from_db()
    assert third.status == ClaimStatus.IN_REVIEW


def test_an_advisor_cannot_pay_more_than_adjudication_allowed(client, cast, care):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    client.post("/claims/new/", claim_post(care.moussa, care.post))
    claim = Claim.objects.get()
    (line,) = claim.lines.all()
    client.force_login(cast[Role.MEDICAL_ADVISOR])
    response = client.post(
        f"/claims/{claim.pk}/review/",
        {
            f"line_{line.pk}-outcome": "adjusted",
            f"line_{line.pk}-mutual_share": "5000",
            f"line_{line.pk}-reason": "medical_advisor",
            f"line_{line.pk}-comment": "…",
        },
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW and claim.mutual_share == 800


def letter_post(care, **changes) -> dict:
    """The form of a guarantee letter for Awa's delivery at the Joal post in June 2025."""
    return {
        "member_number": care.awa.member_number,
        "provider": care.post.pk,
        "service_category": "childbirth",
        "valid_from": "2025-06-01",
        "valid_until": "2025-06-30",
        "cap": "25000",
        "reason": "Accouchement",
        **changes,
    }


def test_a_manager_issues_and_cancels_a_guarantee_letter(client, cast, care):
    manager = cast[Role.MUTUAL_MANAGER]
    client.force_login(manager)
    response = client.post(
        "/letters/new/",
        letter_post(care),
    )
    assert response.status_code == 302
    letter = GuaranteeLetter.objects.get()
    assert (letter.number, letter.mutual, letter.issued_by) == (1, care.awa.mutual, manager)
    printed = extract_text(letter_pdf(letter, compress=False))
    assert "Awa Diop" in printed and care.awa.member_number in printed
    assert "25" in printed and "Poste de santé de Joal" in printed
    response = client.get(f"/letters/{letter.pk}/letter.pdf")
    assert response["Content-Type"] == "application/pdf"
    response = client.post(f"/letters/{letter.pk}/cancel/", {"on": "2025-06-10"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.cancelled_on == datetime.date(2025, 6, 10)
    assert client.post(f"/letters/{letter.pk}/cancel/", {"on": "2025-06-11"}).status_code == 200


def test_a_letter_that_ends_before_it_begins_is_refused(client, cast, care):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    response = client.post(
        "/letters/new/",
        letter_post(care, valid_from="2025-06-30", valid_until="2025-06-01"),
    )
    assert response.status_code == 200
    assert not GuaranteeLetter.objects.exists()


def test_a_clerk_treats_a_member_of_a_mutual_of_another_department(
    client, clerk, care, federation, cmu_package, cast
):
    visitor = household_enrol(
        by=None,
        mutual=federation.m2,
        package=cmu_package,
        enrolled_on=datetime.date(2024, 1, 2),
        head=person("Samba", "Baldé", "M", "1979-05-05"),
    )
    for amount, day in ((4500, datetime.date(2024, 1, 2)), (3500 * (TODAY.year - 2024), TODAY)):
        payment_record(by=None, household=visitor, amount=amount, method="cash", received_on=day)
    samba = visitor.beneficiaries.get()
    client.force_login(clerk)
    page = check(client, card_payload(samba.member_number), care.post).content.decode()
    assert "Samba Baldé" in page and "verdict covered" in page
    response = client.post("/claims/new/", claim_post(samba, care.post, reference="PORT-1"))
    assert response.status_code == 302
    claim = Claim.objects.get(provider_reference="PORT-1")
    assert (claim.mutual, claim.payer) == (federation.m2, federation.m1)
    assert client.get(f"/claims/{claim.pk}/").status_code == 200
    # the register stays closed to the clerk, and M1's manager does not see M2's claims
    assert client.get(f"/households/{visitor.pk}/").status_code in (403, 404)
    client.force_login(cast[Role.MUTUAL_MANAGER])
    assert client.get(f"/claims/{claim.pk}/").status_code == 404


def test_the_claim_shows_what_the_mutual_pays_what_the_member_owes_and_what_is_not_billable(
    client, clerk, care
):
    client.force_login(clerk)
    lines = (("CS-PS", 1, 1000), ("PARA500", 10, 30))
    response = client.post("/claims/new/", claim_post(care.moussa, care.post, lines=lines))
    page = client.get(response.url).content.decode()
    assert "à la charge de l’adhérent" in page and "non facturable par le prestataire" in page
    # the tablets: 200 paid, 50 owed by the member (all co-payment), 50 above the tariff
    cells = "".join(f'<td class="amount">{amount}\u00a0FCFA</td>' for amount in (200, 50, 50))
    assert cells in page
    listing = client.get("/claims/").content.decode()
    assert "à la charge de l’adhérent" in listing


def test_a_letter_past_its_last_day_is_shown_as_expired(client, cast, care):
    manager = cast[Role.MUTUAL_MANAGER]
    client.force_login(manager)
    today = timezone.localdate()
    for start, until in ((-30, -1), (-1, 30)):
        client.post(
            "/letters/new/",
            letter_post(
                care,
                valid_from=(today + datetime.timedelta(days=start)).isoformat(),
                valid_until=(today + datetime.timedelta(days=until)).isoformat(),
            ),
        )
    expired, valid = GuaranteeLetter.objects.order_by("valid_from")
    assert "expirée" in client.get(f"/letters/{expired.pk}/").content.decode()
    assert "valable" in client.get(f"/letters/{valid.pk}/").content.decode()
    listing = client.get("/letters/").content.decode()
    assert "<td>expirée</td>" in listing and "<td>valable</td>" in listing


# Dates, amounts and text no one should type: each refused on its field with its rule, nothing
# saved, never a server error.
FAR_DATES = ["0001-01-01", "1000-06-15", "9999-12-31"]


@pytest.mark.parametrize("on", FAR_DATES)
def test_an_eligibility_check_on_a_far_date_says_which_dates_are_taken(client, clerk, care, on):
    client.force_login(clerk)
    response = check(client, care.moussa.member_number, care.post, on=on)
    assert response.status_code == 200
    assert response.context["form"].errors["on"]
    assert str(TODAY.year - 200) in response.context["form"].errors["on"][0]


@pytest.mark.parametrize("on", [*FAR_DATES, "future"])
def test_a_claim_for_care_on_a_far_or_future_date_is_refused_on_its_field(client, clerk, care, on):
    client.force_login(clerk)
    if on == "future":
        on = (TODAY + datetime.timedelta(days=2)).isoformat()
    data = claim_post(care.moussa, care.post)
    data["service_from"] = on
    response = client.post("/claims/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["service_from"]
    assert not Claim.objects.exists()


def test_a_claim_line_of_an_impossible_amount_is_refused_on_its_line(client, clerk, care):
    client.force_login(clerk)
    data = claim_post(care.moussa, care.post)
    data["lines-0-unit_price"] = str(10**19)
    data["lines-0-quantity"] = str(10**12)
    response = client.post("/claims/new/", data)
    assert response.status_code == 200
    line = response.context["formset"].forms[0].errors
    assert line["unit_price"] and line["quantity"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed"),
    [("cap", str(10**19)), ("reason", "Accouchement\x07"), ("valid_from", "0001-06-01")],
)
def test_a_guarantee_letter_no_one_could_issue_is_refused_on_its_field(
    client, cast, care, field, typed
):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    response = client.post("/letters/new/", letter_post(care, **{field: typed}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not GuaranteeLetter.objects.exists()
