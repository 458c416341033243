"""The Textual application (minimal for now; the backlog screen is being built)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from .store.repository import Repository


class IterateApp(App[None]):
    TITLE = "iterate-tui"

    def __init__(self, repository: Repository, *, notice: str | None = None) -> None:
        super().__init__()
        self.repository = repository
        self.notice = notice

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.repository.count()} experiments", markup=False)
        yield Footer()


def run(repository: Repository, *, notice: str | None = None) -> None:
    """Run the app on an open project until the user quits."""
    IterateApp(repository, notice=notice).run()
