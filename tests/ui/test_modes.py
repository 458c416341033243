"""The screens are registered once (``modes.MODES``): keys, mode bar, key bar, palette and
help all follow from an entry, and a new screen is one entry plus one module."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest
from textual.css.stylesheet import Stylesheet

from iterate_tui import modes
from iterate_tui.app import IterateApp
from iterate_tui.commands import Command, key_span
from iterate_tui.screens.base import ModeScreen
from iterate_tui.screens.help import HelpScreen
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.key_bar import KeyBar
from iterate_tui.widgets.mode_bar import ModeBar


def screen_class(mode: modes.Mode) -> type[ModeScreen]:
    module, name = mode.screen.split(":")
    found: type[ModeScreen] = getattr(
        importlib.import_module(f"iterate_tui.screens.{module}"), name
    )
    return found


def test_every_mode_names_its_screen_class_and_has_its_own_key() -> None:
    keys = [m.key for m in modes.MODES]
    assert len(set(keys)) == len(keys) and set(keys) <= set(modes.DIGITS)
    assert len({m.name for m in modes.MODES}) == len(modes.MODES)
    for mode in modes.MODES:
        cls = screen_class(mode)
        assert issubclass(cls, ModeScreen) and cls.MODE is mode
        assert {b.key for b in cls.BINDINGS} == {c.keys for c in mode.commands}  # type: ignore[union-attr]
    views = {c.keys: c.action for c in modes.app_commands() if c.area == "view"}
    assert views == {m.key: f"app.show_mode({m.key!r})" for m in modes.MODES}


def test_the_screen_keys_read_as_a_span() -> None:
    assert key_span(["1", "2", "3"]) == "1-3"
    assert key_span(["1", "2", "3", "4", "0"]) == "0-4"
    assert key_span(list(modes.DIGITS)) == "0-9"
    assert key_span(["1", "2"]) == "1 2"
    assert key_span(["1", "2", "3", "5"]) == "1-3 5"


async def test_each_mode_key_opens_its_screen_and_the_mode_bar_says_so(
    seeded: Repository, make_app
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        for mode in modes.MODES:
            await pilot.press(mode.key)
            await pilot.pause()
            assert app.current_mode == mode.name
            assert isinstance(app.screen, ModeScreen) and app.screen.MODE is mode
            bar = app.screen.query_one(ModeBar)
            assert bar.active == mode.name
            assert f"{mode.key} {mode.label}" in str(bar.render())
        first = modes.MODES[0]
        await pilot.press(first.key)  # back to the first screen: the same one as at start
        await pilot.pause()
        assert app.current_mode == first.name == app.screen.MODE.name  # type: ignore[attr-defined]


async def test_start_up_reads_the_css_without_parsing_it_again(
    seeded: Repository, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen from MODES is shown only after all the CSS is parsed again, twice (~6 ms
    each at start-up): the first screen is shown as the default screen instead."""
    reparsed: list[str] = []
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: reparsed.append("reparse"))
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.current_mode == modes.MODES[0].name
        assert reparsed == []


SCRATCH = modes.Mode(
    "scratch",
    "9",
    "Scratch",
    "scratch pad",
    "tests.ui.scratch_screen:ScratchScreen",
    (Command("scratch", "say hello", "h", "hello", "Hello"),),
    "A screen that only the tests register.",
)


@pytest.fixture
def scratch_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(modes, "MODES", (*modes.MODES, SCRATCH))
    yield
    sys.modules.pop("tests.ui.scratch_screen", None)  # its class belongs to this registry


async def test_a_new_screen_is_one_mode_entry_and_one_module(
    scratch_registered: None, seeded: Repository, make_app
) -> None:
    app: IterateApp = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(ModeBar)
        assert "9 Scratch" in str(bar.render())  # the mode bar lists it on every screen
        await pilot.press("9")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "ScratchScreen" and app.current_mode == "scratch"
        assert screen.query_one("#scratch-count").render() is not None
        assert screen.views == 1  # type: ignore[attr-defined]
        keys = str(screen.query_one(KeyBar).render())
        assert "h Hello" in keys and "screens" in keys
        await pilot.press("h")
        assert screen.hellos == 1  # type: ignore[attr-defined]
        # the palette finds its action from another screen, and the help lists it
        await pilot.press("1")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "scratch: say hello" in titles and "view: scratch pad" in titles
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(".help-section"))
        assert "Scratch (9)" in shown and "say hello" in shown
        # a change made elsewhere reaches it when it is shown again
        await pilot.press("escape", "2", "w", "9")
        await pilot.pause()
        assert screen.views == 2  # type: ignore[attr-defined]


async def test_the_palette_runs_another_screens_action_there(seeded: Repository, make_app) -> None:
    app: IterateApp = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "matrix: next quadrant" in commands and "inbox: next idea" in commands
        # Textual's own duplicates of the app's commands are left out
        assert "Quit" not in commands and "app: quit" in commands
        assert "Keys" not in commands
        result = commands["matrix: next quadrant"].callback()
        if result is not None:
            await result
        await pilot.pause()
        assert app.current_mode == "matrix"
        # moonshot, quick win (where it opens), avoid, incremental: one step from quick win
        assert app.screen.focused_quadrant.value == "avoid"  # type: ignore[attr-defined]
