"""Importing a member register from a spreadsheet or a CSV file (membership.imports)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from mutualis.cli import main
from mutualis.core.identifiers import is_valid
from mutualis.core.imports import Problem, describe
from mutualis.core.models import AuditEntry, NumberSeries
from mutualis.membership.imports import COLUMNS, register_import, register_template_xlsx
from mutualis.membership.models import Beneficiary, Household, SearchToken
from mutualis.membership.queries import household_search
from mutualis.membership.rules import search_tokens
from mutualis.membership.services import household_enrol, household_resign
from tests.conftest import person

FRENCH = [column.fr for column in COLUMNS]
ENGLISH = [column.en for column in COLUMNS]


def row(ref, lien, nom, prenom, sexe, naissance, **household):
    return {
        "household_ref": ref,
        "relationship": lien,
        "last_name": nom,
        "first_name": prenom,
        "sex": sexe,
        "birth_date": naissance,
        **household,
    }


def xlsx(rows, headers=FRENCH) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows, separator=";", bom=True) -> bytes:
    lines = [separator.join(FRENCH)]
    for values in rows:
        cells = []
        for column in COLUMNS:
            value = values.get(column.key)
            if isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            cells.append("" if value is None else str(value))
        lines.append(separator.join(cells))
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


GOOD = [
    row(
        "A1",
        "chef",
        "Ndiaye",
        "Mamadou",
        "M",
        datetime.date(1975, 5, 5),
        enrolled_on=datetime.date(2025, 2, 1),
        package="CMU",
        address="Keur Massar",
        phone="+221 77 555 11 22",
    ),
    row("A1", "conjoint", "Ndiaye", "Coumba", "F", datetime.date(1980, 1, 1)),
    row("A1", "enfant", "Ndiaye", "Aliou", "M", datetime.date(2015, 3, 3)),
    row(
        "A2", "chef", "Fall", "Aminata", "F", "12/12/1990", enrolled_on="2025-03-01", package="cmu"
    ),
    row("A2", "enfant", "Fall", "Binta", "F", "2020-07-07"),
]


def imported(federation, content, name="registre.xlsx", **options):
    return register_import(
        by=None, mutual=federation.m1, file_name=name, content=content, **options
    )


def test_a_good_file_of_two_households_is_imported(federation, cmu_package):
    report = imported(federation, xlsx(GOOD))

    assert report.errors == []
    assert report.saved
    assert (report.households_created, report.beneficiaries_created) == (2, 5)
    assert (report.rows, report.skipped, report.rejected) == (5, 0, 0)
    ndiaye = Household.objects.get(mutual=federation.m1, external_ref="A1")
    assert (ndiaye.number, ndiaye.package, ndiaye.enrolled_on) == (
        1,
        cmu_package,
        datetime.date(2025, 2, 1),
    )
    assert (ndiaye.address, ndiaye.phone) == ("Keur Massar", "+221 77 555 11 22")
    people = list(ndiaye.beneficiaries.order_by("pk"))
    assert [(p.first_name, p.relationship, p.category) for p in people] == [
        ("Mamadou", "head", "adult"),
        ("Coumba", "spouse", "adult"),
        ("Aliou", "child", "child"),
    ]
    assert people[0].birth_date == datetime.date(1975, 5, 5)
    assert Household.objects.get(external_ref="A2").beneficiaries.count() == 2


def test_member_numbers_check_themselves_and_follow_the_mutuals_series(federation, cmu_package):
    imported(federation, xlsx(GOOD))

    numbers = list(Beneficiary.objects.order_by("pk").values_list("member_number", flat=True))
    assert len(set(numbers)) == 5
    assert all(is_valid(n) and n.startswith("M1-") for n in numbers)
    assert numbers[0] == "M1-000001-" + numbers[0][-1]
    assert NumberSeries.objects.get(organisation_id=federation.m1.pk, name="member").last_value == 5
    assert (
        NumberSeries.objects.get(organisation_id=federation.m1.pk, name="household").last_value == 2
    )


def test_rows_written_in_bulk_read_back_through_the_orm(federation, cmu_package):
    imported(federation, xlsx(GOOD))

    for beneficiary in Beneficiary.objects.select_related("household"):
        assert Beneficiary.objects.get(uid=beneficiary.uid) == beneficiary
        assert beneficiary.household.mutual == federation.m1
        assert beneficiary.duplicate_key
        assert beneficiary.left_on is None and beneficiary.photo.name == ""
    assert Household.objects.get(uid=Household.objects.first().uid).created_at is not None


def test_everyone_imported_can_be_searched(federation, cmu_package, admin):
    imported(federation, xlsx(GOOD))

    for beneficiary in Beneficiary.objects.select_related("household"):
        tokens = set(beneficiary.search_tokens.values_list("token", flat=True))
        assert tokens == search_tokens(
            first_name=beneficiary.first_name,
            last_name=beneficiary.last_name,
            member_number=beneficiary.member_number,
            phone=beneficiary.phone,
            household_number=beneficiary.household.number,
        )
    assert [h.external_ref for h in household_search(admin, "binta fall")] == ["A2"]


def test_the_import_is_audited_once(federation, cmu_package):
    before = AuditEntry.objects.count()

    imported(federation, xlsx(GOOD))

    entry = AuditEntry.objects.get(object_id=federation.m1.pk, changes__has_key="import")
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "create"
    assert entry.changes["import"] == [
        None,
        {"file": "registre.xlsx", "households": 2, "beneficiaries": 5},
    ]


def test_the_import_logs_what_the_services_would_log(federation, cmu_package):
    from mutualis.core.models import Event

    household_enrol(
        by=None,
        mutual=federation.m1,
        package=cmu_package,
        enrolled_on=datetime.date(2025, 1, 5),
        head=person("Awa", "Sy", "F", "1985-04-04", relationship="head"),
    )
    by_service = Event.objects.get(kind="household.enrolled")
    imported(federation, xlsx(GOOD))
    newborn = row("A1", "enfant", "Ndiaye", "Khady", "F", "2025-06-01", enrolled_on="2025-06-15")
    imported(federation, xlsx([*GOOD, newborn]), name="registre-juin.xlsx")

    logged = list(Event.objects.filter(organisation_id=federation.m1.pk).order_by("sequence"))
    kinds = [event.kind for event in logged if event.pk > by_service.pk]
    assert kinds == ["household.enrolled", "household.enrolled", "beneficiary.added"]
    assert [event.sequence for event in logged] == list(range(1, len(logged) + 1))
    ndiaye = Household.objects.get(external_ref="A1")
    enrolled = Event.objects.get(kind="household.enrolled", subject=ndiaye.uid)
    assert set(enrolled.payload) == set(by_service.payload)
    assert set(enrolled.payload["members"][0]) == set(by_service.payload["members"][0])
    assert enrolled.payload["package"] == str(cmu_package.uid)
    assert enrolled.payload["enrolled_on"] == "2025-02-01"
    assert [
        (m["beneficiary"], m["member_number"], m["category"], m["birth_date"])
        for m in enrolled.payload["members"]
    ] == [
        (str(b.uid), b.member_number, b.category, b.birth_date.isoformat())
        for b in ndiaye.beneficiaries.exclude(first_name="Khady").order_by("pk")
    ]
    khady = Beneficiary.objects.get(first_name="Khady")
    added = Event.objects.get(kind="beneficiary.added")
    assert (added.subject, added.payload["household"]) == (khady.uid, str(ndiaye.uid))
    assert added.payload["enrolled_on"] == "2025-06-15"


def bad_file(future):
    return xlsx(
        [
            row(
                "B1",
                "chef",
                "Sow",
                "Ousmane",
                "M",
                datetime.date(1970, 1, 1),
                enrolled_on=datetime.date(2025, 1, 10),
                package="CMU",
            ),
            row("B1", "enfant", "Sow", "Bébé", "F", future),  # row 3: born in the future
            row(
                "B2",
                "chef",
                "Ba",
                "Ali",
                "M",
                datetime.date(1960, 1, 1),
                enrolled_on=datetime.date(2025, 1, 10),
                package="XYZ",  # row 4: no such package
            ),
            row(
                "B3",
                "chef",
                "Kane",
                "Awa",
                "F",
                datetime.date(1970, 1, 1),
                enrolled_on=datetime.date(2025, 1, 10),
                package="CMU",
            ),
            row("B3", "chef", "Kane", "Samba", "M", datetime.date(1971, 1, 1)),  # row 6: 2nd head
            row("B1", "enfant", "Sow", "Cheikh", "M", datetime.date(1995, 1, 1)),  # row 7: too old
            row(
                "B4",
                "chef",
                "",  # row 8: no last name
                "Modou",
                "M",
                datetime.date(1970, 1, 1),
                enrolled_on=datetime.date(2025, 1, 10),
                package="CMU",
            ),
        ]
    )


def expected_problems():
    return [
        (3, "date_naissance", gettext("The date of birth cannot be in the future.")),
        (
            4,
            "code_paquet",
            gettext("Unknown package code %(code)s; the mutual's packages: %(codes)s.")
            % {"code": "XYZ", "codes": "CMU"},
        ),
        (6, "lien", gettext("The household already has a head.")),
        (
            7,
            "date_naissance",
            gettext("A child dependent must be under %(age)s years old on enrolment.")
            % {"age": 21},
        ),
        (8, "nom", gettext("This field is required.")),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_bad_row_is_reported_with_its_row_and_column_and_nothing_is_saved(
    federation, cmu_package, language
):
    future = timezone.localdate() + datetime.timedelta(days=3)

    report = imported(federation, bad_file(future), language=language)

    with translation.override(language):
        expected = expected_problems()
    assert [tuple(problem) for problem in report.errors] == expected
    assert not report.saved
    assert report.households_created == report.beneficiaries_created == 0
    assert report.rejected == 7
    assert not Household.objects.exists()
    assert not Beneficiary.objects.exists()
    assert not SearchToken.objects.exists()
    assert not NumberSeries.objects.exists()


def test_messages_are_in_the_language_asked_for(federation, cmu_package):
    future = timezone.localdate() + datetime.timedelta(days=3)

    french = imported(federation, bad_file(future), language="fr")
    english = imported(federation, bad_file(future), language="en")

    assert french.errors[-1].message == "Ce champ est obligatoire."  # Django's own catalogue
    assert english.errors[-1].message == "This field is required."
    assert english.errors[0].message == "The date of birth cannot be in the future."
    with translation.override("en"):
        assert describe(english.errors[-1]) == "Row 8, column nom: This field is required."
    with translation.override("fr"):
        line = describe(french.errors[-1])
    assert "8" in line and "nom" in line and "Ce champ est obligatoire." in line


def test_only_valid_saves_the_good_households_and_reports_the_others(federation, cmu_package):
    future = timezone.localdate() + datetime.timedelta(days=3)
    content = bad_file(future)
    workbook = load_workbook(io.BytesIO(content))
    for values in GOOD:
        workbook.active.append([values.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = imported(federation, buffer.getvalue(), only_valid=True)

    assert report.saved
    assert len(report.errors) == 5
    assert (report.households_created, report.beneficiaries_created) == (2, 5)
    assert report.rejected == 7
    assert sorted(Household.objects.values_list("external_ref", flat=True)) == ["A1", "A2"]


def test_importing_the_same_file_twice_changes_nothing(federation, cmu_package):
    content = xlsx(GOOD)
    imported(federation, content)
    counts = (
        Household.objects.count(),
        Beneficiary.objects.count(),
        SearchToken.objects.count(),
        AuditEntry.objects.count(),
        list(NumberSeries.objects.order_by("name").values_list("last_value", flat=True)),
    )

    again = imported(federation, content)

    assert again.saved and again.errors == []
    assert (again.households_created, again.beneficiaries_created) == (0, 0)
    assert (again.skipped, again.rejected) == (5, 0)
    assert again.warnings == []  # people found again are not possible duplicates of themselves
    assert counts == (
        Household.objects.count(),
        Beneficiary.objects.count(),
        SearchToken.objects.count(),
        AuditEntry.objects.count(),
        list(NumberSeries.objects.order_by("name").values_list("last_value", flat=True)),
    )


def test_a_new_person_in_a_household_already_imported_joins_it(federation, cmu_package):
    imported(federation, xlsx(GOOD))
    newborn = row("A1", "enfant", "Ndiaye", "Khady", "F", "2025-06-01", enrolled_on="2025-06-15")

    report = imported(federation, xlsx([*GOOD, newborn]), name="registre-juin.xlsx")

    assert report.errors == []
    assert (report.households_created, report.beneficiaries_created, report.skipped) == (0, 1, 5)
    khady = Beneficiary.objects.get(first_name="Khady")
    assert khady.household.external_ref == "A1"
    assert khady.enrolled_on == datetime.date(2025, 6, 15)
    assert khady.member_number.startswith("M1-000006-")


def test_a_person_twice_in_the_file_is_an_error(federation, cmu_package):
    report = imported(federation, xlsx([*GOOD, GOOD[1] | {"household_ref": "A2"}]))

    assert [tuple(p) for p in report.errors] == [
        (7, "nom", gettext("This person already appears on row %(row)s.") % {"row": 3})
    ]
    assert not report.saved


def test_a_household_without_a_head_is_an_error(federation, cmu_package):
    report = imported(federation, xlsx(GOOD[1:3]), language="en")

    assert report.errors == [
        Problem(2, "ref_menage", "The household A1 has no head (relationship head).")
    ]


def test_people_already_registered_in_the_union_are_warnings_not_errors(
    federation, cmu_package, family
):
    moussa = row(
        "C1",
        "chef",
        "DIOP",
        "Moussa",
        "M",
        "02/03/1980",
        enrolled_on="2025-01-10",
        package="CMU",
    )

    report = imported(federation, xlsx([moussa]), language="en")

    assert report.errors == []
    assert report.saved and report.households_created == 1
    [warning] = report.warnings
    assert (warning.row, warning.column) == (2, "nom")
    assert "Possible duplicate" in warning.message and "Moussa Diop (M1-000001-" in warning.message


@pytest.mark.parametrize("separator", [";", ","])
def test_a_csv_file_is_read_whatever_its_separator(federation, cmu_package, separator):
    report = imported(federation, csv_file(GOOD, separator), name="registre.csv")

    assert report.errors == [] and report.saved
    assert (report.households_created, report.beneficiaries_created) == (2, 5)
    assert Beneficiary.objects.get(first_name="Mamadou").birth_date == datetime.date(1975, 5, 5)


def test_a_csv_file_from_excel_for_windows_is_read(federation, cmu_package):
    people = [
        row("D1", "chef", "Sène", "Adèle", "F", "01/01/1980", enrolled_on="01/02/2025"),
        row("D1", "enfant", "Sène", "Maïmouna", "F", "01/01/2020"),
    ]
    content = csv_file(people, bom=False).decode().encode("cp1252")

    report = imported(federation, content, name="registre.csv")

    assert report.errors == []
    assert Beneficiary.objects.filter(last_name="Sène", first_name="Adèle").exists()
    assert Beneficiary.objects.filter(first_name="Maïmouna").exists()


def test_english_headers_and_words_are_accepted_and_a_title_row_is_skipped(federation, cmu_package):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Register of the mutual of Joal"])
    sheet.append(ENGLISH)
    sheet.append(
        ["E1", "head", "Faye", "Omar", "m", "1980-01-01", "", "", "", "indigent", "2025-01-10"]
    )
    sheet.append(
        [
            "E1",
            "daughter",
            "Faye",
            "Ndeye",
            "female",
            datetime.datetime.combine(datetime.date(2019, 4, 4), datetime.time()),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = imported(federation, buffer.getvalue())

    assert report.errors == []
    assert report.households_created == 1  # the only package of the mutual is the default
    omar = Beneficiary.objects.get(first_name="Omar")
    assert (omar.sex, omar.category) == ("M", "indigent")
    assert Beneficiary.objects.get(first_name="Ndeye").relationship == "child"


def test_a_missing_column_is_reported_and_nothing_is_read(federation, cmu_package):
    headers = [h for h in FRENCH if h != "sexe"]

    report = imported(federation, xlsx([], headers=headers), language="en")

    assert report.errors == [Problem(1, "sexe", "The file has no column sexe.")]
    assert not report.saved


def test_a_file_that_is_not_a_spreadsheet_is_refused(federation, cmu_package):
    report = imported(federation, b"PK\x03\x04 not really a zip", language="en")

    assert [p.message for p in report.errors] == [
        "The file is not a readable Excel (.xlsx) or CSV file."
    ]


def test_the_template_lists_the_columns_and_imports_as_it_is(federation, cmu_package):
    content = register_template_xlsx("fr", package_codes=["CMU"])

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Registre", "Instructions"]
    sheet = workbook["Registre"]
    assert [cell.value for cell in sheet[1]] == FRENCH
    assert sheet.max_row == 4
    assert len(sheet.data_validations.dataValidation) == 4  # sex, relationship, category, package
    report = imported(federation, content, name="modele.xlsx")
    assert report.errors == []
    assert (report.households_created, report.beneficiaries_created) == (1, 3)


def test_the_english_template_has_english_headers(federation):
    workbook = load_workbook(io.BytesIO(register_template_xlsx("en")))

    assert [cell.value for cell in workbook["Register"][1]] == ENGLISH
    assert workbook["Instructions"].max_row > len(COLUMNS)


def write(tmp_path, content, name="registre.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_the_command_imports_a_file_and_prints_the_report(
    federation, cmu_package, tmp_path, capsys
):
    call_command("import_members", str(write(tmp_path, xlsx(GOOD))), mutual="M1", language="en")

    out = capsys.readouterr().out
    assert "2 households created, 5 beneficiaries created" in out
    assert Household.objects.count() == 2


def test_the_command_fails_when_errors_kept_the_file_from_being_saved(
    federation, cmu_package, tmp_path, capsys
):
    future = timezone.localdate() + datetime.timedelta(days=3)
    path = write(tmp_path, bad_file(future))

    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(path), mutual="M1", language="en")

    assert caught.value.returncode == 1
    assert "Row 6, column lien: The household already has a head." in capsys.readouterr().out
    assert not Household.objects.exists()


def test_mutualis_import_members_is_the_import_members_command(
    federation, cmu_package, tmp_path, capsys, monkeypatch
):
    path = write(tmp_path, csv_file(GOOD), "registre.csv")
    # a command run from the command line closes the connections when it ends: not the test's
    monkeypatch.setattr(connections, "close_all", lambda: None)

    main(["mutualis", "import-members", str(path), "--mutual", "M1", "--language", "en"])

    assert "2 households created" in capsys.readouterr().out
    assert Household.objects.count() == 2


def test_rows_saved_after_an_import_get_new_ids(federation, cmu_package):
    imported(federation, xlsx(GOOD))
    imported_ids = set(Beneficiary.objects.values_list("pk", flat=True))

    household = household_enrol(
        by=None,
        mutual=federation.m1,
        package=cmu_package,
        enrolled_on=datetime.date(2025, 4, 1),
        head=person("Seynabou", "Gaye", "F", "1988-08-08"),
    )

    head = household.beneficiaries.get()
    assert head.pk not in imported_ids
    assert household.number == 3
    assert head.member_number.startswith("M1-000006-")


def test_no_one_joins_a_household_that_resigned(federation, cmu_package):
    imported(federation, xlsx(GOOD))
    household_resign(
        by=None, household=Household.objects.get(external_ref="A2"), on=datetime.date(2025, 5, 1)
    )
    newborn = row("A2", "enfant", "Fall", "Rama", "F", "2025-06-01", enrolled_on="2025-06-15")

    report = imported(federation, xlsx([*GOOD, newborn]), language="en")

    assert report.errors == [Problem(7, "ref_menage", "The household resigned on 01/05/2025.")]
    assert not Beneficiary.objects.filter(first_name="Rama").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a setting of SQLite connections")
def test_the_larger_page_cache_of_the_writes_is_put_back(federation, cmu_package):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]

        imported(federation, xlsx(GOOD))

        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
