"""The project a command works on: opened once, checked, and changed under the lock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ..domain.errors import ValidationError
from ..session import ProjectSession
from ..store.errors import ReadOnlyStoreError
from ..store.journal import BY_COMMAND
from ..store.prefetch import Prefetch
from ..store.project import ProjectStore
from ..store.repository import Repository


class Context:
    """The project file for one command; the store is opened on first use."""

    def __init__(self, db: Path, demo: bool = False, prefetch: Prefetch | None = None) -> None:
        self.db = db
        self.demo = demo
        #: The start-up reader (the app only), handed to the store when it opens.
        self._prefetch = prefetch
        self._store: ProjectStore | None = None
        self._repository: Repository | None = None
        self._session: ProjectSession | None = None

    @property
    def repository(self) -> Repository:
        """The open project; raises CorruptStoreError (file untouched) if it is unreadable.

        Every experiment is built here, so a malformed document is found before a command
        reads or writes anything.
        """
        return self.open(build_all=True)

    def open(self, *, build_all: bool) -> Repository:
        """Open the project once. Without ``build_all`` only the file and the settings are
        read (the app builds the experiments after its first frame and reports a malformed
        one then)."""
        if self._repository is None:
            prefetch, self._prefetch = self._prefetch, None
            store = ProjectStore.open(self.db, prefetch=prefetch)
            try:
                repository = Repository(store)
                repository.settings()
            except BaseException:
                store.close()
                raise
            self._store, self._repository = store, repository
        if build_all:
            self._repository.reload_if_needed()
        return self._repository

    @property
    def store(self) -> ProjectStore:
        return self.open(build_all=False).store

    @property
    def session(self) -> ProjectSession:
        if self._session is None:
            self._session = ProjectSession(self.repository, by=BY_COMMAND)
        return self._session

    @contextlib.contextmanager
    def change(self) -> Iterator[ProjectSession]:
        """Read, decide and write under the project lock, so that the app or another script
        writing at the same moment cannot slip a change in between (and be overwritten)."""
        store = self.store
        if store.read_only_reason:
            raise ReadOnlyStoreError(store.read_only_reason)
        with store.lock.exclusive():
            self.repository.refresh_if_changed()
            yield self.session

    def close(self) -> None:
        if self._prefetch is not None:
            self._prefetch.close()
            self._prefetch = None
        if self._repository is not None:  # opened together with the store: closes it
            self._repository.close()
        self._store = self._repository = self._session = None


def experiment_id(raw: str) -> int:
    """An experiment number as typed: ``12`` or ``#12``."""
    text = raw.strip().removeprefix("#")
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValidationError("id", f"{raw!r} is not an experiment number (like 12 or #12)")
    return int(text)
