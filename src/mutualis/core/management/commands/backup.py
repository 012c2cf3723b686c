from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from mutualis.core.backup import BackupError, backup_database, human_size


class Command(BaseCommand):
    help = (
        "Writes a consistent copy of the whole database to FILE while Mutualis keeps running: "
        "one SQLite file, or a pg_dump custom-format archive on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the backup file to write")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: object, **options: object) -> None:
        target = Path(str(options["file"])).expanduser().resolve()
        # The connection's settings rather than settings.DATABASES: under the test runner they
        # name the test database, so a test can never touch the real one.
        settings_dict = connections["default"].settings_dict
        try:
            written = backup_database(settings_dict, target, force=bool(options["force"]))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {written} ({human_size(written.stat().st_size)})")
