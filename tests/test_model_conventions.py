"""design-rules.md rule 3, checked on every model of the project.

Every table has a `uid`. Operational tables (everything but the reference and federation tables
listed below) carry their `mutual`, and each of their unique constraints includes it, which is
what scoping and distribution by mutual rely on.
"""

from django.apps import apps
from django.db import models

# Tables that are not operational data of one mutual: the federation itself, national
# reference catalogues and the audit trail.
NOT_OPERATIONAL = {
    "benefits.payer",
    "benefits.benefitpackage",
    "benefits.packageversion",
    "benefits.categorycontribution",
    "benefits.subsidyrule",
    "benefits.waitingperiod",
    "benefits.coveragerule",
    "core.auditentry",
    # the event log is kept per organisation (a mutual, or a union for its own events), by id
    "core.event",
    "core.eventsequence",
    # where each consumer stands in each organisation's log, local to an installation
    "core.cursor",
    # the series of numbers of each organisation on this installation (core.numbering), by id
    "core.numberseries",
    # the days each daily job finished on this installation (core.daily)
    "core.dailyrun",
    # e-mail waiting to be sent or sent by this installation (core.mail), to people of any level
    "core.mail",
    # the chart of accounts and the mapping: shipped, or a union's for its subtree
    "accounting.account",
    "accounting.mapping",
    # a union's DHIS2 server, its mapping to DHIS2's identifiers and its pushes: the union's
    # settings and what its server said, not a mutual's operations
    "interop.server",
    "interop.elementmap",
    "interop.orgunitmap",
    "interop.push",
    # a user's recent API answers, kept a day for the client resending a write
    "core.idempotentanswer",
    "federation.location",
    "federation.organisation",
    "federation.affiliation",
    "federation.user",
    "federation.rolegrant",
    "federation.apitoken",
    # requests for a new password, counted by the rate limits: of no organisation
    "federation.passwordresetrequest",
    "providers.provider",
    "providers.medicalitem",
    "providers.agreement",
    "providers.agreementversion",
    "providers.tariff",
    "claims.reviewpolicy",
    # a union's alert thresholds for its subtree; a user's subscriptions to alerts by e-mail
    # and the digests sent to them
    "monitoring.threshold",
    "monitoring.alertsubscription",
    "monitoring.digestsent",
    # a mutual's or a union's development plan: the union's as much as a mutual's
    "monitoring.plan",
    "monitoring.planyear",
    # a contribution study: a mutual's or a union's
    "monitoring.study",
    # the network's inventory: mutuals of a dozen countries, most of them not organisations of
    # this installation, each kept by the organisation that fills it (its steward); the focal
    # points of the countries
    "inventory.entry",
    "inventory.record",
    "inventory.focalpoint",
    # the network portal's library, calendar and news: the network's, owned by the
    # organisation that published them, not a mutual's operations
    "portal.document",
    "portal.documentfile",
    "portal.gathering",
    "portal.newsitem",
    # an application to join the network, addressed to the network's own organisation
    "portal.application",
    # the network's forums: a theme belongs to the organisation whose editor opened it, its
    # topics and posts to whoever wrote them, from any organisation; who follows a topic
    "forums.theme",
    "forums.topic",
    "forums.post",
    "forums.subscription",
    # the network's mailing lists: visitors' addresses, of no organisation; the Courrier's
    # issues, owned by the organisation that publishes them, and their articles
    "newsletter.subscription",
    "newsletter.signup",
    "newsletter.issue",
    "newsletter.article",
    # the network's directory of actors: its entries and national committees are the
    # network's, kept by the organisation whose portal editor keeps them
    "directory.institution",
    "directory.person",
    "directory.committee",
    "directory.seat",
}


# Tables derived from others and rebuilt from them, never exchanged between installations.
# A derived table is keyed by the row it derives from, which carries the mutual.
DERIVED = {"membership.searchtoken", "contributions.standing", "contributions.owed"}
# Tables the indicators' consumer keeps from the event log and works out again from it
# (monitoring.compute.recompute): an organisation's facts and figures, a union's included.
FROM_THE_LOG = {
    "monitoring.cover",
    "monitoring.ledger",
    "monitoring.flow",
    "monitoring.booksfigure",
    "monitoring.figure",
    "monitoring.care",
    "monitoring.careprovider",
}


def project_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("mutualis.") and not model._meta.proxy
    ]


def label(model) -> str:
    return model._meta.label_lower


def test_every_model_has_a_unique_uid():
    missing = [
        label(m)
        for m in project_models()
        if label(m) not in DERIVED | FROM_THE_LOG
        and not any(f.name == "uid" and f.unique for f in m._meta.concrete_fields)
    ]
    assert missing == []


def test_every_operational_model_carries_its_mutual():
    missing = []
    for model in project_models():
        if label(model) in NOT_OPERATIONAL | FROM_THE_LOG:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "mutual"), None)
        if field is None or field.related_model is not apps.get_model("federation", "Organisation"):
            missing.append(label(model))
    assert missing == []


def test_every_unique_constraint_of_an_operational_model_includes_the_mutual():
    offending = []
    for model in project_models():
        if label(model) in NOT_OPERATIONAL | DERIVED | FROM_THE_LOG:
            continue
        for constraint in model._meta.constraints:
            if (
                isinstance(constraint, models.UniqueConstraint)
                and "mutual" not in constraint.fields
            ):
                offending.append(f"{label(model)}.{constraint.name}")
        for field in model._meta.concrete_fields:
            if field.unique and field.name not in {"uid", "id"}:
                offending.append(f"{label(model)}.{field.name}")
    assert offending == []


def test_every_model_a_view_may_show_declares_its_scope_path():
    visible = [
        "federation.organisation",
        "federation.user",
        "federation.affiliation",
        "benefits.benefitpackage",
        "membership.household",
        "membership.beneficiary",
        "contributions.payment",
        "providers.provider",
        "providers.medicalitem",
        "providers.agreement",
        "claims.claim",
        "claims.claimline",
        "claims.guaranteeletter",
        "settlements.statement",
        "settlements.providerpayment",
    ]
    for name in visible:
        model = apps.get_model(name)
        path = model.SCOPE_PATH
        assert path == "path" or path.endswith("__path"), name


def test_every_text_amount_and_date_field_holds_the_limits_of_its_kind():
    from mutualis.core.bounds import check_amount, check_line, check_query_date, check_text

    expected = (
        (models.TextField, check_text),
        (models.CharField, check_line),
        (models.BigIntegerField, check_amount),
        (models.PositiveBigIntegerField, check_amount),
        (models.DateTimeField, None),
        (models.DateField, check_query_date),
    )
    missing = []
    for model in project_models():
        for field in model._meta.concrete_fields:
            if field.choices or field.primary_key:
                continue
            rule = next((rule for kind, rule in expected if isinstance(field, kind)), None)
            if rule is not None and rule not in field.validators:
                missing.append(f"{label(model)}.{field.name}")
    assert missing == []
