"""The top line: the project, its goal, and the screens with the key that opens each."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ..commands import MODES
from ..domain.text import safe_for_display


class ModeBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mode-bar--active",
        "mode-bar--mode",
        "mode-bar--project",
        "mode-bar--notice",
    }

    active: reactive[str] = reactive("backlog")
    project: reactive[str] = reactive("")
    #: Compared by value: a change saved elsewhere redraws the bar only if a badge changed.
    badge: reactive[dict[str, str]] = reactive(dict)
    notice: reactive[str] = reactive("")

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for mode in MODES:
            style = self.get_component_rich_style(
                "mode-bar--active" if mode.name == self.active else "mode-bar--mode"
            )
            extra = self.badge.get(mode.name, "")
            text.append(f" {mode.key} {mode.label}{extra} ", style=style)
            text.append(" ")
        if self.notice:
            text.append(f" {self.notice} ", style=self.get_component_rich_style("mode-bar--notice"))
        text.append(" ")
        text.append(
            safe_for_display(self.project), style=self.get_component_rich_style("mode-bar--project")
        )
        return text
