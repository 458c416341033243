"""The triage inbox and the matrix, pressed as a person would."""

from __future__ import annotations

from rich.console import Console
from textual.widgets import Static

from iterate_tui import modes
from iterate_tui.domain.enums import Quadrant, Status
from iterate_tui.domain.matrix import quadrant
from iterate_tui.screens.help import HelpScreen
from iterate_tui.screens.matrix import MatrixScreen, table_id
from iterate_tui.screens.triage import TriageScreen
from iterate_tui.session import ProjectSession
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.detail import TextView

from .conftest import fixed_clock, reopen


def text_of(app: object, selector: str) -> str:
    widget = app.screen.query_one(selector)  # type: ignore[attr-defined]
    return widget.plain if isinstance(widget, TextView) else str(widget.render())


async def test_inbox_counts_and_each_key_sends_an_idea_to_its_quadrant(
    repo: Repository, make_app, db_path
) -> None:
    session = ProjectSession(repo, fixed_clock)
    ids = [session.add({"title": f"idea {n}", "matters": "yes"}).id for n in range(5)]
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        assert isinstance(app.screen, TriageScreen)
        assert "Idea 1 of 5" in text_of(app, "#inbox-position")
        assert "idea 0" in text_of(app, "#inbox-card")
        await pilot.press("q", "w", "a", "s")
        assert "Idea 1 of 1" in text_of(app, "#inbox-position")
        assert "idea 3" in text_of(app, "#inbox-last")
        assert "Incremental" in text_of(app, "#inbox-last")
    stored = reopen(db_path)
    settings = stored.settings()
    got = [quadrant(stored.get(i), settings) for i in ids[:4]]
    assert got == [Quadrant.MOONSHOT, Quadrant.QUICK_WIN, Quadrant.AVOID, Quadrant.INCREMENTAL]
    assert all(stored.get(i).status is Status.BACKLOG for i in ids[:4])
    assert stored.get(ids[4]).status is Status.IDEA


async def test_nudges_act_on_the_last_triaged_and_u_undoes_the_triage(
    repo: Repository, make_app, db_path
) -> None:
    session = ProjectSession(repo, fixed_clock)
    first = session.add({"title": "first"}).id
    session.add({"title": "second"})
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "w", "minus", "less_than_sign", "less_than_sign")
        exp = repo.get(first)
        assert (exp.impact, exp.probability) == (3, 0.6)
        assert "Idea 1 of 1" in text_of(app, "#inbox-position")
        await pilot.press("u", "u", "u")  # the three nudges... and then the triage
        assert (repo.get(first).impact, repo.get(first).probability) == (4, 0.7)
        await pilot.press("u")
        assert "Idea 1 of 2" in text_of(app, "#inbox-position")
        assert "first" in text_of(app, "#inbox-card")
    assert reopen(db_path).get(first).status is Status.IDEA


async def test_step_through_the_inbox_and_empty_state(repo: Repository, make_app) -> None:
    session = ProjectSession(repo, fixed_clock)
    for n in range(3):
        session.add({"title": f"idea {n}"})
    app = make_app(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "j", "j")
        assert "Idea 3 of 3" in text_of(app, "#inbox-position")
        await pilot.press("k")
        assert "idea 1" in text_of(app, "#inbox-card")
        await pilot.press("s", "s", "s")
        assert "Inbox empty" in text_of(app, "#inbox-position")
        await pilot.press("w")  # nothing left: a warning, no crash, nothing changes
        assert all(e.status is Status.BACKLOG for e in repo.experiments())


async def test_stepping_shows_the_next_card_from_its_top(repo: Repository, make_app) -> None:
    session = ProjectSession(repo, fixed_clock)
    for n in range(2):
        session.add({"title": f"idea {n}", "hypothesis": "if this then that " * 60})
    app = make_app(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        card = app.screen.query_one("#inbox-card", TextView)
        card.scroll_to(y=5, animate=False)
        await pilot.pause()
        assert card.scroll_y == 5
        await pilot.press("j")
        await pilot.pause()
        assert "idea 1" in text_of(app, "#inbox-card") and card.scroll_y == 0


async def test_skip_from_the_inbox_records_the_reason(repo: Repository, make_app, db_path):
    exp = ProjectSession(repo, fixed_clock).add({"title": "Try GRU encoder"})
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "x")
        await pilot.pause()
        await pilot.press(*"transformers already beat it", "enter")
        await pilot.pause()
        assert "Inbox empty" in text_of(app, "#inbox-position")
    stored = reopen(db_path).get(exp.id)
    assert stored.status is Status.SKIPPED
    assert stored.skip_reason == "transformers already beat it"


async def test_matrix_counts_strategies_and_moves(seeded: Repository, make_app, db_path):
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        assert isinstance(app.screen, MatrixScreen)
        quick = text_of(app, f"#{table_id(Quadrant.QUICK_WIN)}-title")
        assert "Quick win" in quick and "1 open" in quick and "do immediately" in quick
        moon = text_of(app, f"#{table_id(Quadrant.MOONSHOT)}-title")
        assert "1 open" in moon and "try selectively, 20% of budget" in moon
        assert "systematic search" in text_of(app, f"#{table_id(Quadrant.INCREMENTAL)}-title")
        assert "document and skip" in text_of(app, f"#{table_id(Quadrant.AVOID)}-title")
        # the cursor starts in Quick win: move its experiment to Avoid, and follow it
        assert app.screen.current().title == "Class-weighted loss"
        await pilot.press("a")
        assert app.screen.focused_quadrant is Quadrant.AVOID
        assert "1 open" in text_of(app, f"#{table_id(Quadrant.AVOID)}-title")
        assert "0 open" in text_of(app, f"#{table_id(Quadrant.QUICK_WIN)}-title")
        await pilot.press("shift+tab")  # Avoid -> Quick win (reading order)
        assert app.screen.focused_quadrant is Quadrant.QUICK_WIN
        await pilot.press("left")
        assert app.screen.focused_quadrant is Quadrant.MOONSHOT
        await pilot.press("w")
        assert app.screen.focused_quadrant is Quadrant.QUICK_WIN
    stored = {e.title: e for e in reopen(db_path).experiments()}
    settings = reopen(db_path).settings()
    assert quadrant(stored["Class-weighted loss"], settings) is Quadrant.AVOID
    assert quadrant(stored["Distil a 7B teacher"], settings) is Quadrant.QUICK_WIN


async def test_screens_are_modes_with_one_key_each(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        for key, mode in (("2", "triage"), ("3", "matrix"), ("1", "backlog")):
            await pilot.press(key)
            assert app.current_mode == mode
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True)
        for static in app.screen.query(Static):
            console.print(static.content)
        help_text = console.export_text()
        every = {c.verb for c in modes.app_commands()} | {
            c.verb for mode in modes.MODES for c in mode.commands
        }
        missing = [verb for verb in every if verb not in help_text]
        assert not missing
        await pilot.press("escape")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"triage: quick win", "backlog: add experiment", "view: matrix"} <= titles
