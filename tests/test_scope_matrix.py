"""Every route × every role × inside and outside the scope (design-rules.md rule 4).

Routes join this test by existing: it walks the URL configuration, so a new view is checked the
day it is added. A view that is neither `access(...)` nor `public` fails the first test; a view
whose object model has no sample below fails until one is added.
"""

import datetime
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from mutualis.accounting.models import BankStatement, ClosedYear, Piece
from mutualis.accounting.services import (
    EntryLine,
    Scan,
    bank_statement_import,
    entry_record,
    year_close,
)
from mutualis.benefits.models import BenefitPackage
from mutualis.benefits.services import package_create
from mutualis.claims.models import Claim, GuaranteeLetter
from mutualis.claims.services import ClaimInput, LineInput, claims_submit, letter_issue
from mutualis.config.api import api
from mutualis.contributions.models import Payment
from mutualis.contributions.services import payment_record
from mutualis.core.access import AccessPolicy
from mutualis.core.models import AuditEntry
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.inventory.models import Entry
from mutualis.inventory.services import Identity, entry_create
from mutualis.membership.models import Beneficiary, Household
from mutualis.membership.services import household_enrol
from mutualis.monitoring.models import Report
from mutualis.portal.directory import services as directory
from mutualis.portal.directory.models import Committee, Institution, Person
from mutualis.portal.forums import services as forums
from mutualis.portal.forums.models import Post, Theme, Topic
from mutualis.portal.models import Application, Document, Gathering, NewsItem
from mutualis.portal.newsletter import services as newsletter
from mutualis.portal.newsletter.models import Article, Issue
from mutualis.providers.models import Agreement, Provider
from mutualis.providers.services import agreement_create, provider_create
from mutualis.settlements.models import ProviderPayment, Statement
from mutualis.settlements.services import provider_payment_record
from tests.conftest import person


def walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            continue  # the API's operations are checked one by one below
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


ROUTES = sorted(walk(get_resolver()), key=lambda route: route[0])
FHIR = "fhir/"  # the FHIR API answers programs the FHIR way (fhir_expected_and_actual)
PROTECTED = [(route, pattern) for route, pattern in ROUTES if not pattern.callback.access.public]


def sample(model, organisation):
    """An object of `model` that lies in `organisation`."""
    if model is Organisation:
        return organisation
    if model is User:
        found = User.objects.filter(organisation=organisation, username__startswith="sample-")
        return found.first() or user_create(
            by=None,
            username=f"sample-{organisation.code}",
            organisation=organisation,
            roles=[Role.CASHIER],
        )
    if model is Household:
        return Household.objects.filter(mutual=organisation).first() or household_enrol(
            by=None,
            mutual=organisation,
            package=BenefitPackage.objects.get(code="CMU"),
            enrolled_on=datetime.date(2025, 1, 10),
            head=person("Marker", organisation.code, "F", "1980-01-01"),
        )
    if model is BenefitPackage:
        return BenefitPackage.objects.filter(owner=organisation).first() or package_create(
            by=None,
            owner=organisation,
            code=f"P{organisation.code}",
            name=f"Marker {organisation.code} package",
        )
    if model is Beneficiary:
        return sample(Household, organisation).beneficiaries.get(relationship="head")
    if model is Payment:
        household = sample(Household, organisation)
        return household.payments.first() or payment_record(
            by=None,
            household=household,
            amount=1000,
            method="cash",
            received_on=datetime.date(2025, 1, 10),
        )
    if model is BankStatement:
        return (
            BankStatement.objects.filter(mutual=organisation).first()
            or bank_statement_import(
                by=None,
                organisation=organisation,
                account_number="521",
                file_name="releve.csv",
                content=f"date;libellé;montant\n03/03/2025;Marker {organisation.code};1\n".encode(),
            ).statement
        )
    if model is ClosedYear:
        return ClosedYear.objects.filter(mutual=organisation).first() or year_close(
            by=None, organisation=organisation, year=2020
        )
    if model is Piece:
        return (
            Piece.objects.filter(mutual=organisation).first()
            or entry_record(
                by=None,
                organisation=organisation,
                journal="OD",
                date=datetime.date(2025, 3, 3),
                label=f"Marker {organisation.code}",
                lines=[EntryLine("622", debit=1), EntryLine("571", credit=1)],
                piece=Scan("piece.pdf", b"%PDF-1.4 marker"),
            ).pieces.get()
        )
    if model is Provider:
        return Provider.objects.filter(owner=organisation).first() or provider_create(
            by=None,
            owner=organisation,
            code=f"PS-{organisation.code}",
            name=f"Marker {organisation.code} health post",
            kind="health_post",
            sector="public",
        )
    if model is Agreement:
        return Agreement.objects.filter(party=organisation).first() or agreement_create(
            by=None,
            provider=sample(Provider, organisation),
            party=organisation,
            reference=f"CONV-{organisation.code}",
            signed_on=datetime.date(2025, 1, 1),
            starts_on=datetime.date(2025, 1, 1),
        )
    if model is Claim:
        found = Claim.objects.filter(mutual=organisation).first()
        if found:
            return found
        provider = sample(Provider, organisation)
        # the organisation's provider clerks work there: they see its claims and letters
        for user in User.objects.filter(organisation=organisation):
            if Role.PROVIDER_CLERK in user.roles:
                provider.staff.add(user)
        member = sample(Beneficiary, organisation)
        claim = ClaimInput(
            member_number=member.member_number,
            provider_code=provider.code,
            provider_reference=f"MARK-{organisation.code}",
            service_from=datetime.date(2025, 3, 1),
            service_to=None,
            lines=(LineInput("MARK", 1, 1000),),
        )
        submission = claims_submit(
            [claim],
            channel="clerk",
            actor=None,
            scope_prefix=organisation.path,
            today=datetime.date(2025, 3, 10),
        )
        return submission.claims[0]
    if model is GuaranteeLetter:
        claim = sample(Claim, organisation)
        return GuaranteeLetter.objects.filter(mutual=organisation).first() or letter_issue(
            by=None,
            beneficiary=claim.beneficiary,
            provider=claim.provider,
            valid_from=datetime.date(2025, 3, 1),
            valid_until=datetime.date(2025, 3, 31),
            cap=50_000,
        )
    if model is Statement:
        found = Statement.objects.filter(mutual=organisation).first()
        if found:
            return found
        # written directly: the sample claim is refused (unknown act), so no statement would be
        # issued for it; its provider's clerks are the organisation's, as for claims
        provider = sample(Claim, organisation).provider
        return Statement.objects.create(
            mutual=organisation,
            number=1,
            provider=provider,
            payment_days=30,
            period_start=datetime.date(2025, 3, 1),
            period_end=datetime.date(2025, 3, 31),
            issued_on=datetime.date(2025, 4, 2),
            due_on=datetime.date(2025, 5, 2),
            currency="XOF",
            total=1000,
        )
    if model is ProviderPayment:
        statement = sample(Statement, organisation)
        return statement.payments.first() or provider_payment_record(
            by=None,
            statement=statement,
            amount=400,
            method="cash",
            paid_on=datetime.date(2025, 4, 10),
        )
    if model is Report:
        # written directly: a report is someone's, and the organisation's sample user is as
        # good a submitter as any for the pages' scope
        return Report.objects.filter(mutual=organisation).first() or Report.objects.create(
            mutual=organisation,
            month=datetime.date(2025, 3, 1),
            figures={"members": 10, "beneficiaries": 40},
            status=Report.Status.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=sample(User, organisation),
        )
    if model is Entry:
        # an inventoried mutual kept by the organisation
        return Entry.objects.filter(steward=organisation).first() or entry_create(
            by=None,
            steward=organisation,
            identity=Identity(
                name=f"Marker {organisation.code} inventoried", country="SN", mutual_type="other"
            ),
        )
    if model in (Document, Gathering, NewsItem):
        # written directly: the portal's rows of the organisation, named as the leak check reads
        found = model.objects.filter(owner=organisation).first()
        if found:
            return found
        title = f"Marker {organisation.code} portal"
        if model is Document:
            return Document.objects.create(
                owner=organisation, status="proposed", kind="study", title=title, language="fr"
            )
        if model is Gathering:
            day = datetime.date(2026, 3, 2)
            return Gathering.objects.create(
                owner=organisation, kind="workshop", title=title, starts_on=day, ends_on=day
            )
        return NewsItem.objects.create(
            owner=organisation, title=title, body=title, language="fr", published_at=timezone.now()
        )
    if model is Application:
        # an application to join, addressed to the organisation, waiting for its editors
        return Application.objects.filter(owner=organisation).first() or (
            Application.objects.create(
                owner=organisation,
                first_name="Marker",
                last_name=f"{organisation.code} application",
                email=f"{organisation.code.lower()}@example.org",
                organisation_name=f"Marker {organisation.code} application",
                country="SN",
                function="Marker",
                motivation="Marker",
                language="fr",
                state="waiting",
                created_at=timezone.now(),
            )
        )
    if model is Theme:
        return Theme.objects.filter(owner=organisation).first() or forums.theme_create(
            by=None, owner=organisation, title=f"Marker {organisation.code} forum"
        )
    if model in (Topic, Post):
        theme = sample(Theme, organisation)
        topic = Topic.objects.filter(theme=theme).first() or forums.topic_post(
            by=sample(User, organisation),
            theme=theme,
            title=f"Marker {organisation.code} topic",
            body=f"Marker {organisation.code} message",
            language="fr",
        )
        return topic if model is Topic else topic.posts.get(number=1)
    if model in (Issue, Article):
        # a draft of the Courrier with one article: the leak check reads its title
        issue = Issue.objects.filter(owner=organisation).first()
        if issue is None:
            title = f"Marker {organisation.code} courrier"
            issue = newsletter.issue_create(
                by=None,
                owner=organisation,
                details=newsletter.IssueDetails(title, title, datetime.date(2026, 3, 2)),
            )
            newsletter.article_add(
                by=None,
                issue=issue,
                details=newsletter.ArticleDetails(title, title, title, title),
            )
        return issue if model is Issue else issue.articles.first()
    if model in (Institution, Person, Committee):
        return directory_sample(model, organisation)
    raise AssertionError(f"add a sample of {model.__name__} to tests/test_scope_matrix.py")


def directory_sample(model, organisation):
    """The directory's entries kept by the organisation, of Senegal for M1, of Mali else. Not
    named "Marker": the directory is public, its forms list every organisation listed."""
    found = model.objects.filter(owner=organisation).first()
    if found:
        return found
    country = "SN" if organisation.code.endswith("1") else "ML"
    if model is Committee:
        return directory.committee_create(
            by=None, owner=organisation, country=country, name=f"Comité {organisation.code}"
        )
    if model is Institution:
        return directory.institution_create(
            by=None,
            owner=organisation,
            values={
                "name": f"Structure {organisation.code}",
                "kind": "support",
                "membership": "member",
                "country": country,
            },
        )
    return directory.person_create(
        by=None,
        owner=organisation,
        values={"name": f"Personne {organisation.code}", "country": country},
    )


def url_for(route: str, pattern: URLPattern, obj) -> str:
    policy: AccessPolicy = pattern.callback.access
    path = "/" + route
    if policy.model is not None:
        converters = [f"<int:{policy.lookup}>", f"<str:{policy.lookup}>"]
        converter = next((c for c in converters if c in path), None)
        assert converter, f"{route}: expected {converters[0]} for {policy.model.__name__}"
        # a visitor who is not signed in reaches no object: any value will do
        path = path.replace(converter, str(getattr(obj, policy.lookup, obj.pk)))
    return path


def test_every_route_declares_who_may_open_it():
    undeclared = [
        route
        for route, pattern in ROUTES
        if not isinstance(getattr(pattern.callback, "access", None), AccessPolicy)
    ]
    assert undeclared == []


@pytest.mark.parametrize(("route", "pattern"), PROTECTED, ids=[r for r, _ in PROTECTED])
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_log_in_page(
    client, federation, route, pattern
):
    response = client.get(url_for(route, pattern, federation.m1))
    if route.startswith(FHIR):
        # programs are told so, not sent to a page
        assert response.status_code == 401
        assert response.json()["resourceType"] == "OperationOutcome"
        return
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def expected_and_actual(client, federation, user, route, pattern):
    """For one signed-in user on one route: [(request, expected status, actual status)], and
    whether the lists it shows leak anything from outside the scope."""
    if route.startswith(FHIR):
        return fhir_expected_and_actual(client, federation, user, route, pattern)
    policy: AccessPolicy = pattern.callback.access
    allowed = policy.allows_role(user.roles)
    seen = []
    if policy.model is None:
        url = url_for(route, pattern, None)
        response = client.get(url)
        seen.append((f"GET {url}", 200 if allowed else 403, response.status_code))
        if allowed:
            page = response.content.decode(errors="replace")
            for outsider in (federation.m2.name, federation.r2.name, "Marker M2"):
                seen.append((f"{url} shows {outsider}", False, outsider in page))
        if policy.writes:
            response = client.post(url, {})
            seen.append((f"POST {url}", 200 if allowed else 403, response.status_code))
        return seen
    inside = sample(policy.model, federation.m1)
    outside = sample(policy.model, federation.m2)
    for label, obj, expected in (("inside", inside, 200), ("outside", outside, 404)):
        url = url_for(route, pattern, obj)
        seen.append(
            (f"GET {url} ({label})", expected if allowed else 403, client.get(url).status_code)
        )
    if policy.writes:
        url = url_for(route, pattern, outside)
        seen.append(
            (
                f"POST {url} (outside)",
                404 if allowed else 403,
                client.post(url, {"name": "changed"}).status_code,
            )
        )
        url = url_for(route, pattern, inside)
        seen.append(
            (
                f"POST {url} (inside, empty form)",
                200 if allowed else 403,
                client.post(url, {}).status_code,
            )
        )
    return seen


def fhir_body(route: str, member: Beneficiary, provider: Provider, reference: str) -> dict:
    """A valid resource for each FHIR operation that takes one, about a member at a provider
    (`reference` tells apart the claims the test submits)."""
    if route == "fhir/r4/Claim":
        return {
            "resourceType": "Claim",
            "identifier": [{"value": reference}],
            "status": "active",
            "type": {"coding": [{"code": "professional"}]},
            "use": "claim",
            "patient": {"reference": f"Patient/{member.member_number}"},
            "created": "2025-03-01",
            "provider": {"reference": f"Organization/{provider.code}"},
            "priority": {"coding": [{"code": "normal"}]},
            "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "CMU"}}],
            "billablePeriod": {"start": "2025-03-01"},
            "item": [
                {
                    "sequence": 1,
                    "productOrService": {"coding": [{"code": "CS-PS"}]},
                    "unitPrice": {"value": 1000, "currency": "XOF"},
                }
            ],
        }
    if route == "fhir/r4/CoverageEligibilityRequest":
        return {
            "resourceType": "CoverageEligibilityRequest",
            "status": "active",
            "purpose": ["validation", "benefits"],
            "patient": {"reference": f"Patient/{member.member_number}"},
            "created": "2025-03-01",
            "provider": {"reference": f"Organization/{provider.code}"},
            "insurer": {"reference": "Organization/UN"},
        }
    raise AssertionError(f"add a resource for POST {route} to tests/test_scope_matrix.py")


def fhir_expected_and_actual(client, federation, user, route, pattern):
    """The FHIR API (/fhir/r4/) refuses with OperationOutcomes: 403 for a role, 404 for a read
    outside the scope, 405 for a method the resource lacks; a resource posted about a member
    or a provider outside the scope is refused (400) as if they did not exist."""
    policy: AccessPolicy = pattern.callback.access
    allowed = policy.allows_role(user.roles)
    seen = []
    if policy.model is not None:
        for label, obj, expected in (
            ("inside", sample(policy.model, federation.m1), 200),
            ("outside", sample(policy.model, federation.m2), 404),
        ):
            url = url_for(route, pattern, obj)
            response = client.get(url)
            seen.append(
                (f"GET {url} ({label})", expected if allowed else 403, response.status_code)
            )
            if response.status_code == 200 and "Marker M2" in response.content.decode():
                seen.append((f"{url} shows Marker M2", False, True))
            response = client.post(url, {}, content_type="application/fhir+json")
            seen.append((f"POST {url} ({label})", 405 if allowed else 403, response.status_code))
        return seen
    url = url_for(route, pattern, None)
    seen.append((f"GET {url}", 405 if allowed else 403, client.get(url).status_code))
    member, provider = sample(Beneficiary, federation.m1), sample(Provider, federation.m1)
    outsider, elsewhere = sample(Beneficiary, federation.m2), sample(Provider, federation.m2)
    # a provider's clerk treats the members of every mutual (claims.queries.member_lookup_prefix)
    portable = set(user.roles) <= {Role.PROVIDER_CLERK}
    for label, body, expected, may_show_m2 in (
        ("inside", fhir_body(route, member, provider, f"{user}-1"), 200, False),
        (
            "member outside",
            fhir_body(route, outsider, provider, f"{user}-2"),
            200 if portable else 400,
            portable,
        ),
        ("provider outside", fhir_body(route, member, elsewhere, f"{user}-3"), 400, False),
    ):
        audit_before = AuditEntry.objects.count()
        response = client.post(url, body, content_type="application/fhir+json")
        seen.append((f"POST {url} ({label})", expected if allowed else 403, response.status_code))
        if (response.status_code != 200 or not policy.writes) and (
            AuditEntry.objects.count() != audit_before
        ):
            seen.append((f"POST {url} ({label}) wrote something", False, True))
        page = response.content.decode()
        for name in (federation.m2.name, str(federation.m2.uid), "Marker M2"):
            if name in page and not may_show_m2:
                seen.append((f"POST {url} ({label}) shows {name}", False, True))
    return seen


@pytest.mark.parametrize(("route", "pattern"), PROTECTED, ids=[r for r, _ in PROTECTED])
def test_each_role_reaches_only_its_routes_and_only_inside_its_scope(
    client, federation, cast, cmu_package, route, pattern
):
    # the objects exist before counting what the requests write
    needed = {pattern.callback.access.model}
    if route.startswith(FHIR):
        # what the resources posted name; a manager bills only under their mutual's agreement
        needed |= {Beneficiary, Provider, Agreement}
    for model in needed - {None}:
        sample(model, federation.m1), sample(model, federation.m2)
    if route.startswith(FHIR):
        # a clerk bills for the providers they work at
        sample(Provider, federation.m1).staff.add(cast[Role.PROVIDER_CLERK])
    audit_before = AuditEntry.objects.count()
    wrong = []
    for role, user in cast.items():
        client.force_login(user)
        for request, expected, actual in expected_and_actual(
            client, federation, user, route, pattern
        ):
            if expected != actual:
                wrong.append(f"{role}: {request}: expected {expected}, got {actual}")
    assert wrong == []
    # nothing was written by a refused request or an empty form (what the FHIR API writes is
    # checked request by request)
    if not (route.startswith(FHIR) and pattern.callback.access.writes):
        assert AuditEntry.objects.count() == audit_before


def test_the_system_administrator_of_a_region_cannot_see_another_region(client, federation, admin):
    client.force_login(admin)
    assert client.get(f"/organisations/{federation.d2.pk}/").status_code == 404
    assert client.get(f"/organisations/{federation.m1.pk}/").status_code == 200


def api_operations():
    """(path, method, operation) for every operation of the JSON API."""
    found = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append(("/api" + path.replace("//", "/"), method, operation.view_func))
    return sorted({(p, m, f) for p, m, f in found}, key=lambda o: (o[0], o[1]))


API = api_operations()


def test_every_api_operation_declares_who_may_use_it():
    assert API
    undeclared = [
        f"{m} {p}" for p, m, f in API if not isinstance(getattr(f, "access", None), AccessPolicy)
    ]
    assert undeclared == []


def api_body(path: str, federation, serial: int) -> dict:
    """A valid request body for each writing operation, so that roles and scope decide."""
    if path == "/api/households":
        return {
            "mutual": str(federation.m1.uid),
            "package": "CMU",
            "enrolled_on": "2025-02-01",
            "head": {
                "first_name": "Api",
                "last_name": f"Test{serial}",
                "sex": "F",
                "birth_date": "1990-01-01",
                "relationship": "head",
            },
        }
    if path == "/api/households/{uid}/payments":
        return {"amount": 100, "method": "cash", "received_on": timezone.localdate().isoformat()}
    raise AssertionError(f"add a request body for POST {path} to tests/test_scope_matrix.py")


@pytest.mark.parametrize(("path", "method", "operation"), API, ids=[f"{m} {p}" for p, m, _ in API])
def test_each_role_uses_only_its_api_operations_inside_its_scope(
    client, federation, cast, cmu_package, path, method, operation
):
    policy: AccessPolicy = operation.access
    inside = sample(policy.model, federation.m1) if policy.model else None
    outside = sample(policy.model, federation.m2) if policy.model else None
    anonymous = client.generic(method, path.replace("{uid}", str(uuid.uuid4()))).status_code
    # a program without a key is refused, but for the open data
    assert anonymous == (200 if policy.public else 401)
    wrong = []
    for serial, (role, user) in enumerate(cast.items()):
        client.force_login(user)
        allowed = policy.allows_role(user.roles)
        targets = (
            [("", None)] if policy.model is None else [("inside", inside), ("outside", outside)]
        )
        for label, obj in targets:
            url = path.replace("{uid}", str(obj.uid)) if obj else path
            audit_before = AuditEntry.objects.count()
            if method == "GET":
                response = client.get(url)
                ok = 200
            else:
                response = client.post(
                    url, api_body(path, federation, serial), content_type="application/json"
                )
                ok = 201
            expected = 403 if not allowed else 404 if label == "outside" else ok
            if response.status_code != expected:
                wrong.append(
                    f"{role}: {method} {url} ({label}): expected {expected}, "
                    f"got {response.status_code} {response.content[:200]!r}"
                )
            if expected != 201 and AuditEntry.objects.count() != audit_before:
                wrong.append(f"{role}: {method} {url} ({label}) wrote something")
            if method == "GET" and response.status_code == 200:
                body = response.content.decode()
                if "Marker M2" in body or (outside and str(outside.uid) in body):
                    wrong.append(f"{role}: {url} shows what lies outside the scope")
    assert wrong == []
