"""Every key, grouped by screen, generated from the same command list as the bindings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from .. import commands
from ..commands import Command
from .modal import Dialog

SECTIONS: tuple[tuple[str, Iterable[Command]], ...] = (
    ("Everywhere", commands.APP),
    ("Backlog (1)", commands.BACKLOG),
    ("Triage inbox (2)", commands.INBOX),
    ("Matrix (3)", commands.MATRIX),
)

INTRO = (
    "Ranked by score = (impact × probability + w_info × information value) / cost^α.\n"
    "Triage keys mirror the matrix: top row high impact (q moonshot, w quick win), bottom row "
    "low impact (a avoid, s incremental); right column high probability.\n"
    "Filter with /: free words, or status: quadrant: activity: tag: tier: "
    "(e.g. 'status:idea tag:labels'); status:all shows done and skipped too; "
    'text in double quotes is one word ("label noise", "lr:3e-4").\n'
    "Ctrl+P opens the command palette; every action is there as 'area: verb'."
)


def keys_table(title: str, items: Iterable[Command]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, expand=True)
    table.add_column("key", style="bold", width=14, no_wrap=True)
    table.add_column("what it does", ratio=1)
    seen: set[str] = set()
    for command in items:
        if command.id in seen:
            continue
        seen.add(command.id)
        table.add_row(command.display_keys, command.verb)
    return table


class HelpScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", key_display="esc")
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("iterate-tui keys", style="bold"))
            yield Static(Text(INTRO, style="dim"))
            for title, items in SECTIONS:
                yield Static(keys_table(title, items), classes="help-section")
            yield Static(
                keys_table(
                    "Lists",
                    [
                        Command("list", "move", "up,k,down,j", "", key_display="↑↓ j k"),
                        Command("list", "page", "pageup,pagedown", "", key_display="pgup pgdn"),
                        Command("list", "first / last", "home,end", "", key_display="g G"),
                        Command("list", "scroll the detail pane", "tab", "", key_display="tab"),
                    ],
                ),
                classes="help-section",
            )

    def action_close(self) -> None:
        self.dismiss(None)
