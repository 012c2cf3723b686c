"""A mutual's yearly record: filled by whoever keeps it (its manager, or an officer of the
union or support structure whose scope holds it), sent to the country's focal point, who
validates it, returns it with a comment, or reopens a validated one; each year kept; each
change audited and in the steward's log."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.inventory.choices import State
from mutualis.inventory.models import Entry, Record
from mutualis.inventory.services import (
    entry_create,
    focal_point_designate,
    focal_point_remove,
    record_reopen,
    record_return,
    record_save,
    record_validate,
)
from tests.inventory.conftest import MALI, SENEGAL, YEAR


def test_the_manager_fills_the_record_and_it_waits_for_the_focal_point(joal, cast, federation):
    manager = cast[Role.MUTUAL_MANAGER]
    record = record_save(by=manager, entry=joal, year=2025, facts=YEAR)
    assert record.state == State.SUBMITTED
    assert (record.members, record.beneficiaries, record.currency) == (120, 540, "XOF")
    assert record.saved_by == manager
    assert AuditEntry.objects.filter(object_id=str(record.pk)).exists()
    event = Event.objects.filter(organisation_id=federation.m1.pk).latest("sequence")
    assert event.kind == "inventory.record_saved"
    assert event.payload["figures"]["members"] == 120 and event.payload["year"] == 2025


def test_every_years_record_is_kept(joal, cast):
    manager = cast[Role.MUTUAL_MANAGER]
    record_save(by=manager, entry=joal, year=2024, facts=YEAR)
    record_save(by=manager, entry=joal, year=2025, facts=YEAR)
    record_save(by=manager, entry=joal, year=2025, facts=YEAR)  # updated, not doubled
    assert list(joal.records.order_by("year").values_list("year", flat=True)) == [2024, 2025]


def test_an_officer_of_the_union_keeps_a_mutual_that_does_not_run_mutualis(benkadi, cast):
    record = record_save(by=cast[Role.UNION_OFFICER], entry=benkadi, year=2025, facts=YEAR)
    assert record.entry == benkadi


def test_the_manager_of_a_mutual_does_not_keep_its_unions_entries(benkadi, cast):
    with pytest.raises(ValidationError) as refused:
        record_save(by=cast[Role.MUTUAL_MANAGER], entry=benkadi, year=2025, facts=YEAR)
    assert "entry" in refused.value.message_dict
    assert not Record.objects.exists()


def test_the_focal_point_validates_and_the_record_then_changes_no_more(joal, cast, focal_point):
    manager = cast[Role.MUTUAL_MANAGER]
    record = record_save(by=manager, entry=joal, year=2025, facts=YEAR)
    record_validate(by=focal_point, record=record)
    record.refresh_from_db()
    assert record.state == State.VALIDATED and record.decided_by == focal_point
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record_save(by=manager, entry=joal, year=2025, facts=YEAR)
    assert "reopens it" in refused.value.message_dict["year"][0]
    record_reopen(by=focal_point, record=record, reason="Les bénéficiaires sont à revoir")
    record.refresh_from_db()
    assert record.state == State.RETURNED
    assert record.comment == "Les bénéficiaires sont à revoir"
    record_save(by=manager, entry=joal, year=2025, facts=YEAR)
    record.refresh_from_db()
    assert record.state == State.SUBMITTED and record.comment == ""


def test_a_returned_record_carries_the_focal_points_comment(joal, cast, focal_point):
    record = record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=2025, facts=YEAR)
    with pytest.raises(ValidationError) as refused:
        record_return(by=focal_point, record=record, comment="  ")
    assert "comment" in refused.value.message_dict
    record_return(by=focal_point, record=record, comment="Le taux de recouvrement surprend")
    record.refresh_from_db()
    assert record.state == State.RETURNED
    kinds = list(
        Event.objects.filter(subject=record.uid).order_by("sequence").values_list("kind", flat=True)
    )
    assert kinds == ["inventory.record_saved", "inventory.record_returned"]


def test_only_a_focal_point_of_the_records_country_validates_it(benkadi, cast, focal_point):
    # the focal point of Senegal does not validate a Malian record, whoever keeps it
    record = record_save(by=cast[Role.UNION_OFFICER], entry=benkadi, year=2025, facts=YEAR)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record_validate(by=focal_point, record=record)
    assert "focal point of the country" in refused.value.message_dict["record"][0]
    record.refresh_from_db()
    assert record.state == State.SUBMITTED


def test_an_officer_who_is_no_focal_point_does_not_validate(joal, cast, federation):
    other = user_create(
        by=None, username="officer-2", organisation=federation.d1, roles=[Role.UNION_OFFICER]
    )
    record = record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=2025, facts=YEAR)
    with pytest.raises(ValidationError):
        record_validate(by=other, record=record)


def test_a_focal_point_is_an_officer_designated_by_the_administrator(cast, federation):
    with pytest.raises(ValidationError) as refused:
        focal_point_designate(by=cast[Role.SYSTEM_ADMIN], user=cast[Role.CASHIER], country="SN")
    assert "user" in refused.value.message_dict
    point = focal_point_designate(
        by=cast[Role.SYSTEM_ADMIN], user=cast[Role.UNION_OFFICER], country="SN"
    )
    again = focal_point_designate(
        by=cast[Role.SYSTEM_ADMIN], user=cast[Role.UNION_OFFICER], country="SN"
    )
    assert again == point
    focal_point_remove(by=cast[Role.SYSTEM_ADMIN], focal_point=point)
    assert not type(point).objects.exists()


def test_a_year_to_come_or_before_the_first_inventory_is_refused(joal, cast):
    for year in (1990, 2999):
        with pytest.raises(ValidationError) as refused:
            record_save(by=cast[Role.MUTUAL_MANAGER], entry=joal, year=year, facts=YEAR)
        assert "year" in refused.value.message_dict


def test_a_manager_adds_their_own_mutual_and_no_other(federation, cast):
    manager = cast[Role.MUTUAL_MANAGER]
    with pytest.raises(ValidationError) as refused:
        entry_create(by=manager, steward=federation.m1, identity=MALI)
    assert "organisation" in refused.value.message_dict
    entry = entry_create(
        by=manager, steward=federation.m1, identity=SENEGAL, organisation=federation.m1
    )
    assert Entry.objects.get() == entry
