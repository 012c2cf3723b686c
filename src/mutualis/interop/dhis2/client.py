"""Posting a document to a DHIS2 server's `/api/dataValueSets` and reading its import summary
(docs/dhis2.md), with the standard library's urllib: one request, one answer, no retries (the
push resumes instead).

DHIS2 answers an import with an import summary: its counts (`importCount`: imported, updated,
ignored, deleted) and the values it refused (`conflicts`). Versions from 2.38 wrap it in a
message (`{"httpStatus", "status", "response": {…summary…}}`) and answer 409 when some values
were refused; older ones answer the summary itself with 200. Both are read. Anything else (no
answer, a page that is not a summary, a redirection to a log-in page, 401, 500) is a failure
with a message the officer can act on: the chunk was not acknowledged."""

import base64
import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 60
CONFLICTS_KEPT = 200  # the first conflicts of a push are kept to be shown; all are counted


@dataclass
class Answer:
    """What the server said of one request. `acknowledged`: it read the document and answered
    an import summary (even with conflicts); otherwise `message` says what went wrong."""

    acknowledged: bool
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[dict[str, str]] = field(default_factory=list)
    message: str = ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would follow a redirection of a POST as a GET without the document: a server that
    # redirects (to its log-in page, or from http to https) is reported instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def endpoint(base_url: str, parameters: dict[str, str]) -> str:
    return base_url.rstrip("/") + "/api/dataValueSets?" + urllib.parse.urlencode(parameters)


def basic_authorization(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def read_summary(data: object) -> Answer | None:
    """The import summary in a server's JSON answer, or None when there is none."""
    if not isinstance(data, dict):
        return None
    summary = data.get("response") if isinstance(data.get("response"), dict) else data
    counts = summary.get("importCount")
    if not isinstance(counts, dict):
        return None

    def count(name: str) -> int:
        value = counts.get(name, 0)
        return value if isinstance(value, int) and value >= 0 else 0

    conflicts = []
    for conflict in summary.get("conflicts") or []:
        if isinstance(conflict, dict):
            conflicts.append(
                {
                    "object": str(conflict.get("object", ""))[:200],
                    "value": str(conflict.get("value", ""))[:500],
                }
            )
    return Answer(
        acknowledged=True,
        imported=count("imported"),
        updated=count("updated"),
        ignored=count("ignored"),
        deleted=count("deleted"),
        conflicts=conflicts,
    )


def post(
    *,
    base_url: str,
    username: str,
    password: str,
    body: bytes,
    content_type: str,
    parameters: dict[str, str],
    timeout: float = TIMEOUT_SECONDS,
) -> Answer:
    """Posts `body` to the server's dataValueSets with `parameters` (dryRun, idScheme…)."""
    request = urllib.request.Request(
        endpoint(base_url, parameters),
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "Accept": "application/json",
            "Authorization": basic_authorization(username, password),
        },
    )
    try:
        with OPENER.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read() if error.fp else b""
        if status in (301, 302, 303, 307, 308):
            return Answer(
                False,
                message=_(
                    "The DHIS2 server sent the request elsewhere (%(location)s): check the base "
                    "URL (https, and the path before /api)."
                )
                % {"location": error.headers.get("Location", "?")},
            )
        if status == 401:
            return Answer(
                False, message=_("The DHIS2 server refused the user name or the password (401).")
            )
        if status == 403:
            return Answer(
                False,
                message=_("This DHIS2 user may not import data values in this data set (403)."),
            )
        if status != 409:  # 409: some values were refused, and the summary says which
            return Answer(
                False,
                message=_("The DHIS2 server answered with an error: %(status)s %(reason)s.")
                % {"status": status, "reason": error.reason},
            )
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, socket.timeout | TimeoutError):
            return Answer(
                False,
                message=_("The DHIS2 server did not answer within %(seconds)s seconds.")
                % {"seconds": int(timeout)},
            )
        return Answer(
            False,
            message=_("The DHIS2 server could not be reached: %(reason)s.") % {"reason": reason},
        )
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    answer = read_summary(data)
    if answer is None:
        return Answer(
            False,
            message=_(
                "The DHIS2 server answered %(status)s without an import summary: check the base "
                "URL."
            )
            % {"status": status},
        )
    return answer
