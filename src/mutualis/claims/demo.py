"""Demo data of claims: the last months of care of the demo register, submitted month by month
and adjudicated by the engine exactly as in production (domain-rules.md §3–8).

`mutualis demo --claims-months N` (default 24; 0 for none) gives every beneficiary of the
register that membership/demo.py wrote — read back from the database — the care of the last N
full months, while they belonged to their household:

- curative visits, a Poisson process per person at a yearly rate by age and sex (CURATIVE_RATES:
  young children and women of child-bearing age most). Most are at the health post or centre
  of the person's mutual: a consultation, none to three medicines and sometimes a laboratory
  test, for a diagnosis drawn by age and season (DIAGNOSES: malaria and fevers more from August
  to November), its ICD-10 code on most claims; the prescription is sometimes bought at a
  pharmacy of the departmental union instead (a claim of the pharmacy). 3 % of the visits of
  the members of a mutual with neighbours in its department are at a neighbour's facility
  (portability: that mutual pays the provider and charges the claim back, which claims_submit
  does by itself), and 2.5 % of all visits turn into a stay of 1 to 5 days at the district
  hospital (severe malaria or pneumonia of a young child, a medical stay, an appendectomy or a
  hernia repair);
- pregnancies of women of 18 to 45 (one every six or seven years): two to four antenatal
  visits, the delivery at their health post or centre (5 % by caesarean section at the district
  hospital) and often a postnatal visit;
- the eligibility check at the point of care: most people the package does not cover on the
  day (waiting period, contributions unpaid, a child over the age limit…) are turned away or
  pay in full, and their care is never claimed; the few who slip through are rejected by the
  engine with their reasons (CHECKED_SHARE);
- guarantee letters: the mutual issues one before most hospital stays and caesarean sections
  of the people it covers (LETTER_SHARE), for about what it expects to pay (a few for less: the
  letter is exceeded); the care without one is rejected with `letter_missing`. Letters are
  numbered per mutual in the order they were issued, and the mutual's "letters" Sequence holds
  the last number.

Providers bill the tariff of their agreement in force on the day of care; about 4 % of the
claims have a line above it and 1 % a medicine beyond its maximum quantity (both adjusted).
Each month's claims are submitted with `claims.services.claims_submit` 3 to 10 days after the
month ends — one Excel batch for every provider, except the demo clerk's facility, which
enters its own on the claim screen — so that the engine adjudicates each claim against the
household's contributions, the package and the agreement, and picks those for medical review,
as it would in production. About 1 % come two to four months late (rejected when past the
agreement's deadline) and a few are billed again the next month under a new invoice number
(rejected as duplicates). The national union's review policy (REVIEW_POLICY) sends large
claims, claims with an adjusted line and a 2 % sample to the medical advisor; the queue of each
batch submitted more than two months ago was worked through a few weeks later (approved as
adjudicated; by the demo advisor in the advisor's department), the last two months' claims wait
for the advisor. The same seed gives the same claims, review queue included (the sample is
drawn from each invoice's provider and number), on SQLite and PostgreSQL alike.

As in the other apps, `plan_claims(rng, people, households, network, items, months, today)`
decides everything (pure: plain data, no database; the same seed and register give the same
plan) and `write_claims(plan, ...)` writes the letters in bulk and submits the batches. Their
events are those of the services: claims_submit appends each claim's `claim.adjudicated` or
`claim.submitted`; each letter's `letter.issued` and each reviewed claim's `claim.reviewed`
are queued in `demo.events` (core.demo) on their day, and what the queue holds up to a batch's
day goes into the logs before the batch, so that each mutual's log follows the calendar. The
9,000 beneficiaries of `make run` get about 11,000 claims in 24 months in about 10 seconds,
nearly all of it the engine's; a register of 500,000 would take ten minutes or more,
hence `--claims-months 0` in bench/bench_register_demo.py.

What the generator leaves in `demo.made`:

- ``"claims_plan"``: the ClaimsPlan (``batches`` in date order with the ClaimInputs they
  submitted; ``letters``);
- ``"claim_count"``: the number of claims saved; ``"claims_refused"``: the number of claims
  claims_submit refused as given (none, unless the plan is wrong).
"""

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from types import SimpleNamespace
from typing import Any, NamedTuple
from uuid import UUID

from django.core.management.base import CommandError
from django.db.models import Count, QuerySet
from django.utils import timezone

from mutualis.benefits.choices import ServiceCategory
from mutualis.benefits.demo import demo_today
from mutualis.claims import events
from mutualis.claims.choices import Channel, ClaimStatus, VisitType
from mutualis.claims.models import Claim, ClaimLine, GuaranteeLetter, ReviewPolicy
from mutualis.claims.services import ClaimInput, LineInput, claims_submit
from mutualis.contributions.queries import households_of
from mutualis.contributions.rules import Household as HouseholdFacts
from mutualis.contributions.rules import coverage_at
from mutualis.core.bulk import insert
from mutualis.core.demo import Demo, EventQueue
from mutualis.core.events import NewEvent
from mutualis.core.ids import new_uid
from mutualis.core.models import NumberSeries as Series
from mutualis.core.periods import PeriodUnit, period_start, shift
from mutualis.federation.models import Organisation, User
from mutualis.membership.models import Beneficiary, Sex
from mutualis.providers.demo import PlannedItem, ProvidersPlan
from mutualis.providers.models import Provider
from mutualis.providers.rules import ProviderKind

DEFAULT_MONTHS = 24
MONTH = PeriodUnit.MONTH
FEMALE = Sex.FEMALE.value
K = ProviderKind
S = ServiceCategory

REVIEW_POLICY = dict(
    amount_threshold=100_000,
    beneficiary_claims_30_days=4,
    provider_claims_per_day=150,
    sample_bp=200,
    review_adjusted=True,
)

# Curative visits per person and year, by age group (under 5, 5 to 14, 15 to 49, 50 and over)
# and sex: the order of magnitude of the utilisation of primary care by insured people in
# Senegal and Mali.
CURATIVE_RATES = {FEMALE: (2.8, 1.0, 1.7, 1.8)}
DEFAULT_RATES = (2.8, 1.0, 0.9, 1.8)
CHECKED_SHARE = 0.85  # of the visits of people not covered: the clerk checked their card
PREGNANCIES_PER_YEAR = 0.15  # women of 18 to 45: about 4.5 children a woman
PREGNANCY_GAP_DAYS = 450  # from a delivery to the next, at the least
PORTABILITY_SHARE = 0.03
HOSPITAL_SHARE = 0.025
PHARMACY_SHARE = 0.15  # of the visits with medicines
DIAGNOSIS_SHARE = 0.8
CAESAREAN_SHARE = 0.05
POSTNATAL_SHARE = 0.6
LETTER_SHARE = 0.88
TIGHT_LETTER_SHARE = 0.08
ABOVE_TARIFF_SHARE = 0.04
OVER_QUANTITY_SHARE = 0.01
LATE_SHARE = 0.01
DUPLICATE_SHARE = 0.004
RAINY_MONTHS = frozenset({8, 9, 10, 11})
REVIEWED_AFTER_DAYS = 61  # batches submitted longer ago than two months were reviewed

CONSULTATION = {
    K.HEALTH_POST: "CS-PS",
    K.HEALTH_CENTRE: "CS-CS",
}


class Diagnosis(NamedTuple):
    code: str
    weights: tuple[int, int, int, int]  # by age group, as CURATIVE_RATES
    rainy: int  # how many times more frequent from August to November


DIAGNOSES = (
    Diagnosis("B54", (22, 18, 12, 8), 3),  # malaria
    Diagnosis("R50.9", (12, 8, 5, 4), 2),  # fever
    Diagnosis("J06.9", (25, 22, 14, 8), 1),  # upper respiratory infection
    Diagnosis("J18.9", (10, 4, 3, 5), 1),  # pneumonia
    Diagnosis("A09", (20, 10, 7, 5), 1),  # diarrhoea
    Diagnosis("K29.7", (0, 2, 12, 10), 1),  # gastritis
    Diagnosis("N39.0", (0, 2, 8, 6), 1),  # urinary tract infection
    Diagnosis("I10", (0, 0, 2, 16), 1),  # hypertension
    Diagnosis("E11.9", (0, 0, 1, 8), 1),  # type 2 diabetes
    Diagnosis("T14.1", (4, 10, 8, 5), 1),  # wound
)
CUM_WEIGHTS = {
    (group, rainy): tuple(
        accumulate(d.weights[group] * (d.rainy if rainy else 1) for d in DIAGNOSES)
    )
    for group in range(4)
    for rainy in (False, True)
}
MEDICAL_STAYS = ("J18.9", "A09", "B54", "K29.7", "N39.0", "I10")  # children: the first three
LETTER_REASONS = {
    "B54": "Paludisme grave",
    "J18.9": "Pneumopathie",
    "A09": "Gastro-entérite avec déshydratation",
    "K29.7": "Gastrite sévère",
    "N39.0": "Pyélonéphrite",
    "I10": "Poussée hypertensive",
    "K35.8": "Appendicectomie",
    "K40.9": "Cure de hernie",
    "O82": "Césarienne",
}


# --- the plan: plain data decided from the random generator ---------------------------------


class Person(NamedTuple):
    member_number: str
    mutual: str  # code
    sex: str
    key: int  # the beneficiary's id
    birth_date: datetime.date
    enrolled_on: datetime.date
    household: int  # key in the plan's `households`
    until: datetime.date | None  # the last day in the household, if they left or resigned


class PriceList(NamedTuple):
    valid_from: datetime.date
    prices: Mapping[str, int]  # item code → agreed price


@dataclass(frozen=True)
class Network:
    """Where a mutual's members are cared for, and at which prices."""

    facility: Mapping[str, str]  # mutual code → its health post or centre
    kinds: Mapping[str, str]  # provider code → kind
    hospital: Mapping[str, str]  # mutual code → the district hospital of its department
    pharmacies: Mapping[str, tuple[str, ...]]  # mutual code → the pharmacies of its department
    neighbours: Mapping[str, tuple[str, ...]]  # mutual code → other mutuals' facilities nearby
    prices: Mapping[str, tuple[PriceList, ...]]  # provider code → its agreement's versions


class PlannedLetter(NamedTuple):
    mutual: str
    number: int
    member_number: str
    provider: str
    valid_from: datetime.date
    valid_until: datetime.date
    cap: int
    reason: str


@dataclass(frozen=True)
class PlannedBatch:
    month: datetime.date  # first day of the month of care
    day: datetime.date  # the day it was submitted
    reviewed_on: datetime.date | None  # when its review queue was worked through
    claims: tuple[ClaimInput, ...]


@dataclass(frozen=True)
class ClaimsPlan:
    batches: tuple[PlannedBatch, ...]
    letters: tuple[PlannedLetter, ...]


@dataclass
class Draft:
    """A claim being planned: its invoice number and letter number come once all are known."""

    person: Person
    provider: str
    service_from: datetime.date
    service_to: datetime.date
    lines: list[tuple[str, int, int]]  # (item code, quantity, unit price)
    visit_type: str = VisitType.NORMAL
    diagnosis: str = ""
    letter: int | None = None  # index in Planner.letters
    batch: int = 0


@dataclass
class LetterDraft:
    mutual: str
    member_number: str
    provider: str
    valid_from: datetime.date
    cap: int
    reason: str


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_group(age: int) -> int:
    return 0 if age < 5 else 1 if age < 15 else 2 if age < 50 else 3


def rounded_up(amount: float, step: int = 5000) -> int:
    return max(step, -(-int(amount) // step) * step)


@dataclass
class Planner:
    rng: random.Random
    network: Network
    items: Mapping[str, PlannedItem]
    households: Mapping[int, HouseholdFacts]
    first_day: datetime.date
    last_day: datetime.date
    drafts: list[Draft] = field(default_factory=list)
    letters: list[LetterDraft] = field(default_factory=list)

    # -- prices

    def price_list(self, provider: str, day: datetime.date) -> PriceList:
        versions = self.network.prices[provider]
        current = [v for v in versions if v.valid_from <= day]
        # before its agreement the provider bills its first prices (agreement_expired)
        return current[-1] if current else versions[0]

    def offers(self, provider: str, code: str) -> bool:
        return code in self.network.prices[provider][-1].prices

    def bill(
        self, provider: str, day: datetime.date, wanted: Iterable[tuple[str, int]]
    ) -> list[tuple[str, int, int]]:
        """The lines of what was given that the provider's agreement prices, at its tariff."""
        prices = self.price_list(provider, day).prices
        return [(code, quantity, prices[code]) for code, quantity in wanted if code in prices]

    def first_offered(self, provider: str, *codes: str) -> str | None:
        return next((code for code in codes if self.offers(provider, code)), None)

    # -- one person's care

    def covered(self, person: Person, day: datetime.date, service: str) -> bool:
        return coverage_at(self.households[person.household], person.key, day, service).covered

    def turned_away(self, person: Person, day: datetime.date, service: str) -> bool:
        """Whether the clerk's eligibility check at the point of care found the person not
        covered: they pay in full, and the care is never claimed. Clerks check most cards."""
        return not self.covered(person, day, service) and self.rng.random() < CHECKED_SHARE

    def plan_person(self, person: Person) -> None:
        start = max(self.first_day, person.enrolled_on)
        end = min(self.last_day, person.until or self.last_day)
        if start > end:
            return
        rng = self.rng
        rates = CURATIVE_RATES.get(person.sex, DEFAULT_RATES)
        rate = rates[age_group(age_on(person.birth_date, start))] / 365.25
        moment = start.toordinal() + rng.expovariate(rate)
        while moment < end.toordinal() + 1:
            self.curative(person, datetime.date.fromordinal(int(moment)))
            moment += rng.expovariate(rate)
        if person.sex == FEMALE and age_on(person.birth_date, end) >= 18:
            rate = PREGNANCIES_PER_YEAR / 365.25
            # a pregnancy may have begun before the first day of care counted
            moment = start.toordinal() - 280 + rng.expovariate(rate)
            while moment < end.toordinal() + 200:
                delivery = datetime.date.fromordinal(int(moment))
                if 18 <= age_on(person.birth_date, delivery) <= 45:
                    self.pregnancy(person, delivery, start, end)
                moment += PREGNANCY_GAP_DAYS + rng.expovariate(rate)

    def curative(self, person: Person, day: datetime.date) -> None:
        rng, network = self.rng, self.network
        draw = rng.random()
        neighbours = network.neighbours.get(person.mutual, ())
        if draw < HOSPITAL_SHARE:
            self.hospital_stay(person, day)
            return
        if self.turned_away(person, day, S.CONSULTATION):
            return
        if draw < HOSPITAL_SHARE + PORTABILITY_SHARE and neighbours:
            provider = rng.choice(neighbours)
        else:
            provider = network.facility[person.mutual]
        child = age_on(person.birth_date, day) < 12
        group = age_group(age_on(person.birth_date, day))
        diagnosis = DIAGNOSES[
            rng.choices(
                range(len(DIAGNOSES)), cum_weights=CUM_WEIGHTS[group, day.month in RAINY_MONTHS]
            )[0]
        ].code
        tests, medicines, care = self.treatment(provider, diagnosis, child)
        kind = network.kinds[provider]
        lines = self.bill(provider, day, [(CONSULTATION[kind], 1), *care, *tests])
        pharmacies = network.pharmacies.get(person.mutual, ())
        written = "" if rng.random() >= DIAGNOSIS_SHARE else diagnosis
        if medicines and pharmacies and rng.random() < PHARMACY_SHARE:
            pharmacy = rng.choice(pharmacies)
            bought = min(self.last_day, day + datetime.timedelta(days=rng.randrange(2)))
            self.add(
                Draft(person, provider, day, day, lines, diagnosis=written),
                Draft(person, pharmacy, bought, bought, self.bill(pharmacy, bought, medicines)),
            )
        else:
            lines += self.bill(provider, day, medicines)
            self.add(Draft(person, provider, day, day, lines, diagnosis=written))

    def treatment(
        self, provider: str, diagnosis: str, child: bool
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, int]]]:
        """The tests, medicines and acts of care a facility gives for a diagnosis."""
        rng = self.rng
        tests: list[tuple[str, int]] = []
        medicines: list[tuple[str, int]] = []
        care: list[tuple[str, int]] = []

        def test(share: float, *codes: str) -> None:
            if rng.random() < share and (code := self.first_offered(provider, *codes)):
                tests.append((code, 1))

        def paracetamol() -> None:
            medicines.append(("PARA-SIR", 1) if child else ("PARA500", rng.randint(9, 18)))

        def amoxicillin() -> None:
            medicines.append(("AMOX-SUSP", 1) if child else ("AMOX500", rng.choice((15, 21))))

        if diagnosis == "B54":
            test(0.85, "LAB-TDR")
            medicines.append(("ACT-EN" if child else "ACT-AD", 1))
            paracetamol()
        elif diagnosis == "R50.9":
            test(0.7, "LAB-TDR", "LAB-GE")
            paracetamol()
        elif diagnosis == "J06.9":
            paracetamol()
            if rng.random() < 0.4:
                amoxicillin()
            if not child and rng.random() < 0.3:
                medicines.append(("CHLORPH4", rng.randint(6, 12)))
        elif diagnosis == "J18.9":
            test(0.3, "LAB-NFS")
            amoxicillin()
            paracetamol()
            if rng.random() < 0.2:
                care.append(("SOIN-INJ", 1))
                medicines.append(("CEFTRI1G", 1))
        elif diagnosis == "A09":
            test(0.15, "LAB-SELLES")
            medicines.append(("SRO", rng.randint(2, 6)))
            medicines.append(("ZINC20", 10) if child else ("METRO250", rng.choice((15, 21))))
        elif diagnosis == "K29.7":
            medicines.append(("OMEP20", rng.choice((14, 28))))
            if rng.random() < 0.5:
                medicines.append(("BUTYL10", rng.randint(6, 12)))
        elif diagnosis == "N39.0":
            test(0.8, "LAB-ECBU", "LAB-BU")
            medicines.append(
                ("CIPRO500", rng.choice((6, 10, 14)))
                if rng.random() < 0.5
                else ("COTRI480", rng.choice((10, 14)))
            )
        elif diagnosis == "I10":
            medicines.append((rng.choice(("AMLO5", "HCTZ25")), 30))
        elif diagnosis == "E11.9":
            test(0.6, "LAB-GLY")
            medicines.append(("METF500", rng.choice((60, 90))))
        else:  # a wound
            care.append(("SOIN-PANS", 1))
            if rng.random() < 0.5:
                medicines.append(("POVI10", 1))
            if not child and rng.random() < 0.3:
                medicines.append(("IBU400", rng.randint(6, 15)))
        return tests, medicines, care

    def hospital_stay(self, person: Person, day: datetime.date) -> None:
        rng = self.rng
        hospital = self.network.hospital[person.mutual]
        age = age_on(person.birth_date, day)
        if age < 5:
            days = rng.randint(2, 4)
            if rng.random() < 0.6:
                diagnosis = "B54"
                given = [("PALU-GRAVE", 1), ("ARTES60", 3), ("SG5", 2)]
            else:
                diagnosis = "J18.9"
                given = [("HOSP-J-HD", days), ("AMPI1G", 3 * days), ("GENTA80", days)]
        elif 15 <= age < 70 and rng.random() < 0.2:
            days = rng.randint(3, 5)
            diagnosis = rng.choice(("K35.8", "K40.9"))
            surgery = "CHIR-APP" if diagnosis == "K35.8" else "CHIR-HERN"
            given = [(surgery, 1), ("HOSP-J-HD", days), ("LAB-NFS", 1), ("LAB-GSRH", 1)]
        else:
            days = rng.randint(1, 5)
            diagnosis = rng.choice(MEDICAL_STAYS if age >= 15 else MEDICAL_STAYS[:3])
            given = [("HOSP-J-HD", days)]
            if rng.random() < 0.6:
                given.append(("LAB-NFS", 1))
            if rng.random() < 0.5:
                given.append(("CEFTRI1G", days))
            if rng.random() < 0.4:
                given.append(("RL500", rng.randint(2, 4)))
        visit = VisitType.EMERGENCY if rng.random() < 0.3 else VisitType.REFERRAL
        self.stay(person, hospital, day, days, given, diagnosis, visit)

    def stay(
        self,
        person: Person,
        hospital: str,
        day: datetime.date,
        days: int,
        given: list[tuple[str, int]],
        diagnosis: str,
        visit: str,
    ) -> None:
        """A hospital stay, with the letter the mutual issued for it on admission (or a few
        days before a planned operation) — most of the time, and never to someone it does not
        cover."""
        rng = self.rng
        covered = self.covered(person, day, self.items[given[0][0]].service_category)
        if not covered and rng.random() < CHECKED_SHARE:
            return
        until = min(self.last_day, day + datetime.timedelta(days=days - 1))
        draft = Draft(
            person, hospital, day, until, self.bill(hospital, day, given), visit, diagnosis
        )
        if covered and rng.random() < LETTER_SHARE:
            expected = 0.8 * sum(quantity * price for _code, quantity, price in draft.lines)
            if rng.random() < TIGHT_LETTER_SHARE:
                expected *= rng.uniform(0.4, 0.7)
            planned = diagnosis in ("K35.8", "K40.9") and visit == VisitType.REFERRAL
            issued = day - datetime.timedelta(days=rng.randint(1, 7) if planned else 0)
            draft.letter = len(self.letters)
            self.letters.append(
                LetterDraft(
                    person.mutual,
                    person.member_number,
                    hospital,
                    max(issued, self.first_day),
                    rounded_up(expected),
                    LETTER_REASONS[diagnosis],
                )
            )
        self.add(draft)

    def pregnancy(
        self, person: Person, delivery: datetime.date, start: datetime.date, end: datetime.date
    ) -> None:
        """Antenatal visits, the delivery and the postnatal visit that fall within the person's
        days of care [start, end]."""
        rng = self.rng
        facility = self.network.facility[person.mutual]
        offsets = (-200, -140, -80, -25)[-rng.choice((2, 3, 3, 4, 4)) :]
        for number, offset in enumerate(offsets):
            day = delivery + datetime.timedelta(days=offset + rng.randint(-7, 7))
            given = [("CPN", 1)]
            if number == 0:
                given += [("LAB-HB", 1), ("LAB-BU", 1)]
            if number == len(offsets) - 2 and self.offers(facility, "CPN-ECHO"):
                given.append(("CPN-ECHO", 1))
            if rng.random() < 0.7:
                given.append(("FERFOL", rng.choice((30, 60, 90))))
            if start <= day <= end and not self.turned_away(person, day, S.ANTENATAL_CARE):
                lines = self.bill(facility, day, given)
                self.add(Draft(person, facility, day, day, lines, diagnosis="Z34.9"))
        caesarean = rng.random() < CAESAREAN_SHARE
        if start <= delivery <= end:
            if caesarean:  # a stay: the hospital checks it, as any other
                hospital = self.network.hospital[person.mutual]
                visit = VisitType.EMERGENCY if rng.random() < 0.5 else VisitType.REFERRAL
                self.stay(person, hospital, delivery, 4, [("CESAR", 1)], "O82", visit)
            elif not self.turned_away(person, delivery, S.CHILDBIRTH):
                given = [("ACC-SIMP", 1), ("OXYTO10", 1)]
                if rng.random() < 0.3:
                    given.append(("MISO200", 3))
                lines = self.bill(facility, delivery, given)
                self.add(Draft(person, facility, delivery, delivery, lines, diagnosis="O80"))
        day = delivery + datetime.timedelta(days=rng.randint(6, 10))
        if (
            rng.random() < POSTNATAL_SHARE
            and start <= day <= end
            and not self.turned_away(person, day, S.ANTENATAL_CARE)
        ):
            lines = self.bill(facility, day, [("CPON", 1)])
            self.add(Draft(person, facility, day, day, lines, diagnosis="Z39.2"))

    def add(self, *drafts: Draft) -> None:
        """Keeps the claims, with the slips of some invoices: a line above the tariff, a
        quantity beyond the limit."""
        rng = self.rng
        for draft in drafts:
            if not draft.lines:
                continue
            if rng.random() < ABOVE_TARIFF_SHARE:
                position = rng.randrange(len(draft.lines))
                code, quantity, price = draft.lines[position]
                reference = self.items[code].reference_price
                dearer = reference if reference > price else price * rng.randint(110, 130) // 100
                draft.lines[position] = (code, quantity, max(dearer, price + 5))
            if rng.random() < OVER_QUANTITY_SHARE:
                limited = [
                    position
                    for position, (code, _q, _p) in enumerate(draft.lines)
                    if (self.items[code].max_quantity or 1) > 1
                ]
                if limited:
                    position = rng.choice(limited)
                    code, _quantity, price = draft.lines[position]
                    limit = self.items[code].max_quantity or 1
                    draft.lines[position] = (code, limit + rng.randint(1, limit), price)
            self.drafts.append(draft)


def plan_claims(
    rng: random.Random,
    people: Sequence[Person],
    households: Mapping[int, HouseholdFacts],
    network: Network,
    items: Mapping[str, PlannedItem],
    months: int,
    today: datetime.date,
) -> ClaimsPlan:
    """The claims of the `months` full months before `today`'s, decided from `rng` alone."""
    this_month = period_start(today, MONTH)
    first_day = shift(this_month, MONTH, -months)
    last_day = this_month - datetime.timedelta(days=1)
    planner = Planner(rng, network, items, households, first_day, last_day)
    for person in people:
        planner.plan_person(person)

    def month_index(day: datetime.date) -> int:
        return (day.year - first_day.year) * 12 + day.month - first_day.month

    by_batch: list[list[Draft]] = [[] for _ in range(months)]
    for draft in planner.drafts:
        draft.batch = month_index(draft.service_to)
        draw = rng.random()
        if draw < LATE_SHARE:
            draft.batch = min(months - 1, draft.batch + rng.randint(2, 4))
        elif draw < LATE_SHARE + DUPLICATE_SHARE and draft.batch + 1 < months:
            by_batch[draft.batch + 1].append(replace(draft, lines=list(draft.lines)))
        by_batch[draft.batch].append(draft)

    numbers: dict[int, int] = {}
    letters: list[PlannedLetter] = []
    last_number: Counter[str] = Counter()
    for index in sorted(
        range(len(planner.letters)),
        key=lambda i: (planner.letters[i].mutual, planner.letters[i].valid_from),
    ):
        letter = planner.letters[index]
        last_number[letter.mutual] += 1
        numbers[index] = last_number[letter.mutual]
        letters.append(
            PlannedLetter(
                letter.mutual,
                numbers[index],
                letter.member_number,
                letter.provider,
                letter.valid_from,
                letter.valid_from + datetime.timedelta(days=29),
                letter.cap,
                letter.reason,
            )
        )

    batches = []
    for index, drafts in enumerate(by_batch):
        month = shift(first_day, MONTH, index)
        day = min(today, shift(month, MONTH) + datetime.timedelta(days=rng.randint(2, 9)))
        review_days = rng.randint(7, 30)
        reviewed_on = None
        if (today - day).days > REVIEWED_AFTER_DAYS:
            reviewed_on = day + datetime.timedelta(days=review_days)
        # invoices numbered per provider in the order of the days of care
        drafts.sort(key=lambda d: (d.service_from, d.provider, d.person.member_number))
        invoices: Counter[str] = Counter()
        claims = []
        for draft in drafts:
            invoices[draft.provider] += 1
            claims.append(
                ClaimInput(
                    member_number=draft.person.member_number,
                    provider_code=draft.provider,
                    provider_reference=f"F{month:%Y%m}-{invoices[draft.provider]:05d}",
                    service_from=draft.service_from,
                    service_to=draft.service_to,
                    lines=tuple(LineInput(code, q, price) for code, q, price in draft.lines),
                    visit_type=draft.visit_type,
                    diagnosis=draft.diagnosis,
                    letter_number=None if draft.letter is None else numbers[draft.letter],
                )
            )
        batches.append(PlannedBatch(month, day, reviewed_on, tuple(claims)))
    return ClaimsPlan(tuple(batches), tuple(letters))


def demo_network(plan: ProvidersPlan, mutual_unions: Mapping[str, str]) -> Network:
    """Where the members of each mutual (code → its departmental union's code) are cared for,
    from the providers' demo plan: each mutual signed with one facility, each union with its
    district hospital and its pharmacies."""
    kinds = {provider.code: provider.kind for provider in plan.providers}
    facility: dict[str, str] = {}
    by_union: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    prices = {}
    for agreement in plan.agreements:
        prices[agreement.provider] = tuple(
            PriceList(version.valid_from, dict(version.tariffs)) for version in agreement.versions
        )
        if agreement.party in mutual_unions:
            facility[agreement.party] = agreement.provider
        else:
            by_union[agreement.party][kinds[agreement.provider]].append(agreement.provider)
    members_of: dict[str, list[str]] = defaultdict(list)
    for mutual, union in mutual_unions.items():
        members_of[union].append(mutual)
    return Network(
        facility=facility,
        kinds=kinds,
        hospital={m: by_union[u][K.DISTRICT_HOSPITAL][0] for m, u in mutual_unions.items()},
        pharmacies={m: tuple(by_union[u][K.PHARMACY]) for m, u in mutual_unions.items()},
        neighbours={
            mutual: tuple(facility[other] for other in members_of[union] if other != mutual)
            for mutual, union in mutual_unions.items()
        },
        prices=prices,
    )


# --- writing ----------------------------------------------------------------------------------


class Register(NamedTuple):
    people: list[Person]  # in the order of their mutual's code and their member number
    households: dict[int, HouseholdFacts]
    ids: dict[str, tuple[int, int]]  # member number → (beneficiary, mutual) primary keys


def read_register(until: datetime.date) -> Register:
    """Everyone in the register, and their households' cover as the engine reads it on the
    last day of care `until` (claims.facts)."""
    rows = sorted(
        Beneficiary.objects.values_list(
            "mutual__code",
            "member_number",
            "sex",
            "birth_date",
            "enrolled_on",
            "left_on",
            "household__resigned_on",
            "household_id",
            "pk",
            "mutual_id",
        )
    )
    people = []
    ids = {}
    for mutual, number, sex, birth, enrolled, left, resigned, *keys in rows:
        household, pk, mutual_id = keys
        ends = [day - datetime.timedelta(days=1) for day in (left, resigned) if day is not None]
        until_day = min(ends, default=None)
        people.append(Person(number, mutual, sex, pk, birth, enrolled, household, until_day))
        ids[number] = (pk, mutual_id)
    states = households_of((person.household for person in people), until)
    return Register(people, {pk: state.facts for pk, state in states.items()}, ids)


def queue_letters(
    letters: Sequence[PlannedLetter],
    uids: Sequence[UUID],
    queue: EventQueue,
    beneficiaries: Mapping[str, tuple[int, int]],
    provider_ids: Mapping[str, int],
    manager: User | None,
) -> None:
    """Queues each letter's `letter.issued` in its mutual's log on the day it was issued, as
    letter_issue appends it (the manager issues the letters of the manager's mutual)."""
    beneficiary_uids = dict(
        Beneficiary.objects.filter(
            pk__in={beneficiaries[letter.member_number][0] for letter in letters}
        ).values_list("pk", "uid")
    )
    provider_uids = dict(
        Provider.objects.filter(
            pk__in={provider_ids[letter.provider] for letter in letters}
        ).values_list("pk", "uid")
    )
    for letter, uid in zip(letters, uids, strict=True):
        beneficiary, mutual = beneficiaries[letter.member_number]
        row = SimpleNamespace(
            uid=uid,
            number=letter.number,
            beneficiary=SimpleNamespace(uid=beneficiary_uids[beneficiary]),
            provider=SimpleNamespace(uid=provider_uids[provider_ids[letter.provider]]),
            service_category="",
            valid_from=letter.valid_from,
            valid_until=letter.valid_until,
            cap=letter.cap,
        )
        issuer = manager if manager is not None and mutual == manager.organisation_id else None
        queue.add(mutual, letter.valid_from, events.letter_issued(row), issuer)


def reviewed_events(
    claims: QuerySet[Claim], reviewed_at: datetime.datetime
) -> list[tuple[int, str, NewEvent]]:
    """(mutual id, mutual path, `claim.reviewed`) of each claim reviewed at `reviewed_at`, as
    claim_review builds it from the claim and its lines once decided."""
    parts = ("asked", *events.PARTS)
    rows = list(
        claims.order_by("pk").values(
            "pk",
            "uid",
            "mutual_id",
            "mutual__path",
            "service_from",
            "service_to",
            "submitted_on",
            "review_reasons",
            "payer__uid",
            "provider__uid",
            "beneficiary__uid",
            *parts,
        )
    )
    lines: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for line in (
        ClaimLine.objects.filter(claim__in=[row["pk"] for row in rows])
        .order_by("claim_id", "position")
        .values("claim_id", "position", "service_category", "outcome", *parts)
    ):
        lines[line["claim_id"]].append(SimpleNamespace(**line))
    return [
        (
            row["mutual_id"],
            row["mutual__path"],
            events.reviewed_from(
                SimpleNamespace(**row, reviewed_at=reviewed_at),
                payer=str(row["payer__uid"]) if row["payer__uid"] else None,
                provider=str(row["provider__uid"]),
                beneficiary=str(row["beneficiary__uid"]),
                lines=lines[row["pk"]],
            ),
        )
        for row in rows
    ]


def write_claims(
    plan: ClaimsPlan,
    *,
    queue: EventQueue,
    national_union: Organisation,
    beneficiaries: Mapping[str, tuple[int, int]],
    provider_ids: Mapping[str, int],
    clerk: User | None = None,
    clerk_facility: str | None = None,
    advisor: User | None = None,
    manager: User | None = None,
) -> dict[str, Any]:
    """Writes the letters, submits the batches in date order and works through the review
    queues of the old ones. The clerk's facility enters its claims on the claim screen, the
    manager issues the letters of the manager's mutual, the advisor reviews the claims of the
    advisor's department."""
    zone = timezone.get_current_timezone()
    now = timezone.now()

    def at(day: datetime.date, minute: int) -> datetime.datetime:
        return min(
            now,
            datetime.datetime.combine(
                day, datetime.time(8 + minute // 60, minute % 60), tzinfo=zone
            ),
        )

    ReviewPolicy.objects.create(owner=national_union, **REVIEW_POLICY)
    letter_uids = [new_uid() for _letter in plan.letters]
    insert(
        GuaranteeLetter,
        (
            "uid",
            "mutual",
            "number",
            "beneficiary",
            "provider",
            "valid_from",
            "valid_until",
            "cap",
            "reason",
            "issued_by",
            "issued_at",
        ),
        (
            (
                uid,
                beneficiaries[letter.member_number][1],
                letter.number,
                beneficiaries[letter.member_number][0],
                provider_ids[letter.provider],
                letter.valid_from,
                letter.valid_until,
                letter.cap,
                letter.reason,
                manager.pk
                if manager is not None
                and beneficiaries[letter.member_number][1] == manager.organisation_id
                else None,
                at(letter.valid_from, letter.number * 37 % 540),
            )
            for letter, uid in zip(plan.letters, letter_uids, strict=True)
        ),
    )
    queue_letters(plan.letters, letter_uids, queue, beneficiaries, provider_ids, manager)
    last_letters: dict[int, int] = {}
    for letter in plan.letters:
        last_letters[beneficiaries[letter.member_number][1]] = letter.number
    Series.objects.bulk_create(
        Series(organisation_id=mutual, name="letters", last_value=last)
        for mutual, last in last_letters.items()
    )

    saved = refused = 0
    for batch in plan.batches:
        # what happened until the batch, in the logs before its claims
        queue.flush(until=batch.day)
        entered = [c for c in batch.claims if c.provider_code == clerk_facility]
        uploaded = [c for c in batch.claims if c.provider_code != clerk_facility]
        for claims, channel, actor in (
            (uploaded, Channel.UPLOAD, None),
            (entered, Channel.CLERK, clerk),
        ):
            if claims:
                submission = claims_submit(
                    claims,
                    channel=channel,
                    actor=actor,
                    scope_prefix=national_union.path,
                    today=batch.day,
                    valid_only=True,
                )
                saved += sum(pk is not None for pk in submission.claim_ids)
                refused += len(submission.errors)
        if batch.reviewed_on is not None:
            waiting = Claim.objects.filter(submitted_on=batch.day, status=ClaimStatus.IN_REVIEW)
            # approved as adjudicated: the parts are those the claims have
            reviewed_at = at(batch.reviewed_on, 120)
            for mutual_id, path, event in reviewed_events(waiting, reviewed_at):
                actor = advisor if advisor and path.startswith(advisor.organisation.path) else None
                queue.add(mutual_id, batch.reviewed_on, event, actor)
            waiting.update(status=ClaimStatus.DECIDED, reviewed_at=reviewed_at)
    if advisor is not None:
        Claim.objects.filter(
            reviewed_at__isnull=False, mutual__path__startswith=advisor.organisation.path
        ).update(reviewed_by=advisor)
    return {"claims_plan": plan, "claim_count": saved, "claims_refused": refused}


# --- the demo protocol (core/demo.py) ---------------------------------------------------------


def add_arguments(parser) -> None:
    parser.add_argument(
        "--claims-months",
        type=int,
        default=DEFAULT_MONTHS,
        help=f"months of claims of the register's people, 0 for none (default {DEFAULT_MONTHS})",
    )


def has_data() -> bool:
    return Claim.objects.exists()


def generate(demo: Demo) -> None:
    months = demo.options.get("claims_months", DEFAULT_MONTHS)
    if months < 0:
        raise CommandError("--claims-months cannot be negative.")
    made = demo.made
    today = demo_today(demo)
    register = Register([], {}, {})
    if months:
        register = read_register(period_start(today, MONTH) - datetime.timedelta(days=1))
    plan = plan_claims(
        demo.rng,
        register.people,
        register.households,
        demo_network(made["providers_plan"], {m.code: m.parent.code for m in made["mutuals"]}),
        {item.code: item for item in made["providers_plan"].items},
        months if register.people else 0,
        today,
    )
    users = made.get("users", {})
    clerk = users.get("clerk")
    written = write_claims(
        plan,
        queue=demo.events,
        national_union=made["national_union"],
        beneficiaries=register.ids,
        provider_ids=made["provider_ids"],
        clerk=clerk,
        clerk_facility=made["mutual_providers"][clerk.organisation.code] if clerk else None,
        advisor=users.get("advisor"),
        manager=users.get("manager"),
    )
    made.update(written)
    outcomes = Counter(
        dict(ClaimLine.objects.values_list("outcome").annotate(Count("pk")).order_by())
    )
    waiting = Claim.objects.filter(status=ClaimStatus.IN_REVIEW).count()
    demo.log(
        f"Claims: {written['claim_count']} claims over {len(plan.batches)} months, "
        f"{sum(outcomes.values())} lines ({outcomes['approved']} approved, "
        f"{outcomes['adjusted']} adjusted, {outcomes['rejected']} rejected), "
        f"{len(plan.letters)} guarantee letters, {waiting} claims waiting for review, "
        f"{written['claims_refused']} invoices refused at submission."
    )
