"""Sets the French catalogue's typography: one apostrophe (’) and a no-break space before : ; ! ?
and inside « ». Run after `make messages` and translating; tests/test_catalogues.py checks it.

    .venv/bin/python scripts/french_typography.py
"""

import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "src/mutualis/locale/fr/LC_MESSAGES/django.po"
NO_BREAK = "\u00a0"


def french(text: str) -> str:
    text = text.replace("'", "’")
    text = re.sub(r" ([:;!?»])", NO_BREAK + r"\1", text)
    return text.replace("« ", "«" + NO_BREAK)


def main() -> None:
    catalogue = polib.pofile(str(CATALOGUE), wrapwidth=79)
    for entry in catalogue:
        if entry.obsolete:
            continue
        entry.msgstr = french(entry.msgstr)
        for index, text in entry.msgstr_plural.items():
            entry.msgstr_plural[index] = french(text)
    catalogue.save()


if __name__ == "__main__":
    main()
