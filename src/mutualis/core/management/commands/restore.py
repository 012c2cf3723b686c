import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from mutualis.core.backup import BackupError, check_backup, restore_database, sqlite_path


def describe_database(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"the SQLite database {sqlite_path(settings_dict)}"
    host = settings_dict.get("HOST") or "the local server"
    return f"the PostgreSQL database {settings_dict['NAME']} on {host}"


class Command(BaseCommand):
    help = (
        "Replaces the whole database by a backup made with `mutualis backup`, after saving the "
        "current database in VAR_DIR/backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the backup file to restore")
        parser.add_argument(
            "--yes",
            "--no-input",
            "--noinput",
            action="store_true",
            dest="yes",
            help="do not ask for confirmation",
        )

    def handle(self, *args: object, **options: object) -> None:
        backup = Path(str(options["file"])).expanduser().resolve()
        settings_dict = connections["default"].settings_dict
        safety_dir = Path(settings.VAR_DIR) / "backups"
        try:
            check_backup(settings_dict, backup)
            database = describe_database(settings_dict)
            if not options["yes"]:
                self.confirm(backup, database)
            safety_copy = restore_database(settings_dict, backup, safety_dir)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {backup} into {database}.")
        if safety_copy is not None:
            self.stdout.write(f"The database as it was before is saved in {safety_copy}")
        self.stdout.write(
            "If the backup comes from an older version of Mutualis, run `mutualis migrate` now."
        )

    def confirm(self, backup: Path, database: str) -> None:
        # A restore throws away everything written since the backup: it happens only when a
        # person says so, never by a script that forgot --yes.
        if not sys.stdin.isatty():
            raise CommandError(
                f"Restoring {backup} replaces all the data of {database}, and no one is at the "
                "keyboard to confirm: add --yes to restore anyway."
            )
        self.stdout.write(
            f"Restoring {backup} replaces ALL the data of {database} by the backup's content."
        )
        answer = input("Type yes to go on: ")
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled: nothing was changed.")
