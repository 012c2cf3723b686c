"""The chart of accounts the project ships (data/pcms.csv: the PCMS's classes 1–8 and their
accounts, labels in French and English) and the mapping of the automatic entries' operations to
its accounts (data/mapping.csv), loaded after every `migrate` (and after a test's flush): an
account or an operation the files add in a new version appears; nothing is changed or removed,
since entries point at the accounts."""

import csv
import datetime
from pathlib import Path
from typing import Any

from mutualis.accounting.models import Account, Mapping

DATA = Path(__file__).resolve().parent / "data"
# the shipped mapping applies to every entry, whatever its date
FROM_THE_START = datetime.date(2000, 1, 1)


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def load_shipped(**_signal: Any) -> None:
    known = set(Account.objects.filter(owner=None).values_list("number", flat=True))
    Account.objects.bulk_create(
        Account(number=row["number"], label_fr=row["label_fr"], label_en=row["label_en"])
        for row in rows("pcms.csv")
        if row["number"] not in known
    )
    accounts = dict(Account.objects.filter(owner=None).values_list("number", "pk"))
    mapped = set(Mapping.objects.filter(owner=None).values_list("operation", flat=True))
    Mapping.objects.bulk_create(
        Mapping(
            operation=row["operation"],
            account_id=accounts[row["account"]],
            valid_from=FROM_THE_START,
        )
        for row in rows("mapping.csv")
        if row["operation"] not in mapped
    )
