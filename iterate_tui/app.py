"""The Textual application: one mode per screen, one session, and a watch on the file.

The screens are registered once in ``modes.MODES`` (key, label, commands, help); the app
makes one Textual mode per entry, binds the ten digit keys to them, and builds the
palette and the help from the same entries. It owns the session shared by every screen
and passes on each ``ProjectChanged`` the session announces to every screen (a Textual
``Signal``), whatever made the change. Once a second it checks whether another process (a
training script calling ``iterate-tui result``) changed the file; the re-read runs in a
worker thread.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import ClassVar, cast

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import get_current_worker

from . import modes
from .commands import bindings
from .domain.errors import IterateError, problem_text
from .domain.experiment import utc_now
from .messages import ShowExperiment
from .session import NothingToUndo, ProjectChanged, ProjectSession
from .store.errors import StoreError
from .store.journal import BY_APP
from .store.repository import Repository
from .widgets.follow_focus import TypeAhead

#: How often the app looks for changes made by other processes (seconds).
WATCH_INTERVAL = 1.0
#: Experiments built per step after the first frame (~0.5 ms: a key waits at most that).
BUILD_CHUNK = 64


def _screen_module(mode: modes.Mode) -> ModuleType:
    module = mode.screen.split(":")[0]
    if "." in module:  # a module of its own (a test's screen), not one of screens/
        return importlib.import_module(module)
    return importlib.import_module(f".screens.{module}", __package__)


def _screen_factory(mode: modes.Mode) -> Callable[[], Screen[None]]:
    """Each screen's module is imported when the screen is first shown (or once the app has
    loaded everything, see ``warm_screens``), not at start-up."""

    def make() -> Screen[None]:
        return cast(Screen[None], getattr(_screen_module(mode), mode.screen.split(":")[1])())

    return make


#: The digit keys: each opens the screen registered with it (``action_show_mode``).
SCREEN_KEYS = [
    Binding(digit, f"show_mode({digit!r})", "screen", group=modes.SCREENS, id=f"view.{digit}")
    for digit in modes.DIGITS
]


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
    #: The first screen (see get_default_screen).
    DEFAULT_MODE = modes.MODES[0].name
    BINDINGS: ClassVar[list[BindingType]] = [*SCREEN_KEYS, *bindings(modes.GLOBAL)]

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
        registered = modes.registered()
        # The first screen is not added as a mode here: Textual builds it with
        # get_default_screen (below), which spares the two full CSS parses a mode's first
        # screen costs at start-up.
        self.first_mode = registered[0]
        for mode in registered[1:]:
            self.add_mode(mode.name, _screen_factory(mode))
        self.repository = repository
        # Set before the app runs: set in on_mount it repainted the whole first screen.
        self.title = f"iterate-tui · {repository.store.path.name}"
        self.session_backup = session_backup
        #: Starts the session backup, which waits for the first frame (see cli.main).
        self.begin_backup = begin_backup
        #: Set when the project turned out to be unreadable after the app opened.
        self.load_error: Exception | None = None
        self.session = ProjectSession(repository, clock, by=BY_APP)
        #: Every change to the project, passed on to every screen (see screens.base).
        self.project_changed: Signal[ProjectChanged] = Signal(self, "project-changed")
        self.session.subscribe(self._pass_on)
        self.notice = notice
        self.watch_interval = watch_interval
        #: Keys typed ahead of a change of focus go to the newly focused widget.
        self.type_ahead = TypeAhead()

    # -- start-up ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        """The first mode's screen, which then becomes a mode like the others.

        Textual shows a screen from MODES by re-reading all the CSS with the theme's
        variables, twice (~6 ms each at start-up, measured); its default screen is shown
        with the CSS as read. Registered here, the mode is switched to like any other.
        """
        make = _screen_factory(self.first_mode)
        self.add_mode(self.first_mode.name, make)
        return make()

    def _pass_on(self, event: ProjectChanged) -> None:
        """The session announced a change: every screen hears it, in the UI thread."""
        if threading.get_ident() != getattr(self, "_ui_thread", None):
            self.call_from_thread(self.project_changed.publish, event)
        else:
            self.project_changed.publish(event)

    def on_load(self) -> None:
        #: The thread the app runs in (notes from other threads are passed to it).
        self._ui_thread = threading.get_ident()

    def on_mount(self) -> None:
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
        self.session.loaded()
        self.prime_next_save()
        self.warm_screens()

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def warm_screens(self) -> None:
        """Import the other screens' modules while nothing happens, so that the first
        switch to one does not wait for its imports (the portfolio's: ~19 ms, measured)."""
        for mode in modes.registered()[1:]:
            if get_current_worker().is_cancelled:
                return
            with contextlib.suppress(Exception):  # a real problem shows when it is opened
                _screen_module(mode)

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
        self.session.reloaded()
        self.notify("Updated: the project file was changed outside.", timeout=3, markup=False)

    # -- actions ----------------------------------------------------------------------------
    def action_show_mode(self, key: str) -> None:
        mode = modes.with_key(key)
        if mode is not None:
            self.switch_mode(mode.name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_mode":  # only the keys a screen is registered with
            return modes.with_key(str(parameters[0])) is not None
        return True

    def action_undo(self) -> None:
        reason = self.session.read_only_reason
        if reason is not None:
            self.notify(
                f"Read-only, nothing can be changed: {reason}", severity="warning", markup=False
            )
            return
        try:
            undone = self.session.undo(by=BY_APP)
        except NothingToUndo:
            self.notify("Nothing to undo.", severity="warning", markup=False)
            return
        except (IterateError, OSError) as exc:
            self.notify(problem_text(exc), severity="error", markup=False)
            return
        self.notify(f"Undone: {undone.description}.", markup=False)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of every screen, as "area: verb", from any screen (one on another
        screen switches to it first), with Textual's own that the app does not have."""
        ours = {"quit", "keys"}  # the app's own "app: quit" and "app: help: every key"
        for builtin in super().get_system_commands(screen):
            if builtin.title.lower() not in ours:
                yield builtin
        seen: set[str] = set()
        for command in modes.app_commands():
            if command.palette and command.id not in seen:
                seen.add(command.id)
                yield SystemCommand(
                    command.title,
                    f"key: {command.display_keys}",
                    partial(self.run_action, command.action, screen),
                )
        for mode in modes.registered():
            for command in mode.commands:
                if not command.palette or command.id in seen:
                    continue
                seen.add(command.id)
                yield SystemCommand(
                    command.title,
                    f"key: {command.display_keys} ({mode.label.lower()})",
                    partial(self._run_on, mode, command.action),
                )

    @on(ShowExperiment)
    async def _show_experiment(self, message: ShowExperiment) -> None:
        """A screen asks for an experiment to be shown in the backlog: switch there and
        pass the request on (the backlog handles it)."""
        if message.routed:
            return
        await self.switch_mode(self.first_mode.name)
        self.screen.post_message(ShowExperiment(message.exp_id, routed=True))

    async def _run_on(self, mode: modes.Mode, action: str) -> None:
        """Run a screen's action on that screen, switching to it first if need be."""
        if self.current_mode == mode.name:
            await self.run_action(action, self.screen)
            return
        await self.switch_mode(mode.name)
        # Once the screen has set itself up (its focus, its rows): the action acts on that.
        self.call_after_refresh(self.run_action, action, self.screen)


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
