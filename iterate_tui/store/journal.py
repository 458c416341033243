"""The journal: the last changes made to the project, each with what it changed before and
after, kept in the project file itself.

It serves undo in the app (``u``, also after a restart) and from scripts (``iterate-tui
undo``), and later the daily log: one record of each change, written in the same atomic
write as the change. It is bounded (``KEEP`` entries); an entry that would carry more
experiments than ``MOST_EXPERIMENTS`` (a large import) is recorded without them and
cannot be undone (the import took a backup first).

An entry keeps what changed, in the experiments table's own form: an added experiment's
document, a deleted one's, or for a change only the fields that changed, before and after
(the estimate history, which only grows, by what was appended to it). Kept whole, each
entry repeated the experiment twice, history and all: a much-nudged experiment made the
journal megabytes, and every save wrote them again. Whether the experiment is still as a
change left it is told by a fingerprint of the document the change left (``fingerprint``),
so a change made anyhow since (by hand, by an older version) is seen too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.settings import ProjectSettings
from .codec import doc_to_settings, timestamp

#: Entries kept: the oldest go once there are more.
KEEP = 300
#: Experiments one entry may carry; beyond this a change is recorded but cannot be undone.
MOST_EXPERIMENTS = 500

#: Who made a change: a person in the app, or a command (a script, a shell).
BY_APP = "app"
BY_COMMAND = "command"

Doc = dict[str, Any]


#: In a change's step: the estimate history's new items (the history only grows).
APPENDED = "history+"


def fingerprint(doc: Doc) -> str:
    """A short fingerprint of a stored document: CRC-32 of its JSON with sorted keys (a
    change made by accident to the same CRC is a one in four billion chance; zlib, unlike
    hashlib, costs nothing to import at start-up)."""
    import zlib

    import orjson

    return f"{zlib.crc32(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)):08x}"


@dataclass(frozen=True, slots=True)
class ExperimentStep:
    """One experiment in a change.

    Added: ``after`` is its document (``before`` None). Deleted: ``before`` is its
    document (``after`` None). Changed: ``before`` and ``after`` hold only the fields that
    changed (None: the field was, or is, absent), and ``appended`` what the history
    gained."""

    exp_id: int
    before: Doc | None
    after: Doc | None
    changed: bool = False
    appended: tuple[Any, ...] = ()
    #: The fingerprint of the whole document the change left (changed steps).
    left: str = ""

    @classmethod
    def of(cls, exp_id: int, before: Doc | None, after: Doc | None) -> ExperimentStep:
        """The step from the stored documents before and after the change."""
        if before is None or after is None:
            return cls(exp_id, before, after)
        was: Doc = {}
        now: Doc = {}
        appended: tuple[Any, ...] = ()
        for key in before.keys() | after.keys():
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            if key == "history" and isinstance(new, list) and new[: len(old or [])] == (old or []):
                appended = tuple(new[len(old or []) :])
                continue
            was[key], now[key] = old, new
        return cls(exp_id, was, now, changed=True, appended=appended, left=fingerprint(after))

    def left_as_is(self, current: Doc | None) -> bool:
        """Is the experiment's stored document still as this change left it?"""
        if not self.changed:
            return current == self.after
        return current is not None and fingerprint(current) == self.left

    def restored(self, current: Doc | None) -> Doc | None:
        """The document as it was before the change (None: it did not exist), from the
        document as the change left it."""
        if not self.changed:
            return self.before
        assert current is not None and self.before is not None
        doc = dict(current)
        for key, value in self.before.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
        if self.appended:
            kept = list(doc.get("history") or [])[: -len(self.appended)]
            if kept:
                doc["history"] = kept
            else:
                doc.pop("history", None)
        return doc

    def to_doc(self) -> Doc:
        doc: Doc = {"id": self.exp_id, "before": self.before, "after": self.after}
        if self.changed:
            doc["changed"] = True
            doc["left"] = self.left
        if self.appended:
            doc[APPENDED] = list(self.appended)
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> ExperimentStep:
        appended = doc.get(APPENDED, [])
        if not isinstance(appended, list):
            raise TypeError("a journal step's history is not a list")
        return cls(
            int(doc["id"]),
            _doc_or_none(doc["before"]),
            _doc_or_none(doc["after"]),
            changed=bool(doc.get("changed", False)),
            appended=tuple(appended),
            left=str(doc.get("left", "")),
        )


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
        doc["experiments"] = [step.to_doc() for step in entry.steps]
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
    steps = tuple(ExperimentStep.from_doc(item) for item in doc.get("experiments", ()))
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
