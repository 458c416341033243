"""The journal: the last changes made to the project, each with what it changed before and
after, kept in the project file itself.

It serves undo in the app (``u``, also after a restart) and from scripts (``iterate-tui
undo``), and later the daily log: one record of each change, written in the same atomic
write as the change. It is bounded (``KEEP`` entries); an entry that would carry more
experiments than ``MOST_EXPERIMENTS`` (a large import) is recorded without them and
cannot be undone (the import took a backup first).

An entry's documents are stored exactly as the experiments table holds them, so whether an
experiment is still as a change left it is a comparison of two documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.experiment import Experiment
from ..domain.settings import ProjectSettings
from .codec import doc_to_experiment, doc_to_settings, timestamp

#: Entries kept: the oldest go once there are more.
KEEP = 300
#: Experiments one entry may carry; beyond this a change is recorded but cannot be undone.
MOST_EXPERIMENTS = 500

#: Who made a change: a person in the app, or a command (a script, a shell).
BY_APP = "app"
BY_COMMAND = "command"

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExperimentStep:
    """One experiment's documents before and after a change (None: it did not exist)."""

    exp_id: int
    before: Doc | None
    after: Doc | None

    def experiment(self, which: Doc | None) -> Experiment | None:
        return None if which is None else doc_to_experiment(self.exp_id, which)

    @property
    def before_experiment(self) -> Experiment | None:
        return self.experiment(self.before)

    @property
    def after_experiment(self) -> Experiment | None:
        return self.experiment(self.after)


@dataclass(frozen=True, slots=True)
class Entry:
    """One change as the journal keeps it."""

    id: int
    at: datetime
    by: str
    description: str
    steps: tuple[ExperimentStep, ...] = ()
    settings_before: Doc | None = None
    settings_after: Doc | None = None
    #: False for a change too large to keep (see MOST_EXPERIMENTS).
    undoable: bool = True
    undone_at: datetime | None = None
    #: When an undo was refused because what the change made was changed since.
    refused_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Can it still be undone (not undone, not refused, kept whole)?"""
        return self.undoable and self.undone_at is None and self.refused_at is None

    @property
    def settings(self) -> tuple[ProjectSettings, ProjectSettings] | None:
        if self.settings_before is None or self.settings_after is None:
            return None
        return doc_to_settings(self.settings_before), doc_to_settings(self.settings_after)


def entry_to_doc(entry: Entry) -> Doc:
    doc: Doc = {"at": timestamp(entry.at), "by": entry.by, "what": entry.description}
    if entry.steps:
        doc["experiments"] = [
            {"id": step.exp_id, "before": step.before, "after": step.after} for step in entry.steps
        ]
    if entry.settings_before is not None and entry.settings_after is not None:
        doc["settings"] = {"before": entry.settings_before, "after": entry.settings_after}
    if not entry.undoable:
        doc["undoable"] = False
    if entry.undone_at is not None:
        doc["undone_at"] = timestamp(entry.undone_at)
    if entry.refused_at is not None:
        doc["refused_at"] = timestamp(entry.refused_at)
    return doc


def doc_to_entry(entry_id: int, doc: Doc) -> Entry:
    """An entry from its document; a malformed one raises KeyError, ValueError or TypeError."""
    settings = doc.get("settings")
    steps = tuple(
        ExperimentStep(int(item["id"]), _doc_or_none(item["before"]), _doc_or_none(item["after"]))
        for item in doc.get("experiments", ())
    )
    undone, refused = doc.get("undone_at"), doc.get("refused_at")
    return Entry(
        id=entry_id,
        at=datetime.fromisoformat(doc["at"]),
        by=str(doc["by"]),
        description=str(doc["what"]),
        steps=steps,
        settings_before=_doc_or_none(settings["before"]) if settings else None,
        settings_after=_doc_or_none(settings["after"]) if settings else None,
        undoable=bool(doc.get("undoable", True)),
        undone_at=None if undone is None else datetime.fromisoformat(undone),
        refused_at=None if refused is None else datetime.fromisoformat(refused),
    )


def _doc_or_none(value: Any) -> Doc | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("a journal document is not a JSON object")
    return value
