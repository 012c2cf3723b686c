"""The `mutualis` command: Django's manage.py with the project's settings preselected."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Runs a sub-command. A Django command is named after its module, so it cannot contain a
    dash; `mutualis import-members` is spelled like the other commands of design-rules.md: a
    sub-command with dashes runs the command of the same name with underscores, when one
    exists (`import-members` → `import_members`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(argv if argv is not None else ["mutualis", *sys.argv[1:]])
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        import django
        from django.core.management import get_commands

        django.setup()
        underscored = argv[1].replace("-", "_")
        if underscored in get_commands():
            argv[1] = underscored
    execute_from_command_line(argv)
