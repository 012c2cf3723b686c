import datetime

import pytest
from django.utils import timezone

from mutualis.membership.models import Household
from mutualis.membership.services import household_enrol
from tests.conftest import person


def enrol(mutual, package, last_name, first_name="Aissatou", birth="1984-02-03"):
    return household_enrol(
        by=None,
        mutual=mutual,
        package=package,
        enrolled_on=datetime.date(2025, 1, 10),
        head=person(first_name, last_name, "F", birth, phone="+221 77 555 44 33"),
    )


def test_the_search_finds_a_household_by_part_of_a_name_without_accents(
    client, federation, cast, cmu_package
):
    enrol(federation.m1, cmu_package, "Ndiaye", "Aïssatou")
    client.force_login(cast["enrolment_agent"])
    response = client.get("/register/", {"q": "aiss ndi"})
    assert [h.number for h in response.context["households"]] == [1]


def test_the_search_finds_by_member_number_and_by_phone(client, federation, cast, cmu_package):
    household = enrol(federation.m1, cmu_package, "Ndiaye")
    number = household.beneficiaries.get().member_number
    client.force_login(cast["cashier"])
    by_number = client.get("/register/", {"q": number.lower().replace("-", " ")})
    by_phone = client.get("/register/", {"q": "77 555 44 33"})
    assert [h.pk for h in by_number.context["households"]] == [household.pk]
    assert [h.pk for h in by_phone.context["households"]] == [household.pk]


def test_the_search_never_shows_a_household_outside_the_scope(
    client, federation, cast, cmu_package
):
    enrol(federation.m2, cmu_package, "Ndiaye")
    client.force_login(cast["enrolment_agent"])
    response = client.get("/register/", {"q": "ndiaye"})
    assert response.context["households"] == []


def enrolment(federation, package) -> dict:
    """The enrolment form of the Sarr household, its head alone so far."""
    return {
        "mutual": federation.m1.pk,
        "package": package.pk,
        "enrolled_on": "2025-03-01",
        "head-last_name": "Sarr",
        "head-first_name": "Ousmane",
        "head-sex": "M",
        "head-birth_date": "1975-05-05",
    }


def test_an_agent_enrols_a_household_with_dependents_from_the_form(
    client, federation, cast, cmu_package
):
    client.force_login(cast["enrolment_agent"])
    form = {
        **enrolment(federation, cmu_package),
        "dependents-TOTAL_FORMS": "3",
        "dependents-INITIAL_FORMS": "0",
        "dependents-0-relationship": "spouse",
        "dependents-0-last_name": "Sarr",
        "dependents-0-first_name": "Mariama",
        "dependents-0-sex": "F",
        "dependents-0-birth_date": "1980-01-01",
    }
    response = client.post("/households/new/", form)
    household = Household.objects.get()
    assert response.status_code == 302
    assert household.beneficiaries.count() == 2


def test_a_dependent_born_in_the_future_is_shown_on_its_field_and_nothing_saved(
    client, federation, cast, cmu_package
):
    client.force_login(cast["enrolment_agent"])
    form = {
        **enrolment(federation, cmu_package),
        "dependents-TOTAL_FORMS": "3",
        "dependents-INITIAL_FORMS": "0",
        "dependents-0-relationship": "child",
        "dependents-0-last_name": "Sarr",
        "dependents-0-first_name": "Bébé",
        "dependents-0-sex": "F",
        "dependents-0-birth_date": "2099-01-01",
    }
    response = client.post("/households/new/", form)
    assert response.status_code == 200
    assert response.context["dependents"].forms[0].errors["birth_date"]
    assert "Bébé" in response.content.decode()
    assert not Household.objects.exists()


def test_the_household_page_shows_each_members_coverage(client, family, cast):
    client.force_login(cast["cashier"])
    page = client.get(f"/households/{family.pk}/").content.decode()
    assert "Fatou" in page
    assert "M1-000001-" in page


def test_a_cashier_records_a_payment_and_gets_a_receipt(client, family, cast):
    client.force_login(cast["cashier"])
    response = client.post(
        f"/households/{family.pk}/pay/",
        {"amount": "15000", "method": "cash", "received_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    receipt = client.get(response.url.rstrip("/") + "/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_cards_print_for_a_whole_household(client, family, cast):
    client.force_login(cast["enrolment_agent"])
    response = client.get(f"/households/{family.pk}/cards.pdf")
    assert response.content.startswith(b"%PDF")


def test_a_register_uploaded_from_the_page_gets_its_report(client, federation, cast, cmu_package):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast["enrolment_agent"])
    template = client.get("/register/template.xlsx")
    assert template.content[:2] == b"PK"  # an .xlsx is a zip archive
    upload = SimpleUploadedFile("registre.xlsx", template.content)
    response = client.post("/register/import/", {"mutual": federation.m1.pk, "file": upload})
    report = response.context["report"]
    assert response.status_code == 200
    assert report.rows == 3
    assert report.saved is True
    assert Household.objects.filter(mutual=federation.m1).count() == 1


def test_the_register_exports_to_excel(client, family, cast):
    import io

    import openpyxl

    client.force_login(cast["accountant"])
    response = client.get("/register/export/", {"mutual": family.mutual.pk})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 4


def test_a_photo_taken_with_a_phone_goes_on_the_card(client, family, cast, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (60, 80), "teal").save(picture, "JPEG")
    awa = family.beneficiaries.get(first_name="Awa")
    client.force_login(cast["enrolment_agent"])
    response = client.post(
        f"/beneficiaries/{awa.pk}/edit/",
        {
            "last_name": "Diop",
            "first_name": "Awa",
            "sex": "F",
            "birth_date": "1985-06-11",
            "category": "adult",
            "photo": SimpleUploadedFile("awa.jpg", picture.getvalue(), "image/jpeg"),
        },
    )
    awa.refresh_from_db()
    assert response.status_code == 302
    assert awa.photo.name.endswith(".jpg")
    card = client.get(f"/beneficiaries/{awa.pk}/card.pdf")
    assert b"/Subtype /Image" in card.content


def test_a_photo_over_two_megabytes_is_refused_with_the_reason(client, family, cast):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (1000, 800), "teal").save(picture, "BMP")  # 2.4 MB, uncompressed
    awa = family.beneficiaries.get(first_name="Awa")
    client.force_login(cast["enrolment_agent"])
    response = client.post(
        f"/beneficiaries/{awa.pk}/edit/",
        {
            "last_name": "Diop",
            "first_name": "Awa",
            "sex": "F",
            "birth_date": "1985-06-11",
            "category": "adult",
            "photo": SimpleUploadedFile("awa.bmp", picture.getvalue(), "image/bmp"),
        },
    )
    awa.refresh_from_db()
    assert response.context["form"].errors["photo"]
    assert not awa.photo


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("head-birth_date", "1850-05-05"),
        ("head-birth_date", "0001-01-01"),
        ("head-last_name", "Sarr" * 2500),
        ("head-last_name", "Sarr\x00"),
        ("head-first_name", "Ous\x1bmane"),
        ("enrolled_on", "9999-12-31"),
    ],
)
def test_what_no_one_could_type_is_refused_on_its_field_and_nothing_saved(
    client, federation, cast, cmu_package, field, typed
):
    client.force_login(cast["enrolment_agent"])
    form = {
        **enrolment(federation, cmu_package),
        "dependents-TOTAL_FORMS": "0",
        "dependents-INITIAL_FORMS": "0",
        field: typed,
    }
    response = client.post("/households/new/", form)
    assert response.status_code == 200
    prefix, _dash, name = field.rpartition("-")
    errors = response.context[prefix].errors if prefix else response.context["form"].errors
    assert errors[name]
    assert not Household.objects.exists()


def test_a_payment_beyond_any_amount_is_refused_on_its_field(client, family, cast):
    client.force_login(cast["cashier"])
    response = client.post(
        f"/households/{family.pk}/pay/",
        {"amount": str(10**19), "method": "cash", "received_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not family.payments.exists()
