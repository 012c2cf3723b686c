"""`mutualis backup` and `mutualis restore`: one consistent file taken while the app runs, and a
restore that checks before it changes anything and keeps a copy of what it replaces.

The test database is SQLite in memory (or PostgreSQL under scripts/with-postgres.sh), which
cannot be saved as a file: the SQLite tests make their own database files in tmp_path, and run
the real commands in subprocesses pointed at them through DATABASE_URL and MUTUALIS_VAR_DIR.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from mutualis.core.backup import (
    BackupError,
    backup_postgresql,
    backup_sqlite,
    file_kind,
    find_postgresql_tool,
    human_size,
    integrity_problems,
    postgresql_environment,
    restore_postgresql,
    restore_sqlite,
    sqlite_path,
)

SOURCE_ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRESQL = connection.vendor == "postgresql"


# ---------------------------------------------------------------- helpers


def make_database(path: Path, names: list[str]) -> Path:
    """A small SQLite database in WAL mode, shaped like Mutualis's (it has django_migrations)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    database = sqlite3.connect(path)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT)")
    database.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
    database.execute("CREATE INDEX item_name ON item (name)")
    database.executemany("INSERT INTO item (name) VALUES (?)", [(name,) for name in names])
    database.commit()
    database.close()
    return path


def query(path: Path, sql: str) -> list[tuple]:
    database = sqlite3.connect(path)
    try:
        return database.execute(sql).fetchall()
    finally:
        database.close()


def item_names(path: Path) -> list[str]:
    return [name for (name,) in query(path, "SELECT name FROM item ORDER BY id")]


def integrity(path: Path) -> str:
    return "; ".join(str(row[0]) for row in query(path, "PRAGMA integrity_check"))


def damage(path: Path) -> None:
    """Overwrites part of a page in the middle of the file, as a failing disk would."""
    with path.open("r+b") as file:
        file.seek(5 * 4096 + 100)
        file.write(b"\xff" * 3000)


def environment(database: Path, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "MUTUALIS_VAR_DIR": str(var_dir),
            "MUTUALIS_SECRET_KEY": "test-backup-not-a-real-secret",
            "DJANGO_SETTINGS_MODULE": "mutualis.config.settings",
        }
    )
    return env


def mutualis(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs `mutualis ARGS` as an operator would, with no terminal on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "mutualis", *args],
        env=env,
        cwd=SOURCE_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def python(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def copy_database(source: Path, target: Path) -> Path:
    """A copy made with plain sqlite3, independent of the code under test."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    source_db.backup(target_db)
    target_db.execute("PRAGMA journal_mode=WAL")
    source_db.close()
    target_db.close()
    return target


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated once by the real `mutualis migrate`, copied by the tests that need
    one."""
    folder = tmp_path_factory.mktemp("migrated")
    database = folder / "mutualis.sqlite3"
    result = mutualis("migrate", "--no-input", env=environment(database, folder))
    assert result.returncode == 0, result.stderr
    return database


@pytest.fixture
def installation(tmp_path: Path, migrated_database: Path) -> tuple[Path, dict[str, str]]:
    """A migrated live database in tmp_path/var, and the environment that points Mutualis at
    it."""
    var_dir = tmp_path / "var"
    live = copy_database(migrated_database, var_dir / "mutualis.sqlite3")
    return live, environment(live, var_dir)


# ---------------------------------------------------------------- backup of a SQLite file


def test_a_backup_is_one_self_contained_file_that_passes_the_integrity_check(tmp_path):
    # Given a database in WAL mode, with a connection open on it
    live = make_database(tmp_path / "live.sqlite3", ["Mutuelle A", "Mutuelle B"])
    reader = sqlite3.connect(live)
    reader.execute("SELECT count(*) FROM item").fetchone()
    # When it is backed up into a folder that does not exist yet
    target = tmp_path / "usb key" / "backup.sqlite3"
    backup_sqlite(live, target)
    reader.close()
    # Then the folder holds one SQLite file with the same rows, in the DELETE journal mode
    assert sorted(path.name for path in target.parent.iterdir()) == ["backup.sqlite3"]
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    assert integrity(target) == "ok"
    assert item_names(target) == ["Mutuelle A", "Mutuelle B"]
    assert query(target, "PRAGMA journal_mode") == [("delete",)]
    assert sorted(path.name for path in target.parent.iterdir()) == ["backup.sqlite3"]


def test_a_backup_holds_only_what_was_committed_when_it_began(tmp_path):
    # Given a writer in the middle of a transaction
    live = make_database(tmp_path / "live.sqlite3", ["committed"])
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO item (name) VALUES ('not yet committed')")
    try:
        # When the database is backed up meanwhile
        target = backup_sqlite(live, tmp_path / "backup.sqlite3")
    finally:
        writer.execute("COMMIT")
        writer.close()
    # Then the backup is the database as it was before the writer's transaction
    assert item_names(target) == ["committed"]
    assert item_names(live) == ["committed", "not yet committed"]


def test_it_refuses_to_overwrite_without_force(tmp_path):
    # Given an older backup in place
    live = make_database(tmp_path / "live.sqlite3", ["new"])
    target = make_database(tmp_path / "backup.sqlite3", ["old"])
    # When a new backup is written to the same file without --force
    with pytest.raises(BackupError, match=r"already exists.*--force") as error:
        backup_sqlite(live, target)
    # Then the message names the file, and the old backup is untouched
    assert str(target) in str(error.value)
    assert item_names(target) == ["old"]


def test_it_replaces_an_existing_backup_with_force(tmp_path):
    live = make_database(tmp_path / "live.sqlite3", ["new"])
    target = make_database(tmp_path / "backup.sqlite3", ["old"])
    backup_sqlite(live, target, force=True)
    assert item_names(target) == ["new"]


def test_it_writes_no_backup_of_a_damaged_database(tmp_path):
    # Given a database damaged on disk
    live = make_database(tmp_path / "live.sqlite3", [f"Mutuelle {n} " * 5 for n in range(2000)])
    damage(live)
    # When it is backed up
    with pytest.raises(BackupError, match="integrity check"):
        backup_sqlite(live, tmp_path / "usb" / "backup.sqlite3")
    # Then no file, not even a temporary one, is left on the key
    assert list((tmp_path / "usb").iterdir()) == []


def test_a_missing_database_is_named_and_not_created(tmp_path):
    missing = tmp_path / "nowhere.sqlite3"
    with pytest.raises(BackupError, match="not found"):
        backup_sqlite(missing, tmp_path / "backup.sqlite3")
    assert not missing.exists()


def test_an_in_memory_database_has_no_file_to_back_up():
    with pytest.raises(BackupError, match="in memory"):
        sqlite_path({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"})


# ---------------------------------------------------------------- restore of a SQLite file


def test_a_restore_replaces_the_content_and_keeps_a_safety_copy(tmp_path):
    # Given a live database and an older backup
    backup = backup_sqlite(
        make_database(tmp_path / "old.sqlite3", ["as backed up"]), tmp_path / "backup.sqlite3"
    )
    live = make_database(tmp_path / "var" / "mutualis.sqlite3", ["written since"])
    # When the backup is restored
    safety_copy = restore_sqlite(backup, live, tmp_path / "var" / "backups")
    # Then the live database holds the backup's rows, still in WAL mode, and sound
    assert item_names(live) == ["as backed up"]
    assert query(live, "PRAGMA journal_mode") == [("wal",)]
    assert integrity(live) == "ok"
    # And the replaced content is saved in VAR_DIR/backups/before-restore-YYYYmmdd-HHMMSS
    assert safety_copy is not None
    assert safety_copy.parent == tmp_path / "var" / "backups"
    assert safety_copy.name.startswith("before-restore-")
    assert safety_copy.suffix == ".sqlite3"
    assert item_names(safety_copy) == ["written since"]


def test_a_connection_open_during_the_restore_sees_the_restored_content(tmp_path):
    # Given the app holds a connection to the live database
    backup = make_database(tmp_path / "backup.sqlite3", ["restored"])
    live = make_database(tmp_path / "live.sqlite3", ["current"])
    app = sqlite3.connect(live)
    assert app.execute("SELECT name FROM item").fetchall() == [("current",)]
    # When the backup is restored while it stays open
    restore_sqlite(backup, live, tmp_path / "backups")
    # Then its next transaction reads the restored content
    assert app.execute("SELECT name FROM item").fetchall() == [("restored",)]
    app.close()


def test_a_restore_into_a_new_database_needs_no_safety_copy(tmp_path):
    backup = make_database(tmp_path / "backup.sqlite3", ["restored"])
    live = tmp_path / "new" / "mutualis.sqlite3"
    assert restore_sqlite(backup, live, tmp_path / "backups") is None
    assert item_names(live) == ["restored"]
    assert not (tmp_path / "backups").exists()


def test_a_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path):
    # Given a damaged backup
    backup = make_database(tmp_path / "backup.sqlite3", [f"row {n} " * 5 for n in range(2000)])
    damage(backup)
    live = make_database(tmp_path / "live.sqlite3", ["current"])
    # When it is restored
    with pytest.raises(BackupError, match=r"integrity check.*Nothing was changed"):
        restore_sqlite(backup, live, tmp_path / "backups")
    # Then the live database is as it was, and no safety copy was needed
    assert item_names(live) == ["current"]
    assert not (tmp_path / "backups").exists()


def test_a_restore_over_a_damaged_live_database_asks_to_move_it_away_first(tmp_path):
    # Given a live database damaged on disk, which cannot be saved before the restore
    backup = make_database(tmp_path / "backup.sqlite3", ["restored"])
    live = make_database(tmp_path / "live.sqlite3", [f"row {n} " * 5 for n in range(2000)])
    damage(live)
    before = live.read_bytes()
    # When a backup is restored over it
    with pytest.raises(BackupError, match=r"live database .* is damaged.*move live\.sqlite3"):
        restore_sqlite(backup, live, tmp_path / "backups")
    # Then what is left of it stays as it was, for a person to decide what to keep
    assert live.read_bytes() == before
    assert list((tmp_path / "backups").glob("*")) == []


def test_a_restore_refuses_a_sqlite_file_that_is_not_a_mutualis_database(tmp_path):
    other = tmp_path / "photos.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE photo (id INTEGER PRIMARY KEY)").connection.close()
    live = make_database(tmp_path / "live.sqlite3", ["current"])
    with pytest.raises(BackupError, match="not a Mutualis one"):
        restore_sqlite(other, live, tmp_path / "backups")
    assert item_names(live) == ["current"]


# ---------------------------------------------------------------- small rules


def test_files_are_recognised_by_their_first_bytes(tmp_path):
    sqlite_file = make_database(tmp_path / "a.bin", [])
    archive = tmp_path / "b.bin"
    archive.write_bytes(b"PGDMP\x01\x0e\x00")
    text = tmp_path / "c.sqlite3"
    text.write_text("not a database")
    assert file_kind(sqlite_file) == "sqlite"
    assert file_kind(archive) == "postgresql"
    assert file_kind(text) is None


def test_integrity_problems_are_reported_for_a_damaged_file(tmp_path):
    database = make_database(tmp_path / "db.sqlite3", [f"row {n} " * 5 for n in range(2000)])
    assert integrity_problems(database) == []
    damage(database)
    assert integrity_problems(database) != []


def test_sizes_are_printed_as_an_operator_reads_them():
    assert human_size(512) == "512 B"
    assert human_size(12_345_678) == "12.3 MB"
    assert human_size(2_500_000_000) == "2.5 GB"


def test_the_newest_postgresql_tools_are_used_when_none_is_on_path(tmp_path, monkeypatch):
    # Given pg_dump only in Debian's per-version folders, not on PATH
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for version in ("9.6", "15", "13"):
        tool = tmp_path / "postgresql" / version / "bin" / "pg_dump"
        tool.parent.mkdir(parents=True)
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    # Then the newest one is chosen
    found = find_postgresql_tool("pg_dump", f"{tmp_path}/postgresql/*/bin")
    assert found == str(tmp_path / "postgresql" / "15" / "bin" / "pg_dump")


def test_a_missing_postgresql_tool_is_named_in_the_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_restore was not found"):
        find_postgresql_tool("pg_restore", f"{tmp_path}/postgresql/*/bin")


def test_postgresql_connection_parameters_go_through_the_environment():
    env = postgresql_environment(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "mutualis",
            "USER": "mutualis",
            "PASSWORD": "s3cret",
            "HOST": "db.example.org",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require"},
        }
    )
    assert env["PGDATABASE"] == "mutualis"
    assert env["PGUSER"] == "mutualis"
    assert env["PGPASSWORD"] == "s3cret"
    assert env["PGHOST"] == "db.example.org"
    assert env["PGPORT"] == "5433"
    assert env["PGSSLMODE"] == "require"


# ---------------------------------------------------------------- the commands


def test_the_backup_command_prints_the_file_and_its_size(installation, tmp_path):
    _live, env = installation
    target = tmp_path / "usb" / "mutualis.sqlite3"
    result = mutualis("backup", str(target), env=env)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == f"Backup written: {target} ({human_size(target.stat().st_size)})"
    )
    assert integrity(target) == "ok"


def test_the_backup_command_refuses_to_overwrite_without_force(installation, tmp_path):
    # Given a file already at the backup's place
    _live, env = installation
    target = tmp_path / "mutualis.sqlite3"
    target.write_text("yesterday's backup")
    # When the backup command writes there without --force
    refused = mutualis("backup", str(target), env=env)
    # Then it fails naming the file, and leaves it alone
    assert refused.returncode != 0
    assert f"{target} already exists" in refused.stderr
    assert "--force" in refused.stderr
    assert target.read_text() == "yesterday's backup"
    # And with --force it replaces it
    forced = mutualis("backup", str(target), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert file_kind(target) == "sqlite"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some notes", "is neither a SQLite database nor a PostgreSQL archive"),
        (b"PGDMP\x01\x0e\x00archive", "is a PostgreSQL backup, but this installation uses SQLite"),
    ],
    ids=["unknown file", "PostgreSQL archive"],
)
def test_the_restore_command_refuses_a_file_that_is_not_a_sqlite_backup(
    installation, tmp_path, content, message
):
    # Given a file that is no SQLite backup
    live, env = installation
    before = live.read_bytes()
    wrong = tmp_path / "backup.sqlite3"
    wrong.write_bytes(content)
    # When it is restored
    result = mutualis("restore", str(wrong), "--yes", env=env)
    # Then the command says why, naming the file, and the live database is unchanged
    assert result.returncode != 0
    assert f"{wrong} {message}" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert live.read_bytes() == before
    assert not (tmp_path / "var" / "backups").exists()


def test_the_restore_command_refuses_a_missing_file(installation, tmp_path):
    _live, env = installation
    result = mutualis("restore", str(tmp_path / "missing.sqlite3"), "--yes", env=env)
    assert result.returncode != 0
    assert f"Backup file not found: {tmp_path / 'missing.sqlite3'}" in result.stderr


def test_the_restore_command_refuses_without_yes_when_no_one_can_confirm(installation, tmp_path):
    # Given a sound backup, and no terminal on stdin
    live, env = installation
    backup = tmp_path / "backup.sqlite3"
    assert mutualis("backup", str(backup), env=env).returncode == 0
    before = live.read_bytes()
    # When it is restored without --yes
    result = mutualis("restore", str(backup), env=env)
    # Then the command refuses, pointing to --yes, and changes nothing
    assert result.returncode != 0
    assert "--yes" in result.stderr
    assert live.read_bytes() == before
    assert not (tmp_path / "var" / "backups").exists()


def test_the_restore_command_restores_and_writes_a_safety_copy(installation, tmp_path):
    # Given a backup, then a change made after it
    live, env = installation
    backup = tmp_path / "backup.sqlite3"
    assert mutualis("backup", str(backup), env=env).returncode == 0
    query(live, "CREATE TABLE written_after_the_backup (id INTEGER PRIMARY KEY)")
    # When the backup is restored with --yes
    result = mutualis("restore", str(backup), "--yes", env=env)
    # Then the change is gone from the live database, and kept in the safety copy
    assert result.returncode == 0, result.stderr
    assert integrity(live) == "ok"
    tables_sql = "SELECT name FROM sqlite_master WHERE name = 'written_after_the_backup'"
    assert query(live, tables_sql) == []
    (safety_copy,) = (tmp_path / "var" / "backups").glob("before-restore-*.sqlite3")
    assert query(safety_copy, tables_sql) == [("written_after_the_backup",)]
    assert f"Restored {backup} into the SQLite database {live}." in result.stdout
    assert f"saved in {safety_copy}" in result.stdout


# ---------------------------------------------------------------- backup of a running server

SEED = """
import django
django.setup()
from mutualis.federation.services import organisation_create, user_create
nation = organisation_create(
    by=None, kind="national_union", parent=None, code="SN", name="Union nationale")
user_create(by=None, username="admin", organisation=nation, roles=["system_admin"])
for r in range(3):
    region = organisation_create(
        by=None, kind="regional_union", parent=nation, code=f"R{r}", name=f"Union {r}")
    user_create(by=None, username=f"officer{r}", organisation=region, roles=["union_officer"])
    for m in range(4):
        mutual = organisation_create(
            by=None, kind="mutual", parent=region, code=f"M{m}", name=f"Mutuelle {r}-{m}",
            currency="XOF", mutual_type="community")
        user_create(
            by=None, username=f"manager{r}{m}", organisation=mutual, roles=["mutual_manager"])
"""

# Adds a mutual and its cashier, and renames a union, in a loop until told to stop: the
# backup is taken while the database changes.
WRITER = """
import pathlib, sys, time
import django
django.setup()
from mutualis.federation.models import Organisation
from mutualis.federation.services import organisation_create, organisation_update, user_create
stop, deadline = pathlib.Path(sys.argv[1]), time.monotonic() + float(sys.argv[2])
region = Organisation.objects.get(kind="regional_union", code="R0")
print("writing", flush=True)
n = 0
while not stop.exists() and time.monotonic() < deadline:
    mutual = organisation_create(
        by=None, kind="mutual", parent=region, code=f"W{n}", name=f"Mutuelle W{n}",
        currency="XOF", mutual_type="community")
    user_create(by=None, username=f"writer{n}", organisation=mutual, roles=["cashier"])
    organisation_update(by=None, organisation=region, name=f"Union 0, version {n}")
    n += 1
print(n, flush=True)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health_status(url: str) -> int | str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return str(error)


def wait_until_serving(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text()}")
        if health_status(url) == 200:
            return
        time.sleep(0.1)
    pytest.fail(f"the server did not answer {url} within 20 s: {log.read_text()}")


def ids(path: Path, table: str) -> set[int]:
    return {row_id for (row_id,) in query(path, f"SELECT id FROM {table}")}


def test_a_backup_taken_while_the_server_answers_requests_restores_every_organisation_and_user(
    installation, tmp_path
):
    # Given a federation of organisations and users, served by a running server
    live, env = installation
    python(SEED, env=env)
    organisations_before = ids(live, "federation_organisation")
    users_before = ids(live, "federation_user")
    assert len(organisations_before) == 16
    assert len(users_before) == 16
    port = free_port()
    health = f"http://127.0.0.1:{port}/health"
    log = tmp_path / "server.log"
    stop_file = tmp_path / "stop"
    answers: list[int | str] = []
    polling = threading.Event()
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "mutualis", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env={**env, "MUTUALIS_DEBUG": "1"},
            cwd=SOURCE_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    writer = None
    try:
        wait_until_serving(server, health, log)
        # And a writer adding mutuals and users, and a client requesting the server, meanwhile
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(stop_file), "15"],
            env=env,
            cwd=SOURCE_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"

        def poll_health() -> None:
            deadline = time.monotonic() + 20
            while not polling.is_set() and time.monotonic() < deadline:
                answers.append(health_status(health))

        client = threading.Thread(target=poll_health, daemon=True)
        client.start()
        time.sleep(0.5)
        # When the database is backed up to a USB key
        backup = tmp_path / "usb" / "mutualis-backup.sqlite3"
        result = mutualis("backup", str(backup), env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"Backup written: {backup} (")
        time.sleep(0.3)
    finally:
        stop_file.touch()
        polling.set()
        if writer is not None:
            writer.communicate(timeout=20)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    client.join(timeout=10)
    organisations_after = ids(live, "federation_organisation")
    users_after = ids(live, "federation_user")
    # (the server answered all along, and the writer did write)
    assert answers
    assert set(answers) == {200}, answers
    assert len(organisations_after) > len(organisations_before)

    # And restored into a new database
    restored = tmp_path / "restored" / "mutualis.sqlite3"
    result = mutualis(
        "restore", str(backup), "--yes", env=environment(restored, tmp_path / "restored")
    )
    assert result.returncode == 0, result.stderr

    # Then the restored database passes the integrity check
    assert integrity(restored) == "ok"
    assert query(restored, "PRAGMA foreign_key_check") == []
    # And holds every organisation and user of before the backup, and none made after it
    restored_organisations = ids(restored, "federation_organisation")
    restored_users = ids(restored, "federation_user")
    assert organisations_before <= restored_organisations <= organisations_after
    assert users_before <= restored_users <= users_after
    assert restored_organisations == ids(backup, "federation_organisation")
    assert restored_users == ids(backup, "federation_user")
    # And is one snapshot: no organisation caught half-written, each with its affiliation, and
    # at most the last mutual still waiting for its cashier
    assert query(
        restored, "SELECT count(*) FROM federation_organisation WHERE path LIKE '/new-%'"
    ) == [(0,)]
    (with_parent,) = query(
        restored, "SELECT count(*) FROM federation_organisation WHERE parent_id IS NOT NULL"
    )[0]
    (affiliations,) = query(restored, "SELECT count(*) FROM federation_affiliation")[0]
    assert with_parent == affiliations
    written_mutuals = len(restored_organisations) - len(organisations_before)
    written_users = len(restored_users) - len(users_before)
    assert written_users in {written_mutuals, written_mutuals - 1}


# ---------------------------------------------------------------- PostgreSQL

needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs the test database on PostgreSQL (run under scripts/with-postgres.sh)",
)


@needs_postgresql
@pytest.mark.django_db
def test_the_backup_command_dumps_postgresql_to_a_custom_format_archive(tmp_path):
    # Given the test database on PostgreSQL
    target = tmp_path / "usb" / "mutualis.dump"
    # When it is backed up by the command
    call_command("backup", str(target))
    # Then the file is a pg_dump custom-format archive, alone in its folder
    assert target.read_bytes().startswith(b"PGDMP")
    assert [path.name for path in target.parent.iterdir()] == ["mutualis.dump"]


@needs_postgresql
@pytest.mark.django_db
def test_a_postgresql_archive_restores_into_another_database(tmp_path):
    import psycopg

    # Given an archive of the test database and an empty database beside it
    settings_dict = connection.settings_dict
    archive = backup_postgresql(settings_dict, tmp_path / "mutualis.dump")
    other = {**settings_dict, "NAME": f"{settings_dict['NAME']}_restore_{os.getpid()}"}
    env = postgresql_environment(settings_dict)
    admin = psycopg.connect(
        dbname=settings_dict["NAME"],
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{other["NAME"]}"')
    try:
        # When the archive is restored into it
        safety_copy = restore_postgresql(other, archive, tmp_path / "backups")
        # Then it holds the same migrations, and the empty database was saved first
        with psycopg.connect(
            dbname=other["NAME"],
            host=env.get("PGHOST"),
            port=env.get("PGPORT"),
            user=env.get("PGUSER"),
            password=env.get("PGPASSWORD"),
        ) as restored:
            (restored_count,) = restored.execute(
                "SELECT count(*) FROM django_migrations"
            ).fetchone()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
            (live_count,) = cursor.fetchone()
        assert restored_count == live_count > 0
        assert safety_copy.read_bytes().startswith(b"PGDMP")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{other["NAME"]}" WITH (FORCE)')
        admin.close()
