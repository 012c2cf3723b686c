"""Demo inventory: the mutuals of a dozen countries of West and Central Africa, most of them not
organisations of this installation, kept on their behalf by the Concertation (a support
structure the demo adds, with a focal point for each country but Senegal, whose focal point is
the demo's union officer, `officer`); and the demo federation's own mutuals, kept by
themselves, their records pre-filled from the monitoring's figures.

Each mutual has a record for each year from its creation to last year, growing or declining,
some starting and some stopping, almost all validated; this year's records of a few Senegalese
mutuals wait for the focal point, one of them returned with a comment. Written in bulk with
the events the services append (inventory.events), in each steward's log."""

import datetime

from django.utils import timezone

from mutualis.core.demo import Demo
from mutualis.core.events import NewEvent, append_all
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Kind, Role
from mutualis.federation.services import organisation_create, user_create
from mutualis.inventory import events
from mutualis.inventory.choices import State
from mutualis.inventory.models import Entry, FocalPoint, Record
from mutualis.inventory.queries import monitoring_figures
from mutualis.inventory.rules import FIGURES, record_errors
from mutualis.monitoring.rules import tolerance_bp

# country → (currency, places, focal point's name, the networks its mutuals belong to, the
# structures that support them)
COUNTRIES = {
    "SN": (
        "XOF",
        ["Kaffrine", "Fatick", "Kolda", "Louga", "Matam", "Tivaouane", "Bakel", "Sédhiou"],
        None,
        ["Union nationale des mutuelles de santé communautaires", "Réseau des mutuelles du Sine"],
        ["ANCMU", "Enda Santé", "WSM"],
    ),
    "ML": (
        "XOF",
        ["Ségou", "Sikasso", "Kayes", "Mopti", "Koutiala", "Bougouni"],
        ("Djikine", "Babassa"),
        ["Union technique de la mutualité malienne (UTM)"],
        ["UTM", "Aide médicale internationale"],
    ),
    "BF": (
        "XOF",
        ["Bobo-Dioulasso", "Koudougou", "Ouahigouya", "Fada N'Gourma", "Banfora"],
        ("Alphonse", "Sanou"),
        ["Réseau d'appui aux mutuelles de santé (RAMS)"],
        ["Direction de la protection sociale", "Louvain Coopération"],
    ),
    "BJ": (
        "XOF",
        ["Parakou", "Abomey", "Lokossa", "Natitingou", "Djougou"],
        ("Comlan", "Houénou"),
        ["Alliance Santé", "Union des mutuelles du Borgou"],
        ["Maison de la mutualité", "WSM"],
    ),
    "TG": (
        "XOF",
        ["Sokodé", "Kara", "Atakpamé", "Dapaong"],
        ("Kossi", "Agbéko"),
        ["Union des mutuelles de santé des Savanes"],
        ["Louvain Développement"],
    ),
    "CI": (
        "XOF",
        ["Bouaké", "Korhogo", "Man", "Daloa"],
        ("Barakatou", "Ouattara"),
        ["Mutualité ivoirienne"],
        ["SIGEM"],
    ),
    "GN": (
        "GNF",
        ["Labé", "Kankan", "Mamou", "Kindia", "Boké"],
        ("Alhassane", "Barry"),
        ["Union des mutuelles de santé du Fouta"],
        ["CIDR", "GIZ"],
    ),
    "CM": (
        "XAF",
        ["Bafoussam", "Bamenda", "Garoua", "Kumbo"],
        ("Gatien", "Eteme"),
        ["Plateforme des promoteurs de mutuelles de santé du Cameroun"],
        ["CIDR", "BASC"],
    ),
    "NE": ("XOF", ["Maradi", "Zinder", "Dosso"], ("Issoufou", "Garba"), [], ["Lux-Développement"]),
    "CD": (
        "CDF",
        ["Bukavu", "Kikwit", "Mbuji-Mayi", "Kisangani"],
        ("Anne-Marie", "Mambombe"),
        ["Réseau des mutuelles de santé du Sud-Kivu"],
        ["BIT/STEP", "Memisa"],
    ),
    "BI": (
        "BIF",
        ["Gitega", "Ngozi", "Muyinga"],
        ("François", "Sindimwo"),
        [],
        ["Mutualité de la Fonction publique"],
    ),
    "MR": ("MRU", ["Nouakchott", "Kiffa"], ("Soufy", "Fall"), [], ["Caritas"]),
}
NAMES = [
    "Mutuelle de santé {place}",
    "Mutuelle Sahel Santé de {place}",
    "Mutuelle des femmes de {place}",
    "Mutuelle des artisans de {place}",
    "Mutuelle Solidarité {place}",
    "Mutuelle des enseignants de {place}",
    "Mutuelle des producteurs de coton de {place}",
    "Mutuelle du marché central de {place}",
]
# a beneficiary's monthly contribution, in the currency's unit, from and to
CONTRIBUTIONS = {
    "XOF": (200, 1000),
    "XAF": (250, 1200),
    "GNF": (3000, 12000),
    "CDF": (1000, 5000),
    "BIF": (500, 2500),
    "MRU": (20, 100),
}
SERVICES = [
    "consultation",
    "drugs",
    "childbirth",
    "hospitalisation",
    "surgery",
    "tests",
    "transport",
]
RETURN_COMMENT = (
    "Le nombre de bénéficiaires a doublé en un an : joignez la liste des adhésions de l'année "
    "ou corrigez le chiffre."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--inventoried",
        type=int,
        default=70,
        help="mutuals of the inventory that do not run Mutualis (default 70)",
    )


def has_data() -> bool:
    return Entry.objects.exists()


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def focal_points(demo: Demo, concertation: Organisation) -> dict[str, User]:
    officer = demo.made.get("users", {}).get("officer")
    found: dict[str, User] = {}
    for country, (_c, _p, person, _n, _s) in COUNTRIES.items():
        if person is None:
            if officer is None:
                continue
            user = officer
        else:
            user = user_create(
                by=None,
                username=f"focal-{country.lower()}",
                organisation=concertation,
                roles=[Role.UNION_OFFICER],
                first_name=person[0],
                last_name=person[1].upper(),
            )
        FocalPoint.objects.create(user=user, country=country, designated_at=timezone.now())
        found[country] = user
    return found


def year_of(rng, currency: str, members: int, status: str, level: str) -> dict:
    """A year's figures that keep the rules: collections at most a little above the dues."""
    beneficiaries = members * rng.randint(3, 7)
    low, high = CONTRIBUTIONS[currency]
    monthly = rng.randrange(low, high + 1, max(1, low // 4))
    period = rng.choice(["month", "month", "quarter", "year"])
    per_period = monthly * {"month": 1, "quarter": 3, "year": 12}[period]
    due = beneficiaries * monthly * 12
    collected = due * rng.randint(45, 105) // 100
    services = SERVICES[: {"primary": 3, "secondary": 5, "tertiary": 7}[level]]
    return {
        "status": status,
        "members": members,
        "beneficiaries": beneficiaries,
        "women_members": members * rng.randint(25, 75) // 100,
        "target_population": beneficiaries * rng.randint(4, 12),
        "services": sorted(rng.sample(services, rng.randint(2, len(services)))),
        "level": level,
        "coverage_rate": rng.choice([50, 60, 70, 75, 80, 100]),
        "hospital_coverage_rate": rng.choice([None, 50, 70, 80]) if level != "primary" else None,
        "contribution": per_period,
        "contribution_period": period,
        "registration_fee": rng.choice([500, 1000, 1000, 2000]) * max(1, low // 200),
        "waiting_days": rng.choice([30, 60, 90, 90, 180]),
        "currency": currency,
        "contributions_due": due,
        "contributions_collected": collected,
        "benefits_paid": collected * rng.randint(40, 95) // 100,
        "subsidies": rng.choice([None, 0, due // 10, due // 4]),
        "reserves": collected * rng.randint(0, 60) // 100,
        "providers": rng.randint(1, 6),
        "provider_names": "",
        "tools": sorted(rng.sample(["paper", "spreadsheet", "mas_gestion", "sigma"], 2)),
    }


# the network's own support structure, whose staff are the countries' focal points
CONCERTATION = "CONCERTATION"


def generate(demo: Demo) -> None:
    demo.events.flush()  # the other apps' events first, in their logs' order
    rng = demo.rng
    today = demo.made.get("today") or timezone.localdate()
    last_year = today.year - 1
    concertation = organisation_create(
        by=None,
        kind=Kind.SUPPORT_STRUCTURE,
        parent=None,
        code=CONCERTATION,
        name="Concertation entre les acteurs de la mutualité en Afrique",
        support_type="ngo",
    )
    validators = focal_points(demo, concertation)
    entries: list[Entry] = []
    records: list[Record] = []
    logs: dict[int, list[tuple[datetime.datetime, NewEvent]]] = {}
    actors: dict[int, User | None] = {}
    countries = list(COUNTRIES)
    for index in range(demo.options.get("inventoried", 70)):
        country = countries[index % len(countries)]
        currency, places, _person, networks, supporters = COUNTRIES[country]
        place = places[(index // len(countries)) % len(places)]
        name = NAMES[(index * 7 + index // len(countries)) % len(NAMES)].format(place=place)
        founded = rng.randint(1996, last_year - 1)
        entry = Entry(
            steward=concertation,
            name=name,
            country=country,
            place=place,
            founded_on=datetime.date(founded, rng.randint(1, 12), rng.randint(1, 28)),
            legal_status=rng.choice(["mutual", "mutual", "association", "informal"]),
            mutual_type=rng.choice(
                ["community", "community", "community", "professional", "workplace", "microfinance"]
            ),
            networks="\n".join(rng.sample(networks, min(len(networks), rng.randint(0, 2)))),
            supporters="\n".join(rng.sample(supporters, min(len(supporters), rng.randint(1, 2)))),
        )
        if entry.legal_status == "mutual":
            entry.registration = f"Agrément n° {rng.randint(10, 999)}/{founded + 1}"
        entries.append(entry)
        log = logs.setdefault(concertation.pk, [])
        actors[concertation.pk] = None
        log.append((at(entry.founded_on, 9), events.entry_created(entry, None)))
        members = rng.randint(40, 400)
        level = rng.choice(["primary", "primary", "secondary", "secondary", "tertiary"])
        stops = rng.random() < 0.12
        first = max(founded - 1, 2016)  # the year before its creation, in project
        for year in range(first, last_year + 1):
            age = year - founded
            status = "project" if age < 0 else "starting" if age < 2 else "functioning"
            if stops and year >= last_year - 1:
                status = "stopped"
            members = max(10, members * rng.randint(85, 130) // 100)
            values = year_of(rng, currency, members if status != "stopped" else 0, status, level)
            if status == "stopped":
                values.update(beneficiaries=0, women_members=0, contributions_due=0)
                values.update(contributions_collected=0, benefits_paid=0)
            records.append(record_of(entry, year, values, validators.get(country), log, rng, []))
    Entry.objects.bulk_create(entries, batch_size=500)
    mutualis_records(demo, entries, records, logs, actors, validators, today)
    by_uid = {entry.uid: entry for entry in Entry.objects.all()}
    for record in records:
        record.entry = by_uid[record.entry.uid]
    Record.objects.bulk_create(records, batch_size=1000)
    for steward_id, log in logs.items():
        log.sort(key=lambda item: item[0])
        append_all(steward_id, [event for _at, event in log], actors.get(steward_id))
    waiting = sum(record.state == State.SUBMITTED for record in records)
    demo.log(
        f"Inventory: {len(by_uid)} mutuals in {len(COUNTRIES)} countries, {len(records)} "
        f"yearly records ({waiting} waiting for a focal point), {len(validators)} focal points."
    )


def record_of(entry, year, values, validator, log, rng, prefilled) -> Record:
    figures = {name: values.get(name) for name in FIGURES}
    problems = record_errors(
        figures, tolerance=tolerance_bp(), contribution_period=values["contribution_period"]
    )
    assert problems == [], (entry.name, year, problems)
    saved = min(
        at(datetime.date(year + 1, rng.randint(1, 3), rng.randint(1, 28)), 10),
        timezone.now() - datetime.timedelta(days=rng.randint(1, 20)),
    )
    record = Record(
        entry=entry,
        year=year,
        **values,
        prefilled=sorted(prefilled),
        state=State.VALIDATED if validator else State.SUBMITTED,
        saved_at=saved,
    )
    log.append((saved, events.record_saved(record, entry.uid, figures)))
    if validator is not None:
        record.decided_at = saved + datetime.timedelta(days=rng.randint(2, 40))
        record.decided_by = validator
        log.append(
            (record.decided_at, events.record_decided(record, entry.uid, events.RECORD_VALIDATED))
        )
    return record


def mutualis_records(demo, entries, records, logs, actors, validators, today) -> None:
    """The demo federation's mutuals, kept by themselves: last year's record validated and
    this year's waiting, both pre-filled from the monitoring where it knows their figures
    (one of them returned by the focal point)."""
    rng = demo.rng
    manager = demo.made.get("users", {}).get("manager")
    own = demo.made.get("demo_mutual")
    mutuals = [own] if own is not None else []
    mutuals += [m for m in demo.made.get("mutuals", []) if m != own][: 12 - len(mutuals)]
    for index, mutual in enumerate(mutuals):
        location = mutual.location
        entry = Entry(
            steward=mutual,
            organisation=mutual,
            name=mutual.name,
            country="SN",
            place=location.name if location else "",
            founded_on=mutual.founded_on,
            legal_status="mutual" if mutual.registration_number else "association",
            registration=mutual.registration_number,
            mutual_type=mutual.mutual_type or "community",
            networks="Union nationale des mutuelles de santé communautaires",
            supporters="ANCMU",
        )
        entry.save()
        entries.append(entry)
        log = logs.setdefault(mutual.pk, [])
        actors[mutual.pk] = manager if mutual == demo.made.get("demo_mutual") else None
        log.append(
            (at(today - datetime.timedelta(days=400), 9), events.entry_created(entry, mutual.uid))
        )
        for year in (today.year - 1, today.year):
            values = year_of(
                rng, mutual.currency or "XOF", rng.randint(80, 500), "functioning", "secondary"
            )
            known = monitoring_figures(mutual.pk, year)
            values.update(known)
            values["tools"] = ["mutualis"]
            if (
                values["members"] > values["beneficiaries"]
                or (values["women_members"] or 0) > values["members"]
            ):
                continue  # the monitoring's year is too young to say
            if record_errors(
                {name: values.get(name) for name in FIGURES},
                tolerance=tolerance_bp(),
                contribution_period=values["contribution_period"],
            ):
                continue
            this_year = year == today.year
            record = record_of(
                entry, year, values, None if this_year else validators.get("SN"), log, rng, known
            )
            if this_year and index == 1:
                record.state, record.comment = State.RETURNED, RETURN_COMMENT
                record.decided_at = record.saved_at + datetime.timedelta(hours=5)
                record.decided_by = validators.get("SN")
                log.append(
                    (
                        record.decided_at,
                        events.record_decided(record, entry.uid, events.RECORD_RETURNED),
                    )
                )
            records.append(record)
