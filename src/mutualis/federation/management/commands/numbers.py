"""`mutualis numbers reserve` and `mutualis numbers receive`: blocks of an organisation's
numbers reserved by its server for an installation that works offline (core.numbering)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mutualis.core.numbering import Block, block_receive, block_reserve
from mutualis.federation.models import Organisation
from mutualis.federation.queries import organisation_coded
from mutualis.federation.rules import Kind

# the series a mutual's work numbers: households, members, receipts, guarantee letters and
# the statements of the providers it pays
SERIES = ("household", "member", "receipt", "letters", "provider_statement")


class Command(BaseCommand):
    help = (
        "On the server: reserve a block of an organisation's numbers for another installation "
        "(reserve ORGANISATION --count N --to FILE). On that installation: take the block in "
        "(receive FILE). Member, receipt and statement numbers then never collide."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        reserve = actions.add_parser("reserve", help="reserve a block for another installation")
        reserve.add_argument("organisation", help="the organisation's code (PARENT/CODE) or uid")
        reserve.add_argument("--count", type=int, default=10_000, help="numbers per series")
        reserve.add_argument("--series", default=",".join(SERIES), help="comma-separated")
        reserve.add_argument("--to", required=True, help="the file to hand to the installation")
        receive = actions.add_parser("receive", help="take in a block reserved by the server")
        receive.add_argument("file")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["action"] == "reserve":
                self.reserve(options)
            else:
                self.receive(Path(str(options["file"])))
        except (LookupError, ValidationError, ValueError, KeyError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            raise CommandError(str(message)) from error

    def reserve(self, options: dict[str, object]) -> None:
        count = int(str(options["count"]))
        if not 1 <= count <= 1_000_000:
            raise ValueError("--count: between 1 and 1,000,000 numbers per series")
        organisation = organisation_coded(str(options["organisation"]), Kind.values, "organisation")
        names = [name.strip() for name in str(options["series"]).split(",") if name.strip()]
        with transaction.atomic():
            blocks = [block_reserve(organisation.pk, name, count) for name in names]
        Path(str(options["to"])).write_text(
            json.dumps(
                {
                    "from": settings.MUTUALIS_INSTALLATION,
                    "organisation": str(organisation.uid),
                    "blocks": [vars(block) for block in blocks],
                },
                indent=1,
            )
        )
        for block in blocks:
            self.stdout.write(f"{organisation.code} {block.name}: {block.first}–{block.last}")

    def receive(self, file: Path) -> None:
        sent = json.loads(file.read_text())
        organisation = Organisation.objects.filter(uid=sent["organisation"]).first()
        if organisation is None:
            raise LookupError(f"No organisation {sent['organisation']} here.")
        for block in sent["blocks"]:
            received = Block(str(block["name"]), int(block["first"]), int(block["last"]))
            block_receive(organisation.pk, received)
            self.stdout.write(
                f"{organisation.code} {received.name}: {received.first}–{received.last}"
            )
