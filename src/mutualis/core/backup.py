"""Backup and restore of the whole database, for `mutualis backup` and `mutualis restore`.

A mutual keeps its books on one laptop or one server: the backup must be one file that an
office manager can carry on a USB key, taken while people keep working, and a restore must
never leave the database half replaced. Functions take explicit paths or a DATABASES-style
dict (not Django's settings) so tests can point them at throw-away databases.
"""

import contextlib
import datetime
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRESQL_MAGIC = b"PGDMP"
POSTGRESQL_BIN_PATTERN = "/usr/lib/postgresql/*/bin"
SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRESQL_ENGINES = frozenset({"django.db.backends.postgresql"})
# How long a SQLite connection waits for another writer before giving up, in seconds.
SQLITE_TIMEOUT = 30

FileKind = Literal["sqlite", "postgresql"]
KIND_NAMES: dict[str, str] = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message tells the operator why."""


class DamagedDatabaseError(BackupError):
    """The database to copy fails SQLite's integrity check."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def database_kind(settings_dict: Mapping[str, Any]) -> FileKind:
    """Which of the two supported engines the database uses: the two need different tools."""
    engine = settings_dict["ENGINE"]
    if engine == SQLITE_ENGINE:
        return "sqlite"
    if engine in POSTGRESQL_ENGINES:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not the database engine {engine}.")


def sqlite_path(settings_dict: Mapping[str, Any]) -> Path:
    """The file of a SQLite database; an in-memory database has none and cannot be saved."""
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database lives in memory only: there is no file to back up.")
    return Path(name).resolve()


def file_kind(path: Path) -> FileKind | None:
    """What a backup file holds, from its first bytes (extensions on a USB key lie)."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(POSTGRESQL_MAGIC):
        return "postgresql"
    return None


def human_size(size: int) -> str:
    """A file size as an operator reads it: 12.3 MB."""
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def check_target(target: Path, *, force: bool) -> None:
    """Refuses to replace an existing file by accident: yesterday's backup may be the only one
    left."""
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the name of the backup file to write.")
    if target.exists() and not force:
        raise BackupError(
            f"{target} already exists: choose another file name, or add --force to replace it."
        )


@contextlib.contextmanager
def temporary_file_beside(target: Path) -> Iterator[Path]:
    """A temporary file in the target's folder, removed unless renamed onto the target.

    Written beside the target so the final rename stays on one file system and is atomic: a
    USB key pulled out too early holds the old backup or the new one, never half of one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        for leftover in (
            temporary,
            Path(f"{name}-journal"),
            Path(f"{name}-wal"),
            Path(f"{name}-shm"),
        ):
            leftover.unlink(missing_ok=True)


def move_into_place(temporary: Path, target: Path) -> None:
    """Flushes the file to the disk, then renames it onto the target in one step."""
    with temporary.open("rb+") as file:
        os.fsync(file.fileno())
    os.replace(temporary, target)
    if os.name == "posix":
        # Makes the rename itself durable. Some file systems (FAT on USB keys under a few
        # kernels, network mounts) refuse fsync on a folder: the file is then as safe as they
        # allow, which is no reason to fail a backup already written.
        with contextlib.suppress(OSError):
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)


def connect_existing_sqlite(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Opens a SQLite file that must exist: sqlite3.connect alone would create an empty one."""
    if not path.is_file():
        raise BackupError(f"Database file not found: {path}")
    mode = "ro" if read_only else "rw"
    try:
        return sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=SQLITE_TIMEOUT)
    except sqlite3.Error as error:
        raise BackupError(f"Cannot open the SQLite database {path}: {error}") from error


def integrity_problems(path: Path) -> list[str]:
    """What PRAGMA integrity_check finds wrong in a SQLite file; empty when it answers "ok".

    A damaged file makes SQLite raise instead of answering: that is a problem found too.
    """
    connection = connect_existing_sqlite(path, read_only=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else messages


def backup_sqlite(source: Path, target: Path, *, force: bool = False) -> Path:
    """Writes a consistent copy of the SQLite database `source` to `target` while it is in use.

    SQLite's online backup API copies every page in one step, inside one read transaction:
    in WAL mode writers go on meanwhile, and the copy is the database as of one instant. The
    copy is checked, then switched to the DELETE journal so it is one self-contained file with
    no -wal or -shm beside it.
    """
    source = source.resolve()
    target = target.resolve()
    if target == source:
        raise BackupError(f"{target} is the live database itself: choose another file.")
    check_target(target, force=force)
    live = connect_existing_sqlite(source)
    try:
        with temporary_file_beside(target) as temporary:
            copy = sqlite3.connect(temporary, timeout=SQLITE_TIMEOUT)
            try:
                live.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
            problems = integrity_problems(temporary)
            if problems:
                raise DamagedDatabaseError(
                    f"The copy of {source} fails SQLite's integrity check, so no backup was "
                    f"written: {'; '.join(problems[:5])}",
                    problems,
                )
            move_into_place(temporary, target)
    except sqlite3.Error as error:
        raise BackupError(f"The backup of {source} failed: {error}") from error
    finally:
        live.close()
    return target


def check_sqlite_backup(backup: Path) -> None:
    """Refuses a file that is not a sound Mutualis SQLite database, before anything changes."""
    problems = integrity_problems(backup)
    if problems:
        raise BackupError(
            f"{backup} fails SQLite's integrity check ({'; '.join(problems[:5])}): it cannot "
            "be restored. Nothing was changed."
        )
    connection = connect_existing_sqlite(backup, read_only=True)
    try:
        has_migrations = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    finally:
        connection.close()
    if not has_migrations:
        raise BackupError(
            f"{backup} is a SQLite database but not a Mutualis one (it has no django_migrations "
            "table). Nothing was changed."
        )


def safety_copy_path(safety_dir: Path, suffix: str, now: datetime.datetime) -> Path:
    """VAR_DIR/backups/before-restore-YYYYmmdd-HHMMSS<suffix>, never an existing file."""
    stem = f"before-restore-{now:%Y%m%d-%H%M%S}"
    candidate = safety_dir / f"{stem}{suffix}"
    number = 1
    while candidate.exists():
        candidate = safety_dir / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def local_now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC).astimezone()


def restore_sqlite(backup: Path, live: Path, safety_dir: Path) -> Path | None:
    """Replaces the content of the live SQLite database by the backup; returns the safety copy.

    The current database is first saved to `safety_dir`, so a wrong restore can be undone.
    The backup API then writes the backup's pages into the live file through SQLite itself, in
    one write transaction: the app may keep running, and its other connections see the new
    content from their next transaction on. Returns None when there was no database to save.
    """
    backup = backup.resolve()
    live = live.resolve()
    if backup == live:
        raise BackupError(f"{backup} is the live database itself: nothing to restore.")
    check_sqlite_backup(backup)
    safety_copy = None
    if live.exists():
        try:
            safety_copy = backup_sqlite(live, safety_copy_path(safety_dir, ".sqlite3", local_now()))
        except DamagedDatabaseError as error:
            # The restore would destroy what is left of it: a person decides what to keep.
            raise BackupError(
                f"The live database {live} is damaged ({'; '.join(error.problems[:5])}), so it "
                "cannot be saved before the restore. Nothing was changed: stop Mutualis, move "
                f"{live.name} (with its -wal and -shm files) to another folder, then restore "
                "again."
            ) from error
    live.parent.mkdir(parents=True, exist_ok=True)
    source = connect_existing_sqlite(backup, read_only=True)
    try:
        destination = sqlite3.connect(live, timeout=SQLITE_TIMEOUT)
        try:
            check_page_sizes(source, destination, backup)
            source.backup(destination, pages=-1)
            destination.execute("PRAGMA journal_mode=WAL")
        finally:
            destination.close()
    except sqlite3.Error as error:
        raise BackupError(
            f"The restore of {backup} into {live} failed: {error}"
            + (f". The database as it was before is saved in {safety_copy}" if safety_copy else "")
        ) from error
    finally:
        source.close()
    return safety_copy


def check_page_sizes(
    source: sqlite3.Connection, destination: sqlite3.Connection, backup: Path
) -> None:
    """A database in WAL mode cannot change its page size, so SQLite would refuse the copy."""
    (journal_mode,) = destination.execute("PRAGMA journal_mode").fetchone()
    if journal_mode.lower() != "wal":
        return
    (source_size,) = source.execute("PRAGMA page_size").fetchone()
    (destination_size,) = destination.execute("PRAGMA page_size").fetchone()
    if source_size != destination_size:
        raise BackupError(
            f"{backup} uses {source_size}-byte pages and the live database {destination_size}"
            "-byte pages: stop Mutualis, move the live database file away, and restore again."
        )


def version_key(path: Path) -> tuple[int, ...]:
    """Sort key of /usr/lib/postgresql/<version>/bin folders: 9.6 < 15 < 16."""
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def find_postgresql_tool(name: str, pattern: str = POSTGRESQL_BIN_PATTERN) -> str:
    """pg_dump or pg_restore from PATH, else from the newest PostgreSQL installed by Debian's
    packages, whose client tools are not on PATH."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(
        (Path(folder) for folder in Path("/").glob(pattern.lstrip("/"))), key=version_key
    )
    for folder in reversed(folders):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} was not found on PATH nor in {pattern}: install the PostgreSQL client "
        "(postgresql-client package) of the server's version or newer."
    )


def postgresql_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The connection parameters as libpq environment variables.

    The password goes through the environment, not the command line, where any user of the
    machine could read it in the list of processes.
    """
    env = dict(os.environ)
    parameters = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        parameters[f"PG{option.upper()}"] = options.get(option)
    env.update({name: str(value) for name, value in parameters.items() if value})
    return env


def run_postgresql_tool(command: list[str], settings_dict: Mapping[str, Any], what: str) -> None:
    result = subprocess.run(
        command,
        env=postgresql_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"{what} failed ({Path(command[0]).name} exited with "
            f"{result.returncode}): {result.stderr.strip()}"
        )


def backup_postgresql(
    settings_dict: Mapping[str, Any], target: Path, *, force: bool = False
) -> Path:
    """Dumps the PostgreSQL database to one custom-format archive, pg_restore's input.

    pg_dump reads inside one repeatable-read transaction: a consistent snapshot while the app
    runs. Objects are dumped without their owner, so the archive restores under any role.
    """
    target = target.resolve()
    check_target(target, force=force)
    pg_dump = find_postgresql_tool("pg_dump")
    with temporary_file_beside(target) as temporary:
        run_postgresql_tool(
            [pg_dump, "--format=custom", "--no-owner", "--file", str(temporary)],
            settings_dict,
            f"The backup of the PostgreSQL database {settings_dict['NAME']}",
        )
        if file_kind(temporary) != "postgresql":
            raise BackupError("pg_dump wrote something that is not a custom-format archive.")
        move_into_place(temporary, target)
    return target


def restore_postgresql(settings_dict: Mapping[str, Any], backup: Path, safety_dir: Path) -> Path:
    """Replaces the PostgreSQL database's content by the archive; returns the safety copy.

    --single-transaction makes the restore all or nothing; --clean --if-exists drops each
    object of the archive before creating it again.
    """
    backup = backup.resolve()
    pg_restore = find_postgresql_tool("pg_restore")
    safety_copy = backup_postgresql(
        settings_dict, safety_copy_path(safety_dir, ".dump", local_now())
    )
    run_postgresql_tool(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            str(settings_dict["NAME"]),
            str(backup),
        ],
        settings_dict,
        f"The restore of {backup} (nothing was changed; a copy of the database is in "
        f"{safety_copy})",
    )
    return safety_copy


def backup_database(settings_dict: Mapping[str, Any], target: Path, *, force: bool = False) -> Path:
    """Backs up the configured database, whichever its engine, to the file `target`."""
    if database_kind(settings_dict) == "sqlite":
        return backup_sqlite(sqlite_path(settings_dict), target, force=force)
    return backup_postgresql(settings_dict, target, force=force)


def check_backup_kind(settings_dict: Mapping[str, Any], backup: Path) -> FileKind:
    """Refuses a backup that is missing, of no known kind, or made on the other engine."""
    kind = database_kind(settings_dict)
    if not backup.is_file():
        raise BackupError(f"Backup file not found: {backup}")
    found = file_kind(backup)
    if found is None:
        raise BackupError(
            f"{backup} is neither a SQLite database nor a PostgreSQL archive made by "
            "`mutualis backup`. Nothing was changed."
        )
    if found != kind:
        raise BackupError(
            f"{backup} is a {KIND_NAMES[found]} backup, but this installation uses "
            f"{KIND_NAMES[kind]}: it can only be restored on a {KIND_NAMES[found]} "
            "installation. Nothing was changed."
        )
    return kind


def check_backup(settings_dict: Mapping[str, Any], backup: Path) -> FileKind:
    """Every check that can be made before anything changes, so that the operator hears of a
    bad file before being asked to confirm (a SQLite file is checked for integrity too)."""
    kind = check_backup_kind(settings_dict, backup)
    if kind == "sqlite":
        check_sqlite_backup(backup)
    return kind


def restore_database(
    settings_dict: Mapping[str, Any], backup: Path, safety_dir: Path
) -> Path | None:
    """Replaces the configured database by the backup; returns the safety copy of the old one."""
    if check_backup_kind(settings_dict, backup) == "sqlite":
        return restore_sqlite(backup, sqlite_path(settings_dict), safety_dir)
    return restore_postgresql(settings_dict, backup, safety_dir)
