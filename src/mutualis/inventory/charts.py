"""The synthesis's charts, drawn as SVG on the server (no script, nothing from another site):
bars for a year's counts and the monitoring's trend line for a figure across years."""

from collections.abc import Sequence
from types import SimpleNamespace

from mutualis.monitoring.dashboard import sparkline

WIDTH = 240  # the longest bar, in the SVG's units


def bars(counts: Sequence[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """(label, count, length of its bar) for each count, the largest the whole width."""
    largest = max((count for _label, count in counts), default=0) or 1
    return [
        (label, count, max(1, WIDTH * count // largest) if count else 0) for label, count in counts
    ]


def trend_line(values: Sequence[int | None], width: int = 240, height: int = 48) -> str:
    """The path of a line through the years' values (a year without one breaks it)."""
    return sparkline([SimpleNamespace(value=value) for value in values], width, height)
