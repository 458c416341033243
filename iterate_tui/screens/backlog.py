"""The backlog: every experiment ranked by score, with its detail and the triage keys."""

from __future__ import annotations

from collections.abc import Iterator

from rich.text import Text
from textual import events, on
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from ..domain.enums import OPEN_STATUSES
from ..domain.errors import ValidationError
from ..domain.experiment import Experiment
from ..domain.ranking import FIRST_ROWS, Filter
from ..domain.settings import ProjectSettings
from ..messages import ShowExperiment
from ..session import ProjectChanged
from ..widgets.columns import BACKLOG_NARROW_COLUMNS, SORTABLE
from ..widgets.detail import DetailPane
from ..widgets.experiment_table import ExperimentTable, Sort
from ..widgets.keypad import TriageKeypad
from ..widgets.typed_input import TypedInput
from .experiments import ExperimentActions

#: Rows shown before every experiment is built: more than any terminal has lines.
PREVIEW_ROWS = FIRST_ROWS

#: What the empty table says (each fits 80 columns).
NO_MATCH = "No experiments match: esc clears the filter; status:all shows done ones too."
NOTHING_YET = "No experiments yet: n adds the first one (scripts: iterate-tui add TITLE)."
NOTHING_OPEN = "Nothing open: all are done or skipped. n adds one; / status:all shows all."


class FilterBox(TypedInput):
    """The filter's text box. Enter (apply) and escape (clear) close it and give the table
    the focus back at once, not when the app's bindings get to the key, so that the keys
    typed after them reach the table (see ``widgets.follow_focus``)."""

    async def on_key(self, event: events.Key) -> None:
        screen = self.screen
        if (
            isinstance(screen, BacklogScreen)
            and self.app.focused is self
            and event.key in ("enter", "escape")
        ):
            event.stop()
            event.prevent_default()  # TypedInput's handler is not run for it
            screen.close_filter(apply=event.key == "enter")


class BacklogScreen(ExperimentActions, mode="backlog"):
    #: Keys typed while the app starts go to the table, not to the (hidden) filter box.
    AUTO_FOCUS = "#backlog-table"

    def __init__(self) -> None:
        super().__init__()
        self.filter = Filter()
        self.filter_text = ""
        self._detail_shown: tuple[Experiment | None, int | None] | None = None
        self._status_shown: Text | None = None
        #: While only the best-ranked rows are shown: how many rows there are in all.
        self._preview_shown: int | None = None

    def compose_body(self) -> Iterator[Widget]:
        with Vertical(id="backlog"):
            yield Static("", id="backlog-status")
            yield FilterBox(
                placeholder="filter: words, status:idea quadrant:moonshot "
                "activity:data_preparation tag:x tier:1 status:all  (enter applies, esc clears)",
                id="filter",
                compact=True,
            )
            yield Static("", id="filter-problem")
            yield ExperimentTable(
                narrow_columns=BACKLOG_NARROW_COLUMNS,
                id="backlog-table",
                empty_text=NO_MATCH,
            )
            with Horizontal(id="backlog-bottom"):
                yield DetailPane(id="detail")
                yield TriageKeypad(id="keypad")

    def on_mount(self) -> None:
        self.query_one(ExperimentTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        keypad = self.query_one(TriageKeypad)
        compact = event.size.width < 110
        if keypad.show_defaults == compact:
            keypad.show_defaults = not compact
            keypad.set_class(compact, "-compact")
            keypad.refresh()

    @property
    def table(self) -> ExperimentTable:
        return self.query_one(ExperimentTable)

    # -- data -------------------------------------------------------------------------------
    def shows(self, exp: Experiment, settings: ProjectSettings) -> bool:
        if not self.filter.statuses and exp.status not in OPEN_STATUSES:
            return False
        return self.filter.matches(exp, settings)

    def refresh_view(self) -> None:
        self._detail_shown = None
        settings = self.session.settings
        self.total = self.session.count()
        preview = None
        if self.filter.is_empty and self.table.sort == Sort():
            # Just opened (or the file was re-read): show the best-ranked rows now, ranked
            # straight from the stored documents; the app builds the rest in a worker and
            # announces it (loaded()), which brings in every row.
            preview = self.session.top_ranked(OPEN_STATUSES, PREVIEW_ROWS)
        if preview is not None:
            rows, self._preview_shown = preview
        else:
            self._preview_shown = None
            rows = [e for e in self.session.experiments() if self.shows(e, settings)]
        self.table.empty_text = (
            NOTHING_YET if not self.total else NO_MATCH if self.filter_text else NOTHING_OPEN
        )
        self.table.set_rows(rows, settings)
        self.update_status()
        self.show_detail(self.table.current)

    def loaded(self) -> None:
        """Every experiment is built: replace the preview with every row (cursor kept)."""
        if self._preview_shown is not None:
            self.refresh_view()

    def _leave_preview(self) -> None:
        """Before anything that needs every row (a change, another sort) while the preview
        is shown: build the rest now."""
        if self._preview_shown is not None:
            self.session.experiments()
            self.refresh_view()

    def apply_change(self, event: ProjectChanged, *, mine: bool) -> None:
        if self._preview_shown is not None:
            self._leave_preview()  # the change is in the repository: the reload shows it
            return
        self.total = self.session.count()
        settings = self.session.settings
        for change in event.changes:
            old, new = change.before, change.after
            shown_old = old if old is not None and self.shows(old, settings) else None
            shown_new = new if new is not None and self.shows(new, settings) else None
            self.table.replace(shown_old, shown_new, follow=mine)
        self.update_status()
        self.show_detail(self.table.current)

    def current(self) -> Experiment | None:
        return self.table.current

    def show_detail(self, exp: Experiment | None) -> None:
        rank = self.table.rank_of(exp) if exp is not None else None
        if self._detail_shown == (exp, rank):
            return  # the change and the cursor both report it: draw once
        self._detail_shown = (exp, rank)
        self.query_one(DetailPane).show(exp, self.table.settings, rank)

    @on(ShowExperiment)
    def _show_experiment(self, message: ShowExperiment) -> None:
        """Select the experiment asked for; a filter that hides it gives way to all."""
        message.stop()
        self._leave_preview()
        if not self.table.select_id(message.exp_id):
            self._apply_filter("status:all")
            if not self.table.select_id(message.exp_id):
                self.warn(f"#{message.exp_id} is no longer in the project.")
                return
        self.set_focus(self.table)

    @on(ExperimentTable.Highlighted)
    def _highlighted(self, event: ExperimentTable.Highlighted) -> None:
        # What the cursor is on now: the message may be older than the rows (the one the
        # table posts as it mounts arrives after the first rows are shown).
        self.show_detail(event.table.current)

    def update_status(self) -> None:
        shown = len(self.table.rows) if self._preview_shown is None else self._preview_shown
        label = {c.key: c.header for c in SORTABLE} | {"score": "score"}
        arrow = "▼" if self.table.sort.descending else "▲"
        text = Text()
        text.append(f" {shown:,} shown", style="bold")
        text.append(f" of {self.total:,} · sorted by {label[self.table.sort.column]} {arrow}")
        scope = "open only" if not self.filter.statuses else ""
        text.append(" · filter: ", style="dim")
        text.append(self.filter_text or "none", style="italic" if self.filter_text else "dim")
        if scope:
            text.append(f" ({scope})", style="dim")
        if text != self._status_shown:  # most changes leave the line as it was: no redraw
            self._status_shown = text
            self.query_one("#backlog-status", Static).update(text, layout=False)

    # -- filter and sort --------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.filter_text
        # Now, not after this key (as focus() would): what is typed next goes into the box,
        # even in the same burst of input, never to the table's keys (r would start a run).
        self.set_focus(box)

    def close_filter(self, *, apply: bool) -> None:
        """Enter (apply the text) or escape (clear the filter) in the filter box. A filter
        that cannot be read keeps the box open, saying why (as `list --filter` does)."""
        if not apply:
            self.action_clear_filter()
            return
        box = self.query_one("#filter", Input)
        problem = self._apply_filter(box.value)
        if problem is not None:
            self.notify(problem, severity="error", markup=False)
            return
        self._show_filter_problem(None)
        box.display = False
        self.set_focus(self.table)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # Live filtering stays instant for modest projects; big ones filter on enter. What
        # cannot be read is said under the box at once, whatever the size.
        if self.session.count() <= 2_000:
            self._show_filter_problem(self._apply_filter(event.value))
        else:
            self._show_filter_problem(_problem_of(event.value))

    def _apply_filter(self, query: str) -> str | None:
        """Show the rows the filter matches; what is wrong with it (nothing is changed)."""
        try:
            parsed = Filter.parse(query)
        except ValidationError as exc:
            return str(exc)
        self.filter = parsed
        self.filter_text = query.strip()
        self.refresh_view()
        return None

    def _show_filter_problem(self, problem: str | None) -> None:
        line = self.query_one("#filter-problem", Static)
        line.display = problem is not None
        line.update(Text(problem or "", no_wrap=True, overflow="ellipsis"))

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        self._show_filter_problem(None)
        if box.display:
            box.display = False
            self.set_focus(self.table)
        if self.filter_text:
            self._apply_filter("")

    def action_sort(self) -> None:
        choices = [("score", "score (rank)")] + [
            (c.key, c.header if c.key != "title" else "title") for c in SORTABLE if c.key != "score"
        ]
        names = {
            "Imp": "impact",
            "P": "probability",
            "EV": "expected value",
            "Inf": "information value",
            "T": "tier",
        }
        choices = [(key, names.get(label, label.lower())) for key, label in choices]

        def chosen(key: str | None) -> None:
            if key is not None:
                self._sort(key)

        from .dialogs import SortPicker

        self.app.push_screen(SortPicker(choices, self.table.sort.column), chosen)

    def action_reverse_sort(self) -> None:
        sort = self.table.sort
        self._sort(sort.column, not sort.descending)

    @on(ExperimentTable.HeaderClicked)
    def _header_clicked(self, event: ExperimentTable.HeaderClicked) -> None:
        key = "score" if event.column == "rank" else event.column
        sort = self.table.sort
        self._sort(key, not sort.descending if sort.column == key else None)

    def _sort(self, key: str, descending: bool | None = None) -> None:
        """Sort every row by ``key``; ``descending`` None: the column's own first order."""
        if descending is None:
            column = next((c for c in SORTABLE if c.key == key), None)
            descending = column.descending_first if column is not None else True
        self._leave_preview()
        self.table.set_sort(Sort(key, descending))
        self.update_status()

    def action_zoom(self) -> None:
        detail = self.query_one(DetailPane)
        if self.maximized is detail:
            self.minimize()
            self.set_focus(self.table)
        else:
            self.set_focus(detail)
            self.maximize(detail, container=False)


def _problem_of(query: str) -> str | None:
    try:
        Filter.parse(query)
    except ValidationError as exc:
        return str(exc)
    return None
