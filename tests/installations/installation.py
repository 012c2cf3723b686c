"""One installation of the two-installation tests (tests/installations/test_two.py): it works
on the database DATABASE_URL names, as MUTUALIS_INSTALLATION.

    installation.py setup            tests/network.py's mutual and package (the union's server)
    installation.py enrol N          enrols N households in the mutual and takes a payment of
                                     each: numbers from the mutual's series, and events
    installation.py export FILE      writes the mutual's log (JSON) for the other installation
    installation.py receive FILE     takes in the other installation's events
    installation.py show             prints the member and receipt numbers and the log, as JSON
"""

import datetime
import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.db import transaction  # noqa: E402

from mutualis.contributions.models import Payment  # noqa: E402
from mutualis.contributions.services import payment_record  # noqa: E402
from mutualis.core.events import exported, receive  # noqa: E402
from mutualis.core.models import Event  # noqa: E402
from mutualis.federation.models import Organisation  # noqa: E402
from mutualis.membership.models import Beneficiary  # noqa: E402
from tests.network import heads_enrolled, small_network  # noqa: E402

D = datetime.date


def setup() -> None:
    small_network()


def enrol(count: int) -> None:
    mutual = Organisation.objects.get(code="M1")
    package = mutual.parent.packages.get()
    for household in heads_enrolled(mutual, package, count, os.environ["MUTUALIS_INSTALLATION"]):
        payment_record(
            by=None, household=household, amount=8000, method="cash", received_on=D(2025, 1, 10)
        )


def main(mode: str, *args: str) -> None:
    mutual_id = Organisation.objects.filter(code="M1").values_list("pk", flat=True).first()
    if mode == "setup":
        setup()
    elif mode == "enrol":
        enrol(int(args[0]))
    elif mode == "export":
        Path(args[0]).write_text(json.dumps(exported(mutual_id)))
    elif mode == "receive":
        with transaction.atomic():
            print(receive(json.loads(Path(args[0]).read_text())))
    elif mode == "show":
        print(
            json.dumps(
                {
                    "members": list(Beneficiary.objects.values_list("member_number", flat=True)),
                    "receipts": list(Payment.objects.values_list("receipt_number", flat=True)),
                    "log": list(
                        Event.objects.filter(organisation_id=mutual_id)
                        .order_by("sequence")
                        .values_list("sequence", "origin", "origin_sequence", "uid")
                    ),
                },
                default=str,
            )
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
