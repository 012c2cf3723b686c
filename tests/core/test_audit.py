import datetime
import uuid

from hypothesis import given
from hypothesis import strategies as st

from mutualis.core.audit import as_json_value, changes_between
from mutualis.federation.rules import Role
from mutualis.federation.services import organisation_move, organisation_update, user_create

values = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.booleans())
snapshots = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), values)


@given(before=snapshots, after=snapshots)
def test_changes_hold_exactly_the_fields_that_differ(before, after):
    changes = changes_between(before, after)
    for name in before.keys() | after.keys():
        differs = before.get(name) != after.get(name)
        assert (name in changes) == differs
        if differs:
            assert changes[name] == [before.get(name), after.get(name)]


def test_values_are_stored_as_json():
    assert as_json_value(datetime.date(2026, 11, 24)) == "2026-11-24"
    uid = uuid.uuid4()
    assert as_json_value(uid) == str(uid)


def test_the_history_page_shows_who_changed_what(client, federation, admin):
    organisation_update(by=admin, organisation=federation.m1, name="Mutuelle de Joal-Fadiouth")
    client.force_login(admin)
    page = client.get(f"/organisations/{federation.m1.pk}/history/").content.decode()
    assert "Mutuelle de Joal-Fadiouth" in page
    assert "Mutuelle de santé de Joal" in page
    assert str(admin) in page


def test_the_history_page_names_the_parents_rather_than_their_numbers(client, federation):
    # given an administrator of the whole federation, and a mutual moved to another union
    head = user_create(
        by=None, username="head", organisation=federation.national, roles=[Role.SYSTEM_ADMIN]
    )
    organisation_move(by=head, organisation=federation.m1, new_parent=federation.d2)
    # when they read its history
    client.force_login(head)
    page = client.get(f"/organisations/{federation.m1.pk}/history/").content.decode()
    # then the old and new unions appear by name
    assert "Union départementale de Mbour" in page
    assert "Union départementale de Vélingara" in page
