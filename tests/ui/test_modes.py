"""The screens are declared once (commands.MODES); everything else is derived from it."""

from __future__ import annotations

import importlib

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
    assert set(IterateApp.MODES) == {m.name for m in commands.MODES}
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
