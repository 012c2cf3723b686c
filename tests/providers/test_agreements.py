"""Agreements, their versions and tariffs (providers.services): a new version from a date takes
the terms and tariffs of the latest one, the past is never rewritten, and a price list is
imported all or nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.audit import audit_trail
from mutualis.core.models import AuditEntry
from mutualis.providers import imports
from mutualis.providers.models import Agreement, Tariff
from mutualis.providers.services import (
    agreement_create,
    agreement_version_add,
    item_create,
    provider_create,
    tariffs_import,
    tariffs_update,
)
from tests.providers.conftest import workbook

D = datetime.date


def sign(provider, party, **values):
    terms = {
        "reference": "CONV-1",
        "signed_on": D(2025, 1, 1),
        "starts_on": D(2025, 1, 1),
        **values,
    }
    return agreement_create(by=None, provider=provider, party=party, **terms)


def prices(version):
    return dict(version.tariffs.values_list("item__code", "price"))


def test_an_agreement_starts_with_its_first_version(federation, health_post):
    agreement = sign(health_post, federation.d1, payment_days=45, referral_required=True)

    version = agreement.versions.get()
    assert version.valid_from == D(2025, 1, 1)
    assert (version.payment_days, version.referral_required) == (45, True)
    assert version.submission_days == 90  # the default


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"ends_on": D(2024, 12, 31)}, "ends_on"),
        ({"payment_days": -1}, "payment_days"),
        ({"invoicing_period": "week"}, "invoicing_period"),
    ],
)
def test_errors_name_the_field(federation, health_post, values, field):
    with pytest.raises(ValidationError) as caught:
        sign(health_post, federation.m1, **values)
    assert list(caught.value.message_dict) == [field]
    assert not Agreement.objects.exists()


def test_a_reference_is_used_once_by_a_party(federation, health_post):
    sign(health_post, federation.m1)
    with pytest.raises(ValidationError) as caught:
        sign(health_post, federation.m1)
    assert list(caught.value.message_dict) == ["reference"]
    assert sign(health_post, federation.d1).reference == "CONV-1"


def test_a_party_signs_only_with_a_provider_of_its_union(federation, health_post):
    with pytest.raises(ValidationError) as caught:
        sign(health_post, federation.m2)  # the health post is D1's
    assert list(caught.value.message_dict) == ["provider"]


def test_a_mutual_manager_signs_only_for_their_mutual(federation, cast, health_post):
    with pytest.raises(ValidationError) as caught:
        agreement_create(
            by=cast["mutual_manager"],
            provider=health_post,
            party=federation.d1,
            reference="X",
            signed_on=D(2025, 1, 1),
            starts_on=D(2025, 1, 1),
        )
    assert "party" in caught.value.message_dict


# --- versions --------------------------------------------------------------------------------


def test_a_new_version_takes_the_terms_and_tariffs_of_the_latest_one(agreement):
    first = agreement.versions.get()
    second = agreement_version_add(
        by=None, agreement=agreement, valid_from=D(2026, 1, 1), payment_days=15
    )

    assert second.payment_days == 15
    assert second.submission_days == first.submission_days
    assert prices(second) == prices(first) == {"CS-PS": 500, "PARA500": 15}


@pytest.mark.parametrize("day", [D(2025, 1, 1), D(2024, 6, 1)])
def test_a_new_version_is_never_back_dated_before_the_latest_one(agreement, day):
    with pytest.raises(ValidationError) as caught:
        agreement_version_add(by=None, agreement=agreement, valid_from=day)
    assert list(caught.value.message_dict) == ["valid_from"]
    assert agreement.versions.count() == 1


def test_a_new_version_starts_while_the_agreement_runs(federation, health_post):
    agreement = sign(health_post, federation.m1, ends_on=D(2025, 12, 31))
    with pytest.raises(ValidationError) as caught:
        agreement_version_add(by=None, agreement=agreement, valid_from=D(2026, 1, 1))
    assert list(caught.value.message_dict) == ["valid_from"]


# --- tariffs ---------------------------------------------------------------------------------


def test_tariffs_are_set_by_code_and_the_change_is_in_the_trail(agreement):
    version = agreement.versions.get()

    changed = tariffs_update(by=None, version=version, prices={"CS-PS": 600, "ACC-SIMP": 5000})

    assert changed == 3  # one changed, one added, PARA500 no longer covered
    assert prices(version) == {"CS-PS": 600, "ACC-SIMP": 5000}
    assert audit_trail(version).first().changes == {
        "tariffs": [{"CS-PS": 500, "PARA500": 15}, {"CS-PS": 600, "ACC-SIMP": 5000}]
    }


def test_an_unknown_code_names_the_tariffs(agreement):
    with pytest.raises(ValidationError) as caught:
        tariffs_update(by=None, version=agreement.versions.get(), prices={"NOPE": 1})
    assert list(caught.value.message_dict) == ["tariffs"]


def test_only_the_latest_version_s_tariffs_change(agreement):
    first = agreement.versions.get()
    agreement_version_add(by=None, agreement=agreement, valid_from=D(2026, 1, 1))

    with pytest.raises(ValidationError) as caught:
        tariffs_update(by=None, version=first, prices={"CS-PS": 1})
    assert list(caught.value.message_dict) == ["version"]
    report = tariffs_import(
        by=None, version=first, file_name="p.xlsx", content=workbook(("code", "prix"), ("CS-PS", 1))
    )
    assert not report.saved
    assert prices(first) == {"CS-PS": 500, "PARA500": 15}


def test_a_union_s_agreement_prices_the_union_s_own_act_for_a_shared_code(
    federation, health_post, national_list
):
    own = item_create(
        by=None,
        owner=federation.d1,
        code="CS-PS",
        label="Consultation (UDAM)",
        kind="act",
        service_category="consultation",
    )
    version = sign(health_post, federation.d1).versions.get()

    tariffs_update(by=None, version=version, prices={"CS-PS": 450})

    assert version.tariffs.get().item == own


# --- the price list --------------------------------------------------------------------------


def import_prices(version, *rows, header=("code", "prix")):
    return tariffs_import(
        by=None,
        version=version,
        file_name="prix.xlsx",
        content=workbook(header, *rows),
        language="en",
    )


def test_a_price_list_replaces_the_prices_it_gives_and_keeps_the_others(agreement):
    version = agreement.versions.get()

    report = import_prices(version, ("CS-PS", 550), ("ACC-SIMP", "5 000"))

    assert report.saved
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert prices(version) == {"CS-PS": 550, "PARA500": 15, "ACC-SIMP": 5000}


def test_importing_the_same_price_list_again_changes_nothing(agreement):
    version = agreement.versions.get()
    import_prices(version, ("CS-PS", 550), ("ACC-SIMP", 5000))
    audit_before = AuditEntry.objects.count()

    report = import_prices(version, ("CS-PS", 550), ("ACC-SIMP", 5000))

    assert report.saved
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == audit_before


def test_a_price_list_with_a_bad_row_saves_nothing_and_names_each_row(agreement):
    version = agreement.versions.get()

    report = import_prices(
        version,
        ("CS-PS", 700),
        ("NOPE", 100),
        ("PARA500", "12,5"),
        ("", 300),
        ("CS-PS", 800),
    )

    assert not report.saved
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "code"),
        (4, "prix"),
        (5, "code"),
        (6, "code"),
    ]
    assert "Unknown code NOPE" in report.errors[0].message
    assert prices(version) == {"CS-PS": 500, "PARA500": 15}
    assert Tariff.objects.count() == 2


def test_the_price_list_to_download_imports_back_unchanged(agreement):
    version = agreement.versions.get()
    rows = [
        ("CS-PS", "Consultation", 500),
        ("PARA500", "Paracétamol", 15),
        ("ACC-SIMP", "Acc", None),
    ]

    report = tariffs_import(
        by=None,
        version=version,
        file_name="liste.xlsx",
        content=imports.price_list_xlsx(rows, "en"),
        language="en",
    )

    assert report.saved and report.warnings == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_a_provider_registered_by_a_mutual_signs_with_it(federation):
    own = provider_create(
        by=None,
        owner=federation.m1,
        code="PH-1",
        name="Pharmacie",
        kind="pharmacy",
        sector="private",
    )
    assert sign(own, federation.m1).provider == own
    with pytest.raises(ValidationError):
        sign(own, federation.m2, reference="CONV-2")
