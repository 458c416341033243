"""What every screen shares: its mode, the mode bar and key bar, the session, and keeping
in step with the project.

A screen says which ``modes.MODES`` entry it is (``class X(ModeScreen, mode="x")``) and
gets that entry's keys as its bindings. Every change to the project reaches every screen
as one ``ProjectChanged`` (the app passes on what the session announces, whatever made
the change): the screen on show applies it at once, in the key that made it (a key typed
right after acts on the new state); a hidden screen keeps it and applies it when it is
shown again, reading everything afresh only if it missed a change or kept too many.

State goes down, messages up: the screen holds what the mode bar shows in reactive
``var``s that the bar is bound to (``data_bind``), and widgets post messages that the
screen handles.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, Concatenate, ParamSpec, Protocol, TypeVar, cast

from textual.app import ComposeResult
from textual.reactive import var
from textual.screen import Screen
from textual.signal import Signal
from textual.widget import Widget

from .. import modes
from ..domain.enums import Direction, Status
from ..domain.errors import problem_text
from ..domain.settings import ProjectSettings
from ..session import ProjectChanged, ProjectSession, What
from ..widgets.key_bar import KeyBar
from ..widgets.mode_bar import ModeBar, ProjectLine

#: Changes kept for a hidden screen beyond which it reads everything when shown again.
MAX_PENDING = 50

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="ModeScreen")


class ProjectApp(Protocol):
    """What the screens need of the app (``app.IterateApp``)."""

    session: ProjectSession
    project_changed: Signal[ProjectChanged]


#: What the mode bar says of a project nobody has set up yet (default name, no goal).
SET_UP = "new project: 0 sets it up (goal, dates, budget)"


def project_line(settings: ProjectSettings, file_name: str) -> ProjectLine:
    """The mode bar's project line; a project still with the defaults invites setting up."""
    untouched = ProjectSettings()
    if (
        settings.name == untouched.name
        and settings.baseline is None
        and settings.target is None
        and settings.deadline is None
        and settings.budget_total is None
    ):
        return ProjectLine(SET_UP, "", "")
    arrow = "↑" if settings.direction is Direction.MAXIMIZE else "↓"
    goal = ""
    if settings.metric_name:
        goal = f"{settings.metric_name} {arrow}"
        if settings.baseline is not None:
            goal += f" {settings.baseline:g}"
        if settings.target is not None:
            goal += f" → {settings.target:g}"
    due = f"due {settings.deadline.isoformat()}" if settings.deadline is not None else ""
    return ProjectLine(settings.name or file_name, goal, due)


def writing(
    action: Callable[Concatenate[S, P], R],
) -> Callable[Concatenate[S, P], R | None]:
    """An action that changes the project: refused, with the reason, while the project is
    open read-only (the key bar does not offer it then either)."""

    @functools.wraps(action)
    def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        reason = self.session.read_only_reason
        if reason is not None:
            self.warn(f"Read-only, nothing can be changed: {reason}")
            return None
        return action(self, *args, **kwargs)

    return guarded


class ModeScreen(Screen[None]):
    """The base of every screen the mode keys open."""

    MODE: ClassVar[modes.Mode]

    #: What the mode bar shows (bound to it: set these, never the bar).
    header_project: var[ProjectLine] = var(ProjectLine)
    header_badges: var[dict[str, str]] = var(dict)
    header_notice: var[str] = var("")

    def __init_subclass__(cls, mode: str | None = None, **kwargs: Any) -> None:
        if mode is not None:
            cls.MODE = modes.named(mode)
            # Before Textual merges the class's bindings (in its own __init_subclass__).
            cls.BINDINGS = list(cls.MODE.bindings())
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        #: The revision of the project this screen shows.
        self._seen_revision = -1
        #: Changes announced while this screen was hidden, oldest first.
        self._pending: list[ProjectChanged] = []
        self._missed = False
        #: Set while this screen's own action changes the project: its cursor follows.
        self.acting = False

    # -- what the app gives every screen ------------------------------------------------------
    @property
    def project_app(self) -> ProjectApp:
        return cast(ProjectApp, self.app)

    @property
    def session(self) -> ProjectSession:
        return self.project_app.session

    def compose(self) -> ComposeResult:
        yield ModeBar(self.MODE.name).data_bind(
            project=ModeScreen.header_project,
            badge=ModeScreen.header_badges,
            notice=ModeScreen.header_notice,
        )
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> Iterable[Widget]:
        """The screen's own widgets, between the mode bar and the key bar."""
        return ()

    def on_mount(self) -> None:
        self.project_app.project_changed.subscribe(self, self._project_changed, immediate=True)
        if self.session.read_only_reason:
            self.query_one(KeyBar).hidden = modes.writing_actions()
        self.show_project()

    # -- keeping in step ---------------------------------------------------------------------
    @property
    def in_view(self) -> bool:
        """Is this screen the one on show (perhaps under a pop-up)?"""
        return self in self.app.screen_stack

    def show_project(self) -> None:
        """Draw everything afresh from the session."""
        self._seen_revision = self.session.revision
        self._pending.clear()
        self._missed = False
        self.refresh_view()
        self.update_header()

    def refresh_view(self) -> None:
        """Rebuild the screen's content from the session (every screen has its own)."""

    def apply_change(self, event: ProjectChanged, *, mine: bool) -> None:
        """Apply one change without reading everything (``mine``: made on this screen, so
        its cursor follows the experiment). By default: everything afresh."""
        self.refresh_view()

    def _project_changed(self, event: ProjectChanged) -> None:
        if not self.in_view:
            if len(self._pending) < MAX_PENDING:
                self._pending.append(event)
            else:  # many changes: one fresh read is cheaper
                self._pending.clear()
                self._missed = True
            return
        self._take(event, mine=self.acting or event.undo)

    def loaded(self) -> None:
        """Every experiment is built now (the app builds them after its first frame)."""

    @contextlib.contextmanager
    def own_change(self) -> Iterator[None]:
        """The change made inside is this screen's own (its cursor follows it)."""
        self.acting = True
        try:
            yield
        finally:
            self.acting = False

    def _take(self, event: ProjectChanged, *, mine: bool) -> None:
        if event.what is What.LOADED:  # nothing changed: more of it is at hand
            self.loaded()
        elif event.what is What.EXPERIMENTS and event.revision == self._seen_revision + 1:
            self._seen_revision = event.revision
            self.apply_change(event, mine=mine)
            self.update_header()
        else:
            self.show_project()

    def on_screen_resume(self) -> None:
        pending, self._pending = self._pending, []
        if self._missed:
            self.show_project()
            return
        for event in pending:
            self._take(event, mine=False)
        if self.session.revision != self._seen_revision:
            self.show_project()  # something moved that no change announced
        else:
            self.update_header()

    def update_header(self) -> None:
        session = self.session
        self.header_project = project_line(session.settings, session.path.name)
        waiting = session.status_counts()[Status.IDEA.value]
        self.header_badges = {"triage": f" ({waiting})"} if waiting else {}
        self.header_notice = "READ-ONLY" if session.read_only_reason else ""

    # -- saying things -----------------------------------------------------------------------
    def say(self, message: str) -> None:
        """A short confirmation. Every message may repeat what the user typed: no markup."""
        self.notify(message, markup=False)

    def warn(self, message: str) -> None:
        self.notify(message, severity="warning", markup=False)

    def complain(self, exc: Exception) -> None:
        """A change could not be made: say why (nothing was written)."""
        self.notify(problem_text(exc), severity="error", markup=False, timeout=10)
