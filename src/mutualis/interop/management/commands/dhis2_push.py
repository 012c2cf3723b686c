"""`mutualis dhis2-push`: sends a union's figures of a month to its DHIS2 server (docs/dhis2.md),
for a scheduled job: by default last month's, every organisation the union mapped to an org
unit; `--resume` starts a stopped push again after its last chunk acknowledged.

    mutualis dhis2-push --union UN [--month 2026-07] [--dry-run]
    mutualis dhis2-push --resume <push uid>
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mutualis.federation.models import Organisation
from mutualis.federation.rules import UNIONS
from mutualis.interop.dhis2 import services
from mutualis.interop.dhis2.models import Push
from mutualis.monitoring.figures import month_before
from mutualis.monitoring.queries import Period


class Command(BaseCommand):
    help = "Sends a union's figures of a month to its DHIS2 server, or resumes a push."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--union", help="the union's code or uid")
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--dry-run", action="store_true", help="the server keeps nothing")
        parser.add_argument("--resume", help="the uid of a stopped push to resume")

    def handle(self, *args, **options) -> None:
        try:
            if options["resume"]:
                push = services.push_resume(by=None, push=self.push(options["resume"]))
            else:
                month = month_before(timezone.localdate().replace(day=1))
                if options["month"]:
                    period = Period.parse(options["month"])
                    if period is None or period.span != "month":
                        raise CommandError("--month: give a month as YYYY-MM")
                    month = period.start
                push = services.push_period(
                    by=None,
                    union=self.union(options["union"]),
                    month=month,
                    dry_run=options["dry_run"],
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        sent = services.push_send(push)
        if sent is None:
            self.stdout.write(f"push {push.uid}: taken by `mutualis work`, which sends it")
            return
        push = sent
        self.stdout.write(
            f"push {push.uid}: {push.status}, chunks {push.chunks_done}/{push.chunks_total}, "
            f"values {push.values_sent}, imported {push.imported}, updated {push.updated}, "
            f"ignored {push.ignored}, deleted {push.deleted}, conflicts {push.conflict_count}"
            + (" (dry run)" if push.dry_run else "")
        )
        if push.status != Push.Status.DONE:
            raise CommandError(push.message)

    def union(self, name: str | None) -> Organisation:
        if not name:
            raise CommandError("--union: give the union's code or uid")
        unions = Organisation.objects.filter(kind__in=UNIONS)
        try:
            found = list(unions.filter(uid=uuid.UUID(name)))
        except ValueError:
            found = list(unions.filter(code=name)[:2])
        if len(found) != 1:
            raise CommandError(f"--union: {'no' if not found else 'more than one'} union {name}")
        return found[0]

    def push(self, uid: str) -> Push:
        try:
            return Push.objects.get(uid=uuid.UUID(uid))
        except (ValueError, Push.DoesNotExist):
            raise CommandError(f"--resume: no push {uid}") from None
