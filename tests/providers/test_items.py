"""The national list of acts, medicines and flat fees, and what a union adds to it
(providers.services.item_create, items_import; providers.queries.items_available_to)."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from openpyxl import load_workbook

from mutualis.cli import main
from mutualis.core.models import AuditEntry
from mutualis.providers import imports
from mutualis.providers.models import MedicalItem
from mutualis.providers.queries import items_available_to
from mutualis.providers.services import item_create, items_import
from tests.providers.conftest import workbook

NATIONAL_LIST = Path(imports.__file__).parent / "data" / "national_list.csv"
HEADER = ("code", "libellé", "type", "catégorie de service", "niveau de soins", "quantité maximum")
GOOD = (
    HEADER,
    ("CS-CS", "Consultation au centre de santé", "act", "consultation", "health_centre", None),
    ("AMOX500", "Amoxicilline 500 mg", "medicine", "medicines", None, 30),
    ("CESAR", "Césarienne", "flat fee per episode", "césarienne", None, None),
)


def imported(owner, content, name="liste.xlsx"):
    return items_import(by=None, owner=owner, file_name=name, content=content, language="en")


def test_a_flat_fee_is_billed_once_per_claim(federation):
    fee = item_create(
        by=None,
        owner=federation.national,
        code="CESAR",
        label="Césarienne",
        kind="flat_fee",
        service_category="caesarean",
    )
    assert fee.max_quantity == 1

    with pytest.raises(ValidationError) as caught:
        item_create(
            by=None,
            owner=federation.national,
            code="ACC",
            label="Accouchement",
            kind="flat_fee",
            service_category="childbirth",
            max_quantity=2,
        )
    assert list(caught.value.message_dict) == ["max_quantity"]


def test_a_code_is_used_once_in_a_list_but_a_union_may_reuse_a_national_code(
    federation, national_list
):
    values = dict(label="Consultation", kind="act", service_category="consultation")
    with pytest.raises(ValidationError) as caught:
        item_create(by=None, owner=federation.national, code="CS-PS", **values)
    assert list(caught.value.message_dict) == ["code"]

    own = item_create(by=None, owner=federation.d1, code="CS-PS", **values)
    assert own.owner == federation.d1


def test_only_a_union_defines_acts(federation):
    with pytest.raises(ValidationError) as caught:
        item_create(
            by=None,
            owner=federation.m1,
            code="X",
            label="X",
            kind="act",
            service_category="consultation",
        )
    assert list(caught.value.message_dict) == ["owner"]


def test_the_nearest_owner_wins_on_a_shared_code(federation, national_list):
    values = dict(kind="act", service_category="consultation")
    regional = item_create(by=None, owner=federation.r1, code="CS-PS", label="R1", **values)
    departmental = item_create(by=None, owner=federation.d1, code="CS-PS", label="D1", **values)
    extra = item_create(by=None, owner=federation.d1, code="KINE", label="Kiné", **values)

    def available(organisation):
        return {i.code: i for i in items_available_to(organisation)}

    in_m1 = available(federation.m1)
    assert in_m1["CS-PS"] == departmental
    assert in_m1["KINE"] == extra
    assert in_m1["PARA500"] == national_list["PARA500"]
    assert len(in_m1) == 4
    assert available(federation.r1)["CS-PS"] == regional
    in_m2 = available(federation.m2)
    assert in_m2["CS-PS"] == national_list["CS-PS"]
    assert "KINE" not in in_m2


def test_an_inactive_act_leaves_the_one_above_it_available(federation, national_list):
    own = item_create(
        by=None,
        owner=federation.d1,
        code="CS-PS",
        label="D1",
        kind="act",
        service_category="consultation",
    )
    MedicalItem.objects.filter(pk=own.pk).update(active=False)

    codes = {i.code: i for i in items_available_to(federation.m1)}
    assert codes["CS-PS"] == national_list["CS-PS"]


# --- the import ------------------------------------------------------------------------------


def test_a_list_is_imported_with_codes_or_labels_of_the_choices(federation):
    report = imported(federation.national, workbook(*GOOD))

    assert report.saved and report.errors == []
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    cesar = MedicalItem.objects.get(code="CESAR")
    assert (cesar.kind, cesar.service_category, cesar.max_quantity) == ("flat_fee", "caesarean", 1)
    assert MedicalItem.objects.get(code="CS-CS").level == "health_centre"
    assert MedicalItem.objects.get(code="AMOX500").max_quantity == 30


def test_importing_the_same_file_again_changes_nothing(federation):
    content = workbook(*GOOD)
    imported(federation.national, content)
    audit_before = AuditEntry.objects.count()

    report = imported(federation.national, content)

    assert report.saved
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert MedicalItem.objects.count() == 3
    assert AuditEntry.objects.count() == audit_before


def test_a_row_of_a_known_code_updates_its_act(federation):
    imported(federation.national, workbook(*GOOD))
    changed = (HEADER, ("AMOX500", "Amoxicilline 500 mg, gélule", "medicine", "medicines", "", 20))

    report = imported(federation.national, workbook(*changed))

    assert (report.created, report.updated) == (0, 1)
    amoxicillin = MedicalItem.objects.get(code="AMOX500")
    assert (amoxicillin.label, amoxicillin.max_quantity) == ("Amoxicilline 500 mg, gélule", 20)
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.changes == {
        "label": ["Amoxicilline 500 mg", "Amoxicilline 500 mg, gélule"],
        "max_quantity": [30, 20],
    }


def test_each_bad_row_is_reported_with_its_row_column_and_rule_and_nothing_is_saved(
    federation,
):
    bad = (
        HEADER,
        ("CS-CS", "Consultation", "act", "consultation", "", None),
        ("", "Sans code", "act", "consultation", "", None),
        ("X1", "Type inconnu", "service", "consultation", "", None),
        ("X2", "Forfait", "flat_fee", "childbirth", "", 3),
        ("CS-CS", "Deux fois", "act", "consultation", "", None),
        ("X3", "Quantité", "medicine", "medicines", "", "beaucoup"),
    )

    report = imported(federation.national, workbook(*bad))

    assert not report.saved
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "code"),
        (4, "type"),
        (5, "quantité maximum"),
        (6, "code"),
        (7, "quantité maximum"),
    ]
    assert "already appears on row 2" in report.errors[3].message
    assert not MedicalItem.objects.exists()


def test_a_union_extends_the_national_list_with_items_of_its_own(federation, national_list):
    union_file = workbook(
        HEADER,
        ("CS-PS", "Consultation au poste (tarif UDAM)", "act", "consultation", "health_post"),
        ("KINE", "Séance de kinésithérapie", "act", "consultation", ""),
    )

    report = imported(federation.d1, union_file)

    assert report.created == 2
    assert MedicalItem.objects.filter(owner=federation.d1).count() == 2
    assert national_list["CS-PS"].label == "Consultation au poste de santé"  # untouched
    codes = {i.code: i.owner for i in items_available_to(federation.m1)}
    assert codes["CS-PS"] == federation.d1 and codes["KINE"] == federation.d1
    assert {i.code: i.owner for i in items_available_to(federation.m2)}["CS-PS"] == (
        federation.national
    )


def test_a_mutual_imports_no_list(federation):
    report = imported(federation.m1, workbook(*GOOD))
    assert not report.saved and report.errors
    assert not MedicalItem.objects.exists()


def test_a_missing_column_is_reported(federation):
    report = imported(federation.national, workbook(("code", "libellé"), ("A", "B")))
    assert not report.saved
    assert {p.column for p in report.errors} == {"type", "categorie_de_service"}


def test_the_template_imports_as_it_is_in_each_language(federation):
    for language, owner in (("fr", federation.national), ("en", federation.d1)):
        content = imports.items_template_xlsx(language)
        assert load_workbook(io.BytesIO(content)).sheetnames[1] == "Instructions"
        report = items_import(
            by=None, owner=owner, file_name="t.xlsx", content=content, language=language
        )
        assert report.saved and report.created == len(imports.ITEM_EXAMPLES)


def test_the_national_list_shipped_with_the_demo_imports_without_error(federation):
    report = imported(federation.national, NATIONAL_LIST.read_bytes(), NATIONAL_LIST.name)

    assert report.saved and report.errors == []
    assert report.created == 97
    # its reference prices are the demo's business: the import says it leaves them
    assert [p.column for p in report.warnings] == ["reference_price"]


def test_the_command_imports_a_list_into_a_union(federation, tmp_path, capsys):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(workbook(*GOOD))

    call_command("import_items", str(path), owner="D1", language="en")

    assert "3 added" in capsys.readouterr().out
    assert MedicalItem.objects.filter(owner=federation.d1).count() == 3


def test_the_command_fails_when_errors_kept_the_file_from_being_saved(federation, tmp_path):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(workbook(HEADER, ("A", "", "act", "consultation")))

    with pytest.raises(CommandError) as caught:
        call_command("import_items", str(path), owner="UN", language="en")

    assert caught.value.returncode == 1
    assert not MedicalItem.objects.exists()


def test_mutualis_import_items_is_the_import_items_command(
    federation, tmp_path, capsys, monkeypatch
):
    # a command run from the command line closes the connections when it ends: not the test's
    monkeypatch.setattr(connections, "close_all", lambda: None)

    main(["mutualis", "import-items", str(NATIONAL_LIST), "--owner", "UN", "--language", "en"])

    assert "97 added" in capsys.readouterr().out


def test_a_maximum_quantity_is_at_least_one(federation):
    with pytest.raises(ValidationError) as caught:
        item_create(
            by=None,
            owner=federation.national,
            code="PARA500",
            label="Paracétamol",
            kind="medicine",
            service_category="medicines",
            max_quantity=0,
        )
    assert list(caught.value.message_dict) == ["max_quantity"]
    report = imported(federation.national, workbook(HEADER, ("X", "X", "act", "surgery", "", 0)))
    assert [(p.row, p.column) for p in report.errors] == [(2, "quantité maximum")]
