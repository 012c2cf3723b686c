"""The federation's demo data: `mutualis demo` builds Senegal's federation, the same for the
same seed, with paths and affiliations exactly as the services write them."""

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from mutualis.federation import demo
from mutualis.federation.models import Affiliation, Location, Organisation, User
from mutualis.federation.rules import ALLOWED_PARENTS, Kind, Role, role_kind_error
from mutualis.federation.services import check_organisation
from mutualis.inventory.demo import CONCERTATION

USERNAMES = {
    "admin",
    "officer",
    "advisor",
    "manager",
    "agent",
    "cashier",
    "accountant",
    "clerk",
    "editor",
}


def kinds(plan):
    return Counter(organisation.kind for organisation in plan.organisations)


def by_code(items):
    return {item.code: item for item in items}


# --- the plan, without the database ----------------------------------------------------------


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    assert demo.plan_federation(random.Random(3), 50) == demo.plan_federation(random.Random(3), 50)
    assert demo.plan_federation(random.Random(3), 50) != demo.plan_federation(random.Random(4), 50)


@pytest.mark.parametrize("mutuals", [50, 700])
def test_the_plan_has_one_national_14_regional_and_45_departmental_unions(mutuals):
    plan = demo.plan_federation(random.Random(1), mutuals)
    counts = kinds(plan)
    assert counts[Kind.NATIONAL_UNION] == 1
    assert counts[Kind.REGIONAL_UNION] == 14
    assert counts[Kind.DEPARTMENTAL_UNION] == 45
    assert counts[Kind.MUTUAL] == mutuals
    per_department = Counter(o.parent for o in plan.organisations if o.kind == Kind.MUTUAL)
    assert len(per_department) == 45  # every department has at least one mutual


def test_mutuals_follow_the_number_of_communes_of_their_department():
    plan = demo.plan_federation(random.Random(1), 700)
    per_department = Counter(o.parent for o in plan.organisations if o.kind == Kind.MUTUAL)
    # Dakar lists 19 communes, Gossas 4
    assert per_department["UDMS-DAK"] > 3 * per_department["UDMS-GOS"]


@pytest.mark.parametrize("mutuals", [1, 2, 44])
def test_a_small_demo_still_has_the_demo_users_mutual_in_thies(mutuals):
    plan = demo.plan_federation(random.Random(1), mutuals)
    organisations = by_code(plan.organisations)
    assert kinds(plan)[Kind.MUTUAL] == mutuals
    manager = next(user for user in plan.users if user.username == "manager")
    assert organisations[manager.organisation].parent == "UDMS-THI"


def test_the_plan_gives_every_organisation_an_allowed_parent_and_location():
    plan = demo.plan_federation(random.Random(5), 120)
    organisations = by_code(plan.organisations)
    locations = by_code(plan.locations)
    assert len(organisations) == len(plan.organisations)  # codes are unique
    assert len(locations) == len(plan.locations)
    for organisation in plan.organisations:
        parent_kind = organisations[organisation.parent].kind if organisation.parent else None
        assert parent_kind in ALLOWED_PARENTS[organisation.kind]
        assert organisation.location in locations
        assert (organisation.parent is None) == (organisation.affiliated_on is None)


def test_each_mutual_has_its_own_commune_in_its_department():
    plan = demo.plan_federation(random.Random(5), 700)
    organisations = by_code(plan.organisations)
    locations = by_code(plan.locations)
    mutuals = [o for o in plan.organisations if o.kind == Kind.MUTUAL]
    assert len({mutual.location for mutual in mutuals}) == len(mutuals)
    for mutual in mutuals:
        commune = locations[mutual.location]
        assert commune.level == Location.Level.COMMUNE
        assert commune.parent == organisations[mutual.parent].location
    names = Counter((place.parent, place.name) for place in plan.locations)
    assert max(names.values()) == 1  # commune names are unique inside a department


def test_mutuals_look_like_senegalese_mutuals():
    plan = demo.plan_federation(random.Random(7), 700)
    mutuals = [o for o in plan.organisations if o.kind == Kind.MUTUAL]
    statuses = Counter(mutual.status for mutual in mutuals)
    types = Counter(mutual.mutual_type for mutual in mutuals)
    assert statuses[Organisation.Status.ACTIVE] > 0.8 * len(mutuals)
    assert statuses[Organisation.Status.DORMANT] and statuses[Organisation.Status.IN_CREATION]
    assert types[Organisation.MutualType.COMMUNITY] > 0.75 * len(mutuals)
    assert set(types) == set(Organisation.MutualType.values)
    for mutual in mutuals:
        assert mutual.currency == "XOF"
        assert mutual.name.startswith("Mutuelle de santé ")
        assert mutual.phone.startswith("+221 7")
        assert 2005 <= mutual.founded_on.year <= 2022
        if mutual.status == Organisation.Status.IN_CREATION:
            assert not mutual.registration_number and mutual.registration_date is None
        else:
            assert mutual.registration_date > mutual.founded_on
            assert mutual.registration_number.startswith("SN-")


def test_support_structures_include_the_ministry_the_agency_and_mali_s_utm():
    plan = demo.plan_federation(random.Random(1), 10)
    structures = {o.code: o for o in plan.organisations if o.kind == Kind.SUPPORT_STRUCTURE}
    assert structures["MSAS"].support_type == Organisation.SupportType.MINISTRY
    assert structures["ANCMU"].support_type == Organisation.SupportType.HEALTH_INSURANCE_AGENCY
    assert structures["UTM"].parent is None and structures["UTM"].location == "ML"
    assert set(Organisation.SupportType.values) == {s.support_type for s in structures.values()}


@given(weights=st.lists(st.integers(1, 30), min_size=1, max_size=50), total=st.integers(1, 2000))
def test_mutuals_per_department_hands_out_every_mutual(weights, total):
    priority = list(range(len(weights)))
    counts = demo.mutuals_per_department(weights, total, priority)
    assert sum(counts) == total
    if total >= len(weights):
        assert min(counts) >= 1


# --- the command, on the database ------------------------------------------------------------


def run_demo(**options):
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_writes_exactly_the_plan_of_its_seed():
    run_demo(mutuals=50, seed=3)

    plan = demo.plan_federation(random.Random(3), 50)
    written = {
        (
            o.code,
            o.name,
            o.kind,
            o.parent.code if o.parent else None,
            o.location.code if o.location else None,
            o.status,
            o.founded_on,
        )
        # the network's support structure is the inventory's demo's, not the federation's plan
        for o in Organisation.objects.select_related("parent", "location").exclude(
            code=CONCERTATION
        )
    }
    assert written == {
        (o.code, o.name, o.kind, o.parent, o.location, o.status, o.founded_on)
        for o in plan.organisations
    }
    places = {
        (p.code, p.name, p.level, p.parent.code if p.parent else None)
        for p in Location.objects.select_related("parent")
    }
    assert places == {(p.code, p.name, p.level, p.parent) for p in plan.locations}
    assert Organisation.objects.filter(kind=Kind.NATIONAL_UNION).count() == 1
    assert Organisation.objects.filter(kind=Kind.REGIONAL_UNION).count() == 14
    assert Organisation.objects.filter(kind=Kind.DEPARTMENTAL_UNION).count() == 45
    assert Organisation.objects.filter(kind=Kind.MUTUAL).count() == 50


@pytest.mark.django_db
def test_paths_and_affiliations_are_those_the_services_would_write():
    run_demo(mutuals=50, seed=3)

    open_affiliations = {a.organisation_id: a for a in Affiliation.objects.filter(end=None)}
    assert Affiliation.objects.count() == len(open_affiliations)
    for organisation in Organisation.objects.select_related("parent", "location"):
        parent = organisation.parent
        assert organisation.path == f"{parent.path if parent else '/'}{organisation.pk}/"
        if parent is None:
            assert organisation.pk not in open_affiliations
        else:
            assert open_affiliations[organisation.pk].parent_id == parent.pk
        check_organisation(organisation)  # what organisation_create validates


@pytest.mark.django_db
def test_every_demo_user_has_their_role_place_and_password(client):
    run_demo(mutuals=50, seed=3)

    thies = Organisation.objects.get(code="URMS-TH")
    department = Organisation.objects.get(code="UDMS-THI", parent=thies)
    mutual = Organisation.objects.filter(parent=department).order_by("code").first()
    national = Organisation.objects.get(code="UNAMUSC")
    expected = {
        "admin": (Role.SYSTEM_ADMIN, national),
        "officer": (Role.UNION_OFFICER, thies),
        "advisor": (Role.MEDICAL_ADVISOR, department),
        "manager": (Role.MUTUAL_MANAGER, mutual),
        "agent": (Role.ENROLMENT_AGENT, mutual),
        "cashier": (Role.CASHIER, mutual),
        "accountant": (Role.ACCOUNTANT, mutual),
        "clerk": (Role.PROVIDER_CLERK, mutual),
        "editor": (Role.PORTAL_EDITOR, national),
    }
    assert set(expected) == USERNAMES
    request = RequestFactory().get("/")  # the log-in throttle needs a request
    for username, (role, organisation) in expected.items():
        user = User.objects.get(username=username)
        assert user.roles == {role}
        assert user.organisation == organisation
        assert role_kind_error(role, organisation.kind) is None
        assert user.email == f"{username}@demo.mutualis.sn"
        assert user.first_name and user.last_name
        assert client.login(request=request, username=username, password="mutualis")
        client.logout()


@pytest.mark.django_db
def test_the_demo_refuses_a_database_that_holds_data_unless_told_if_empty():
    run_demo(mutuals=3, seed=1)
    count = Organisation.objects.count()

    with pytest.raises(CommandError):
        run_demo(mutuals=3, seed=2)
    out = run_demo(mutuals=3, seed=2, if_empty=True)

    assert "already holds data" in out
    assert Organisation.objects.count() == count
    assert all(f"  {username} " in out for username in USERNAMES)  # the log-ins again


@pytest.mark.django_db
def test_the_summary_lists_the_nine_log_ins_and_the_password():
    out = run_demo(mutuals=3, seed=1)

    lines = demo.summary()
    assert '"mutualis"' in lines[0]
    assert {line.split()[0] for line in lines[1:]} == USERNAMES
    assert any("Union régionale des mutuelles de santé de Thiès" in line for line in lines)
    assert "\n".join(lines) in out


@pytest.mark.django_db
def test_the_summary_omits_users_whose_password_changed():
    run_demo(mutuals=3, seed=1)
    admin = User.objects.get(username="admin")
    admin.set_password("Another-Password-2026")
    admin.save()

    usernames = {line.split()[0] for line in demo.summary()[1:]}

    assert usernames == USERNAMES - {"admin"}


@pytest.mark.django_db
def test_the_700_mutual_demo_has_every_union():
    run_demo(mutuals=700, seed=1)

    counts = Counter(Organisation.objects.values_list("kind", flat=True))
    assert counts[Kind.MUTUAL] == 700
    assert counts[Kind.DEPARTMENTAL_UNION] == 45
    assert counts[Kind.REGIONAL_UNION] == 14
    assert Location.objects.filter(level=Location.Level.COMMUNE).count() == 700
