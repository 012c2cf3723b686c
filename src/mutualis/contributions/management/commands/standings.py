"""`mutualis standings`: brings every household's standing up to date ahead of the homes and
the arrears lists, which otherwise rebuild what is missing or stale on their first read: after
an upgrade or a large import, run it once (a national register of 100,000 households takes
about a minute) rather than let a union officer's first home wait for it."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mutualis.contributions import standing
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Kind


class Command(BaseCommand):
    help = "Brings the households' standings (arrears, cover ending) up to date."

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        total = 0
        for mutual in Organisation.objects.filter(kind=Kind.MUTUAL).order_by("pk"):
            stale = standing.stale_in([mutual.pk], today)
            if stale:
                with transaction.atomic():
                    standing.refresh(stale, today)
                total += len(stale)
                if options["verbosity"] >= 2:
                    self.stdout.write(f"{mutual.code}: {len(stale)}")
        if options["verbosity"]:
            self.stdout.write(f"{total} households brought up to date")
