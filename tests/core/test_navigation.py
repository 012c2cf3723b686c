"""The main menu groups each user's pages by task, and every page of the menu names its group."""

from django.urls import reverse

from mutualis.core.navigation import Group, MenuItem, menu_for, menu_items
from mutualis.federation.rules import Role


def test_an_item_that_names_no_group_goes_to_the_other_pages():
    assert MenuItem(label="Reports", url_name="home").group == Group.OTHER


def test_every_page_of_the_menu_chose_its_group_and_leads_somewhere():
    for item in menu_items():
        assert item.group != Group.OTHER, item.url_name
        reverse(item.url_name)


def test_a_cashier_sees_the_groups_of_their_pages_in_the_menu_s_order(cast):
    menu = menu_for(cast[Role.CASHIER])
    assert [item.url_name for item in menu.items] == ["home"]
    groups = [group.key for group in menu.groups]
    assert Group.CONTRIBUTIONS in groups
    assert groups == sorted(groups, key=list(Group).index)
    contributions = next(group for group in menu.groups if group.key == Group.CONTRIBUTIONS)
    assert [item.url_name for item in contributions.items] == [
        "payment_list",
        "arrears",
        "cash_report",
        "third_payers",
    ]
    assert all(item.url_name != "user_list" for group in menu.groups for item in group.items)


def test_the_users_page_is_in_the_administrator_s_administration_group(cast):
    menu = menu_for(cast[Role.SYSTEM_ADMIN])
    administration = next(group for group in menu.groups if group.key == Group.ADMINISTRATION)
    assert "user_list" in [item.url_name for item in administration.items]


def test_the_menu_shows_its_groups_and_marks_the_current_page(client, cast):
    client.force_login(cast[Role.CASHIER])
    page = client.get(reverse("cash_report"), headers={"accept-language": "en"}).content.decode()
    assert '<details class="menu">' in page
    assert '<details class="group" name="menu-group">' in page
    assert f'href="{reverse("cash_report")}" aria-current="page"' in page


def test_a_visitor_sees_the_public_pages_and_no_staff_menu(client):
    page = client.get(reverse("login")).content.decode()
    # the public site's pages (docs/public-site.md), and the way to sign in
    assert f'href="{reverse("portal:home")}"' in page and f'href="{reverse("login")}"' in page
    assert 'class="group"' not in page and reverse("organisation_list") not in page
    assert reverse("logout") not in page
