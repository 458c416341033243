"""The triage keys drawn as the matrix they stand for, so they are always on screen.

q Moonshot      w Quick win        top row: high impact
a Avoid         s Incremental      right column: high probability
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from ..domain.enums import Quadrant
from ..domain.matrix import LAYOUT, SNAP_DEFAULTS

KEYS = {
    Quadrant.MOONSHOT: "q",
    Quadrant.QUICK_WIN: "w",
    Quadrant.AVOID: "a",
    Quadrant.INCREMENTAL: "s",
}


def quadrant_class(q: Quadrant) -> str:
    return q.value.replace("_", "-")


class TriageKeypad(Widget):
    """A small always-visible legend of the triage keys, laid out like the matrix."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "triage-keypad--key",
        "triage-keypad--hint",
        *(f"triage-keypad--{quadrant_class(q)}" for q in Quadrant),
    }

    def __init__(self, *, show_defaults: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_defaults = show_defaults

    def render(self) -> Text:
        key_style = self.get_component_rich_style("triage-keypad--key")
        hint = self.get_component_rich_style("triage-keypad--hint")
        width = 17 if self.show_defaults else 12
        text = Text(no_wrap=True, overflow="ellipsis")
        for row in LAYOUT:
            for column, q in enumerate(row):
                text.append(f" {KEYS[q]} ", style=key_style)
                label = q.label
                if self.show_defaults:
                    impact, probability = SNAP_DEFAULTS[q]
                    label = f"{label} {impact}/{probability:.0%}"
                text.append(
                    f" {label:<{width}}",
                    style=self.get_component_rich_style(f"triage-keypad--{quadrant_class(q)}"),
                )
                if column == 0:
                    text.append("│", style=hint)
            text.append("\n")
        if self.show_defaults:
            text.append(" +/- impact  </> probability  u undo", style=hint)
        else:
            text.append(" +/- impact  </> prob  u undo", style=hint)
        return text
