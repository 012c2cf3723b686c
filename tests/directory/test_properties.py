"""Whatever fields an entry keeps for members, the public's card holds none of them and a
member's card holds them all (directory.queries, the one place visibility is applied)."""

from hypothesis import given
from hypothesis import strategies as st

from mutualis.portal.directory.models import Institution, Person
from mutualis.portal.directory.queries import institution_card, person_card
from mutualis.portal.directory.rules import INSTITUTION_CHOOSABLE, PERSON_CHOOSABLE

VALUES = {
    "city": "Kaffrine",
    "address": "BP 12",
    "phone": "+221 33 000 00 00",
    "email": "a@example.org",
    "website": "https://a.example.org",
}


@given(st.sets(st.sampled_from(sorted(INSTITUTION_CHOOSABLE))))
def test_an_organisations_members_only_fields_never_reach_the_public(hidden):
    row = Institution(
        name="Union", kind="union", membership="member", country="SN", members_only=sorted(hidden)
    )
    for name, value in VALUES.items():
        setattr(row, name, value)
    public = institution_card(row, member=False)
    member = institution_card(row, member=True)
    assert hidden.isdisjoint(public)
    assert set(INSTITUTION_CHOOSABLE) - hidden <= set(public)
    assert set(INSTITUTION_CHOOSABLE) <= set(member)
    for name in hidden:
        assert VALUES[name] not in public.values()


@given(st.sets(st.sampled_from(sorted(PERSON_CHOOSABLE))))
def test_a_persons_members_only_fields_never_reach_the_public(hidden):
    institution = Institution(name="Union", kind="union", membership="member", country="SN")
    row = Person(
        name="Awa",
        country="SN",
        title="Gérante",
        phone="+221 77 000 00 00",
        email="awa@example.org",
        languages="fr wo",
        expertise="Cotisations",
        institution=institution,
        members_only=sorted(hidden),
    )
    public = person_card(row, member=False)
    assert hidden.isdisjoint(public)
    assert set(PERSON_CHOOSABLE) - hidden <= set(public)
    assert set(PERSON_CHOOSABLE) <= set(person_card(row, member=True))
