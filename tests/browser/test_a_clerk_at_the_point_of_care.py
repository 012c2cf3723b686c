"""The point of care on a phone-sized screen: a clerk scans a member's card, sees the member
covered, enters the claim of the visit; the medical advisor reviews it on a laptop."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mutualis.claims.choices import ClaimStatus
from mutualis.claims.models import Claim, ReviewPolicy
from mutualis.contributions.services import payment_record
from mutualis.core.signing import card_payload
from mutualis.federation.services import user_create
from tests.claims.conftest import care  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "Mot-de-passe-2026"


def sign_in(page, username):
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


# The inputs of a form table whose middle does not lie under its column's header.
MISPLACED_INPUTS = """table => {
  const heads = [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect());
  const wrong = [];
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, column) => {
      const input = cell.querySelector('input, select, textarea');
      if (!input || !heads[column]) return;
      const box = input.getBoundingClientRect();
      const middle = box.left + box.width / 2;
      if (middle < heads[column].left || middle > heads[column].right) wrong.push(input.name);
    });
  }
  return wrong;
}"""


def misplaced_inputs(page) -> list[str]:
    return page.locator("main form table").first.evaluate(MISPLACED_INPUTS)


@pytest.fixture
def point_of_care(federation, family, care):  # noqa: F811
    """Moussa's household paid up to this year; Binta, the clerk of the health post; Dr Faye, the
    advisor of the department; every claim sampled for review."""
    today = timezone.localdate()
    if today.year > 2025:  # the care fixture pays 2025; pay up to this year
        payment_record(
            by=None,
            household=family,
            amount=14000 * (today.year - 2025),
            method="cash",
            received_on=today,
        )
    ReviewPolicy.objects.create(owner=federation.national, sample_bp=10_000)
    clerk = user_create(
        by=None,
        username="binta",
        organisation=federation.m1,
        roles=["provider_clerk"],
        password=PASSWORD,
    )
    care.post.staff.add(clerk)
    user_create(
        by=None,
        username="dr-faye",
        organisation=federation.d1,
        roles=["medical_advisor"],
        password=PASSWORD,
    )


@pytest.mark.usefixtures("point_of_care")
def test_a_clerk_checks_a_card_and_enters_the_claim_then_the_advisor_reviews_it(
    browser,
    live_server,
    federation,
    family,
    care,  # noqa: F811
):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # the reader types the card's text into the focused field and presses Enter
    sign_in(page, "binta")
    page.goto("/eligibility/")
    page.locator("#id_card").fill(card_payload(care.moussa.member_number))
    page.locator("#id_card").press("Enter")
    expect(page.locator(".verdict.covered")).to_be_visible()
    expect(page.locator(".eligibility h2")).to_contain_text("Moussa Diop")

    page.locator(".actions a.button").click()
    expect(page.locator("#id_member_number")).to_have_value(care.moussa.member_number)
    assert misplaced_inputs(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#id_provider_reference").fill("PS-2026-0007")
    page.locator("#id_lines-0-item_code").fill("cs-ps")
    page.locator("#id_lines-0-quantity").fill("1")
    page.locator("#id_lines-0-unit_price").fill("1000")
    page.locator("#id_lines-1-item_code").fill("PARA500")
    page.locator("#id_lines-1-quantity").fill("10")
    page.locator("#id_lines-1-unit_price").fill("25")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text("PS-2026-0007")
    claim = Claim.objects.get()
    assert claim.lines.count() == 2
    assert claim.status == ClaimStatus.IN_REVIEW
    context.close()

    # the advisor approves it from the review queue
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "dr-faye")
    page.goto(f"/claims/{claim.pk}/review/")
    assert misplaced_inputs(page) == []
    page.goto("/claims/review/")
    page.locator(f"input[name=claims][value='{claim.pk}']").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".messages")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED
    assert claim.mutual_share == 1000
    context.close()
