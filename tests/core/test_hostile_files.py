"""Every import refuses a hostile file with a message before reading it in full, and changes
nothing (core.spreadsheets.file_rows): the member register, the list of acts and medicines, an
agreement's price list and a provider's batch of claims."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from mutualis.claims.imports import claims_import
from mutualis.claims.models import Claim
from mutualis.core.spreadsheets import MAX_LINE, UnreadableFile, file_rows
from mutualis.federation.rules import Role
from mutualis.membership.imports import register_import
from mutualis.membership.models import Beneficiary, Household
from mutualis.providers.models import MedicalItem, Tariff
from mutualis.providers.services import items_import, tariffs_import
from tests.claims.conftest import care  # noqa: F401  (the fixture)
from tests.providers.conftest import workbook

# A sound workbook, the hostile ones are made from.
SOUND_ROWS = (("code", "label"), ("CS-PS", "Consultation"))


def rewritten(content: bytes, changes: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in changes:
                target.writestr(name, source.read(name))
        for name, data in changes.items():
            target.writestr(name, data)
    return buffer.getvalue()


def with_doctype(content: bytes) -> bytes:
    """Billion laughs in the first sheet: entities that expand to each other."""
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    return rewritten(content, {"xl/worksheets/sheet1.xml": laughs + sheet.split(b"?>", 1)[-1]})


def bomb(size: int) -> bytes:
    """A workbook whose first sheet inflates to `size` bytes of spaces."""
    return rewritten(workbook(*SOUND_ROWS), {"xl/worksheets/sheet1.xml": b" " * size})


ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\0" * 504
    + "EncryptionInfo".encode("utf-16-le")
    + b"\0" * 50
    + "EncryptedPackage".encode("utf-16-le")
    + b"\0" * 400
)

HOSTILE = {
    "a damaged zip": (
        "liste.xlsx",
        workbook(*SOUND_ROWS)[:-200],
        "The file is not a readable Excel (.xlsx) or CSV file.",
    ),
    "an encrypted workbook": ("liste.xlsx", ENCRYPTED, "The workbook is protected by a password"),
    "a DTD and entities": (
        "liste.xlsx",
        with_doctype(workbook(*SOUND_ROWS)),
        "The workbook holds a document type declaration",
    ),
    "macros": (
        "liste.xlsx",
        rewritten(workbook(*SOUND_ROWS), {"xl/vbaProject.bin": b"\0" * 64}),
        "The workbook carries macros",
    ),
    "a zip bomb": ("liste.xlsx", bomb(5_000_000), "The workbook unpacks to more than 1 MB"),
    "a CSV line too long": (
        "liste.csv",
        b"code;label\nCS;" + b"x" * MAX_LINE + b"\n",
        "A line of the file is longer than",
    ),
}


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages in English (a page's answer is in French, as its user's)."""
    with translation.override("en"):
        yield


@pytest.fixture
def entry_points(care, federation, cast):  # noqa: F811
    """Each import as its page or command calls it, and what it could have written."""
    version = care.post.agreements.get().versions.get()
    return {
        "register": (
            lambda name, content: register_import(
                by=None, mutual=federation.m1, file_name=name, content=content, language="en"
            ),
            (Household, Beneficiary),
        ),
        "acts and medicines": (
            lambda name, content: items_import(
                by=None,
                owner=federation.national,
                file_name=name,
                content=content,
                language="en",
            ),
            (MedicalItem,),
        ),
        "price list": (
            lambda name, content: tariffs_import(
                by=None, version=version, file_name=name, content=content, language="en"
            ),
            (Tariff,),
        ),
        "claims": (
            lambda name, content: claims_import(
                by=cast[Role.MUTUAL_MANAGER], file_name=name, content=content, language="en"
            ),
            (Claim,),
        ),
    }


def counts(models) -> list[int]:
    return [model.objects.count() for model in models]


@pytest.mark.parametrize("hostile", HOSTILE)
@override_settings(MUTUALIS_IMPORT_MAX_UNPACKED_BYTES=1_000_000)
def test_every_import_refuses_a_hostile_file_and_changes_nothing(entry_points, hostile):
    name, content, message = HOSTILE[hostile]
    for entry, (import_file, models) in entry_points.items():
        before = counts(models)

        report = import_file(name, content)

        assert not report.saved, entry
        assert [problem.row for problem in report.errors] == [None], (entry, report.errors)
        assert report.errors[0].message.startswith(message), (entry, report.errors)
        assert counts(models) == before, entry


# the required columns of each import, so that each reads past its header
REGISTER = (
    "household_ref",
    "relationship",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "enrolment_date",
)
ITEMS = ("code", "label", "kind", "service_category")
TARIFFS = ("price",)  # and the code
CLAIMS = ("provider_code", "invoice_number", "member_number", "date_of_care", "quantity")
# (the claims' item code is the items' code, and their unit price the price list's price)


@override_settings(MUTUALIS_IMPORT_MAX_ROWS=20)
@pytest.mark.parametrize("name", ["liste.xlsx", "liste.csv"])
def test_every_import_stops_at_the_most_rows_and_changes_nothing(entry_points, name):
    header = [*REGISTER, *ITEMS, *TARIFFS, *CLAIMS]
    rows = [header, *([f"x{n}"] * len(header) for n in range(30))]
    if name.endswith(".csv"):
        content = "\n".join(";".join(row) for row in rows).encode()
    else:
        content = workbook(*rows)
    for entry, (import_file, models) in entry_points.items():
        before = counts(models)

        report = import_file(name, content)

        assert not report.saved, entry
        assert "The file has more than 20 rows" in report.errors[-1].message, entry
        assert counts(models) == before, entry


@override_settings(MUTUALIS_IMPORT_MAX_BYTES=1000)
def test_a_file_larger_than_the_limit_is_refused():
    with pytest.raises(UnreadableFile, match=r"The file is larger than 0\.001 MB"):
        file_rows("liste.csv", b"code;label\n" * 100)


def test_a_zip_bomb_is_refused_by_its_ratio_under_the_unpacked_limit():
    with pytest.raises(UnreadableFile, match=r"The workbook unpacks to [0-9]+ times its size"):
        file_rows("liste.xlsx", bomb(20_000_000))


def declaring(content: bytes, name: str, size: int) -> bytes:
    """The zip with its directory saying that the part `name` unpacks to `size` bytes."""
    data = bytearray(content)
    at = data.find(b"PK\x01\x02")
    while not data[at + 46 :].startswith(name.encode()):
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 24 : at + 28] = struct.pack("<I", size)
    return bytes(data)


def test_a_bomb_is_refused_by_the_sizes_it_declares_before_anything_is_inflated():
    """The directory says a sheet of four bytes unpacks to 4 GB: the refusal comes from the
    directory alone (inflating would have found four bytes and a bad size)."""
    sound = rewritten(workbook(*SOUND_ROWS), {"xl/worksheets/sheet1.xml": b"<x/>"})

    content = declaring(sound, "xl/worksheets/sheet1.xml", 0xFFFFFFFE)

    with pytest.raises(UnreadableFile, match="The workbook unpacks to more than 500 MB"):
        file_rows("liste.xlsx", content)


@pytest.mark.parametrize(
    ("part", "encoding"),
    [("xl/worksheets/sheet1.xml", "utf-16"), ("xl/media/notes.bin", "utf-8")],
)
def test_a_declaration_is_found_in_utf_16_and_in_a_part_of_any_name(part, encoding):
    text = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    content = rewritten(workbook(*SOUND_ROWS), {part: text.encode(encoding)})

    with pytest.raises(UnreadableFile, match="The workbook holds a document type declaration"):
        file_rows("liste.xlsx", content)


def test_a_legacy_excel_file_is_told_to_be_saved_as_xlsx():
    with pytest.raises(UnreadableFile, match=r"Excel 97-2003 \(.xls\)"):
        file_rows("liste.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)


def test_an_xlsm_workbook_is_refused_for_its_macros_even_without_a_macro_part():
    with pytest.raises(UnreadableFile, match="The workbook carries macros"):
        file_rows("liste.xlsm", workbook(*SOUND_ROWS))


@pytest.mark.parametrize("cut", [100, 1000, 3000, 4500])
def test_a_workbook_cut_anywhere_is_unreadable_not_an_error(cut):
    with pytest.raises(UnreadableFile):
        list(file_rows("liste.xlsx", workbook(*SOUND_ROWS)[:cut]))


def test_a_sound_workbook_and_csv_file_are_read():
    rows = (("code", "label"), ("CS-PS", "Consultation"))

    assert list(file_rows("liste.xlsx", workbook(*rows))) == list(rows)
    assert list(file_rows("liste.csv", b"code;label\nCS-PS;Consultation\n")) == list(rows)


@override_settings(MUTUALIS_IMPORT_MAX_BYTES=1000)
def test_every_upload_page_refuses_a_file_larger_than_the_limit(client, cast, care, federation):  # noqa: F811
    agreement = care.post.agreements.get()
    pages = {
        "/register/import/": ("enrolment_agent", {"mutual": federation.m1.pk}),
        "/items/import/": ("union_officer", {"owner": federation.d1.pk}),
        f"/agreements/{agreement.pk}/tariffs/import/": ("mutual_manager", {}),
        "/claims/upload/": ("mutual_manager", {}),
    }
    for page, (role, fields) in pages.items():
        client.force_login(cast[role])
        upload = SimpleUploadedFile("liste.xlsx", workbook(*SOUND_ROWS) + b"\0" * 1000)

        answer = client.post(page, {**fields, "file": upload})

        assert answer.status_code == 200, page
        assert answer.context["form"].errors["file"] == ["Le fichier dépasse 0.001 Mo."]
        assert answer.context["report"] is None, page


# --- texts too long or holding a control character -----------------------------------------

LONG = "N" * 10_000


def csv_file(rows) -> bytes:
    """A CSV file of the rows: a workbook cannot hold a control character, a CSV file can."""
    return "\n".join(";".join("" if v is None else str(v) for v in row) for row in rows).encode()


def test_the_register_reports_a_name_too_long_and_a_control_character(federation, cmu_package):
    header = ("household_ref", "relationship", "last_name", "first_name", "sex")
    rows = [
        (*header, "birth_date", "enrolment_date", "package_code", "address"),
        ("1", "head", LONG, "Awa\x07", "F", "01/01/1980", "10/01/2025", "CMU", "Joal"),
        ("2", "head", "Diop", "Moussa", "M", "01/01/0001", "10/01/2025", "CMU", "A\x00"),
    ]

    report = register_import(
        by=None, mutual=federation.m1, file_name="r.csv", content=csv_file(rows), language="en"
    )

    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (2, "last_name", "At most 100 characters."),
        (2, "first_name", CONTROL_IN_LINE),
        (3, "birth_date", "The date of birth cannot be before 01/01/1900."),
        (3, "address", CONTROL_IN_LINE),
    ]
    assert not report.saved and Beneficiary.objects.count() == 0


CONTROL_IN_LINE = "This text holds a control character (such as a line break); remove it."


def test_the_list_of_acts_reports_a_label_too_long_a_control_character_and_a_huge_count(
    federation,
):
    rows = [
        ("code", "label", "kind", "service_category", "max_quantity"),
        ("X1", LONG, "act", "consultation", None),
        ("X\x072", "Consultation", "act", "consultation", 10**30),
    ]

    report = items_import(
        by=None,
        owner=federation.national,
        file_name="l.csv",
        content=csv_file(rows),
        language="en",
    )

    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (2, "label", "At most 255 characters."),
        (3, "code", CONTROL_IN_LINE),
        (3, "max_quantity", "At most 1\u202f000\u202f000."),
    ]
    assert not report.saved and MedicalItem.objects.count() == 0


def test_a_price_list_reports_a_price_beyond_any_amount(care):  # noqa: F811
    version = care.post.agreements.get().versions.get()
    before = list(Tariff.objects.values_list("pk", "price"))
    rows = [("code", "price"), ("CS-PS", 10**20)]

    report = tariffs_import(
        by=None, version=version, file_name="p.xlsx", content=workbook(*rows), language="en"
    )

    assert [(p.row, p.column) for p in report.errors] == [(2, "price")]
    assert report.errors[0].message.startswith("An amount is at most")
    assert list(Tariff.objects.values_list("pk", "price")) == before


def test_a_batch_of_claims_reports_a_reference_too_long_and_a_control_character(care, cast):  # noqa: F811
    header = ("provider_code", "invoice_number", "member_number", "date_of_care", "diagnosis")
    member = care.awa.member_number
    rows = [
        (*header, "item_code", "quantity", "unit_price"),
        ("PS-JOAL", "F" * 10_000, member, "03/03/2025", None, "CS-PS", 1, 1000),
        ("PS-JOAL", "F-2", member, "04/03/2025", "A0\x079", "CS-PS", 1, 1000),
    ]

    report = claims_import(
        by=cast[Role.MUTUAL_MANAGER], file_name="c.csv", content=csv_file(rows), language="en"
    )

    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (2, "invoice_number", "At most 40 characters."),
        (3, "diagnosis", CONTROL_IN_LINE),
    ]
    assert not report.saved and Claim.objects.count() == 0
