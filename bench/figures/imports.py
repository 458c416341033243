"""What start-up imports: one launch (launch + key 2) with PYTHONPROFILEIMPORTTIME=1.

Textual draws on stderr, so the import lines arrive on the same terminal, before and between
the frames; they are picked out of the output."""

from __future__ import annotations

import re

from common import BenchContext, Figure, Report
from terminal import launch_app

HEAVY_MODULES = ("sklearn", "numpy", "scipy", "joblib", "plotext", "textual_plotext", "pandas")
_IMPORT_TIME = re.compile(rb"import time:\s+(\d+) \|\s+(\d+) \| ( *)([\w.]+)")


def measure(ctx: BenchContext) -> Report:
    output = bytearray()
    db = ctx.copy(ctx.sizes[0])
    launch_app(db, ctx.real, env_extra={"PYTHONPROFILEIMPORTTIME": "1"}, output=output)
    imported: dict[str, int] = {}
    top: list[tuple[int, str]] = []
    for match in _IMPORT_TIME.finditer(bytes(output)):
        cumulative, indent, name = int(match.group(2)), match.group(3), match.group(4).decode()
        imported[name] = cumulative
        if not indent:  # imported by the program itself, not by another module
            top.append((cumulative, name))
    heavy = {m: any(n == m or n.startswith(m + ".") for n in imported) for m in HEAVY_MODULES}
    top.sort(reverse=True)
    return Report(
        notes=[
            "imported at start-up (launch + key 2, -X importtime): "
            + ", ".join(f"{m} {'YES' if heavy[m] else 'no'}" for m in HEAVY_MODULES)
            + f"  ({len(imported)} modules)",
            "  slowest top-level imports: "
            + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in top[:6]),
        ]
    )


FIGURE = Figure("imports", "what start-up imports", measure)
