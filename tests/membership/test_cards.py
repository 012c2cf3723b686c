import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from reportlab.pdfbase.pdfmetrics import stringWidth

from mutualis.benefits.queries import package_rules
from mutualis.core.pdf import FONT_BOLD, extract_text, page_count
from mutualis.core.signing import read_card
from mutualis.membership import cards
from mutualis.membership.cards import CARD_WIDTH, PAD, card_name, cards_pdf
from mutualis.membership.models import Beneficiary


@pytest.fixture
def people(family):
    return list(Beneficiary.objects.filter(household=family).order_by("pk"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes(size=(60, 80)):
    out = io.BytesIO()
    Image.new("RGB", size, (180, 110, 60)).save(out, format="PNG")
    return out.getvalue()


def without_dates(pdf: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[[^\]]*\]", b"", pdf)


def test_four_cards_fit_one_a4_sheet(people):
    pdf = cards_pdf(people)
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1


@pytest.mark.parametrize(("count", "pages"), [(10, 1), (11, 2), (12, 2)])
def test_ten_cards_fill_a_sheet_then_a_new_one_starts(people, count, pages):
    many = (people * 3)[:count]
    assert page_count(cards_pdf(many, compress=False)) == pages


def test_a_card_shows_the_mutual_the_person_and_their_numbers(people, family):
    text = extract_text(cards_pdf(people, compress=False))
    assert "Mutuelle de santé de Joal" in text
    assert "Moussa DIOP" in text
    assert "Ibrahima DIOP" in text
    for beneficiary in people:
        assert beneficiary.member_number in text
    assert "02/03/1980" in text  # date of birth, French short format
    with translation.override("fr"):
        assert gettext("Member card").upper() in text
        assert gettext("Valid until") in text


def test_labels_follow_the_language(people):
    text = extract_text(cards_pdf(people, language="en", compress=False))
    assert "MEMBER CARD" in text
    assert "Head of household" in text
    assert "02/03/1980" in text  # day first in English too


def test_a_card_is_valid_until_the_end_of_the_package_s_current_period(people):
    # the CMU package is paid by the year
    text = extract_text(cards_pdf(people, compress=False))
    assert f"31/12/{timezone.localdate().year}" in text


def test_a_given_validity_date_is_printed(people):
    text = extract_text(cards_pdf(people, valid_until=datetime.date(2026, 6, 30), compress=False))
    assert text.count("30/06/2026") == len(people)


def test_the_qr_code_carries_a_signed_member_number(people, monkeypatch):
    payloads = []

    def spy(canvas, payload, x, y):
        payloads.append(payload)

    monkeypatch.setattr(cards, "draw_qr", spy)
    cards_pdf(people)
    readings = [read_card(payload) for payload in payloads]
    assert [r.member_number for r in readings] == [b.member_number for b in people]
    assert all(r.valid for r in readings)


def test_cards_are_the_same_each_time_but_for_the_creation_date(people):
    assert without_dates(cards_pdf(people)) == without_dates(cards_pdf(people))


def test_a_photo_is_printed_on_the_card(people, media):
    moussa = people[0]
    moussa.photo.save("moussa.png", SimpleUploadedFile("moussa.png", png_bytes()), save=True)
    pdf = cards_pdf([moussa], compress=False)
    assert b"/Subtype /Image" in pdf


def test_a_broken_photo_leaves_an_empty_frame(people, media):
    awa = people[1]
    awa.photo.save("awa.png", SimpleUploadedFile("awa.png", b"not a picture"), save=True)
    pdf = cards_pdf([awa], compress=False)
    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" not in pdf
    with translation.override("fr"):
        assert gettext("Photo") in extract_text(pdf)


def test_a_photo_missing_from_the_disk_does_not_stop_the_printing(people, media):
    awa = people[1]
    awa.photo.name = "photos/2025/01/gone.png"
    awa.save()
    assert cards_pdf([awa]).startswith(b"%PDF")


def test_a_long_name_keeps_the_last_name_and_fits_the_card(people):
    fatou = people[2]
    fatou.first_name = "Marie-Madeleine Ndèye Fatou Bintou Coumba"
    fatou.last_name = "Diop-Ndiaye Sarr"
    width = CARD_WIDTH - 2 * PAD
    text, size = card_name(fatou, width)
    assert text.startswith("Marie-Madeleine")
    assert text.endswith("DIOP-NDIAYE SARR")
    assert stringWidth(text, FONT_BOLD, size) <= width


def test_an_impossibly_long_name_is_cut_to_fit(people):
    fatou = people[2]
    fatou.last_name = "Ndiaye " * 20
    text, size = card_name(fatou, CARD_WIDTH - 2 * PAD)
    assert text.endswith("…")
    assert stringWidth(text, FONT_BOLD, size) <= CARD_WIDTH - 2 * PAD


def test_letters_helvetica_lacks_are_replaced_not_drawn_as_boxes(people):
    fatou = people[2]
    fatou.first_name = "Ŋoné"
    fatou.save()
    pdf = cards_pdf([fatou], compress=False)
    assert "Noné DIOP" in extract_text(pdf)
    assert b"ZapfDingbats" not in pdf


def test_the_data_of_the_cards_is_read_in_a_fixed_number_of_queries(
    people, family, django_assert_num_queries
):
    package_rules.cache_clear()
    one = Beneficiary.objects.filter(pk=people[0].pk)
    cards_pdf(one)  # the package's rules are kept in memory from then on
    with django_assert_num_queries(2):  # the beneficiaries with their relations, the packages
        cards_pdf(Beneficiary.objects.filter(household=family))
    # beneficiaries given without their household and mutual are read again, in one query
    bare = list(Beneficiary.objects.filter(household=family))
    with django_assert_num_queries(2):
        cards_pdf(bare)
    with django_assert_num_queries(1):
        cards_pdf(bare, valid_until=datetime.date(2026, 12, 31))


def test_a_long_mutual_name_goes_on_two_lines_rather_than_being_cut(people, federation):
    federation.m1.name = (
        "Mutuelle de santé communautaire des travailleurs du secteur informel de Keur Massar Nord"
    )
    federation.m1.save()
    text = extract_text(cards_pdf(people[:1], compress=False))
    assert "Mutuelle de santé communautaire des travailleurs du secteur" in text
    assert "Keur Massar Nord" in text
    assert "…" not in text
