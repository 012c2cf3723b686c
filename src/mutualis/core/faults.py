"""What a request is answered when the server fails, in the caller's format: JSON
`{"detail": ...}` on the API, an OperationOutcome on the FHIR API, the site's page elsewhere.

A database that cannot be written (its disk is full, or it is read-only) answers 503: reads go
on working, only writes fail, and the caller is told that nothing was saved rather than that the
server broke. Any other unexpected error answers 500. Django calls `server_error` (the project's
`handler500`) for an exception raised anywhere, in a view or a middleware, and logs it with its
traceback and the status answered; a test client re-raises it unless told not to.
"""

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

# The prefixes config/urls.py mounts the two APIs at.
API_PREFIX = "/api/"
FHIR_PREFIX = "/fhir/r4/"
# The FHIR API's content type (interop.outcomes, which core comes before).
FHIR_JSON = "application/fhir+json; charset=utf-8"

# SQLite's primary result codes (the low byte of an extended one) for a full disk and a database
# that cannot be written, and PostgreSQL's SQLSTATEs for a full disk and a read-only transaction
# (a standby, or `default_transaction_read_only`).
SQLITE_READONLY = 8
SQLITE_FULL = 13
POSTGRESQL_STORAGE_FAULTS = frozenset({"53100", "25006"})


def is_storage_fault(error: BaseException | None) -> bool:
    """Whether `error` is the database refusing to write because its disk is full or it is
    read-only, which the same request would meet again until an operator acts."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_FULL, SQLITE_READONLY)
    return getattr(cause, "sqlstate", None) in POSTGRESQL_STORAGE_FAULTS


def api_error(status: int, message: str | dict[str, list[str]]) -> JsonResponse:
    """The JSON API's error: a message, or the messages by field of bad input (400)."""
    return JsonResponse({"detail": message}, status=status)


def fhir_error(status: int, code: str, message: str) -> HttpResponse:
    """An OperationOutcome with one issue, as interop.outcomes.FhirError answers; `code` is
    one of HL7's issue types."""
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
    return JsonResponse(outcome, status=status, content_type=FHIR_JSON)


def error_answer(
    request: HttpRequest, status: int, message: str, fhir_code: str
) -> HttpResponse | None:
    """`message` in the format of the API the request was sent to, or None for the site's
    pages, which have a template for each error."""
    if request.path_info.startswith(API_PREFIX):
        return api_error(status, message)
    if request.path_info.startswith(FHIR_PREFIX):
        return fhir_error(status, fhir_code, message)
    return None


def server_error(request: HttpRequest) -> HttpResponse:
    """The answer to an exception no one caught (handler500)."""
    _kind, error, _traceback = sys.exc_info()
    if is_storage_fault(error):
        message = _(
            "The server cannot save anything at the moment: its disk is full or its database "
            "is read-only. Nothing was saved; try again later."
        )
        # HL7's issue type for "the persistent store is unavailable"
        answer = error_answer(request, 503, message, "no-store")
        return answer or render(request, "503.html", status=503)
    message = _("The server met an unexpected error; it has been logged.")
    return error_answer(request, 500, message, "exception") or defaults.server_error(request)
