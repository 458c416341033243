"""The project as domain objects: what screens and commands read and give back.

Experiments are built from the stored documents when first asked for and kept, keyed by
id; a change made here updates that cache in place, and a change made by another process
(seen through the store's load counter) starts it again. Building all 10,000 experiments
of a big project is the largest part of opening it, so the app first asks only for the
best-ranked ones it can show (``top_ranked``, ranked straight from the documents) and
builds the rest in the background (``build_some``). Every method that changes something
is one atomic write.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Concatenate, ParamSpec, TypeVar

from tinydb.table import Document

from ..domain.enums import Status
from ..domain.experiment import Experiment
from ..domain.settings import ProjectSettings
from . import journal
from .codec import (
    doc_id_of,
    doc_to_experiment,
    doc_to_settings,
    experiment_to_doc,
    settings_to_doc,
)
from .errors import CorruptStoreError, NotFoundError
from .project import ProjectStore
from .raw import rank_documents
from .schema import EXPERIMENTS_TABLE, JOURNAL_TABLE, PROJECT_TABLE, SETTINGS_KEY

SETTINGS_ID = int(SETTINGS_KEY)  # TinyDB's doc_id

P = ParamSpec("P")
R = TypeVar("R")


def _locked(
    method: Callable[Concatenate[Repository, P], R],
) -> Callable[Concatenate[Repository, P], R]:
    """Serialise access: the app re-reads an outside change in a worker thread."""

    def wrapper(self: Repository, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


class Repository:
    def __init__(self, store: ProjectStore) -> None:
        self.store = store
        #: The stored documents (the store's own table: read, never changed here).
        self._raw: dict[str, Any] = {}
        #: The experiments built so far; every one of ``_raw`` once ``_complete``.
        self._experiments: dict[int, Experiment] = {}
        self._complete = True
        #: Keys still to build, when ``build_some`` has started.
        self._pending: list[str] | None = None
        self._settings = ProjectSettings()
        self._seen_load = -1
        #: Bumped on every change seen (own or outside), once per transaction; views
        #: compare it to redraw.
        self.revision = 0
        self._lock = threading.RLock()
        #: Open ``transaction()`` blocks (their changes bump the revision once, at the end).
        self._transactions = 0
        #: How many experiments have each status (stored value), kept up to date by every
        #: change made here; None until first asked for after the file was (re-)read.
        self._counts: Counter[Any] | None = None

    # -- reading ----------------------------------------------------------------------------
    def _sync(self, *, whole: bool = True) -> None:
        """Catch up with the store's data. ``whole``: wait for experiments still arriving
        from the start-up reader (see ``prefetch``); the methods that can answer from its
        header (counts, the first rows) pass False."""
        storage = self.store.storage
        if whole and storage.feeding:
            storage.finish_feed()
        if self._seen_load == self.store.load_count:
            return
        raw = storage.documents(EXPERIMENTS_TABLE)
        project = storage.documents(PROJECT_TABLE).get(SETTINGS_KEY, {})
        try:
            self._settings = doc_to_settings(project)
        except (KeyError, ValueError, TypeError) as exc:
            raise CorruptStoreError(
                self.store.path, f"the project settings are malformed ({exc!s})"
            ) from None
        self._raw = raw
        self._experiments = {}
        self._complete = not raw and not storage.feeding
        self._pending = None
        self._counts = None
        self._seen_load = self.store.load_count
        self.revision += 1

    def _build(self, key: str, doc: dict[str, Any] | None = None) -> Experiment:
        try:
            doc_id = doc_id_of(key)
            exp = doc_to_experiment(doc_id, self._raw[key] if doc is None else doc)
        except (KeyError, ValueError, TypeError) as exc:
            raise CorruptStoreError(
                self.store.path, f"experiment {key!r} is malformed ({exc!s})"
            ) from None
        self._experiments[doc_id] = exp
        return exp

    def _id(self, key: str, *, strict: bool = False) -> int:
        """A stored key's id, to look it up among the built ones; CorruptStoreError for a
        key ``int`` cannot read (``"abc"``). Keys it reads but that are not ids (``"-5"``,
        ``"007"``) are refused by ``_build``, which every key goes through once, or here
        with ``strict``."""
        if not strict:
            with contextlib.suppress(ValueError):
                return int(key)
        try:
            return doc_id_of(key)
        except ValueError as exc:
            raise CorruptStoreError(
                self.store.path, f"experiment {key!r} is malformed ({exc!s})"
            ) from None

    def _build_all(self) -> None:
        if self._complete:
            return
        # Building 10,000 objects would set off several full collections (half the build
        # time, measured); these objects form no cycles, so collect afterwards instead.
        with _no_gc():
            self._finish_build()

    def _finish_build(self) -> None:
        """Build what is left and keep the experiments in the file's order."""
        built = self._experiments
        try:
            # Every key was checked by ``_build`` (here or when it was built before), except
            # one ``int`` cannot read at all.
            self._experiments = {
                int(key): built.get(int(key)) or self._build(key) for key in self._raw
            }
        except ValueError:
            for key in self._raw:
                self._id(key)
            raise
        if len(self._experiments) != len(self._raw):  # "007" beside "7"
            for key in self._raw:
                self._id(key, strict=True)
        self._complete = True
        self._pending = None

    def _build_missing(self, keys: Iterable[str]) -> None:
        """Build those of ``keys`` that are stored and not built yet."""
        with _no_gc():
            for key in keys:
                if key in self._raw and self._id(key) not in self._experiments:
                    self._build(key)

    @property
    def complete(self) -> bool:
        """Is every experiment built (so that ``experiments()`` costs nothing more)?"""
        with self._lock:
            return self._seen_load == self.store.load_count and self._complete

    @_locked
    def build_some(self, limit: int = 500) -> bool:
        """Build up to ``limit`` more experiments; True once all are built. The app calls it
        from a worker thread after its first frame, a chunk at a time, so the lock is never
        held for long. A malformed document raises CorruptStoreError."""
        self._sync(whole=False)
        if self._complete:
            return True
        storage = self.store.storage
        if storage.feeding:  # parse the start-up reader's next chunk, build what it holds
            keys = storage.feed()
            if self._seen_load == self.store.load_count:  # else: the file was read again
                self._build_missing(keys)
            return False
        if self._pending is None:
            built = self._experiments
            self._pending = [key for key in self._raw if self._id(key) not in built]
        chunk = self._pending[-limit:]
        del self._pending[-limit:]
        self._build_missing(chunk)
        if self._pending:
            return False
        self._finish_build()
        return True

    @_locked
    def top_ranked(
        self, statuses: frozenset[Status], limit: int
    ) -> tuple[list[Experiment], int] | None:
        """The ``limit`` best-ranked experiments whose status is in ``statuses``, in rank
        order, and how many have such a status, without building the others; None once
        every experiment is built (rank them directly then). A document that cannot be
        ranked is left out: building it (``build_some``) reports what is wrong with it."""
        self._sync(whole=False)
        if self._complete:
            return None
        header = self.store.storage.prefetched
        if header is not None and header.answers(statuses, limit):
            top, ranked = header.top[:limit], header.ranked  # ranked by the start-up reader
        else:
            self._sync()  # every document is needed to rank them
            if self._complete:
                return None
            chosen, ranked = rank_documents(
                self._raw, self._settings, {s.value for s in statuses}, limit
            )
            top = [(key, self._raw[key]) for key in chosen]
        rows: list[Experiment] = []
        for key, doc in top:
            try:
                rows.append(self._experiments.get(self._id(key)) or self._build(key, doc))
            except CorruptStoreError:
                continue
        return rows, ranked

    @_locked
    def with_status(self, statuses: frozenset[Status]) -> list[Experiment]:
        """The experiments whose status is in ``statuses``, in the file's order, building
        only those (the triage inbox needs the ideas, not the whole project)."""
        self._sync()
        if self._complete:
            return [e for e in self._experiments.values() if e.status in statuses]
        wanted = {status.value for status in statuses}
        built = self._experiments
        return [
            built.get(self._id(key)) or self._build(key)
            for key, doc in self._raw.items()
            if doc.get("status") in wanted
        ]

    @_locked
    def status_counts(self) -> Counter[str]:
        """How many experiments have each status (by its stored value), without building.
        Counted once after the file is read, then kept up to date by each change (a key
        must not count 10,000 documents to show the inbox's badge)."""
        self._sync(whole=False)
        header = self.store.storage.prefetched
        if header is not None:
            return Counter(header.status_counts)
        if self._counts is None:
            self._counts = Counter([doc.get("status") for doc in self._raw.values()])
        return Counter(self._counts)

    def _recount(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """One stored document changed from ``old`` to ``new`` (None: absent)."""
        counts = self._counts
        if counts is None:
            return
        if old is not None:
            counts[old.get("status")] -= 1
        if new is not None:
            counts[new.get("status")] += 1

    def _stored_status(self, exp_id: int) -> dict[str, Any] | None:
        """The status of the stored document (a copy: the document changes in place)."""
        doc = self._raw.get(str(exp_id))
        return None if doc is None else {"status": doc.get("status")}

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the project lock across a read, a check and a write, so that no other
        process can write in between (the changes inside re-enter the lock)."""
        with self._lock, self.store.lock.exclusive():
            yield

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the changes inside one write (and one revision): an experiment and the
        journal entry that records it are saved together or not at all. On an error
        nothing is written and the file is read back as it was."""
        with self._lock, self.store.change():
            self._transactions += 1
            try:
                yield
            finally:
                self._transactions -= 1
                if self._transactions == 0:
                    self.revision += 1

    @_locked
    def prime_serialization(self) -> None:
        """Prepare the next save while nothing else happens (the app calls it when idle)."""
        self._sync()
        self.store.storage.prime_cache()

    @_locked
    def refresh_if_changed(self) -> bool:
        """Pick up another process's changes; True if anything was re-read."""
        if self.store.refresh_if_changed():
            self._sync()
            return True
        return False

    @_locked
    def experiments(self) -> list[Experiment]:
        self._sync()
        self._build_all()
        return list(self._experiments.values())

    @_locked
    def count(self) -> int:
        self._sync(whole=False)
        header = self.store.storage.prefetched
        if header is not None:
            return header.count
        return len(self._experiments) if self._complete else len(self._raw)

    @_locked
    def get(self, exp_id: int) -> Experiment:
        self._sync()
        found = self._experiments.get(exp_id)
        if found is not None:
            return found
        if str(exp_id) in self._raw:
            return self._build(str(exp_id))
        raise NotFoundError(f"there is no experiment #{exp_id}")

    @_locked
    def settings(self) -> ProjectSettings:
        self._sync(whole=False)
        return self._settings

    # -- changing ---------------------------------------------------------------------------
    def _after_change(self, was_current: bool) -> bool:
        """True when the cache can be patched in place (no outside change was read in)."""
        current = was_current and self._seen_load == self.store.load_count
        if not self._transactions:  # else the transaction counts once, at its end
            self.revision += 1
        if not current:
            self._counts = None
        return current

    @_locked
    def add(self, exp: Experiment) -> Experiment:
        """Store a new experiment; returns it with its id."""
        doc = experiment_to_doc(exp)
        self._sync()
        with self.store.change() as db:
            doc_id = db.table(EXPERIMENTS_TABLE).insert(doc)
        stored = dataclasses.replace(exp, id=doc_id)
        if self._after_change(True):
            self._experiments[doc_id] = stored
            self._recount(None, doc)
        return stored

    @_locked
    def add_many(self, experiments: Iterable[Experiment]) -> list[Experiment]:
        """Store several experiments as one write (all or nothing)."""
        originals = list(experiments)  # an iterator can be read only once
        docs = [experiment_to_doc(e) for e in originals]
        self._sync()
        with self.store.change() as db:
            ids = db.table(EXPERIMENTS_TABLE).insert_multiple(docs)
        stored = [dataclasses.replace(e, id=i) for e, i in zip(originals, ids, strict=True)]
        if self._after_change(True):
            self._experiments.update((e.id, e) for e in stored)
            for doc in docs:
                self._recount(None, doc)
        return stored

    @_locked
    def save(self, exp: Experiment) -> Experiment:
        """Replace a stored experiment by its new version (the whole document)."""
        doc = experiment_to_doc(exp)
        self._sync()
        old = self._stored_status(exp.id)
        with self.store.change() as db:
            table = db.table(EXPERIMENTS_TABLE)
            if not table.contains(doc_id=exp.id):
                raise NotFoundError(f"there is no experiment #{exp.id}")
            table.update(_replace_with(doc), doc_ids=[exp.id])
        if self._after_change(True):
            self._experiments[exp.id] = exp
            self._recount(old, doc)
        return exp

    @_locked
    def put_back(self, exp: Experiment) -> Experiment:
        """Store an experiment under its own id whether or not it exists (used by undo)."""
        doc = experiment_to_doc(exp)
        self._sync()
        old = self._stored_status(exp.id)
        with self.store.change() as db:
            table = db.table(EXPERIMENTS_TABLE)
            if table.contains(doc_id=exp.id):
                table.update(_replace_with(doc), doc_ids=[exp.id])
            else:
                table.insert(Document(doc, doc_id=exp.id))
        if self._after_change(True):
            self._experiments[exp.id] = exp
            self._recount(old, doc)
        return exp

    @_locked
    def delete(self, exp_id: int) -> Experiment:
        """Remove an experiment; returns what was removed (so it can be put back)."""
        self._sync()
        with self.store.change() as db:
            table = db.table(EXPERIMENTS_TABLE)
            if not table.contains(doc_id=exp_id):
                raise NotFoundError(f"there is no experiment #{exp_id}")
            doc = dict(table.get(doc_id=exp_id) or {})
            table.remove(doc_ids=[exp_id])
        # If another process's change was read in, the cached version may be out of date.
        current = self._after_change(True)
        cached = self._experiments.pop(exp_id, None) if current else None
        if current:
            self._recount(doc, None)
        return cached or doc_to_experiment(exp_id, doc)

    @_locked
    def save_settings(self, settings: ProjectSettings) -> ProjectSettings:
        doc = settings_to_doc(settings)
        self._sync()
        with self.store.change() as db:
            table = db.table(PROJECT_TABLE)
            if table.contains(doc_id=SETTINGS_ID):  # replaced whole: a cleared key goes
                table.update(_replace_with(doc), doc_ids=[SETTINGS_ID])
            else:
                table.insert(Document(doc, doc_id=SETTINGS_ID))
        if self._after_change(True):
            self._settings = settings
        return settings

    # -- the journal (see ``journal``) --------------------------------------------------------
    @_locked
    def document(self, exp_id: int) -> dict[str, Any] | None:
        """The stored document of an experiment (read-only), or None if there is none."""
        self._sync()
        return self._raw.get(str(exp_id))

    @_locked
    def document_copy(self, exp_id: int) -> dict[str, Any] | None:
        """A copy of an experiment's stored document, or None (the journal keeps it: a
        shallow copy, as documents are replaced whole, never changed in place)."""
        self._sync()
        doc = self._raw.get(str(exp_id))
        return None if doc is None else dict(doc)

    @_locked
    def settings_document(self) -> dict[str, Any]:
        """The stored settings as the file will hold them (read-only)."""
        return settings_to_doc(self.settings())

    @_locked
    def journal_append(self, entry: journal.Entry) -> journal.Entry:
        """Record a change (inside the ``transaction()`` that makes it); the oldest entries
        beyond ``journal.KEEP`` go. Returns the entry with its id."""
        doc = journal.entry_to_doc(entry)
        with self.store.change() as db:
            table = db.table(JOURNAL_TABLE)
            entry_id = table.insert(doc)
            kept = self.store.storage.documents(JOURNAL_TABLE)
            if len(kept) > journal.KEEP:
                # Entries are added with ever higher ids and leave from the oldest: the
                # table's order is their order.
                oldest = itertools.islice(kept, len(kept) - journal.KEEP)
                table.remove(doc_ids=[int(key) for key in oldest])
        return dataclasses.replace(entry, id=entry_id)

    @_locked
    def journal_update(self, entry: journal.Entry) -> None:
        """Store an entry again (marked undone or refused)."""
        doc = journal.entry_to_doc(entry)
        with self.store.change() as db:
            table = db.table(JOURNAL_TABLE)
            if not table.contains(doc_id=entry.id):
                raise NotFoundError(f"the journal has no entry {entry.id} any more")
            table.update(_replace_with(doc), doc_ids=[entry.id])
        self._after_change(True)

    @_locked
    def journal(self, limit: int | None = None) -> list[journal.Entry]:
        """The journal, newest first (``limit``: at most that many). A malformed entry is
        reported as a damaged file, like a malformed experiment."""
        self._sync(whole=False)
        raw = self.store.storage.documents(JOURNAL_TABLE)
        keys = sorted(raw, key=_entry_order, reverse=True)
        entries = []
        for key in keys if limit is None else keys[:limit]:
            try:
                entries.append(journal.doc_to_entry(int(key), raw[key]))
            except (KeyError, ValueError, TypeError) as exc:
                raise CorruptStoreError(
                    self.store.path, f"journal entry {key!r} is malformed ({exc!s})"
                ) from None
        return entries

    @_locked
    def close(self) -> None:
        """Close the store once no other thread is inside (the app's loading worker may be
        between two chunks when the app quits)."""
        self.store.close()

    @_locked
    def reload_if_needed(self) -> None:
        """Read the file if needed and build every experiment (finding a malformed one)."""
        self._sync()
        self._build_all()


def _entry_order(key: str) -> int:
    return int(key) if key.isdigit() else -1


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _replace_with(doc: dict[str, Any]) -> Any:
    def replace(stored: dict[str, Any]) -> None:
        stored.clear()
        stored.update(doc)

    return replace
