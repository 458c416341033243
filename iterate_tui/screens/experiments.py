"""What the screens that list experiments (backlog, inbox, matrix) share: the experiment
the keys act on, and the actions that change one experiment (triage, nudge, add, edit,
start, finish, skip, delete, explore/exploit).

Each action calls the session; the change comes back to every screen as the session's
``ProjectChanged`` (this screen applies it at once, its cursor following the experiment).
Every save says what it did; a failure says why, at once, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

from ..domain.enums import Quadrant
from ..domain.errors import IterateError, problem_text
from ..domain.experiment import Experiment
from ..domain.lifecycle import EDITABLE_FIELDS
from ..domain.matrix import is_explore
from ..domain.text import safe_for_display
from .base import ModeScreen, writing


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return " ".join(map(str, value)) or "none"
    return str(value) if value not in (None, "") else "none"


def what_changed(before: Experiment, after: Experiment) -> str:
    """The edited fields, as a person reads them ("impact 3 → 4, title")."""
    parts = []
    for name in EDITABLE_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        label = name.replace("_", " ")
        if name in ("impact", "probability", "cost", "info_value", "tier"):
            if name == "probability":
                shown_old = "—" if old is None else f"{old:.0%}"
                shown_new = "—" if new is None else f"{new:.0%}"
            else:
                shown_old, shown_new = _shown(old), _shown(new)
            parts.append(f"{label} {shown_old} → {shown_new}")
        else:
            parts.append(label)
    return ", ".join(parts) or "nothing"


class ExperimentActions(ModeScreen):
    """A screen of experiments. Subclasses say which experiment the keys act on."""

    def current(self) -> Experiment | None:
        """The experiment the keys act on."""
        return None

    def nudge_target(self) -> Experiment | None:
        """The experiment the impact and probability nudges act on."""
        return self.current()

    def change(self, apply: Callable[[], Experiment]) -> Experiment | None:
        """Make one change through the session; None (and why, at once) if refused."""
        try:
            with self.own_change():
                return apply()
        except (IterateError, OSError) as exc:
            self.complain(exc)
            return None

    def submit(
        self, apply: Callable[[], Experiment], said: Callable[[Experiment], str]
    ) -> str | None:
        """A form's save: make the change and say what it did; else what went wrong,
        which the form shows, keeping what was typed."""
        try:
            with self.own_change():
                new = apply()
        except (IterateError, OSError) as exc:
            return problem_text(exc)
        self.say(said(new))
        return None

    def _need_current(self) -> Experiment | None:
        exp = self.current()
        if exp is None:
            self.warn("Nothing selected.")
        return exp

    def _need_nudge_target(self) -> Experiment | None:
        exp = self.nudge_target()
        if exp is None:
            self.warn("Nothing to nudge: triage an idea first.")
        return exp

    def _need_open(self) -> Experiment | None:
        """The selected experiment if it can still be finished or skipped."""
        exp = self._need_current()
        if exp is not None and not exp.is_open:
            self.warn(f"#{exp.id} is already {exp.status.label}.")
            return None
        return exp

    # -- the keys ----------------------------------------------------------------------------
    @writing
    def action_triage(self, target: str) -> None:
        exp = self._need_current()
        if exp is not None:
            quadrant = Quadrant(target)
            self.change(lambda: self.session.triage(exp.id, quadrant))

    @writing
    def action_nudge_impact(self, delta: int) -> None:
        exp = self._need_nudge_target()
        if exp is not None:
            self.change(lambda: self.session.nudge_impact(exp.id, delta))

    @writing
    def action_nudge_probability(self, steps: int) -> None:
        exp = self._need_nudge_target()
        if exp is not None:
            self.change(lambda: self.session.nudge_probability(exp.id, steps))

    @writing
    def action_start(self) -> None:
        exp = self._need_current()
        if exp is not None and self.change(lambda: self.session.start(exp.id)):
            self.say(f"Started #{exp.id}; its estimates are frozen.")

    @writing
    def action_toggle_explore(self) -> None:
        exp = self._need_current()
        if exp is None:
            return
        settings = self.session.settings
        explores = not is_explore(exp, settings)
        new = self.change(lambda: self.session.edit(exp.id, {"explore": explores}))
        if new is not None:
            self.say(f"#{exp.id} now counts as {'exploration' if explores else 'exploitation'}.")

    @writing
    def action_promote(self) -> None:
        exp = self._need_current()
        if exp is None:
            return
        new = self.change(lambda: self.session.promote(exp.id))
        if new is not None:
            self.say(f"Promoted #{exp.id}: its follow-up #{new.id} is an idea at tier {new.tier}.")

    @writing
    def action_add(self) -> None:
        def add(values: dict[str, Any]) -> str | None:
            return self.submit(
                lambda: self.session.add(values),
                lambda new: (
                    f"Added #{new.id}"
                    + (" (answered 'no': skipped in Avoid)." if new.skip_reason else ".")
                ),
            )

        from .experiment_form import ExperimentForm  # forms load when first opened

        self.app.push_screen(ExperimentForm(self.session.settings, submit=add))

    @writing
    def action_edit(self) -> None:
        exp = self._need_current()
        if exp is None:
            return

        def edit(values: dict[str, Any]) -> str | None:
            return self.submit(
                lambda: self.session.edit(exp.id, values),
                lambda new: (
                    f"Saved #{exp.id}: {what_changed(exp, new)}."
                    if new != exp
                    else f"#{exp.id}: nothing changed."
                ),
            )

        from .experiment_form import ExperimentForm

        self.app.push_screen(ExperimentForm(self.session.settings, exp, submit=edit))

    @writing
    def action_finish(self) -> None:
        exp = self._need_open()
        if exp is None:
            return

        def finished(new: Experiment) -> str:
            values = ", ".join(f"{v:g}" for v in new.values) or "no value"
            outcome = new.outcome.label if new.outcome is not None else "done"
            return f"Finished #{exp.id}: {outcome} ({values})."

        def finish(result: dict[str, Any]) -> str | None:
            return self.submit(lambda: self.session.finish(exp.id, **result), finished)

        from .dialogs import ResultForm

        self.app.push_screen(ResultForm(exp, self.session.settings, submit=finish))

    @writing
    def action_skip(self) -> None:
        exp = self._need_open()
        if exp is None:
            return

        def skipped(new: Experiment) -> str:
            spent = "" if new.actual_cost is None else f" ({new.actual_cost:g} spent)"
            return f"Skipped #{exp.id}{spent}: {new.skip_reason}"

        def skip(result: dict[str, str]) -> str | None:
            return self.submit(lambda: self.session.skip(exp.id, **result), skipped)

        from .dialogs import ReasonForm

        self.app.push_screen(ReasonForm(exp, self.session.settings, submit=skip))

    @writing
    def action_delete(self) -> None:
        exp = self._need_current()
        if exp is None:
            return
        question = Text("Delete ", style="bold")
        question.append(f"#{exp.id} ")
        question.append(safe_for_display(exp.title))
        question.append("?  (u undoes it)", style="dim")

        def answered(yes: bool | None) -> None:
            if yes and self.change(lambda: self.session.delete(exp.id)):
                self.say(f"Deleted #{exp.id}; u brings it back.")

        from .dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(question), answered)
