"""`mutualis import-items FILE --owner CODE`: imports a list of acts, medicines and flat fees
(.xlsx or CSV) into a union's list with providers.services.items_import, prints the report, and
exits with status 1 when errors kept the file from being saved. The national union's list is
the national list; another union's extends it for its mutuals."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from mutualis.core.imports import describe
from mutualis.federation.queries import organisation_coded
from mutualis.federation.rules import UNIONS
from mutualis.providers.services import import_summary, items_import


class Command(BaseCommand):
    help = (
        "Imports a list of acts, medicines and flat fees (.xlsx or CSV, the template of the "
        "acts and medicines page) into a union's list. Importing the same file again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the list: .xlsx, or CSV separated by ; or ,")
        parser.add_argument(
            "--owner",
            required=True,
            help="the code of the union whose list it is (PARENT/CODE when ambiguous)",
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
            owner = organisation_coded(options["owner"], UNIONS, "union")
        except LookupError as error:
            raise CommandError(str(error)) from None
        language = options["language"]
        report = items_import(
            by=None,
            owner=owner,
            file_name=path.name,
            content=path.read_bytes(),
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
            self.stdout.write(import_summary(report))
            if not report.saved:
                raise CommandError(_("Nothing was saved: correct the errors."), returncode=1)
