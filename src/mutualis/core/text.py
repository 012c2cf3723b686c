"""Text as people are found by it, whatever the spelling: the register's search, and the words
of every import (the register's, the providers' lists, the claims' batch) compared without
accents, case or punctuation."""

import re
import unicodedata

# An apostrophe joins (N'Diaye, N’Diaye as a phone keyboard types it: "ndiaye"); the letters that
# Unicode does not decompose are spelled out (Lætitia: "laetitia").
SPELLED_OUT = str.maketrans({"'": "", "’": "", "‘": "", "ʼ": "", "æ": "ae", "œ": "oe", "ß": "ss"})


def normalize(text: str) -> str:
    """Lower case, without accents or punctuation: "N'Diaye Aïssatou" → "ndiaye aissatou"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower().translate(SPELLED_OUT)).split())
