"""`mutualis import-members FILE --mutual CODE`: imports a member register (.xlsx or CSV) into a
mutual with membership.imports.register_import, prints the report, and exits with status 1 when
errors kept the file from being saved.

(`mutualis import-members` and `mutualis import_members` are the same command: the `mutualis`
entry point, mutualis.cli, turns the dashes of a sub-command into underscores when a command
of that name exists, since a Django command is named after its module.)"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from mutualis.core.imports import describe
from mutualis.federation.queries import organisation_coded
from mutualis.federation.rules import Kind
from mutualis.membership.imports import register_import, summary


class Command(BaseCommand):
    help = (
        "Imports a member register (.xlsx or CSV, the template of the register page) into a "
        "mutual. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the register: .xlsx, or CSV separated by ; or ,")
        parser.add_argument(
            "--mutual", required=True, help="the mutual's code (PARENT/CODE when ambiguous)"
        )
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="save the households whose rows are all valid, report the others",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the report (default: %(default)s)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no file {path}")
        try:
            mutual = organisation_coded(options["mutual"], {Kind.MUTUAL}, "mutual")
        except LookupError as error:
            raise CommandError(str(error)) from None
        language = options["language"]
        report = register_import(
            by=None,
            mutual=mutual,
            file_name=path.name,
            content=path.read_bytes(),
            only_valid=options["only_valid"],
            language=language,
        )
        with translation.override(language):
            for title, problems in (
                (_("Errors:"), report.errors),
                (_("Warnings:"), report.warnings),
            ):
                if problems:
                    self.stdout.write(title)
                for problem in problems:
                    self.stdout.write(f"  {describe(problem)}")
            self.stdout.write(summary(report))
            if not report.saved:
                raise CommandError(
                    _("Nothing was saved: correct the errors or import only the valid households."),
                    returncode=1,
                )
