"""The site driven in headless Chromium, as a person would: sign in, switch the language, open
the federation tree, create an organisation."""

import re

import pytest
from playwright.sync_api import expect

from mutualis.federation.models import Organisation
from mutualis.federation.services import user_create

pytestmark = pytest.mark.browser


def test_an_officer_signs_in_switches_language_browses_the_tree_and_creates_a_mutual(
    page, federation
):
    user_create(
        by=None,
        username="aminata",
        organisation=federation.r1,
        roles=["union_officer"],
        password="Aminata-Diallo-2026",
        first_name="Aminata",
    )

    # sign in: the site speaks French first, whatever the browser's language
    page.goto("/login/")
    expect(page.locator("h1")).to_have_text("Se connecter")
    page.locator("#id_username").fill("aminata")
    page.locator("#id_password").fill("Aminata-Diallo-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1")).to_contain_text("Bienvenue, Aminata")

    # switch to English, and the choice sticks
    page.get_by_role("button", name="EN").click()
    expect(page.locator("h1")).to_contain_text("Welcome, Aminata")
    page.reload()
    expect(page.locator("h1")).to_contain_text("Welcome, Aminata")

    # open the federation tree and a union's members, loaded with htmx
    menu = page.get_by_role("navigation", name="Main menu")
    menu.locator("summary", has_text="Federation").click()  # the group's drop-down
    menu.get_by_role("link", name="Federation", exact=True).click()
    expect(page.locator("h1")).to_have_text("Federation")
    branch = page.locator("li", has_text="Union départementale de Mbour").first
    branch.get_by_role("button", name="show members").click()
    expect(page.get_by_role("link", name="Mutuelle de santé de Joal")).to_be_visible()

    # create a mutual under the departmental union
    page.get_by_role("link", name="Union départementale de Mbour").click()
    page.get_by_role("link", name="Add a member organisation").click()
    expect(page.get_by_label("Kind")).to_have_value("mutual")
    page.get_by_label("Code").fill("M5")
    page.get_by_label("Name").fill("Mutuelle de santé de Sindia")
    page.get_by_label("Type of mutual").select_option("community")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("h1")).to_contain_text("Mutuelle de santé de Sindia")
    expect(page.locator(".messages")).to_contain_text("created")
    mutual = Organisation.objects.get(code="M5")
    assert mutual.parent == federation.d1
    assert re.search(rf"/organisations/{mutual.pk}/$", page.url)


def test_a_form_with_a_mistake_keeps_what_was_typed(page, federation):
    user_create(
        by=None,
        username="aminata",
        organisation=federation.r1,
        roles=["union_officer"],
        password="Aminata-Diallo-2026",
    )
    page.goto("/login/")
    page.locator("#id_username").fill("aminata")
    page.locator("#id_password").fill("Aminata-Diallo-2026")
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"/organisations/new/?parent={federation.d1.pk}")
    page.get_by_label("Code").fill("M1")
    page.get_by_label("Nom").fill("Mutuelle en double")
    page.get_by_label("Type de mutuelle").select_option("community")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.locator(".field.invalid .error")).to_contain_text("M1")
    expect(page.get_by_label("Nom")).to_have_value("Mutuelle en double")
    assert not Organisation.objects.filter(name="Mutuelle en double").exists()


def test_on_a_phone_a_checkbox_stands_before_its_label_on_its_line(
    browser, live_server, federation, cmu_package
):
    user_create(
        by=None,
        username="ousmane",
        organisation=federation.national,
        roles=["union_officer"],
        password="Ousmane-Sarr-2026",
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/login/")
    page.locator("#id_username").fill("ousmane")
    page.locator("#id_password").fill("Ousmane-Sarr-2026")
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"/packages/{cmu_package.pk}/versions/new/")
    fields = page.locator(".field.checkbox")
    assert fields.count() >= 2
    for index in range(fields.count()):
        box = fields.nth(index).locator("input").bounding_box()
        label = fields.nth(index).locator("label").bounding_box()
        assert label["x"] >= box["x"] + box["width"]  # beside it, not under it
        assert label["y"] < box["y"] + box["height"]
        assert not fields.nth(index).locator("label").inner_text().endswith(":")
    context.close()
