"""Every service refuses to write outside the acting user's scope, and beyond their role, whatever
called it (issues 10 and 11): a page, the JSON API, FHIR, an import or a command acting as a
user. A command acting as the system (by=None) may do anything.

The table CASES calls every service with a user of the cast whose role the service allows, on
an object of M2 (outside their scope): the service must refuse, naming the field, and the
database must be left as it was. Then every service is called by a user whose scope holds the
object but whose role does not allow the change. A service that is not in the table fails
`test_every_service_is_in_the_table`: a new service comes with its line here.

The table NAMED then has each service change an object of M1, inside the scope, while naming
another object that lies outside it (a claim's provider, a letter's provider, a package's third
payer, an import row's package…): refused too, on the field or the row and column that names
it, and nothing written. Last, the same refusals through the JSON API, FHIR and the claim form.
"""

import datetime
import importlib
import inspect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from mutualis.accounting import services as accounting
from mutualis.benefits import services as benefits
from mutualis.benefits.models import BenefitPackage
from mutualis.claims import imports as claim_imports
from mutualis.claims import services as claims
from mutualis.claims.choices import ClaimStatus, Outcome
from mutualis.claims.models import Claim, GuaranteeLetter
from mutualis.claims.queries import member_lookup_prefix
from mutualis.contributions import services as contributions
from mutualis.contributions.models import Payment
from mutualis.federation import services as federation_services
from mutualis.federation.models import ApiToken, Organisation, User, key_digest
from mutualis.federation.rules import Kind, Role
from mutualis.interop.dhis2 import services as dhis2
from mutualis.interop.dhis2.models import Push
from mutualis.inventory import services as inventory
from mutualis.membership import imports as register_imports
from mutualis.membership import services as membership
from mutualis.membership.models import Beneficiary, Household
from mutualis.monitoring import reports
from mutualis.monitoring import services as monitoring
from mutualis.monitoring.calculator import Inputs, ServiceUse
from mutualis.monitoring.catalogue import Thresholds
from mutualis.monitoring.models import Report
from mutualis.monitoring.plans import YearPlanned
from mutualis.portal import services as portal
from mutualis.portal.directory import services as directory
from mutualis.portal.directory.models import Committee, Institution, Person
from mutualis.portal.forums import services as forums
from mutualis.portal.forums.models import Post, Theme, Topic
from mutualis.portal.models import Application, Document, Gathering, NewsItem
from mutualis.portal.newsletter import services as newsletter
from mutualis.portal.newsletter.models import Article, Issue
from mutualis.providers import services as providers
from mutualis.providers.models import Agreement, Provider
from mutualis.settlements import services as settlements
from mutualis.settlements.models import ProviderPayment, Statement
from tests.claims.test_pages import claim_post
from tests.claims.test_upload import workbook
from tests.conftest import person
from tests.test_scope_matrix import api_body, fhir_body, sample

SOURCE = Path(__file__).resolve().parent.parent / "src" / "mutualis"
# The writers that are not in a services.py: the Excel imports' and the claims' own modules.
OTHER_WRITERS = [
    "mutualis.claims.letters",
    "mutualis.claims.review",
    "mutualis.claims.imports",
    "mutualis.membership.imports",
    "mutualis.providers.imports",
    "mutualis.monitoring.reports",
    "mutualis.interop.dhis2.services",
    "mutualis.portal.forums.services",
    "mutualis.portal.newsletter.services",
    "mutualis.portal.directory.services",
]
# What every signed-in user does for themselves anywhere in the network, with no object of
# anyone's scope to refuse: a post in the forums (its author's own row, in a theme any user
# may read) and following a topic. tests/forums checks who may and may not call them.
FOR_THEMSELVES = {"topic_post", "reply_post", "topic_subscribe", "topic_unsubscribe"}
# and subscribing one's own address to the network's mailing lists
FOR_THEMSELVES |= {"subscription_own"}
OUTSIDE = "This organisation is outside your scope."
NOT_YOUR_ROLE = "Your role does not allow you to change this."
# a focal point validates the records of their countries, whoever keeps them
FOCAL_POINT_ONLY = "Only a focal point of the country validates its records."
D = datetime.date


def service_modules() -> list[str]:
    found = sorted(f"mutualis.{path.parent.name}.services" for path in SOURCE.glob("*/services.py"))
    return found + OTHER_WRITERS


def services_of(module_name: str) -> set[str]:
    """The module's public functions that act for someone: those taking `by` (or `actor`) as
    a keyword-only argument, the convention of every service (DEVELOPERS.md)."""
    module = importlib.import_module(module_name)
    return {
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module_name
        and not name.startswith("_")
        and any(
            parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.name in {"by", "actor"}
            for parameter in inspect.signature(function).parameters.values()
        )
    }


def bank_lines(mutual: Organisation, entry) -> tuple:
    """A statement line waiting for its match with the entry's bank line, and one matched."""
    statement = accounting.bank_statement_import(
        by=None,
        organisation=mutual,
        account_number="521",
        file_name="releve.csv",
        content=b"date;montant\n03/02/2025;500\n04/02/2025;500\n",
    ).statement
    waiting, matched = statement.lines.order_by("date")
    other = accounting.entry_record(
        by=None,
        organisation=mutual,
        journal="BQ",
        date=D(2025, 2, 4),
        label="Versement",
        lines=[accounting.EntryLine("521", debit=500), accounting.EntryLine("571", credit=500)],
    )
    accounting.bank_line_match(by=None, bank_line=matched, line=other.lines.get(debit=500))
    return waiting, matched


def world(federation, mutual: Organisation, union: Organisation) -> SimpleNamespace:
    """One object of every kind a service changes, in `mutual` (or its `union`)."""
    claim = sample(Claim, mutual)
    # the review queue's claims: the sample is waiting for the medical advisor
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.IN_REVIEW)
    claim.refresh_from_db()
    agreement = sample(Agreement, mutual)
    package = BenefitPackage.objects.filter(owner=mutual).first() or benefits.package_create(
        by=None, owner=mutual, code=f"P{mutual.code}", name=f"Package {mutual.code}"
    )
    user = sample(User, mutual)
    return SimpleNamespace(
        mutual=mutual,
        union=union,
        other_union=federation.d1 if union == federation.d2 else federation.d2,
        household=sample(Household, mutual),
        beneficiary=sample(Beneficiary, mutual),
        payment=sample(Payment, mutual),
        user=user,
        key=ApiToken.objects.filter(user=user).first()
        or ApiToken.objects.get(
            digest=key_digest(federation_services.api_key_create(by=None, user=user, name="k"))
        ),
        package=package,
        provider=sample(Provider, mutual),
        agreement=agreement,
        version=agreement.versions.order_by("-valid_from").first(),
        claim=claim,
        letter=sample(GuaranteeLetter, mutual),
        statement=sample(Statement, mutual),
        document=sample(Document, mutual),
        gathering=sample(Gathering, mutual),
        news=sample(NewsItem, mutual),
        application=sample(Application, mutual),
        provider_payment=sample(ProviderPayment, mutual),
        state=federation.state,
        entry=(
            entry := accounting.entry_record(
                by=None,
                organisation=mutual,
                journal="BQ",
                date=D(2025, 2, 3),
                label="Versement",
                lines=[
                    accounting.EntryLine("521", debit=500),
                    accounting.EntryLine("571", credit=500),
                ],
            )
        ),
        closed=accounting.month_close(by=None, organisation=mutual, month=D(2024, 12, 1)),
        closed_year=accounting.year_close(by=None, organisation=mutual, year=2022),
        cashier=User.objects.filter(organisation=mutual).first()
        or federation_services.user_create(
            by=None, username=f"caisse-{mutual.code}", organisation=mutual, roles=["cashier"]
        ),
        **dict(zip(("bank_line", "matched_bank_line"), bank_lines(mutual, entry), strict=True)),
        report=sample(Report, mutual),
        push=Push.objects.create(
            union=union,
            started_at=timezone.now(),
            chunk_size=50,
            chunks_total=1,
            status=Push.Status.STOPPED,
        ),
        **inventoried(mutual, union, "SN" if mutual == federation.m1 else "ML"),
        forum_theme=sample(Theme, mutual),
        forum_topic=sample(Topic, mutual),
        forum_post=sample(Post, mutual),
        courrier_issue=sample(Issue, mutual),
        courrier_article=sample(Article, mutual),
        dir_institution=sample(Institution, mutual),
        dir_person=sample(Person, mutual),
        committee=sample(Committee, mutual),
        seat=(
            sample(Committee, mutual).seats.filter(ended_at=None).first()
            or directory.seat_take(
                by=None,
                committee=sample(Committee, mutual),
                person=sample(Person, mutual),
                role="member",
            )
        ),
    )


def inventoried(mutual: Organisation, union: Organisation, country: str) -> dict:
    """The mutual in the inventory, in `country`, with a record waiting for validation and a
    validated one; an officer of the union, focal point of another country."""
    entry = inventory.entry_create(
        by=None,
        steward=mutual,
        identity=inventory.Identity(name=mutual.name, country=country, mutual_type="community"),
        organisation=mutual,
    )
    facts = inventory.Year(status="functioning", currency="XOF", members=10, beneficiaries=40)
    officer = federation_services.user_create(
        by=None, username=f"officer-{union.code}", organisation=union, roles=[Role.UNION_OFFICER]
    )
    return {
        "inventory_entry": entry,
        "inventory_record": inventory.record_save(by=None, entry=entry, year=2025, facts=facts),
        "validated_record": inventory.record_validate(
            by=None, record=inventory.record_save(by=None, entry=entry, year=2024, facts=facts)
        ),
        "union_officer": officer,
        "focal_point": inventory.focal_point_designate(by=None, user=officer, country="BF"),
    }


def submitted(submission) -> None:
    # claims_submit reports each claim's errors instead of raising: the first claim's are its
    # refusal
    if submission.errors:
        raise ValidationError(submission.errors[0])


def reported(report) -> None:
    # an import reports its problems by row and column, as the user reads them: a refusal
    # names the column
    if not report.saved:
        by_column = defaultdict(list)
        for problem in report.errors:
            by_column[problem.column or "file"].append(problem.message)
        raise ValidationError(dict(by_column))


def claims_file(beneficiary: Beneficiary, provider: Provider) -> bytes:
    row = (provider.code, "F-SCOPE", beneficiary.member_number, "10/03/2025", None, None)
    return workbook((*row, "A09", None, "MARK", 1, 1000))


@dataclass(frozen=True)
class Case:
    """One service, called by a user of `role` of the cast, on the world `w`."""

    service: str
    role: str
    call: Callable[[SimpleNamespace, User], object]
    field: str
    # the message of a refusal for being outside the scope; the claims' submission says the
    # member is unknown, as a member of another mutual is to a mutual's staff
    outside: str = OUTSIDE
    # a role of the national union the service refuses (None: every signed-in user may call
    # it, as they may propose a document to the library)
    refused_role: str | None = Role.PORTAL_EDITOR


CASES = [
    # federation
    Case(
        "organisation_create",
        Role.UNION_OFFICER,
        lambda w, by: federation_services.organisation_create(
            by=by,
            kind=Kind.MUTUAL,
            parent=w.union,
            code="NEW",
            name="Nouvelle mutuelle",
            currency="XOF",
            mutual_type="community",
        ),
        "parent",
    ),
    Case(
        "organisation_update",
        Role.UNION_OFFICER,
        lambda w, by: federation_services.organisation_update(
            by=by, organisation=w.mutual, name="Renamed"
        ),
        "organisation",
    ),
    Case(
        "organisation_move",
        Role.UNION_OFFICER,
        lambda w, by: federation_services.organisation_move(
            by=by, organisation=w.mutual, new_parent=w.other_union
        ),
        "organisation",
    ),
    Case(
        "user_create",
        Role.SYSTEM_ADMIN,
        lambda w, by: federation_services.user_create(
            by=by, username="intruder", organisation=w.mutual, roles=[Role.CASHIER]
        ),
        "organisation",
    ),
    Case(
        "user_update",
        Role.SYSTEM_ADMIN,
        lambda w, by: federation_services.user_update(by=by, user=w.user, first_name="Changed"),
        "user",
    ),
    Case(
        "user_set_password",
        Role.SYSTEM_ADMIN,
        lambda w, by: federation_services.user_set_password(
            by=by, user=w.user, password="Un-Autre-Secret-77"
        ),
        "user",
    ),
    Case(
        "api_key_create",
        Role.SYSTEM_ADMIN,
        lambda w, by: federation_services.api_key_create(by=by, user=w.user, name="intruder"),
        "user",
    ),
    Case(
        "api_key_revoke",
        Role.SYSTEM_ADMIN,
        lambda w, by: federation_services.api_key_revoke(by=by, key=w.key),
        "key",
    ),
    Case(
        "api_keys_revoke_for",
        Role.SYSTEM_ADMIN,
        lambda w, by: federation_services.api_keys_revoke_for(
            by=by, user=w.user, reason=ApiToken.Revocation.DEACTIVATED
        ),
        "user",
    ),
    # benefits
    Case(
        "payer_create",
        Role.MUTUAL_MANAGER,
        lambda w, by: benefits.payer_create(
            by=by, owner=w.mutual, code="NGO", name="ONG", kind="ngo"
        ),
        "owner",
    ),
    Case(
        "package_create",
        Role.MUTUAL_MANAGER,
        lambda w, by: benefits.package_create(by=by, owner=w.mutual, code="NEW", name="New"),
        "owner",
    ),
    Case(
        "package_version_add",
        Role.MUTUAL_MANAGER,
        lambda w, by: benefits.package_version_add(
            by=by,
            package=w.package,
            valid_from=D(2025, 1, 1),
            period="year",
            contribution=7000,
            registration_fee=1000,
            waiting_days=30,
            grace_days=30,
        ),
        "package",
    ),
    # membership
    Case(
        "household_enrol",
        Role.ENROLMENT_AGENT,
        lambda w, by: membership.household_enrol(
            by=by,
            mutual=w.mutual,
            package=BenefitPackage.objects.get(code="CMU"),
            enrolled_on=D(2025, 1, 10),
            head=person("Intrus", "Sow", "M", "1970-01-01"),
        ),
        "mutual",
    ),
    Case(
        "beneficiary_add",
        Role.ENROLMENT_AGENT,
        lambda w, by: membership.beneficiary_add(
            by=by, household=w.household, person=person("Bébé", "Sow", "F", "2025-02-01")
        ),
        "household",
    ),
    Case(
        "beneficiary_update",
        Role.ENROLMENT_AGENT,
        lambda w, by: membership.beneficiary_update(
            by=by, beneficiary=w.beneficiary, first_name="Changed"
        ),
        "beneficiary",
    ),
    Case(
        "beneficiary_leave",
        Role.ENROLMENT_AGENT,
        lambda w, by: membership.beneficiary_leave(
            by=by, beneficiary=w.beneficiary, on=D(2025, 6, 1)
        ),
        "beneficiary",
    ),
    Case(
        "household_resign",
        Role.ENROLMENT_AGENT,
        lambda w, by: membership.household_resign(by=by, household=w.household, on=D(2025, 6, 1)),
        "household",
    ),
    Case(
        "register_import",
        Role.ENROLMENT_AGENT,
        lambda w, by: register_imports.register_import(
            by=by, mutual=w.mutual, file_name="registre.csv", content=b"nom;prenom\n"
        ),
        "mutual",
    ),
    # contributions
    Case(
        "payment_record",
        Role.CASHIER,
        lambda w, by: contributions.payment_record(
            by=by,
            household=w.household,
            amount=1000,
            method="cash",
            received_on=timezone.localdate(),
        ),
        "household",
    ),
    Case(
        "payer_payment_record",
        Role.CASHIER,
        lambda w, by: contributions.payer_payment_record(
            by=by,
            mutual=w.mutual,
            payer=w.state,
            amount=1000,
            method="cash",
            received_on=timezone.localdate(),
        ),
        "mutual",
    ),
    Case(
        "receivables_recognise",
        Role.ACCOUNTANT,
        lambda w, by: contributions.receivables_recognise(by=by, mutual=w.mutual),
        "mutual",
    ),
    Case(
        "dues_recognise",
        Role.ACCOUNTANT,
        lambda w, by: contributions.dues_recognise(by=by, mutual=w.mutual),
        "mutual",
    ),
    Case(
        "payment_reverse",
        Role.ACCOUNTANT,
        lambda w, by: contributions.payment_reverse(by=by, payment=w.payment, reason="error"),
        "payment",
    ),
    # claims
    Case(
        "claims_submit",
        Role.MUTUAL_MANAGER,
        lambda w, by: submitted(
            claims.claims_submit(
                [
                    claims.ClaimInput(
                        member_number=w.beneficiary.member_number,
                        provider_code=w.provider.code,
                        provider_reference="F-SCOPE",
                        service_from=D(2025, 3, 2),
                        service_to=None,
                        lines=(claims.LineInput("MARK", 1, 1000),),
                    )
                ],
                channel="clerk",
                actor=by,
                scope_prefix=member_lookup_prefix(by) if by else "/",
                today=D(2025, 3, 10),
            )
        ),
        "member_number",
        "No beneficiary has the member number",
    ),
    Case(
        "claims_import",
        Role.MUTUAL_MANAGER,
        lambda w, by: reported(
            claim_imports.claims_import(
                by=by,
                file_name="mars.xlsx",
                content=claims_file(w.beneficiary, w.provider),
                language="en",
                today=D(2025, 3, 20),
            )
        ),
        "num_membre",
        "No beneficiary has the member number",
    ),
    Case(
        "claim_review",
        Role.MEDICAL_ADVISOR,
        lambda w, by: claims.claim_review(
            by=by,
            claim=w.claim,
            reviews=[
                claims.LineReview(line=line, outcome=Outcome.APPROVED)
                for line in w.claim.lines.all()
            ],
        ),
        "claim",
    ),
    Case(
        "claims_approve",
        Role.MEDICAL_ADVISOR,
        lambda w, by: claims.claims_approve(by=by, claims=[w.claim]),
        "claim",
    ),
    Case(
        "letter_issue",
        Role.MEDICAL_ADVISOR,
        lambda w, by: claims.letter_issue(
            by=by,
            beneficiary=w.beneficiary,
            provider=w.provider,
            valid_from=D(2025, 4, 1),
            valid_until=D(2025, 4, 30),
            cap=10_000,
        ),
        "beneficiary",
    ),
    Case(
        "letter_cancel",
        Role.MEDICAL_ADVISOR,
        lambda w, by: claims.letter_cancel(by=by, letter=w.letter, on=D(2025, 3, 15)),
        "letter",
    ),
    # providers
    Case(
        "provider_create",
        Role.UNION_OFFICER,
        lambda w, by: providers.provider_create(
            by=by,
            owner=w.union,
            code="PS-NEW",
            name="Nouveau poste",
            kind="health_post",
            sector="public",
        ),
        "owner",
    ),
    Case(
        "provider_update",
        Role.UNION_OFFICER,
        lambda w, by: providers.provider_update(by=by, provider=w.provider, name="Renamed"),
        "owner",
    ),
    Case(
        "item_create",
        Role.UNION_OFFICER,
        lambda w, by: providers.item_create(
            by=by,
            owner=w.union,
            code="NEW-ACT",
            label="Nouvel acte",
            kind="act",
            service_category="consultation",
        ),
        "owner",
    ),
    Case(
        "items_import",
        Role.UNION_OFFICER,
        lambda w, by: providers.items_import(
            by=by, owner=w.union, file_name="actes.csv", content=b"code;libelle\n"
        ),
        "owner",
    ),
    Case(
        "agreement_create",
        Role.UNION_OFFICER,
        lambda w, by: providers.agreement_create(
            by=by,
            provider=w.provider,
            party=w.mutual,
            reference="CONV-NEW",
            signed_on=D(2025, 1, 1),
            starts_on=D(2025, 1, 1),
        ),
        "party",
    ),
    Case(
        "agreement_version_add",
        Role.UNION_OFFICER,
        lambda w, by: providers.agreement_version_add(
            by=by, agreement=w.agreement, valid_from=D(2025, 6, 1)
        ),
        "agreement",
    ),
    Case(
        "tariffs_update",
        Role.UNION_OFFICER,
        lambda w, by: providers.tariffs_update(by=by, version=w.version, prices={}),
        "agreement",
    ),
    Case(
        "tariffs_import",
        Role.UNION_OFFICER,
        lambda w, by: providers.tariffs_import(
            by=by, version=w.version, file_name="tarifs.csv", content=b"code;prix\n"
        ),
        "agreement",
    ),
    Case(
        "prices_apply",
        Role.UNION_OFFICER,
        lambda w, by: providers.prices_apply(by=by, version=w.version, prices={}, keep=False),
        "agreement",
    ),
    # settlements
    Case(
        "statements_issue",
        Role.ACCOUNTANT,
        lambda w, by: settlements.statements_issue(by=by, payer=w.mutual, day=D(2025, 3, 1)),
        "payer",
    ),
    Case(
        "statement_cancel",
        Role.ACCOUNTANT,
        lambda w, by: settlements.statement_cancel(by=by, statement=w.statement, reason="error"),
        "statement",
    ),
    Case(
        "provider_payment_record",
        Role.ACCOUNTANT,
        lambda w, by: settlements.provider_payment_record(
            by=by, statement=w.statement, amount=100, method="cash", paid_on=D(2025, 4, 20)
        ),
        "statement",
    ),
    Case(
        "provider_payment_reverse",
        Role.ACCOUNTANT,
        lambda w, by: settlements.provider_payment_reverse(
            by=by, payment=w.provider_payment, reason="error"
        ),
        "payment",
    ),
    Case(
        "entry_record",
        Role.ACCOUNTANT,
        lambda w, by: accounting.entry_record(
            by=by,
            organisation=w.mutual,
            journal="CA",
            date=D(2025, 3, 5),
            label="Loyer",
            lines=[accounting.EntryLine("622", debit=100), accounting.EntryLine("571", credit=100)],
        ),
        "organisation",
    ),
    Case(
        "entry_reverse",
        Role.ACCOUNTANT,
        lambda w, by: accounting.entry_reverse(by=by, entry=w.entry),
        "entry",
    ),
    Case(
        "month_close",
        Role.ACCOUNTANT,
        lambda w, by: accounting.month_close(by=by, organisation=w.mutual, month=D(2025, 1, 1)),
        "organisation",
    ),
    Case(
        "year_close",
        Role.ACCOUNTANT,
        lambda w, by: accounting.year_close(by=by, organisation=w.mutual, year=2023),
        "organisation",
    ),
    Case(
        "bank_statement_import",
        Role.ACCOUNTANT,
        lambda w, by: accounting.bank_statement_import(
            by=by,
            organisation=w.mutual,
            account_number="521",
            file_name="releve.csv",
            content=b"date;montant\n03/03/2025;1000\n",
        ),
        "organisation",
    ),
    Case(
        "bank_line_match",
        Role.ACCOUNTANT,
        lambda w, by: accounting.bank_line_match(
            by=by, bank_line=w.bank_line, line=w.entry.lines.get(debit=500)
        ),
        "bank_line",
    ),
    Case(
        "bank_line_unmatch",
        Role.ACCOUNTANT,
        lambda w, by: accounting.bank_line_unmatch(by=by, bank_line=w.matched_bank_line),
        "bank_line",
    ),
    Case(
        "account_add",
        Role.UNION_OFFICER,
        lambda w, by: accounting.account_add(
            by=by, union=w.union, number="5719", label_fr="Caisse", label_en="Cash"
        ),
        "organisation",
    ),
    Case(
        "mapping_change",
        Role.UNION_OFFICER,
        lambda w, by: accounting.mapping_change(
            by=by,
            union=w.union,
            operation="cash.cash",
            account_number="571",
            valid_from=timezone.localdate() + datetime.timedelta(days=3),
        ),
        "organisation",
    ),
    Case(
        "threshold_set",
        Role.UNION_OFFICER,
        lambda w, by: monitoring.threshold_set(
            by=by, union=w.union, indicator="F.5", bounds=Thresholds(alarm_above=9000)
        ),
        "organisation",
    ),
    Case(
        "plan_record",
        Role.UNION_OFFICER,
        lambda w, by: monitoring.plan_record(
            by=by,
            organisation=w.union,
            name="Plan",
            years=[YearPlanned(2026, 10, 40, 100_000, 70_000, 120_000, 30_000, 1000)],
        ),
        "organisation",
    ),
    Case(
        "study_save",
        Role.UNION_OFFICER,
        lambda w, by: monitoring.study_save(
            by=by,
            organisation=w.union,
            name="CMU",
            inputs=Inputs((ServiceUse("consultation", 150, 1500, 8000),), 1500, 500, 12),
        ),
        "organisation",
    ),
    Case(
        "server_set",
        Role.UNION_OFFICER,
        lambda w, by: dhis2.server_set(
            by=by,
            union=w.union,
            base_url="https://dhis2.example.sn",
            username="mutualis",
            password="secret",
            data_set="pBOMPrpg1QX",
            id_scheme="UID",
        ),
        "union",
    ),
    Case(
        "elements_set",
        Role.UNION_OFFICER,
        lambda w, by: dhis2.elements_set(by=by, union=w.union, elements={}),
        "union",
    ),
    Case(
        "org_units_set",
        Role.UNION_OFFICER,
        lambda w, by: dhis2.org_units_set(by=by, union=w.union, org_units={}),
        "union",
    ),
    Case(
        "push_start",
        Role.UNION_OFFICER,
        lambda w, by: dhis2.push_start(by=by, union=w.union, months=[D(2025, 1, 1)]),
        "union",
    ),
    Case(
        "push_period",
        Role.UNION_OFFICER,
        lambda w, by: dhis2.push_period(by=by, union=w.union, month=D(2025, 1, 1)),
        "union",
    ),
    Case(
        "push_resume",
        Role.UNION_OFFICER,
        lambda w, by: dhis2.push_resume(by=by, push=w.push),
        "push",
    ),
    Case(
        "alerts_subscribe",
        Role.UNION_OFFICER,
        lambda w, by: monitoring.alerts_subscribe(by=by, organisation=w.union),
        "organisation",
    ),
    Case(
        "alerts_unsubscribe",
        Role.UNION_OFFICER,
        lambda w, by: monitoring.alerts_unsubscribe(by=by, organisation=w.union),
        "organisation",
    ),
    Case(
        "year_reopen",
        Role.UNION_OFFICER,
        lambda w, by: accounting.year_reopen(by=by, closed=w.closed_year, reason="error"),
        "year",
    ),
    Case(
        "cash_count",
        Role.ACCOUNTANT,
        lambda w, by: accounting.cash_count(
            by=by, organisation=w.mutual, cashier=w.cashier, day=D(2025, 3, 3), counted=0
        ),
        "organisation",
    ),
    Case(
        "cash_hand_over",
        Role.ACCOUNTANT,
        lambda w, by: accounting.cash_hand_over(
            by=by,
            organisation=w.mutual,
            giver=None,
            taker=w.cashier,
            amount=1,
            day=D(2025, 3, 3),
        ),
        "organisation",
    ),
    Case(
        "month_reopen",
        Role.UNION_OFFICER,
        lambda w, by: accounting.month_reopen(by=by, closed=w.closed, reason="error"),
        "month",
    ),
    # monitoring
    Case(
        "report_submit",
        Role.MUTUAL_MANAGER,
        lambda w, by: reports.report_submit(
            by=by,
            mutual=w.mutual,
            month=D(2025, 1, 1),
            figures={"members": 10, "beneficiaries": 30},
        ),
        "mutual",
    ),
    Case(
        "report_accept",
        Role.UNION_OFFICER,
        lambda w, by: reports.report_accept(by=by, report=w.report),
        "report",
    ),
    Case(
        "report_return",
        Role.UNION_OFFICER,
        lambda w, by: reports.report_return(by=by, report=w.report, comment="à revoir"),
        "report",
    ),
    Case(
        "report_reopen",
        Role.UNION_OFFICER,
        lambda w, by: reports.report_reopen(by=by, report=w.report, reason="erreur"),
        "report",
    ),
    Case(
        "target_population_set",
        Role.MUTUAL_MANAGER,
        lambda w, by: reports.target_population_set(
            by=by, mutual=w.mutual, year=2025, population=1000, source="RGPH"
        ),
        "mutual",
    ),
]
CASES += [
    # inventory
    Case(
        "entry_create",
        Role.UNION_OFFICER,
        lambda w, by: inventory.entry_create(
            by=by,
            steward=w.mutual,
            identity=inventory.Identity(name="Mutuelle", country="SN", mutual_type="community"),
        ),
        "steward",
    ),
    Case(
        "entry_update",
        Role.MUTUAL_MANAGER,
        lambda w, by: inventory.entry_update(
            by=by,
            entry=w.inventory_entry,
            identity=inventory.Identity(name="Autre nom", country="SN", mutual_type="community"),
        ),
        "entry",
    ),
    Case(
        "record_save",
        Role.MUTUAL_MANAGER,
        lambda w, by: inventory.record_save(
            by=by,
            entry=w.inventory_entry,
            year=2023,
            facts=inventory.Year(status="starting", currency="XOF", members=5, beneficiaries=9),
        ),
        "entry",
    ),
    Case(
        "record_validate",
        Role.UNION_OFFICER,
        lambda w, by: inventory.record_validate(by=by, record=w.inventory_record),
        "record",
        FOCAL_POINT_ONLY,
    ),
    Case(
        "record_return",
        Role.UNION_OFFICER,
        lambda w, by: inventory.record_return(by=by, record=w.inventory_record, comment="à revoir"),
        "record",
        FOCAL_POINT_ONLY,
    ),
    Case(
        "record_reopen",
        Role.UNION_OFFICER,
        lambda w, by: inventory.record_reopen(by=by, record=w.validated_record, reason="erreur"),
        "record",
        FOCAL_POINT_ONLY,
    ),
    Case(
        "focal_point_designate",
        Role.SYSTEM_ADMIN,
        lambda w, by: inventory.focal_point_designate(by=by, user=w.union_officer, country="TG"),
        "user",
    ),
    Case(
        "focal_point_remove",
        Role.SYSTEM_ADMIN,
        lambda w, by: inventory.focal_point_remove(by=by, focal_point=w.focal_point),
        "focal_point",
    ),
]
# the portal: its editors publish, every signed-in user proposes
PORTAL_DOCUMENT = portal.DocumentDetails(
    kind="study", title="Étude", language="fr", link="https://example.org/etude"
)
PORTAL_DAYS = (D(2026, 5, 4), D(2026, 5, 6))
CASES += [
    Case(
        "document_propose",
        Role.CASHIER,
        lambda w, by: portal.document_propose(
            by=by, owner=w.mutual, details=PORTAL_DOCUMENT, upload=None
        ),
        "organisation",
        refused_role=None,
    ),
    Case(
        "document_publish",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.document_publish(
            by=by, owner=w.mutual, details=PORTAL_DOCUMENT, upload=None
        ),
        "organisation",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "document_update",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.document_update(by=by, document=w.document, details=PORTAL_DOCUMENT),
        "document",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "document_approve",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.document_approve(by=by, document=w.document),
        "document",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "document_reject",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.document_reject(by=by, document=w.document, reason="hors sujet"),
        "document",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "document_withdraw",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.document_withdraw(by=by, document=w.document, reason="doublon"),
        "document",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "gathering_create",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.gathering_create(
            by=by, owner=w.mutual, details=portal.GatheringDetails("forum", "Forum", *PORTAL_DAYS)
        ),
        "organisation",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "gathering_update",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.gathering_update(
            by=by,
            gathering=w.gathering,
            details=portal.GatheringDetails("forum", "Forum", *PORTAL_DAYS),
        ),
        "gathering",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "news_create",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.news_create(
            by=by, owner=w.mutual, details=portal.NewsDetails("Forum", "Le forum.", "fr")
        ),
        "organisation",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "news_update",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.news_update(
            by=by, news=w.news, details=portal.NewsDetails("Forum", "Le forum.", "fr")
        ),
        "news",
        refused_role=Role.UNION_OFFICER,
    ),
]
# joining the network: the editors whose scope holds the application's organisation answer it
CASES += [
    Case(
        "application_accept",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.application_accept(
            by=by, application=w.application, organisation=w.mutual
        ),
        "application",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "application_reject",
        Role.PORTAL_EDITOR,
        lambda w, by: portal.application_reject(
            by=by, application=w.application, reason="Hors du réseau"
        ),
        "application",
        refused_role=Role.UNION_OFFICER,
    ),
]
# the forums: their moderators are the portal editors whose scope holds the theme
CASES += [
    Case(
        "theme_create",
        Role.PORTAL_EDITOR,
        lambda w, by: forums.theme_create(by=by, owner=w.mutual, title="Thème"),
        "organisation",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "theme_update",
        Role.PORTAL_EDITOR,
        lambda w, by: forums.theme_update(
            by=by, theme=w.forum_theme, title="Thème", description="", position=0
        ),
        "theme",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "post_hide",
        Role.PORTAL_EDITOR,
        lambda w, by: forums.post_hide(by=by, post=w.forum_post, reason="Publicité"),
        "post",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "post_unhide",
        Role.PORTAL_EDITOR,
        lambda w, by: forums.post_unhide(by=by, post=w.forum_post),
        "post",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "topic_close",
        Role.PORTAL_EDITOR,
        lambda w, by: forums.topic_close(by=by, topic=w.forum_topic, reason="Épuisé"),
        "topic",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "topic_reopen",
        Role.PORTAL_EDITOR,
        lambda w, by: forums.topic_reopen(by=by, topic=w.forum_topic),
        "topic",
        refused_role=Role.UNION_OFFICER,
    ),
]
# the Courrier: made, published and sent by the portal editors whose scope holds the issue
COURRIER_ISSUE = newsletter.IssueDetails("Courrier", "Courrier", D(2026, 3, 2))
COURRIER_ARTICLE = newsletter.ArticleDetails("Titre", "Title", "Texte.", "Text.")
CASES += [
    Case(
        "issue_create",
        Role.PORTAL_EDITOR,
        lambda w, by: newsletter.issue_create(by=by, owner=w.mutual, details=COURRIER_ISSUE),
        "organisation",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "issue_update",
        Role.PORTAL_EDITOR,
        lambda w, by: newsletter.issue_update(
            by=by, issue=w.courrier_issue, details=COURRIER_ISSUE
        ),
        "issue",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "article_add",
        Role.PORTAL_EDITOR,
        lambda w, by: newsletter.article_add(
            by=by, issue=w.courrier_issue, details=COURRIER_ARTICLE
        ),
        "issue",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "article_update",
        Role.PORTAL_EDITOR,
        lambda w, by: newsletter.article_update(
            by=by, article=w.courrier_article, details=COURRIER_ARTICLE
        ),
        "article",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "article_remove",
        Role.PORTAL_EDITOR,
        lambda w, by: newsletter.article_remove(by=by, article=w.courrier_article),
        "article",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "issue_publish",
        Role.PORTAL_EDITOR,
        lambda w, by: newsletter.issue_publish(by=by, issue=w.courrier_issue),
        "issue",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "issue_send",
        Role.PORTAL_EDITOR,
        lambda w, by: newsletter.issue_send(by=by, issue=w.courrier_issue),
        "issue",
        refused_role=Role.UNION_OFFICER,
    ),
]
# the directory of actors: kept by the portal editors whose scope holds an entry's keeper
DIRECTORY = {"name": "Enda Santé", "kind": "ngo", "membership": "member", "country": "SN"}
CASES += [
    Case(
        "institution_create",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.institution_create(by=by, owner=w.mutual, values=DIRECTORY),
        "owner",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "institution_update",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.institution_update(
            by=by, institution=w.dir_institution, values={"city": "Thiès"}
        ),
        "institution",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "institution_retire",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.institution_retire(by=by, institution=w.dir_institution),
        "institution",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "person_create",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.person_create(
            by=by, owner=w.mutual, values={"name": "Awa Diop", "country": "SN"}
        ),
        "owner",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "person_update",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.person_update(
            by=by, person=w.dir_person, values={"title": "Gérante"}
        ),
        "person",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "person_visibility_set",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.person_visibility_set(by=by, person=w.dir_person, members_only=[]),
        "person",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "person_retire",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.person_retire(by=by, person=w.dir_person),
        "person",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "committee_create",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.committee_create(
            by=by, owner=w.mutual, country="BF", name="Comité national"
        ),
        "owner",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "committee_update",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.committee_update(by=by, committee=w.committee, name="Comité"),
        "committee",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "seat_take",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.seat_take(
            by=by, committee=w.committee, person=w.dir_person, role="chair"
        ),
        "committee",
        refused_role=Role.UNION_OFFICER,
    ),
    Case(
        "seat_end",
        Role.PORTAL_EDITOR,
        lambda w, by: directory.seat_end(by=by, seat=w.seat),
        "seat",
        refused_role=Role.UNION_OFFICER,
    ),
]
IDS = [case.service for case in CASES]


def database() -> dict[str, list[tuple]]:
    """Every row of every table, to tell that a refusal wrote nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.fixture
def worlds(federation, cast, cmu_package, state):
    federation.state = state
    outside = world(federation, federation.m2, federation.d2)
    inside = world(federation, federation.m1, federation.d1)
    # the cast's officer is the focal point of the country of M1's entry, not of M2's
    inventory.focal_point_designate(by=None, user=cast[Role.UNION_OFFICER], country="SN")
    return SimpleNamespace(inside=inside, outside=outside)


def refusal(case: Case, w: SimpleNamespace, by) -> dict[str, list[str]]:
    before = database()
    with translation.override("en"), pytest.raises((ValidationError, PermissionDenied)) as refused:
        case.call(w, by)
    assert database() == before, f"{case.service} wrote while refusing"
    error = refused.value
    assert isinstance(error, ValidationError) and hasattr(error, "error_dict"), (
        f"{case.service}: the refusal names no field: {error}"
    )
    return error.message_dict


def test_every_service_is_in_the_table():
    found = {name for module in service_modules() for name in services_of(module)}
    assert sorted(found - set(IDS) - FOR_THEMSELVES) == [], "add the new services to CASES"
    assert sorted(set(IDS) - found) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_service_refuses_an_object_outside_the_users_scope(worlds, cast, case):
    by = cast[case.role]
    messages = refusal(case, worlds.outside, by)
    assert case.field in messages, messages
    assert any(case.outside in message for message in messages[case.field]), messages


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_service_refuses_a_role_the_page_does_not_allow(worlds, federation, case):
    # a user of the national union: every object lies in their scope, and their role is one
    # the service refuses (a portal editor for the operations, a union officer for the portal)
    if case.refused_role is None:
        pytest.skip("every signed-in user may call it")
    username = f"national-{case.refused_role}"
    editor = User.objects.filter(username=username).first() or (
        federation_services.user_create(
            by=None,
            username=username,
            organisation=federation.national,
            roles=[case.refused_role],
        )
    )
    messages = refusal(case, worlds.inside, editor)
    assert any(NOT_YOUR_ROLE in message for values in messages.values() for message in values), (
        messages
    )


def test_a_command_acting_as_the_system_is_not_refused(worlds):
    # the same call as a user's, without one: the organisation is written
    federation_services.organisation_update(by=None, organisation=worlds.outside.mutual, name="X")
    assert Organisation.objects.get(pk=worlds.outside.mutual.pk).name == "X"


def test_a_user_changes_their_own_password_whatever_their_role(cast):
    cashier = cast[Role.CASHIER]
    federation_services.user_set_password(by=cashier, user=cashier, password="Un-Autre-Secret-77")
    cashier.refresh_from_db()
    assert cashier.check_password("Un-Autre-Secret-77")


def test_moving_an_organisation_under_a_parent_outside_the_scope_is_refused(worlds, cast):
    case = Case(
        "organisation_move",
        Role.UNION_OFFICER,
        lambda w, by: federation_services.organisation_move(
            by=by, organisation=w.mutual, new_parent=w.other_union
        ),
        "new_parent",
    )
    messages = refusal(case, worlds.inside, cast[Role.UNION_OFFICER])
    assert OUTSIDE in messages["new_parent"]


def test_moving_a_user_to_an_organisation_outside_the_scope_is_refused(worlds, cast):
    case = Case(
        "user_update",
        Role.SYSTEM_ADMIN,
        lambda w, by: federation_services.user_update(
            by=by, user=w.user, organisation=worlds.outside.mutual
        ),
        "organisation",
    )
    messages = refusal(case, worlds.inside, cast[Role.SYSTEM_ADMIN])
    assert OUTSIDE in messages["organisation"]


def test_no_user_creates_a_new_root_of_the_federation(cast):
    with pytest.raises(ValidationError) as refused:
        federation_services.organisation_create(
            by=cast[Role.SYSTEM_ADMIN], kind=Kind.NATIONAL_UNION, parent=None, code="X", name="X"
        )
    assert "parent" in refused.value.message_dict


def test_claims_are_not_submitted_for_members_beyond_the_submitters_scope(worlds, cast):
    # a caller handing claims_submit a wider scope than its user's is refused, not obeyed
    outside = worlds.outside
    claim = claims.ClaimInput(
        member_number=outside.beneficiary.member_number,
        provider_code=outside.provider.code,
        provider_reference="F-WIDER",
        service_from=D(2025, 3, 2),
        service_to=None,
        lines=(claims.LineInput("MARK", 1, 1000),),
    )
    before = database()
    with pytest.raises(PermissionDenied):
        claims.claims_submit(
            [claim], channel="clerk", actor=cast[Role.MUTUAL_MANAGER], scope_prefix="/"
        )
    assert database() == before


def test_a_third_payers_payment_is_refused_for_a_payer_of_another_mutual(worlds, cast):
    outsider = benefits.payer_create(
        by=None,
        owner=worlds.outside.mutual,
        code="COMMUNE",
        name="Commune de Pakour",
        kind="local_authority",
    )
    case = Case(
        "payer_payment_record",
        Role.CASHIER,
        lambda w, by: contributions.payer_payment_record(
            by=by,
            mutual=w.mutual,
            payer=outsider,
            amount=1000,
            method="cash",
            received_on=timezone.localdate(),
        ),
        "payer",
    )
    messages = refusal(case, worlds.inside, cast[Role.CASHIER])
    assert messages["payer"] == ["This payer does not pay for this mutual's members."]


# --- objects a change names: each inside the scope too -------------------------------------
# Issue 11: a mutual manager's Excel upload billed a provider they could not see, and another
# mutual paid. Each line below changes an object of M1 (inside the scope) and names one that
# lies outside it. Covered elsewhere, not repeated: a user moved to an organisation outside
# the scope, an organisation moved under one, a third payer of another mutual
# (the tests at the end of CASES above); the JSON API's payment for a household of M2 and a
# FHIR claim for a provider or a member of M2 (tests/test_scope_matrix.py, API and FHIR).


@pytest.fixture
def named(worlds, federation, cast):
    """The worlds, with what M1's changes may name and yet lies outside the cast's scope: a
    provider of the national list under D2's agreement only, a third payer of M2, an act of
    D2's list and a clerk of M2; the cast's clerk works at M1's provider."""
    shared = providers.provider_create(
        by=None,
        owner=federation.national,
        code="PS-SHARED",
        name="Poste de santé de la route nationale",
        kind="health_post",
        sector="public",
    )
    providers.agreement_create(
        by=None,
        provider=shared,
        party=federation.d2,
        reference="CONV-SHARED",
        signed_on=D(2024, 12, 1),
        starts_on=D(2025, 1, 1),
    )
    worlds.shared_provider = shared
    worlds.outside_payer = benefits.payer_create(
        by=None,
        owner=federation.m2,
        code="COMMUNE",
        name="Commune de Pakour",
        kind="local_authority",
    )
    worlds.outside_item = providers.item_create(
        by=None,
        owner=federation.d2,
        code="D2-ACT",
        label="Acte de Vélingara",
        kind="act",
        service_category="consultation",
    )
    worlds.outside_clerk = federation_services.user_create(
        by=None, username="clerk-m2", organisation=federation.m2, roles=[Role.PROVIDER_CLERK]
    )
    worlds.inside.provider.staff.add(cast[Role.PROVIDER_CLERK])
    return worlds


def claim_of(beneficiary: Beneficiary, provider: Provider) -> claims.ClaimInput:
    return claims.ClaimInput(
        member_number=beneficiary.member_number,
        provider_code=provider.code,
        provider_reference="F-NAMED",
        service_from=D(2025, 3, 10),
        service_to=None,
        lines=(claims.LineInput("MARK", 1, 1000),),
    )


def submitted_by(by, claim: claims.ClaimInput) -> None:
    submitted(
        claims.claims_submit(
            [claim],
            channel="clerk",
            actor=by,
            scope_prefix=member_lookup_prefix(by),
            today=D(2025, 3, 20),
        )
    )


def uploaded_by(by, beneficiary: Beneficiary, provider: Provider) -> None:
    reported(
        claim_imports.claims_import(
            by=by,
            file_name="mars.xlsx",
            content=claims_file(beneficiary, provider),
            language="en",
            today=D(2025, 3, 20),
        )
    )


def register_file(package_code: str) -> bytes:
    from tests.membership.test_import import csv_file, row

    head = row("X1", "chef", "Sow", "Awa", "F", "01/01/1990", enrolled_on="01/02/2025")
    return csv_file([{**head, "package": package_code}])


NOT_BILLED = "You do not enter claims for the provider"
NO_AGREEMENT = "has no agreement in force on 10/03/2025 with the member's mutual or its unions"

NAMED = [
    pytest.param(
        Case(
            "claims_import",
            Role.MUTUAL_MANAGER,
            lambda ws, by: uploaded_by(by, ws.inside.beneficiary, ws.outside.provider),
            "code_prestataire",
            NOT_BILLED,
        ),
        id="claims_import: a provider of another mutual (the finding of issue 11)",
    ),
    pytest.param(
        Case(
            "claims_import",
            Role.MUTUAL_MANAGER,
            lambda ws, by: uploaded_by(by, ws.inside.beneficiary, ws.shared_provider),
            "code_prestataire",
            NO_AGREEMENT,
        ),
        id="claims_import: a provider under another mutual's agreement",
    ),
    pytest.param(
        Case(
            "claims_submit",
            Role.MUTUAL_MANAGER,
            lambda ws, by: submitted_by(by, claim_of(ws.inside.beneficiary, ws.shared_provider)),
            "provider_code",
            NO_AGREEMENT,
        ),
        id="claims_submit: a manager, a provider under another mutual's agreement",
    ),
    pytest.param(
        Case(
            "claims_submit",
            Role.PROVIDER_CLERK,
            lambda ws, by: submitted_by(by, claim_of(ws.inside.beneficiary, ws.shared_provider)),
            "provider_code",
            NOT_BILLED,
        ),
        id="claims_submit: a clerk, a provider where they do not work",
    ),
    pytest.param(
        Case(
            "claim_review",
            Role.MEDICAL_ADVISOR,
            lambda ws, by: claims.claim_review(
                by=by,
                claim=ws.inside.claim,
                reviews=[
                    claims.LineReview(line=line, outcome=Outcome.APPROVED)
                    for line in ws.outside.claim.lines.all()
                ],
            ),
            "lines.0.outcome",
            "This line is not part of the claim.",
        ),
        id="claim_review: a line of another mutual's claim",
    ),
    pytest.param(
        Case(
            "letter_issue",
            Role.MEDICAL_ADVISOR,
            lambda ws, by: claims.letter_issue(
                by=by,
                beneficiary=ws.inside.beneficiary,
                provider=ws.outside.provider,
                valid_from=D(2025, 4, 1),
                valid_until=D(2025, 4, 30),
                cap=10_000,
            ),
            "provider",
            "This provider is outside your scope.",
        ),
        id="letter_issue: a provider of another mutual",
    ),
    pytest.param(
        Case(
            "package_version_add",
            Role.MUTUAL_MANAGER,
            lambda ws, by: benefits.package_version_add(
                by=by,
                package=ws.inside.package,
                valid_from=D(2025, 1, 1),
                period="year",
                contribution=7000,
                registration_fee=1000,
                waiting_days=30,
                grace_days=30,
                subsidies=[(ws.outside_payer, "", 5000)],
            ),
            "subsidies",
            "Commune de Pakour does not pay for this package's members",
        ),
        id="package_version_add: a third payer of another mutual",
    ),
    pytest.param(
        Case(
            "household_enrol",
            Role.ENROLMENT_AGENT,
            lambda ws, by: membership.household_enrol(
                by=by,
                mutual=ws.inside.mutual,
                package=ws.outside.package,
                enrolled_on=D(2025, 1, 10),
                head=person("Intrus", "Sow", "M", "1970-01-01"),
            ),
            "package",
            "This package is not offered by the mutual.",
        ),
        id="household_enrol: a package of another mutual",
    ),
    pytest.param(
        Case(
            "register_import",
            Role.ENROLMENT_AGENT,
            lambda ws, by: reported(
                register_imports.register_import(
                    by=by,
                    mutual=ws.inside.mutual,
                    file_name="registre.csv",
                    content=register_file(ws.outside.package.code),
                    language="en",
                )
            ),
            "code_paquet",
            "Unknown package code PM2",
        ),
        id="register_import: a row's package of another mutual",
    ),
    pytest.param(
        Case(
            "payer_payment_record",
            Role.CASHIER,
            lambda ws, by: contributions.payer_payment_record(
                by=by,
                mutual=ws.inside.mutual,
                payer=ws.inside.state,
                amount=1000,
                method="cash",
                received_on=timezone.localdate(),
                households=[ws.outside.household],
            ),
            "households",
            "A household of another mutual cannot share in this payment.",
        ),
        id="payer_payment_record: a household of another mutual",
    ),
    pytest.param(
        Case(
            "provider_update",
            Role.UNION_OFFICER,
            lambda ws, by: providers.provider_update(
                by=by, provider=ws.inside.provider, staff=[ws.outside_clerk]
            ),
            "staff",
            "clerk-m2 is outside your scope.",
        ),
        id="provider_update: a clerk of another mutual",
    ),
    pytest.param(
        Case(
            "agreement_create",
            Role.UNION_OFFICER,
            lambda ws, by: providers.agreement_create(
                by=by,
                provider=ws.outside.provider,
                party=ws.inside.union,
                reference="CONV-NAMED",
                signed_on=D(2025, 1, 1),
                starts_on=D(2025, 1, 1),
            ),
            "provider",
            "This provider is registered outside the organisation's union",
        ),
        id="agreement_create: a provider of another mutual",
    ),
    pytest.param(
        Case(
            "tariffs_update",
            Role.UNION_OFFICER,
            lambda ws, by: providers.tariffs_update(
                by=by, version=ws.inside.version, prices={"D2-ACT": 100}
            ),
            "tariffs",
            "Unknown code D2-ACT",
        ),
        id="tariffs_update: an act of another union's list",
    ),
    pytest.param(
        Case(
            "tariffs_import",
            Role.UNION_OFFICER,
            lambda ws, by: reported(
                providers.tariffs_import(
                    by=by,
                    version=ws.inside.version,
                    file_name="tarifs.csv",
                    content=b"code;prix\nD2-ACT;100\n",
                    language="en",
                )
            ),
            "code",
            "Unknown code D2-ACT",
        ),
        id="tariffs_import: a row's act of another union's list",
    ),
    pytest.param(
        Case(
            "prices_apply",
            Role.UNION_OFFICER,
            lambda ws, by: providers.prices_apply(
                by=by, version=ws.inside.version, prices={ws.outside_item.pk: 100}, keep=True
            ),
            "tariffs",
            "An act priced is not in the list of acts and medicines of the party.",
        ),
        id="prices_apply: an act of another union's list",
    ),
]


@pytest.mark.parametrize("case", NAMED)
def test_a_service_refuses_to_name_an_object_outside_the_users_scope(named, cast, case):
    messages = refusal(case, named, cast[case.role])
    assert case.field in messages, messages
    assert any(case.outside in message for message in messages[case.field]), messages


def test_a_managers_upload_for_a_provider_they_cannot_see_is_refused_on_its_row(named, cast):
    # issue 11's finding, row by row: the upload names a provider of M2 for a member of M1; the
    # provider's row is refused on its column, and by the import's rule nothing is saved
    inside, outside = named.inside, named.outside
    lines = [
        (inside.provider.code, "F-GOOD", inside.beneficiary.member_number, "10/03/2025"),
        (outside.provider.code, "F-AWAY", inside.beneficiary.member_number, "10/03/2025"),
    ]
    content = workbook(*[(*line, None, None, "A09", None, "MARK", 1, 1000) for line in lines])
    before = database()
    with translation.override("en"):
        report = claim_imports.claims_import(
            by=cast[Role.MUTUAL_MANAGER],
            file_name="mars.xlsx",
            content=content,
            language="en",
            today=D(2025, 3, 20),
        )
    assert [(p.row, p.column) for p in report.errors] == [(4, "code_prestataire")]
    assert (
        report.errors[0].message
        == f"You do not enter claims for the provider {outside.provider.code}."
    )
    assert not report.saved
    assert database() == before
    # the valid claims alone, when asked for: the member's own provider, paid by their mutual
    report = claim_imports.claims_import(
        by=cast[Role.MUTUAL_MANAGER],
        file_name="mars.xlsx",
        content=content,
        valid_only=True,
        today=D(2025, 3, 20),
    )
    (claim,) = Claim.objects.filter(provider_reference__in=["F-GOOD", "F-AWAY"])
    assert (claim.provider_reference, claim.payer) == ("F-GOOD", inside.mutual)


def test_a_clerk_still_bills_their_provider_for_a_member_of_another_mutual(named, cast):
    # portability: the clerk treated the member, and the provider's agreement pays
    clerk = cast[Role.PROVIDER_CLERK]
    submission = claims.claims_submit(
        [claim_of(named.outside.beneficiary, named.inside.provider)],
        channel="clerk",
        actor=clerk,
        scope_prefix=member_lookup_prefix(clerk),
        today=D(2025, 3, 20),
    )
    assert submission.saved, submission.errors
    (claim,) = submission.claims
    assert (claim.mutual, claim.payer) == (named.outside.mutual, named.inside.mutual)


# --- the same refusals at the edges: the JSON API, FHIR and the claim form ------------------


def test_the_api_enrols_no_household_in_another_mutual_nor_in_its_package(
    client, named, cast, federation
):
    client.force_login(cast[Role.ENROLMENT_AGENT])
    body = api_body("/api/households", federation, 1)
    before = database()
    response = client.post(
        "/api/households",
        {**body, "mutual": str(named.outside.mutual.uid)},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        "/api/households",
        {**body, "package": named.outside.package.code},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["detail"]) == ["package"]
    assert database() == before


def test_fhir_refuses_a_managers_claim_under_another_mutuals_agreement(client, named, cast):
    # the provider is of the national list, visible to all, but only D2 agreed to pay it
    client.force_login(cast[Role.MUTUAL_MANAGER])
    body = fhir_body("fhir/r4/Claim", named.inside.beneficiary, named.shared_provider, "F-FHIR")
    before = database()
    response = client.post(
        "/fhir/r4/Claim",
        body,
        content_type="application/fhir+json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    [issue] = response.json()["issue"]
    assert issue["expression"] == ["Claim.provider"]
    assert "n’a pas de convention en vigueur" in issue["diagnostics"]
    assert database() == before


def test_the_claim_form_refuses_a_provider_under_another_mutuals_agreement(client, named, cast):
    client.force_login(cast[Role.MUTUAL_MANAGER])
    form = claim_post(named.inside.beneficiary, named.shared_provider, reference="F-FORM")
    before = database()
    response = client.post("/claims/new/", form, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "n’a pas de convention en vigueur" in response.content.decode()
    assert database() == before
