"""Demo mailing lists and Courrier: a dozen subscribers (confirmed in French and in English,
one waiting for their confirmation, one who stopped), two past issues of the Courrier published
and sent, and the next one in draft for the `editor` user to finish, preview and publish.
Written through the services, then dated in the past as a real archive is."""

import datetime

from django.utils import timezone

from mutualis.core.demo import Demo
from mutualis.core.models import Mail
from mutualis.portal.newsletter import mails
from mutualis.portal.newsletter.models import Issue, Subscription
from mutualis.portal.newsletter.services import (
    ArticleDetails,
    IssueDetails,
    article_add,
    issue_create,
    issue_publish,
    issue_send,
)

SUBSCRIBERS = [
    # (address, lists, language, state)
    ("aminata.diallo@example.org", ("flash", "courrier"), "fr", "confirmed"),
    ("moussa.sow@example.org", ("flash", "courrier"), "fr", "confirmed"),
    ("fatou.ndiaye@example.org", ("courrier",), "fr", "confirmed"),
    ("kouassi.yao@example.org", ("flash",), "fr", "confirmed"),
    ("adjoa.mensah@example.org", ("flash", "courrier"), "en", "confirmed"),
    ("kwame.boateng@example.org", ("courrier",), "en", "confirmed"),
    ("chinwe.okafor@example.org", ("flash", "courrier"), "en", "confirmed"),
    ("ibrahim.traore@example.org", ("flash", "courrier"), "fr", "confirmed"),
    ("mariam.kone@example.org", ("courrier",), "fr", "confirmed"),
    ("seydou.keita@example.org", ("flash",), "fr", "waiting"),
    ("awa.fall@example.org", ("flash", "courrier"), "fr", "stopped"),
]

# (days ago, title fr, title en, articles: (title fr, title en, text fr, text en, link))
ISSUES = [
    (
        150,
        "Les mutuelles face à la couverture universelle",
        "Mutual health organisations and universal health coverage",
        [
            (
                "La CMU s'appuie sur les mutuelles communautaires",
                "Universal coverage builds on community mutuals",
                "Le programme national de couverture maladie universelle a confié aux mutuelles "
                "de santé communautaires l'enrôlement des ménages du secteur informel et du "
                "monde rural.\n\nL'État prend en charge la moitié de la cotisation des "
                "adhérents et la totalité pour les ménages bénéficiaires des bourses de "
                "sécurité familiale. Les unions départementales reçoivent les subventions et "
                "les reversent aux mutuelles sur présentation des listes d'adhérents à jour.",
                "The national universal health coverage programme has entrusted community "
                "mutual health organisations with enrolling households of the informal sector "
                "and of rural areas.\n\nThe State pays half of each member's contribution, and "
                "all of it for the households of the family security grant. Departmental "
                "unions receive the subsidies and pass them on to the mutuals against up-to-"
                "date lists of members.",
                "",
            ),
            (
                "Kaolack : le tiers payant avec l'hôpital régional",
                "Kaolack: third-party payment with the regional hospital",
                "Depuis janvier, les adhérents des douze mutuelles du département ne paient "
                "plus que le ticket modérateur à l'hôpital régional. L'union règle les "
                "factures chaque mois, après contrôle par son médecin-conseil.\n\nEn six mois, "
                "le délai de paiement de l'hôpital est passé de 90 à 35 jours.",
                "Since January, the members of the department's twelve mutuals only pay their "
                "co-payment at the regional hospital. The union settles the invoices every "
                "month, after review by its medical advisor.\n\nIn six months, the time the "
                "hospital waits to be paid fell from 90 to 35 days.",
                "",
            ),
            (
                "Agenda : l'atelier régional d'Abidjan",
                "Diary: the regional workshop in Abidjan",
                "Les structures d'appui de huit pays se retrouveront à Abidjan pour partager "
                "leurs outils de suivi des mutuelles. Inscriptions auprès de la Concertation.",
                "Support structures from eight countries will meet in Abidjan to share their "
                "tools for monitoring mutuals. Registration with the Concertation.",
                "https://example.org/atelier-abidjan",
            ),
        ],
    ),
    (
        60,
        "Recouvrer les cotisations toute l'année",
        "Collecting contributions all year round",
        [
            (
                "Le paiement mobile à la mutuelle de Joal",
                "Mobile payment at the Joal mutual",
                "Depuis mars, les adhérents de la mutuelle de Joal paient leurs cotisations "
                "par téléphone, sans se déplacer au siège.\n\nLe taux de recouvrement est passé "
                "de 54 % à 71 % en un an. Le gérant reçoit chaque soir la liste des paiements "
                "du jour et les reçus partent par SMS.",
                "Since March, the members of the Joal mutual pay their contributions by phone, "
                "without travelling to the office.\n\nThe collection rate rose from 54% to 71% "
                "in a year. The manager receives the day's payments every evening, and "
                "receipts go out by text message.",
                "",
            ),
            (
                "Cotiser après la récolte",
                "Paying contributions after the harvest",
                "Dans le bassin arachidier, plusieurs mutuelles ont aligné l'échéance annuelle "
                "sur la commercialisation de la récolte. Les ménages paient en une fois, en "
                "décembre, et restent couverts toute l'année.",
                "In the groundnut basin, several mutuals have set the yearly due date at the "
                "time the harvest is sold. Households pay once, in December, and stay covered "
                "the whole year.",
                "",
            ),
        ],
    ),
]

DRAFT = (
    "La qualité des soins dans les conventions",
    "Quality of care in provider agreements",
    [
        (
            "Un médecin-conseil pour trois unions",
            "One medical advisor for three unions",
            "Les unions de Thiès, Fatick et Kaolack partagent désormais un médecin-conseil, "
            "qui contrôle les factures des hôpitaux et visite les postes de santé "
            "conventionnés.",
            "The unions of Thiès, Fatick and Kaolack now share a medical advisor, who reviews "
            "the hospitals' invoices and visits the health posts under agreement.",
            "",
        ),
        (
            "Renégocier les tarifs conventionnés",
            "Renegotiating agreed tariffs",
            "Un guide de la Concertation décrit, pas à pas, la renégociation des tarifs avec "
            "un district sanitaire.",
            "A guide of the Concertation describes, step by step, how to renegotiate tariffs "
            "with a health district.",
            "https://example.org/guide-tarifs",
        ),
    ],
)


def add_arguments(parser) -> None:
    """No option of its own."""


def has_data() -> bool:
    return Issue.objects.exists()


def subscribe(now: datetime.datetime) -> None:
    rows = []
    for index, (email, lists, language, state) in enumerate(SUBSCRIBERS):
        requested = now - datetime.timedelta(days=200 - index * 7)
        for name in lists:
            rows.append(
                Subscription(
                    email=email,
                    list=name,
                    language=language,
                    requested_at=requested,
                    confirmed_at=None if state == "waiting" else requested,
                    stopped_at=now - datetime.timedelta(days=20) if state == "stopped" else None,
                )
            )
    Subscription.objects.bulk_create(rows)


def generate(demo: Demo) -> None:
    editor = demo.made.get("users", {}).get("editor")
    if editor is None:
        return
    demo.events.flush()  # the queued events first: the services append theirs at once
    now = timezone.now()
    subscribe(now)
    for days, title_fr, title_en, articles in ISSUES:
        when = now - datetime.timedelta(days=days)
        issue = issue_create(
            by=editor,
            owner=editor.organisation,
            details=IssueDetails(title_fr, title_en, when.date()),
        )
        for title_fr_a, title_en_a, body_fr, body_en, link in articles:
            article_add(
                by=editor,
                issue=issue,
                details=ArticleDetails(title_fr_a, title_en_a, body_fr, body_en, link),
            )
        issue_publish(by=editor, issue=issue)
        issue_send(by=editor, issue=issue)
        # dated in the past as a real archive is: published and sent that day
        Issue.objects.filter(pk=issue.pk).update(
            published_at=when, sent_at=when + datetime.timedelta(hours=1)
        )
        Mail.objects.filter(kind=mails.COURRIER, about=issue.uid).update(
            queued_at=when, sent_at=when + datetime.timedelta(hours=1)
        )
    title_fr, title_en, articles = DRAFT
    draft = issue_create(
        by=editor,
        owner=editor.organisation,
        details=IssueDetails(title_fr, title_en, (now + datetime.timedelta(days=20)).date()),
    )
    for title_fr_a, title_en_a, body_fr, body_en, link in articles:
        article_add(
            by=editor,
            issue=draft,
            details=ArticleDetails(title_fr_a, title_en_a, body_fr, body_en, link),
        )
