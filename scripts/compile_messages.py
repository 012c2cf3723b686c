"""Compiles the translation catalogues (.po → .mo) without GNU gettext, so that set-up needs
nothing but Python. With --fill-source-language LANG, first copies each message id to its
translation in that language's catalogue: the source strings are English."""

import argparse
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "mutualis" / "locale"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fill-source-language")
    args = parser.parse_args()
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        if args.fill_source_language and po_path.parts[-3] == args.fill_source_language:
            for entry in catalogue:
                # the source strings are the English text: gettext's fuzzy guesses never stand
                entry.msgstr = entry.msgid
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            catalogue.save()
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    main()
