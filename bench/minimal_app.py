"""The floor: a minimal Textual app (one Static, one key binding), launched like the real one.

It shows "minimal app ready" and, on the key 2, "minimal key handled"; ctrl+q quits
(Textual's default). ``bench/run.py`` times it in the same pseudo-terminal run as the real
app so that the launch figure can be read as a ratio.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Static


class MinimalApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("2", "handled", "Handle")]

    def compose(self) -> ComposeResult:
        yield Static("minimal app ready", id="text")

    def action_handled(self) -> None:
        self.query_one("#text", Static).update("minimal key handled")


if __name__ == "__main__":
    MinimalApp().run()
