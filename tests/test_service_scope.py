"""Every service refuses to write outside the acting user's scope, and beyond their role, whatever
called it (issue 10): a page, the JSON API, FHIR or a command acting as a user. A command acting
as the system (by=None) may do anything.

The table below calls every service with a user of the cast whose role the service allows, on
an object of M2 (outside their scope): the service must refuse, naming the field, and the
database must be left as it was. Then every service is called by a user whose scope holds the
object but whose role does not allow the change. A service that is not in the table fails
`test_every_service_is_in_the_table`: a new service comes with its line here.
"""

import datetime
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

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
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Kind, Role
from mutualis.membership import imports as register_imports
from mutualis.membership import services as membership
from mutualis.membership.models import Beneficiary, Household
from mutualis.providers import services as providers
from mutualis.providers.models import Agreement, Provider
from mutualis.settlements import services as settlements
from mutualis.settlements.models import ProviderPayment, Statement
from tests.conftest import person
from tests.test_scope_matrix import sample

SOURCE = Path(__file__).resolve().parent.parent / "src" / "mutualis"
# The writers that are not in a services.py: the Excel imports' and the claims' own modules.
OTHER_WRITERS = [
    "mutualis.claims.letters",
    "mutualis.claims.review",
    "mutualis.claims.imports",
    "mutualis.membership.imports",
    "mutualis.providers.imports",
]
OUTSIDE = "This organisation is outside your scope."
NOT_YOUR_ROLE = "Your role does not allow you to change this."
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
    return SimpleNamespace(
        mutual=mutual,
        union=union,
        other_union=federation.d1 if union == federation.d2 else federation.d2,
        household=sample(Household, mutual),
        beneficiary=sample(Beneficiary, mutual),
        payment=sample(Payment, mutual),
        user=sample(User, mutual),
        package=package,
        provider=sample(Provider, mutual),
        agreement=agreement,
        version=agreement.versions.order_by("-valid_from").first(),
        claim=claim,
        letter=sample(GuaranteeLetter, mutual),
        statement=sample(Statement, mutual),
        provider_payment=sample(ProviderPayment, mutual),
        state=federation.state,
    )


def submitted(submission) -> None:
    # claims_submit reports each claim's errors instead of raising: the first claim's are its
    # refusal
    if submission.errors:
        raise ValidationError(submission.errors[0])


def imported(report) -> None:
    # the claims' import reports its problems by row and column, as the provider reads them
    if not report.saved:
        raise ValidationError({"member_number": [problem.message for problem in report.errors]})


def claims_file(beneficiary: Beneficiary, provider: Provider) -> bytes:
    from tests.claims.test_upload import workbook

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
        lambda w, by: imported(
            claim_imports.claims_import(
                by=by,
                file_name="mars.xlsx",
                content=claims_file(w.beneficiary, w.provider),
                language="en",
                today=D(2025, 3, 20),
            )
        ),
        "member_number",
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
    assert sorted(found - set(IDS)) == [], "add the new services to CASES"
    assert sorted(set(IDS) - found) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_service_refuses_an_object_outside_the_users_scope(worlds, cast, case):
    by = cast[case.role]
    messages = refusal(case, worlds.outside, by)
    assert case.field in messages, messages
    assert any(case.outside in message for message in messages[case.field]), messages


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_service_refuses_a_role_the_page_does_not_allow(worlds, federation, case):
    # a portal editor of the national union: every object lies in their scope, and no service
    # writes anything of theirs
    editor = User.objects.filter(username="national-editor").first() or (
        federation_services.user_create(
            by=None,
            username="national-editor",
            organisation=federation.national,
            roles=[Role.PORTAL_EDITOR],
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
