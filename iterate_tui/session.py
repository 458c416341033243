"""What a person does to the project from the app, with undo.

The screens call these methods; each one applies a domain rule, saves the result with one
write, and remembers how to put things back. Undo refuses to overwrite an experiment that
somebody else (a training script, another window) changed in the meantime. No Textual here,
so the behaviour behind every key can be tested without a terminal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from .domain import lifecycle
from .domain.enums import Outcome, Quadrant
from .domain.errors import IterateError
from .domain.experiment import Experiment, utc_now
from .domain.settings import ProjectSettings
from .store.errors import NotFoundError
from .store.repository import Repository

UNDO_DEPTH = 100

P = ParamSpec("P")
R = TypeVar("R")


class NothingToUndo(IterateError):
    pass


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable change: the experiment before (None if it was added) and after (None if
    it was deleted)."""

    description: str
    before: Experiment | None
    after: Experiment | None

    @property
    def exp_id(self) -> int:
        exp = self.after or self.before
        assert exp is not None
        return exp.id


def _exclusive(
    method: Callable[Concatenate[ProjectSession, P], R],
) -> Callable[Concatenate[ProjectSession, P], R]:
    """Read, check and write under one hold of the project lock: a training script's write
    can come before or after a key's change, never in the middle of it."""

    def wrapper(self: ProjectSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.repository.exclusive():
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


class ProjectSession:
    def __init__(self, repository: Repository, clock: Callable[[], datetime] = utc_now) -> None:
        self.repository = repository
        self.clock = clock
        self._undo: list[Change] = []

    # -- reading -----------------------------------------------------------------------------
    @property
    def settings(self) -> ProjectSettings:
        return self.repository.settings()

    def experiments(self) -> list[Experiment]:
        return self.repository.experiments()

    def get(self, exp_id: int) -> Experiment:
        return self.repository.get(exp_id)

    @property
    def last_change(self) -> Change | None:
        return self._undo[-1] if self._undo else None

    # -- changing ----------------------------------------------------------------------------
    def _record(
        self, description: str, before: Experiment | None, after: Experiment | None
    ) -> None:
        self._undo.append(Change(description, before, after))
        del self._undo[:-UNDO_DEPTH]

    def _current(self, exp_id: int) -> Experiment:
        """The experiment as it is on disk now: a change is never built on a stale copy."""
        self.repository.refresh_if_changed()
        return self.repository.get(exp_id)

    def _save(self, description: str, before: Experiment, after: Experiment) -> Experiment:
        if after is before:
            return before
        saved = self.repository.save(after)
        self._record(description, before, saved)
        return saved

    @_exclusive
    def add(self, values: Mapping[str, Any]) -> Experiment:
        exp = self.repository.add(lifecycle.create(values, self.settings, self.clock()))
        self._record(f"add #{exp.id}", None, exp)
        return exp

    @_exclusive
    def edit(self, exp_id: int, values: Mapping[str, Any]) -> Experiment:
        before = self._current(exp_id)
        after = lifecycle.edit(before, values, self.settings, self.clock())
        return self._save(f"edit #{exp_id}", before, after)

    @_exclusive
    def triage(self, exp_id: int, target: Quadrant) -> Experiment:
        before = self._current(exp_id)
        after = lifecycle.triage(before, target, self.settings, self.clock())
        return self._save(f"triage #{exp_id} to {target.label}", before, after)

    @_exclusive
    def nudge_impact(self, exp_id: int, delta: int) -> Experiment:
        before = self._current(exp_id)
        return self._save(
            f"impact of #{exp_id}", before, lifecycle.nudge_impact(before, delta, self.clock())
        )

    @_exclusive
    def nudge_probability(self, exp_id: int, steps: int) -> Experiment:
        before = self._current(exp_id)
        after = lifecycle.nudge_probability(before, steps, self.clock())
        return self._save(f"probability of #{exp_id}", before, after)

    @_exclusive
    def start(self, exp_id: int) -> Experiment:
        before = self._current(exp_id)
        return self._save(f"start #{exp_id}", before, lifecycle.start(before, self.clock()))

    @_exclusive
    def finish(
        self,
        exp_id: int,
        outcome: Outcome,
        values: list[str] | list[float],
        actual_cost: str | float | None = None,
        learned: str = "",
    ) -> Experiment:
        before = self._current(exp_id)
        after = lifecycle.finish(before, outcome, values, self.clock(), actual_cost, learned)
        return self._save(f"finish #{exp_id}", before, after)

    @_exclusive
    def skip(self, exp_id: int, reason: str, actual_cost: str | float | None = None) -> Experiment:
        before = self._current(exp_id)
        after = lifecycle.skip(before, reason, self.clock(), actual_cost)
        return self._save(f"skip #{exp_id}", before, after)

    @_exclusive
    def promote(self, exp_id: int) -> Experiment:
        """Add a follow-up of a done experiment one tier up; undo removes it."""
        source = self._current(exp_id)
        exp = self.repository.add(lifecycle.promote(source, self.settings, self.clock()))
        self._record(f"promote #{exp_id} to #{exp.id}", None, exp)
        return exp

    @_exclusive
    def delete(self, exp_id: int) -> Experiment:
        removed = self.repository.delete(exp_id)
        self._record(f"delete #{exp_id}", removed, None)
        return removed

    @_exclusive
    def undo(self) -> Change:
        """Put back the state before the last change made in this session."""
        if not self._undo:
            raise NothingToUndo("nothing to undo")
        change = self._undo[-1]
        try:
            current: Experiment | None = self._current(change.exp_id)
        except NotFoundError:
            current = None
        if current != change.after:
            self._undo.pop()
            raise IterateError(
                f"cannot undo {change.description}: #{change.exp_id} was changed elsewhere since"
            )
        if change.before is None:
            self.repository.delete(change.exp_id)
        else:
            self.repository.put_back(change.before)
        self._undo.pop()
        return change
