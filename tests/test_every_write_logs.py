"""Every write path appends its events (issue 13): the services and bulk paths of the
operations are listed here, each with a scenario that runs it; each must append at least one
event, and afterwards `mutualis check-events` finds the log and the tables in agreement. A new
service that changes data fails the listing until it is given its scenario (or, with a reason,
a place among the writes that are not the operations' history)."""

import datetime
import inspect
import re
from importlib import import_module

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutualis.accounting.services import (
    EntryLine,
    account_add,
    bank_line_match,
    bank_line_unmatch,
    bank_statement_import,
    cash_count,
    cash_hand_over,
    entry_record,
    entry_reverse,
    mapping_change,
    month_close,
    month_reopen,
    year_close,
    year_reopen,
)
from mutualis.benefits.services import package_create, package_version_add, payer_create
from mutualis.claims.choices import Outcome
from mutualis.claims.imports import claims_import
from mutualis.claims.services import (
    ClaimInput,
    LineInput,
    LineReview,
    claim_review,
    claims_approve,
    claims_submit,
    letter_cancel,
    letter_issue,
)
from mutualis.contributions.services import (
    dues_recognise,
    payer_payment_record,
    payment_record,
    payment_reverse,
    receivables_recognise,
)
from mutualis.core.event_check import check
from mutualis.core.models import Event
from mutualis.federation.rules import Kind, Role
from mutualis.federation.services import (
    organisation_create,
    organisation_move,
    organisation_update,
)
from mutualis.inventory.services import (
    Identity,
    Year,
    entry_create,
    entry_update,
    record_reopen,
    record_return,
    record_save,
    record_validate,
)
from mutualis.membership.imports import register_import
from mutualis.membership.services import (
    beneficiary_add,
    beneficiary_leave,
    beneficiary_update,
    household_enrol,
    household_resign,
)
from mutualis.monitoring.reports import (
    report_accept,
    report_reopen,
    report_return,
    report_submit,
    target_population_set,
)
from mutualis.portal.directory import services as directory
from mutualis.portal.forums import services as forums
from mutualis.portal.models import Application
from mutualis.portal.newsletter import services as newsletter
from mutualis.portal.services import (
    DocumentDetails,
    GatheringDetails,
    NewsDetails,
    application_accept,
    application_reject,
    document_approve,
    document_propose,
    document_publish,
    document_reject,
    document_update,
    document_withdraw,
    gathering_create,
    gathering_update,
    news_create,
    news_update,
)
from mutualis.providers.models import Provider
from mutualis.providers.services import provider_create, provider_update
from mutualis.settlements.services import (
    provider_payment_record,
    provider_payment_reverse,
    statement_cancel,
    statements_issue,
)
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.claims.test_upload import rows, workbook
from tests.conftest import person
from tests.membership.test_import import GOOD, xlsx

D = datetime.date
APPS = ("federation", "benefits", "membership", "contributions", "providers", "claims")
APPS += ("settlements", "accounting", "monitoring", "inventory", "portal")
# a service (it acts for someone: `by`, `actor`) whose name says it changes something
CHANGES = re.compile(
    r"_(create|update|move|add|enrol|leave|resign|record|reverse|submit|review|approve|issue"
    r"|cancel|import|apply|revoke|revoke_for|set_password|recognise|close|reopen|match|unmatch|change|count"
    r"|accept|return|set|subscribe|unsubscribe|save|hand_over|validate|designate|remove"
    r"|propose|publish|reject|withdraw|post|hide|unhide|send|retire|take|end)$"
)

# Writes that are not the operations' history, and why.
NOT_LOGGED = {
    # accounts, passwords and keys are the installation's own: audited, never posted, counted
    # or synced between installations
    "federation.user_create": "accounts",
    "federation.user_update": "accounts",
    "federation.user_set_password": "accounts",
    "federation.api_key_create": "accounts",
    "federation.api_key_revoke": "accounts",
    "federation.api_keys_revoke_for": "accounts",
    # the providers' reference data: adjudication reads agreements and prices when a claim
    # comes, and the claim's events carry the amounts they gave; audited like every change
    "providers.item_create": "reference data",
    "providers.items_import": "reference data",
    "providers.agreement_create": "reference data",
    "providers.agreement_version_add": "reference data",
    "providers.prices_apply": "reference data",
    "providers.tariffs_update": "reference data",
    "providers.tariffs_import": "reference data",
    # a union's alert thresholds: how the dashboards colour the indicators, audited
    "monitoring.threshold_set": "settings",
    "monitoring.alerts_subscribe": "settings",
    "monitoring.alerts_unsubscribe": "settings",
    # who validates a country's inventory records: like a role, the installation's own
    "inventory.focal_point_designate": "accounts",
    "inventory.focal_point_remove": "accounts",
    # a union's DHIS2 server and mapping: the installation's settings, audited
    "interop.server_set": "settings",
    "interop.elements_set": "settings",
    "interop.org_units_set": "settings",
    # a development plan: targets, not what happened; audited
    "monitoring.plan_record": "plans",
    "monitoring.study_save": "plans",
    # following a forum topic by e-mail: a reader's setting, audited
    "forums.topic_subscribe": "settings",
    "forums.topic_unsubscribe": "settings",
}


# the writers that are not in an app's services.py, by app
OTHER_WRITERS = {
    "monitoring": "mutualis.monitoring.reports",
    "interop": "mutualis.interop.dhis2.services",
    "forums": "mutualis.portal.forums.services",
    "newsletter": "mutualis.portal.newsletter.services",
    "directory": "mutualis.portal.directory.services",
}


def write_paths() -> set[str]:
    found = set()
    modules = {app: f"mutualis.{app}.services" for app in APPS}
    for app, module_name in [*modules.items(), *OTHER_WRITERS.items()]:
        module = import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (
                function.__module__ == module.__name__
                and CHANGES.search(name)
                and {"by", "actor"} & set(inspect.signature(function).parameters)
            ):
                found.add(f"{app}.{name}")
    return found | {"membership.register_import", "claims.claims_import"}


DOCUMENT = DocumentDetails(kind="guide", title="Guide", language="fr", link="https://example.org")
FORUM = GatheringDetails("forum", "Forum", D(2026, 5, 4), D(2026, 5, 6))
NEWS = NewsDetails("Forum", "Le forum se tient à Lomé.", "fr")


def applied(c):
    """An application to join waiting for the editors of M1 (written directly: the visitor's
    own steps are tested in tests/portal/test_joining.py)."""
    return Application.objects.create(
        owner=c.federation.m1,
        first_name="Awa",
        last_name="Ndiaye",
        email="awa.ndiaye@example.org",
        organisation_name="Mutuelle de Joal",
        country="SN",
        function="Présidente",
        motivation="Partager nos études.",
        language="fr",
        state="waiting",
        created_at=timezone.now(),
    )


def proposed(c):
    return document_propose(
        by=c.cast[Role.CASHIER], owner=c.federation.m1, details=DOCUMENT, upload=None
    )


def announced(c):
    return gathering_create(by=c.cast[Role.PORTAL_EDITOR], owner=c.federation.m1, details=FORUM)


def news_published(c):
    return news_create(by=c.cast[Role.PORTAL_EDITOR], owner=c.federation.m1, details=NEWS)


CARE = D(2025, 3, 10)


def claim(who, reference, provider="PS-JOAL", day=CARE):
    return ClaimInput(
        member_number=who.member_number,
        provider_code=provider,
        provider_reference=reference,
        service_from=day,
        service_to=None,
        lines=(LineInput("CS-PS", 1, 1000), LineInput("PARA500", 10, 30)),
    )


def submit(*claims):
    submission = claims_submit(
        list(claims), channel="clerk", actor=None, scope_prefix="/", today=D(2025, 3, 20)
    )
    assert submission.saved, submission.errors
    return submission.claims


def in_review(c):
    from mutualis.claims.models import ReviewPolicy

    ReviewPolicy.objects.update_or_create(
        owner=c.federation.national, defaults={"sample_bp": 10000}
    )
    return submit(claim(c.moussa, "R-1"))[0]


def reviewed(c):
    waiting = in_review(c)
    return claim_review(
        by=None,
        claim=waiting,
        reviews=[LineReview(line=line, outcome=Outcome.APPROVED) for line in waiting.lines.all()],
    )


def issued(c):
    from mutualis.claims.models import ReviewPolicy

    ReviewPolicy.objects.update_or_create(
        owner=c.federation.national, defaults={"sample_bp": 0, "review_adjusted": False}
    )
    submit(claim(c.moussa, "S-1"))
    (statement,) = statements_issue(
        by=None, payer=c.federation.m1, day=D(2025, 3, 1), issued_on=D(2025, 4, 2)
    ).statements
    return statement


def letter(c):
    return letter_issue(
        by=None,
        beneficiary=c.awa,
        provider=c.post,
        valid_from=D(2025, 3, 1),
        valid_until=D(2025, 3, 31),
        cap=50000,
        service_category="childbirth",
    )


def paid(c, statement):
    return provider_payment_record(
        by=None,
        statement=statement,
        amount=statement.total,
        method="bank_transfer",
        reference="VIR-1",
        paid_on=D(2025, 4, 5),
    )


def matched(c):
    """A bank statement's line matched with the bank line of an entry by hand."""
    entry = entry_record(
        by=None,
        organisation=c.federation.m1,
        journal="BQ",
        date=D(2025, 3, 2),
        label="Versement",
        lines=[EntryLine("521", debit=1000), EntryLine("571", credit=1000)],
    )
    statement = bank_statement_import(
        by=None,
        organisation=c.federation.m1,
        account_number="521",
        file_name="releve.csv",
        content=b"date;montant\n03/03/2025;1000\n",
    ).statement
    return bank_line_match(
        by=None, bank_line=statement.lines.get(), line=entry.lines.get(debit=1000)
    )


def reported(c):
    return report_submit(
        by=c.cast[Role.MUTUAL_MANAGER],
        mutual=c.federation.m1,
        month=D(2025, 3, 1),
        figures={
            "members": 10,
            "beneficiaries": 40,
            "contributions_due": 70000,
            "contributions_collected": 65000,
            "contributions_earned": 70000,
            "claims_submitted": 3,
            "claims_rejected": 0,
            "visits": 3,
            "benefits_incurred": 12000,
        },
    )


SCENARIOS = {
    "federation.organisation_create": lambda c: organisation_create(
        by=None,
        kind=Kind.MUTUAL,
        parent=c.federation.d1,
        code="M9",
        name="Mutuelle de Nianing",
        currency="XOF",
        mutual_type="community",
    ),
    "federation.organisation_update": lambda c: organisation_update(
        by=None, organisation=c.federation.m1, name="Mutuelle communautaire de Joal"
    ),
    "federation.organisation_move": lambda c: organisation_move(
        by=None, organisation=c.federation.m2, new_parent=c.federation.d1
    ),
    "benefits.payer_create": lambda c: payer_create(
        by=None,
        owner=c.federation.national,
        code="COM",
        name="Commune de Joal",
        kind="local_authority",
    ),
    "benefits.package_create": lambda c: package_create(
        by=None, owner=c.federation.m1, code="FAM", name="Paquet famille"
    ),
    "benefits.package_version_add": lambda c: package_version_add(
        by=None,
        package=c.cmu_package,
        valid_from=timezone.localdate() + datetime.timedelta(days=30),
        period="year",
        contribution=8000,
        registration_fee=1000,
        waiting_days=30,
        grace_days=30,
    ),
    "membership.household_enrol": lambda c: household_enrol(
        by=None,
        mutual=c.federation.m1,
        package=c.cmu_package,
        enrolled_on=D(2025, 2, 1),
        head=person("Ousmane", "Faye", "M", "1970-01-01", relationship="head"),
    ),
    "membership.beneficiary_add": lambda c: beneficiary_add(
        by=None, household=c.family, person=person("Khady", "Diop", "F", "2024-12-01")
    ),
    "membership.beneficiary_update": lambda c: beneficiary_update(
        by=None, beneficiary=c.awa, first_name="Awa Marie"
    ),
    "membership.beneficiary_leave": lambda c: beneficiary_leave(
        by=None, beneficiary=c.awa, on=D(2025, 6, 1)
    ),
    "membership.household_resign": lambda c: household_resign(
        by=None, household=c.family, on=D(2025, 6, 1)
    ),
    "membership.register_import": lambda c: register_import(
        by=None, mutual=c.federation.m1, file_name="registre.xlsx", content=xlsx(GOOD)
    ),
    "contributions.payment_record": lambda c: payment_record(
        by=None, household=c.family, amount=7000, method="cash", received_on=D(2025, 2, 1)
    ),
    "contributions.payer_payment_record": lambda c: payer_payment_record(
        by=None,
        mutual=c.federation.m1,
        payer=c.cmu_package.owner.payers.get(),
        amount=13656,
        method="bank_transfer",
        reference="VIR-1",
        received_on=D(2025, 2, 1),
    ),
    "contributions.payment_reverse": lambda c: payment_reverse(
        by=None, payment=c.family.payments.first(), reason="Saisie en double"
    ),
    "contributions.receivables_recognise": lambda c: receivables_recognise(
        by=None, mutual=c.federation.m1, on=D(2025, 2, 1)
    ),
    "contributions.dues_recognise": lambda c: dues_recognise(
        by=None, mutual=c.federation.m1, on=D(2025, 2, 1)
    ),
    "claims.claims_submit": lambda c: submit(claim(c.moussa, "F-1")),
    "claims.claims_import": lambda c: claims_import(
        by=c.cast[Role.MUTUAL_MANAGER],
        file_name="mars.xlsx",
        content=workbook(*rows(c)),
        today=D(2025, 3, 20),
    ),
    "claims.claim_review": reviewed,
    "claims.claims_approve": lambda c: claims_approve(by=None, claims=[in_review(c)]),
    "claims.letter_issue": letter,
    "claims.letter_cancel": lambda c: letter_cancel(by=None, letter=letter(c), on=D(2025, 3, 2)),
    "accounting.entry_record": lambda c: entry_record(
        by=None,
        organisation=c.federation.m1,
        journal="CA",
        date=D(2025, 3, 5),
        label="Loyer de mars",
        lines=[EntryLine("622", debit=25000), EntryLine("571", credit=25000)],
    ),
    "accounting.entry_reverse": lambda c: entry_reverse(
        by=None,
        entry=entry_record(
            by=None,
            organisation=c.federation.m1,
            journal="CA",
            date=D(2025, 3, 5),
            label="Loyer de mars",
            lines=[EntryLine("622", debit=25000), EntryLine("571", credit=25000)],
        ),
        on=D(2025, 3, 6),
    ),
    "accounting.month_close": lambda c: month_close(
        by=None, organisation=c.federation.m1, month=D(2025, 1, 1)
    ),
    "accounting.bank_statement_import": lambda c: bank_statement_import(
        by=None,
        organisation=c.federation.m1,
        account_number="521",
        file_name="releve.csv",
        content=b"date;montant\n03/03/2025;1000\n",
    ),
    "accounting.bank_line_match": lambda c: matched(c),
    "accounting.bank_line_unmatch": lambda c: bank_line_unmatch(by=None, bank_line=matched(c)),
    "accounting.account_add": lambda c: account_add(
        by=None, union=c.federation.d1, number="5511", label_fr="Wave", label_en="Wave"
    ),
    "accounting.mapping_change": lambda c: mapping_change(
        by=None,
        union=c.federation.d1,
        operation="cash.cash",
        account_number="571",
        valid_from=timezone.localdate() + datetime.timedelta(days=1),
    ),
    "accounting.year_close": lambda c: year_close(by=None, organisation=c.federation.m1, year=2025),
    "accounting.year_reopen": lambda c: year_reopen(
        by=None,
        closed=year_close(by=None, organisation=c.federation.m1, year=2025),
        reason="Facture oubliée",
    ),
    "accounting.cash_count": lambda c: cash_count(
        by=None,
        organisation=c.federation.m1,
        cashier=c.cast["cashier"],
        day=D(2025, 3, 5),
        counted=100,
        explanation="Fond de caisse",
    ),
    "accounting.cash_hand_over": lambda c: cash_hand_over(
        by=None,
        organisation=c.federation.m1,
        giver=None,
        taker=c.cast["cashier"],
        amount=100,
        # the safe's float, put in by hand the same day
        day=entry_record(
            by=None,
            organisation=c.federation.m1,
            journal="CA",
            date=D(2025, 3, 5),
            label="Fonds de caisse",
            lines=[EntryLine("571", debit=500), EntryLine("101", credit=500)],
        ).date,
    ),
    "accounting.month_reopen": lambda c: month_reopen(
        by=None,
        closed=month_close(by=None, organisation=c.federation.m1, month=D(2025, 1, 1)),
        reason="Facture oubliée",
    ),
    "monitoring.report_submit": reported,
    "monitoring.report_accept": lambda c: report_accept(
        by=c.cast[Role.UNION_OFFICER], report=reported(c)
    ),
    "monitoring.report_return": lambda c: report_return(
        by=c.cast[Role.UNION_OFFICER], report=reported(c), comment="Les visites manquent"
    ),
    "monitoring.report_reopen": lambda c: report_reopen(
        by=c.cast[Role.UNION_OFFICER],
        report=report_accept(by=c.cast[Role.UNION_OFFICER], report=reported(c)),
        reason="Chiffres revus",
    ),
    "monitoring.target_population_set": lambda c: target_population_set(
        by=c.cast[Role.MUTUAL_MANAGER],
        mutual=c.federation.m1,
        year=2025,
        population=20000,
        source="RGPH",
    ),
    "inventory.entry_create": lambda c: inventoried(c),
    "inventory.entry_update": lambda c: entry_update(
        by=c.cast[Role.UNION_OFFICER], entry=inventoried(c), identity=INVENTORIED_AGAIN
    ),
    "inventory.record_save": lambda c: inventory_record(c),
    "inventory.record_validate": lambda c: record_validate(by=None, record=inventory_record(c)),
    "inventory.record_return": lambda c: record_return(
        by=None, record=inventory_record(c), comment="Les cotisations manquent"
    ),
    "inventory.record_reopen": lambda c: record_reopen(
        by=None,
        record=record_validate(by=None, record=inventory_record(c)),
        reason="Chiffres revus",
    ),
    "portal.document_propose": lambda c: proposed(c),
    "portal.document_publish": lambda c: document_publish(
        by=c.cast[Role.PORTAL_EDITOR], owner=c.federation.m1, details=DOCUMENT, upload=None
    ),
    "portal.document_update": lambda c: document_update(
        by=c.cast[Role.PORTAL_EDITOR], document=proposed(c), details=DOCUMENT
    ),
    "portal.document_approve": lambda c: document_approve(
        by=c.cast[Role.PORTAL_EDITOR], document=proposed(c)
    ),
    "portal.document_reject": lambda c: document_reject(
        by=c.cast[Role.PORTAL_EDITOR], document=proposed(c), reason="Hors sujet"
    ),
    "portal.document_withdraw": lambda c: document_withdraw(
        by=c.cast[Role.PORTAL_EDITOR],
        document=document_approve(by=c.cast[Role.PORTAL_EDITOR], document=proposed(c)),
        reason="Doublon",
    ),
    "portal.application_accept": lambda c: application_accept(
        by=c.cast[Role.PORTAL_EDITOR], application=applied(c), organisation=c.federation.m1
    ),
    "portal.application_reject": lambda c: application_reject(
        by=c.cast[Role.PORTAL_EDITOR], application=applied(c), reason="Hors du réseau"
    ),
    "portal.gathering_create": lambda c: announced(c),
    "portal.gathering_update": lambda c: gathering_update(
        by=c.cast[Role.PORTAL_EDITOR], gathering=announced(c), details=FORUM
    ),
    "portal.news_create": lambda c: news_published(c),
    "portal.news_update": lambda c: news_update(
        by=c.cast[Role.PORTAL_EDITOR], news=news_published(c), details=NEWS
    ),
    "providers.provider_create": lambda c: provider_create(
        by=None,
        owner=c.federation.m1,
        code="PS-NGUEKOKH",
        name="Poste de santé de Nguékokh",
        kind="health_post",
        sector="public",
    ),
    "providers.provider_update": lambda c: provider_update(
        by=None,
        provider=Provider.objects.get(code="PS-JOAL"),
        name="Poste de santé de Joal-Fadiouth",
    ),
    "settlements.statements_issue": issued,
    "settlements.statement_cancel": lambda c: statement_cancel(
        by=None, statement=issued(c), reason="Envoyé par erreur", on=D(2025, 4, 3)
    ),
    "settlements.provider_payment_record": lambda c: paid(c, issued(c)),
    "settlements.provider_payment_reverse": lambda c: provider_payment_reverse(
        by=None, payment=paid(c, issued(c)), reason="Chèque rejeté", on=D(2025, 4, 6)
    ),
}


INVENTORIED = Identity(name="Mutuelle de Joal", country="SN", mutual_type="community")
INVENTORIED_AGAIN = Identity(
    name="Mutuelle de Joal-Fadiouth", country="SN", mutual_type="community"
)


def inventoried(c):
    return entry_create(
        by=c.cast[Role.UNION_OFFICER], steward=c.federation.d1, identity=INVENTORIED
    )


def inventory_record(c):
    return record_save(
        by=c.cast[Role.UNION_OFFICER],
        entry=inventoried(c),
        year=2025,
        facts=Year(status="functioning", currency="XOF", members=10, beneficiaries=40),
    )


def forum_topic(c):
    theme = forums.theme_create(by=c.cast[Role.PORTAL_EDITOR], owner=c.federation.m1, title="Joal")
    return forums.topic_post(
        by=c.cast[Role.CASHIER], theme=theme, title="Cotisations", body="Comment ?", language="fr"
    )


def forum_reply(c):
    topic = forum_topic(c)
    return forums.reply_post(
        by=c.cast[Role.MUTUAL_MANAGER], topic=topic, body="Ainsi.", language="fr"
    )


SCENARIOS.update(
    {
        "forums.theme_create": lambda c: forums.theme_create(
            by=c.cast[Role.PORTAL_EDITOR], owner=c.federation.m1, title="Joal"
        ),
        "forums.theme_update": lambda c: forums.theme_update(
            by=c.cast[Role.PORTAL_EDITOR],
            theme=forum_topic(c).theme,
            title="Joal-Fadiouth",
            description="",
            position=1,
        ),
        "forums.topic_post": forum_topic,
        "forums.reply_post": forum_reply,
        "forums.post_hide": lambda c: forums.post_hide(
            by=c.cast[Role.PORTAL_EDITOR], post=forum_reply(c), reason="Publicité"
        ),
        "forums.post_unhide": lambda c: forums.post_unhide(
            by=c.cast[Role.PORTAL_EDITOR],
            post=forums.post_hide(by=None, post=forum_reply(c), reason="Erreur"),
        ),
        "forums.topic_close": lambda c: forums.topic_close(
            by=c.cast[Role.PORTAL_EDITOR], topic=forum_topic(c), reason="Épuisé"
        ),
        "forums.topic_reopen": lambda c: forums.topic_reopen(
            by=c.cast[Role.PORTAL_EDITOR],
            topic=forums.topic_close(by=None, topic=forum_topic(c), reason="Épuisé"),
        ),
    }
)


def courrier_draft(c):
    issue = newsletter.issue_create(
        by=c.cast[Role.PORTAL_EDITOR],
        owner=c.federation.m1,
        details=newsletter.IssueDetails("Le Courrier", "The Courrier", D(2026, 3, 2)),
    )
    courrier_article(c, issue)
    return issue


def courrier_article(c, issue=None):
    return newsletter.article_add(
        by=c.cast[Role.PORTAL_EDITOR],
        issue=issue or courrier_draft(c),
        details=newsletter.ArticleDetails("Titre", "Title", "Texte.", "Text."),
    )


def courrier_published(c):
    return newsletter.issue_publish(by=c.cast[Role.PORTAL_EDITOR], issue=courrier_draft(c))


def dir_institution(c):
    return directory.institution_create(
        by=c.cast[Role.PORTAL_EDITOR],
        owner=c.federation.m1,
        values={"name": "GRAIM", "kind": "support", "membership": "member", "country": "SN"},
    )


def dir_person(c):
    return directory.person_create(
        by=c.cast[Role.PORTAL_EDITOR],
        owner=c.federation.m1,
        values={"name": "Awa Diop", "country": "SN", "institution": dir_institution(c)},
    )


def committee(c):
    return directory.committee_create(
        by=c.cast[Role.PORTAL_EDITOR], owner=c.federation.m1, country="SN", name="Comité"
    )


def seat(c):
    return directory.seat_take(
        by=c.cast[Role.PORTAL_EDITOR], committee=committee(c), person=dir_person(c), role="chair"
    )


SCENARIOS.update(
    {
        "newsletter.issue_create": courrier_draft,
        "newsletter.issue_update": lambda c: newsletter.issue_update(
            by=c.cast[Role.PORTAL_EDITOR],
            issue=courrier_draft(c),
            details=newsletter.IssueDetails("Courrier n° 1", "Courrier no. 1", D(2026, 3, 3)),
        ),
        "newsletter.article_add": courrier_article,
        "newsletter.article_update": lambda c: newsletter.article_update(
            by=c.cast[Role.PORTAL_EDITOR],
            article=courrier_article(c),
            details=newsletter.ArticleDetails("Titre 2", "Title 2", "Texte.", "Text."),
        ),
        "newsletter.article_remove": lambda c: newsletter.article_remove(
            by=c.cast[Role.PORTAL_EDITOR], article=courrier_article(c)
        ),
        "newsletter.issue_publish": courrier_published,
        "newsletter.issue_send": lambda c: newsletter.issue_send(
            by=c.cast[Role.PORTAL_EDITOR], issue=courrier_published(c)
        ),
        "directory.institution_create": dir_institution,
        "directory.institution_update": lambda c: directory.institution_update(
            by=c.cast[Role.PORTAL_EDITOR], institution=dir_institution(c), values={"city": "Thiès"}
        ),
        "directory.institution_retire": lambda c: directory.institution_retire(
            by=c.cast[Role.PORTAL_EDITOR], institution=dir_institution(c)
        ),
        "directory.person_create": dir_person,
        "directory.person_update": lambda c: directory.person_update(
            by=c.cast[Role.PORTAL_EDITOR], person=dir_person(c), values={"title": "Gérante"}
        ),
        "directory.person_visibility_set": lambda c: directory.person_visibility_set(
            by=c.cast[Role.PORTAL_EDITOR], person=dir_person(c), members_only=["email"]
        ),
        "directory.person_retire": lambda c: directory.person_retire(
            by=c.cast[Role.PORTAL_EDITOR], person=seat(c).person
        ),
        "directory.committee_create": committee,
        "directory.committee_update": lambda c: directory.committee_update(
            by=c.cast[Role.PORTAL_EDITOR], committee=committee(c), name="Comité national"
        ),
        "directory.seat_take": seat,
        "directory.seat_end": lambda c: directory.seat_end(
            by=c.cast[Role.PORTAL_EDITOR], seat=seat(c)
        ),
    }
)


def test_every_write_path_is_listed_with_its_scenario_or_a_reason():
    listed = set(SCENARIOS) | set(NOT_LOGGED)
    assert write_paths() - listed == set(), "give the new write path its scenario here"
    assert listed - write_paths() == set(), "a listed write path no longer exists"


@pytest.mark.parametrize("path", sorted(SCENARIOS))
def test_each_write_path_appends_events_the_tables_agree_with(
    path,
    care,  # noqa: F811
    federation,
    family,
    cmu_package,
    cast,
):
    care.federation, care.family, care.cmu_package, care.cast = (
        federation,
        family,
        cmu_package,
        cast,
    )
    before = Event.objects.count()
    assert check(), "the cast itself is written through the services"

    SCENARIOS[path](care)

    assert Event.objects.count() > before, f"{path} appended no event"
    report = check()
    assert report, [d for d in report.differences if d] or report.gaps
    call_command("check_events", "--quiet")
