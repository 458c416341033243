"""The project's settings, each checked as it is typed by the same rules as
``iterate-tui settings --set`` (``domain.settings.SETTING_SPECS``: its label, its range,
its parser).

Edits are kept in the fields until ctrl+s (or enter) saves them all as one change, which
u undoes; escape puts back what is saved. Beside the phase the app says which phase the
calendar and the budget suggest, and why. A saved change of a coefficient or a threshold
re-ranks the backlog and re-derives the quadrants, as every screen hears of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from ..domain.enums import Labelled
from ..domain.errors import IterateError, ValidationError
from ..domain.portfolio import PhaseSuggestion, spent_cost, suggest_phase
from ..domain.settings import SETTING_SPECS, ProjectSettings, SettingSpec, apply_settings
from ..domain.text import safe_for_display
from ..widgets.typed_input import TypedInput
from .base import ModeScreen, writing


def _shown(spec: SettingSpec, value: Any) -> str:
    """A value as its field holds it (an empty field for none)."""
    return "" if value is None else spec.show(value)


class SettingsScreen(ModeScreen, mode="settings"):
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    #settings-intro {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    #settings-scroll {
        height: 1fr;
        padding: 0 1;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    #settings-grid {
        grid-size: 3;
        grid-columns: 22 26 1fr;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: auto;
    }
    #settings-grid Label {
        color: $text-muted;
    }
    #settings-grid .setting-help {
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    #settings-grid .setting-help.-invalid {
        color: $text-error;
    }
    #settings-grid Input.-dirty, #settings-grid Select.-dirty {
        text-style: bold;
    }
    #settings-status {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    """
    #: Nothing has the focus on arrival, so the screen keys work at once; tab goes into the
    #: fields (and esc out of one left as it was).
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        #: The settings the fields were last filled from.
        self.saved = ProjectSettings()
        #: Whether the fields were ever filled (until then nothing is being edited).
        self._filled = False
        #: The phase the saved settings and the project suggest (worked out with them).
        self.suggested: PhaseSuggestion | None = None

    def compose_body(self) -> Iterator[Widget]:
        with Vertical(id="settings"):
            yield Static(
                Text(
                    "tab goes into the fields; each value is checked as you type. ctrl+s or "
                    "enter saves every change, u undoes it; esc puts back what is not saved "
                    "and leaves the field, so the screen keys work again."
                ),
                id="settings-intro",
            )
            scroll = VerticalScroll(id="settings-scroll", can_focus=False)
            with scroll, Grid(id="settings-grid"):
                for spec in SETTING_SPECS:
                    yield Label(Text(spec.label))
                    yield self._field(spec)
                    yield Static(
                        Text(spec.range_text, no_wrap=True, overflow="ellipsis"),
                        id=f"help-{spec.key}",
                        classes="setting-help",
                    )
            yield Static("", id="settings-status")

    def _field(self, spec: SettingSpec) -> Widget:
        current = getattr(ProjectSettings(), spec.key)
        if isinstance(current, Labelled):
            return Select(
                [(member.value, member.value) for member in type(current)],
                value=current.value,
                allow_blank=False,
                id=f"setting-{spec.key}",
                compact=True,
            )
        return TypedInput(id=f"setting-{spec.key}", compact=True)

    # -- what is shown -----------------------------------------------------------------------
    def refresh_view(self) -> None:
        """Fill the fields from the saved settings; a field being edited keeps its text."""
        settings = self.session.settings
        edits = self.edits() if self._filled else {}
        self.saved = settings
        self._filled = True
        # Once per change of the project, not per key typed: it goes over every experiment.
        spent = spent_cost(self.session.experiments())
        self.suggested = suggest_phase(settings, spent, self.session.clock().date())
        for spec in SETTING_SPECS:
            if spec.key in edits:
                continue
            value = getattr(settings, spec.key)
            widget = self.query_one(f"#setting-{spec.key}")
            with widget.prevent(Input.Changed, Select.Changed):
                if isinstance(widget, Select):
                    widget.value = value.value
                elif isinstance(widget, Input):
                    widget.value = _shown(spec, value)
        self.check()

    def edits(self) -> dict[str, str]:
        """What the fields hold that differs from the saved settings, as typed."""
        changed: dict[str, str] = {}
        for spec in SETTING_SPECS:
            widget = self.query_one(f"#setting-{spec.key}")
            saved = _shown(spec, getattr(self.saved, spec.key))
            typed = str(widget.value) if isinstance(widget, Select | Input) else saved
            if typed != saved:
                changed[spec.key] = typed
        return changed

    def check(self) -> list[str]:
        """Check every field as typed; mark the bad ones and say what is wrong."""
        problems: list[str] = []
        edits = self.edits()
        for spec in SETTING_SPECS:
            widget = self.query_one(f"#setting-{spec.key}")
            help_line = self.query_one(f"#help-{spec.key}", Static)
            problem = None
            if spec.key in edits:
                try:
                    spec.read(edits[spec.key])
                except ValidationError as exc:
                    problem = str(exc)
            widget.set_class(spec.key in edits, "-dirty")
            widget.set_class(problem is not None, "-invalid")
            help_line.set_class(problem is not None, "-invalid")
            shown = problem if problem is not None else spec.range_text
            help_line.update(Text(safe_for_display(shown), no_wrap=True, overflow="ellipsis"))
            if problem is not None:
                problems.append(problem)
        if not problems and edits:
            try:
                apply_settings(self.saved, edits)
            except ValidationError as exc:
                problems.append(str(exc))
        self._show_status(edits, problems)
        return problems

    def _show_status(self, edits: dict[str, str], problems: list[str]) -> None:
        status = Text(no_wrap=True, overflow="ellipsis")
        if problems:
            status.append(f" {problems[0]}", style="bold")
        elif edits:
            status.append(f" {len(edits)} unsaved: ", style="bold")
            status.append(", ".join(edits))
            status.append("  ctrl+s saves, esc puts back", style="dim")
        else:
            status.append(" Saved.", style="bold")
            status.append(self._suggestion(), style="dim")
        self.query_one("#settings-status", Static).update(status)
        self.query_one("#help-phase", Static).update(
            Text(self._suggestion(short=True), no_wrap=True, overflow="ellipsis")
        )

    def _suggestion(self, short: bool = False) -> str:
        """The phase the calendar and the budget suggest, with the reason."""
        settings, suggested = self.saved, self.suggested
        if suggested is None:
            return "" if short else "  No phase suggestion: set a deadline or a budget."
        agrees = "as chosen" if suggested.phase is settings.phase else "suggested"
        if short:
            return f"{agrees}: {suggested.phase.value} ({suggested.reason})"
        return f"  Phase {agrees}: {suggested.phase.value}, as {suggested.reason}."

    # -- typing ------------------------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.check()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    # -- keys --------------------------------------------------------------------------------
    @writing
    def action_save(self) -> None:
        edits = self.edits()
        if not edits:
            self.say("Nothing to save: every field is as saved.")
            return
        if self.check():
            return  # said in the status line and beside the field
        try:
            with self.own_change():
                new = apply_settings(self.saved, edits)
                self.session.update_settings(new, f"set {', '.join(edits)}")
        except (IterateError, OSError) as exc:
            self.complain(exc)
            return
        self.say(f"Saved: {', '.join(edits)}.")

    def action_revert(self) -> None:
        """Put back what is saved and leave the field: one key, and the screen keys (a
        digit typed next) act again instead of going into the field."""
        if self.edits():
            self._filled = False  # every field, the edited ones too
            self.show_project()
            self.say("Put back the saved settings.")
        self.set_focus(None)
