"""Every key of the app, declared once.

Each command feeds the screen's bindings (and so the footer), the command palette (as
"area: verb") and the help screen, so the three can never disagree. Binding ids let a
keymap remap keys later.
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


# The matrix on the keyboard: top row high impact, right column high probability.
#     q Moonshot    w Quick win
#     a Avoid       s Incremental
TRIAGE = (
    Command("triage", "moonshot", "q", "triage('moonshot')", "Moonshot", show=False),
    Command("triage", "quick win", "w", "triage('quick_win')", "Quick win", show=False),
    Command("triage", "avoid", "a", "triage('avoid')", "Avoid", show=False),
    Command("triage", "incremental", "s", "triage('incremental')", "Incremental", show=False),
    Command("triage", "raise impact", "plus,equals_sign", "nudge_impact(1)", key_display="+"),
    Command("triage", "lower impact", "minus", "nudge_impact(-1)", key_display="-"),
    Command(
        "triage",
        "raise probability 5 points",
        "greater_than_sign,full_stop",
        "nudge_probability(1)",
        key_display=">",
    ),
    Command(
        "triage",
        "lower probability 5 points",
        "less_than_sign,comma",
        "nudge_probability(-1)",
        key_display="<",
    ),
)


@dataclass(frozen=True, slots=True)
class Mode:
    """One screen of the app, opened with one key: a new screen is one line in ``MODES``."""

    name: str
    key: str
    label: str  # in the mode bar and the footer
    verb: str  # in the palette and the help ("view: <verb>")
    screen: str  # "module:Class" under iterate_tui.screens, imported when first shown


MODES = (
    Mode("backlog", "1", "Backlog", "backlog", "backlog:BacklogScreen"),
    Mode("triage", "2", "Triage", "triage inbox", "triage:TriageScreen"),
    Mode("matrix", "3", "Matrix", "matrix", "matrix:MatrixScreen"),
)

#: The screens share one footer entry ("1 2 3 screens"); the mode bar on top names them.
SCREENS = Binding.Group("screens", compact=False)

APP = (
    *(
        Command("view", m.verb, m.key, f"app.switch_mode({m.name!r})", m.label, group=SCREENS)
        for m in MODES
    ),
    Command("edit", "undo the last change", "u", "app.undo", "Undo"),
    Command("app", "help: every key", "question_mark", "app.help", "Help", key_display="?"),
    Command("app", "quit", "ctrl+q", "app.quit", "Quit", show=False, priority=True),
)

BACKLOG = (
    Command("backlog", "add experiment", "n", "add", "New"),
    Command("backlog", "edit experiment", "e,enter", "edit", "Edit", key_display="e"),
    Command("backlog", "start experiment", "r", "start", "Run"),
    Command("backlog", "finish with a result", "f", "finish", "Finish"),
    Command("backlog", "skip with a reason", "x", "skip", "Skip"),
    Command("backlog", "delete experiment", "delete,D", "delete", "Delete", show=False),
    Command("backlog", "filter", "slash", "filter", "Filter", key_display="/"),
    Command("backlog", "clear filter", "escape", "clear_filter", show=False),
    Command("backlog", "sort by column", "o", "sort", "Sort", show=False),
    Command("backlog", "reverse sort", "O", "reverse_sort", show=False),
    Command("backlog", "zoom detail pane", "z", "zoom", show=False),
    *TRIAGE,
)

INBOX = (
    *TRIAGE,
    Command("inbox", "next idea", "j,down,right", "step(1)", "Next", key_display="j"),
    Command("inbox", "previous idea", "k,up,left", "step(-1)", "Prev", key_display="k"),
    Command("inbox", "edit idea", "e,enter", "edit", "Edit", key_display="e"),
    Command("inbox", "add idea", "n", "add", "New"),
    Command("inbox", "skip idea with a reason", "x", "skip", "Skip"),
)

MATRIX = (
    *TRIAGE,
    Command("matrix", "next quadrant", "tab", "cycle(1)", show=False),
    Command("matrix", "previous quadrant", "shift+tab", "cycle(-1)", show=False),
    Command("matrix", "quadrant to the left", "left,h", "across(-1)", show=False),
    Command("matrix", "quadrant to the right", "right,l", "across(1)", show=False),
    Command("matrix", "edit experiment", "e,enter", "edit", "Edit", key_display="e"),
    Command("matrix", "start experiment", "r", "start", "Run"),
)
