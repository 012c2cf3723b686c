import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.core.models import AuditEntry
from mutualis.federation.models import Affiliation, Organisation
from mutualis.federation.rules import Kind
from mutualis.federation.services import (
    organisation_create,
    organisation_move,
    organisation_update,
)
from tests.conftest import make_mutual


def test_it_builds_the_path_from_the_parents_path(federation):
    assert federation.national.path == f"/{federation.national.pk}/"
    assert federation.m1.path == f"{federation.d1.path}{federation.m1.pk}/"


def test_it_opens_an_affiliation_with_the_parent(federation):
    affiliation = Affiliation.objects.get(organisation=federation.m1)
    assert affiliation.parent == federation.d1
    assert affiliation.end is None


def test_it_refuses_a_duplicate_code_inside_a_parent(federation):
    with pytest.raises(ValidationError) as caught:
        make_mutual(federation.d1, "M1", "Another mutual")
    assert "M1" in caught.value.message_dict["code"][0]
    assert Organisation.objects.filter(name="Another mutual").count() == 0


def test_the_same_code_is_allowed_under_another_parent(federation):
    mutual = make_mutual(federation.d2, "M1", "Mutuelle homonyme")
    assert mutual.pk


def test_it_refuses_a_mutual_without_a_union(federation):
    with pytest.raises(ValidationError) as caught:
        make_mutual(None, "MX", "Mutuelle orpheline")
    assert "parent" in caught.value.message_dict


def test_it_refuses_a_mutual_under_a_mutual(federation):
    with pytest.raises(ValidationError) as caught:
        make_mutual(federation.m1, "MX", "Mutuelle de mutuelle")
    assert caught.value.message_dict["parent"]


def test_it_refuses_a_mutual_without_currency_or_type(federation):
    with pytest.raises(ValidationError) as caught:
        organisation_create(
            by=None,
            kind=Kind.MUTUAL,
            parent=federation.d1,
            code="MZ",
            name="Mutuelle incomplète",
            currency="EURO",
        )
    assert set(caught.value.message_dict) >= {"currency", "mutual_type"}


def test_a_support_structure_needs_its_type(federation):
    with pytest.raises(ValidationError) as caught:
        organisation_create(
            by=None, kind=Kind.SUPPORT_STRUCTURE, parent=None, code="ONG", name="ONG sans type"
        )
    assert "support_type" in caught.value.message_dict


def test_it_records_who_created_and_what(federation, admin):
    mutual = organisation_create(
        by=admin,
        kind=Kind.MUTUAL,
        parent=federation.d1,
        code="M9",
        name="Mutuelle de Nianing",
        currency="XOF",
        mutual_type="community",
    )
    entry = AuditEntry.objects.get(
        object_id=mutual.pk, action="create", content_type__model="organisation"
    )
    assert entry.actor == admin
    assert entry.changes["name"] == [None, "Mutuelle de Nianing"]


def test_an_update_records_the_fields_before_and_after(federation, admin):
    organisation_update(
        by=admin,
        organisation=federation.m1,
        name="Mutuelle de Joal-Fadiouth",
        phone="+221 77 000 00 00",
    )
    entry = AuditEntry.objects.filter(object_id=federation.m1.pk, action="update").get()
    assert entry.changes == {
        "name": ["Mutuelle de santé de Joal", "Mutuelle de Joal-Fadiouth"],
        "phone": ["", "+221 77 000 00 00"],
    }


def test_an_update_that_changes_nothing_records_nothing(federation, admin):
    organisation_update(by=admin, organisation=federation.m1, name=federation.m1.name)
    assert not AuditEntry.objects.filter(object_id=federation.m1.pk, action="update").exists()


def test_an_update_outside_the_rules_changes_nothing(federation, admin):
    with pytest.raises(ValidationError):
        organisation_update(by=admin, organisation=federation.m1, name="", currency="")
    federation.m1.refresh_from_db()
    assert federation.m1.name == "Mutuelle de santé de Joal"


def test_moving_a_mutual_keeps_its_history(federation, admin):
    day = timezone.localdate() + datetime.timedelta(days=30)
    organisation_move(by=None, organisation=federation.m1, new_parent=federation.d2, on=day)
    federation.m1.refresh_from_db()
    assert federation.m1.parent == federation.d2
    assert federation.m1.path == f"{federation.d2.path}{federation.m1.pk}/"
    periods = list(
        Affiliation.objects.filter(organisation=federation.m1)
        .order_by("start", "pk")
        .values_list("parent__code", "end")
    )
    assert periods == [("D1", day), ("D2", None)]
    assert AuditEntry.objects.filter(object_id=federation.m1.pk, action="move").count() == 1


def test_moving_a_union_moves_its_members(federation):
    organisation_move(by=None, organisation=federation.d1, new_parent=federation.r2)
    federation.m1.refresh_from_db()
    assert federation.m1.path.startswith(federation.r2.path)


def test_it_refuses_a_cycle(federation):
    with pytest.raises(ValidationError) as caught:
        organisation_move(by=None, organisation=federation.r1, new_parent=federation.d1)
    assert caught.value.message_dict["new_parent"]
    federation.r1.refresh_from_db()
    assert federation.r1.parent == federation.national


def test_it_refuses_a_move_before_the_current_affiliation(federation):
    with pytest.raises(ValidationError) as caught:
        organisation_move(
            by=None,
            organisation=federation.m1,
            new_parent=federation.d2,
            on=datetime.date(2000, 1, 1),
        )
    assert "on" in caught.value.message_dict


def test_a_user_cannot_move_the_root_of_their_own_scope(federation, cast):
    officer = cast["union_officer"]
    with pytest.raises(ValidationError):
        organisation_move(by=officer, organisation=federation.d1, new_parent=federation.r1)


def test_a_user_cannot_move_anything_outside_their_scope(federation, cast):
    officer = cast["union_officer"]
    with pytest.raises(ValidationError):
        organisation_move(by=officer, organisation=federation.m1, new_parent=federation.d2)
    federation.m1.refresh_from_db()
    assert federation.m1.parent == federation.d1


def expected_path(organisation: Organisation) -> str:
    chain = []
    node = organisation
    while node is not None:
        chain.append(str(node.pk))
        node = node.parent
    return "/" + "/".join(reversed(chain)) + "/"


@pytest.mark.django_db
@settings(max_examples=25)
@given(moves=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=12))
def test_paths_and_affiliations_always_follow_the_parents(moves):
    # given a small federation of unions and mutuals
    Affiliation.objects.all().delete()
    AuditEntry.objects.all().delete()
    Organisation.objects.all().update(parent=None)
    Organisation.objects.all().delete()
    national = organisation_create(
        by=None, kind=Kind.NATIONAL_UNION, parent=None, code="N", name="N"
    )
    unions = [national]
    for index in range(3):
        unions.append(
            organisation_create(
                by=None,
                kind=Kind.REGIONAL_UNION,
                parent=national,
                code=f"R{index}",
                name=f"R{index}",
            )
        )
    for index in range(4):
        unions.append(
            organisation_create(
                by=None,
                kind=Kind.DEPARTMENTAL_UNION,
                parent=unions[1 + index % 3],
                code=f"D{index}",
                name=f"D{index}",
            )
        )
    for index in range(4):
        make_mutual(unions[4 + index], f"M{index}", f"M{index}")
    everyone = list(Organisation.objects.order_by("pk"))
    # when arbitrary moves are tried, allowed or not
    for mover, target in moves:
        organisation = Organisation.objects.get(pk=everyone[mover].pk)
        new_parent = Organisation.objects.get(pk=everyone[target].pk)
        with contextlib.suppress(ValidationError):
            organisation_move(by=None, organisation=organisation, new_parent=new_parent)
    # then every path spells the chain of parents and one affiliation per organisation is open
    for organisation in Organisation.objects.select_related("parent"):
        assert organisation.path == expected_path(organisation)
        open_periods = Affiliation.objects.filter(organisation=organisation, end__isnull=True)
        if organisation.parent_id:
            assert [a.parent_id for a in open_periods] == [organisation.parent_id]
        else:
            assert not open_periods.exists()
