import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def default_workers() -> int:
    # Two per core plus one is gunicorn's advice; more would only queue on SQLite's writer lock.
    return min(2 * (os.cpu_count() or 1) + 1, 9)


class Command(BaseCommand):
    help = (
        "Serves Mutualis: Django's development server, or with --production gunicorn with "
        "several workers and static files served by WhiteNoise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument(
            "--production",
            action="store_true",
            help="run under gunicorn with settings from the environment",
        )
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="threads per worker (gunicorn's gthread worker when above 1)",
        )
        parser.add_argument(
            "--access-log",
            metavar="FILE",
            help="log every request to FILE ('-' for the standard output); off by default: the "
            "reverse proxy logs them, and writing them costs a busy server a fifth of its time",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["production"]:
            call_command("runserver", options["bind"], use_reloader=True)
            return
        if settings.DEBUG:
            raise CommandError("MUTUALIS_DEBUG is set: production serving needs it unset or 0.")
        if not (settings.STATIC_ROOT / "staticfiles.json").exists():
            raise CommandError(
                "Static files are not collected: run `make install` "
                "(or `mutualis collectstatic`) first."
            )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "mutualis.config.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            "120",
            "--graceful-timeout",
            "20",
            # Workers are recycled now and then against slow leaks; forked from a master that
            # loaded the application once (--preload), a new one answers at once instead of
            # spending two seconds importing Django and the FHIR models.
            "--preload",
            "--max-requests",
            "50000",
            "--max-requests-jitter",
            "5000",
        ]
        if options["access_log"]:
            command += ["--access-logfile", options["access_log"]]
        self.stdout.write(
            f"Serving Mutualis on http://{options['bind']} with {options['workers']} workers"
        )
        sys.stdout.flush()
        os.execv(sys.executable, command)
