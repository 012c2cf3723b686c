"""The log-in throttle counts failures by user name and by the client's own address, as the
reverse proxies we trust report it: five for one name lock that name from everywhere, five from
one address lock that address, and the people behind one proxy are not locked by one another."""

import ipaddress

import pytest
from django.test import override_settings

from mutualis.federation.services import user_create

PROXY = "10.0.0.2"
LOCKED = 429


@pytest.fixture
def people(federation):
    for name in ("moussa", "awa", "khady"):
        user_create(
            by=None,
            username=name,
            organisation=federation.m1,
            roles=["cashier"],
            password=f"{name.capitalize()}-Mot-2026",
        )


def sign_in(client, name: str, *, right: bool = True, via: str = PROXY, forwarded: str = ""):
    client.logout()
    password = f"{name.capitalize()}-Mot-2026" if right else "wrong"
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = client.post(
        "/login/", {"username": name, "password": password}, REMOTE_ADDR=via, headers=headers
    )
    return response.status_code


behind_our_proxy = override_settings(MUTUALIS_TRUSTED_PROXIES=[ipaddress.ip_network("10.0.0.0/24")])


@behind_our_proxy
def test_one_persons_failures_behind_the_proxy_lock_neither_the_others_nor_the_proxy(
    client, people
):
    for _attempt in range(5):
        sign_in(client, "moussa", right=False, forwarded="203.0.113.5")
    # someone else behind the same proxy signs in
    assert sign_in(client, "awa", forwarded="203.0.113.6") == 302
    # the failing address is locked, whatever name it tries
    assert sign_in(client, "khady", forwarded="203.0.113.5") == LOCKED


@behind_our_proxy
def test_one_users_failures_lock_that_user_from_every_address(client, people):
    for attempt in range(5):
        sign_in(client, "moussa", right=False, forwarded=f"203.0.113.{attempt + 10}")
    assert sign_in(client, "moussa", forwarded="198.51.100.7") == LOCKED
    assert sign_in(client, "awa", forwarded="198.51.100.7") == 302


@behind_our_proxy
def test_an_address_written_by_the_client_left_of_our_proxys_is_not_believed(client, people):
    # the client prepends a different address each time; the proxy appends the real one
    for attempt in range(5):
        sign_in(
            client,
            ["awa", "khady"][attempt % 2],
            right=False,
            forwarded=f"1.1.1.{attempt}, 203.0.113.5",
        )
    assert sign_in(client, "moussa", forwarded="8.8.8.8, 203.0.113.5") == LOCKED
    assert sign_in(client, "moussa", forwarded="203.0.113.9") == 302


@behind_our_proxy
def test_the_client_is_found_behind_a_chain_of_trusted_proxies(client, people):
    for attempt in range(5):
        sign_in(
            client, ["awa", "khady"][attempt % 2], right=False, forwarded="203.0.113.5, 10.0.0.9"
        )
    assert sign_in(client, "moussa", forwarded="203.0.113.5") == LOCKED
    assert sign_in(client, "moussa", forwarded="203.0.113.6, 10.0.0.9") == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, people):
    # a client that forges the header is counted by the address it connects from
    for attempt in range(5):
        sign_in(
            client,
            ["awa", "khady"][attempt % 2],
            right=False,
            via="192.0.2.1",
            forwarded=f"203.0.113.{attempt}",
        )
    assert sign_in(client, "moussa", via="192.0.2.1", forwarded="203.0.113.99") == LOCKED
    assert sign_in(client, "moussa", via="192.0.2.2") == 302


@behind_our_proxy
def test_a_header_that_is_no_address_counts_on_the_proxy_and_breaks_nothing(client, people):
    assert sign_in(client, "moussa", right=False, forwarded="<script>, nonsense") == 200
    assert sign_in(client, "moussa", forwarded="<script>, nonsense") == 302
