import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualis.core.identifiers import is_valid
from mutualis.core.models import AuditEntry, NumberSeries
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.services import (
    PossibleDuplicates,
    beneficiary_add,
    beneficiary_leave,
    household_enrol,
    household_resign,
)
from tests.conftest import person


def test_enrolment_gives_each_member_a_number_that_checks_itself(family):
    numbers = list(family.beneficiaries.values_list("member_number", flat=True))
    assert len(numbers) == 4
    assert all(is_valid(n) and n.startswith("M1-") for n in numbers)
    assert NumberSeries.objects.get(organisation_id=family.mutual_id, name="member").last_value == 4


def test_the_head_is_recorded_as_such_and_children_get_the_child_category(family):
    head = family.beneficiaries.get(relationship="head")
    assert head.first_name == "Moussa"
    assert family.beneficiaries.get(first_name="Fatou").category == "child"
    assert head.category == "adult"


def test_enrolment_is_audited(family):
    assert AuditEntry.objects.filter(content_type__model="beneficiary").count() == 4
    assert AuditEntry.objects.filter(content_type__model="household", action="create").exists()


def test_a_birth_date_in_the_future_is_refused_and_nothing_is_saved(federation, cmu_package):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    with pytest.raises(ValidationError) as caught:
        household_enrol(
            by=None,
            mutual=federation.m1,
            package=cmu_package,
            enrolled_on=datetime.date(2025, 1, 10),
            head=person("Ousmane", "Sow", "M", "1970-01-01"),
            dependents=[person("Bébé", "Sow", "F", future)],
        )
    assert "dependents.0.birth_date" in caught.value.message_dict
    assert not Household.objects.exists()
    assert not Beneficiary.objects.exists()


def test_a_dependent_older_than_allowed_is_refused(federation, cmu_package):
    with pytest.raises(ValidationError) as caught:
        household_enrol(
            by=None,
            mutual=federation.m1,
            package=cmu_package,
            enrolled_on=datetime.date(2025, 1, 10),
            head=person("Ousmane", "Sow", "M", "1960-01-01"),
            dependents=[person("Cheikh", "Sow", "M", "1995-01-01")],
        )
    assert "dependents.0.birth_date" in caught.value.message_dict


def test_an_unknown_package_is_refused(federation, cmu_package):
    from mutualis.benefits.services import package_create

    other = package_create(by=None, owner=federation.m2, code="P2", name="Paquet de Pakour")
    with pytest.raises(ValidationError) as caught:
        household_enrol(
            by=None,
            mutual=federation.m1,
            package=other,
            enrolled_on=datetime.date(2025, 1, 10),
            head=person("Ousmane", "Sow", "M", "1970-01-01"),
        )
    assert "package" in caught.value.message_dict


def test_a_possible_duplicate_is_flagged_across_the_union_before_saving(family, federation):
    # given Awa Diop, born 1985-06-11, registered in Joal
    # when an agent of the same union enrols "Diop Awa" with the same birth date elsewhere
    from mutualis.federation.services import organisation_create

    nianing = organisation_create(
        by=None,
        kind="mutual",
        parent=federation.d1,
        code="M3",
        name="Mutuelle de Nianing",
        currency="XOF",
        mutual_type="community",
    )
    with pytest.raises(PossibleDuplicates) as caught:
        household_enrol(
            by=None,
            mutual=nianing,
            package=family.package,
            enrolled_on=datetime.date(2025, 2, 1),
            head=person("DIOP", "Awa", "F", "1985-06-11"),
        )
    # then she is shown to the agent, and nothing is saved until they confirm
    assert [b.first_name for b in caught.value.matches] == ["Awa"]
    assert not Household.objects.filter(mutual=nianing).exists()
    household_enrol(
        by=None,
        mutual=nianing,
        package=family.package,
        enrolled_on=datetime.date(2025, 2, 1),
        head=person("DIOP", "Awa", "F", "1985-06-11"),
        acknowledge_duplicates=True,
    )
    assert Household.objects.filter(mutual=nianing).count() == 1


def test_a_second_spouse_beyond_the_package_limit_is_refused(family):
    version = family.package.versions.get()
    version.spouses_allowed = 1
    version.save()
    with pytest.raises(ValidationError) as caught:
        beneficiary_add(
            by=None, household=family, person=person("Khady", "Ndiaye", "F", "1990-01-01", "spouse")
        )
    assert "relationship" in caught.value.message_dict


def test_a_newborn_joins_the_household_with_the_next_number(family):
    baby = beneficiary_add(
        by=None,
        household=family,
        person=person("Aminata", "Diop", "F", "2025-05-01"),
        enrolled_on=datetime.date(2025, 5, 3),
    )
    assert baby.member_number.startswith("M1-000005-")
    assert baby.category == "child"


def test_the_head_cannot_leave_without_the_household(family):
    with pytest.raises(ValidationError):
        beneficiary_leave(
            by=None,
            beneficiary=family.beneficiaries.get(relationship="head"),
            on=datetime.date(2025, 6, 1),
        )


def test_a_resigned_household_takes_no_new_dependent(family):
    household_resign(by=None, household=family, on=datetime.date(2025, 6, 1), reason="départ")
    with pytest.raises(ValidationError):
        beneficiary_add(
            by=None, household=family, person=person("Aminata", "Diop", "F", "2025-05-01")
        )


def test_every_change_of_the_register_appends_its_event(family, cast):
    import datetime

    from mutualis.core.models import Event
    from mutualis.federation.rules import Role
    from mutualis.membership.services import (
        beneficiary_add,
        beneficiary_leave,
        beneficiary_update,
        household_resign,
    )
    from tests.conftest import person

    manager = cast[Role.MUTUAL_MANAGER]
    newborn = beneficiary_add(
        by=manager,
        household=family,
        person=person("Khady", "Diop", "F", "2025-02-20"),
        enrolled_on=datetime.date(2025, 2, 25),
    )
    beneficiary_update(by=manager, beneficiary=newborn, phone="+221 77 000 00 00")
    beneficiary_leave(by=manager, beneficiary=newborn, on=datetime.date(2025, 6, 1))
    household_resign(by=manager, household=family, on=datetime.date(2025, 12, 1))
    events = list(
        Event.objects.filter(organisation_id=family.mutual_id)
        .exclude(kind__startswith="organisation.")  # the mutual's own creation comes first
        .order_by("sequence")
    )
    assert [e.kind for e in events] == [
        "household.enrolled",
        "beneficiary.added",
        "beneficiary.changed",
        "beneficiary.left",
        "household.resigned",
    ]
    first = events[0].sequence
    assert [e.sequence for e in events] == list(range(first, first + 5))
    enrolled, added, changed, left, resigned = events
    assert len(enrolled.payload["members"]) == 4
    assert enrolled.payload["household"] == str(family.uid) == resigned.payload["household"]
    assert added.subject == newborn.uid and added.payload["birth_date"] == "2025-02-20"
    assert changed.payload["changes"]["phone"] == ["", "+221 77 000 00 00"]
    assert left.payload["left_on"] == "2025-06-01"
    assert resigned.payload["resigned_on"] == "2025-12-01"
    assert all(e.actor == manager for e in events[1:])
