"""Keys typed faster than the screen updates (a burst over SSH, a fast typist) go where
the previous key sent the focus: never to the widget that had it before."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from iterate_tui.domain.enums import Quadrant
from iterate_tui.domain.matrix import quadrant
from iterate_tui.screens.backlog import BacklogScreen
from iterate_tui.screens.matrix import MatrixScreen
from iterate_tui.store.repository import Repository

from .conftest import reopen


def burst(app: object, keys: str) -> None:
    """Every key queued at once, as the terminal hands over what arrived in one read."""
    for key in keys.split():
        character = {"space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))  # type: ignore[attr-defined]


async def test_text_typed_right_after_slash_goes_into_the_filter(
    seeded: Repository, make_app, db_path
) -> None:
    before = {e.title: e for e in seeded.experiments()}
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        burst(app, "slash r e s t")  # r starts, e edits, s triages: none of them may run
        await pilot.pause()
        assert isinstance(app.screen, BacklogScreen)
        assert app.screen.query_one("#filter", Input).value == "rest"
        assert app.screen.focused is app.screen.query_one("#filter", Input)
        # Enter applies the filter and gives the table the focus: the w typed with it
        # triages the row the filter left.
        burst(app, "escape slash w a r m enter w")
        await pilot.pause()
        assert app.screen.focused is app.screen.table
        assert [e.title for e in app.screen.table.rows] == ["Warmup sweep"]
    after = {e.title: e for e in reopen(db_path).experiments()}
    settings = reopen(db_path).settings()
    assert quadrant(after["Warmup sweep"], settings) is Quadrant.QUICK_WIN
    for title, exp in before.items():
        assert after[title].status is exp.status
        if title != "Warmup sweep":
            assert after[title] == exp


async def test_a_second_move_in_the_matrix_moves_the_same_experiment(
    seeded: Repository, make_app, db_path
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)
        moved = app.screen.current()
        assert moved is not None and moved.title == "Class-weighted loss"
        burst(app, "a s")  # to Avoid, then (the focus followed it) to Incremental
        await pilot.pause()
        assert app.screen.focused_quadrant is Quadrant.INCREMENTAL
    stored = {e.title: e for e in reopen(db_path).experiments()}
    settings = reopen(db_path).settings()
    assert quadrant(stored["Class-weighted loss"], settings) is Quadrant.INCREMENTAL
    assert quadrant(stored["Distil a 7B teacher"], settings) is Quadrant.MOONSHOT
    assert quadrant(stored["Warmup sweep"], settings) is Quadrant.INCREMENTAL


async def test_a_title_typed_right_after_n_goes_into_the_new_form(
    seeded: Repository, make_app, db_path
) -> None:
    from iterate_tui.screens.experiment_form import ExperimentForm

    before = reopen(db_path).experiments()
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # q, w, s and a triage on the backlog, u undoes: here they are letters of a title.
        burst(app, "n q u i c k space s w a p")
        await pilot.pause()
        assert isinstance(app.screen, ExperimentForm)
        assert isinstance(app.focused, Input)
        assert app.focused.value == "quick swap"
    assert reopen(db_path).experiments() == before


async def test_editing_keys_in_a_burst_act_in_the_order_typed(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        burst(app, "slash a b backspace c left d")
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "adc"


async def test_a_form_typed_in_one_burst_is_saved_as_typed(
    seeded: Repository, make_app, db_path
) -> None:
    """Backspace and tab act between the letters typed around them, and ctrl+s saves
    what was typed before it (it used to act first, as the keys were read)."""
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        burst(app, "n L a b e l backspace x tab h y p ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BacklogScreen)
    added = [e for e in reopen(db_path).experiments() if e.title == "Labex"]
    assert [(e.title, e.hypothesis) for e in added] == [("Labex", "hyp")]
