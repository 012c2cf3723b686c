"""Run by bench_hostile_input.py in a process of its own: how long a hostile file takes to be
refused and a very long text to be fitted into a PDF's box, prints the figures as JSON."""

import io
import json
import os
import statistics
import time
import zipfile

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
django.setup()

from openpyxl import Workbook  # noqa: E402

from mutualis.core.pdf import fit_text, wrap_text  # noqa: E402
from mutualis.core.spreadsheets import UnreadableFile, file_rows  # noqa: E402

REPEATS = 20
LONG_TEXT = ("Reçu n° 2026-000123, virement Wave " * 600)[:20_000]


def median_ms(action) -> float:
    durations = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        durations.append(time.perf_counter() - started)
    return round(statistics.median(durations) * 1000, 2)


def bomb() -> bytes:
    """A real workbook whose sheet inflates to 1 GB of spaces (about 1 MB on disk)."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                with target.open(member.filename, "w", force_zip64=True) as part:
                    block = b" " * 2**20
                    for _ in range(1024):
                        part.write(block)
            else:
                target.writestr(member, source.read(member))
    return out.getvalue()


def refused(content: bytes) -> None:
    try:
        list(file_rows("registre.xlsx", content))
    except UnreadableFile:
        return
    raise SystemExit("the bomb was read")


def main() -> None:
    content = bomb()
    figures = {
        "bomb_bytes": len(content),
        "zip_bomb_refused_ms": median_ms(lambda: refused(content)),
        "pdf_text_20k_chars_ms": median_ms(
            lambda: (
                fit_text(LONG_TEXT, "Helvetica", 10, 300, 7),
                wrap_text(LONG_TEXT, "Helvetica", 10, 300, 4),
            )
        ),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
