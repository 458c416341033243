"""The prioritization matrix: the open experiments of each quadrant, with counts and strategy.

Drawn the way the triage keys lie on the keyboard (q w over a s): high impact on top, high
probability on the right. The same keys move the selected experiment to another quadrant,
and the cursor follows it there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.containers import Grid, Vertical
from textual.widget import Widget
from textual.widgets import Static

from ..domain.enums import Quadrant
from ..domain.experiment import Experiment
from ..domain.matrix import LAYOUT, quadrant, strategy
from ..domain.scoring import expected_value, score
from ..domain.settings import ProjectSettings
from ..domain.text import safe_for_display
from ..session import ProjectChanged
from ..widgets.columns import COMPACT_COLUMNS
from ..widgets.experiment_table import ExperimentTable
from ..widgets.keypad import KEYS, quadrant_class
from .experiments import ExperimentActions

ORDER: tuple[Quadrant, ...] = (*LAYOUT[0], *LAYOUT[1])


def table_id(q: Quadrant) -> str:
    return f"quadrant-{quadrant_class(q)}"


class MatrixScreen(ExperimentActions, mode="matrix"):
    #: Parsed when the screen is first shown, not at start-up (see app.tcss).
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    #matrix-legend {
        height: 1;
    }
    #matrix {
        grid-size: 2 2;
        grid-gutter: 0 1;
        height: 1fr;
    }
    .quadrant {
        height: 1fr;
        border-top: solid $panel-lighten-2;
    }
    .quadrant:focus-within {
        border-top: solid $primary;
    }
    .quadrant-title {
        height: 2;
    }
    .quadrant ExperimentTable {
        height: 1fr;
    }
    #matrix-selected {
        height: 1;
        background: $panel;
    }
    """
    AUTO_FOCUS = "#quadrant-quick-win"

    def __init__(self) -> None:
        super().__init__()
        self.focused_quadrant = Quadrant.QUICK_WIN

    def compose_body(self) -> Iterator[Widget]:
        yield Static("", id="matrix-legend")
        with Grid(id="matrix"):
            for q in ORDER:
                with Vertical(classes=f"quadrant {quadrant_class(q)}"):
                    yield Static("", id=f"{table_id(q)}-title", classes="quadrant-title")
                    yield ExperimentTable(
                        COMPACT_COLUMNS,
                        id=table_id(q),
                        classes="-cursor-on-focus",
                        empty_text="none open",
                    )
        yield Static("", id="matrix-selected")

    def on_mount(self) -> None:
        self.table(self.focused_quadrant).focus()

    def table(self, q: Quadrant) -> ExperimentTable:
        return self.query_one(f"#{table_id(q)}", ExperimentTable)

    # -- data -------------------------------------------------------------------------------
    def placed(self, exp: Experiment | None, settings: ProjectSettings) -> Quadrant | None:
        """The quadrant an experiment is drawn in (open and estimated), or None."""
        if exp is None or not exp.is_open:
            return None
        return quadrant(exp, settings)

    def refresh_view(self) -> None:
        settings = self.session.settings
        groups: dict[Quadrant, list[Experiment]] = {q: [] for q in Quadrant}
        for exp in self.session.experiments():
            q = self.placed(exp, settings)
            if q is not None:
                groups[q].append(exp)
        for q in ORDER:
            self.table(q).set_rows(groups[q], settings)
        self.update_titles()

    def apply_change(self, event: ProjectChanged, *, mine: bool) -> None:
        for change in event.changes:
            self._apply_one(change.before, change.after, mine=mine)
        self.update_titles()

    def _apply_one(self, old: Experiment | None, new: Experiment | None, *, mine: bool) -> None:
        settings = self.session.settings
        was = self.placed(old, settings)
        now = self.placed(new, settings)
        if was is not None:
            self.table(was).replace(old, new if now is was else None, follow=mine)
        if now is not None and now is not was:
            target = self.table(now)
            target.replace(None, new, follow=mine)
            if mine and self.focused is not None and isinstance(self.focused, ExperimentTable):
                # The focus follows the experiment now, not after this key: a second move
                # key typed at once must move the same experiment again.
                self._focus_quadrant(now)

    def current(self) -> Experiment | None:
        return self.table(self.focused_quadrant).current

    # -- drawing ----------------------------------------------------------------------------
    def update_titles(self) -> None:
        settings = self.session.settings
        for q in ORDER:
            title = Text()
            title.append(f" {KEYS[q]} ", style="reverse")
            title.append(f" {q.label} ", style="bold")
            title.append(f"{len(self.table(q).rows)} open", style="bold")
            title.append("\n ")
            title.append(strategy(q, settings), style="italic")
            self.query_one(f"#{table_id(q)}-title", Static).update(title, layout=False)
        legend = Text(no_wrap=True, overflow="ellipsis")
        legend.append(
            f" top: impact ≥ {settings.impact_threshold} · right: probability ≥ "
            f"{settings.probability_threshold:.0%} · tab ←→ quadrant · q w a s move",
            style="dim",
        )
        self.query_one("#matrix-legend", Static).update(legend, layout=False)
        self.show_selected(self.current())

    def show_selected(self, exp: Experiment | None) -> None:
        """The selected experiment's figures first (they fit at 80 columns), its title after,
        cut to fit."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if exp is None:
            text.append(" Nothing selected in this quadrant.", style="dim")
        else:
            settings = self.session.settings
            ev = expected_value(exp)
            value = score(exp, settings)
            text.append(f" #{exp.id} ", style="bold")
            if ev is not None and value is not None and exp.probability is not None:
                text.append(
                    f"impact {exp.impact} · {exp.probability:.0%} · EV {ev:.2f}"
                    f" · score {value:.2f} · {exp.status.label}  "
                )
            else:
                text.append(f"{exp.status.label}  ")
            text.append(safe_for_display(exp.title), style="bold")
        self.query_one("#matrix-selected", Static).update(text, layout=False)

    # -- focus between quadrants ------------------------------------------------------------
    @on(ExperimentTable.Highlighted)
    def _highlighted(self, event: ExperimentTable.Highlighted) -> None:
        if event.table.has_focus:
            self.show_selected(event.table.current)  # now, not when the message was sent

    def on_descendant_focus(self) -> None:
        focused = self.focused
        for q in ORDER:
            if focused is self.table(q):
                self.focused_quadrant = q
                self.show_selected(self.current())

    def _focus_quadrant(self, q: Quadrant) -> None:
        self.focused_quadrant = q
        self.set_focus(self.table(q))
        self.show_selected(self.current())

    def action_cycle(self, delta: int) -> None:
        index = ORDER.index(self.focused_quadrant)
        self._focus_quadrant(ORDER[(index + delta) % len(ORDER)])

    def action_across(self, delta: int) -> None:
        index = ORDER.index(self.focused_quadrant)
        row, column = divmod(index, 2)
        column = min(1, max(0, column + delta))
        self._focus_quadrant(ORDER[row * 2 + column])
