"""Writes that a client may send again safely: a POST or PUT to the JSON or FHIR API with an
`Idempotency-Key` header (docs/api.md, docs/fhir.md).

The request runs in one transaction with the saving of its answer, so a crash keeps both or
neither. Sent again by the same user with the same key, method, path and body, it runs again
inside a transaction that is then rolled back, and the first answer is given instead: the view
signs the caller in (by key or session), which is known only once it has run, and a write
undone is a write never made. The same key on another request answers 422; while the first
request is still running, 409 (on PostgreSQL; SQLite queues writers, so the second waits for
the first and gets its answer). Only a success is kept: a request refused (4xx) or failed
(5xx) wrote nothing, and runs again when sent again, with the same key or not.
"""

import datetime
import hashlib
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.bounds import check_line
from mutualis.core.faults import API_PREFIX, FHIR_PREFIX, api_error, error_answer
from mutualis.core.models import IdempotentAnswer

HEADER = "Idempotency-Key"
METHODS = frozenset({"POST", "PUT"})
MAX_KEY_LENGTH = cast(int, IdempotentAnswer._meta.get_field("key").max_length)  # a CharField's


def key_problem(key: str) -> str:
    """What is wrong with a client's key, or ''."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return _("The Idempotency-Key header holds 1 to %(limit)d characters.") % {
            "limit": MAX_KEY_LENGTH
        }
    try:
        check_line(key)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def claimed(user_id: int, key: str) -> bool:
    """Whether this transaction holds the key alone: on PostgreSQL, a lock that a concurrent
    request with the same key cannot take until this transaction ends. SQLite runs one writing
    transaction at a time (they begin IMMEDIATE), so a transaction always holds its key."""
    if connection.vendor != "postgresql":
        return True
    number = int.from_bytes(
        hashlib.sha256(f"{user_id}:{key}".encode()).digest()[:8], "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [number])
        return cast(bool, cursor.fetchone()[0])


def replay(answer: IdempotentAnswer) -> HttpResponse:
    response = HttpResponse(
        bytes(answer.body), status=answer.status, content_type=answer.content_type
    )
    if answer.location:
        response["Location"] = answer.location
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """Keeps the answer of each API or FHIR write sent with an Idempotency-Key, and answers it
    again to the same request (see the module's docstring)."""

    # the APIs answer with whole responses (their content is kept), never streamed ones
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method not in METHODS
            or not request.path_info.startswith((API_PREFIX, FHIR_PREFIX))
        ):
            return self.get_response(request)
        problem = key_problem(key)
        if problem:
            if request.path_info.startswith(API_PREFIX):  # bad input in the API's shape
                return api_error(400, {HEADER: [problem]})
            return cast(HttpResponse, error_answer(request, 400, problem, "invalid"))  # an API's
        body_digest = hashlib.sha256(request.body).hexdigest()
        with transaction.atomic():
            response = self.get_response(request)
            user = request.user  # whoever the view signed in, by key or session
            if response.status_code >= 500 or not user.is_authenticated:
                # failed, maybe in a transaction the database has aborted, or refused before
                # anyone was signed in: nothing to keep, nothing written
                transaction.set_rollback(True)
                return response
            if not claimed(user.pk, key):
                transaction.set_rollback(True)
                return cast(
                    HttpResponse,  # an API's path: error_answer answers it
                    error_answer(
                        request,
                        409,
                        _("A request with this Idempotency-Key is still running: try again later."),
                        "conflict",
                    ),
                )
            retention = datetime.timedelta(hours=settings.MUTUALIS_IDEMPOTENCY_HOURS)
            IdempotentAnswer.objects.filter(created_at__lt=timezone.now() - retention).delete()
            earlier = IdempotentAnswer.objects.filter(user=user, key=key).first()
            if earlier is None and 200 <= response.status_code < 300:
                IdempotentAnswer.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.get_full_path(),
                    body_digest=body_digest,
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    location=response.get("Location", ""),
                    body=response.content,
                )
                return response
            # a refusal wrote nothing, and a request sent again is not written again
            transaction.set_rollback(True)
            if earlier is None:
                return response
            if (earlier.method, earlier.path, earlier.body_digest) != (
                request.method,
                request.get_full_path(),
                body_digest,
            ):
                return cast(
                    HttpResponse,  # an API's path: error_answer answers it
                    error_answer(
                        request,
                        422,
                        _(
                            "This Idempotency-Key was sent with another request: "
                            "use a new key for a new request."
                        ),
                        "business-rule",
                    ),
                )
            return replay(earlier)
