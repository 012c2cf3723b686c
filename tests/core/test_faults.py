"""When the database cannot be written (a full or read-only disk), every read still answers and
every write answers 503 in the caller's format, having changed nothing; any other server error
on the APIs answers JSON or an OperationOutcome, not the site's page (issue 11, 7).

Here the test database refuses every write as a read-only disk does, with the same errors:
SQLite's `PRAGMA query_only` (SQLITE_READONLY, "attempt to write a readonly database") and
PostgreSQL's `default_transaction_read_only` (SQLSTATE 25006). A full disk refuses only the
writes that need new space, so it cannot show that reads write nothing; it is tested for real
at the end of this file: a server on a database in a tmpfs filled to the last byte.
"""

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome

from mutualis.claims.models import Claim
from mutualis.contributions.models import Payment
from mutualis.core.faults import is_storage_fault
from mutualis.federation.models import User
from mutualis.providers.models import Provider
from tests.claims.conftest import care  # noqa: F401 - the claims' cast, claiming through FHIR
from tests.interop.conftest import asking, clerk_of_joal, day, fhir_claim, key_of  # noqa: F401 - API keys and eligibility  # noqa: F401

ON_SQLITE = connection.vendor == "sqlite"
FHIR_JSON = "application/fhir+json; charset=utf-8"


@pytest.fixture
def client():
    # Django's test client re-raises a view's exception even once it has been answered: these
    # tests read the answers, as a caller does.
    return Client(headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False)


@pytest.fixture
def unwritable(transactional_db):
    """Makes the database refuse every write from now on; the tests run outside a transaction
    of their own so that PostgreSQL's setting applies to each statement."""

    def switch(on: bool) -> None:
        with connection.cursor() as cursor:
            if ON_SQLITE:
                cursor.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
            else:
                cursor.execute(f"SET default_transaction_read_only = {'on' if on else 'off'}")

    yield lambda: switch(True)
    switch(False)


@pytest.fixture
def setting(care, day, cast, clerk_of_joal, key_of):  # noqa: F811
    """The Diop household covered, a manager signed in on the site and by key, the health
    post's clerk by key."""
    manager = cast["mutual_manager"]
    site = Client(headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False)
    site.force_login(manager)
    site.cookies["django_language"] = "en"
    return {
        "site": site,
        "manager": key_of(manager),
        "clerk": clerk_of_joal,
        "awa": care.awa,
        "household": care.awa.household,
        "day": day,
    }


def reads(client, s) -> dict:
    """Every read path of the issue, each with a word of the content it must show."""
    awa, when = s["awa"], s["day"].isoformat()
    number = awa.member_number
    api, fhir = s["manager"], s["clerk"]
    provider = Provider.objects.get(code="PS-JOAL")
    return {
        "eligibility page": (
            s["site"].get("/eligibility/", {"card": number, "provider": provider.pk, "on": when}),
            "Awa",
        ),
        "home page": (s["site"].get("/"), "Mutualis"),
        "register search": (s["site"].get("/register/", {"q": "Diop"}), "Moussa"),
        "household page": (s["site"].get(f"/households/{awa.household_id}/"), "Diop"),
        "coverage API": (
            client.get(f"/api/beneficiaries/{awa.uid}/coverage", headers=api),
            '"covered": true',
        ),
        "household search API": (client.get("/api/households", {"q": "Diop"}, headers=api), "Awa"),
        "FHIR eligibility": (
            client.post(
                "/fhir/r4/CoverageEligibilityRequest",
                json.dumps(asking(number, day=when)),
                content_type="application/fhir+json",
                headers=fhir,
            ),
            "CoverageEligibilityResponse",
        ),
        "FHIR Patient": (client.get(f"/fhir/r4/Patient/{number}", headers=fhir), "Awa"),
        "FHIR Coverage": (client.get(f"/fhir/r4/Coverage/{number}", headers=fhir), "Coverage"),
        "FHIR Organization": (client.get("/fhir/r4/Organization/PS-JOAL", headers=fhir), "Joal"),
    }


def test_every_read_answers_when_the_database_cannot_be_written(client, setting, unwritable):
    # the keys' last use is kept to the minute (federation.api_sign_in): signed in before the
    # disk filled
    reads(client, setting)
    unwritable()

    answered = {
        name: (response.status_code, word in response.content.decode())
        for name, (response, word) in reads(client, setting).items()
    }

    assert answered == {name: (200, True) for name in answered}


def test_the_language_can_still_be_chosen(client, setting, unwritable):
    unwritable()
    response = setting["site"].post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fr"


def cash() -> str:
    return json.dumps(
        {"amount": 7000, "method": "cash", "received_on": timezone.localdate().isoformat()}
    )


@pytest.mark.parametrize("idempotency_key", [None, "pay-0001"])
def test_a_payment_through_the_api_answers_503_in_json_and_saves_nothing(
    client, setting, unwritable, caplog, idempotency_key
):
    before = Payment.objects.count()
    unwritable()
    headers = {**setting["manager"]}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post(
            f"/api/households/{setting['household'].uid}/payments",
            cash(),
            content_type="application/json",
            headers=headers,
        )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "disque est plein" in response.json()["detail"]
    assert Payment.objects.count() == before
    assert caplog.records[-1].exc_info is not None  # logged with its traceback


def test_a_fhir_claim_answers_503_as_an_operation_outcome_and_saves_nothing(
    client, setting, unwritable
):
    resource = fhir_claim(setting["awa"].member_number, setting["day"], [("CS-PS", 1, 1000)])
    unwritable()

    response = client.post(
        "/fhir/r4/Claim",
        json.dumps(resource),
        content_type="application/fhir+json",
        headers=setting["clerk"],
    )

    assert response.status_code == 503
    assert response["Content-Type"] == FHIR_JSON
    outcome = OperationOutcome.model_validate_json(response.content)
    assert outcome.issue[0].code == "no-store"
    assert "Rien n’a été enregistré" in outcome.issue[0].diagnostics
    assert not Claim.objects.exists()


def test_a_form_answers_the_sites_503_page_and_saves_nothing(client, setting, unwritable):
    before = Payment.objects.count()
    unwritable()

    response = setting["site"].post(
        f"/households/{setting['household'].pk}/pay/",
        {"amount": 7000, "method": "cash", "received_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>Nothing can be saved for now</h1>" in page
    assert "Pages that only show information still work" in page
    assert Payment.objects.count() == before


def test_signing_in_answers_the_sites_503_page(client, setting, unwritable):
    cashier = User.objects.get(username="cashier")
    cashier.set_password("a long pass phrase")
    cashier.save()
    unwritable()

    response = client.post("/login/", {"username": "cashier", "password": "a long pass phrase"})

    assert response.status_code == 503
    assert User.objects.get(pk=cashier.pk).last_login is None


# ---------------------------------------------------------------- which errors are storage faults


def test_a_full_sqlite_database_is_a_storage_fault(db):
    if not ON_SQLITE:
        pytest.skip("SQLite's own error")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute("PRAGMA max_page_count")
        (limit,) = cursor.fetchone()
        # SQLite's own way to reach "database or disk is full" (SQLITE_FULL) without a disk
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        try:
            with pytest.raises(DatabaseError) as raised, transaction.atomic():
                cursor.execute("CREATE TABLE filler (data BLOB)")
                cursor.execute("INSERT INTO filler VALUES (zeroblob(1000000))")
        finally:
            cursor.execute(f"PRAGMA max_page_count = {limit}")
    assert str(raised.value) == "database or disk is full"
    assert is_storage_fault(raised.value)


def test_a_full_postgresql_disk_is_a_storage_fault(db):
    if ON_SQLITE:
        pytest.skip("PostgreSQL's own error")
    with (
        pytest.raises(DatabaseError) as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # the error PostgreSQL raises when a write finds no space (SQLSTATE 53100)
        cursor.execute(
            "DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full';"
            " END $$"
        )
    assert is_storage_fault(raised.value)


def test_other_database_errors_are_not_storage_faults(db):
    with (
        pytest.raises(DatabaseError) as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM no_such_table")
    assert not is_storage_fault(raised.value)
    assert not is_storage_fault(ValueError("database or disk is full"))


# ---------------------------------------------------------------- other server errors


@pytest.fixture
def damaged(db):
    """A database whose table of beneficiaries has gone, as after a botched restore: every
    request that reads one fails with an error nobody expects. Undone with the test's
    transaction."""

    def damage() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE membership_beneficiary RENAME TO beneficiary_away")

    return damage


def test_a_server_error_on_the_api_answers_json_and_is_logged(client, setting, damaged, caplog):
    awa = setting["awa"]
    damaged()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(f"/api/beneficiaries/{awa.uid}", headers=setting["manager"])

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Le serveur a rencontré une erreur inattendue\u00a0; elle a été journalisée."
    }
    record = caplog.records[-1]
    assert record.status_code == 500 and record.exc_info is not None


def test_a_server_error_on_the_fhir_api_answers_an_operation_outcome(client, setting, damaged):
    number = setting["awa"].member_number
    damaged()
    response = client.get(f"/fhir/r4/Patient/{number}", headers=setting["clerk"])

    assert response.status_code == 500
    assert response["Content-Type"] == FHIR_JSON
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "exception"


def test_a_server_error_on_the_site_answers_its_page(client, setting, damaged):
    damaged()
    response = setting["site"].get(f"/households/{setting['awa'].household_id}/")

    assert response.status_code == 500
    assert "Server error" in response.content.decode()


# ---------------------------------------------------------------- a real full disk

SOURCE_ROOT = Path(__file__).resolve().parents[2]
# Mounts a tmpfs of $SIZE bytes in a mount namespace of the server's own, puts the database in
# it, serves it, and fills the tmpfs to the last byte once the test says the server is warm:
# gunicorn's worker then holds its connection, with the write-ahead log and shared memory files
# it opened, as a server that was running when the disk filled up does.
SERVE_ON_A_DISK_THAT_FILLS = """
set -e
mount -t tmpfs -o size="$SIZE" tmpfs "$DISK"
cp "$SOURCE" "$DISK/mutualis.sqlite3"
"$PYTHON" -m mutualis serve --production --workers 1 --bind "127.0.0.1:$PORT" >"$LOG" 2>&1 &
read warm
cat /dev/zero >"$DISK/filler" 2>/dev/null || true
df --output=avail "$DISK" | tail -n 1
wait
"""


def mounting_is_allowed(folder: Path) -> bool:
    # as root, or as a user the kernel lets own a user namespace
    probe = subprocess.run(
        ["unshare", "--map-root-user", "--mount", "mount", "-t", "tmpfs", "tmpfs", str(folder)],
        capture_output=True,
    )
    return probe.returncode == 0


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A production server (gunicorn) on a database file, in a tmpfs of its own."""

    def __init__(self, database: Path, folder: Path):
        self.port = free_port()
        self.log = folder / "server.log"
        disk = folder / "disk"
        disk.mkdir()
        environment = {
            **os.environ,
            "SOURCE": str(database),
            "DISK": str(disk),
            "SIZE": str(database.stat().st_size + 2**21),
            "PYTHON": sys.executable,
            "PORT": str(self.port),
            "LOG": str(self.log),
            "DATABASE_URL": f"sqlite:///{disk / 'mutualis.sqlite3'}",
            "MUTUALIS_SECRET_KEY": settings.SECRET_KEY,
            "MUTUALIS_DEBUG": "0",
            "MUTUALIS_HTTPS": "0",
            "PYTHONPATH": str(SOURCE_ROOT / "src"),
        }
        self.process = subprocess.Popen(
            ["unshare", "--map-root-user", "--mount", "sh", "-c", SERVE_ON_A_DISK_THAT_FILLS],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while self.request("GET", "/health")[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                pytest.fail(f"the server did not start: {self.log.read_text()}")
            time.sleep(0.2)

    def request(self, method, path, body=None, headers=None) -> tuple[int | str, str, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, response.headers["Content-Type"], response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read().decode()
        except OSError as error:
            return str(error), "", ""

    def fill_the_disk(self) -> int:
        """Fills the server's disk; the bytes left free, as df says."""
        self.process.stdin.write("warm\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self) -> None:
        os.killpg(self.process.pid, 15)
        self.process.wait(10)


@pytest.fixture
def full_disk_server(setting, tmp_path):
    if not ON_SQLITE:
        pytest.skip("a PostgreSQL server is not started on a disk of the test's")
    if not mounting_is_allowed(tmp_path):
        pytest.skip("this kernel lets no test mount a tmpfs (no root, no user namespace)")
    # the test's database, as the file a server runs on
    database = tmp_path / "mutualis.sqlite3"
    copy = sqlite3.connect(database)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    server = Server(database, tmp_path)
    yield server
    server.stop()


def test_a_server_on_a_full_disk_answers_reads_and_refuses_writes_saying_so(
    full_disk_server, setting, transactional_db
):
    server, awa = full_disk_server, setting["awa"]
    number, when = awa.member_number, setting["day"].isoformat()
    site = {"Cookie": f"sessionid={setting['site'].cookies['sessionid'].value}"}
    # a CSRF secret of the site's form, sent as its cookie and as the form's field
    csrf = "f" * 32
    form_headers = {
        "Cookie": f"{site['Cookie']}; csrftoken={csrf}; django_language=en",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    provider = Provider.objects.get(code="PS-JOAL").pk
    payments = f"/api/households/{awa.household.uid}/payments"
    fhir_json = {"Content-Type": "application/fhir+json"}
    api_json = {"Content-Type": "application/json"}
    eligibility = json.dumps(asking(number, day=when)).encode()

    def read_everything() -> dict:
        answers = {
            "coverage API": server.request(
                "GET", f"/api/beneficiaries/{awa.uid}/coverage", headers=setting["manager"]
            ),
            "household search API": server.request(
                "GET", "/api/households?q=Diop", headers=setting["manager"]
            ),
            "FHIR eligibility": server.request(
                "POST",
                "/fhir/r4/CoverageEligibilityRequest",
                eligibility,
                {**setting["clerk"], **fhir_json},
            ),
            "FHIR Patient": server.request(
                "GET", f"/fhir/r4/Patient/{number}", headers=setting["clerk"]
            ),
            "eligibility page": server.request(
                "GET", f"/eligibility/?card={number}&provider={provider}&on={when}", headers=site
            ),
            "register search": server.request("GET", "/register/?q=Diop", headers=site),
        }
        return {name: status for name, (status, _type, _body) in answers.items()}

    # given a server that answered before its disk filled up
    assert set(read_everything().values()) == {200}
    paid = json.loads(server.request("GET", payments, headers=setting["manager"])[2])

    # when its disk is full
    assert server.fill_the_disk() == 0

    # then every read answers
    assert read_everything() == dict.fromkeys(read_everything(), 200)
    # and every write answers 503 in its caller's format, saying so
    api = server.request("POST", payments, cash().encode(), {**setting["manager"], **api_json})
    assert api[:2] == (503, "application/json")
    assert "disque est plein" in json.loads(api[2])["detail"]
    claim = fhir_claim(number, setting["day"], [("CS-PS", 1, 1000)])
    fhir = server.request(
        "POST", "/fhir/r4/Claim", json.dumps(claim).encode(), {**setting["clerk"], **fhir_json}
    )
    assert fhir[:2] == (503, FHIR_JSON)
    assert OperationOutcome.model_validate_json(fhir[2]).issue[0].code == "no-store"
    form = server.request(
        "POST",
        f"/households/{awa.household_id}/pay/",
        f"csrfmiddlewaretoken={csrf}&amount=7000&method=cash&received_on={when}".encode(),
        form_headers,
    )
    assert form[:2] == (503, "text/html; charset=utf-8")
    assert "Nothing can be saved for now" in form[2]
    # and nothing was saved
    assert json.loads(server.request("GET", payments, headers=setting["manager"])[2]) == paid
