"""Printing for people and for scripts: clean text, aligned tables, safe JSON.

User text is data: anything printed to a terminal goes through ``clean`` (control
characters, ANSI escapes and bidi overrides removed, even if they reached the file some
other way). JSON keeps the text exact but writes those characters as ``\\uXXXX`` escapes,
so ``--json`` output is safe to print too.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..domain.text import safe_for_display
from ..store.codec import timestamp

# json.dumps escapes C0 controls itself; these are the others a terminal acts on.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """One line of user text (or any value), safe to print on a terminal."""
    return safe_for_display(str(value))


def clean_lines(value: str) -> list[str]:
    """Multi-line user text, each line made safe (tabs become spaces)."""
    return [safe_for_display(line) for line in value.split("\n")]


def dumps(data: Any) -> str:
    """JSON for scripts: readable Unicode, but nothing a terminal would interpret."""
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def out(line: str = "") -> None:
    print(line, file=sys.stdout)


def cell_width(text: str) -> int:
    """Columns a string takes on a terminal (wide East Asian characters count twice)."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def truncate(text: str, width: int) -> str:
    if cell_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        size = cell_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - cell_width(text))
    return gap + text if right else text + gap


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Sequence[bool],
    limits: dict[int, int] | None = None,
) -> list[str]:
    """Rows aligned under their headers; column i is cut to ``limits[i]`` cells if given."""
    limits = limits or {}
    cut = [[truncate(c, limits[i]) if i in limits else c for i, c in enumerate(r)] for r in rows]
    widths = [max([cell_width(h)] + [cell_width(r[i]) for r in cut]) for i, h in enumerate(headers)]
    lines = []
    for row in [list(headers), *cut]:
        cells = [pad(c, widths[i], right[i]) for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


# -- values --------------------------------------------------------------------------------
def number(value: float | int | None, spec: str = "g") -> str:
    return "-" if value is None else format(value, spec)


def percent(value: float | None) -> str:
    if value is None:
        return "-"
    shown = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{shown}%"


def when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def iso(value: datetime | None) -> str | None:
    return None if value is None else timestamp(value)


def size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"
