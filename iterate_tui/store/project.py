"""Opening a project file and changing it safely.

``ProjectStore.open`` creates a new project (only when asked to) or reads an existing one
(never overwriting an unreadable file), removes temp files left by a crash, migrates an
older schema after taking a backup, and opens a newer schema, or a project in a place this
user cannot write, read-only. What the path is (a file, a folder, a symbolic link) is
checked before anything is created, changed or locked. ``change()`` is the only way to write: it
takes the lock, re-reads the file if another process wrote since, lets the caller apply its
TinyDB operations, and commits them as one atomic write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .atomic import (
    NotDurableError,
    create_exclusive,
    ensure_private_folder,
    remove_folders,
    remove_orphan_temps,
)
from .backups import take_backup
from .errors import CorruptStoreError, ProjectMissingError, ReadOnlyStoreError, SaveError
from .lock import ProjectLock
from .paths import project_file
from .raw import RawData
from .schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    check_meta,
    empty_project,
    migrate,
    version_of,
)
from .storage import ProjectDB, ProjectStorage, ProjectTable, serialize

if TYPE_CHECKING:
    from .prefetch import Prefetch

#: What opening a file for writing says where this user cannot write.
_CANNOT_WRITE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def _create(path: Path) -> bool:
    """Create an empty project at ``path`` (and its folders, 0700); False if another
    process created it first. On failure nothing is left: no file, no lock file, no
    folder this call made (SaveError says what went wrong and that nothing was created)."""
    created = _private_folder_for(path)
    try:
        return create_exclusive(
            path, serialize(empty_project({"created_by": f"iterate-tui {__version__}"}))
        )
    except OSError as exc:
        if not isinstance(exc, NotDurableError):
            remove_folders(created)
        raise SaveError(
            path, exc, doing="creating", unchanged=not isinstance(exc, NotDurableError)
        ) from None


def _private_folder_for(path: Path) -> list[Path]:
    """The project's folder, created if need be; SaveError naming the project if not."""
    try:
        return ensure_private_folder(path.parent)
    except OSError as exc:
        raise SaveError(path, exc, doing="creating") from None


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
        #: False where nothing can be written (a read-only folder or mount): no backup
        #: can be taken either.
        self.writable = True
        #: True if ``open`` (or, with ``defer``, the first change) created the file.
        self.created = False
        #: Not created yet (``open``'s ``defer``): reads see an empty project.
        self.absent = False
        self.file_version = schema_version
        self.migrated_from: int | None = None

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path,
        *,
        prefetch: Prefetch | None = None,
        create: bool = True,
        defer: bool = False,
        **kwargs: Any,
    ) -> ProjectStore:
        """Open the project at ``path``, or create it if there is none and ``create``.

        ``defer`` (with ``create``): a missing project is created only by the first
        ``change()``, so that a command whose input turns out to be bad leaves nothing
        behind; until then it reads as an empty project (``absent``), and no file is made.

        Raises CorruptStoreError if the file is unreadable, ProjectMissingError if there is
        no file and not ``create``, ProjectPathError if the path cannot be a project file
        (a folder, a dangling symbolic link...): what the path is, is checked before
        anything is created, changed or locked. A symbolic link is followed: the store
        works on (and beside) the real file, and the link stays a link.

        Where the project cannot be written (a read-only folder or mount, a read-only
        file) it is opened read-only, with ``read_only_reason`` saying so.

        ``prefetch``: the start-up reader (see ``prefetch``), whose copy is used if the file
        is still the version it read; it is closed in every other case.
        """
        try:
            real, exists = project_file(path)
            created = False
            if not exists:
                if not create:
                    raise ProjectMissingError(real)
                if not defer:
                    created = _create(real)
            store = cls(real, **kwargs)
            store.created = created
        except BaseException:
            if prefetch is not None:
                prefetch.close()
            raise
        try:
            if not exists and defer:
                if prefetch is not None:
                    prefetch.close()
                store._start_absent()
            else:
                store._open(prefetch)
        except BaseException:
            store.close()
            if prefetch is not None:
                prefetch.close()
            raise
        return store

    def _open(self, prefetch: Prefetch | None = None) -> None:
        problem = self._unwritable()
        if problem is not None:
            self._open_read_only(problem, prefetch)
            return
        with self.lock.exclusive():
            remove_orphan_temps(self.path)
            # Tighten permissions before reading: a chmod changes the ctime the staleness
            # check compares, so doing it after would look like an outside change. Only the
            # group's and others' bits go: a file its owner made read-only stays so.
            mode = stat.S_IMODE(os.stat(self.path).st_mode)
            if mode & 0o077:
                with contextlib.suppress(OSError):
                    os.chmod(self.path, mode & 0o700)
            version = self._load(prefetch)
            if version > self.schema_version:
                self.read_only_reason = (
                    f"{self.path} was written by a newer iterate-tui (schema {version}; this "
                    f"version understands up to {self.schema_version}). It is open read-only: "
                    "upgrade iterate-tui to change it."
                )
            elif version < self.schema_version:
                self._migrate(self.storage.read(), version)  # every experiment, not a part

    def _start_absent(self) -> None:
        """Read as an empty project that is not on disk yet (see ``open``'s ``defer``)."""
        self.absent = True
        self.lock.detached = True
        self.storage.adopt(empty_project({"created_by": f"iterate-tui {__version__}"}))

    def _materialize(self) -> None:
        """Create the project file now (a change is about to be written), or take the one
        another process created meanwhile, and read it under the lock."""
        if os.path.lexists(self.path):
            project_file(self.path)  # still a file we can use?
        else:
            self.created = _create(self.path)
        self.absent = False
        self.lock.attach()
        self._open()
        self._forget_tables()

    def _unwritable(self) -> str | None:
        """Why the project cannot be changed here (None: it can), found before anything is
        written: the lock file cannot be opened for writing (permission denied, a read-only
        file system), or the file or its folder is not writable by this user."""
        try:
            self.lock.open()
        except OSError as exc:
            if exc.errno not in _CANNOT_WRITE:
                raise
            return f"{exc.strerror or exc} for {self.lock.path}"
        if not os.access(self.path, os.W_OK):
            return f"{self.path} is read-only"
        if not os.access(self.path.parent, os.W_OK | os.X_OK):
            return f"its folder {self.path.parent} is read-only"
        return None

    def _open_read_only(self, problem: str, prefetch: Prefetch | None) -> None:
        """Read a project that cannot be written here: no temp file is removed, no mode
        changed, an older schema is upgraded in memory only."""
        self.lock.open_read_only()
        self.writable = False
        self.read_only_reason = (
            f"{self.path} cannot be changed here ({problem}): it is open read-only, and "
            "changes cannot be saved."
        )
        with self.lock.exclusive():
            version = self._load(prefetch)
            if version < self.schema_version:
                self._upgrade_in_memory(version)

    def _load(self, prefetch: Prefetch | None = None) -> int:
        """Read the file (or take the start-up reader's copy) and check its ``_meta``;
        returns its schema version."""
        data = self.storage.load(prefetch)
        try:
            check_meta(data)
            self.file_version = version_of(data)
        except ValueError as exc:
            raise CorruptStoreError(self.path, str(exc)) from None
        return self.file_version

    def _upgrade_in_memory(self, version: int) -> None:
        try:
            self.storage.adopt(migrate(self.storage.read(), self.schema_version, self._migrations))
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptStoreError(
                self.path, f"it could not be upgraded from schema version {version} ({exc})"
            ) from None
        self.migrated_from = version

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
        if self.absent:
            return os.path.lexists(self.path)
        return self.storage.is_stale()

    def reload(self) -> None:
        """Re-read the file (it is replaced atomically, so no lock is needed to read it)."""
        if self.absent:
            if os.path.lexists(self.path):  # created by another process meanwhile
                self._materialize()
            return
        version = self._load()
        if not self.writable and version < self.schema_version:
            self._upgrade_in_memory(version)
        self._forget_tables()

    def refresh_if_changed(self) -> bool:
        if not self.changed_on_disk():
            return False
        self.reload()
        return True

    def _forget_tables(self) -> None:
        for name in self.storage.read():
            self.table(name).forget()

    # -- writing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def change(self) -> Iterator[ProjectDB]:
        """One change: lock, catch up with other writers, apply, write once, unlock. Inside
        another change (a transaction of several), it is part of that one: locked, caught up
        and written with it."""
        if self.read_only_reason:
            raise ReadOnlyStoreError(self.read_only_reason)
        if self.storage.in_batch and self.lock.held:
            yield self.db
            return
        with self.lock.exclusive():
            if self.absent:
                self._materialize()
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
