"""Every key, grouped by screen, made from the same registry as the bindings (``modes``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from .. import modes
from ..commands import Command
from .modal import Dialog

INTRO = (
    "Every screen is one key away (the top line names them). "
    "Ctrl+P opens the command palette: every action of every screen is there as "
    "'area: verb'. u undoes the last change made in the app, also after a restart."
)

LISTS = (
    Command("list", "move", "up,k,down,j", "", key_display="↑↓ j k"),
    Command("list", "page", "pageup,pagedown", "", key_display="pgup pgdn"),
    Command("list", "first / last", "home,end", "", key_display="g G"),
    Command("list", "scroll the detail pane", "tab", "", key_display="tab"),
)


def sections() -> list[tuple[str, str, Iterable[Command]]]:
    """(title, what the screen is for, its keys) for every screen, after the global keys."""
    found: list[tuple[str, str, Iterable[Command]]] = [("Everywhere", "", modes.app_commands())]
    found += [(mode.title, mode.help, mode.commands) for mode in modes.registered()]
    found.append(("Lists", "", LISTS))
    return found


KEY_WIDTH = 14


def distinct(items: Iterable[Command]) -> Iterator[Command]:
    """Each command once, however many screens share it (told apart by action and keys:
    the list keys share one action)."""
    seen: set[tuple[str, str]] = set()
    for command in items:
        if (command.id, command.keys) not in seen:
            seen.add((command.id, command.keys))
            yield command


def section_text(title: str, items: Iterable[Command], intro: str = "") -> Text:
    """One section: its title, what the screen is for, then a key and what it does per line
    (each command once, however many screens share it)."""
    text = Text()
    text.append(f"{title}\n", style="bold")
    if intro:
        text.append(f"{intro}\n", style="dim")
    for command in distinct(items):
        text.append(f"  {command.display_keys:<{KEY_WIDTH}}", style="bold")
        text.append(f" {command.verb}\n")
    text.rstrip()
    return text


class HelpScreen(Dialog[None]):
    """Scrolled with the keys every list uses, so its last line can always be reached."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", key_display="esc"),
        # ↑ ↓ pgup pgdn home end are the scrolling box's own keys; these are the lists'.
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
        Binding("space", "page(1)", "Page down", show=False),
        Binding("G", "end", "Last", show=False),
        Binding("g", "home", "First", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(
                Text("iterate-tui keys  (↑↓ pgup pgdn g G scroll, esc closes)", style="bold")
            )
            yield Static(Text(INTRO, style="dim"))
            for title, intro, items in sections():
                yield Static(section_text(title, items, intro), classes="help-section")

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one("#help", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self.scroller.scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroller = self.scroller
        scroller.scroll_relative(
            y=pages * max(1, scroller.scrollable_content_region.height - 1), animate=False
        )

    def action_end(self) -> None:
        self.scroller.scroll_end(animate=False)

    def action_home(self) -> None:
        self.scroller.scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
