"""A key of the app, declared once as a ``Command``, and the groups several screens share.

Each command feeds the screen's bindings (and so the footer), the command palette (as
"area: verb") and the help screen, so the three can never disagree. Binding ids let a
keymap remap keys later. Which screen has which commands is said by its entry in
``modes.MODES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class Command:
    area: str
    verb: str
    keys: str
    action: str
    footer: str = ""
    show: bool = True
    key_display: str | None = None
    priority: bool = False
    palette: bool = True
    group: Binding.Group | None = None
    #: It changes the project: hidden and refused while the file is open read-only.
    writes: bool = False

    @property
    def id(self) -> str:
        return f"{self.area}.{self.action}".replace(" ", "-")

    @property
    def title(self) -> str:
        return f"{self.area}: {self.verb}"

    @property
    def display_keys(self) -> str:
        if self.key_display:
            return self.key_display
        return " ".join(_pretty(k) for k in self.keys.split(","))

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.footer or self.verb,
            show=self.show and bool(self.footer),
            key_display=self.key_display,
            priority=self.priority,
            id=self.id,
            group=self.group,
        )


_PRETTY = {
    "enter": "⏎",
    "escape": "esc",
    "delete": "del",
    "question_mark": "?",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "comma": ",",
    "full_stop": ".",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def _pretty(key: str) -> str:
    return _PRETTY.get(key, key)


def bindings(commands: Iterable[Command]) -> list[BindingType]:
    return [c.binding() for c in commands]


def key_span(keys: Iterable[str]) -> str:
    """Digit keys as the key bar shows them: "1-4", "0-4", "0-9", "1-3 5"."""
    digits = sorted({int(k) for k in keys})
    runs: list[list[int]] = []
    for digit in digits:
        if runs and digit == runs[-1][-1] + 1:
            runs[-1].append(digit)
        else:
            runs.append([digit])
    return " ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else " ".join(map(str, r)) for r in runs)


# The matrix on the keyboard: top row high impact, right column high probability.
#     q Moonshot    w Quick win
#     a Avoid       s Incremental
TRIAGE = (
    Command("triage", "moonshot", "q", "triage('moonshot')", "Moonshot", show=False, writes=True),
    Command(
        "triage", "quick win", "w", "triage('quick_win')", "Quick win", show=False, writes=True
    ),
    Command("triage", "avoid", "a", "triage('avoid')", "Avoid", show=False, writes=True),
    Command(
        "triage",
        "incremental",
        "s",
        "triage('incremental')",
        "Incremental",
        show=False,
        writes=True,
    ),
    Command(
        "triage",
        "raise impact",
        "plus,equals_sign",
        "nudge_impact(1)",
        key_display="+",
        writes=True,
    ),
    Command("triage", "lower impact", "minus", "nudge_impact(-1)", key_display="-", writes=True),
    Command(
        "triage",
        "raise probability 5 points",
        "greater_than_sign,full_stop",
        "nudge_probability(1)",
        key_display=">",
        writes=True,
    ),
    Command(
        "triage",
        "lower probability 5 points",
        "less_than_sign,comma",
        "nudge_probability(-1)",
        key_display="<",
        writes=True,
    ),
)
