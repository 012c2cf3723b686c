"""zip_bomb_refused_ms and pdf_text_20k_chars_ms: what a hostile file or text costs a worker.

A workbook of about 1 MB whose sheet inflates to 1 GB is refused from its zip directory, before
anything is inflated; a reference of 20,000 characters is fitted into a receipt's box and
wrapped into a few lines (the receipt took 33 s before the fitting became linear). Medians of 20
runs, in a process of its own (bench/probes/hostile_input.py).
"""

from bench import BenchError, Context, Result


def run(ctx: Context) -> list[Result]:
    figures = ctx.probe(
        "hostile_input", database_url=ctx.sqlite_url(ctx.tmp / "unused.sqlite3"), timeout=300
    )
    if figures["bomb_bytes"] > 5_000_000:
        raise BenchError(f"the bomb weighs {figures['bomb_bytes']} bytes: not a bomb")
    return [
        Result(
            "zip_bomb_refused_ms", figures["zip_bomb_refused_ms"], "ms", goal=100, better="lower"
        ),
        Result(
            "pdf_text_20k_chars_ms",
            figures["pdf_text_20k_chars_ms"],
            "ms",
            goal=100,
            better="lower",
        ),
    ]
