"""The top line: the screens with the key that opens each, and the project and its goal.

It fits what it can: with room, every screen's name; on a narrow terminal the screen on
show keeps its name and the others show only their key (and the inbox its count). The
project's goal (metric, direction, baseline → target) comes before its name and its
deadline, which go first when the line is short.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from .. import modes
from ..domain.text import safe_for_display


@dataclass(frozen=True, slots=True)
class ProjectLine:
    """What the bar says about the project (each part as it is shown)."""

    name: str = ""
    goal: str = ""
    due: str = ""

    def choices(self) -> list[str]:
        """The ways to say it, longest first: each drops the least needed part."""
        parts = [
            [self.name, self.goal, self.due],
            [self.name, self.goal],
            [self.goal, self.due],
            [self.goal],
            [self.name],
        ]
        seen: list[str] = []
        for kept in parts:
            line = " · ".join(p for p in kept if p)
            if line and line not in seen:
                seen.append(line)
        return seen

    @property
    def named_goal(self) -> str:
        """The name and the goal: what the bar keeps the screens' names for."""
        return " · ".join(part for part in (self.name, self.goal) if part)

    @property
    def essential(self) -> str:
        """What is shown, cut short, when nothing fits: the goal (or the name)."""
        return self.goal or self.name


class ModeBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mode-bar--active",
        "mode-bar--mode",
        "mode-bar--project",
        "mode-bar--notice",
    }

    active: reactive[str] = reactive("")
    project: reactive[ProjectLine] = reactive(ProjectLine)
    #: Compared by value: a change saved elsewhere redraws the bar only if a badge changed.
    badge: reactive[dict[str, str]] = reactive(dict)
    notice: reactive[str] = reactive("")

    def __init__(self, active: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ModeBar.active, active)

    def _chips(self, compact: bool) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for mode in modes.registered():
            current = mode.name == self.active
            style = self.get_component_rich_style(
                "mode-bar--active" if current else "mode-bar--mode"
            )
            extra = self.badge.get(mode.name, "")
            if compact and not current:
                text.append(f" {mode.key}{extra.strip()} ", style=style)
            else:
                text.append(f" {mode.key} {mode.label}{extra} ", style=style)
            text.append(" ")
        if self.notice:
            text.append(f" {self.notice} ", style=self.get_component_rich_style("mode-bar--notice"))
            text.append(" ")
        return text

    def render(self) -> Text:
        width = self.size.width
        choices = [safe_for_display(line) for line in self.project.choices()]
        essential = safe_for_display(self.project.essential)
        # Every screen's name while the project's name and goal still fit beside them;
        # else only their keys.
        text = self._chips(compact=False)
        room = width - cell_len(text.plain) - 1
        if cell_len(safe_for_display(self.project.named_goal)) > room:
            text = self._chips(compact=True)
            room = width - cell_len(text.plain) - 1
        shown = next((line for line in choices if cell_len(line) <= room), essential)
        text.append(" ")
        text.append(shown, style=self.get_component_rich_style("mode-bar--project"))
        return text
