"""A clerk enters a claim of two lines and an advisor reviews it with the keyboard alone: Tab,
typing, the arrow keys and Enter to pick a code from the completion."""

import pytest
from playwright.sync_api import expect

from mutualis.claims.choices import ClaimStatus, Outcome
from mutualis.claims.models import Claim
from tests.browser.test_a_clerk_at_the_point_of_care import (  # noqa: F401  (fixtures)
    PASSWORD,
    misplaced_inputs,
    point_of_care,
)
from tests.claims.conftest import care  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def sign_in_by_keyboard(page, live_server, username):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/login/")
    page.locator("#id_username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name")


@pytest.mark.usefixtures("point_of_care")
def test_a_clerk_enters_and_an_advisor_reviews_a_claim_with_the_keyboard_alone(
    page,
    live_server,
    care,  # noqa: F811
):
    sign_in_by_keyboard(page, live_server, "binta")
    page.goto("/claims/new/")
    page.locator("#id_member_number").focus()
    page.keyboard.type(care.moussa.member_number)
    page.keyboard.press("Tab")  # the provider: the clerk's only one, chosen
    page.keyboard.press("Tab")
    assert focused(page) == "id_provider_reference"
    page.keyboard.type("PS-KEY-1")
    # on to the first line's code, past the dates, the visit type, the diagnosis and the letter
    while focused(page) != "id_lines-0-item_code":
        page.keyboard.press("Tab")

    # first line: a few letters of the label, the arrow to the act, Enter picks it
    page.keyboard.type("consul")
    expect(page.locator("#item-options [role=option]")).to_have_text(
        ["CS-PS Consultation · 1,000 FCFA"]
    )
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_lines-0-item_code")).to_have_attribute(
        "aria-activedescendant", "item-option-0"
    )
    page.keyboard.press("Enter")
    expect(page.locator("#id_lines-0-item_code")).to_have_value("CS-PS")
    expect(page.locator("#id_lines-0-unit_price")).to_have_value("1000")  # the tariff
    assert focused(page) == "id_lines-0-quantity"
    page.keyboard.type("1")

    # Enter asks for the next line, not the claim's submission
    page.keyboard.press("Enter")
    assert focused(page) == "id_lines-1-item_code"
    page.keyboard.type("PARA")
    expect(page.locator("#item-options [role=option]")).to_contain_text(["PARA500"])
    page.keyboard.press("Enter")  # the first of the list
    expect(page.locator("#id_lines-1-unit_price")).to_have_value("25")
    page.keyboard.type("10")
    expect(page.locator("#claim-total")).to_contain_text("1,250")

    # a code the agreement does not price is flagged as soon as the clerk leaves it
    page.keyboard.press("Enter")
    assert focused(page) == "id_lines-2-item_code"  # a new line, added in place
    page.keyboard.type("XYZ-1")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(page.locator(".line-errors.live")).to_have_count(1)
    # then removed: Tab to its cross, Enter
    while not page.evaluate("document.activeElement.classList.contains('remove-line')"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("tr.line")).to_have_count(2)
    expect(page.locator(".line-errors")).to_have_count(0)
    assert misplaced_inputs(page) == []

    # Tab on to the submit button, Enter
    while page.evaluate("document.activeElement.textContent") != "Submit the claim":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("PS-KEY-1")
    claim = Claim.objects.get()
    lines = [(line.item_code, line.quantity, line.unit_price) for line in claim.lines.all()]
    assert sorted(lines) == [("CS-PS", 1, 1000), ("PARA500", 10, 25)]
    assert claim.status == ClaimStatus.IN_REVIEW

    # the advisor: approves the consultation, rejects the tablets with a reason and a comment
    sign_in_by_keyboard(page, live_server, "dr-faye")
    page.goto("/claims/review/")
    link = page.locator(f"a[href='/claims/{claim.pk}/review/']")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/claims/{claim.pk}/review/")
    assert misplaced_inputs(page) == []
    consultation, medicine = claim.lines.order_by("position")
    page.locator(f"#id_line_{consultation.pk}-outcome").focus()  # the first input of the form
    for _field in range(4):  # decision, amount, reason, comment of the consultation
        page.keyboard.press("Tab")
    assert focused(page) == f"id_line_{medicine.pk}-outcome"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # approved → adjusted → rejected
    expect(page.locator(f"#id_line_{medicine.pk}-outcome")).to_have_value("rejected")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the amount, to the reason
    assert focused(page) == f"id_line_{medicine.pk}-reason"
    reason = page.locator(f"#id_line_{medicine.pk}-reason")
    while reason.input_value() != "not_justified":
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Pas de fièvre notée.")
    page.keyboard.press("Enter")  # the form's one submit button
    page.wait_for_url("**/claims/review/")
    expect(page.locator(".messages")).to_contain_text("PS-KEY-1")
    claim.refresh_from_db()
    medicine.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED
    assert (medicine.outcome, medicine.comment) == (Outcome.REJECTED, "Pas de fièvre notée.")
    assert claim.mutual_share == 800
