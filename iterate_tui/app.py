"""The Textual application: three screens as modes, one session, and a watch on the file.

Each screen is a Textual mode with its own key (1 backlog, 2 triage, 3 matrix), declared
once in ``commands.MODES`` (the mode bar, the footer, the palette, the help and the modes
below all come from it), so a later screen slots in with one line there. The app
owns the session (and its undo stack) shared by every screen, and once a second checks
whether another process (a training script calling ``iterate-tui result``) changed the
file; the re-read runs in a worker thread and the visible screen redraws when it is done.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar, cast

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.worker import get_current_worker

from . import commands
from .domain.enums import Direction, Status
from .domain.errors import IterateError
from .domain.experiment import Experiment, utc_now
from .screens.base import ProjectScreen, problem_text
from .session import NothingToUndo, ProjectSession
from .store.errors import StoreError
from .store.repository import Repository
from .widgets.follow_focus import TypeAhead

#: How often the app looks for changes made by other processes (seconds).
WATCH_INTERVAL = 1.0
#: Experiments built per step after the first frame (~0.5 ms: a key waits at most that).
BUILD_CHUNK = 64


def _screen_factory(mode: commands.Mode) -> Callable[[], Screen[None]]:
    """Each screen's module is imported when the screen is first shown, not at start-up."""

    def make() -> Screen[None]:
        module, name = mode.screen.split(":")
        screen_class = getattr(importlib.import_module(f".screens.{module}", __package__), name)
        return cast(Screen[None], screen_class())

    return make


def settle_memory() -> None:
    """Move what is loaded out of the collector's sight and make sure it runs.

    The project's objects live as long as the app and hold no cycles; frozen, a full
    collection no longer walks 10,000 experiments (~90 ms measured) in the middle of a
    keypress. The command line disables the collector while it loads the project.
    """
    gc.freeze()
    gc.enable()


class IterateApp(App[None]):
    TITLE = "iterate-tui"
    CSS_PATH = "app.tcss"
    # The first screen is not in MODES: Textual builds it with get_default_screen (below),
    # which spares the two full CSS parses a mode's first screen costs at start-up.
    MODES: ClassVar[dict[str, Callable[[], Screen[None]]]] = {  # type: ignore[assignment]
        mode.name: _screen_factory(mode) for mode in commands.MODES[1:]
    }
    DEFAULT_MODE = commands.MODES[0].name
    BINDINGS: ClassVar[list[BindingType]] = commands.bindings(commands.APP)

    def __init__(
        self,
        repository: Repository,
        *,
        notice: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        watch_interval: float | None = WATCH_INTERVAL,
        session_backup: Future[Path | None] | None = None,
        begin_backup: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.repository = repository
        # Set before the app runs: set in on_mount it repainted the whole first screen.
        self.title = f"iterate-tui · {repository.store.path.name}"
        self.session_backup = session_backup
        #: Starts the session backup, which waits for the first frame (see cli.main).
        self.begin_backup = begin_backup
        #: Set when the project turned out to be unreadable after the app opened.
        self.load_error: Exception | None = None
        self.session = ProjectSession(repository, clock)
        self.notice = notice
        self.watch_interval = watch_interval
        self._untriaged = (-1, 0)
        #: Keys typed ahead of a change of focus go to the newly focused widget.
        self.type_ahead = TypeAhead()
        #: The project screens shown so far: each change made on one is applied to the
        #: others too (see ProjectScreen.changed).
        self.project_screens: weakref.WeakSet[ProjectScreen] = weakref.WeakSet()

    # -- start-up ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        """The first mode's screen, which then becomes a mode like the others.

        Textual shows a screen from MODES by re-reading all the CSS with the theme's
        variables, twice (~6 ms each at start-up, measured); its default screen is shown
        with the CSS as read. Registered here, the mode is switched to like any other.
        """
        first = commands.MODES[0]
        make = _screen_factory(first)
        self.add_mode(first.name, make)
        return make()

    def on_mount(self) -> None:
        #: The thread the app runs in (notes from the backup thread are passed to it).
        self._ui_thread = threading.get_ident()
        if self.notice:
            self.notify(self.notice, title="Note", severity="warning", timeout=12, markup=False)
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_outside_changes)
        self.call_after_refresh(self._after_first_frame)

    # -- keys typed ahead (see widgets.follow_focus) ------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        self.type_ahead.read(self, event)
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        self.type_ahead.came_back(self, event)

    def on_unmount(self) -> None:
        gc.unfreeze()  # what was frozen may be collected again once the app is gone

    def _after_first_frame(self) -> None:
        if self.begin_backup is not None:
            # Not before: the copy made the first frame later. Not once everything is
            # loaded either: at 50,000 experiments that is when the inbox can open, and a
            # first triage there would wait for the copy (it holds the lock).
            self.begin_backup()
        self.finish_loading()
        if self.session_backup is not None:
            self.session_backup.add_done_callback(self._backup_done)

    def _backup_done(self, future: Future[Path | None]) -> None:
        """Say so if the session backup (taken in a thread while the app started) failed."""
        if threading.get_ident() != self._ui_thread:
            self.call_from_thread(self._backup_done, future)
            return
        exc = future.exception()
        if exc is not None:
            self.notify(
                f"The session backup could not be written ({exc}). The project itself is "
                "untouched; check the disk and the backups/ folder beside the project file.",
                title="Backup failed",
                severity="warning",
                timeout=20,
                markup=False,
            )

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def finish_loading(self) -> None:
        """Build the experiments the first frame did not need, a chunk at a time (keys are
        handled in between), then let the screen show them all."""
        try:
            if not self._build_rest():
                return
        except (StoreError, OSError) as exc:
            self.call_from_thread(self._load_failed, exc)
            return
        self.call_from_thread(self._loaded)

    def _build_rest(self) -> bool:
        """Build every experiment not built yet, from a worker thread; False if the app
        quit first."""
        worker = get_current_worker()
        while not self.repository.build_some(BUILD_CHUNK):
            if worker.is_cancelled:
                return False
            # Hand the interpreter back between chunks: a key waits for one chunk, not for
            # the 5 ms switch interval after each of its own waits.
            time.sleep(0.001)
        return True

    def _loaded(self) -> None:
        settle_memory()
        screen = self._project_screen()
        if screen is not None:
            screen.loaded()
        self.prime_next_save()

    def _load_failed(self, exc: Exception) -> None:
        """A malformed experiment: leave as a command would have (exit 3, the way out)."""
        self.load_error = exc
        self.exit(return_code=3)

    @work(thread=True, exclusive=True, group="prime", exit_on_error=False)
    def prime_next_save(self) -> None:
        """Serialize the loaded documents in the background so the first key saves fast."""
        # Only an optimisation: a real problem is reported by the save itself.
        with contextlib.suppress(Exception):
            self.repository.prime_serialization()

    # -- what every screen shows ------------------------------------------------------------
    @property
    def notice_line(self) -> str:
        return "READ-ONLY" if self.repository.store.read_only else ""

    def project_line(self) -> str:
        s = self.session.settings
        arrow = "↑" if s.direction is Direction.MAXIMIZE else "↓"
        parts = [s.name or Path(self.repository.store.path).name]
        if s.metric_name:
            goal = f"{s.metric_name} {arrow}"
            if s.baseline is not None:
                goal += f" {s.baseline:g}"
            if s.target is not None:
                goal += f" → {s.target:g}"
            parts.append(goal)
        if s.deadline is not None:
            parts.append(f"due {s.deadline.isoformat()}")
        return " · ".join(parts)

    def untriaged_count(self) -> int:
        """Ideas waiting for triage, counted again only when the project changed."""
        revision = self.repository.revision
        if self._untriaged[0] != revision:
            count = self.repository.status_counts()[Status.IDEA.value]
            self._untriaged = (revision, count)
        return self._untriaged[1]

    def note_change(self, old: Experiment | None, new: Experiment | None) -> None:
        """Keep the idea count without a scan when one experiment changed here."""
        revision, count = self._untriaged
        if revision == self.repository.revision - 1:
            count += (new is not None and new.status is Status.IDEA) - (
                old is not None and old.status is Status.IDEA
            )
            self._untriaged = (self.repository.revision, count)

    def mode_badges(self) -> dict[str, str]:
        waiting = self.untriaged_count()
        return {"triage": f" ({waiting})"} if waiting else {}

    # -- keeping up with other processes ----------------------------------------------------
    def check_outside_changes(self) -> None:
        """Cheap check (a stat and an 8-byte read); the re-read itself runs in a worker."""
        try:
            stale = self.repository.store.changed_on_disk()
        except OSError:
            return
        if stale:
            self.reload_from_disk()

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def reload_from_disk(self) -> None:
        try:
            changed = self.repository.refresh_if_changed()
            if changed and not self._build_rest():
                return
        except (StoreError, OSError) as exc:
            self.call_from_thread(
                self.notify,
                f"Could not re-read the project file: {exc}",
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        if changed:
            self.call_from_thread(self._redraw_after_outside_change)

    def _redraw_after_outside_change(self) -> None:
        settle_memory()
        self.prime_next_save()
        screen = self._project_screen()
        if screen is not None:
            screen.sync()
        self.notify("Updated: the project file was changed outside.", timeout=3, markup=False)

    def _project_screen(self) -> ProjectScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ProjectScreen):
                return screen
        return None

    # -- actions ----------------------------------------------------------------------------
    def action_undo(self) -> None:
        try:
            change = self.session.undo()
        except NothingToUndo:
            self.notify("Nothing to undo.", severity="warning", markup=False)
            return
        except (IterateError, OSError) as exc:
            self.notify(problem_text(exc), severity="error", markup=False)
            return
        screen = self._project_screen()
        if screen is not None:
            screen.changed(change.after, change.before)
        self.notify(f"Undone: {change.description}.", markup=False)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        area_commands = list(commands.APP)
        if isinstance(screen, ProjectScreen):
            area_commands += list(screen.COMMAND_LIST)
        seen: set[str] = set()
        for command in area_commands:
            if not command.palette or command.id in seen:
                continue
            seen.add(command.id)
            yield SystemCommand(
                command.title,
                f"key: {command.display_keys}",
                partial(self.run_action, command.action, screen),
            )


def run(
    repository: Repository,
    *,
    notice: str | None = None,
    session_backup: Future[Path | None] | None = None,
    begin_backup: Callable[[], None] | None = None,
) -> Exception | None:
    """Run the app on an open project until the user quits; returns the problem that made
    it leave early (a malformed experiment found after the first frame), if any."""
    app = IterateApp(
        repository, notice=notice, session_backup=session_backup, begin_backup=begin_backup
    )
    app.run()
    return app.load_error
