"""What a person (or a script) does to the project, recorded for undo and announced.

The screens and the commands call these methods; each one applies a domain rule and saves
the result together with a journal entry (``store.journal``: the change before and after)
in one write. Undo takes the newest change that can still be undone from that journal, so
it works after a restart and from scripts; it refuses to overwrite what somebody else (a
training script, another window) changed since.

Every change, whatever made it (a key, a form, undo, another process writing the file,
the start-up load finishing), is announced once as a ``ProjectChanged`` to the listeners:
the app passes it to every screen. No Textual here, so the behaviour behind every key can
be tested without a terminal.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from .domain import lifecycle
from .domain.enums import Outcome, Quadrant, Status
from .domain.errors import IterateError
from .domain.experiment import Experiment, utc_now
from .domain.settings import ProjectSettings
from .store.codec import doc_to_experiment, settings_to_doc
from .store.journal import BY_APP, MOST_EXPERIMENTS, Entry, ExperimentStep
from .store.repository import Repository

P = ParamSpec("P")
R = TypeVar("R")


class NothingToUndo(IterateError):
    pass


class What(StrEnum):
    """What a ``ProjectChanged`` is about."""

    #: Some experiments changed (``changes`` says which, before and after).
    EXPERIMENTS = "experiments"
    #: The project settings changed (scores and quadrants may all have moved).
    SETTINGS = "settings"
    #: The file was read again after another process changed it: anything may differ.
    RELOADED = "reloaded"
    #: Every experiment is built now (the app builds them after its first frame).
    LOADED = "loaded"


@dataclass(frozen=True, slots=True)
class Change:
    """One experiment before (None: it was added) and after (None: it was deleted)."""

    before: Experiment | None
    after: Experiment | None

    @property
    def exp_id(self) -> int:
        exp = self.after or self.before
        assert exp is not None
        return exp.id


@dataclass(frozen=True, slots=True)
class ProjectChanged:
    """The project changed. ``revision`` is the repository's revision after the change: a
    view that saw ``revision - 1`` can apply ``changes`` one by one; any other gap means
    it missed something and must read everything again."""

    revision: int
    what: What
    changes: tuple[Change, ...] = ()
    description: str = ""
    #: Made by undo (the cursor stays where it is rather than following the experiment).
    undo: bool = False


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo put back."""

    entry: Entry
    changes: tuple[Change, ...]

    @property
    def description(self) -> str:
        return self.entry.description

    @property
    def before(self) -> Experiment | None:
        """The single experiment's state before the undo (as the change had left it)."""
        return self.changes[0].before if len(self.changes) == 1 else None

    @property
    def after(self) -> Experiment | None:
        """The single experiment as the undo left it (as it was before the change)."""
        return self.changes[0].after if len(self.changes) == 1 else None


Listener = Callable[[ProjectChanged], None]


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
    """``by``: who makes the changes (``store.journal.BY_APP`` or ``BY_COMMAND``),
    recorded with each; the app's undo takes back only the app's changes."""

    def __init__(
        self,
        repository: Repository,
        clock: Callable[[], datetime] = utc_now,
        *,
        by: str = BY_APP,
    ) -> None:
        self.repository = repository
        self.clock = clock
        self.by = by
        self._listeners: list[Listener] = []

    # -- announcing --------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every ``ProjectChanged`` from now on."""
        self._listeners.append(listener)

    def _announce(
        self,
        what: What,
        changes: Sequence[Change] = (),
        description: str = "",
        *,
        undo: bool = False,
    ) -> None:
        event = ProjectChanged(
            self.repository.revision, what, tuple(changes), description, undo=undo
        )
        for listener in list(self._listeners):
            listener(event)

    def refresh_if_changed(self) -> bool:
        """Read the file again if another process changed it (announced as RELOADED)."""
        if self.repository.refresh_if_changed():
            self._announce(What.RELOADED)
            return True
        return False

    def reloaded(self) -> None:
        """Announce that the file was read again (the app re-reads it in a worker)."""
        self._announce(What.RELOADED)

    def loaded(self) -> None:
        """Every experiment is built (the app calls this once its loading worker is done)."""
        self._announce(What.LOADED)

    # -- reading -----------------------------------------------------------------------------
    @property
    def settings(self) -> ProjectSettings:
        return self.repository.settings()

    def experiments(self) -> list[Experiment]:
        return self.repository.experiments()

    def get(self, exp_id: int) -> Experiment:
        return self.repository.get(exp_id)

    def status_counts(self) -> Counter[str]:
        return self.repository.status_counts()

    def journal(self, limit: int | None = None) -> list[Entry]:
        """The changes recorded, newest first."""
        return self.repository.journal(limit)

    @property
    def revision(self) -> int:
        """Moves with every change seen (see ``ProjectChanged``)."""
        return self.repository.revision

    @property
    def path(self) -> Path:
        """The project file."""
        return self.repository.store.path

    def count(self) -> int:
        return self.repository.count()

    @property
    def all_built(self) -> bool:
        """Is every experiment built (``experiments()`` then costs nothing more)?"""
        return self.repository.complete

    def top_ranked(
        self, statuses: frozenset[Status], limit: int
    ) -> tuple[list[Experiment], int] | None:
        """The best-ranked rows while the rest are still being built (see Repository)."""
        return self.repository.top_ranked(statuses, limit)

    def with_status(self, statuses: frozenset[Status]) -> list[Experiment]:
        return self.repository.with_status(statuses)

    @property
    def read_only_reason(self) -> str | None:
        """Why nothing can be saved (a file from a newer version...), or None."""
        return self.repository.store.read_only_reason

    # -- changing ----------------------------------------------------------------------------
    def _current(self, exp_id: int) -> Experiment:
        """The experiment as it is on disk now: a change is never built on a stale copy."""
        self.repository.refresh_if_changed()
        return self.repository.get(exp_id)

    def _entry(
        self,
        description: str,
        steps: Sequence[ExperimentStep],
        settings: tuple[ProjectSettings, ProjectSettings] | None = None,
        *,
        undoable: bool = True,
    ) -> Entry:
        """A journal entry. ``steps`` hold the experiments' stored documents before and
        after (copies taken as the change is made: documents the store already checked,
        not made again from the experiments); a change too large to keep is recorded
        without them, and cannot be undone (``undoable`` False)."""
        return Entry(
            id=0,
            at=self.clock(),
            by=self.by,
            description=description,
            steps=tuple(steps),
            settings_before=None if settings is None else settings_to_doc(settings[0]),
            settings_after=None if settings is None else settings_to_doc(settings[1]),
            undoable=undoable,
        )

    def _step(self, exp_id: int, before: dict[str, Any] | None) -> ExperimentStep:
        """One experiment's step, once it is changed: ``before`` and its stored document."""
        return ExperimentStep.of(exp_id, before, self.repository.document_copy(exp_id))

    def _save(self, description: str, before: Experiment, after: Experiment) -> Experiment:
        """Save one changed experiment with its journal entry, and announce it."""
        if after is before:
            return before
        with self.repository.transaction():
            stored_before = self.repository.document_copy(before.id)
            saved = self.repository.save(after)
            step = self._step(saved.id, stored_before)
            self.repository.journal_append(self._entry(description, [step]))
        self._announce(What.EXPERIMENTS, [Change(before, saved)], description)
        return saved

    def _change(
        self, exp_id: int, description: str, apply: Callable[[Experiment], Experiment]
    ) -> Experiment:
        with self.repository.exclusive():
            before = self._current(exp_id)
            return self._save(description, before, apply(before))

    @_exclusive
    def add(self, values: Mapping[str, Any]) -> Experiment:
        new = lifecycle.create(values, self.settings, self.clock())
        return self._add_one(new, lambda exp: f"add #{exp.id}")

    @_exclusive
    def promote(self, exp_id: int) -> Experiment:
        """Add a follow-up of a done experiment one tier up; undo removes it."""
        new = lifecycle.promote(self._current(exp_id), self.settings, self.clock())
        return self._add_one(new, lambda exp: f"promote #{exp_id} to #{exp.id}")

    def _add_one(self, new: Experiment, describe: Callable[[Experiment], str]) -> Experiment:
        with self.repository.transaction():
            exp = self.repository.add(new)
            text = describe(exp)
            self.repository.journal_append(self._entry(text, [self._step(exp.id, None)]))
        self._announce(What.EXPERIMENTS, [Change(None, exp)], text)
        return exp

    @_exclusive
    def add_many(self, experiments: Iterable[Experiment], description: str) -> list[Experiment]:
        """Store several new experiments (an import) in one write and one journal entry."""
        with self.repository.transaction():
            stored = self.repository.add_many(experiments)
            changes = [Change(None, exp) for exp in stored]
            if len(stored) <= MOST_EXPERIMENTS:
                entry = self._entry(description, [self._step(exp.id, None) for exp in stored])
            else:  # recorded, but too large to keep: the import took a backup first
                entry = self._entry(description, [], undoable=False)
            self.repository.journal_append(entry)
        self._announce(What.EXPERIMENTS, changes, description)
        return stored

    def edit(self, exp_id: int, values: Mapping[str, Any]) -> Experiment:
        return self._change(
            exp_id,
            f"edit #{exp_id}",
            lambda exp: lifecycle.edit(exp, values, self.settings, self.clock()),
        )

    def triage(self, exp_id: int, target: Quadrant) -> Experiment:
        return self._change(
            exp_id,
            f"triage #{exp_id} to {target.label}",
            lambda exp: lifecycle.triage(exp, target, self.settings, self.clock()),
        )

    def nudge_impact(self, exp_id: int, delta: int) -> Experiment:
        return self._change(
            exp_id,
            f"impact of #{exp_id}",
            lambda exp: lifecycle.nudge_impact(exp, delta, self.clock()),
        )

    def nudge_probability(self, exp_id: int, steps: int) -> Experiment:
        return self._change(
            exp_id,
            f"probability of #{exp_id}",
            lambda exp: lifecycle.nudge_probability(exp, steps, self.clock()),
        )

    def start(self, exp_id: int) -> Experiment:
        return self._change(
            exp_id, f"start #{exp_id}", lambda exp: lifecycle.start(exp, self.clock())
        )

    def finish(
        self,
        exp_id: int,
        outcome: Outcome,
        values: list[str] | list[float],
        actual_cost: str | float | None = None,
        learned: str = "",
        links: Mapping[str, str] | None = None,
    ) -> Experiment:
        """Record the result; ``links``: the run URL and commit that produced it, saved in
        the same change."""

        def finished(exp: Experiment) -> Experiment:
            now = self.clock()
            linked = lifecycle.edit(exp, links, self.settings, now) if links else exp
            return lifecycle.finish(linked, outcome, values, now, actual_cost, learned)

        return self._change(exp_id, f"finish #{exp_id}", finished)

    def skip(self, exp_id: int, reason: str, actual_cost: str | float | None = None) -> Experiment:
        """Document and skip; ``actual_cost``: what was spent before giving up."""
        return self._change(
            exp_id,
            f"skip #{exp_id}",
            lambda exp: lifecycle.skip(exp, reason, self.clock(), actual_cost),
        )

    @_exclusive
    def delete(self, exp_id: int) -> Experiment:
        self._current(exp_id)  # the file as it is now (NotFoundError if it is gone)
        description = f"delete #{exp_id}"
        with self.repository.transaction():
            stored_before = self.repository.document_copy(exp_id)
            removed = self.repository.delete(exp_id)
            step = self._step(exp_id, stored_before)
            self.repository.journal_append(self._entry(description, [step]))
        self._announce(What.EXPERIMENTS, [Change(removed, None)], description)
        return removed

    @_exclusive
    def update_settings(self, new: ProjectSettings, description: str = "") -> ProjectSettings:
        """Save new project settings (one entry for all the fields that changed)."""
        self.repository.refresh_if_changed()
        old = self.settings
        if new == old:
            return old
        text = description or "change the settings"
        with self.repository.transaction():
            saved = self.repository.save_settings(new)
            self.repository.journal_append(self._entry(text, [], (old, saved)))
        self._announce(What.SETTINGS, (), text)
        return saved

    # -- undo --------------------------------------------------------------------------------
    def last_undoable(self, by: str | None = BY_APP) -> Entry | None:
        """The newest change that undo would take back (``by``: made by whom; None: by
        anyone)."""
        for entry in self.repository.journal():
            if entry.open and (by is None or entry.by == by):
                return entry
        return None

    @_exclusive
    def undo(self, by: str | None = BY_APP) -> Undone:
        """Put back the state before the newest change still open (made by ``by``; None:
        by anyone). Refused, and marked so, if what it changed was changed since."""
        self.repository.refresh_if_changed()
        entry = self.last_undoable(by)
        if entry is None:
            raise NothingToUndo("nothing to undo")
        if not self._still_as_left(entry):
            with self.repository.transaction():
                self.repository.journal_update(_marked(entry, refused_at=self.clock()))
            raise IterateError(
                f"cannot undo {entry.description}: {_subjects(entry)} changed elsewhere since"
            )
        changes: list[Change] = []
        with self.repository.transaction():
            for step in reversed(entry.steps):
                current = self.repository.document(step.exp_id)
                now = None if current is None else doc_to_experiment(step.exp_id, current)
                doc = step.restored(current)
                restored = None if doc is None else doc_to_experiment(step.exp_id, doc)
                if restored is None:
                    self.repository.delete(step.exp_id)
                else:
                    self.repository.put_back(restored)
                changes.append(Change(now, restored))
            if entry.settings is not None:
                self.repository.save_settings(entry.settings[0])
            self.repository.journal_update(_marked(entry, undone_at=self.clock()))
        what = What.SETTINGS if entry.settings is not None else What.EXPERIMENTS
        self._announce(what, changes, f"undo {entry.description}", undo=True)
        return Undone(entry, tuple(changes))

    def _still_as_left(self, entry: Entry) -> bool:
        """Is every experiment (and the settings) still exactly as the change left it?"""
        for step in entry.steps:
            if not step.left_as_is(self.repository.document(step.exp_id)):
                return False
        return entry.settings_after is None or (
            self.repository.settings_document() == entry.settings_after
        )


def _marked(
    entry: Entry,
    *,
    undone_at: datetime | None = None,
    refused_at: datetime | None = None,
) -> Entry:
    return dataclasses.replace(
        entry,
        undone_at=undone_at or entry.undone_at,
        refused_at=refused_at or entry.refused_at,
    )


def _subjects(entry: Entry) -> str:
    ids = [f"#{step.exp_id}" for step in entry.steps]
    if entry.settings_after is not None:
        ids.append("the settings")
    return ", ".join(ids) or "the project"
