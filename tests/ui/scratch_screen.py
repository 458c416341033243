"""A screen that exists only in the tests: proof that a new screen is one ``Mode`` entry
(added by the test, see test_modes.py) and this one module."""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget
from textual.widgets import Static

from iterate_tui.screens.base import ModeScreen


class ScratchScreen(ModeScreen, mode="scratch"):
    def __init__(self) -> None:
        super().__init__()
        self.hellos = 0
        self.views = 0

    def compose_body(self) -> Iterator[Widget]:
        yield Static("", id="scratch-count")

    def refresh_view(self) -> None:
        self.views += 1
        count = self.session.count()
        self.query_one("#scratch-count", Static).update(f"{count} experiments")

    def action_hello(self) -> None:
        self.hellos += 1
        self.say("hello from the scratch screen")
