"""The directory's demo: some forty organisations of the network in a dozen countries, members
and partners, sixty people who work for them, the national committees of five countries and
their members, written through the services (as the national union's portal editor keeps them)
in French and in English. The focal points are the inventory demo's (inventory.FocalPoint); the
focal point of Mali and the demo user `manager` are linked to their entries, so that signing in
as `manager` shows "My entry in the directory". Phone numbers and addresses are made up; e-mail
addresses and websites are on example.org."""

from mutualis.core.demo import Demo
from mutualis.core.text import normalize
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Kind as OrganisationKind
from mutualis.federation.rules import Role
from mutualis.inventory.models import FocalPoint
from mutualis.portal.directory import services
from mutualis.portal.directory.models import Institution, Person

# (acronym, name, kind, membership, country, other countries, city, French, English)
INSTITUTIONS = [
    (
        "UNMSC",
        "Union nationale des mutuelles de santé communautaires",
        "union",
        "member",
        "SN",
        "",
        "Dakar",
        "Fédère les unions départementales de mutuelles du Sénégal.",
        "Federates the departmental unions of mutuals of Senegal.",
    ),
    (
        "ANCMU",
        "Agence nationale de la couverture maladie universelle",
        "public",
        "partner",
        "SN",
        "",
        "Dakar",
        "Pilote la couverture maladie universelle et subventionne les mutuelles.",
        "Steers universal health coverage and subsidises the mutuals.",
    ),
    (
        "Enda Santé",
        "Enda Santé",
        "ngo",
        "member",
        "SN",
        "ML GN",
        "Dakar",
        "ONG d'appui aux mutuelles et à la santé communautaire.",
        "NGO supporting mutuals and community health.",
    ),
    (
        "GRAIM",
        "Groupe de recherche et d'appui aux initiatives mutualistes",
        "support",
        "member",
        "SN",
        "",
        "Thiès",
        "Structure d'appui historique des mutuelles de la région de Thiès.",
        "Long-standing support structure of the mutuals of the Thiès region.",
    ),
    (
        "ISED",
        "Institut de santé et développement",
        "research",
        "member",
        "SN",
        "",
        "Dakar",
        "Forme les gérants et évalue les mutuelles.",
        "Trains managers and evaluates mutuals.",
    ),
    (
        "UTM",
        "Union technique de la mutualité malienne",
        "union",
        "member",
        "ML",
        "",
        "Bamako",
        "Union des mutuelles du Mali : assurance, gestion, formation.",
        "Union of Mali's mutuals: insurance, management, training.",
    ),
    (
        "AMI",
        "Aide médicale internationale",
        "ngo",
        "partner",
        "ML",
        "",
        "Bamako",
        "Appuie les mutuelles dans les cercles de Ségou et Mopti.",
        "Supports mutuals in the circles of Ségou and Mopti.",
    ),
    (
        "DNPSES",
        "Direction nationale de la protection sociale et de l'économie solidaire",
        "public",
        "partner",
        "ML",
        "",
        "Bamako",
        "Tutelle des mutuelles au Mali.",
        "Supervising authority of the mutuals in Mali.",
    ),
    (
        "RAMS",
        "Réseau d'appui aux mutuelles de santé",
        "union",
        "member",
        "BF",
        "",
        "Bobo-Dioulasso",
        "Réseau des mutuelles et de leurs promoteurs au Burkina Faso.",
        "Network of mutuals and their promoters in Burkina Faso.",
    ),
    (
        "CNAMU",
        "Caisse nationale d'assurance maladie universelle",
        "public",
        "partner",
        "BF",
        "",
        "Ouagadougou",
        "Met en œuvre l'assurance maladie universelle.",
        "Implements universal health insurance.",
    ),
    (
        "Louvain Coopération",
        "Louvain Coopération au développement",
        "ngo",
        "partner",
        "BF",
        "BJ TG",
        "Ouagadougou",
        "ONG universitaire belge, appui aux mutuelles rurales.",
        "Belgian university NGO supporting rural mutuals.",
    ),
    (
        "UMS Bobo",
        "Union des mutuelles de santé de Bobo-Dioulasso",
        "union",
        "member",
        "BF",
        "",
        "Bobo-Dioulasso",
        "Union de douze mutuelles de quartier.",
        "Union of twelve neighbourhood mutuals.",
    ),
    (
        "Alliance Santé",
        "Alliance Santé",
        "support",
        "member",
        "BJ",
        "",
        "Cotonou",
        "Appui technique aux mutuelles du Bénin.",
        "Technical support to Benin's mutuals.",
    ),
    (
        "UMB",
        "Union des mutuelles du Borgou",
        "union",
        "member",
        "BJ",
        "",
        "Parakou",
        "Union régionale des mutuelles du Borgou.",
        "Regional union of the mutuals of Borgou.",
    ),
    (
        "Maison de la mutualité",
        "Maison de la mutualité du Bénin",
        "support",
        "member",
        "BJ",
        "",
        "Cotonou",
        "Centre de ressources et de formation des mutualistes.",
        "Resource and training centre for mutualists.",
    ),
    (
        "CREDESA",
        "Centre régional pour le développement et la santé",
        "research",
        "member",
        "BJ",
        "",
        "Pahou",
        "Recherche-action en santé communautaire.",
        "Action research in community health.",
    ),
    (
        "UMSS",
        "Union des mutuelles de santé des Savanes",
        "union",
        "member",
        "TG",
        "",
        "Dapaong",
        "Union des mutuelles de la région des Savanes.",
        "Union of the mutuals of the Savanes region.",
    ),
    (
        "Louvain Développement Togo",
        "Louvain Développement, bureau du Togo",
        "ngo",
        "partner",
        "TG",
        "",
        "Lomé",
        "Appui aux mutuelles du Togo.",
        "Support to Togo's mutuals.",
    ),
    (
        "DGPS",
        "Direction générale de la protection sociale",
        "public",
        "partner",
        "TG",
        "",
        "Lomé",
        "Politique nationale de protection sociale.",
        "National social protection policy.",
    ),
    (
        "Mutualité ivoirienne",
        "Mutualité ivoirienne",
        "union",
        "member",
        "CI",
        "",
        "Abidjan",
        "Fédération des mutuelles de Côte d'Ivoire.",
        "Federation of Côte d'Ivoire's mutuals.",
    ),
    (
        "SIGEM",
        "Société ivoirienne de gestion des mutuelles",
        "support",
        "member",
        "CI",
        "",
        "Abidjan",
        "Gestion déléguée et informatique des mutuelles.",
        "Delegated management and IT for mutuals.",
    ),
    (
        "CNAM CI",
        "Caisse nationale d'assurance maladie",
        "public",
        "partner",
        "CI",
        "",
        "Abidjan",
        "Gère la couverture maladie universelle ivoirienne.",
        "Runs Côte d'Ivoire's universal health coverage.",
    ),
    (
        "UMS Fouta",
        "Union des mutuelles de santé du Fouta",
        "union",
        "member",
        "GN",
        "",
        "Labé",
        "Union des mutuelles de Moyenne-Guinée.",
        "Union of the mutuals of Middle Guinea.",
    ),
    (
        "CIDR",
        "Centre international de développement et de recherche",
        "support",
        "member",
        "GN",
        "ML BF TG",
        "Conakry",
        "Appuie la création de réseaux de mutuelles depuis les années 1990.",
        "Has supported networks of mutuals since the 1990s.",
    ),
    (
        "GIZ Guinée",
        "Coopération allemande (GIZ), programme santé",
        "donor",
        "partner",
        "GN",
        "",
        "Conakry",
        "Coopération technique allemande : financement de la santé.",
        "German technical cooperation: health financing.",
    ),
    (
        "UMN",
        "Union des mutuelles du Niger",
        "union",
        "member",
        "NE",
        "",
        "Niamey",
        "Union nationale des mutuelles de santé du Niger.",
        "National union of Niger's mutuals.",
    ),
    (
        "ANPIP",
        "Association nigérienne pour la promotion des initiatives de proximité",
        "ngo",
        "member",
        "NE",
        "",
        "Maradi",
        "Promotion des mutuelles dans la région de Maradi.",
        "Promotes mutuals in the Maradi region.",
    ),
    (
        "BASE",
        "Bureau d'appui santé et environnement",
        "support",
        "member",
        "CM",
        "",
        "Bamenda",
        "Appui aux mutuelles du Nord-Ouest du Cameroun.",
        "Supports the mutuals of North-West Cameroon.",
    ),
    (
        "PROMUSAC",
        "Programme de promotion des mutuelles de santé au Cameroun",
        "support",
        "member",
        "CM",
        "",
        "Yaoundé",
        "Programme national de promotion des mutuelles.",
        "National programme promoting mutuals.",
    ),
    (
        "CAMNAFAW",
        "Cameroon National Association for Family Welfare",
        "ngo",
        "partner",
        "CM",
        "",
        "Yaoundé",
        "Santé de la reproduction et mutuelles de femmes.",
        "Reproductive health and women's mutuals.",
    ),
    (
        "UMT",
        "Union des mutuelles du Tchad",
        "union",
        "member",
        "TD",
        "",
        "N'Djamena",
        "Union des mutuelles de santé du Tchad.",
        "Union of Chad's mutuals.",
    ),
    (
        "BELACD Moundou",
        "Bureau d'études et de liaison des actions caritatives et de développement",
        "ngo",
        "member",
        "TD",
        "",
        "Moundou",
        "Appui aux mutuelles du Logone.",
        "Supports the mutuals of Logone.",
    ),
    (
        "PROMUSCAM",
        "Programme mutuelles de santé de la RDC",
        "support",
        "member",
        "CD",
        "",
        "Kinshasa",
        "Appui aux mutuelles de Kinshasa et du Kivu.",
        "Supports mutuals in Kinshasa and Kivu.",
    ),
    (
        "CNMS RDC",
        "Conseil national des mutuelles de santé",
        "union",
        "member",
        "CD",
        "",
        "Kinshasa",
        "Instance nationale des mutuelles congolaises.",
        "National body of Congolese mutuals.",
    ),
    (
        "UMS Rwanda",
        "Network of community health insurance schemes",
        "union",
        "member",
        "RW",
        "",
        "Kigali",
        "Réseau des mutuelles de santé rwandaises.",
        "Network of Rwanda's community-based health insurance schemes.",
    ),
    (
        "BIT/STEP",
        "Bureau international du Travail, programme STEP",
        "donor",
        "partner",
        "SN",
        "ML BF BJ GN CM",
        "Dakar",
        "Programme Stratégies et techniques contre l'exclusion sociale : outils et formations "
        "des mutuelles.",
        "Strategies and Tools against social Exclusion and Poverty: tools and training for "
        "mutuals.",
    ),
    (
        "WSM",
        "Solidarité mondiale (WSM)",
        "donor",
        "partner",
        "BJ",
        "SN BF TG CI",
        "Cotonou",
        "Mouvement belge de solidarité, appui aux mutuelles et à la protection sociale.",
        "Belgian solidarity movement supporting mutuals and social protection.",
    ),
    (
        "ANMC",
        "Alliance nationale des mutualités chrétiennes",
        "donor",
        "partner",
        "BF",
        "SN BJ CD",
        "Ouagadougou",
        "Partenaire belge des unions de mutuelles africaines.",
        "Belgian partner of African unions of mutuals.",
    ),
    (
        "USAID HFG",
        "USAID, projet financement de la santé",
        "donor",
        "partner",
        "ML",
        "SN BJ",
        "Bamako",
        "Projet d'appui au financement de la santé.",
        "Health financing support project.",
    ),
    (
        "IRD",
        "Institut de recherche pour le développement",
        "research",
        "partner",
        "SN",
        "ML BF",
        "Dakar",
        "Recherches sur l'accès aux soins et les mutuelles.",
        "Research on access to care and mutuals.",
    ),
    (
        "CESAG",
        "Centre africain d'études supérieures en gestion",
        "research",
        "member",
        "SN",
        "",
        "Dakar",
        "Master en économie de la santé et gestion des mutuelles.",
        "Master's degree in health economics and management of mutuals.",
    ),
    (
        "AIM",
        "Association internationale de la mutualité",
        "other",
        "partner",
        "BF",
        "SN ML CI",
        "Ouagadougou",
        "Fédère les mutualités du monde ; bureau Afrique.",
        "Federates the world's mutualities; Africa office.",
    ),
]

FIRST = {
    "SN": ["Aminata", "Mamadou", "Fatou", "Ousmane", "Khady", "Ibrahima", "Ndèye"],
    "ML": ["Mariam", "Boubacar", "Kadiatou", "Seydou", "Oumou"],
    "BF": ["Salimata", "Issouf", "Awa", "Adama", "Rasmata"],
    "BJ": ["Rachida", "Comlan", "Bernadette", "Gildas", "Edwige"],
    "TG": ["Akossiwa", "Kodjo", "Yawa", "Komi"],
    "CI": ["Adjoua", "Konan", "Aya", "Yao"],
    "GN": ["Fatoumata", "Alpha", "Hadja", "Mamadou"],
    "NE": ["Zeinabou", "Moussa", "Haoua"],
    "CM": ["Brenda", "Jean-Paul", "Ngozi", "Emmanuel"],
    "TD": ["Achta", "Mahamat", "Neloumta"],
    "CD": ["Esther", "Jean-Marie", "Chantal"],
    "RW": ["Claudine", "Jean de Dieu"],
}
LAST = {
    "SN": ["Diop", "Ndiaye", "Fall", "Sow", "Diallo", "Sarr", "Gueye"],
    "ML": ["Traoré", "Coulibaly", "Keïta", "Diarra", "Touré"],
    "BF": ["Ouédraogo", "Sawadogo", "Kaboré", "Sanou", "Zongo"],
    "BJ": ["Houénou", "Adjovi", "Dossou", "Agossou", "Hounkpatin"],
    "TG": ["Agbéko", "Mensah", "Amouzou", "Kpodar"],
    "CI": ["Kouassi", "Koffi", "Ouattara", "N'Guessan"],
    "GN": ["Barry", "Bah", "Camara", "Condé"],
    "NE": ["Issoufou", "Abdou", "Maïga"],
    "CM": ["Fon", "Mbarga", "Nkeng", "Tchoumi"],
    "TD": ["Mahamat", "Ngarlejy", "Djimet"],
    "CD": ["Mbuyi", "Kabila", "Lukusa"],
    "RW": ["Uwimana", "Habimana"],
}
TITLES = [
    ("Président(e) du conseil d'administration", "Chair of the board"),
    ("Coordonnateur(trice)", "Coordinator"),
    ("Chargé(e) de programme mutuelles", "Programme officer, mutuals"),
    ("Directeur(trice)", "Director"),
    ("Responsable suivi-évaluation", "Monitoring and evaluation officer"),
    ("Médecin-conseil", "Medical advisor"),
    ("Formateur(trice) en gestion", "Management trainer"),
    ("Chercheur(se) en économie de la santé", "Health economics researcher"),
]
EXPERTISE = [
    "Gestion des mutuelles, tenue des registres et des cotisations",
    "Suivi-évaluation, tableaux de bord, indicateurs MAS Pilote",
    "Conventions avec les prestataires, contrôle médical",
    "Plaidoyer, couverture maladie universelle, subventions de l'État",
    "Formation des élus et des gérants ; animation de réseaux",
    "Études de faisabilité, calcul des cotisations, actuariat",
    "Health financing, community-based health insurance, research",
    "Genre, mutuelles de femmes, santé de la reproduction",
]
ENGLISH_FIRST = {"CM", "RW"}
PHONE_PREFIX = {
    "SN": "+221 77",
    "ML": "+223 76",
    "BF": "+226 70",
    "BJ": "+229 97",
    "TG": "+228 90",
    "CI": "+225 07",
    "GN": "+224 62",
    "NE": "+227 96",
    "CM": "+237 6 77",
    "TD": "+235 66",
    "CD": "+243 81",
    "RW": "+250 78",
}
# the five countries with a national committee, and its name
COMMITTEES = {
    "SN": "Comité national de la Concertation au Sénégal",
    "ML": "Comité national de la Concertation au Mali",
    "BF": "Comité national de la Concertation au Burkina Faso",
    "BJ": "Comité national de la Concertation au Bénin",
    "CI": "Comité national de la Concertation en Côte d'Ivoire",
}
ROLES = ["chair", "secretary", "treasurer", "member", "member", "member"]
PEOPLE = 60


def add_arguments(parser) -> None:
    """No option of its own."""


def has_data() -> bool:
    return Institution.objects.exists()


def slug(text: str) -> str:
    return normalize(text).replace(" ", "")[:16] or "contact"


def phone(demo: Demo, country: str) -> str:
    digits = demo.rng.randint(100_00_00, 999_99_99)
    text = f"{digits:07d}"
    return f"{PHONE_PREFIX[country]} {text[:3]} {text[3:5]} {text[5:]}"


def generate(demo: Demo) -> None:
    editor = User.objects.filter(username="editor").first()
    owner = (
        editor.organisation
        if editor is not None
        else Organisation.objects.filter(kind=OrganisationKind.NATIONAL_UNION)
        .order_by("pk")
        .first()
    )
    if owner is None:
        return
    by = editor if editor is not None and editor.has_any_role({Role.PORTAL_EDITOR}) else None
    demo.events.flush()  # the queued events first: the services append theirs at once
    rng = demo.rng
    made: dict[str, list[Institution]] = {}
    for acronym, name, kind, membership, country, others, city, french, english in INSTITUTIONS:
        row = services.institution_create(
            by=by,
            owner=owner,
            values={
                "name": name,
                "acronym": acronym if acronym != name else "",
                "kind": kind,
                "membership": membership,
                "country": country,
                "other_countries": others,
                "city": city,
                "address": f"BP {rng.randint(100, 9999)}, {city}",
                "phone": phone(demo, country),
                "email": f"contact.{slug(acronym)}@example.org",
                "website": f"https://{slug(acronym)}.example.org",
                "description_fr": french,
                "description_en": english,
            },
        )
        made.setdefault(country, []).append(row)
    # the federation's own national union is the first organisation's twin
    first = made["SN"][0]
    services.institution_update(by=by, institution=first, values={"organisation": owner})
    countries = sorted(FIRST)
    people: dict[str, list[Person]] = {}
    for index in range(PEOPLE):
        country = countries[index % len(countries)]
        first_name = FIRST[country][index // len(countries) % len(FIRST[country])]
        last_name = LAST[country][(index * 3 + 1) % len(LAST[country])]
        french, english = TITLES[index % len(TITLES)]
        institution = rng.choice(made.get(country) or made["SN"])
        # the researchers and one in five choose to show how to reach them to everyone
        open_contact = institution.kind == "research" or index % 5 == 0
        people.setdefault(country, []).append(
            services.person_create(
                by=by,
                owner=owner,
                values={
                    "name": f"{first_name} {last_name}",
                    "title": english if country in ENGLISH_FIRST else french,
                    "institution": institution,
                    "country": country,
                    "phone": phone(demo, country),
                    "email": f"{slug(first_name)}.{slug(last_name)}{index}@example.org",
                    "languages": "en fr" if country in ENGLISH_FIRST else "fr",
                    "expertise": EXPERTISE[index % len(EXPERTISE)],
                    "members_only": [] if open_contact else ["phone", "email"],
                },
            )
        )
    # as the system: the focal point works for the Concertation, outside the editor's scope
    link_users(None, owner, made, people)
    for country, name in COMMITTEES.items():
        committee = services.committee_create(by=by, owner=owner, country=country, name=name)
        for role, person in zip(ROLES, people[country], strict=False):
            services.seat_take(by=by, committee=committee, person=person, role=role)
    demo.log(
        f"Directory: {len(INSTITUTIONS)} organisations, {PEOPLE} people, "
        f"{len(COMMITTEES)} national committees."
    )


def link_users(
    by: User | None,
    owner: Organisation,
    made: dict[str, list[Institution]],
    people: dict[str, list[Person]],
) -> None:
    """The focal point of Mali and the mutual's manager have entries linked to their accounts:
    the focal points' page links to the first, the second chooses who sees their details."""
    focal = FocalPoint.objects.filter(country="ML").select_related("user").first()
    if focal is not None:
        services.person_update(
            by=by,
            person=people["ML"][0],
            values={
                "user": focal.user,
                "name": focal.user.get_full_name(),
                "title": "Point focal national de la Concertation",
            },
        )
    manager = User.objects.filter(username="manager").first()
    if manager is not None:
        services.person_create(
            by=by,
            owner=owner,
            values={
                "name": manager.get_full_name() or manager.username,
                "title": "Gérant de mutuelle",
                "institution": made["SN"][0],
                "country": "SN",
                "phone": "+221 77 000 00 00",
                "email": manager.email,
                "languages": "fr wo",
                "expertise": "Gestion d'une mutuelle communautaire, recouvrement des cotisations",
                "user": manager,
            },
        )
