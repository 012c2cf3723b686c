"""A process for the crash tests (tests/faults/test_kill_nine.py) to kill: it works on the
database that DATABASE_URL names, and prints "working" just before its long transaction.

    crash_worker.py setup     a union, a mutual, a package paid by nobody, a health post under
                              agreement with the mutual; 200 households enrolled by the service
    crash_worker.py import    imports a register of 3,000 new households (9,000 people)
    crash_worker.py claims    submits 20,000 claims of the mutual's members in one batch
    crash_worker.py consume   hands every event to a consumer that counts them in `tally`
                              (primary key: the event's uid), a small batch at a time
"""

import datetime
import io
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from mutualis.claims.services import ClaimInput, LineInput, claims_submit  # noqa: E402
from mutualis.core.consumers import Consumer, drain, each  # noqa: E402
from mutualis.federation.models import Organisation  # noqa: E402
from mutualis.membership.imports import COLUMNS, register_import  # noqa: E402
from mutualis.membership.models import Beneficiary  # noqa: E402
from mutualis.providers.models import (  # noqa: E402
    Agreement,
    AgreementVersion,
    MedicalItem,
    Tariff,
)
from mutualis.providers.services import provider_create  # noqa: E402
from tests.network import heads_enrolled, small_network  # noqa: E402

D = datetime.date


def setup() -> None:
    mutual, package = small_network()
    union = mutual.parent
    heads_enrolled(mutual, package, 200, "Awa")
    item = MedicalItem.objects.create(
        owner=union, kind="act", code="CS", label="Consultation", service_category="consultation"
    )
    post = provider_create(
        by=None,
        owner=union,
        code="PS",
        name="Poste de santé",
        kind="health_post",
        level="health_post",
        sector="public",
    )
    agreement = Agreement.objects.create(
        provider=post,
        party=mutual,
        reference="C-1",
        signed_on=D(2024, 12, 1),
        starts_on=D(2025, 1, 1),
    )
    version = AgreementVersion.objects.create(
        agreement=agreement, valid_from=D(2025, 1, 1), submission_days=3650
    )
    Tariff.objects.create(version=version, item=item, price=1000)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE tally (event varchar(36) PRIMARY KEY, organisation bigint,"
            " sequence bigint)"
        )


def register() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([column.fr for column in COLUMNS])
    for n in range(3000):
        for relationship, first, sex, born in (
            ("chef", "Mamadou", "M", D(1970, 1, 1)),
            ("conjoint", "Coumba", "F", D(1975, 1, 1)),
            ("enfant", "Aliou", "M", D(2015, 1, 1)),
        ):
            values = {
                "household_ref": f"H{n}",
                "relationship": relationship,
                "last_name": f"Ndiaye{n}",
                "first_name": first,
                "sex": sex,
                "birth_date": born + datetime.timedelta(days=n % 300),
                "enrolled_on": D(2025, 2, 1),
                "package": "CMU",
            }
            sheet.append([values.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main(mode: str) -> None:
    if mode == "setup":
        setup()
        return
    if mode == "import":
        content = register()
        print("working", flush=True)
        register_import(
            by=None,
            mutual=Organisation.objects.get(code="M1"),
            file_name="registre.xlsx",
            content=content,
        )
    elif mode == "claims":
        numbers = list(Beneficiary.objects.values_list("member_number", flat=True)[:200])
        claims = [
            ClaimInput(
                member_number=numbers[n % len(numbers)],
                provider_code="PS",
                provider_reference=f"F-{os.getpid()}-{n}",
                service_from=D(2025, 3, 1) + datetime.timedelta(days=n % 200),
                service_to=None,
                lines=(LineInput("CS", 1, 1000),),
            )
            for n in range(20000)
        ]
        print("working", flush=True)
        claims_submit(claims, channel="upload", actor=None, scope_prefix="/", today=D(2025, 12, 1))
    elif mode == "consume":

        def count(event) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO tally VALUES (%s, %s, %s)",
                    [str(event.uid), event.organisation_id, event.sequence],
                )

        print("working", flush=True)
        drain(Consumer("tally", each(count)), batch=50)
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
