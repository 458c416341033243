"""The figures of the benchmark, in the order of the summary table.

One module each, which defines ``FIGURE`` (a ``common.Figure`` named like the module); a
module without it (save_steps) is part of another figure. To add a figure, write its module
and add its name below.
"""

from __future__ import annotations

import importlib

from common import Figure

NAMES = (
    "launch",
    "what_if",
    "keypress_terminal",
    "keypress_inprocess",
    "type_ahead",
    "imports",
    "save",
    "tinydb_update",
    "open",
    "portfolio",
)


def load() -> list[Figure]:
    figures = []
    for name in NAMES:
        figure = importlib.import_module(f"figures.{name}").FIGURE
        if not isinstance(figure, Figure) or figure.name != name:
            raise TypeError(f"figures/{name}.py: FIGURE must be a Figure named {name!r}")
        figures.append(figure)
    return figures
