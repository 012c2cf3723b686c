"""The FHIR R4 API at /fhir/r4/ (docs/fhir.md): parse, ask the queries and rules, answer."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest

from mutualis.core.access import public
from mutualis.federation.rules import CLAIM_CLERKS
from mutualis.interop import claims as claiming
from mutualis.interop import eligibility as eligibility_check
from mutualis.interop import resources
from mutualis.interop.access import HEALTH_DATA_ROLES, fhir_access
from mutualis.interop.outcomes import FhirError, fhir_response, issue, parse_resource
from mutualis.membership.models import Beneficiary
from mutualis.providers.models import Provider

JSON_BODIES = ("application/fhir+json", "application/json")


def json_body(request) -> bytes:
    if request.content_type not in JSON_BODIES:
        raise FhirError(
            415,
            [
                issue(
                    "not-supported",
                    _("Send the resource as %(types)s.") % {"types": " or ".join(JSON_BODIES)},
                )
            ],
        )
    try:
        return request.body
    except RequestDataTooBig:
        raise FhirError(
            413,
            [
                issue(
                    "too-costly",
                    _("The body is larger than %(size)s bytes.")
                    % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
                )
            ],
        ) from None


@public
def metadata(request):
    if request.method != "GET":
        return FhirError(
            405,
            [issue("not-supported", _("This resource does not support this method."))],
            {"Allow": "GET"},
        ).response()
    statement = resources.capability_statement(request.build_absolute_uri("/fhir/r4/"))
    return fhir_response(statement.json)


@public
def unknown(request, rest):
    """Any other path under /fhir/r4/: a FHIR client reads the 404 as it reads the others."""
    return FhirError(404, [issue("not-found", _("This server has no such resource."))]).response()


@fhir_access(roles=HEALTH_DATA_ROLES, methods=("POST",))
def eligibility(request):
    resource, data = parse_resource(json_body(request), CoverageEligibilityRequest)
    asked = eligibility_check.read_request(resource, data, timezone.localdate())
    return fhir_response(eligibility_check.answer(asked, request.user, timezone.localtime()).json)


@fhir_access(roles=HEALTH_DATA_ROLES, model=Beneficiary, lookup="member_number")
def patient(request, beneficiary):
    return fhir_response(resources.patient(beneficiary).json)


@fhir_access(roles=HEALTH_DATA_ROLES, model=Beneficiary, lookup="member_number")
def coverage(request, beneficiary):
    return fhir_response(resources.coverage(beneficiary).json)


@fhir_access(roles=HEALTH_DATA_ROLES, model=Provider, lookup="code")
def organization(request, provider):
    return fhir_response(resources.organization(provider).json)


@fhir_access(roles=CLAIM_CLERKS, methods=("POST",), writes=True)
def claim(request):
    resource, data = parse_resource(json_body(request), Claim)
    return fhir_response(claiming.submit(resource, data, request.user).json)
