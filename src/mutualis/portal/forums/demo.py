"""Demo forums: four themes of the Concertation's kind, set by the portal editor for the
national union, with lively topics in French and in English, their replies a few hours or days
apart over the last weeks, one reply hidden by the editor (an advertisement) and one topic
closed. Written directly with the services' events (forums.events), since a demo's past cannot
go through today's rate limits; each author follows the topics they wrote in."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from mutualis.core.demo import Demo
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Kind, Role
from mutualis.portal.forums import events
from mutualis.portal.forums.models import Post, Subscription, Theme, Topic


@dataclass(frozen=True)
class DemoTopic:
    theme: int
    title: str
    language: str
    # (author's username, text) in order; the first is the opening message
    messages: tuple[tuple[str, str], ...]
    closed: str = ""  # the editor's reason, for a closed topic
    hidden: int = 0  # the number of the post the editor hid


THEMES = (
    (
        "Cotisations et financement",
        "Recouvrer les cotisations, les subventions de l'État, le fonds de garantie.",
    ),
    ("Gestion et outils", "Registres, logiciels, comptabilité, suivi des mutuelles."),
    ("Qualité des soins et conventions", "Prestataires, tarifs conventionnés, contrôle médical."),
    ("Exchanges in English", "Mutual health organisations across the continent, in English."),
)

SPAM = (
    "Gagnez 500 000 F CFA par semaine depuis chez vous !!! Cliquez ici http://gains-faciles.example"
)

TOPICS = (
    DemoTopic(
        0,
        "Comment améliorer le recouvrement des cotisations en saison sèche ?",
        "fr",
        (
            (
                "manager",
                "Bonjour à tous,\n\nDans notre mutuelle, le taux de recouvrement tombe sous "
                "50 % entre mars et juin : les récoltes sont vendues et l'argent est parti.\n"
                "Quelles solutions avez-vous essayées ?",
            ),
            (
                "officer",
                "Chez nous, les mutuelles qui acceptent le paiement en deux fois après la "
                "récolte d'arachide ont gagné près de 20 points. L'essentiel est de fixer les "
                "dates avec les groupements de producteurs.",
            ),
            (
                "cashier",
                "Le paiement par mobile money aide aussi : les enfants en ville paient pour "
                "la famille au village.",
            ),
            ("agent", SPAM),
            (
                "manager",
                "Merci ! Nous allons proposer le paiement en deux fois à la prochaine "
                "assemblée générale.\nJe vous tiens au courant.",
            ),
        ),
        hidden=4,
    ),
    DemoTopic(
        0,
        "Subvention de l'État pour les indigents : quels délais de versement ?",
        "fr",
        (
            (
                "accountant",
                "La quote-part de l'État pour les bénéficiaires indigents nous arrive avec "
                "six à neuf mois de retard. Comment tenez-vous la trésorerie en attendant ?",
            ),
            (
                "admin",
                "Le guide de la CMU recommande de constituer une réserve de trois mois de "
                "prestations. Voir le document sur www.concertation.org, rubrique Bibliothèque.",
            ),
            (
                "officer",
                "L'union départementale a avancé les fonds à deux mutuelles l'an dernier, "
                "remboursés dès le versement. Cela se discute en conseil d'administration.",
            ),
        ),
    ),
    DemoTopic(
        1,
        "Passer du registre papier au logiciel : votre expérience",
        "fr",
        (
            (
                "agent",
                "Nous avons 1 200 ménages sur registre papier. Combien de temps a pris la "
                "saisie chez vous ?",
            ),
            (
                "manager",
                "Environ trois semaines à deux agents, avec l'import Excel du registre. Le "
                "plus long a été de retrouver les dates de naissance.",
            ),
            (
                "clerk",
                "Côté poste de santé, la vérification des droits par QR code a supprimé les "
                "appels à la mutuelle.",
            ),
        ),
    ),
    DemoTopic(
        1,
        "Atelier de formation sur les outils de gestion — inscriptions",
        "fr",
        (
            (
                "editor",
                "L'atelier de mai sur les outils de gestion est complet : merci à tous.\n"
                "Le compte rendu sera publié dans la bibliothèque.",
            ),
            ("manager", "Merci pour l'organisation. Les supports seront-ils en ligne ?"),
            ("editor", "Oui, dès la semaine prochaine."),
        ),
        closed="L'atelier est complet ; les questions sur son contenu vont dans un nouveau sujet.",
    ),
    DemoTopic(
        2,
        "Tarifs conventionnés : renégocier avec l'hôpital régional",
        "fr",
        (
            (
                "manager",
                "L'hôpital régional veut augmenter le forfait césarienne de 30 %. Avez-vous "
                "renégocié une convention récemment ?",
            ),
            (
                "advisor",
                "Demandez le détail des coûts par acte : le contrôle médical des factures de "
                "l'an dernier montre souvent des actes facturés deux fois.",
            ),
        ),
    ),
    DemoTopic(
        3,
        "Community-based health insurance and national schemes: lessons from Ghana?",
        "en",
        (
            (
                "officer",
                "Ghana folded its district mutual schemes into the NHIS. Has anyone studied "
                "what happened to member participation and local governance?",
            ),
            (
                "admin",
                "There is a good summary in the ILO/STEP papers. The short answer: coverage "
                "grew, but members lost their say in the package.\n\nSee "
                "https://www.ilo.org/ for the series.",
            ),
            (
                "advisor",
                "Medical control moved to the national level too. Claims checks became "
                "slower for the providers at first.",
            ),
        ),
    ),
    DemoTopic(
        3,
        "Sharing our enrolment campaign materials",
        "en",
        (
            (
                "editor",
                "Several unions asked for the posters and radio scripts of last year's "
                "enrolment campaign. Post yours here, or a link to them.",
            ),
            (
                "manager",
                "Our radio script in Wolof and French worked well on market days. I will "
                "propose it to the library.",
            ),
        ),
    ),
)


def add_arguments(parser) -> None:
    """No option of its own."""


def has_data() -> bool:
    return Theme.objects.exists()


def at(now: datetime.datetime, days_ago: float) -> datetime.datetime:
    return now - datetime.timedelta(days=days_ago)


def generate(demo: Demo) -> None:
    users = {user.username: user for user in User.objects.filter(is_active=True)}
    editor = (
        users.get("editor") or User.objects.filter(role_grants__role=Role.PORTAL_EDITOR).first()
    )
    owner = (
        editor.organisation
        if editor is not None
        else Organisation.objects.filter(kind=Kind.NATIONAL_UNION).order_by("pk").first()
    )
    if owner is None or not users:
        return
    fallback = next(iter(users.values()))
    now = timezone.now()
    themes = []
    for position, (title, description) in enumerate(THEMES):
        theme = Theme.objects.create(
            owner=owner, title=title, description=description, position=position
        )
        theme.created_at = at(now, 60)
        Theme.objects.filter(pk=theme.pk).update(created_at=theme.created_at)
        demo.events.add(
            owner.pk, theme.created_at.date(), events.theme(events.THEME_CREATED, theme), editor
        )
        themes.append(theme)
    for index, spec in enumerate(TOPICS):
        started = at(now, 40 - index * 5 + demo.rng.random())
        authors = [users.get(name, fallback) for name, _text in spec.messages]
        times = [started]
        for _message in spec.messages[1:]:
            times.append(times[-1] + datetime.timedelta(hours=demo.rng.randint(2, 60)))
        topic = Topic.objects.create(
            theme=themes[spec.theme],
            title=spec.title,
            author=authors[0],
            started_at=started,
            last_posted_at=times[-1],
            posts_made=len(spec.messages),
        )
        posts = []
        for number, ((_name, text), author, posted_at) in enumerate(
            zip(spec.messages, authors, times, strict=True), start=1
        ):
            post = Post(topic=topic, number=number, author=author, body=text, posted_at=posted_at)
            if number == spec.hidden:
                post.hidden_at = posted_at + datetime.timedelta(hours=1)
                post.hidden_by = editor
                post.hidden_reason = "Publicité sans rapport avec le sujet."
            post.save()
            posts.append(post)
        day = started.date()
        demo.events.add(owner.pk, day, events.topic_started(topic, posts[0]), authors[0])
        for post in posts[1:]:
            demo.events.add(owner.pk, post.posted_at.date(), events.reply_posted(post), post.author)
            if post.is_hidden:
                demo.events.add(owner.pk, post.posted_at.date(), events.post_hidden(post), editor)
        if spec.closed:
            topic.closed_at = times[-1] + datetime.timedelta(hours=2)
            topic.closed_by = editor
            topic.closed_reason = spec.closed
            topic.save(update_fields=["closed_at", "closed_by", "closed_reason"])
            demo.events.add(owner.pk, topic.closed_at.date(), events.topic_closed(topic), editor)
        Subscription.objects.bulk_create(
            [
                Subscription(topic=topic, user=author, language=spec.language)
                for author in {author.pk: author for author in authors}.values()
            ]
        )
