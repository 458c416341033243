"""The app in this process, headless (``App.run_test(size=(COLS, ROWS))``), instrumented to
time a key event to the repaints it causes.

Used by the in-process figures; importing Textual here is why such a figure sets
``imports_textual`` (it is measured after the others).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import COLS, ROWS, ms, perf

from iterate_tui.cli.main import configure_textual


@dataclass
class Headless:
    """The running app, with the hooks a figure times it by."""

    app: Any
    pilot: Any
    repo: Any
    driver: Any
    save_log: list[float]  # the changes' durable saves (ms) since the figure last cleared it
    displayed: list[tuple[float, str]]  # (end, screen class) of each frame sent out

    def instrument(self, screen: Any) -> list[float]:
        """Record when each compositor refresh (a repaint) of ``screen`` ends."""
        log: list[float] = []
        original = screen._compositor_refresh

        def refresh() -> None:
            original()
            log.append(perf())

        screen._compositor_refresh = refresh
        return log

    async def settle(self) -> None:
        await self.pilot._wait_for_screen()
        await self.pilot._wait_for_screen()
        await asyncio.sleep(0.05)  # any pending frame tick (not timed)

    async def switch(self, key: str, screen: str) -> tuple[float, float]:
        """Post ``key`` as the terminal driver would, then let the app run for 0.6 s: the end
        of the first and of the last frame of ``screen`` sent out after it (ms; nan if none)."""
        from textual import events

        del self.displayed[:]
        t0 = perf()
        self.driver.send_message(events.Key(key, key))
        await asyncio.sleep(0.6)
        frames = [ms(t - t0) for t, name in self.displayed if name == screen]
        return (frames[0], frames[-1]) if frames else (float("nan"), float("nan"))

    async def quiet(self, done: Callable[[], bool], log: list[float]) -> None:
        """Let the app run undisturbed until the change is made and painted, and no repaint
        followed for 120 ms (not timed: the times come from ``log``)."""
        deadline = perf() + 15
        while perf() < deadline:
            await asyncio.sleep(0.02)
            if done() and log and perf() - log[-1] > 0.12:
                return


@contextlib.asynccontextmanager
async def headless_app(db: Path) -> AsyncIterator[Headless]:
    """The app on ``db``, once every experiment is built and the start-up workers are done:
    keys pressed while they run share the interpreter with them, and are measured by the
    launches, not here."""
    configure_textual()  # as the command does, before Textual is imported

    from iterate_tui.app import IterateApp
    from iterate_tui.store.project import ProjectStore
    from iterate_tui.store.repository import Repository

    store = ProjectStore.open(db)
    repo = Repository(store)
    save_log: list[float] = []
    original_transaction = repo.transaction

    @contextlib.contextmanager
    def timed_transaction() -> Any:
        """A change's durable save: the experiment and its journal entry, written as one
        (the session saves every change in a transaction)."""
        start = perf()
        try:
            with original_transaction():
                yield
        finally:
            save_log.append(ms(perf() - start))

    repo.transaction = timed_transaction  # type: ignore[method-assign]
    app = IterateApp(repo, watch_interval=None)
    try:
        async with app.run_test(size=(COLS, ROWS)) as pilot:
            await pilot.pause()
            for _ in range(500):  # every experiment built (a worker does it after launch)
                if app.repository.complete:
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            # ... and the start-up work after it done (serializing the documents for the
            # first save).
            await app.workers.wait_for_complete()
            await pilot.pause()
            driver = app._driver
            assert driver is not None
            original_display = app._display
            displayed: list[tuple[float, str]] = []

            def display(screen: Any, renderable: Any) -> None:
                """Turn each update into terminal output, as the real driver would."""
                original_display(screen, renderable)
                if hasattr(renderable, "render_segments"):
                    renderable.render_segments(app.console)  # headless skips this
                    displayed.append((perf(), type(screen).__name__))

            app._display = display  # type: ignore[method-assign]
            yield Headless(app, pilot, repo, driver, save_log, displayed)
    finally:
        store.close()
