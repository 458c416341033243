"""The project a command works on: opened once, checked, and changed under the lock.

Reading (``repository``, ``open(create=False)``) never creates anything: a command that
only reads a missing project fails with ProjectMissingError (exit status 1). Writing
creates a new project if there is none and says where on standard error: ``change()`` at
its first write (a command refused for bad input leaves nothing behind), ``open(create=
True)`` at once (the app).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from ..domain.errors import ValidationError
from ..session import ProjectSession
from ..store.errors import ReadOnlyStoreError
from ..store.journal import BY_COMMAND
from ..store.prefetch import Prefetch
from ..store.project import ProjectStore
from ..store.repository import Repository
from .output import clean
from .parser import PROG


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
        self._announced = False

    @property
    def repository(self) -> Repository:
        """The open project, for reading: raises ProjectMissingError (and creates nothing)
        if there is no project file, CorruptStoreError (file untouched) if it is unreadable.

        Every experiment is built here, so a malformed document is found before a command
        reads or writes anything.
        """
        return self.open(build_all=True)

    def open(self, *, build_all: bool, create: bool = False) -> Repository:
        """Open the project once. Without ``build_all`` only the file and the settings are
        read (the app builds the experiments after its first frame and reports a malformed
        one then).

        ``create``: make a new project now if there is none (the app), saying where on
        standard error; without it a missing project raises ProjectMissingError, so that a
        mistyped path creates nothing. (``change()`` creates one too, at its first write.)
        """
        repository = self._opened(create=create, defer=False)
        if build_all:
            repository.reload_if_needed()
        return repository

    def _opened(self, *, create: bool, defer: bool) -> Repository:
        if self._repository is None:
            prefetch, self._prefetch = self._prefetch, None
            store = ProjectStore.open(self.db, prefetch=prefetch, create=create, defer=defer)
            try:
                repository = Repository(store)
                repository.settings()
            except BaseException:
                store.close()
                raise
            self._store, self._repository = store, repository
            self._announce()
        return self._repository

    def _announce(self) -> None:
        """Say once where a project was created (scripts see it on standard error)."""
        if self._store is not None and self._store.created and not self._announced:
            self._announced = True
            print(f"{PROG}: created a new project at {clean(self._store.path)}", file=sys.stderr)

    @property
    def store(self) -> ProjectStore:
        """The open project's store (opened for reading if it is not open yet)."""
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
        store = self._opened(create=True, defer=True).store
        if store.read_only_reason:
            raise ReadOnlyStoreError(store.read_only_reason)
        try:
            with store.lock.exclusive():
                session = self.session
                session.refresh_if_changed()
                yield session
        finally:
            self._announce()  # the first write created the project

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
