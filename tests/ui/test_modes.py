"""The screens are declared once (commands.MODES); everything else is derived from it."""

from __future__ import annotations

import importlib

import pytest
from textual.css.stylesheet import Stylesheet

from iterate_tui import commands
from iterate_tui.app import IterateApp
from iterate_tui.screens.base import ProjectScreen
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.mode_bar import ModeBar


def test_every_mode_names_its_screen_class_and_has_its_own_key() -> None:
    keys = [m.key for m in commands.MODES]
    assert len(set(keys)) == len(keys)
    for mode in commands.MODES:
        module, name = mode.screen.split(":")
        screen_class = getattr(importlib.import_module(f"iterate_tui.screens.{module}"), name)
        assert issubclass(screen_class, ProjectScreen) and mode.name == screen_class.MODE
    # The first screen is Textual's default screen, made a mode once the app runs.
    assert commands.MODES[0].name == IterateApp.DEFAULT_MODE
    assert set(IterateApp.MODES) == {m.name for m in commands.MODES[1:]}
    views = {c.keys: c.action for c in commands.APP if c.area == "view"}
    assert views == {m.key: f"app.switch_mode({m.name!r})" for m in commands.MODES}


async def test_each_mode_key_opens_its_screen_and_the_mode_bar_says_so(
    seeded: Repository, make_app
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        for mode in commands.MODES:
            await pilot.press(mode.key)
            await pilot.pause()
            assert app.current_mode == mode.name
            assert mode.name == app.screen.MODE
            bar = app.screen.query_one(ModeBar)
            assert bar.active == mode.name
            assert f"{mode.key} {mode.label}" in str(bar.render())
        first = commands.MODES[0]
        await pilot.press(first.key)  # back to the first screen: the same one as at start
        await pilot.pause()
        assert app.current_mode == first.name == app.screen.MODE
        assert app.screen.query_one(ModeBar).active == first.name


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
        assert app.current_mode == commands.MODES[0].name
        assert reparsed == []
