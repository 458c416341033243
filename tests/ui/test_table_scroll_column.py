"""Where the table is scrolled to: drawn by the table itself in its last column, while the
rows do not all fit (Textual's scrollbar widget took ~2.5 ms of a triage's frame)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from rich.style import Style
from textual.scrollbar import ScrollBar

from iterate_tui.session import ProjectSession
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.experiment_table import ExperimentTable

from .conftest import fixed_clock

ROWS = 60


@pytest.fixture
def many(repo: Repository) -> Repository:
    """More backlog experiments than the table has lines, with one word to filter on."""
    session = ProjectSession(repo, fixed_clock)
    for n in range(ROWS):
        title = f"Sweep {n}" if n % 20 else f"Rare idea {n}"
        session.add({"title": title, "impact": "3", "probability": "50%", "cost": "2"})
    return repo


def last_cells(table: ExperimentTable) -> list[Style | None]:
    """The style of each line's last cell, top to bottom."""
    styles = []
    for y in range(table.size.height):
        line = list(table.render_line(y))
        styles.append(line[-1].style if line[-1].text else line[-2].style)
    return styles


async def test_the_thumb_follows_the_cursor_from_top_to_bottom(many: Repository, make_app):
    app = make_app(many)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        height = table.size.height
        assert height < ROWS + 1  # the rows overflow
        cells = last_cells(table)
        thumb = cells[0]
        track = cells[-1]
        assert thumb != track and thumb.bgcolor and track.bgcolor  # type: ignore[union-attr]
        size = cells.count(thumb)
        assert size == max(1, round(height * height / (ROWS + 1)))
        assert cells[:size] == [thumb] * size  # at the top
        for line in range(height):
            assert table.render_line(line).cell_length == table.size.width

        await pilot.press("G")  # the last row
        await pilot.pause()
        cells = last_cells(table)
        assert cells[-size:] == [thumb] * size and cells[:-size] == [track] * (height - size)

        await pilot.press("g")
        await pilot.pause()
        assert last_cells(table)[:size] == [thumb] * size


async def test_no_column_is_kept_while_every_row_fits(many: Repository, make_app) -> None:
    """Filtered down to a few rows the column goes, and the title column gets it back."""
    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        header = table.render_line(0).text
        row = table.render_line(1).text
        assert row.endswith(" ") and not row.endswith("  ")  # the tier, then the column
        await pilot.press("slash", *"rare", "enter")
        await pilot.pause()
        assert [e.title for e in table.rows] == ["Rare idea 0", "Rare idea 20", "Rare idea 40"]
        assert table.render_line(0).text.index("Quadrant") == header.index("Quadrant") + 1
        assert not table.render_line(1).text.endswith(" ")  # the tier is the last cell
        await pilot.press("slash", "ctrl+u", "enter")  # every row again: the column is back
        await pilot.pause()
        assert table.render_line(0).text == header


async def test_a_triage_draws_no_scrollbar_widget(many: Repository, make_app, monkeypatch):
    drawn: list[str] = []
    render_lines = ScrollBar.render_lines

    def record(self: ScrollBar, crop: Any) -> Any:
        drawn.append(type(self.parent).__name__)
        return render_lines(self, crop)

    monkeypatch.setattr(ScrollBar, "render_lines", record)
    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        del drawn[:]
        for key in "qsaw":  # the cursor follows the experiment: the table scrolls
            await pilot.press(key)
            await pilot.pause()
        assert "ExperimentTable" not in drawn


async def test_neighbouring_cells_of_one_style_are_one_segment(many: Repository, make_app):
    """Each segment is a styling sequence of its own in the terminal output: a row's
    cells of the same style go out as one (a triage's frame: 7.8 KB instead of 19.8 KB)."""
    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        for y in range(1, table.size.height):
            segments = [s for s in table.render_line(y) if s.text]
            styles = [s.style for s in segments]
            assert all(a != b for a, b in itertools.pairwise(styles)), y
            assert len(segments) <= 6  # the row, its quadrant, the row again, the column
