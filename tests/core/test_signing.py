import re

import pytest
import segno
from hypothesis import given
from hypothesis import strategies as st

from mutualis.core.signing import CardReading, card_payload, read_card

NUMBER = "M1-000001-A"


def test_a_card_payload_reads_back_as_valid():
    payload = card_payload(NUMBER)
    assert re.fullmatch(r"MUTUALIS1:M1-000001-A:[A-Z2-7]{26}", payload)
    assert read_card(payload) == CardReading(NUMBER, True, None)


def test_the_payload_fits_a_small_qr_code_in_alphanumeric_mode():
    qr = segno.make(card_payload("MS0001-000123-K"), error="m", micro=False)
    assert qr.mode == "alphanumeric"
    assert qr.version <= 3


def test_a_scanner_s_trailing_newline_and_lower_case_signature_are_forgiven():
    prefix, number, signature = card_payload(NUMBER).split(":")
    assert read_card(f"{prefix}:{number}:{signature.lower()}\r\n").valid


def test_a_card_with_another_member_number_is_forged():
    signature = card_payload(NUMBER).rsplit(":", 1)[1]
    reading = read_card(f"MUTUALIS1:M1-000002-8:{signature}")
    assert reading == CardReading("M1-000002-8", False, "forged")


def test_a_card_with_a_changed_signature_is_forged():
    payload = card_payload(NUMBER)
    last = payload[-1]
    changed = payload[:-1] + ("A" if last != "A" else "B")
    assert read_card(changed) == CardReading(NUMBER, False, "forged")
    assert read_card(payload[:-3]).problem == "forged"


@pytest.mark.parametrize("payload", ["MUTUALIS1:M1-000001-A", "MUTUALIS1:M1-000001-A:"])
def test_a_card_without_signature_is_unsigned(payload):
    assert read_card(payload) == CardReading(NUMBER, False, "unsigned")


@pytest.mark.parametrize(
    "payload",
    ["", "   ", "garbage", NUMBER, "MUTUALIS1:", "MUTUALIS1::ABC", "MUTUALIS2:M1-000001-A:ABC"],
)
def test_garbage_is_malformed(payload):
    assert read_card(payload) == CardReading(None, False, "malformed")


def test_a_card_signed_with_another_secret_is_forged(settings):
    settings.MUTUALIS_CARD_SECRET = "the secret of another installation"
    elsewhere = card_payload(NUMBER)
    assert read_card(elsewhere).valid
    settings.MUTUALIS_CARD_SECRET = None
    assert read_card(elsewhere).problem == "forged"


def test_without_a_card_secret_the_signature_follows_the_secret_key(settings):
    settings.MUTUALIS_CARD_SECRET = ""
    settings.SECRET_KEY = "one key"
    first = card_payload(NUMBER)
    settings.SECRET_KEY = "another key"
    assert card_payload(NUMBER) != first
    assert read_card(first).problem == "forged"


@pytest.mark.parametrize("number", ["", " M1-000001-A", "M1:000001"])
def test_a_number_that_cannot_be_read_back_is_not_signed(number):
    with pytest.raises(ValueError):
        card_payload(number)


@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters=":"), min_size=1, max_size=40
    ).filter(lambda s: s == s.strip())
)
def test_any_member_number_round_trips(number):
    assert read_card(card_payload(number)) == CardReading(number, True, None)
