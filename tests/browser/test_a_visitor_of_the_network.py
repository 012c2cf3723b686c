"""Issue 16's visitor, in headless Chromium on a phone-sized screen: from the public home, they
find a mutual in the directory, read the country's synthesis for a year, download the open data
and its citation, find in the library a word written only inside a PDF, and subscribe to the
flash news, whose next item reaches them in the file e-mail backend. A focal point has validated
the record the mutual's manager filled in beforehand."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation
from playwright.sync_api import expect

from mutualis.federation.rules import Role
from mutualis.inventory.services import (
    entry_create,
    focal_point_designate,
    record_save,
    record_validate,
)
from mutualis.portal.services import NewsDetails, document_publish, news_create
from tests.inventory.conftest import SENEGAL, YEAR
from tests.portal.conftest import details, pdf

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# a word of the PDF's text only: neither its title nor its summary holds it
INSIDE_THE_PDF = "tontines"


@pytest.fixture
def network(federation, cast):
    """Joal's record of 2025, filled in by its manager and validated by Senegal's focal point,
    and a study whose PDF speaks of tontines."""
    manager, focal_point = cast[Role.MUTUAL_MANAGER], cast[Role.UNION_OFFICER]
    focal_point_designate(by=None, user=focal_point, country="SN")
    joal = entry_create(
        by=None, steward=federation.m1, identity=SENEGAL, organisation=federation.m1
    )
    record_validate(
        by=focal_point, record=record_save(by=manager, entry=joal, year=2025, facts=YEAR)
    )
    editor = cast[Role.PORTAL_EDITOR]
    document_publish(
        by=editor,
        owner=editor.organisation,
        details=details("Financer la santé au village", summary="Une étude de cas à Thiès."),
        upload=pdf(
            "Financer la santé au village",
            f"Les {INSIDE_THE_PDF} des femmes du marché paient les cotisations de leur famille.",
        ),
    )
    return editor


def test_a_visitor_finds_reads_downloads_searches_and_subscribes(
    browser, live_server, network, tmp_path
):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # the public home, in French first; the visitor reads English
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("réseau")
    page.get_by_role("button", name="EN").click()
    site = page.get_by_role("navigation", name="The public site")
    expect(site.get_by_role("link", name="Find a mutual")).to_be_visible()

    # a mutual in the directory, and its page
    site.get_by_role("link", name="Find a mutual").click()
    page.get_by_label("name, place or network").fill("Joal")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Mutuelle de santé de Joal").click()
    expect(page.locator("h1")).to_have_text("Mutuelle de santé de Joal")

    # the country's synthesis for a year
    page.goto("/")
    site.get_by_role("link", name="Inventory by country").click()
    page.get_by_label("country", exact=True).select_option("SN")
    page.get_by_label("year", exact=True).select_option("2025")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text("540")  # Joal's beneficiaries

    # the open data, with the citation to give
    page.goto("/")
    site.get_by_role("link", name="Open data").click()
    expect(page.locator("blockquote.citation")).to_contain_text("Mutualis")
    with page.expect_download() as downloading:
        page.get_by_label("country", exact=True).select_option("SN")
        page.get_by_role("button", name="CSV").click()
    rows = list(csv.reader(io.StringIO(downloading.value.path().read_text("utf-8-sig"))))
    assert any("Mutuelle de santé de Joal" in row for row in rows)

    # the library finds the word written only inside the PDF
    page.goto("/")
    site.get_by_role("link", name="Library").click()
    page.get_by_label("Words to look for").fill(INSIDE_THE_PDF)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Financer la santé au village")).to_be_visible()

    # subscribe to the flash news; the confirmation and the next item arrive as files
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    ):
        page.goto("/")
        site.get_by_role("link", name="Flash news").click()
        page.get_by_role("link", name="Receive them by e-mail").click()
        page.get_by_role("textbox", name="E-mail address").fill("kofi@example.net")
        page.get_by_role("button", name="Subscribe").click()
        expect(page.locator("main")).to_contain_text("kofi@example.net")
        call_command("work", "--once")
        written = "".join(path.read_text(errors="replace") for path in tmp_path.iterdir())
        confirm = re.search(r"https?://\S+(/network/newsletter/confirm/\S+/)", written).group(1)
        page.goto(confirm)
        page.get_by_role("button", name="Confirm").click()
        with translation.override("fr"):
            news_create(
                by=network,
                owner=network.organisation,
                details=NewsDetails(
                    title="Atelier régional à Thiès", body="Du 3 au 5 mars.", language="fr"
                ),
            )
        call_command("work", "--once")
        written = "".join(path.read_text(errors="replace") for path in tmp_path.iterdir())
    assert "Atelier régional à Thiès" in written
    assert "To: kofi@example.net" in written
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in written
    context.close()
