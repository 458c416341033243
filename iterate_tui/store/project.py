"""Opening a project file and changing it safely.

``ProjectStore.open`` creates a new project or reads an existing one (never overwriting an
unreadable file), removes temp files left by a crash, migrates an older schema after taking
a backup, and opens a newer schema read-only. ``change()`` is the only way to write: it
takes the lock, re-reads the file if another process wrote since, lets the caller apply its
TinyDB operations, and commits them as one atomic write.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .atomic import ensure_private_folder, remove_orphan_temps
from .backups import take_backup
from .errors import CorruptStoreError, ReadOnlyStoreError
from .lock import ProjectLock
from .schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    check_meta,
    empty_project,
    migrate,
    version_of,
)
from .storage import ProjectDB, ProjectStorage, ProjectTable, RawData

if TYPE_CHECKING:
    from .prefetch import Prefetch


class ProjectStore:
    def __init__(
        self,
        path: Path,
        *,
        schema_version: int = SCHEMA_VERSION,
        migrations: Mapping[int, Migration] = MIGRATIONS,
        lock_timeout: float = 15.0,
    ) -> None:
        self.path = path
        self.schema_version = schema_version
        self._migrations = migrations
        self.lock = ProjectLock(path, timeout=lock_timeout)
        self.db = ProjectDB(path, self.lock, storage=ProjectStorage)
        self.storage: ProjectStorage = self.db.storage  # type: ignore[assignment]
        self.read_only_reason: str | None = None
        self.file_version = schema_version
        self.migrated_from: int | None = None

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, prefetch: Prefetch | None = None, **kwargs: Any) -> ProjectStore:
        """Open (or create) the project at ``path``. Raises CorruptStoreError if unreadable.

        ``prefetch``: the start-up reader (see ``prefetch``), whose copy is used if the file
        is still the version it read; it is closed in every other case.
        """
        try:
            folder = path.parent
            ensure_private_folder(folder)
            store = cls(path, **kwargs)
        except BaseException:
            if prefetch is not None:
                prefetch.close()
            raise
        try:
            store._open(prefetch)
        except BaseException:
            store.close()
            if prefetch is not None:
                prefetch.close()
            raise
        return store

    def _open(self, prefetch: Prefetch | None = None) -> None:
        with self.lock.exclusive():
            remove_orphan_temps(self.path)
            if not self.path.exists():
                if prefetch is not None:
                    prefetch.close()
                self.storage.write_now(empty_project({"created_by": f"iterate-tui {__version__}"}))
                return
            # Tighten permissions before reading: a chmod changes the ctime the staleness
            # check compares, so doing it after would look like an outside change.
            if os.stat(self.path).st_mode & 0o077:
                with contextlib.suppress(OSError):
                    os.chmod(self.path, 0o600)
            data = self.storage.load(prefetch)
            try:
                check_meta(data)
                version = version_of(data)
            except ValueError as exc:
                raise CorruptStoreError(self.path, str(exc)) from None
            self.file_version = version
            if version > self.schema_version:
                self.read_only_reason = (
                    f"{self.path} was written by a newer iterate-tui (schema {version}; this "
                    f"version understands up to {self.schema_version}). It is open read-only: "
                    "upgrade iterate-tui to change it."
                )
            elif version < self.schema_version:
                self._migrate(self.storage.read(), version)  # every experiment, not a part

    def _migrate(self, data: RawData, version: int) -> None:
        take_backup(self.path, f"before-migration-v{version}", lock=self.lock)
        try:
            migrated = migrate(data, self.schema_version, self._migrations)
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptStoreError(
                self.path, f"it could not be upgraded from schema version {version} ({exc})"
            ) from None
        self.storage.write_now(migrated)
        self.migrated_from = version

    # -- reading ----------------------------------------------------------------------------
    def table(self, name: str) -> ProjectTable:
        return self.db.table(name)  # type: ignore[return-value]

    @property
    def load_count(self) -> int:
        """Changes whenever the data was (re-)read from disk rather than written from here."""
        return self.storage.load_count

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def changed_on_disk(self) -> bool:
        return self.storage.is_stale()

    def reload(self) -> None:
        """Re-read the file (it is replaced atomically, so no lock is needed to read it)."""
        self.storage.load()
        self._forget_tables()

    def refresh_if_changed(self) -> bool:
        if not self.storage.is_stale():
            return False
        self.reload()
        return True

    def _forget_tables(self) -> None:
        for name in self.storage.read():
            self.table(name).forget()

    # -- writing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def change(self) -> Iterator[ProjectDB]:
        """One change: lock, catch up with other writers, apply, write once, unlock."""
        if self.read_only_reason:
            raise ReadOnlyStoreError(self.read_only_reason)
        with self.lock.exclusive():
            if self.storage.is_stale():
                self.reload()
            before = self.storage.load_count
            try:
                with self.storage.batch():
                    yield self.db
            finally:
                if self.storage.load_count != before:
                    self._forget_tables()

    def close(self) -> None:
        self.db.close()
