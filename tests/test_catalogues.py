"""French is the default language and English is complete (design-rules.md rule 8): every string the
code marks for translation is in the catalogues, translated, and nothing is left fuzzy."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "mutualis"
CATALOGUES = {lang: SOURCE / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("fr", "en")}


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_the_catalogue_translates_every_message(language):
    catalogue = polib.pofile(str(CATALOGUES[language]))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogues_hold_every_message_of_the_code(tmp_path):
    # Extract afresh from a copy of the sources and compare with the committed catalogue.
    copy = tmp_path / "mutualis"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "fr",
            "--no-location",
            "--ignore",
            "static/*",
            "--settings",
            "mutualis.config.settings",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {
        entry.msgid
        for entry in polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po"))
        if not entry.obsolete
    }
    committed = {entry.msgid for entry in polib.pofile(str(CATALOGUES["fr"])) if not entry.obsolete}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"


def test_the_english_catalogue_says_what_the_source_says():
    # English is the language of the source strings: a fuzzy guess of gettext's would put
    # "legal registration date" where "registration fee" was meant.
    catalogue = polib.pofile(str(CATALOGUES["en"]))
    differing = [
        entry.msgid for entry in catalogue if not entry.msgid_plural and entry.msgstr != entry.msgid
    ]
    assert differing == []


def test_the_french_catalogue_keeps_french_typography():
    # One apostrophe, and a no-break space before : ; ! ? and inside « » so that the sign never
    # starts a line (scripts/french_typography.py sets both).
    catalogue = polib.pofile(str(CATALOGUES["fr"]))
    wrong = [
        text
        for entry in catalogue
        if not entry.obsolete
        for text in (entry.msgstr, *entry.msgstr_plural.values())
        if "'" in text or re.search(r"[ \t][:;!?»]|«[ \t]", text)
    ]
    assert wrong == []
