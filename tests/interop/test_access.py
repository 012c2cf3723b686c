"""Who may use the FHIR API: programs with an API key, browsers with the session (and its CSRF
token for a POST); the roles that may see health data; refusals as OperationOutcomes."""

import datetime

from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome

from mutualis.federation.models import ApiToken, RoleGrant
from mutualis.federation.services import user_create
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Provider
from tests.interop.conftest import asking, member, post


def outcome(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return OperationOutcome.model_validate_json(response.content).issue[0]


def test_without_a_key_or_a_session_the_answer_is_401(client, paid):
    response = post(client, asking(member(paid, "Awa")))
    assert outcome(response, 401).code == "login"
    assert response["WWW-Authenticate"].startswith("Bearer")
    response = client.get(f"/fhir/r4/Patient/{member(paid, 'Awa')}")
    assert outcome(response, 401).code == "login"


def test_a_wrong_or_revoked_key_is_refused(client, paid, clerk):
    request = asking(member(paid, "Awa"), provider=None, purpose=["validation"])
    assert post(client, request, clerk).status_code == 200
    wrong = {"Authorization": "Bearer not-a-key"}
    assert outcome(post(client, asking(member(paid, "Awa")), wrong), 401).code == "login"
    ApiToken.objects.update(revoked_at=timezone.now(), revoked_reason="by_hand")
    assert outcome(post(client, asking(member(paid, "Awa")), clerk), 401).code == "login"


def test_roles_without_health_data_are_refused(client, paid, health_post, cast, key_of):
    for role in ("cashier", "accountant", "portal_editor"):
        response = post(client, asking(member(paid, "Awa")), key_of(cast[role]))
        assert outcome(response, 403).code == "forbidden"
        response = client.get(f"/fhir/r4/Patient/{member(paid, 'Awa')}", headers=key_of(cast[role]))
        assert outcome(response, 403).code == "forbidden"


def test_a_key_acts_with_every_role_of_its_user_and_none_once_they_are_withdrawn(
    client, paid, health_post, federation, key_of
):
    # a cashier who is also the mutual's enrolment agent may check eligibility, as the agent
    user = user_create(
        by=None,
        username="cashier-agent",
        organisation=federation.m1,
        roles=["cashier", "enrolment_agent"],
    )
    key = key_of(user)
    assert post(client, asking(member(paid, "Awa")), key).status_code == 200
    # without roles, the same key signs the user in but allows nothing
    RoleGrant.objects.filter(user=user).delete()
    assert outcome(post(client, asking(member(paid, "Awa")), key), 403).code == "forbidden"


def test_every_role_of_the_point_of_care_and_of_control_may_check(
    client, paid, health_post, cast, key_of
):
    for role in (
        "provider_clerk",
        "medical_advisor",
        "mutual_manager",
        "enrolment_agent",
        "union_officer",
        "system_admin",
    ):
        response = post(client, asking(member(paid, "Awa")), key_of(cast[role]))
        assert response.status_code == 200, role


def test_a_key_needs_no_csrf_token_but_a_session_does(client, paid, health_post, cast, key_of):
    browser = Client(
        enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https", "Host": "testserver"}
    )
    request = asking(member(paid, "Awa"))
    # a program with a key
    assert post(browser, request, key_of(cast["provider_clerk"])).status_code == 200
    # a browser signed in, without its token, then with it
    browser.force_login(cast["provider_clerk"])
    assert outcome(post(browser, request), 403).code == "security"
    browser.get("/")  # a page with a form sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    same_site = {"X-CSRFToken": token, "Referer": "https://testserver/"}
    assert post(browser, request, same_site).status_code == 200
    # reading needs no token
    assert browser.get(f"/fhir/r4/Patient/{member(paid, 'Awa')}").status_code == 200


def test_a_keys_last_use_is_noted_once_a_minute(client, paid, health_post, clerk):
    post(client, asking(member(paid, "Awa")), clerk)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    post(client, asking(member(paid, "Awa")), clerk)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - datetime.timedelta(minutes=2))
    post(client, asking(member(paid, "Awa")), clerk)
    assert ApiToken.objects.get().last_used_at > first


def test_a_method_a_resource_lacks_is_refused(client, paid, clerk):
    response = client.get("/fhir/r4/CoverageEligibilityRequest", headers=clerk)
    assert outcome(response, 405).code == "not-supported"
    assert response["Allow"] == "POST"
    response = client.delete(f"/fhir/r4/Patient/{member(paid, 'Awa')}", headers=clerk)
    assert outcome(response, 405).code == "not-supported"


def test_the_reads_compiled_once_per_scope_depend_on_nothing_else_of_the_user():
    # interop.queries compiles its scoped reads once per scope: a model narrowed by role
    # (core.access, SCOPE_FOR_ROLES) would need them compiled for each user
    assert getattr(Beneficiary, "SCOPE_FOR_ROLES", None) is None
    assert getattr(Provider, "SCOPE_FOR_ROLES", None) is None
