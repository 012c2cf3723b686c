"""A small stand-in for a DHIS2 server (docs/dhis2.md), for the tests and for trying a union's
mapping without a ministry's server: a real HTTP server in a thread of its own that answers
`POST /api/dataValueSets` as DHIS2's Web API documents it.

- HTTP Basic sign-in with the one user it is given (401 otherwise);
- a `dataValueSets` JSON document or an ADX message (`application/adx+xml`), the identifiers
  read by `idScheme` (or `dataElementIdScheme` / `orgUnitIdScheme`): the data elements and org
  units it knows are given by UID and by code;
- an import summary in the shape of DHIS2 2.38 and later: the counts of values imported,
  updated, ignored and deleted, a conflict for each unknown data element, org unit or period,
  and 409 when there are conflicts;
- `dryRun=true` counts as if but keeps nothing; `importStrategy=DELETE` removes values;
- `fail` makes the N-th request (from 1) fail: an HTTP status, or "drop" to close the
  connection without answering, as a network cut does.

    with FakeDhis2(elements={"Uid0000001": "DE_M2"}, org_units={"Uid0000002": "OU_M1"}) as fake:
        fake.url  # http://127.0.0.1:PORT
"""

import base64
import json
import re
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from mutualis.interop.dhis2.documents import ADX_NAMESPACE

MONTH = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")
ADX_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-01/P1M$")
DEFAULT_COMBO = "HllvX50cXC0"  # DHIS2's default category option combination


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class FakeDhis2:
    def __init__(
        self,
        *,
        elements: Mapping[str, str],
        org_units: Mapping[str, str],
        username: str = "admin",
        password: str = "district",
        fail: Mapping[int, int | str] | None = None,
    ) -> None:
        """`elements` and `org_units`: UID → code of what the server knows."""
        self.elements, self.org_units = dict(elements), dict(org_units)
        self.username, self.password = username, password
        self.fail = dict(fail or {})
        self.values: dict[tuple[str, str, str, str], str] = {}  # by UID
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> "FakeDhis2":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # --- reading what was posted ------------------------------------------------------------

    def resolve(self, known: Mapping[str, str], identifier: str, scheme: str) -> str | None:
        if scheme == "CODE":
            return next((uid for uid, code in known.items() if code == identifier), None)
        return identifier if identifier in known else None

    def rows_of_json(self, body: bytes) -> list[dict[str, str]]:
        document = json.loads(body)
        if not isinstance(document, dict) or not isinstance(document.get("dataValues"), list):
            raise Refused(400, "The body is not a dataValueSets document.")
        top = {k: document.get(k) for k in ("period", "orgUnit")}
        rows = []
        for value in document["dataValues"]:
            if not isinstance(value, dict):
                raise Refused(400, "A data value is not an object.")
            rows.append(
                {
                    "dataElement": str(value.get("dataElement", "")),
                    "period": str(value.get("period") or top["period"] or ""),
                    "orgUnit": str(value.get("orgUnit") or top["orgUnit"] or ""),
                    "categoryOptionCombo": str(value.get("categoryOptionCombo") or ""),
                    "value": str(value.get("value", "")),
                }
            )
        return rows

    def rows_of_adx(self, body: bytes) -> list[dict[str, str]]:
        root = ElementTree.fromstring(body)
        if root.tag != f"{{{ADX_NAMESPACE}}}adx":
            raise Refused(400, "The body is not an ADX message.")
        rows = []
        for group in root.findall(f"{{{ADX_NAMESPACE}}}group"):
            match = ADX_MONTH.match(group.get("period", ""))
            period = f"{match.group(1)}{match.group(2)}" if match else group.get("period", "")
            for value in group.findall(f"{{{ADX_NAMESPACE}}}dataValue"):
                rows.append(
                    {
                        "dataElement": value.get("dataElement", ""),
                        "period": period,
                        "orgUnit": group.get("orgUnit", ""),
                        "categoryOptionCombo": value.get("categoryOptionCombo", ""),
                        "value": value.get("value", ""),
                    }
                )
        return rows

    def summary(self, rows: list[dict[str, str]], options: dict[str, str]) -> dict[str, Any]:
        scheme = options.get("idScheme", "UID").upper()
        element_scheme = options.get("dataElementIdScheme", scheme).upper()
        unit_scheme = options.get("orgUnitIdScheme", scheme).upper()
        dry_run = options.get("dryRun", "false").lower() == "true"
        strategy = options.get("importStrategy", "CREATE_AND_UPDATE").upper()
        counts = {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
        conflicts: list[dict[str, Any]] = []
        for index, row in enumerate(rows):
            element = self.resolve(self.elements, row["dataElement"], element_scheme)
            unit = self.resolve(self.org_units, row["orgUnit"], unit_scheme)
            problem = None
            if element is None:
                problem = (row["dataElement"], "Data element not found or not accessible")
            elif unit is None:
                problem = (row["orgUnit"], "Organisation unit not found or not accessible")
            elif not MONTH.match(row["period"]):
                problem = (row["period"], "Period not valid")
            if problem is not None:
                counts["ignored"] += 1
                conflicts.append({"object": problem[0], "value": problem[1], "indexes": [index]})
                continue
            key = (element, row["period"], unit, row["categoryOptionCombo"] or DEFAULT_COMBO)
            if strategy == "DELETE":
                if key in self.values:
                    counts["deleted"] += 1
                    if not dry_run:
                        del self.values[key]
                else:
                    counts["ignored"] += 1
                continue
            counts["updated" if key in self.values else "imported"] += 1
            if not dry_run:
                self.values[key] = row["value"]
        status = "WARNING" if conflicts else "SUCCESS"
        return {
            "httpStatus": "Conflict" if conflicts else "OK",
            "httpStatusCode": 409 if conflicts else 200,
            "status": "WARNING" if conflicts else "OK",
            "message": "Some values were refused: see the conflicts."
            if conflicts
            else "Values imported.",
            "response": {
                "responseType": "ImportSummary",
                "status": status,
                "importOptions": {"dryRun": dry_run, "importStrategy": strategy},
                "importCount": counts,
                "conflicts": conflicts,
            },
        }

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet in the tests

            def answer(self, status: int, data: dict[str, Any]) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with fake.lock:
                    fake.requests.append(
                        {
                            "path": parts.path,
                            "options": options,
                            "content_type": self.headers.get("Content-Type", ""),
                            "body": body,
                        }
                    )
                    number = len(fake.requests)
                    failure = fake.fail.get(number)
                    if failure == "drop":
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    if isinstance(failure, int):
                        self.answer(failure, {"httpStatusCode": failure, "status": "ERROR"})
                        return
                    expected = "Basic " + base64.b64encode(
                        f"{fake.username}:{fake.password}".encode()
                    ).decode("ascii")
                    if self.headers.get("Authorization") != expected:
                        self.send_response(401)
                        self.send_header("WWW-Authenticate", 'Basic realm="DHIS2"')
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if parts.path != "/api/dataValueSets":
                        self.answer(404, {"httpStatusCode": 404, "status": "ERROR"})
                        return
                    kind = self.headers.get("Content-Type", "").split(";")[0].strip()
                    try:
                        if kind == "application/json":
                            rows = fake.rows_of_json(body)
                        elif kind == "application/adx+xml":
                            rows = fake.rows_of_adx(body)
                        else:
                            raise Refused(415, f"Unsupported content type {kind}")
                        data = fake.summary(rows, options)
                    except (ValueError, ElementTree.ParseError) as error:
                        self.answer(400, {"httpStatusCode": 400, "message": str(error)})
                        return
                    except Refused as error:
                        self.answer(error.status, {"httpStatusCode": error.status})
                        return
                    self.answer(data["httpStatusCode"], data)

        return Handler
