"""The portal's demo: a library of real-looking PDFs (written with ReportLab, so that the text
found inside is the text written) and links, in French and English, with one proposal waiting;
gatherings past and to come; flash news; applications to join the network, waiting for the
editor of the network's own organisation (the demo user `network-editor`). Written through the
services, as the editor of the national union (the demo user `editor`) and, for the proposal,
the mutual's manager."""

import datetime

from django.utils import timezone

from mutualis.core.demo import Demo
from mutualis.federation.models import User
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.portal import queries
from mutualis.portal.files import Upload
from mutualis.portal.models import Application, Document, NewsItem
from mutualis.portal.paper import paper_pdf
from mutualis.portal.services import (
    Applicant,
    DocumentDetails,
    GatheringDetails,
    NewsDetails,
    application_confirm,
    application_submit,
    document_propose,
    document_publish,
    gathering_create,
    news_create,
)

# (kind, title, authors, year, language, country, themes, summary, paragraphs of its file)
LIBRARY = [
    (
        "study",
        "Le financement des mutuelles de santé au Sénégal : bilan de dix ans",
        "A. Diop, M. Ndiaye",
        2019,
        "fr",
        "SN",
        ("financing", "uhc"),
        "Cotisations, subventions de l'État et fonds de garantie : comment les mutuelles "
        "communautaires ont financé la couverture de leurs membres.",
        [
            "Entre 2009 et 2019, le nombre de mutuelles de santé communautaires a triplé. "
            "Le taux de recouvrement des cotisations reste pourtant inférieur à 60 %.",
            "Dans le département de Thiénaba, les unions départementales ont mutualisé la "
            "gestion des cotisations et des conventions avec les postes de santé.",
            "La subvention de l'État couvre la moitié de la cotisation des ménages et la "
            "totalité pour les bénéficiaires de la bourse de sécurité familiale.",
        ],
    ),
    (
        "case_study",
        "Community health insurance in rural Benin: the Borgou experience",
        "K. Mensah",
        2016,
        "en",
        "BJ",
        ("governance", "networks"),
        "How a network of village mutual health organizations shared its risks and its "
        "management through a regional union.",
        [
            "Fourteen village schemes joined a regional union in 2011 to share a medical "
            "advisor and an accountant.",
            "Enrolment grew when premiums were collected after the cotton harvest, in cash or "
            "by mobile money, rather than at the start of the year.",
            "The union negotiated capitation payments with the district hospital of Parakou.",
        ],
    ),
    (
        "guide",
        "Guide de gestion d'une mutuelle de santé",
        "BIT/STEP",
        2014,
        "fr",
        "",
        ("governance", "information"),
        "Les registres, la caisse, les prises en charge et le suivi des indicateurs, pas à pas.",
        [
            "Le registre des adhérents est tenu à jour à chaque adhésion, démission ou décès.",
            "Le gérant rapproche chaque mois la caisse, la banque et les reçus de cotisation.",
            "Les onze indicateurs de suivi se calculent à partir des registres : taux de "
            "pénétration, taux de fidélisation, taux de recouvrement, ratio de sinistralité.",
        ],
    ),
    (
        "legal_text",
        "Règlement n° 07/2009/CM/UEMOA portant réglementation de la mutualité sociale",
        "UEMOA",
        2009,
        "fr",
        "",
        ("law",),
        "Le cadre juridique commun des mutuelles sociales dans les huit États de l'Union.",
        [
            "Une mutuelle sociale est un groupement à but non lucratif qui, essentiellement au "
            "moyen des cotisations de ses membres, mène une action de prévoyance.",
            "Les mutuelles sont agréées par l'autorité administrative de chaque État membre.",
        ],
    ),
    (
        "proceedings",
        "Actes du forum de la Concertation : mutualité et couverture universelle",
        "La Concertation",
        2012,
        "fr",
        "ML",
        ("uhc", "networks"),
        "Les échanges de Bamako entre mutuelles, unions, États et partenaires.",
        [
            "Les participants venus de onze pays ont partagé leurs expériences d'extension de "
            "la couverture aux travailleurs de l'économie informelle.",
            "Le forum recommande l'articulation des mutuelles avec les régimes obligatoires.",
        ],
    ),
    (
        "article",
        "Women's participation in the governance of mutual health organizations",
        "F. Traoré, J. Smith",
        2021,
        "en",
        "BF",
        ("gender", "governance"),
        "Women make up most members but few board members: what changes when they lead.",
        [
            "In the Hauts-Bassins region, women held 62 % of memberships but 18 % of seats on "
            "boards of directors.",
            "Schemes where women chaired the board had higher retention rates in the second year.",
        ],
    ),
    (
        "monograph",
        "Monographie de la mutuelle de santé de Kolda",
        "Union régionale de Kolda",
        2018,
        "fr",
        "SN",
        ("benefits", "providers"),
        "Histoire, paquet de prestations, prestataires conventionnés et résultats.",
        [
            "Créée en 2003 par des groupements de femmes, la mutuelle compte 4 200 "
            "bénéficiaires dans douze villages.",
            "Le paquet couvre les consultations, les accouchements et les médicaments "
            "génériques au taux de 80 %.",
        ],
    ),
    (
        "newsletter",
        "Le Courrier de la Concertation n° 12",
        "La Concertation",
        2010,
        "fr",
        "",
        ("networks",),
        "Nouvelles du réseau, calendrier des formations et portrait d'une union.",
        [
            "Ce numéro présente l'union des mutuelles de la région de Thiès et les sessions de "
            "formation des gérants prévues au second semestre.",
        ],
    ),
    (
        "study",
        "Quality of care under agreements between mutuals and health providers",
        "WHO Regional Office for Africa",
        2017,
        "en",
        "CI",
        ("providers",),
        "Agreements, flat fees and medical control: what members receive at health posts.",
        [
            "Flat fees per episode reduced waiting times at health posts and disputes over "
            "invoices.",
            "Medical advisors reviewed one invoice in ten; rejected claims fell by half in two "
            "years.",
        ],
    ),
    (
        "guide",
        "Outil de calcul de la cotisation",
        "La Concertation",
        2015,
        "fr",
        "",
        ("financing", "benefits"),
        "Une méthode pour fixer la cotisation à partir de la fréquentation et des coûts.",
        [
            "La cotisation annuelle couvre la fréquence d'utilisation multipliée par le coût "
            "moyen de chaque service, plus les frais de gestion et la constitution de réserves.",
        ],
    ),
]
LINKS = [
    (
        "study",
        "Universal health coverage in West Africa: the role of mutual health organizations",
        "P-4H network",
        2020,
        "en",
        "",
        ("uhc",),
        "A review of national strategies and the place they give to community schemes.",
        "https://www.who.int/health-topics/universal-health-coverage",
    ),
    (
        "legal_text",
        "Loi relative à la couverture maladie universelle",
        "Assemblée nationale",
        2013,
        "fr",
        "CI",
        ("law", "uhc"),
        "La loi qui institue la couverture maladie universelle et le rôle des mutuelles.",
        "https://www.ipscnam.ci/",
    ),
]
# (days from today to the first day, days it lasts, kind, title, place, country, organiser,
# languages, description)
GATHERINGS = [
    (
        -320, 3, "forum", "Forum régional de la mutualité", "Lomé", "TG",
        "La Concertation", ("fr", "en"),
        "Trois jours d'échanges entre mutuelles, unions, États et partenaires.",
    ),
    (
        -120, 5, "training", "Formation des gérants à la tenue des registres", "Thiès", "SN",
        "Union régionale de Thiès", ("fr",), "",
    ),
    (
        -45, 1, "meeting", "Comité national de la Concertation", "Cotonou", "BJ",
        "Plateforme nationale du Bénin", ("fr",), "",
    ),
    (
        12, 2, "workshop", "Atelier : le suivi des indicateurs avec Mutualis", "Kaolack", "SN",
        "Union nationale", ("fr",),
        "Saisir les rapports mensuels, lire le tableau de bord, exporter vers le DHIS2.",
    ),
    (
        40, 4, "training", "Formation des médecins-conseils au contrôle des factures",
        "Ouagadougou", "BF", "Union régionale des Hauts-Bassins", ("fr", "en"), "",
    ),
    (
        95, 3, "forum",
        "Forum sur l'assurance maladie communautaire et la couverture universelle",
        "Accra", "GH", "La Concertation", ("en", "fr"),
        "Séances plénières en anglais et en français, avec interprétation.",
    ),
]  # fmt: skip
NEWS = [
    (
        -200, "fr", "Les anciens numéros du Courrier dans la bibliothèque",
        "Le Courrier de la Concertation n° 12, de 2010, présente l'union de Thiès et le "
        "calendrier des formations des gérants.",
    ),
    (
        -60, "fr", "Un guide pour fixer la cotisation",
        "L'outil de calcul de la cotisation est désormais dans la bibliothèque.",
    ),
    (
        -20, "fr", "Inscriptions ouvertes pour l'atelier de Kaolack",
        "L'atelier sur le suivi des indicateurs se tiendra à Kaolack ; inscrivez-vous avant "
        "la fin du mois.",
    ),
    (
        -3, "fr", "Trois nouvelles mutuelles dans le réseau",
        "Les mutuelles de Fatick, Nioro et Koungheul ont rejoint l'union départementale.",
    ),
]  # fmt: skip


def add_arguments(parser) -> None:
    """No option of its own."""


def has_data() -> bool:
    return Document.objects.exists()


def generate(demo: Demo) -> None:
    users = demo.made.get("users", {})
    editor, manager = users.get("editor"), users.get("manager")
    if editor is None:
        return
    demo.events.flush()  # the queued events first: the services append theirs at once
    owner = editor.organisation
    for kind, title, authors, year, language, country, themes, summary, paragraphs in LIBRARY:
        document_publish(
            by=editor,
            owner=owner,
            details=DocumentDetails(
                kind=kind,
                title=title,
                authors=authors,
                year=year,
                language=language,
                country=country,
                themes=themes,
                summary=summary,
            ),
            upload=Upload(f"{title[:60].strip()}.pdf", paper_pdf(title, authors, paragraphs)),
        )
    for kind, title, authors, year, language, country, themes, summary, link in LINKS:
        document_publish(
            by=editor,
            owner=owner,
            details=DocumentDetails(
                kind=kind,
                title=title,
                authors=authors,
                year=year,
                language=language,
                country=country,
                themes=themes,
                summary=summary,
                link=link,
            ),
            upload=None,
        )
    if manager is not None:
        title = "Rapport d'activité de la mutuelle"
        document_propose(
            by=manager,
            owner=manager.organisation,
            details=DocumentDetails(
                kind="monograph", title=title, language="fr", authors=str(manager), year=2025
            ),
            upload=Upload(
                "rapport.pdf",
                paper_pdf(title, str(manager), ["Les adhésions ont progressé de 12 %."]),
            ),
        )
    today = demo.made.get("today") or timezone.localdate()
    for first, days, kind, title, place, country, organiser, languages, text in GATHERINGS:
        starts_on = today + datetime.timedelta(days=first)
        gathering_create(
            by=editor,
            owner=owner,
            details=GatheringDetails(
                kind=kind,
                title=title,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=days - 1),
                description=text,
                place=place,
                country=country,
                organiser=organiser,
                languages=languages,
                registration="" if first < 0 else "https://example.org/inscription",
            ),
        )
    now = timezone.now()
    for days, language, title, body in NEWS:
        item = news_create(
            by=editor, owner=owner, details=NewsDetails(title=title, body=body, language=language)
        )
        # dated in the past as a real list of news is; the service dates what it publishes now
        NewsItem.objects.filter(pk=item.pk).update(published_at=now + datetime.timedelta(days=days))
    applications(demo, editor)


# people asking to join the network: days ago, confirmed, given name, family name, address,
# organisation, country, function, language, why
APPLICANTS = [
    (
        9,
        True,
        "Mariama",
        "Baldé",
        "mariama.balde@example.org",
        "Mutuelle de santé de Kolda",
        "SN",
        "Trésorière",
        "fr",
        "Notre mutuelle prépare son premier inventaire et voudrait lire les études du réseau.",
    ),
    (
        5,
        True,
        "Koffi",
        "Agbodjan",
        "k.agbodjan@example.org",
        "Union des mutuelles de santé des Plateaux",
        "TG",
        "Chargé de suivi-évaluation",
        "fr",
        "Échanger avec les autres unions sur les indicateurs et la remontée des données.",
    ),
    (
        2,
        True,
        "Grace",
        "Mensah",
        "grace.mensah@example.org",
        "Ghana Health Financing Institute",
        "GH",
        "Researcher",
        "en",
        "I study community health insurance and would like to share our work in the library.",
    ),
    (
        1,
        False,
        "Issa",
        "Traoré",
        "issa.traore@example.org",
        "Mutuelle de santé de Sikasso",
        "ML",
        "Gérant",
        "fr",
        "Participer aux forums sur la gestion des cotisations.",
    ),
]


def applications(demo: Demo, editor: User) -> None:
    """An editor of the network's own organisation (the Concertation, made by the inventory's
    demo), the demo user `network-editor`, and applications to join waiting for them."""
    network = queries.network()
    if network is None:
        return
    reviewer = user_create(
        by=None,
        username="network-editor",
        organisation=network,
        roles=[Role.PORTAL_EDITOR],
        first_name="Fatou",
        last_name="Sarr",
        email="network-editor@example.org",
    )
    # the demo users' password, hashed once already (Argon2 is slow on purpose)
    User.objects.filter(pk=reviewer.pk).update(password=editor.password)
    now = timezone.now()
    for (
        days,
        confirmed,
        first,
        last,
        email,
        organisation,
        country,
        function,
        language,
        why,
    ) in APPLICANTS:
        row = application_submit(
            applicant=Applicant(
                first_name=first,
                last_name=last,
                email=email,
                organisation_name=organisation,
                country=country,
                function=function,
                motivation=why,
                consent=True,
                language=language,
            ),
            client=None,
            now=now - datetime.timedelta(days=days),
        )
        if confirmed:
            application_confirm(application=row)
    demo.log(f"Portal: {Application.objects.count()} applications to join the network.")
