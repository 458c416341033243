"""A table of experiments that draws only the rows on screen (Textual's Line API).

Textual's DataTable measures every cell and takes ~1.4 s to fill with 10,000 rows; this
widget keeps the experiments in a sorted list, renders the visible rows on demand, caches
each row's strip by experiment identity, and updates one row in O(log n) (plus a list
insert) when one experiment changes, so a triage repaints in a few milliseconds whatever
the size of the backlog.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import total_ordering
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..domain.enums import Quadrant, Status
from ..domain.experiment import Experiment
from ..domain.matrix import quadrant
from ..domain.ranking import rank_key
from ..domain.settings import ProjectSettings
from ..domain.text import safe_for_display
from .columns import BACKLOG_COLUMNS, NARROW_BELOW, Column

Key = tuple[Any, ...]

#: Where the table is scrolled to is drawn in its last column, as part of each line, when
#: the rows do not all fit (see ``_bar_styles``); Textual's own scrollbar is off (app.tcss).
BAR_WIDTH = 1


@total_ordering
class _Desc:
    """Wraps a value so that ascending order of wrappers is descending order of values."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.value == other.value

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.value < self.value)

    def __hash__(self) -> int:
        return hash(self.value)


@dataclass(frozen=True, slots=True)
class Sort:
    column: str = "score"
    descending: bool = True


def sort_key(
    sort: Sort, columns: Sequence[Column], settings: ProjectSettings
) -> Callable[[Experiment], Key]:
    """Ascending key for the chosen order; experiments with no value always sort last."""
    column = next((c for c in columns if c.key == sort.column), None)
    if column is None or column.sort_value is None:
        if sort.descending:
            return lambda e: rank_key(e, settings)

        def ascending_score(e: Experiment) -> Key:
            missing, negated, exp_id = rank_key(e, settings)
            return (missing, -negated, exp_id)

        return ascending_score
    value_of = column.sort_value

    def key(e: Experiment) -> Key:
        value = value_of(e, settings)
        if value is None:
            return (1, 0, e.id)
        if sort.descending:
            value = -value if isinstance(value, int | float) else _Desc(value)
        return (0, value, e.id)

    return key


class ExperimentTable(ScrollView, can_focus=True):
    """Rows of experiments with a cursor; the header row stays on top."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "experiment-table--header",
        "experiment-table--cursor",
        "experiment-table--quick-win",
        "experiment-table--moonshot",
        "experiment-table--incremental",
        "experiment-table--avoid",
        "experiment-table--running",
        "experiment-table--closed",
        "experiment-table--idea",
        "experiment-table--dim",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to another experiment (or to none)."""

        def __init__(self, table: ExperimentTable, experiment: Experiment | None) -> None:
            super().__init__()
            self.table = table
            self.experiment = experiment

        @property
        def control(self) -> ExperimentTable:
            return self.table

    class HeaderClicked(Message):
        def __init__(self, table: ExperimentTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

    def __init__(
        self,
        columns: Sequence[Column] = BACKLOG_COLUMNS,
        narrow_columns: Sequence[Column] | None = None,
        *,
        empty_text: str = "Nothing here.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = tuple(columns)
        self._wide_columns = self.columns
        self._narrow_columns = tuple(narrow_columns) if narrow_columns else self.columns
        self.empty_text = empty_text
        self.settings = ProjectSettings()
        self.sort = Sort()
        self._rows: list[Experiment] = []
        self._highest_id = 0
        self._keys: list[Key] = []
        self._key: Callable[[Experiment], Key] = sort_key(self.sort, self.columns, self.settings)
        self._rank_keys: list[Key] = []
        self._widths: list[int] = [c.width for c in self.columns]
        self._drawn_width = -1
        #: The width of the scroll position's column: BAR_WIDTH while the rows overflow.
        self._bar_width = 0
        self._line_cache: dict[int, tuple[Experiment, int, bool, Style, Strip]] = {}
        #: Each drawn row's cells but the rank, by experiment id (see _cells).
        self._cells_cache: dict[int, tuple[Experiment, bool, list[Segment], Style]] = {}
        self._header_cache: tuple[Style, Strip] | None = None
        self._last_highlight: Experiment | bool | None = False
        #: The styles the cached lines were drawn with (the table's own, then each component
        #: class's), and whether Textual has re-applied the styles since they were compared.
        self._styles: tuple[Style, ...] = ()
        #: The component styles of ``_styles``, by name (``get_component_rich_style`` walks
        #: the styles each time; a row asks for up to four).
        self._component: dict[str, Style] = {}
        #: The scroll position's column: its track and its thumb (see _bar_styles).
        self._track = self._thumb = Style()
        self._styles_checked = False

    # -- data ---------------------------------------------------------------------------------
    @property
    def rows(self) -> Sequence[Experiment]:
        return self._rows

    @property
    def current(self) -> Experiment | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_rows(
        self,
        experiments: Iterable[Experiment],
        settings: ProjectSettings,
        *,
        keep_id: int | None = None,
    ) -> None:
        """Replace every row (a new filter, a new sort, or the file changed outside)."""
        keep = keep_id if keep_id is not None else (self.current.id if self.current else None)
        if settings != self.settings:
            self._forget_drawn()  # the quadrant and score cells depend on them
        self.settings = settings
        self._key = sort_key(self.sort, self.columns, settings)
        key = self._key
        decorated = sorted([(key(e), e) for e in experiments], key=_first)
        self._keys = [k for k, _ in decorated]
        self._rows = [e for _, e in decorated]
        self._highest_id = max((e.id for e in self._rows), default=0)
        if self.sort == Sort():  # ranked by score: the sort keys are the rank keys
            self._rank_keys = list(self._keys)
        else:
            self._rank_keys = sorted(rank_key(e, settings) for e in self._rows)
        # Drawn lines stay: each is checked against the row now at its index (the same
        # experiment object, rank and cursor), so when every row replaces the first ones
        # after loading, the lines on screen are not drawn again.
        self._header_cache = None
        self._update_virtual_size()
        index = self.index_of(keep) if keep is not None else None
        self._set_cursor(index if index is not None else min(self.cursor, len(self._rows) - 1))
        self.refresh()

    def set_sort(self, sort: Sort) -> None:
        self.sort = sort
        self.set_rows(list(self._rows), self.settings)
        self.scroll_to_cursor()

    def index_of(self, exp_id: int) -> int | None:
        for index, exp in enumerate(self._rows):
            if exp.id == exp_id:
                return index
        return None

    def replace(self, old: Experiment | None, new: Experiment | None, *, follow: bool) -> None:
        """One experiment changed, appeared (old None) or left (new None)."""
        current_id = self.current.id if self.current else None
        if old is not None:
            key = self._key(old)
            index = bisect.bisect_left(self._keys, key)
            if index < len(self._rows) and self._rows[index].id == old.id:
                del self._rows[index]
                del self._keys[index]
                rk = rank_key(old, self.settings)
                rindex = bisect.bisect_left(self._rank_keys, rk)
                if rindex < len(self._rank_keys) and self._rank_keys[rindex] == rk:
                    del self._rank_keys[rindex]
            else:  # not where its key says: find it the slow way
                found = self.index_of(old.id)
                if found is not None:
                    del self._rows[found]
                    del self._keys[found]
                    self._rank_keys = sorted(rank_key(e, self.settings) for e in self._rows)
        if new is not None:
            key = self._key(new)
            index = bisect.bisect_left(self._keys, key)
            self._highest_id = max(self._highest_id, new.id)
            self._rows.insert(index, new)
            self._keys.insert(index, key)
            bisect.insort(self._rank_keys, rank_key(new, self.settings))
        self._update_virtual_size()
        target = new.id if follow and new is not None else current_id
        found = self.index_of_near(target) if target is not None else None
        self._set_cursor(found if found is not None else min(self.cursor, len(self._rows) - 1))
        self.scroll_to_cursor()
        self.refresh()

    def index_of_near(self, exp_id: int) -> int | None:
        """Index of an experiment, looking first around the cursor (the usual place)."""
        lo = max(0, self.cursor - 2)
        for index in range(lo, min(len(self._rows), self.cursor + 3)):
            if self._rows[index].id == exp_id:
                return index
        return self.index_of(exp_id)

    def rank_of(self, exp: Experiment) -> int:
        return bisect.bisect_left(self._rank_keys, rank_key(exp, self.settings)) + 1

    # -- cursor -------------------------------------------------------------------------------
    def _set_cursor(self, index: int) -> None:
        self.cursor = max(0, index)

    def watch_cursor(self, old: int, new: int) -> None:
        current = self.current
        if current is not self._last_highlight:
            self._last_highlight = current
            self.post_message(self.Highlighted(self, current))
        self.refresh()

    def select_id(self, exp_id: int) -> bool:
        index = self.index_of(exp_id)
        if index is None:
            return False
        self._set_cursor(index)
        self.scroll_to_cursor()
        return True

    def action_move(self, delta: int) -> None:
        if self._rows:
            self._set_cursor(min(len(self._rows) - 1, max(0, self.cursor + delta)))
            self.scroll_to_cursor()

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self._body_height() - 1))

    def action_jump(self, where: int) -> None:
        if self._rows:
            self._set_cursor(0 if where == 0 else len(self._rows) - 1)
            self.scroll_to_cursor()

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        height = self._body_height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    async def _on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x)
            if column is not None:
                self.post_message(self.HeaderClicked(self, column.key))
            return
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._rows):
            self._set_cursor(index)

    def _column_at(self, x: int) -> Column | None:
        left = 0
        for column, width in zip(self.columns, self._widths, strict=True):
            if left <= x < left + width + 1:
                return column
            left += width + 1
        return None

    # -- layout and drawing --------------------------------------------------------------------
    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows) + 1)
        self._fit_columns()  # the rows may have started or stopped overflowing

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self.scroll_to_cursor()

    def _fit_columns(self) -> None:
        """Choose the columns and their widths for the width (less the scroll position's
        column while the rows overflow)."""
        self._bar_width = BAR_WIDTH if len(self._rows) + 1 > self.size.height else 0
        width = self.scrollable_content_region.width - self._bar_width
        columns = self._narrow_columns if width < NARROW_BELOW else self._wide_columns
        wanted = [self._wanted_width(c) for c in columns]
        fixed = sum(wanted) + len(columns) - 1
        widths = [w or max(8, width - fixed) for w in wanted]
        # Textual sends several resizes of the same size at start-up: keep what is drawn.
        if (columns, widths, width) != (self.columns, self._widths, self._drawn_width):
            self.columns, self._widths, self._drawn_width = columns, widths, width
            self._forget_drawn()
            self.refresh()

    def _wanted_width(self, column: Column) -> int:
        """A column's width (0: the room left). The rank and the id are as wide as the
        largest one needs, so a small project keeps the room for its titles."""
        if column.key == "rank":
            return max(column.width, len(str(len(self._rows))))
        if column.key == "id":
            return max(column.width, len(f"#{self._highest_id}"))
        return column.width

    def _forget_drawn(self) -> None:
        """Drop every drawn line, row and the header (what they show or their look changed)."""
        self._line_cache.clear()
        self._cells_cache.clear()
        self._header_cache = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_checked = False  # compared when next drawn: most change nothing

    def _base_style(self) -> Style:
        """The table's style; the cached lines are dropped if any style they use changed."""
        if not self._styles_checked:
            styles = (
                self.rich_style,
                *(self.get_component_rich_style(name) for name in sorted(self.COMPONENT_CLASSES)),
            )
            if styles != self._styles:
                self._styles = styles
                self._component = dict(zip(sorted(self.COMPONENT_CLASSES), styles[1:], strict=True))
                self._forget_drawn()
            # Textual's scrollbar colours, laid on the table's background as it does.
            background = self.background_colors[1]
            track = background + self.styles.scrollbar_background
            thumb = track + self.styles.scrollbar_color
            self._track = Style(bgcolor=track.rich_color)
            self._thumb = Style(bgcolor=thumb.rich_color)
            self._styles_checked = True
        return self._styles[0]

    def _bar_styles(self) -> Callable[[int], Style]:
        """The style of the scroll position's cell on each line: the thumb spans the lines
        on screen in proportion (as Textual's scrollbar, in whole cells); nothing is drawn
        when every row fits.

        Drawn in the table's own lines, the column costs nothing more when the table
        scrolls; Textual's scrollbar widget took ~2.5 ms of a triage's frame to redraw."""
        if not self._bar_width:  # every row fits (see _fit_columns): no column
            return lambda y: Style()
        height = self.size.height
        virtual = len(self._rows) + 1  # the header line and the rows
        thumb_size = max(1, round(height * height / virtual))
        ratio = min(1.0, max(0.0, self.scroll_y / max(1, virtual - height)))
        start = round((height - thumb_size) * ratio)
        end = start + thumb_size
        track, thumb = self._track, self._thumb
        return lambda y: thumb if start <= y < end else track

    def render_line(self, y: int) -> Strip:
        full = self.scrollable_content_region.width
        width = full - self._bar_width
        base = self._base_style()
        bar_style = self._bar_styles()(y)
        bar = Segment(" " * self._bar_width, bar_style)
        if y == 0:
            header = self._header_cache
            if header is None or header[0] != bar_style or header[1].cell_length != full:
                header = (bar_style, Strip([*self._render_header(width), bar], full))
                self._header_cache = header
            return header[1]
        index = round(self.scroll_y) + y - 1
        if not self._rows:
            text = f" {self.empty_text}" if y == 1 else ""
            return Strip([Segment(set_cell_size(text, width), base), bar], full)
        if index >= len(self._rows):
            return Strip([Segment(" " * width, base), bar], full)
        exp = self._rows[index]
        rank = self.rank_of(exp)
        is_cursor = index == self.cursor and self._show_cursor()
        cached = self._line_cache.get(index)
        if (
            cached is not None
            and cached[0] is exp
            and cached[1] == rank
            and cached[2] == is_cursor
            and cached[3] == bar_style
        ):
            return cached[4]
        row = self._render_row(exp, rank, width, is_cursor)
        strip = Strip([*row, bar], full)
        if len(self._line_cache) > 4 * max(50, self.size.height):
            self._line_cache.clear()
        self._line_cache[index] = (exp, rank, is_cursor, bar_style, strip)
        return strip

    def _render_header(self, width: int) -> Strip:
        style = self._component["experiment-table--header"]
        segments = []
        for column, cell_width in zip(self.columns, self._widths, strict=True):
            label = column.header
            if column.key == self.sort.column or (
                column.key == "rank" and self.sort.column == "score"
            ):
                label += "▼" if self.sort.descending else "▲"
            segments.append(_fit(label, cell_width, column.right))
        return Strip([Segment(set_cell_size(" ".join(segments), width), style)])

    def _render_row(self, exp: Experiment, rank: int, width: int, is_cursor: bool) -> Strip:
        cells = self._cells_cache.get(exp.id)
        if cells is None or cells[0] is not exp or cells[1] != is_cursor:
            cells = (exp, is_cursor, *self._cells(exp, is_cursor))
            if len(self._cells_cache) > 4 * max(50, self.size.height):
                self._cells_cache.clear()
            self._cells_cache[exp.id] = cells
        _, _, segments, row_style = cells
        at = next((i for i, c in enumerate(self.columns) if c.key == "rank"), None)
        if at is not None:  # the rank moves when other rows do: drawn each time
            column, cell_width = self.columns[at], self._widths[at]
            segments = list(segments)
            segments[2 * at] = Segment(_fit(str(rank), cell_width, column.right), row_style)
        # Neighbouring cells of one style as one segment (most of a row): each segment is
        # a styling sequence of its own in the terminal output, and passes through Textual's
        # line filters. A triage's frame wrote 7.8 KB instead of 19.8 KB, in 5.4 ms, not 6.2.
        return Strip(segments).adjust_cell_length(width, row_style).simplify()

    def _cells(self, exp: Experiment, is_cursor: bool) -> tuple[list[Segment], Style]:
        """A row's cells (the rank's left blank) and its style: they change only when the
        experiment, the cursor, the columns or the styles do."""
        row_style = self._base_style()
        if exp.status is Status.RUNNING:
            row_style += self._component["experiment-table--running"]
        elif exp.status in (Status.DONE, Status.SKIPPED):
            row_style += self._component["experiment-table--closed"]
        elif exp.status is Status.IDEA:
            row_style += self._component["experiment-table--idea"]
        if is_cursor:
            row_style += self._component["experiment-table--cursor"]
        segments: list[Segment] = []
        dim = self._component["experiment-table--dim"]
        q = quadrant(exp, self.settings)
        for position, (column, cell_width) in enumerate(
            zip(self.columns, self._widths, strict=True)
        ):
            if column.key == "rank":
                text = ""
            elif column.key == "title":
                text = safe_for_display(exp.title)
            else:
                text = column.cell(exp, self.settings)
            style = row_style
            if column.key == "quadrant" and q is not None:
                style = row_style + self._quadrant_style(q)
            elif text == "—":
                style = row_style + dim
            segments.append(Segment(_fit(text, cell_width, column.right), style))
            if position < len(self.columns) - 1:
                segments.append(Segment(" ", row_style))
        return segments, row_style

    def _quadrant_style(self, q: Quadrant) -> Style:
        return self._component[f"experiment-table--{q.value.replace('_', '-')}"]

    def _show_cursor(self) -> bool:
        """The cursor shows while focused, or always unless the table is one of several."""
        return self.has_focus or not self.has_class("-cursor-on-focus")

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()  # the cursor shows (the cached lines know whether they hold it)

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()


def _first(pair: tuple[Key, Experiment]) -> Key:
    return pair[0]


def _fit(text: str, width: int, right: bool) -> str:
    """Pad or truncate (with an ellipsis) to exactly ``width`` cells."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else "…"[:width]
    return text.rjust(width) if right else set_cell_size(text, width)
