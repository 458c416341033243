"""The backlog driven by the keys a person presses; the store is checked afterwards and
after reopening the file, as the next morning's session would see it."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from iterate_tui.domain.enums import Outcome, Quadrant, Status
from iterate_tui.domain.matrix import quadrant
from iterate_tui.screens.backlog import BacklogScreen
from iterate_tui.screens.dialogs import ConfirmDialog
from iterate_tui.screens.experiment_form import ExperimentForm
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.detail import DetailPane, describe
from iterate_tui.widgets.experiment_table import ExperimentTable
from iterate_tui.widgets.key_bar import KeyBar
from iterate_tui.widgets.mode_bar import ModeBar

from .conftest import reopen


def titles(app: object) -> list[str]:
    table = app.screen.query_one(ExperimentTable)  # type: ignore[attr-defined]
    return [e.title for e in table.rows]


def record_refreshes(**widgets: Widget) -> list[str]:
    """The names of the widgets asked to redraw (refresh), in order, from now on."""
    redrawn: list[str] = []
    for name, widget in widgets.items():
        original = widget.refresh

        def record(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            redrawn.append(_name)
            return _original(*args, **kwargs)

        widget.refresh = record  # type: ignore[method-assign]
    return redrawn


def select(app: object, title: str) -> None:
    table = app.screen.query_one(ExperimentTable)  # type: ignore[attr-defined]
    exp = next(e for e in table.rows if e.title == title)
    assert table.select_id(exp.id)


async def test_add_with_the_form_saves_at_once(repo: Repository, make_app, db_path) -> None:
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, ExperimentForm)
        await pilot.press(*"Label smoothing 0.1")
        await pilot.press("tab", *"if labels are noisy then smoothing helps")
        await pilot.press("tab", *"yes, +1 F1 on noisy queues")
        await pilot.press("tab", "4", "tab", *"60%", "tab", *"3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BacklogScreen)
        assert "Label smoothing 0.1" in titles(app)
    stored = reopen(db_path).experiments()
    assert [(e.title, e.impact, e.probability, e.cost) for e in stored] == [
        ("Label smoothing 0.1", 4, 0.6, 3.0)
    ]


async def test_form_names_the_bad_field_and_saves_nothing(repo: Repository, make_app) -> None:
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", *"Bad estimate", "tab", "tab", "tab", "tab", *"150%")
        await pilot.pause()
        problems = str(app.screen.query_one("#form-problems").render())
        assert "probability" in problems
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExperimentForm)  # still open, nothing saved
        await pilot.press("escape")
    assert repo.count() == 0


async def test_answering_no_sends_the_idea_to_avoid(repo: Repository, make_app, db_path) -> None:
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", *"Tune the legacy queue", "tab", "tab")
        await pilot.press(*"no, that queue is retired next month", "ctrl+s")
        await pilot.pause()
    (exp,) = reopen(db_path).experiments()
    assert exp.status is Status.SKIPPED
    assert quadrant(exp, reopen(db_path).settings()) is Quadrant.AVOID
    assert exp.skip_reason == "does not matter: no, that queue is retired next month"


async def test_triage_keys_from_the_backlog_and_undo(seeded: Repository, make_app, db_path):
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        select(app, "Bigger batch")
        await pilot.press("w")
        exp = next(e for e in seeded.experiments() if e.title == "Bigger batch")
        assert exp.status is Status.BACKLOG and (exp.impact, exp.probability) == (4, 0.7)
        assert app.screen.query_one(ExperimentTable).current.title == "Bigger batch"
        await pilot.press("plus", "greater_than_sign")
        assert (seeded.get(exp.id).impact, seeded.get(exp.id).probability) == (5, 0.75)
        await pilot.press("u", "u", "u")
        await pilot.pause()
    back = reopen(db_path).get(exp.id)
    assert back.status is Status.IDEA and back.impact is None and back.probability is None


async def test_filter_by_tag_status_and_text(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        assert len(titles(app)) == 6
        await pilot.press("slash", *"tag:loss", "enter")
        await pilot.pause()
        assert sorted(titles(app)) == ["Class-weighted loss", "Distil a 7B teacher", "Warmup sweep"]
        await pilot.press("slash", *"status:idea mixup", "enter")
        await pilot.pause()
        assert titles(app) == ["Mixup on embeddings"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(titles(app)) == 6
        # done and skipped experiments stay out of view unless asked for
        seeded.save(dataclasses.replace(seeded.get(1), status=Status.SKIPPED, skip_reason="x"))
        app.screen.show_project()
        assert "Class-weighted loss" not in titles(app)
        await pilot.press("slash", *"status:all tag:loss", "enter")
        await pilot.pause()
        assert "Class-weighted loss" in titles(app)
        assert len(titles(app)) == 3


async def test_start_finish_and_skip(seeded: Repository, make_app, db_path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        select(app, "Class-weighted loss")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("tab", *"0.741 0.745", "tab", *"2.5", "tab")
        await pilot.press(*"helps the long tail", "enter")
        await pilot.pause()
        select(app, "Warmup sweep")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")  # empty reason: refused, form stays
        await pilot.pause()
        await pilot.press(*"scheduler already tuned", "enter")
        await pilot.pause()
        # finished and skipped experiments leave the default (open) view
        assert "Class-weighted loss" not in titles(app)
        assert "Warmup sweep" not in titles(app)
    stored = {e.title: e for e in reopen(db_path).experiments()}
    done = stored["Class-weighted loss"]
    assert done.status is Status.DONE and done.outcome is Outcome.SUCCESS
    assert done.values == (0.741, 0.745) and done.actual_cost == 2.5
    assert done.started_impact == 4 and done.started_probability == 0.7
    assert done.learned == "helps the long tail"
    skipped = stored["Warmup sweep"]
    assert skipped.status is Status.SKIPPED and skipped.skip_reason == "scheduler already tuned"


async def test_delete_asks_first_and_undo_brings_it_back(
    seeded: Repository, make_app, db_path
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        select(app, "Warmup sweep")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert reopen(db_path).count() == 6
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "Warmup sweep" not in titles(app)
        assert reopen(db_path).count() == 5
        await pilot.press("u")
        await pilot.pause()
        assert "Warmup sweep" in titles(app)
    assert {e.title for e in reopen(db_path).experiments()} >= {"Warmup sweep"}


async def test_sort_by_cost_and_reverse(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one(ExperimentTable).set_sort(
            type(app.screen.query_one(ExperimentTable).sort)("cost", True)
        )
        await pilot.pause()
        costs = [e.cost for e in app.screen.query_one(ExperimentTable).rows]
        assert costs == sorted(costs, reverse=True)
        await pilot.press("O")
        costs = [e.cost for e in app.screen.query_one(ExperimentTable).rows]
        assert costs == sorted(costs)


async def test_sort_picker_by_keys(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("down", "enter")  # the first column after the score: title
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        assert table.sort.column != "score"
        assert "sorted by" in str(app.screen.query_one("#backlog-status").render())


async def test_z_zooms_the_detail_pane_and_back(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        assert app.screen.maximized is app.screen.query_one(DetailPane)
        await pilot.press("z")
        assert app.screen.maximized is None
        assert isinstance(app.focused, ExperimentTable)


async def test_rows_are_drawn_again_when_the_theme_changes(seeded: Repository, make_app) -> None:
    """Drawn rows are kept across style updates that change nothing, not across a theme."""
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        before = table.render_line(1)
        assert table.render_line(1) is before  # kept while nothing changed
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        after = table.render_line(1)
        assert after.text == before.text
        assert [s.style for s in after] != [s.style for s in before]
        app.screen.query_one("#detail").focus()  # the cursor row loses its highlight
        await pilot.pause()
        assert table.render_line(1) is not after


async def test_rows_are_drawn_again_when_the_settings_change(seeded: Repository, make_app) -> None:
    """The same experiments in the same places keep their drawn lines, unless the
    settings (quadrant thresholds, score weights) give their cells other values."""
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        rows = list(table.rows)
        lines = [table.render_line(y).text for y in range(1, len(rows) + 1)]
        table.set_rows(rows, table.settings)
        assert [table.render_line(y).text for y in range(1, len(rows) + 1)] == lines
        stricter = dataclasses.replace(table.settings, impact_threshold=5)
        table.set_rows(rows, stricter)
        redrawn = [table.render_line(y).text for y in range(1, len(rows) + 1)]
        expected = [quadrant(e, stricter).label for e in table.rows if quadrant(e, stricter)]
        assert redrawn != lines
        assert all(any(label in line for line in redrawn) for label in expected)


async def test_the_detail_pane_wraps_and_never_scrolls_sideways(
    seeded: Repository, make_app, monkeypatch
) -> None:
    """Not even for the moment between its vertical scrollbar appearing and the text being
    wrapped one column narrower (that cost an extra layout and repaint at start-up)."""
    seen: list[bool] = []
    refresh_scrollbars = DetailPane._refresh_scrollbars

    def record(self: DetailPane) -> None:
        refresh_scrollbars(self)
        seen.append(self.show_horizontal_scrollbar)

    monkeypatch.setattr(DetailPane, "_refresh_scrollbars", record)
    first = seeded.experiments()[0]
    seeded.save(dataclasses.replace(first, hypothesis="if we try this then F1 goes up " * 20))
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(DetailPane)
        assert pane.show_vertical_scrollbar  # more text than the pane has lines
        assert seen and not any(seen)


async def test_the_detail_pane_wraps_each_line_as_the_whole_text_would(
    seeded: Repository, make_app
) -> None:
    """Lines are wrapped one by one and reused from the last text shown: the result is
    what wrapping the whole text gives, and after a triage only changed lines are new."""

    def cells(lines: list[Strip]) -> list[list[Segment]]:
        return [[s for s in line if s.text] for line in lines]  # empty segments show nothing

    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(DetailPane)
        console, base = app.console, pane.rich_style
        texts = [describe(e, seeded.settings(), 2) for e in seeded.experiments()] + [
            Text("first\n\n\nafter two blank lines\n"),
            Text("wide 漢字漢字漢字 " * 9 + "\n" + "x" * 150),
            Text("\n"),
            Text(""),
            Text("No experiment selected.", style="dim"),
            Text.assemble(("bold ", "bold"), "plain  ", ("red tail  ", "red"), "\n\tafter a tab"),
        ]
        for width in (1, 9, 40, 77):
            for text in texts:
                whole = [
                    Strip(Segment.apply_style(line, base), width)
                    for line in console.render_lines(
                        text, console.options.update_width(width), style=base, pad=True
                    )
                ]
                pane._text = text
                assert cells(pane._wrap_paragraphs(width, base)) == cells(whole)

        # A triage changes the quadrant, the estimates and the score: the title and the
        # hypothesis lines are the ones drawn before.
        select(app, "Warmup sweep")
        await pilot.pause()
        before = list(pane._lines)
        await pilot.press("q")
        await pilot.pause()
        after = list(pane._lines)
        assert after[0] is before[0]  # "#3 Warmup sweep"
        assert "Moonshot" in after[1].text and "Moonshot" not in before[1].text
        assert sum(line in before for line in after) < len(after)
        # Only the lines of the text shown are kept.
        assert sum(len(strips) for strips in pane._cache.values()) <= len(after)


async def test_a_change_redraws_the_mode_bar_and_status_only_if_they_change(
    seeded: Repository, make_app
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(ModeBar)
        status = app.screen.query_one("#backlog-status", Static)
        redrawn = record_refreshes(bar=bar, status=status)
        select(app, "Warmup sweep")  # a backlog row: the inbox count and the rows shown stay
        await pilot.pause()
        del redrawn[:]
        await pilot.press("q")
        await pilot.pause()
        assert redrawn == []
        assert "2 Triage (3)" in str(bar.render())
        await pilot.press("u")
        await pilot.pause()
        # Triaging an idea from the backlog: one fewer waiting in the inbox.
        select(app, "Bigger batch")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert "bar" in redrawn
        assert "2 Triage (2)" in str(bar.render())
        assert "status" not in redrawn  # the same rows are shown
        # Deleting a row changes the status line ("6 shown" -> "5 shown").
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "status" in redrawn
        assert "5 shown" in str(status.render())


async def test_the_key_bar_is_redrawn_only_when_its_keys_change(
    seeded: Repository, make_app
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        redrawn = record_refreshes(bar=bar)
        app.screen.refresh_bindings()  # the same keys apply
        await pilot.pause()
        assert redrawn == []
        before = str(bar.render())
        await pilot.press("slash")  # the filter box has the focus: other keys apply
        await pilot.pause()
        assert redrawn
        assert str(bar.render()) != before


async def test_the_detail_pane_keeps_its_width_whatever_the_text(
    seeded: Repository, make_app
) -> None:
    """Its scrollbar is always there, so a long text is wrapped to the same width as a
    short one, and showing it never lays the screen out again."""
    first = seeded.experiments()[0]
    seeded.save(dataclasses.replace(first, hypothesis="if we try this then F1 goes up " * 20))
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(DetailPane)
        widths = set()
        for title in ("Class-weighted loss", "Warmup sweep", "Distil a 7B teacher"):
            select(app, title)
            await pilot.pause()
            widths.add(pane.scrollable_content_region.width)
        pane.show_text(Text("short"))
        await pilot.pause()
        widths.add(pane.scrollable_content_region.width)
        assert len(widths) == 1
        assert pane.show_vertical_scrollbar


async def test_the_app_title_names_the_project_before_the_first_frame(
    seeded: Repository, make_app, db_path
) -> None:
    # Set in on_mount, it repainted the whole screen just after the first frame.
    app = make_app(seeded)
    assert app.title == f"iterate-tui · {db_path.name}"


async def test_rows_drawn_from_the_caches_match_a_fresh_drawing(
    seeded: Repository, make_app
) -> None:
    """A row keeps its drawn cells while only its rank moves; whatever the keys did, the
    lines on screen are the ones drawing everything again gives."""
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        for key in ("w", "a", "down", "s", "q", "up", "w", "u", "r", "u", "z", "z"):
            await pilot.press(key)
            await pilot.pause()
            drawn = [list(table.render_line(y)) for y in range(table.size.height)]
            table._line_cache.clear()
            table._cells_cache.clear()
            assert [list(table.render_line(y)) for y in range(table.size.height)] == drawn, key
