"""An inventory record with impossible figures is refused with the field and the rule, in the
user's language, and nothing of it is written: more members than beneficiaries, contributions
collected above those due beyond the reports' tolerance, negative numbers."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mutualis.core.models import AuditEntry, Event
from mutualis.federation.rules import Role
from mutualis.inventory.models import Entry, Record
from mutualis.inventory.services import Identity, entry_create, record_save
from tests.inventory.conftest import YEAR


def refused(entry, by, **changes) -> dict[str, list[str]]:
    counts = (Record.objects.count(), Event.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        record_save(by=by, entry=entry, year=2025, facts=dataclasses.replace(YEAR, **changes))
    assert (Record.objects.count(), Event.objects.count(), AuditEntry.objects.count()) == counts
    return error.value.message_dict


@pytest.fixture
def manager(cast):
    return cast[Role.MUTUAL_MANAGER]


def test_more_members_than_beneficiaries_is_refused_with_the_rule(joal, manager):
    with translation.override("en"):
        messages = refused(joal, manager, members=600, beneficiaries=540)
    assert messages["members"] == [
        "Members (600) cannot be more than the beneficiaries (540): each member is a beneficiary."
    ]


def test_the_rule_is_said_in_french_to_a_french_reader(joal, manager):
    with translation.override("fr"):
        messages = refused(joal, manager, members=600, beneficiaries=540)
    assert "chaque adhérent est un bénéficiaire" in messages["members"][0]


def test_collections_above_the_dues_beyond_the_tolerance_are_refused(joal, manager, settings):
    settings.MUTUALIS_REPORT_TOLERANCE_BP = 1000
    # 10 % more than due is arrears paid late; a little more is refused
    record_save(
        by=manager,
        entry=joal,
        year=2024,
        facts=dataclasses.replace(YEAR, contributions_due=1000, contributions_collected=1100),
    )
    with translation.override("en"):
        messages = refused(joal, manager, contributions_due=1000, contributions_collected=1101)
    assert "by more than 10.0%" in messages["contributions_collected"][0]


@pytest.mark.parametrize(
    "name", ["members", "beneficiaries", "women_members", "subsidies", "reserves", "contribution"]
)
def test_a_negative_figure_is_refused(joal, manager, name):
    with translation.override("en"):
        messages = refused(joal, manager, **{name: -1})
    assert any("cannot be below zero" in message for message in messages[name])


def test_more_women_than_members_a_rate_above_100_and_a_contribution_without_period(joal, manager):
    with translation.override("en"):
        messages = refused(
            joal, manager, women_members=121, coverage_rate=120, contribution_period=""
        )
    assert set(messages) == {"women_members", "coverage_rate", "contribution_period"}


def test_values_off_the_lists_are_refused(joal, manager):
    messages = refused(joal, manager, status="dormant", currency="ZZZ", services=("massage",))
    assert set(messages) == {"status", "currency", "services"}


def test_a_mutual_without_name_country_or_type_is_not_added(federation, cast):
    with pytest.raises(ValidationError) as error:
        entry_create(
            by=cast[Role.UNION_OFFICER],
            steward=federation.d1,
            identity=Identity(name=" ", country="XX", mutual_type="club"),
        )
    assert set(error.value.message_dict) == {"name", "country", "mutual_type"}
    assert not Entry.objects.exists()
