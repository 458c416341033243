"""Counts and amounts in words, so that every screen and command reads the same way.

"1 of 1 experiments" and "cost 1 GPU-hours" were written by hand in several places; these
helpers are the one place that knows when a noun takes its plural. Pure functions of
their arguments: the screens, the detail pane and the command line share them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Decimals kept at most when a spread is tiny (values that agree to 1e-10 are equal).
MAX_DECIMALS = 10


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``count`` and the noun, singular only for exactly one: "1 seed", "0 seeds".

    English's regular plurals (match -> matches, strategy -> strategies); give
    ``plural_form`` for any other ("analysis", "analyses").
    """
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {plural_form or _plural(noun)}"


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("", *"aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


def amount(value: float, unit: str) -> str:
    """An amount in the budget's unit, which the user names in the plural ("GPU-hours",
    "days"): singular for exactly 1 ("1 GPU-hour"), as named otherwise ("0.5 days").

    A unit that does not end in "s" (kWh, EUR) is a symbol: it never changes.
    """
    number = f"{value:g}"
    if not unit:
        return number
    if value == 1 and unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]
    return f"{number} {unit}"


def mean_sd(values: Sequence[float]) -> str:
    """Several seeds' values as "mean ± sd" (one value as it is, none as "-").

    The spread is rounded to its first significant digit and the mean to the same
    decimal place, as results are reported: "0.743 ± 0.003", not "0.7430 ± 0.0028".
    """
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:g}"
    import statistics  # ~5 ms of imports (fractions, decimal, random): not at start-up

    mean = statistics.fmean(values)
    spread = statistics.stdev(values)
    if spread == 0:
        return f"{mean:g} ± 0"
    decimals = min(MAX_DECIMALS, max(0, -math.floor(math.log10(spread))))
    return f"{_fixed(mean, decimals)} ± {_fixed(spread, decimals)}"


def _fixed(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
