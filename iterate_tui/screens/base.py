"""What the three project screens share: the session, keeping in step with the file, and the
actions that change one experiment (triage, nudge, add, edit, start, finish, skip, delete).

A screen applies its own changes incrementally (one row moves). The other screens already
shown note each change and apply it when they are shown again (a key pays only for the
screen on show); when the repository's revision moved for another reason (a training script
writing the file) a screen reloads everything the next time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.screen import Screen

from ..commands import Command
from ..domain.enums import Quadrant
from ..domain.errors import IterateError
from ..domain.experiment import Experiment
from ..domain.text import safe_for_display
from ..widgets.mode_bar import ModeBar

if TYPE_CHECKING:
    from ..app import IterateApp
    from ..session import ProjectSession


def problem_text(exc: Exception) -> str:
    """What to tell the person when a change could not be saved (nothing was written)."""
    if isinstance(exc, OSError):
        return f"Not saved: {exc.strerror or exc} ({exc.filename or 'project file'})"
    return str(exc)


#: Changes noted for a hidden screen beyond which it simply reloads when shown again.
MAX_PENDING = 50


class ProjectScreen(Screen[None]):
    MODE: ClassVar[str] = ""
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = ()

    def __init__(self) -> None:
        super().__init__()
        self._synced_revision = -1
        #: Changes made on other screens while this one was hidden, oldest first.
        self._pending: list[tuple[Experiment | None, Experiment | None]] = []

    # -- shared state -----------------------------------------------------------------------
    @property
    def iterate_app(self) -> IterateApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> ProjectSession:
        return self.iterate_app.session

    def current(self) -> Experiment | None:
        """The experiment the keys act on."""
        raise NotImplementedError

    def nudge_target(self) -> Experiment | None:
        """The experiment the impact and probability nudges act on."""
        return self.current()

    def reload(self) -> None:
        """Rebuild everything from the repository."""
        raise NotImplementedError

    def apply_change(
        self, old: Experiment | None, new: Experiment | None, *, mine: bool = True
    ) -> None:
        """One experiment changed (old -> new); update the views without a full reload.
        ``mine``: the change was made on this screen (its cursor follows the experiment);
        otherwise the screen ends as a reload would leave it."""
        raise NotImplementedError

    def loaded(self) -> None:
        """Every experiment is built now (the app builds them after its first frame)."""

    def on_screen_resume(self) -> None:
        self.iterate_app.project_screens.add(self)
        self.sync()

    def sync(self, force: bool = False) -> None:
        pending, self._pending = self._pending, []
        revision = self.session.repository.revision
        if force or revision != self._synced_revision:
            self.reload()
            self._synced_revision = self.session.repository.revision
        else:
            for old, new in pending:
                self.apply_change(old, new, mine=False)
        self.update_mode_bar()

    def changed(self, old: Experiment | None, new: Experiment | None) -> None:
        """One change made from this app (old -> new) is saved: show it without a reload,
        here and on the other screens already shown (so switching to one needs none)."""
        self.iterate_app.note_change(old, new)
        self.apply_change(old, new)
        self.mark_synced()
        for screen in list(self.iterate_app.project_screens):
            if screen is not self:
                screen.follow_change(old, new)

    def follow_change(self, old: Experiment | None, new: Experiment | None) -> None:
        """A change made on another screen. If this screen was in step just before it, it
        stays in step: the change is applied when the screen is shown again (at once if it
        is on show). Otherwise it reloads when next shown, as before."""
        revision = self.session.repository.revision
        if self._synced_revision != revision - 1:
            return
        self._synced_revision = revision
        if self.is_current:
            self.apply_change(old, new, mine=False)
        elif len(self._pending) < MAX_PENDING:
            self._pending.append((old, new))
        else:  # many changes: one reload is cheaper
            self._pending.clear()
            self._synced_revision = -1

    def mark_synced(self) -> None:
        self._synced_revision = self.session.repository.revision
        self.update_mode_bar()

    def update_mode_bar(self) -> None:
        bar = self.query_one(ModeBar)
        bar.active = self.MODE
        bar.project = self.iterate_app.project_line()
        bar.badge = self.iterate_app.mode_badges()
        bar.notice = self.iterate_app.notice_line

    # -- changing one experiment ------------------------------------------------------------
    def change(self, old: Experiment, apply: Callable[[], Experiment]) -> Experiment | None:
        try:
            new = apply()
        except (IterateError, OSError) as exc:
            self.notify(problem_text(exc), severity="error", markup=False)
            return None
        if new is not old:
            self.changed(old, new)
        else:
            self.mark_synced()
        return new

    def _need_current(self) -> Experiment | None:
        exp = self.current()
        if exp is None:
            self.notify("Nothing selected.", severity="warning", markup=False)
        return exp

    def _need_nudge_target(self) -> Experiment | None:
        exp = self.nudge_target()
        if exp is None:
            self.notify("Nothing to nudge: triage an idea first.", severity="warning")
        return exp

    def action_triage(self, target: str) -> None:
        exp = self._need_current()
        if exp is not None:
            quadrant = Quadrant(target)
            self.change(exp, lambda: self.session.triage(exp.id, quadrant))

    def action_nudge_impact(self, delta: int) -> None:
        exp = self._need_nudge_target()
        if exp is not None:
            self.change(exp, lambda: self.session.nudge_impact(exp.id, delta))

    def action_nudge_probability(self, steps: int) -> None:
        exp = self._need_nudge_target()
        if exp is not None:
            self.change(exp, lambda: self.session.nudge_probability(exp.id, steps))

    def action_start(self) -> None:
        exp = self._need_current()
        if exp is not None and self.change(exp, lambda: self.session.start(exp.id)):
            self.notify(f"Started #{exp.id}; its estimates are frozen.", markup=False)

    def action_add(self) -> None:
        def added(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            try:
                new = self.session.add(values)
            except (IterateError, OSError) as exc:
                self.notify(problem_text(exc), severity="error", markup=False)
                return
            self.changed(None, new)
            note = " (answered 'no': skipped in Avoid)" if new.skip_reason else ""
            self.notify(f"Added #{new.id}{note}.", markup=False)

        from .experiment_form import ExperimentForm  # forms load when first opened

        self.app.push_screen(ExperimentForm(self.session.settings), added)

    def action_edit(self) -> None:
        exp = self._need_current()
        if exp is None:
            return

        def edited(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.change(exp, lambda: self.session.edit(exp.id, values))

        from .experiment_form import ExperimentForm

        self.app.push_screen(ExperimentForm(self.session.settings, exp), edited)

    def _need_open(self) -> Experiment | None:
        """The selected experiment if it can still be finished or skipped."""
        exp = self._need_current()
        if exp is not None and not exp.is_open:
            self.notify(f"#{exp.id} is already {exp.status.label}.", severity="warning")
            return None
        return exp

    def action_finish(self) -> None:
        exp = self._need_open()
        if exp is None:
            return

        def finished(result: dict[str, Any] | None) -> None:
            if result is not None:
                self.change(exp, lambda: self.session.finish(exp.id, **result))

        from .dialogs import ResultForm

        self.app.push_screen(ResultForm(exp, self.session.settings), finished)

    def action_skip(self) -> None:
        exp = self._need_open()
        if exp is None:
            return

        def skipped(reason: str | None) -> None:
            if reason is not None:
                self.change(exp, lambda: self.session.skip(exp.id, reason))

        from .dialogs import ReasonForm

        self.app.push_screen(ReasonForm(exp), skipped)

    def action_delete(self) -> None:
        exp = self._need_current()
        if exp is None:
            return
        question = Text("Delete ", style="bold")
        question.append(f"#{exp.id} ")
        question.append(safe_for_display(exp.title))
        question.append("?  (u undoes it)", style="dim")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.session.delete(exp.id)
            except (IterateError, OSError) as exc:
                self.notify(problem_text(exc), severity="error", markup=False)
                return
            self.changed(exp, None)
            self.notify(f"Deleted #{exp.id}; u brings it back.", markup=False)

        from .dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(question), answered)
