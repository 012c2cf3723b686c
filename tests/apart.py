"""A database of their own for tests that run `mutualis` in other processes, which cannot see
what the test's transaction holds: a SQLite file, or a PostgreSQL database beside the test one
(dropped afterwards), as the tests run on one or the other."""

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

MUTUALIS = Path(sys.executable).with_name("mutualis")
ROOT = Path(__file__).parents[1]


@contextlib.contextmanager
def database_apart(folder: Path, django_db_blocker, name: str) -> Iterator[dict[str, str]]:
    """The environment of processes working on a migrated database of their own."""
    env = {**os.environ, "MUTUALIS_VAR_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    dropped = None
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            settings = connection.settings_dict
            dropped = f"{name}_{os.getpid()}"
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {dropped}")
            env["DATABASE_URL"] = (
                f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@"
                f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{dropped}"
            )
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder / f'{name}.sqlite3'}"
    run(env, str(MUTUALIS), "migrate", "--noinput", "--verbosity", "0")
    try:
        yield env
    finally:
        if dropped:
            with django_db_blocker.unblock(), connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE {dropped}")


def run(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done
