"""Demo data of the register: households and beneficiaries of every demo mutual
(domain-rules.md §2).

`mutualis demo --households-per-mutual H` gives each mutual of federation/demo.py H households
of 3 to 8 beneficiaries: a head aged 20 to 70 (a man most of the time), usually a spouse
(sometimes two), children of plausible ages for their mother (some over 18 but under the
package's age limit), sometimes a parent of the head or another dependent (a nephew, a
grandchild). Names come from data/demo_people.json, by language group with the mix of the
mutual's region (Wolof, Pulaar, Serer, Mandinka, Diola, Soninke); married women keep their
family name, children take their father's. About 6 % of households are indigent (every member
in the "indigent" category); the others' members are adults or children by age at enrolment.

Enrolments spread over the last 24 months, more recent ones a little more frequent, with 6 %
of households enrolled in the 5 years before and 4 % in the last 25 days (households still in
their waiting period); a mutual still being set up enrols over the last 12 months only. Household
numbers follow the enrolment order; member numbers (core.identifiers.member_number) follow the
order in which people joined, and the mutual's "household" and "member" Sequence rows hold the
last numbers handed out, so that the next enrolment continues the series. 2 % of households
resigned later; about 2.5 % of dependents left their household; some babies were added after
their household's enrolment.

Each household takes a package its mutual may use (benefits/demo.py): the national package
mostly; the departmental union's package in a quarter of the households of that union's mutuals;
the mutual's own package in 60 % of the households of the mutual that defines one. Households
enrolled before a package's first version take the national package.

`plan_register(rng, mutuals, benefits, households_per_mutual, today)` decides everything (pure:
named tuples, no database); `write_register(plan, ...)` writes it with `executemany` on plain
tuples (core.bulk: no model instances; on SQLite the secondary indexes are built once the rows
are in): households, beneficiaries, their search words and duplicate keys
(membership.rules) and the sequences; and it queues their events in `demo.events`
(core.demo), built by membership.events as the services build them: `household.enrolled` with
the people enrolled with the household, `beneficiary.added` for a baby added later,
`beneficiary.left`, `household.resigned`, each on its day. 100,000 households and 500,000
people take about a minute in all (bench/bench_register_demo.py).

What later generators find in `demo.made`:

- ``"register"``: the RegisterPlan: ``households`` (PlannedHousehold, grouped by mutual in
  mutual order, then by number) and ``beneficiaries`` (PlannedBeneficiary, grouped by household
  in household order; ``household`` is the index of their household in ``households``);
- ``"household_ids"``, ``"beneficiary_ids"``: lists of primary keys aligned with those tuples
  (the i-th planned household is row ``household_ids[i]``); ``"household_uids"`` likewise;
- ``"households_by_mutual"``: dict mutual code → list of household primary keys;
- ``"beneficiary_count"``, ``"search_token_count"``: the numbers of rows written.
"""

import datetime
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from itertools import accumulate
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple
from uuid import UUID

from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone

from mutualis.benefits.choices import Category, Relationship
from mutualis.benefits.demo import BenefitsPlan, demo_today
from mutualis.core.bulk import indexes_built_after, insert, reserve_ids, write_cache
from mutualis.core.demo import Demo, EventQueue
from mutualis.core.events import NewEvent
from mutualis.core.identifiers import compact_form, member_number
from mutualis.core.ids import new_uid
from mutualis.core.models import NumberSeries as Series
from mutualis.federation.demo import FederationPlan, mobile_phone, village_name
from mutualis.federation.demo import load_data as federation_data
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Kind
from mutualis.membership import events
from mutualis.membership.models import Beneficiary, Household, SearchToken, Sex
from mutualis.membership.rules import default_category, duplicate_key, search_tokens

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_HOUSEHOLDS = 0  # the federation alone unless households are asked for

HOUSEHOLD_SIZES = (3, 4, 5, 6, 7, 8)
SIZE_WEIGHTS = tuple(accumulate((14, 20, 22, 18, 14, 12)))  # about 5 people a household
WINDOW_DAYS = 730  # the demo's 24 months of history
NEW_MUTUAL_DAYS = 365
OLD_YEARS = 5
RECENT_DAYS = 25
RECENT_SHARE = 0.04
OLD_SHARE = 0.06
INDIGENT_SHARE = 0.06
RESIGNED_SHARE = 0.02
LEFT_SHARE = 0.025
BABY_SHARE = 0.12  # of the households with room for one more child
ID_CARD_SHARE = 0.55
UNION_PACKAGE_SHARE = 0.25
OWN_PACKAGE_SHARE = 0.6

HEAD, SPOUSE, CHILD, PARENT, OTHER = (
    Relationship.HEAD.value,
    Relationship.SPOUSE.value,
    Relationship.CHILD.value,
    Relationship.PARENT.value,
    Relationship.OTHER.value,
)
MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
INDIGENT = Category.INDIGENT.value


# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MutualSpec:
    """What the register of one mutual depends on."""

    code: str
    commune: str
    commune_code: str
    department: str
    region: str  # ISO 3166-2 code, e.g. "SN-TH"
    status: str
    founded_on: datetime.date | None
    union: str  # code of its departmental union


class PlannedHousehold(NamedTuple):
    mutual: str  # code
    number: int
    package: str  # package code (benefits/demo.py)
    enrolled_on: datetime.date
    location: str  # commune location code
    address: str
    phone: str
    resigned_on: datetime.date | None
    resignation_reason: str
    indigent: bool


class PlannedBeneficiary(NamedTuple):
    household: int  # index in RegisterPlan.households
    sequence: int  # member sequence in the mutual
    member_number: str
    relationship: str
    first_name: str
    last_name: str
    sex: str
    birth_date: datetime.date
    birth_place: str
    national_id: str
    phone: str
    category: str
    enrolled_on: datetime.date
    left_on: datetime.date | None


@dataclass(frozen=True)
class RegisterPlan:
    households: tuple[PlannedHousehold, ...]
    beneficiaries: tuple[PlannedBeneficiary, ...]
    # mutual code → (last household number, last member number)
    sequences: Mapping[str, tuple[int, int]]


class Person(NamedTuple):
    relationship: str
    first_name: str
    last_name: str
    sex: str
    birth: int  # ordinal of the date of birth
    enrolled: int  # ordinal of the enrolment date
    phone: str


@cache
def people_data() -> dict[str, Any]:
    data = json.loads((DATA_DIR / "demo_people.json").read_text(encoding="utf-8"))
    federation = federation_data()["names"]["people"]["SN"]
    wolof = data["groups"]["wolof"]
    for key in ("family", "male", "female"):
        wolof[key] = list(dict.fromkeys([*wolof[key], *federation[key]]))
    return data


class NameBook:
    """The names of one region: language groups drawn with the region's weights."""

    def __init__(self, region: str):
        data = people_data()
        weights = data["regions"].get(region) or data["regions"]["SN-DK"]
        self.groups = [data["groups"][name] for name in weights]
        self.cum_weights = tuple(accumulate(weights.values()))

    def group(self, rng: random.Random) -> dict[str, list[str]]:
        return rng.choices(self.groups, cum_weights=self.cum_weights)[0]


def birth_ordinal(rng: random.Random, enrolled: int, age: int, *, child: bool = False) -> int:
    """A date of birth `age` full years before the enrolment. Children count 365 days a year,
    which keeps them safely under the age limit whatever the leap years."""
    year = 365 if child else 365.2425
    return enrolled - int((age + rng.random() * 0.999) * year)


def relative(
    rng: random.Random,
    group: Mapping[str, list[str]],
    head_last: str,
    enrolled: int,
    youngest: int,
    eldest: int,
) -> Person:
    """Another dependent: a nephew, a niece, a grandchild, a younger sibling of the head."""
    sex = MALE if rng.random() < 0.5 else FEMALE
    return Person(
        OTHER,
        rng.choice(group["male" if sex == MALE else "female"]),
        head_last if rng.random() < 0.5 else rng.choice(group["family"]),
        sex,
        birth_ordinal(rng, enrolled, rng.randint(youngest, eldest), child=eldest < 21),
        enrolled,
        "",
    )


def plan_household(
    rng: random.Random,
    names: NameBook,
    enrolled: int,
    today: int,
    child_age_limit: int,
    may_add_baby: bool,
) -> list[Person]:
    """The people of one household, head first."""
    size = rng.choices(HOUSEHOLD_SIZES, cum_weights=SIZE_WEIGHTS)[0]
    group = names.group(rng)
    head_sex = MALE if rng.random() < 0.85 else FEMALE
    head_age = int(rng.triangular(20, 70, 36))
    head_last = rng.choice(group["family"])
    phone = mobile_phone(rng)
    people = [
        Person(
            HEAD,
            rng.choice(group["male" if head_sex == MALE else "female"]),
            head_last,
            head_sex,
            birth_ordinal(rng, enrolled, head_age),
            enrolled,
            phone,
        )
    ]
    slots = size - 1

    def other_group() -> dict[str, list[str]]:
        return group if rng.random() < 0.75 else names.group(rng)

    # spouses
    mothers: list[int] = [head_age] if head_sex == FEMALE else []  # their ages
    father_last = head_last if head_sex == MALE else None
    if head_sex == MALE:
        spouses = 0
        draw = rng.random()
        if draw < 0.82:
            spouses = 2 if draw < 0.10 and slots >= 3 and head_age >= 30 else 1
        for index in range(min(spouses, slots)):
            age = (
                max(18, head_age - rng.randint(0, 15))
                if index == 0
                else max(18, head_age - rng.randint(8, 25))
            )
            mothers.append(age)
            wife_group = other_group()
            people.append(
                Person(
                    SPOUSE,
                    rng.choice(wife_group["female"]),
                    rng.choice(wife_group["family"]),
                    FEMALE,
                    birth_ordinal(rng, enrolled, age),
                    enrolled,
                    "",
                )
            )
            slots -= 1
    elif rng.random() < 0.2 and slots >= 2:
        husband_group = other_group()
        father_last = rng.choice(husband_group["family"])
        people.append(
            Person(
                SPOUSE,
                rng.choice(husband_group["male"]),
                father_last,
                MALE,
                birth_ordinal(rng, enrolled, min(85, head_age + rng.randint(0, 12))),
                enrolled,
                "",
            )
        )
        slots -= 1
    if not mothers:  # a man alone with his children: widowed, or his wife lives away
        mothers.append(max(18, head_age - rng.randint(3, 12)))
    if father_last is None:
        father_last = rng.choice(group["family"])

    # a parent of the head, another dependent
    if slots >= 2 and rng.random() < 0.10:
        parent_sex = FEMALE if rng.random() < 0.7 else MALE
        parent_age = min(95, head_age + rng.randint(18, 35))
        people.append(
            Person(
                PARENT,
                rng.choice(group["female" if parent_sex == FEMALE else "male"]),
                head_last if parent_sex == MALE else rng.choice(other_group()["family"]),
                parent_sex,
                birth_ordinal(rng, enrolled, parent_age),
                enrolled,
                "",
            )
        )
        slots -= 1
    if slots >= 2 and rng.random() < 0.08:
        people.append(relative(rng, group, head_last, enrolled, 3, 25))
        slots -= 1

    # children, one every one to four years of their mother's child-bearing years, under the
    # package's age limit; the places left go to other young relatives
    ages: list[int] = []
    for mother_age in mothers:
        eldest = min(child_age_limit - 1, mother_age - 16)
        age = max(0, mother_age - 45) + rng.randint(0, 3)
        while age <= eldest:
            ages.append(age)
            age += rng.randint(1, 4)
    rng.shuffle(ages)
    ages = sorted(ages[:slots], reverse=True)
    baby = (
        may_add_baby and len(ages) < slots and 18 <= mothers[0] <= 40 and rng.random() < BABY_SHARE
    )
    for age in ages:
        sex = MALE if rng.random() < 0.51 else FEMALE
        people.append(
            Person(
                CHILD,
                rng.choice(group["male" if sex == MALE else "female"]),
                father_last,
                sex,
                birth_ordinal(rng, enrolled, age, child=True),
                enrolled,
                "",
            )
        )
    if baby:  # born after the household's enrolment, added a few weeks later
        sex = MALE if rng.random() < 0.51 else FEMALE
        birth = enrolled + rng.randrange(30, today - enrolled - 14)
        people.append(
            Person(
                CHILD,
                rng.choice(group["male" if sex == MALE else "female"]),
                father_last,
                sex,
                birth,
                min(today, birth + rng.randrange(7, 45)),
                "",
            )
        )
    # nephews, nieces, grandchildren in some of the places left, at least three people in all
    while len(people) < 3 or (len(people) < size and rng.random() < 0.3):
        people.append(relative(rng, group, head_last, enrolled, 0, 17))
    return people


def enrolment_ordinals(rng: random.Random, mutual: MutualSpec, count: int, today: int) -> list[int]:
    """Enrolment dates of a mutual's households, oldest first."""
    new_mutual = mutual.status == Organisation.Status.IN_CREATION
    window = NEW_MUTUAL_DAYS if new_mutual else WINDOW_DAYS
    start = today - window
    floor = mutual.founded_on.toordinal() + 30 if mutual.founded_on else 0
    recent = round(count * RECENT_SHARE)
    old = 0 if new_mutual else round(count * OLD_SHARE)
    days = []
    for index in range(count):
        if index < recent:
            day = today - rng.randrange(RECENT_DAYS)
        elif index < recent + old:
            day = rng.randrange(today - OLD_YEARS * 365 - window, start)
        else:
            day = start + int(window * rng.random() ** 0.8)
        days.append(min(today, max(floor, day)))
    days.sort()
    return days


def choose_package(
    rng: random.Random,
    enrolled_on: datetime.date,
    national: str,
    union: Sequence[tuple[str, datetime.date]],
    own: Sequence[tuple[str, datetime.date]],
) -> str:
    """The national package mostly; the mutual's own or its union's package for some."""
    draw = rng.random()
    if own and draw < OWN_PACKAGE_SHARE and enrolled_on >= own[0][1]:
        return own[0][0]
    if union and draw >= 1 - UNION_PACKAGE_SHARE and enrolled_on >= union[0][1]:
        return union[0][0]
    return national


def plan_register(
    rng: random.Random,
    mutuals: Sequence[MutualSpec],
    benefits: BenefitsPlan,
    households_per_mutual: int,
    today: datetime.date,
    national_package: str,
) -> RegisterPlan:
    """The register of every mutual, decided from `rng` alone: same seed, same plan."""
    data = people_data()
    reasons = data["resignation_reasons"]
    today_ord = today.toordinal()
    age_limits = {p.code: p.versions[-1].child_age_limit for p in benefits.packages}
    households: list[PlannedHousehold] = []
    beneficiaries: list[PlannedBeneficiary] = []
    sequences: dict[str, tuple[int, int]] = {}
    for mutual in mutuals:
        names = NameBook(mutual.region)
        union = [(p.code, p.valid_from) for p in benefits.packages if p.owner == mutual.union]
        own = [(p.code, p.valid_from) for p in benefits.packages if p.owner == mutual.code]
        villages = [village_name(rng) for _ in range(rng.randint(4, 8))]
        places = (mutual.commune, mutual.department)
        people_of_mutual: list[tuple[int, int, int, Person]] = []  # enrolled, number, position
        first_household = len(households)
        for number, enrolled in enumerate(
            enrolment_ordinals(rng, mutual, households_per_mutual, today_ord), start=1
        ):
            enrolled_on = datetime.date.fromordinal(enrolled)
            package = choose_package(rng, enrolled_on, national_package, union, own)
            indigent = rng.random() < INDIGENT_SHARE
            seniority = today_ord - enrolled
            resigned_on, reason = None, ""
            if seniority >= 120 and rng.random() < RESIGNED_SHARE:
                resigned_on = datetime.date.fromordinal(enrolled + rng.randrange(90, seniority))
                reason = rng.choice(reasons)
            people = plan_household(
                rng,
                names,
                enrolled,
                today_ord,
                age_limits[package],
                may_add_baby=resigned_on is None and seniority >= 90,
            )
            households.append(
                PlannedHousehold(
                    mutual=mutual.code,
                    number=number,
                    package=package,
                    enrolled_on=enrolled_on,
                    location=mutual.commune_code,
                    address=rng.choice(villages),
                    phone=people[0].phone,
                    resigned_on=resigned_on,
                    resignation_reason=reason,
                    indigent=indigent,
                )
            )
            people_of_mutual.extend(
                (person.enrolled, number, position, person)
                for position, person in enumerate(people)
            )
        # member numbers in the order people joined
        sequence_of = {
            (number, position): sequence
            for sequence, (_enrolled, number, position, _person) in enumerate(
                sorted(people_of_mutual, key=lambda item: item[:3]), start=1
            )
        }
        for _enrolled, number, position, person in people_of_mutual:
            household = households[first_household + number - 1]
            joined = datetime.date.fromordinal(person.enrolled)
            birth_date = datetime.date.fromordinal(person.birth)
            left_on = None
            if (
                position > 0
                and household.resigned_on is None
                and today_ord - person.enrolled > 60
                and rng.random() < LEFT_SHARE
            ):
                left_on = datetime.date.fromordinal(
                    person.enrolled + rng.randrange(30, today_ord - person.enrolled)
                )
            category = str(default_category(birth_date, joined))
            adult = category == Category.ADULT
            sequence = sequence_of[(number, position)]
            beneficiaries.append(
                PlannedBeneficiary(
                    household=first_household + number - 1,
                    sequence=sequence,
                    member_number=member_number(mutual.code, sequence),
                    relationship=person.relationship,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    sex=person.sex,
                    birth_date=birth_date,
                    birth_place=places[0] if rng.random() < 0.7 else places[1],
                    national_id=(
                        f"{1 if person.sex == MALE else 2}{rng.randrange(10**12):012d}"
                        if adult and rng.random() < ID_CARD_SHARE
                        else ""
                    ),
                    phone=person.phone,
                    category=INDIGENT if household.indigent else category,
                    enrolled_on=joined,
                    left_on=left_on,
                )
            )
        sequences[mutual.code] = (households_per_mutual, len(people_of_mutual))
    return RegisterPlan(tuple(households), tuple(beneficiaries), sequences)


def mutual_specs(mutuals: Iterable[Organisation]) -> list[MutualSpec]:
    """The demo mutuals as the plan reads them (their commune, department and region are
    loaded by federation/demo.py)."""
    specs = []
    for mutual in mutuals:
        commune = mutual.location
        department = commune.parent
        specs.append(
            MutualSpec(
                code=mutual.code,
                commune=commune.name,
                commune_code=commune.code,
                department=department.name,
                region=department.parent.code,
                status=mutual.status,
                founded_on=mutual.founded_on,
                union=mutual.parent.code,
            )
        )
    return specs


def mutual_specs_from_plan(federation: FederationPlan) -> list[MutualSpec]:
    """The same, from federation/demo.py's plan (to plan the whole demo without a database)."""
    places = {place.code: place for place in federation.locations}
    specs = []
    for mutual in federation.organisations:
        if mutual.kind != Kind.MUTUAL or mutual.location is None or mutual.parent is None:
            continue
        commune = places[mutual.location]
        assert commune.parent is not None
        department = places[commune.parent]
        assert department.parent is not None
        specs.append(
            MutualSpec(
                code=mutual.code,
                commune=commune.name,
                commune_code=commune.code,
                department=department.name,
                region=department.parent,
                status=mutual.status,
                founded_on=mutual.founded_on,
                union=mutual.parent,
            )
        )
    return specs


# --- writing ----------------------------------------------------------------------------------


# The search words and duplicate keys of 500,000 people, computed by membership.rules once per
# name rather than once per person: a person's words are those of their name, of their member
# number, phone and household number; the duplicate key is that of their name and sex followed by
# the date of birth. `register_words` checks the shortcut against the rules for the first person
# of every mutual and falls back to them if it ever disagrees.


@lru_cache(maxsize=65536)
def name_words(first_name: str, last_name: str) -> frozenset[str]:
    return frozenset(
        search_tokens(first_name=first_name, last_name=last_name, member_number="", phone="")
    )


@lru_cache(maxsize=4096)
def contact_words(phone: str, household_number: int) -> frozenset[str]:
    return frozenset(
        search_tokens(
            first_name="",
            last_name="",
            member_number="",
            phone=phone,
            household_number=household_number,
        )
    )


def person_words(person: PlannedBeneficiary, household_number: int) -> set[str]:
    words = set(name_words(person.first_name, person.last_name))
    words |= contact_words(person.phone, household_number)
    words.add(compact_form(person.member_number).lower()[:60])
    return words


def rule_words(person: PlannedBeneficiary, household_number: int) -> set[str]:
    return search_tokens(
        first_name=person.first_name,
        last_name=person.last_name,
        member_number=person.member_number,
        phone=person.phone,
        household_number=household_number,
    )


BIRTH_DATES_CHECKED = (datetime.date(1901, 2, 3), datetime.date(1999, 12, 31))


@lru_cache(maxsize=65536)
def name_key(first_name: str, last_name: str, sex: str) -> str | None:
    """The duplicate key without its date of birth, or None if the key is not made that way."""
    prefixes = set()
    for day in BIRTH_DATES_CHECKED:
        key = duplicate_key(first_name=first_name, last_name=last_name, sex=sex, birth_date=day)
        if not key.endswith(day.isoformat()):
            return None
        prefixes.add(key.removesuffix(day.isoformat()))
    return prefixes.pop() if len(prefixes) == 1 else None


def person_key(person: PlannedBeneficiary) -> str:
    prefix = name_key(person.first_name, person.last_name, person.sex)
    if prefix is None:
        return duplicate_key(
            first_name=person.first_name,
            last_name=person.last_name,
            sex=person.sex,
            birth_date=person.birth_date,
        )
    return prefix + person.birth_date.isoformat()


class RegisterEvents:
    """The register's events, as the services build them (membership.events) from the rows
    written: each household's `household.enrolled` with the people enrolled with it, then a
    `beneficiary.added` for each person who joined later, a `beneficiary.left` for each who
    left and a `household.resigned` for each resignation, each on its day."""

    def __init__(
        self,
        plan: RegisterPlan,
        package_uids: Mapping[str, UUID],
        household_uids: Sequence[UUID],
        beneficiary_uids: Sequence[UUID],
    ):
        self.plan = plan
        self.package_uids = package_uids
        self.household_uids = household_uids
        self.beneficiary_uids = beneficiary_uids
        # the people of household i are beneficiaries[first[i]:first[i + 1]]
        self.first = [0] * (len(plan.households) + 1)
        for person in plan.beneficiaries:
            self.first[person.household + 1] += 1
        self.first = list(accumulate(self.first))

    def household(self, index: int) -> SimpleNamespace:
        household = self.plan.households[index]
        return SimpleNamespace(
            uid=self.household_uids[index],
            number=household.number,
            enrolled_on=household.enrolled_on,
            resigned_on=household.resigned_on,
            resignation_reason=household.resignation_reason,
        )

    def person(self, index: int) -> SimpleNamespace:
        person = self.plan.beneficiaries[index]
        return SimpleNamespace(
            uid=self.beneficiary_uids[index],
            household=SimpleNamespace(uid=self.household_uids[person.household]),
            member_number=person.member_number,
            relationship=person.relationship,
            category=person.category,
            sex=person.sex,
            birth_date=person.birth_date,
            enrolled_on=person.enrolled_on,
            left_on=person.left_on,
        )

    def enrolled(self, index: int) -> NewEvent:
        household = self.plan.households[index]
        people = range(self.first[index], self.first[index + 1])
        return events.enrolled(
            self.household(index),
            str(self.package_uids[household.package]),
            [
                self.person(i)
                for i in people
                if self.plan.beneficiaries[i].enrolled_on <= household.enrolled_on
            ],
        )

    def added(self, index: int) -> NewEvent:
        household = self.plan.beneficiaries[index].household
        return events.added(self.person(index), str(self.household_uids[household]))

    def left(self, index: int) -> NewEvent:
        return events.left(self.person(index))

    def resigned(self, index: int) -> NewEvent:
        return events.resigned(self.household(index))

    def queue(self, queue: EventQueue, mutual_ids: Mapping[str, int]) -> None:
        """Queues every event of the register in its mutual's log, on its day."""
        households = self.plan.households
        for index, household in enumerate(households):
            mutual_id = mutual_ids[household.mutual]
            queue.add(mutual_id, household.enrolled_on, partial(self.enrolled, index))
            if household.resigned_on is not None:
                queue.add(mutual_id, household.resigned_on, partial(self.resigned, index))
        for index, person in enumerate(self.plan.beneficiaries):
            household = households[person.household]
            mutual_id = mutual_ids[household.mutual]
            if person.enrolled_on > household.enrolled_on:
                queue.add(mutual_id, person.enrolled_on, partial(self.added, index))
            if person.left_on is not None:
                queue.add(mutual_id, person.left_on, partial(self.left, index))


def write_register(
    plan: RegisterPlan,
    mutuals: Mapping[str, Organisation],
    packages: Mapping[str, models.Model],
    locations: Mapping[str, models.Model],
    *,
    queue: EventQueue,
) -> dict[str, Any]:
    """Writes the plan, queues its events (RegisterEvents) and returns the handles
    documented at the top of this module."""
    zone = timezone.get_current_timezone()
    now = timezone.now()
    household_ids = reserve_ids(Household, len(plan.households))
    beneficiary_ids = reserve_ids(Beneficiary, len(plan.beneficiaries))
    household_fields = [
        "id",
        "uid",
        "mutual",
        "number",
        "package",
        "enrolled_on",
        "location",
        "address",
        "phone",
        "resigned_on",
        "resignation_reason",
        "created_at",
    ]
    beneficiary_fields = [
        "id",
        "uid",
        "mutual",
        "household",
        "member_number",
        "relationship",
        "first_name",
        "last_name",
        "sex",
        "birth_date",
        "birth_place",
        "national_id",
        "phone",
        "category",
        "enrolled_on",
        "left_on",
        "duplicate_key",
    ]
    token_count = 0
    household_uids: list[UUID] = []
    beneficiary_uids: list[UUID] = []
    mutual_ids = {code: mutual.pk for code, mutual in mutuals.items()}
    package_ids = {code: package.pk for code, package in packages.items()}
    location_ids = {code: location.pk for code, location in locations.items()}

    # one batch per mutual keeps memory flat at any size
    household_rows: list[tuple] = []
    beneficiary_rows: list[tuple] = []
    token_rows: list[tuple] = []
    batch_mutual = None

    def flush() -> None:
        nonlocal token_count
        insert(Household, household_fields, household_rows)
        insert(Beneficiary, beneficiary_fields, beneficiary_rows)
        token_count += insert(SearchToken, ["mutual", "beneficiary", "token"], token_rows)
        household_rows.clear()
        beneficiary_rows.clear()
        token_rows.clear()

    tables = [model._meta.db_table for model in (Household, Beneficiary, SearchToken)]
    with write_cache(), indexes_built_after(*tables):
        for index, household in enumerate(plan.households):
            if household.mutual != batch_mutual:
                flush()
                batch_mutual = household.mutual
            created_at = min(
                now,
                datetime.datetime.combine(
                    household.enrolled_on,
                    datetime.time(8 + household.number % 9, household.number * 7 % 60),
                    tzinfo=zone,
                ),
            )
            uid = new_uid()
            household_uids.append(uid)
            household_rows.append(
                (
                    household_ids[index],
                    uid,
                    mutual_ids[household.mutual],
                    household.number,
                    package_ids[household.package],
                    household.enrolled_on,
                    location_ids.get(household.location),
                    household.address,
                    household.phone,
                    household.resigned_on,
                    household.resignation_reason,
                    created_at,
                )
            )
        flush()

        batch_mutual = None
        words_of = person_words
        for index, person in enumerate(plan.beneficiaries):
            household = plan.households[person.household]
            if household.mutual != batch_mutual:
                flush()
                batch_mutual = household.mutual
                if person_words(person, household.number) != rule_words(person, household.number):
                    words_of = rule_words
            mutual_id = mutual_ids[household.mutual]
            pk = beneficiary_ids[index]
            uid = new_uid()
            beneficiary_uids.append(uid)
            beneficiary_rows.append(
                (
                    pk,
                    uid,
                    mutual_id,
                    household_ids[person.household],
                    person.member_number,
                    person.relationship,
                    person.first_name,
                    person.last_name,
                    person.sex,
                    person.birth_date,
                    person.birth_place,
                    person.national_id,
                    person.phone,
                    person.category,
                    person.enrolled_on,
                    person.left_on,
                    person_key(person),
                )
            )
            words = words_of(person, household.number)
            token_rows.extend((mutual_id, pk, word) for word in sorted(words))
        flush()

    Series.objects.bulk_create(
        Series(organisation_id=mutual_ids[code], name=name, last_value=value)
        for code, (last_household, last_member) in plan.sequences.items()
        for name, value in (("household", last_household), ("member", last_member))
    )
    RegisterEvents(
        plan,
        {code: package.uid for code, package in packages.items()},
        household_uids,
        beneficiary_uids,
    ).queue(queue, mutual_ids)
    by_mutual: dict[str, list[int]] = {}
    start = 0
    for code in plan.sequences:
        count = plan.sequences[code][0]
        by_mutual[code] = household_ids[start : start + count]
        start += count
    return {
        "register": plan,
        "household_ids": household_ids,
        "household_uids": household_uids,
        "beneficiary_ids": beneficiary_ids,
        "households_by_mutual": by_mutual,
        "beneficiary_count": len(plan.beneficiaries),
        "search_token_count": token_count,
    }


# --- the demo protocol (core/demo.py) ---------------------------------------------------------


def add_arguments(parser) -> None:
    parser.add_argument(
        "--households-per-mutual",
        type=int,
        default=DEFAULT_HOUSEHOLDS,
        help=(
            f"households enrolled in each mutual, 3 to 8 people each (default {DEFAULT_HOUSEHOLDS})"
        ),
    )
    parser.add_argument(
        "--paper-mutuals",
        type=int,
        default=0,
        help=(
            "mutuals, the last ones of the federation, that keep their registers on paper: "
            "no operations here, monthly reports to their union instead (default 0)"
        ),
    )


def has_data() -> bool:
    return Household.objects.exists()


def generate(demo: Demo) -> None:
    count = demo.options.get("households_per_mutual", DEFAULT_HOUSEHOLDS)
    if count is None:
        count = DEFAULT_HOUSEHOLDS
    if count < 0:
        raise CommandError("--households-per-mutual cannot be negative.")
    today = demo_today(demo)
    paper = demo.options.get("paper_mutuals") or 0
    if paper < 0:
        raise CommandError("--paper-mutuals cannot be negative.")
    mutuals = demo.made["mutuals"][: max(len(demo.made["mutuals"]) - paper, 0)]
    plan = plan_register(
        demo.rng,
        mutual_specs(mutuals),
        demo.made["benefits"],
        count,
        today,
        demo.made["national_package"],
    )
    made = write_register(
        plan,
        {mutual.code: mutual for mutual in mutuals},
        demo.made["packages"],
        demo.made["locations"],
        queue=demo.events,
    )
    demo.made.update(made)
    demo.log(
        f"Register: {len(plan.households)} households, {len(plan.beneficiaries)} beneficiaries, "
        f"{made['search_token_count']} search words."
    )
