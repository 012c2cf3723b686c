"""Demo data of providers: the national list of acts and medicines, health facilities and their
agreements with the demo federation's mutuals and unions (domain-rules.md §5–8).

`mutualis demo` gives, for the federation written by federation/demo.py:

- the national list (data/national_list.csv, owned by the national union): 97 acts, generic
  essential medicines and flat fees of Senegal's public health system — consultations by level
  of care, antenatal and postnatal visits, simple and complicated delivery and caesarean flat
  fees, hospital days, common laboratory tests, X-rays and ultrasound, minor and common
  surgery — with a reference price in FCFA (the file's last column, which the import of the
  acts page ignores: an agreed price belongs to an agreement). The departmental union of the
  demo users extends it with two acts of its own (UNION_ITEMS);
- providers: a health centre in the chef-lieu commune of each department that has mutuals and a
  health post in the commune of every other mutual (a few of them Catholic posts), all
  registered by the departmental union; a district hospital and one or two private pharmacies
  per departmental union; a regional hospital per regional union, registered by it, in the
  commune of its capital when the demo has a mutual there; a private clinic in the demo users'
  department. The demo clerk is a clerk of the demo mutual's facility;
- agreements: each mutual with its health post or centre; each departmental union with its
  district hospital and its pharmacies, for all its mutuals; each regional union with its
  regional hospital (referrals); the private clinic has none. Each agreement starts in the first
  half of the year three years ago (before the 24 months of demo history) and prices what its
  provider gives — the acts and medicines of its services at its level of care — at the
  reference price or a little under (up to 10 % off, in steps of 5 FCFA). The agreements of the
  demo users' department have a second version from 1 January this year, the first one's
  prices being 10 % lower.

As in the other apps, `plan_providers(rng, ...)` decides everything (pure: dataclasses, no
database; the same seed and federation give the same plan) and `write_providers(plan, ...)`
writes it with core.bulk (plain tuples, one statement per batch), as the services would without
the audit entries. 700 mutuals give about 830 providers, 830 agreements and 35,000 tariffs in a
fraction of a second.

What later generators find in `demo.made`:

- ``"providers_plan"``: the ProvidersPlan (items, providers and agreements, with their tariffs
  as item codes and prices);
- ``"item_ids"``: dict (owner organisation code, item code) → MedicalItem primary key;
- ``"provider_ids"``: dict provider code → Provider primary key;
- ``"agreement_ids"``: list of Agreement primary keys aligned with the plan's agreements;
- ``"tariff_count"``: the number of tariffs written;
- ``"mutual_providers"``: dict mutual code → the code of its health post or centre.
"""

import csv
import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mutualis.benefits.choices import LevelOfCare, ServiceCategory
from mutualis.benefits.demo import demo_today
from mutualis.core.bulk import indexes_built_after, insert, reserve_ids, write_cache
from mutualis.core.demo import Demo
from mutualis.core.ids import new_uid
from mutualis.core.periods import PeriodUnit
from mutualis.core.text import normalize
from mutualis.federation.demo import contact, mobile_phone, of, office_phone
from mutualis.federation.models import Location, Organisation
from mutualis.providers.events import REGISTERED, provider_event
from mutualis.providers.models import Agreement, AgreementVersion, MedicalItem, Provider, Tariff
from mutualis.providers.rules import DEFAULT_LEVEL, ItemKind, ProviderKind, Sector

DATA_FILE = Path(__file__).parent / "data" / "national_list.csv"
S = ServiceCategory
L = LevelOfCare
K = ProviderKind

PHARMACY_NAMES = (
    "Pharmacie du Marché",
    "Pharmacie de la Gare",
    "Pharmacie Nouvelle",
    "Pharmacie de l'Espoir",
    "Pharmacie Serigne Touba",
    "Pharmacie Mame Diarra",
    "Pharmacie El Hadji Malick Sy",
    "Pharmacie Al Amine",
    "Pharmacie Keur Yallah",
    "Pharmacie de la Poste",
    "Pharmacie Baye Fall",
    "Pharmacie du Rond-Point",
)
CLINIC_NAME = "Clinique Sainte-Anne"
QUARTERS = ("Escale", "Médina", "HLM", "Santhiaba", "Darou Salam", "Thiokhna", "Grand Dakar")
FAITH_BASED_SHARE = 0.05  # Catholic health posts, a few in every region

# What each kind of provider gives: the service categories it bills and the levels of care of
# the acts it bills (blank: an act of any level). A regional hospital also gives district
# hospital care; a private clinic gives hospital care (rules.DEFAULT_LEVEL).
SERVICES = {
    K.HEALTH_POST: {S.CONSULTATION, S.ANTENATAL_CARE, S.CHILDBIRTH, S.MEDICINES, S.LABORATORY},
    K.HEALTH_CENTRE: {
        S.CONSULTATION,
        S.ANTENATAL_CARE,
        S.CHILDBIRTH,
        S.MEDICINES,
        S.LABORATORY,
        S.HOSPITALISATION,
        S.SURGERY,
        S.DENTAL,
    },
    K.DISTRICT_HOSPITAL: set(S) - {S.OPTICAL},
    K.REGIONAL_HOSPITAL: set(S),
    K.PHARMACY: {S.MEDICINES},
    K.PRIVATE_CLINIC: set(S) - {S.MEDICINES},
}
LEVELS = {
    K.HEALTH_POST: {"", L.HEALTH_POST},
    K.HEALTH_CENTRE: {"", L.HEALTH_CENTRE},
    K.DISTRICT_HOSPITAL: {"", L.DISTRICT_HOSPITAL},
    K.REGIONAL_HOSPITAL: {"", L.DISTRICT_HOSPITAL, L.REGIONAL_HOSPITAL},
    K.PHARMACY: {"", L.PHARMACY},
    K.PRIVATE_CLINIC: {"", L.DISTRICT_HOSPITAL},
}
# What only hospitals do among the acts of any level, what a health centre does that a health
# post does not, and the tests a health post's nurse does without a laboratory.
HOSPITAL_ONLY = {"CESAR", "CHIR-CIRC", "PALU-GRAVE", "RX-THO", "RX-MEMB", "RX-BASS", "RX-RACH"}
NOT_AT_HEALTH_POSTS = {"CPN-ECHO", "SOIN-PERF"}
HEALTH_POST_TESTS = {"LAB-TDR", "LAB-GE", "LAB-HB", "LAB-BU", "LAB-GROS"}

OBLIGATIONS = {
    K.HEALTH_POST: (
        "Vérifier la carte de membre et la photo à chaque visite ; prescrire en dénomination "
        "commune (médicaments génériques) ; joindre l'ordonnance à chaque facture."
    ),
    K.DISTRICT_HOSPITAL: (
        "Hospitalisation sur lettre de garantie de la mutuelle, sauf urgence (lettre dans les "
        "48 heures) ; malades référés par un poste ou un centre de santé ; génériques "
        "prescrits en priorité ; compte rendu d'hospitalisation joint à la facture."
    ),
    K.PHARMACY: (
        "Délivrer sur ordonnance d'un prestataire conventionné ; proposer le générique le "
        "moins cher ; relevé mensuel avec les ordonnances."
    ),
}
OBLIGATIONS[K.HEALTH_CENTRE] = OBLIGATIONS[K.HEALTH_POST]
OBLIGATIONS[K.REGIONAL_HOSPITAL] = OBLIGATIONS[K.DISTRICT_HOSPITAL]


@dataclass(frozen=True)
class PlannedItem:
    owner: str  # organisation code
    code: str
    label: str
    kind: str
    service_category: str
    level: str
    max_quantity: int | None
    min_days_between: int | None
    reference_price: int


@dataclass(frozen=True)
class PlannedProvider:
    code: str
    name: str
    kind: str
    sector: str
    owner: str  # organisation code
    location: str | None  # commune code
    address: str
    phone: str
    contact_name: str

    @property
    def level(self) -> str:
        return DEFAULT_LEVEL[ProviderKind(self.kind)]


@dataclass(frozen=True)
class PlannedVersion:
    valid_from: datetime.date
    payment_days: int
    submission_days: int
    referral_required: bool
    obligations: str
    tariffs: tuple[tuple[str, int], ...]  # (item code, agreed price), in the list's order
    invoicing_period: str = PeriodUnit.MONTH
    identity_check: bool = True


@dataclass(frozen=True)
class PlannedAgreement:
    provider: str  # provider code
    party: str  # organisation code
    reference: str
    signed_on: datetime.date
    starts_on: datetime.date
    versions: tuple[PlannedVersion, ...]  # oldest first


@dataclass(frozen=True)
class ProvidersPlan:
    items: tuple[PlannedItem, ...]
    providers: tuple[PlannedProvider, ...]
    agreements: tuple[PlannedAgreement, ...]


@dataclass(frozen=True)
class MutualPlace:
    code: str
    union: str  # its departmental union's code
    commune: str  # code of its commune
    commune_name: str


@dataclass(frozen=True)
class DepartmentPlace:
    union: str  # the departmental union's code
    region_union: str
    code: str  # the department's location code ("SN-TH-THI")
    name: str


@dataclass(frozen=True)
class RegionPlace:
    union: str
    code: str  # the region's location code ("SN-TH")
    name: str


@cache
def national_list(owner: str) -> tuple[PlannedItem, ...]:
    """The acts and medicines of data/national_list.csv, owned by `owner`."""
    with DATA_FILE.open(encoding="utf-8", newline="") as file:
        return tuple(
            PlannedItem(
                owner=owner,
                code=row["code"],
                label=row["label"],
                kind=row["kind"],
                service_category=row["service_category"],
                level=row["level"],
                max_quantity=int(row["max_quantity"]) if row["max_quantity"] else None,
                min_days_between=int(row["min_days_between"]) if row["min_days_between"] else None,
                reference_price=int(row["reference_price"]),
            )
            for row in csv.DictReader(file, delimiter=";")
        )


def union_items(owner: str) -> tuple[PlannedItem, ...]:
    """What the demo users' departmental union adds to the national list for its mutuals."""
    act = dict(owner=owner, kind=ItemKind.ACT, level="", max_quantity=1)
    return (
        PlannedItem(
            code="LAB-HBA1C",
            label="Hémoglobine glyquée (HbA1c)",
            service_category=S.LABORATORY,
            min_days_between=90,
            reference_price=8000,
            **act,
        ),
        PlannedItem(
            code="DENT-DETART",
            label="Détartrage dentaire",
            service_category=S.DENTAL,
            min_days_between=180,
            reference_price=5000,
            **act,
        ),
    )


def prices_for(kind: str, items: Sequence[PlannedItem]) -> list[PlannedItem]:
    """The acts and medicines a provider of this kind bills."""
    services, levels = SERVICES[ProviderKind(kind)], LEVELS[ProviderKind(kind)]
    chosen = [i for i in items if i.service_category in services and i.level in levels]
    if kind in (K.HEALTH_POST, K.HEALTH_CENTRE):
        chosen = [i for i in chosen if i.code not in HOSPITAL_ONLY]
    if kind == K.HEALTH_POST:
        chosen = [
            i
            for i in chosen
            if i.code not in NOT_AT_HEALTH_POSTS
            and (i.service_category != S.LABORATORY or i.code in HEALTH_POST_TESTS)
        ]
    return chosen


def agreed(reference: int, discount_percent: int) -> int:
    """A price at most `discount_percent` under the reference, in steps of 5 FCFA, never more
    than the reference."""
    price = reference * (100 - discount_percent) // 100
    return price - price % 5 if price >= 100 else price


def tariffs(
    rng: random.Random, items: Sequence[PlannedItem], discount: int
) -> tuple[tuple[str, int], ...]:
    # One act in five keeps its reference price whatever the agreement's discount.
    return tuple(
        (item.code, agreed(item.reference_price, 0 if rng.random() < 0.2 else discount))
        for item in items
    )


def capital(region: RegionPlace, departments: Sequence[DepartmentPlace]) -> DepartmentPlace:
    """The department of the region's capital: the one named like the region, else its first."""
    own = [d for d in departments if d.region_union == region.union]
    return next((d for d in own if normalize(d.name) == normalize(region.name)), own[0])


def plan_providers(
    rng: random.Random,
    *,
    today: datetime.date,
    national_union: str,
    demo_union: str,
    regions: Sequence[RegionPlace],
    departments: Sequence[DepartmentPlace],
    mutuals: Sequence[MutualPlace],
) -> ProvidersPlan:
    """The demo's list, providers and agreements, decided from `rng`: mutuals in code order,
    the first of each department in its chef-lieu."""
    national = national_list(national_union)
    extra = union_items(demo_union)
    providers: list[PlannedProvider] = []
    agreements: list[PlannedAgreement] = []
    chef_lieu: dict[str, MutualPlace] = {}
    for mutual in mutuals:
        chef_lieu.setdefault(mutual.union, mutual)
    region_unions: dict[str, set[str]] = {}
    for department in departments:
        region_unions.setdefault(department.region_union, set()).add(department.union)
    year_start = datetime.date(today.year - 3, 1, 1)
    renewal = datetime.date(today.year, 1, 1)

    def sign(provider: PlannedProvider, party: str, reference: str, union: str) -> None:
        items = prices_for(provider.kind, national + (extra if union == demo_union else ()))
        starts_on = year_start + datetime.timedelta(days=rng.randrange(181))
        signed_on = starts_on - datetime.timedelta(days=rng.randrange(7, 61))
        kind = ProviderKind(provider.kind)
        hospital = kind in (K.DISTRICT_HOSPITAL, K.REGIONAL_HOSPITAL)
        prices = tariffs(rng, items, rng.choice((0, 0, 5, 10)))
        terms = dict(
            payment_days=45 if hospital else 30,
            submission_days=90 if hospital else 60,
            referral_required=hospital,
            obligations=OBLIGATIONS[kind],
        )
        if union == demo_union:
            earlier = tuple((code, agreed(price, 10)) for code, price in prices)
            versions = (
                PlannedVersion(starts_on, tariffs=earlier, **terms),
                PlannedVersion(renewal, tariffs=prices, **{**terms, "payment_days": 30}),
            )
        else:
            versions = (PlannedVersion(starts_on, tariffs=prices, **terms),)
        agreements.append(
            PlannedAgreement(provider.code, party, reference, signed_on, starts_on, versions)
        )

    for mutual in mutuals:
        centre = chef_lieu[mutual.union] is mutual
        faith = not centre and rng.random() < FAITH_BASED_SHARE
        kind = K.HEALTH_CENTRE if centre else K.HEALTH_POST
        name = "Centre de santé" if centre else "Poste de santé"
        if faith:
            name = "Poste de santé catholique"
        provider = PlannedProvider(
            code=f"{mutual.commune}-{'CS' if centre else 'PS'}",
            name=f"{name} {of(mutual.commune_name)}",
            kind=kind,
            sector=Sector.FAITH_BASED if faith else Sector.PUBLIC,
            owner=mutual.union,
            location=mutual.commune,
            address=f"Quartier {rng.choice(QUARTERS)}",
            phone=mobile_phone(rng),
            contact_name=contact(rng),
        )
        providers.append(provider)
        sign(provider, mutual.code, f"CONV-{mutual.code}-1", mutual.union)

    for department in departments:
        town = chef_lieu.get(department.union)
        where = town.commune if town else None
        hospital = PlannedProvider(
            code=f"{department.code}-HD",
            name=f"Hôpital de district {of(department.name)}",
            kind=K.DISTRICT_HOSPITAL,
            sector=Sector.PUBLIC,
            owner=department.union,
            location=where,
            address="Route nationale",
            phone=office_phone(rng),
            contact_name=contact(rng),
        )
        providers.append(hospital)
        sign(hospital, department.union, f"CONV-{department.union}-HD", department.union)
        for number, pharmacy_name in enumerate(
            rng.sample(PHARMACY_NAMES, 1 + (rng.random() < 0.5)), start=1
        ):
            pharmacy = PlannedProvider(
                code=f"{department.code}-PH{number}",
                name=f"{pharmacy_name} ({town.commune_name if town else department.name})",
                kind=K.PHARMACY,
                sector=Sector.PRIVATE,
                owner=department.union,
                location=where,
                address="Avenue principale",
                phone=office_phone(rng),
                contact_name=contact(rng),
            )
            providers.append(pharmacy)
            reference = f"CONV-{department.union}-PH{number}"
            sign(pharmacy, department.union, reference, department.union)
        if department.union == demo_union:
            providers.append(
                PlannedProvider(
                    code=f"{department.code}-CLIN",
                    name=CLINIC_NAME,
                    kind=K.PRIVATE_CLINIC,
                    sector=Sector.PRIVATE,
                    owner=department.union,
                    location=where,
                    address="Quartier Randoulène",
                    phone=office_phone(rng),
                    contact_name=contact(rng),
                )
            )

    for region in regions:
        towns = [chef_lieu[d.union] for d in departments if d.union in chef_lieu]
        town = chef_lieu.get(capital(region, departments).union) or next(
            (t for t in towns if t.union in region_unions[region.union]), None
        )
        hospital = PlannedProvider(
            code=f"{region.code}-CHR",
            name=f"Centre hospitalier régional {of(region.name)}",
            kind=K.REGIONAL_HOSPITAL,
            sector=Sector.PUBLIC,
            owner=region.union,
            location=town.commune if town else None,
            address="Avenue de l'Hôpital",
            phone=office_phone(rng),
            contact_name=contact(rng),
        )
        providers.append(hospital)
        sign(hospital, region.union, f"CONV-{region.union}-CHR", region.union)

    return ProvidersPlan(national + extra, tuple(providers), tuple(agreements))


# --- writing the plan -------------------------------------------------------------------------


ITEM_FIELDS = (
    "id",
    "uid",
    "owner",
    "kind",
    "code",
    "label",
    "service_category",
    "level",
    "max_quantity",
    "min_days_between",
)
PROVIDER_FIELDS = (
    "id",
    "uid",
    "owner",
    "code",
    "name",
    "kind",
    "level",
    "sector",
    "location",
    "address",
    "phone",
    "contact_name",
)
AGREEMENT_FIELDS = ("id", "uid", "provider", "party", "reference", "signed_on", "starts_on")
VERSION_FIELDS = (
    "id",
    "uid",
    "agreement",
    "valid_from",
    "payment_days",
    "invoicing_period",
    "submission_days",
    "identity_check",
    "referral_required",
    "obligations",
)


def write_providers(
    plan: ProvidersPlan,
    organisations: Mapping[str, Organisation],
    locations: Mapping[str, Location],
) -> dict[str, Any]:
    """Writes the plan with core.bulk and returns the handles documented at the top."""
    item_ids = {
        (item.owner, item.code): pk
        for item, pk in zip(plan.items, reserve_ids(MedicalItem, len(plan.items)), strict=True)
    }
    insert(
        MedicalItem,
        ITEM_FIELDS,
        (
            (
                item_ids[item.owner, item.code],
                new_uid(),
                organisations[item.owner].pk,
                item.kind,
                item.code,
                item.label,
                item.service_category,
                item.level,
                item.max_quantity,
                item.min_days_between,
            )
            for item in plan.items
        ),
    )
    provider_ids = {
        p.code: pk
        for p, pk in zip(plan.providers, reserve_ids(Provider, len(plan.providers)), strict=True)
    }
    provider_uids = {p.code: new_uid() for p in plan.providers}
    insert(
        Provider,
        PROVIDER_FIELDS,
        (
            (
                provider_ids[p.code],
                provider_uids[p.code],
                organisations[p.owner].pk,
                p.code,
                p.name,
                p.kind,
                p.level,
                p.sector,
                locations[p.location].pk if p.location else None,
                p.address,
                p.phone,
                p.contact_name,
            )
            for p in plan.providers
        ),
    )
    agreement_ids = reserve_ids(Agreement, len(plan.agreements))
    insert(
        Agreement,
        AGREEMENT_FIELDS,
        (
            (
                pk,
                new_uid(),
                provider_ids[a.provider],
                organisations[a.party].pk,
                a.reference,
                a.signed_on,
                a.starts_on,
            )
            for pk, a in zip(agreement_ids, plan.agreements, strict=True)
        ),
    )
    versions = [
        (agreement_id, version)
        for agreement_id, agreement in zip(agreement_ids, plan.agreements, strict=True)
        for version in agreement.versions
    ]
    version_ids = reserve_ids(AgreementVersion, len(versions))
    insert(
        AgreementVersion,
        VERSION_FIELDS,
        (
            (
                pk,
                new_uid(),
                agreement_id,
                v.valid_from,
                v.payment_days,
                v.invoicing_period,
                v.submission_days,
                v.identity_check,
                v.referral_required,
                v.obligations,
            )
            for pk, (agreement_id, v) in zip(version_ids, versions, strict=True)
        ),
    )
    # The union's own acts have codes of their own (the demo replaces no national act), so a
    # code names one item whoever prices it.
    by_code = {code: pk for (_owner, code), pk in item_ids.items()}
    with write_cache(), indexes_built_after(Tariff._meta.db_table):
        tariff_count = insert(
            Tariff,
            ("uid", "version", "item", "price"),
            (
                (new_uid(), version_id, by_code[code], price)
                for version_id, (_agreement, version) in zip(version_ids, versions, strict=True)
                for code, price in version.tariffs
            ),
        )
    return {
        "providers_plan": plan,
        "item_ids": item_ids,
        "provider_ids": provider_ids,
        "provider_uids": provider_uids,
        "agreement_ids": agreement_ids,
        "tariff_count": tariff_count,
        "mutual_providers": {
            a.party: a.provider
            for a in plan.agreements
            if organisations[a.party].kind == Organisation.Kind.MUTUAL
        },
    }


# --- the demo protocol (core/demo.py) ---------------------------------------------------------


def add_arguments(parser) -> None:
    """Providers follow the federation: no option."""


def has_data() -> bool:
    return MedicalItem.objects.exists() or Provider.objects.exists()


def generate(demo: Demo) -> None:
    made = demo.made
    demo_mutual = made["demo_mutual"]
    departments = [
        DepartmentPlace(u.code, u.parent.code, u.location.code, u.location.name)
        for u in made["departmental_unions"]
    ]
    plan = plan_providers(
        demo.rng,
        today=demo_today(demo),
        national_union=made["national_union"].code,
        demo_union=demo_mutual.parent.code,
        regions=[
            RegionPlace(u.code, u.location.code, u.location.name) for u in made["regional_unions"]
        ],
        departments=departments,
        mutuals=[
            MutualPlace(m.code, m.parent.code, m.location.code, m.location.name)
            for m in made["mutuals"]
        ],
    )
    written = write_providers(plan, made["organisations"], made["locations"])
    # each provider's registration in its owner's log, before any agreement with it
    registered = min((a.signed_on for a in plan.agreements), default=demo_today(demo))
    for planned in plan.providers:
        owner = made["organisations"][planned.owner]
        row = SimpleNamespace(
            uid=written["provider_uids"][planned.code],
            code=planned.code,
            name=planned.name,
            kind=planned.kind,
            level=planned.level,
            sector=planned.sector,
            active=True,
        )
        demo.events.add(owner.pk, registered, provider_event(REGISTERED, row))
    clerk = made.get("users", {}).get("clerk")
    if clerk is not None:
        facility = written["mutual_providers"][clerk.organisation.code]
        Provider.staff.through.objects.create(
            provider_id=written["provider_ids"][facility], user_id=clerk.pk
        )
    made.update(written)
    demo.log(
        f"Providers: {len(plan.items)} acts and medicines, {len(plan.providers)} providers, "
        f"{len(plan.agreements)} agreements, {written['tariff_count']} tariffs."
    )
