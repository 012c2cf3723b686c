from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualis.core.event_check import SHOWN, check


class Command(BaseCommand):
    help = (
        "Compares the event log with the tables: every row has its event, every event its row, "
        "and each organisation's log is numbered without a gap. Fails when they differ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print only the differences")

    def handle(self, *args: object, **options: object) -> None:
        report = check()
        for difference in report.differences:
            if not difference and not options["quiet"]:
                self.stdout.write(f"{difference.label}: in agreement")
            for uids, what in (
                (difference.without_event, "rows without their event"),
                (difference.without_row, "events naming no row"),
                (difference.repeated, "rows named by more than one event"),
            ):
                if uids:
                    shown = ", ".join(str(uid) for uid in uids[:SHOWN])
                    more = f" and {len(uids) - SHOWN} more" if len(uids) > SHOWN else ""
                    self.stdout.write(f"{difference.label}: {len(uids)} {what}: {shown}{more}")
        for gap in report.gaps:
            self.stdout.write(
                f"log of organisation {gap.organisation_id}: {gap.events} events numbered "
                f"{gap.first}–{gap.last}, {gap.numbered} numbers given"
            )
        if not report:
            raise CommandError("The event log and the tables differ.")
        self.stdout.write("The event log and the tables agree.")
