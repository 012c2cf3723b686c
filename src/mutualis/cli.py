"""The `mutualis` command: Django's manage.py with the project's settings preselected."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else ["mutualis", *sys.argv[1:]])
