"""Demo data of the federation: places, unions, mutuals, support structures and demo log-ins.

`mutualis demo --mutuals N --seed S` builds Senegal's federation (domain-rules.md §1): the national
union (UNAMUSC), 14 regional unions (one per region), 45 departmental unions (the classic list of
departments) and N mutuals, one per commune ("one commune, one mutual"), spread over the
departments in proportion to their number of communes; a few support structures in Senegal,
Mali and Benin; and one demo user per role, all with the password "mutualis".

The work is in two steps: `plan_federation(rng, mutuals)` decides everything from the random
generator and the data files in `federation/data/` (pure: plain dataclasses, no database), and
`write_federation(plan)` writes the plan with a handful of bulk inserts (one service call per row
would take minutes for a 700-mutual federation; bulk inserts take well under a second). The rows
are exactly what the services would write — paths, affiliations, constraints, the
`organisation.created` event of each organisation in its own log — without the audit entries,
which a demo does not need.

What later generators find in `demo.made` (saved rows, primary keys set):

- ``"locations"``: dict code → Location. Countries "SN", "ML", "BJ"; regions by their ISO
  3166-2 code ("SN-TH"); departments "SN-TH-THI"; communes "SN-TH-THI-001".
- ``"organisations"``: dict code → Organisation, every organisation written (codes are unique
  across the whole demo federation).
- ``"national_union"``: the UNAMUSC Organisation.
- ``"regional_unions"``, ``"departmental_unions"``, ``"mutuals"``, ``"support_structures"``:
  lists of Organisation in plan order; mutuals are in code order (MS-0001, MS-0002…), each with
  its commune (`.location`) and its departmental union (`.parent`) already loaded.
- ``"demo_mutual"``: the mutual the demo manager, agent, cashier, accountant and clerk work in
  (the first mutual of the departmental union of Thiès, UDMS-THI).
- ``"users"``: dict username → User for the demo log-ins (see DEMO_USERS).
- ``"password"``: the demo users' password.
"""

import datetime
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import CommandError
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.text import slugify

from mutualis.core.demo import Demo
from mutualis.core.events import append
from mutualis.federation import events
from mutualis.federation.models import Affiliation, Location, Organisation, RoleGrant, User
from mutualis.federation.rules import Kind, Role

DATA_DIR = Path(__file__).parent / "data"
DEMO_PASSWORD = "mutualis"
# Hashes of DEMO_PASSWORD written by this process: summary() need not check them again.
DEMO_PASSWORD_HASHES: set[str] = set()
EMAIL_DOMAIN = "demo.mutualis.sn"
CURRENCY = "XOF"

NATIONAL_UNION_CODE = "UNAMUSC"
NATIONAL_UNION_NAME = "Union nationale des mutuelles de santé communautaires du Sénégal"
# The demo users work in Thiès: its department gets a mutual even in the smallest demo.
DEMO_REGION = "SN-TH"
DEMO_DEPARTMENT = "THI"

Status = Organisation.Status
SupportType = Organisation.SupportType
MutualType = Organisation.MutualType
Level = Location.Level

# Most Senegalese mutuals are community mutuals; the others are tied to a trade, a workplace or a
# savings-and-credit network (domain-rules.md §1, §4).
MUTUAL_TYPE_WEIGHTS = {
    MutualType.COMMUNITY: 85,
    MutualType.PROFESSIONAL: 8,
    MutualType.WORKPLACE: 4,
    MutualType.MICROFINANCE: 3,
}
MOBILE_PREFIXES = ("77", "77", "77", "78", "78", "76", "70")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    # where the user works: "national", "region" (URMS-TH), "department" (UDMS-THI) or "mutual"
    # (the demo mutual)
    place: str
    first_name: str
    last_name: str


# Other engineers' tests log in as these users: keep the usernames and placements.
DEMO_USERS = (
    DemoUser("admin", Role.SYSTEM_ADMIN, "national", "Ousmane", "Sarr"),
    DemoUser("officer", Role.UNION_OFFICER, "region", "Fatou", "Ndiaye"),
    DemoUser("advisor", Role.MEDICAL_ADVISOR, "department", "Cheikh", "Mbaye"),
    DemoUser("manager", Role.MUTUAL_MANAGER, "mutual", "Aminata", "Diop"),
    DemoUser("agent", Role.ENROLMENT_AGENT, "mutual", "Moussa", "Faye"),
    DemoUser("cashier", Role.CASHIER, "mutual", "Khady", "Sow"),
    DemoUser("accountant", Role.ACCOUNTANT, "mutual", "Adama", "Coulibaly"),
    DemoUser("clerk", Role.PROVIDER_CLERK, "mutual", "Mariama", "Ba"),
    DemoUser("editor", Role.PORTAL_EDITOR, "national", "Afiavi", "Houngbédji"),
)


@dataclass(frozen=True)
class SupportStructure:
    code: str
    name: str
    support_type: str
    parent: str | None  # code of the parent union; None for a root
    location: str  # code of a Location
    country: str  # where the contact person's name comes from


SUPPORT_STRUCTURES = (
    SupportStructure(
        "MSAS",
        "Ministère de la Santé et de l'Action sociale",
        SupportType.MINISTRY,
        None,
        "SN-DK",
        "SN",
    ),
    SupportStructure(
        "ANCMU",
        "Agence nationale de la Couverture Maladie Universelle",
        SupportType.HEALTH_INSURANCE_AGENCY,
        None,
        "SN-DK",
        "SN",
    ),
    SupportStructure(
        "BIT-STEP",
        "Programme STEP de l'OIT",
        SupportType.COOPERATION_AGENCY,
        NATIONAL_UNION_CODE,
        "SN-DK",
        "SN",
    ),
    SupportStructure(
        "WSM", "Solidarité Mondiale", SupportType.NGO, NATIONAL_UNION_CODE, "SN", "SN"
    ),
    SupportStructure(
        "ENDA-SANTE", "Enda Santé", SupportType.NGO, NATIONAL_UNION_CODE, "SN-DK", "SN"
    ),
    SupportStructure(
        "IRD",
        "Institut de recherche pour le développement",
        SupportType.RESEARCH_INSTITUTE,
        NATIONAL_UNION_CODE,
        "SN-DK",
        "SN",
    ),
    SupportStructure(
        "UTM", "Union technique de la mutualité malienne", SupportType.NGO, None, "ML", "ML"
    ),
    SupportStructure(
        "RAMS-BJ",
        "Réseau d'appui aux mutuelles de santé du Bénin",
        SupportType.NGO,
        None,
        "BJ",
        "BJ",
    ),
)


# --- the plan: plain data decided from the random generator ---------------------------------


@dataclass(frozen=True)
class PlannedLocation:
    code: str
    name: str
    level: str
    country_code: str
    parent: str | None = None  # code of the parent location


@dataclass(frozen=True)
class PlannedOrganisation:
    code: str
    name: str
    kind: str
    parent: str | None  # code of the parent organisation; None for a root
    location: str | None  # code of its Location
    status: str = Status.ACTIVE
    support_type: str = ""
    mutual_type: str = ""
    currency: str = ""
    founded_on: datetime.date | None = None
    registration_number: str = ""
    registration_date: datetime.date | None = None
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    affiliated_on: datetime.date | None = None  # start of its affiliation to its parent


@dataclass(frozen=True)
class PlannedUser:
    username: str
    role: str
    organisation: str  # code
    first_name: str
    last_name: str
    email: str
    phone: str


@dataclass(frozen=True)
class FederationPlan:
    locations: tuple[PlannedLocation, ...]
    organisations: tuple[PlannedOrganisation, ...]
    users: tuple[PlannedUser, ...]


@cache
def load_data() -> dict[str, Any]:
    return {
        name: json.loads((DATA_DIR / f"demo_{name}.json").read_text(encoding="utf-8"))
        for name in ("places", "names")
    }


def of(name: str) -> str:
    """'de Thiès', 'd'Ourossogui': the French preposition before a place name."""
    return f"d'{name}" if name[0] in "AEIOUÉÈÊ" else f"de {name}"


def random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def mobile_phone(rng: random.Random) -> str:
    return (
        f"+221 {rng.choice(MOBILE_PREFIXES)} {rng.randrange(200, 1000)} "
        f"{rng.randrange(100):02d} {rng.randrange(100):02d}"
    )


def office_phone(rng: random.Random) -> str:
    return f"+221 33 {rng.randrange(820, 1000)} {rng.randrange(100):02d} {rng.randrange(100):02d}"


def person_name(rng: random.Random, country: str) -> tuple[str, str]:
    people = load_data()["names"]["people"][country]
    first = rng.choice(people["female"] if rng.random() < 0.5 else people["male"])
    return first, rng.choice(people["family"])


def contact(rng: random.Random, country: str = "SN") -> str:
    return " ".join(person_name(rng, country))


def mutuals_per_department(
    weights: Sequence[int], total: int, priority: Sequence[int]
) -> list[int]:
    """How many of `total` mutuals each department gets: at least one each, the rest in
    proportion to `weights` (largest remainders, ties to the earlier department). With fewer
    mutuals than departments, one each to the first departments in `priority` order."""
    if total < len(weights):
        counts = [0] * len(weights)
        for index in priority[:total]:
            counts[index] = 1
        return counts
    rest = total - len(weights)
    weight_sum = sum(weights)
    counts = [1 + rest * weight // weight_sum for weight in weights]
    left = total - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(rest * weights[i] % weight_sum), i))
    for index in by_remainder[:left]:
        counts[index] += 1
    return counts


def village_name(rng: random.Random) -> str:
    """A realistic Senegalese village or commune name made of common parts."""
    parts = load_data()["places"]["generated_places"]
    people = load_data()["names"]["people"]["SN"]
    draw = rng.random()
    if draw < 0.35:
        shape = rng.random()
        if shape < 0.4:
            return f"Keur {rng.choice(people['family'])}"
        if shape < 0.7:
            return f"Keur {rng.choice(people['male'])}"
        return f"Keur {rng.choice(people['male'])} {rng.choice(people['family'])}"
    if draw < 0.47:
        return f"Darou {rng.choice(parts['darou'])}"
    if draw < 0.57:
        return f"Médina {rng.choice(parts['medina'])}"
    if draw < 0.65:
        return f"Sinthiou {rng.choice(parts['sinthiou'])}"
    if draw < 0.75:
        return rng.choice(parts["villages"])
    root = rng.choice(parts["roots"])
    qualifier = rng.choice([q for q in parts["qualifiers"] if q != root])
    return f"{root} {qualifier}"


def commune_names(rng: random.Random, real: Sequence[str], count: int) -> list[str]:
    """`count` commune names unique in one department: the chef-lieu, then the department's
    other real communes in random order, then generated names ("Darou Minam 2" when a name is
    taken: Senegal numbers its namesakes too)."""
    others = list(real[1:])
    rng.shuffle(others)
    names = [real[0], *others][:count]
    used = {name.casefold() for name in real}
    while len(names) < count:
        for _attempt in range(10):
            name = village_name(rng)
            if name.casefold() not in used:
                break
        else:
            number = 2
            while f"{name} {number}".casefold() in used:
                number += 1
            name = f"{name} {number}"
        used.add(name.casefold())
        names.append(name)
    return names


def plan_mutual(
    rng: random.Random,
    *,
    number: int,
    commune: str,
    commune_code: str,
    region: str,
    department: PlannedOrganisation,
    first_in_department: bool,
) -> PlannedOrganisation:
    names = load_data()["names"]["mutual_names"]
    if first_in_department:
        # the chef-lieu's mutual: a community mutual, running (the demo users work in Thiès')
        status, mutual_type = Status.ACTIVE, MutualType.COMMUNITY
    else:
        draw = rng.random()
        status = (
            Status.IN_CREATION if draw < 0.04 else Status.DORMANT if draw < 0.12 else Status.ACTIVE
        )
        mutual_type = rng.choices(
            list(MUTUAL_TYPE_WEIGHTS), weights=list(MUTUAL_TYPE_WEIGHTS.values())
        )[0]
    if status == Status.IN_CREATION:
        founded_on = random_date(rng, datetime.date(2021, 1, 1), datetime.date(2022, 12, 31))
    elif status == Status.DORMANT:
        founded_on = random_date(rng, datetime.date(2005, 1, 1), datetime.date(2015, 12, 31))
    else:
        founded_on = random_date(rng, datetime.date(2005, 1, 1), datetime.date(2022, 12, 31))
    registration_number, registration_date = "", None
    if status != Status.IN_CREATION:  # a mutual being set up is not registered yet
        registration_date = founded_on + datetime.timedelta(days=rng.randrange(30, 541))
        registration_number = f"{region}-{registration_date.year}-{number:04d}"
    name = rng.choice(names[mutual_type]).replace("{de}", of(commune))
    email = ""
    if rng.random() < 0.4:
        email = f"ms.{slugify(commune)}.{department.code[5:].lower()}@{EMAIL_DOMAIN}"
    assert department.founded_on is not None
    return PlannedOrganisation(
        code=f"MS-{number:04d}",
        name=name,
        kind=Kind.MUTUAL,
        parent=department.code,
        location=commune_code,
        status=status,
        mutual_type=mutual_type,
        currency=CURRENCY,
        founded_on=founded_on,
        registration_number=registration_number,
        registration_date=registration_date,
        contact_person=contact(rng),
        phone=mobile_phone(rng),
        email=email,
        affiliated_on=max(founded_on, department.founded_on),
    )


def plan_federation(rng: random.Random, mutuals: int) -> FederationPlan:
    """The whole demo federation, decided from `rng` alone: same seed, same plan."""
    if mutuals < 1:
        raise ValueError("the demo federation needs at least one mutual")
    places = load_data()["places"]
    locations: list[PlannedLocation] = []
    organisations: list[PlannedOrganisation] = []

    for country, name in places["countries"].items():
        locations.append(PlannedLocation(country, name, Level.COUNTRY, country))
    for country, regions in places["other_regions"].items():
        for code in regions:
            locations.append(
                PlannedLocation(
                    code, pycountry.subdivisions.get(code=code).name, Level.REGION, country, country
                )
            )

    national = PlannedOrganisation(
        code=NATIONAL_UNION_CODE,
        name=NATIONAL_UNION_NAME,
        kind=Kind.NATIONAL_UNION,
        parent=None,
        location="SN",
        founded_on=random_date(rng, datetime.date(2011, 1, 1), datetime.date(2013, 12, 31)),
        contact_person=contact(rng),
        phone=office_phone(rng),
        email=f"{NATIONAL_UNION_CODE.lower()}@{EMAIL_DOMAIN}",
    )
    organisations.append(national)
    assert national.founded_on is not None

    departments: list[tuple[str, dict, PlannedOrganisation]] = []
    for region in places["senegal"]:
        code = region["region"]
        short = code.removeprefix("SN-")
        region_name = pycountry.subdivisions.get(code=code).name
        locations.append(PlannedLocation(code, region_name, Level.REGION, "SN", "SN"))
        region_founded_on = random_date(rng, datetime.date(2010, 1, 1), datetime.date(2016, 12, 31))
        regional = PlannedOrganisation(
            code=f"URMS-{short}",
            name=f"Union régionale des mutuelles de santé {of(region_name)}",
            kind=Kind.REGIONAL_UNION,
            parent=national.code,
            location=code,
            founded_on=region_founded_on,
            contact_person=contact(rng),
            phone=office_phone(rng),
            email=f"urms-{short.lower()}@{EMAIL_DOMAIN}",
            affiliated_on=max(region_founded_on, national.founded_on),
        )
        organisations.append(regional)
        for department in region["departments"]:
            location_code = f"{code}-{department['code']}"
            locations.append(
                PlannedLocation(location_code, department["name"], Level.DEPARTMENT, "SN", code)
            )
            founded_on = random_date(rng, datetime.date(2008, 1, 1), datetime.date(2016, 12, 31))
            union = PlannedOrganisation(
                code=f"UDMS-{department['code']}",
                name=f"Union départementale des mutuelles de santé {of(department['name'])}",
                kind=Kind.DEPARTMENTAL_UNION,
                parent=regional.code,
                location=location_code,
                founded_on=founded_on,
                contact_person=contact(rng),
                phone=office_phone(rng),
                email=f"udms-{department['code'].lower()}@{EMAIL_DOMAIN}",
                affiliated_on=max(founded_on, region_founded_on),
            )
            organisations.append(union)
            departments.append((code, department, union))

    demo_index = next(
        i
        for i, (region, department, _) in enumerate(departments)
        if region == DEMO_REGION and department["code"] == DEMO_DEPARTMENT
    )
    priority = [demo_index, *(i for i in range(len(departments)) if i != demo_index)]
    counts = mutuals_per_department(
        [len(department["communes"]) for _, department, _ in departments], mutuals, priority
    )
    number = 0
    first_mutual: dict[str, str] = {}
    for (region, department, union), count in zip(departments, counts, strict=True):
        location_code = f"{region}-{department['code']}"
        for index, commune in enumerate(commune_names(rng, department["communes"], count)):
            number += 1
            commune_code = f"{location_code}-{index + 1:03d}"
            locations.append(
                PlannedLocation(commune_code, commune, Level.COMMUNE, "SN", location_code)
            )
            mutual = plan_mutual(
                rng,
                number=number,
                commune=commune,
                commune_code=commune_code,
                region=region,
                department=union,
                first_in_department=index == 0,
            )
            organisations.append(mutual)
            first_mutual.setdefault(union.code, mutual.code)

    for structure in SUPPORT_STRUCTURES:
        affiliated_on = None
        if structure.parent is not None:
            affiliated_on = random_date(rng, national.founded_on, datetime.date(2020, 12, 31))
        organisations.append(
            PlannedOrganisation(
                code=structure.code,
                name=structure.name,
                kind=Kind.SUPPORT_STRUCTURE,
                parent=structure.parent,
                location=structure.location,
                support_type=structure.support_type,
                contact_person=contact(rng, structure.country),
                affiliated_on=affiliated_on,
            )
        )

    places_of_users = {
        "national": NATIONAL_UNION_CODE,
        "region": f"URMS-{DEMO_REGION.removeprefix('SN-')}",
        "department": f"UDMS-{DEMO_DEPARTMENT}",
        "mutual": first_mutual[f"UDMS-{DEMO_DEPARTMENT}"],
    }
    users = tuple(
        PlannedUser(
            username=user.username,
            role=user.role,
            organisation=places_of_users[user.place],
            first_name=user.first_name,
            last_name=user.last_name,
            email=f"{user.username}@{EMAIL_DOMAIN}",
            phone=mobile_phone(rng),
        )
        for user in DEMO_USERS
    )
    return FederationPlan(tuple(locations), tuple(organisations), users)


# --- writing the plan ------------------------------------------------------------------------


PATH_PLACEHOLDER = "/new-"
# The path organisation_create gives: the parent's path (or "/" for a root), the key and "/".
PARENT_PATH_AND_PK = Concat(
    Coalesce(
        Subquery(Organisation.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]),
        Value("/"),
    ),
    Cast("id", output_field=CharField()),
    Value("/"),
    output_field=CharField(),
)


def write_federation(plan: FederationPlan, *, password_hash: str | None = None) -> dict[str, Any]:
    """Writes the plan with bulk inserts, level by level (a row's parent needs its primary key
    first), and returns the handles documented at the top of this module."""
    locations: dict[str, Location] = {}
    for level in Level.values:
        rows = [
            Location(
                level=place.level,
                code=place.code,
                name=place.name,
                country_code=place.country_code,
                parent=locations[place.parent] if place.parent else None,
            )
            for place in plan.locations
            if place.level == level
        ]
        Location.objects.bulk_create(rows)
        locations.update((row.code, row) for row in rows)

    depth: dict[str, int] = {}
    for spec in plan.organisations:
        depth[spec.code] = 1 if spec.parent is None else depth[spec.parent] + 1
    organisations: dict[str, Organisation] = {}
    for level in sorted(set(depth.values())):
        specs = [spec for spec in plan.organisations if depth[spec.code] == level]
        rows = [
            Organisation(
                kind=spec.kind,
                code=spec.code,
                name=spec.name,
                parent=organisations[spec.parent] if spec.parent else None,
                location=locations[spec.location] if spec.location else None,
                status=spec.status,
                support_type=spec.support_type,
                mutual_type=spec.mutual_type,
                currency=spec.currency,
                founded_on=spec.founded_on,
                registration_number=spec.registration_number,
                registration_date=spec.registration_date,
                contact_person=spec.contact_person,
                phone=spec.phone,
                email=spec.email,
            )
            for spec in specs
        ]
        # The path holds the primary key, known once the row is written (as organisation_create
        # does); a unique placeholder keeps the unique constraint on paths happy meanwhile.
        for row in rows:
            row.path = f"{PATH_PLACEHOLDER}{row.uid}/"
        Organisation.objects.bulk_create(rows)
        # One statement per level, where bulk_update would build a CASE with a branch per row.
        Organisation.objects.filter(path__startswith=PATH_PLACEHOLDER).update(
            path=PARENT_PATH_AND_PK
        )
        for row in rows:
            row.path = f"{row.parent.path if row.parent else '/'}{row.pk}/"
        organisations.update((row.code, row) for row in rows)

    Affiliation.objects.bulk_create(
        Affiliation(
            organisation=organisations[spec.code],
            parent=organisations[spec.parent],
            start=spec.affiliated_on,
        )
        for spec in plan.organisations
        if spec.parent is not None
    )
    # each organisation's creation, first in its own log, as organisation_create appends it
    for spec in plan.organisations:
        organisation = organisations[spec.code]
        affiliated_on = spec.affiliated_on if spec.parent is not None else None
        append(organisation.pk, events.created(organisation, affiliated_on))

    # Argon2 is slow on purpose: hash the one demo password once for every demo user.
    password_hash = password_hash or make_password(DEMO_PASSWORD)
    DEMO_PASSWORD_HASHES.add(password_hash)
    users = [
        User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=spec.email,
            phone=spec.phone,
            organisation=organisations[spec.organisation],
            password=password_hash,
        )
        for spec in plan.users
    ]
    User.objects.bulk_create(users)
    RoleGrant.objects.bulk_create(
        RoleGrant(user=user, role=spec.role) for user, spec in zip(users, plan.users, strict=True)
    )

    def of_kind(kind: str) -> list[Organisation]:
        return [organisations[spec.code] for spec in plan.organisations if spec.kind == kind]

    by_username = {user.username: user for user in users}
    return {
        "locations": locations,
        "organisations": organisations,
        "national_union": organisations[NATIONAL_UNION_CODE],
        "regional_unions": of_kind(Kind.REGIONAL_UNION),
        "departmental_unions": of_kind(Kind.DEPARTMENTAL_UNION),
        "mutuals": of_kind(Kind.MUTUAL),
        "support_structures": of_kind(Kind.SUPPORT_STRUCTURE),
        "demo_mutual": by_username["manager"].organisation,
        "users": by_username,
        "password": DEMO_PASSWORD,
    }


# --- the demo protocol (core/demo.py) --------------------------------------------------------


def add_arguments(parser) -> None:
    parser.add_argument(
        "--mutuals",
        type=int,
        default=60,
        help="number of mutuals, one per commune, spread over the 45 departments (default 60)",
    )


def has_data() -> bool:
    return Organisation.objects.exists()


def generate(demo: Demo) -> None:
    mutuals = demo.options.get("mutuals", 60)
    if mutuals < 1:
        raise CommandError("--mutuals must be at least 1.")
    plan = plan_federation(demo.rng, mutuals)
    made = write_federation(plan)
    demo.made.update(made)
    demo.log(
        f"Federation: {len(made['regional_unions'])} regional and "
        f"{len(made['departmental_unions'])} departmental unions, {len(made['mutuals'])} "
        f"mutuals, {len(made['support_structures'])} support structures, "
        f"{len(made['locations'])} places, {len(made['users'])} users."
    )


def summary() -> list[str]:
    """The demo log-ins still present with the demo password (none on a real installation)."""
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=[user.username for user in DEMO_USERS], is_active=True
        ).prefetch_related("role_grants")
    }
    # One check per distinct hash: the demo users share theirs, and Argon2 is slow.
    is_demo_hash = dict.fromkeys(DEMO_PASSWORD_HASHES, True)
    rows = []
    for demo_user in DEMO_USERS:
        user = users.get(demo_user.username)
        if user is None:
            continue
        if user.password not in is_demo_hash:
            is_demo_hash[user.password] = check_password(DEMO_PASSWORD, user.password)
        if not is_demo_hash[user.password]:
            continue
        roles = ", ".join(str(grant.get_role_display()) for grant in user.role_grants.all())
        rows.append((user.username, roles, user.organisation.name))
    if not rows:
        return []
    width_name = max(len(row[0]) for row in rows)
    width_role = max(len(row[1]) for row in rows)
    return [
        f'Demo log-ins (password "{DEMO_PASSWORD}"):',
        *(
            f"  {name:<{width_name}}  {role:<{width_role}}  {organisation}"
            for name, role, organisation in rows
        ),
    ]
