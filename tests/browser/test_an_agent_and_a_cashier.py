"""The register on a phone-sized screen: an agent enrols a household, a cashier finds it by a
part of a name and records its payment, and the household is covered after its waiting period."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from mutualis.contributions.models import Payment
from mutualis.federation.services import user_create
from mutualis.membership.models import Household

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def sign_in(page, username):
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("Mot-de-passe-2026")
    page.get_by_role("button", name="Se connecter").click()


def test_an_agent_enrols_and_a_cashier_collects_on_a_phone(
    browser, live_server, federation, cmu_package
):
    user_create(
        by=None,
        username="khady",
        organisation=federation.m1,
        roles=["enrolment_agent"],
        password="Mot-de-passe-2026",
    )
    user_create(
        by=None,
        username="modou",
        organisation=federation.m1,
        roles=["cashier"],
        password="Mot-de-passe-2026",
    )
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # the agent enrols Aïssatou Ndiaye and her son
    sign_in(page, "khady")
    page.goto("/households/new/")
    page.get_by_label("Paquet de prestations").select_option(str(cmu_package.pk))
    page.locator("#id_enrolled_on").fill("2025-01-10")
    page.locator("#id_head-last_name").fill("Ndiaye")
    page.locator("#id_head-first_name").fill("Aïssatou")
    page.locator("#id_head-sex").select_option("F")
    page.locator("#id_head-birth_date").fill("1988-04-12")
    page.locator("#id_dependents-0-relationship").select_option("child")
    page.locator("#id_dependents-0-last_name").fill("Ndiaye")
    page.locator("#id_dependents-0-first_name").fill("Moustapha")
    page.locator("#id_dependents-0-sex").select_option("M")
    page.locator("#id_dependents-0-birth_date").fill("2015-02-01")
    page.get_by_role("button", name="Inscrire").click()
    household = Household.objects.get()
    # the household is named by its head and number (new words, translated after the merge)
    with translation.override("fr"):
        name = str(household)
    expect(page.locator(".messages")).to_contain_text(name)
    assert household.beneficiaries.count() == 2
    context.clear_cookies()

    # the cashier finds the household by a part of the name, typed without the accent
    sign_in(page, "modou")
    page.goto("/register/")
    page.get_by_role("searchbox").fill("aiss ndi")
    result = page.get_by_role("link", name=name)
    expect(result).to_be_visible()
    result.click()
    page.get_by_role("link", name="Enregistrer un paiement").click()
    page.locator("#id_amount").fill("8000")
    # the date received is today's, as the form proposes: a cashier does not back-date
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_contain_text("Reçu")
    payment = Payment.objects.get()
    assert payment.amount == 8000
    assert sum(a.amount for a in payment.allocations.all()) == 8000
    context.close()
