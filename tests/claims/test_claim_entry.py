"""The clerk's claim form without JavaScript: codes checked against the provider's price list,
the tariff filling an empty price, lines added and removed by plain posts; and the completion
of codes, limited to the clerk's provider."""

import datetime

import pytest

from mutualis.claims.models import Claim
from mutualis.federation.rules import Role
from mutualis.providers.models import Tariff
from tests.claims.test_pages import (  # noqa: F401  (fixtures)
    TODAY,
    claim_post,
    everything_reviewed,
    paid_up_to_this_year,
)


@pytest.fixture
def clerk(cast, care):
    user = cast[Role.PROVIDER_CLERK]
    care.post.staff.add(user)
    return user


def test_an_unknown_code_is_refused_on_its_lines_code_field_and_nothing_is_saved(
    client, clerk, care
):
    client.force_login(clerk)
    lines = (("CS-PS", 1, 1000), ("XX-999", 1, 500))
    response = client.post("/claims/new/", claim_post(care.moussa, care.post, lines=lines))
    assert response.status_code == 200
    first, second = response.context["formset"].forms[:2]
    assert first.errors == {}
    assert list(second.errors) == ["item_code"]
    assert (
        "«\u00a0XX-999\u00a0» n’est pas dans la liste des tarifs" in second.errors["item_code"][0]
    )
    assert not Claim.objects.exists()


def test_a_code_priced_by_another_providers_agreement_only_is_unknown_here(client, clerk, care):
    Tariff.objects.create(
        version=care.agreements["PS-PAKOUR"].versions.get(), item=care.delivery, price=5000
    )
    client.force_login(clerk)
    lines = (("ACC-SIMP", 1, 5000),)
    response = client.post("/claims/new/", claim_post(care.moussa, care.post, lines=lines))
    assert list(response.context["formset"].forms[0].errors) == ["item_code"]
    assert not Claim.objects.exists()


def test_an_empty_price_is_the_agreed_tariff_and_an_empty_quantity_is_one(client, clerk, care):
    client.force_login(clerk)
    lines = (("cs-ps", "", ""), ("PARA500", 10, ""))
    response = client.post("/claims/new/", claim_post(care.moussa, care.post, lines=lines))
    assert response.status_code == 302
    claim = Claim.objects.get()
    saved = [(line.item_code, line.quantity, line.unit_price) for line in claim.lines.all()]
    assert sorted(saved) == [("CS-PS", 1, 1000), ("PARA500", 10, 25)]


def test_a_form_sent_back_shows_the_tariff_it_filled_in(client, clerk, care):
    client.force_login(clerk)
    lines = (("PARA500", 2, ""),)
    data = claim_post(care.moussa, care.post, lines=lines, provider_reference="")
    response = client.post("/claims/new/", data)
    assert response.status_code == 200  # the invoice number is missing
    page = response.content.decode()
    assert 'name="lines-0-unit_price" value="25"' in page
    assert response.context["total"] == 50


def test_add_a_line_brings_the_form_back_as_typed_with_one_more_line(client, clerk, care):
    client.force_login(clerk)
    lines = (("CS-PS", 1, ""), ("PARA500", 4, 25), ("XX-1", 1, 1))
    data = claim_post(care.moussa, care.post, lines=lines, add_line="1")
    data["lines-TOTAL_FORMS"] = "3"
    data["lines-1-DELETE"] = "on"  # ticked for removal: it goes
    response = client.post("/claims/new/", data)
    assert response.status_code == 200
    assert not Claim.objects.exists()
    formset = response.context["formset"]
    assert formset.total_form_count() == 3  # two kept, one blank
    kept = [form.data.get(form.add_prefix("item_code")) for form in formset.forms]
    assert kept == ["CS-PS", "XX-1", None]
    assert formset.forms[0].data["lines-0-unit_price"] == "1000"  # the tariff, filled
    assert list(formset.forms[1].errors) == ["item_code"]  # flagged at once
    assert response.context["form"].errors == {}  # the visit is not checked yet
    assert response.context["form"]["provider_reference"].value() == "F-100"
    # the form sent with another line submits as any other
    data = {key: value for key, value in response.context["formset"].data.items()}
    data.update(claim_post(care.moussa, care.post, lines=(("CS-PS", 1, ""),)))
    data["lines-1-DELETE"] = "on"
    data["lines-TOTAL_FORMS"] = "3"
    response = client.post("/claims/new/", data)
    assert response.status_code == 302
    assert [line.item_code for line in Claim.objects.get().lines.all()] == ["CS-PS"]


def test_a_line_ticked_for_removal_is_left_out_of_the_claim(client, clerk, care):
    client.force_login(clerk)
    lines = (("CS-PS", 1, 1000), ("NOT-A-CODE", 1, 10))
    data = claim_post(care.moussa, care.post, lines=lines)
    data["lines-1-DELETE"] = "on"
    response = client.post("/claims/new/", data)
    assert response.status_code == 302
    assert Claim.objects.get().lines.count() == 1


def items(client, provider, **query):
    return client.get("/claims/new/items/", {"provider": provider.pk, **query})


def test_the_completion_offers_the_codes_of_the_clerks_provider_with_their_tariffs(
    client, clerk, care
):
    client.force_login(clerk)
    answer = items(client, care.post, q="para", on=TODAY.isoformat()).json()
    assert [(i["code"], i["label"], i["price"]) for i in answer["items"]] == [
        ("PARA500", "Paracétamol 500 mg", 25)
    ]
    assert answer["items"][0]["price_text"] == "25\u00a0FCFA"
    assert [i["code"] for i in items(client, care.post, q="cons").json()["items"]] == ["CS-PS"]
    assert items(client, care.post, code="cs-ps").json()["items"][0]["price"] == 1000
    assert items(client, care.post, code="CS").json()["items"] == []  # exactly, for the flag


def test_the_completion_omits_what_the_clerks_provider_did_not_agree_to(client, clerk, care):
    Tariff.objects.create(
        version=care.agreements["PS-PAKOUR"].versions.get(), item=care.delivery, price=5000
    )
    client.force_login(clerk)
    assert items(client, care.post, q="ACC").json()["items"] == []
    assert items(client, care.post, code="ACC-SIMP").json()["items"] == []
    # another provider's list is not the clerk's to read
    assert items(client, care.pakour, q="ACC").status_code == 404


def test_the_completion_offers_nothing_before_the_agreement_starts(client, clerk, care):
    client.force_login(clerk)
    before = datetime.date(2024, 12, 31).isoformat()
    assert items(client, care.post, q="CS", on=before).json()["items"] == []
