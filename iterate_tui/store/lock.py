"""The project lock: an flock on a file beside the database, plus a change counter.

Every change to the project takes the lock exclusively, so that the app (open all day) and
training scripts calling ``iterate-tui result`` never lose each other's updates. The kernel
drops an flock when its holder dies, even by SIGKILL, so a crash never leaves a stale lock.

The lock file also holds a generation counter that every writer increments. A process
compares it (together with the database file's identity) to what it last read, to know
whether somebody else has written since: file identity alone can repeat when the kernel
reuses an inode number within one timestamp tick, and the project file's inode alternates
between two (see ``atomic``'s spare).

A save bumps the counter twice: before it writes anything and after the rename. Readers
that take no lock use it as a sequence lock (``read_consistent``): a save may write into an
inode that a slow reader opened as the project file two saves earlier, and such a read sees
the counter move, so it is read again.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .atomic import FILE_MODE
from .errors import LockFileError, LockTimeoutError, ReadOnlyStoreError

_COUNTER = struct.Struct("<Q")

#: Lock-free reads of the project file tried before reading it under the lock.
READ_ATTEMPTS = 3


def read_file(path: Path) -> tuple[os.stat_result, bytes]:
    """The file's status (of the very inode read) and its bytes."""
    with open(path, "rb") as handle:
        return os.fstat(handle.fileno()), handle.read()


def open_lock_file(path: Path) -> int:
    """Open the lock file for reading and writing, creating it if there is none.

    Never through a symbolic link (``O_NOFOLLOW``: a link planted as ``project.json.lock``
    would have the counter written into whatever it points to), created with ``O_EXCL``,
    and refused unless it is a regular file with no other name: the store writes into it,
    so it must be its own. LockFileError names the file.
    """
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    for _ in range(3):
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            try:
                fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except FileExistsError:
                continue  # created by another process meanwhile: open that one
            except OSError as exc:
                raise _unusable(path, exc) from None
        except OSError as exc:
            raise _unusable(path, exc) from None
        try:
            _check_lock_file(path, fd)
        except BaseException:
            os.close(fd)
            raise
        return fd
    raise LockFileError(f"{path} keeps appearing and disappearing; nothing was changed")


def _check_lock_file(path: Path, fd: int) -> None:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        raise LockFileError(
            f"{path} is not a plain file of its own ({_kind(info)}); iterate-tui writes "
            "into its lock file, so it does not use this one. Nothing was changed. If you "
            f"did not make it, remove it: rm {path}"
        )


def _kind(info: os.stat_result) -> str:
    if stat.S_ISDIR(info.st_mode):
        return "a folder"
    if not stat.S_ISREG(info.st_mode):
        return "a device, pipe or socket"
    return f"a file with {info.st_nlink} names (a hard link)"


def _unusable(path: Path, exc: OSError) -> Exception:
    """The error for a lock file that cannot be opened: a symbolic link is named as such
    (``O_NOFOLLOW`` reports it as ELOOP); other errors (permission denied, a read-only
    file system) are passed on for the store to decide."""
    if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and os.path.islink(path)):
        return LockFileError(
            f"{path} is a symbolic link; iterate-tui never writes through a link in place "
            "of its lock file. Nothing was changed. If you did not make it, remove it: "
            f"rm {path}"
        )
    if isinstance(exc, IsADirectoryError):
        return LockFileError(f"{path} is a folder, not a lock file. Nothing was changed.")
    return exc


class ProjectLock:
    def __init__(self, db_path: Path, timeout: float = 15.0) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.timeout = timeout
        self._fd: int | None = None
        #: Set by ``open_read_only``: nothing is ever written (or created) through it.
        self.read_only = False
        #: No lock file is used: there is none where nothing can be written, and none yet
        #: for a project not created yet (``attach`` ends that). Holding the lock then only
        #: excludes the other threads of this process, and the counter reads 0.
        self.detached = False
        self._thread_lock = threading.RLock()
        self._depth = 0
        #: Called by a thread about to wait for another thread of this process that holds
        #: the lock (the session backup waits to be asked, see cli.main).
        self.on_wait: Callable[[], None] | None = None

    def _open(self) -> int:
        if self._fd is None:
            if self.read_only:
                raise ReadOnlyStoreError(f"{self.path} is open read-only: nothing can be saved")
            self._fd = open_lock_file(self.path)
        return self._fd

    def open(self) -> None:
        """Open (or create) the lock file now, for writing: LockFileError if it is not a
        plain file of its own, OSError if it cannot be opened (permission denied...)."""
        self._open()

    def open_read_only(self) -> None:
        """Use the lock without writing anything, where the project cannot be changed (a
        read-only folder or mount): the lock file is opened for reading if there is one
        (an flock needs no write access), else there is nothing to lock and the change
        counter reads 0. ``bump`` is refused."""
        self.close()
        self.read_only = True
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            self.detached = True
            return
        except OSError as exc:
            raise _unusable(self.path, exc) from None
        try:
            _check_lock_file(self.path, fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def attach(self) -> None:
        """Start using the lock file (the project file now exists): opened, created if need
        be, and locked at once if this thread holds the lock already."""
        self.detached = False
        self._open()
        if self._depth > 0:
            self._acquire()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the lock; re-entrant within one thread, exclusive across threads and processes."""
        if not self._thread_lock.acquire(blocking=False):
            on_wait = self.on_wait
            if on_wait is not None:
                on_wait()
            self._thread_lock.acquire()
        try:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    @property
    def held(self) -> bool:
        return self._depth > 0

    def _acquire(self) -> None:
        if self.detached:
            return
        fd = self._open()
        deadline = time.monotonic() + self.timeout
        delay = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeoutError(
                        f"another process has held {self.path} for over {self.timeout:.0f} s; "
                        "is an iterate-tui command stuck (stopped with Ctrl-Z)? "
                        "Nothing was changed."
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def generation(self) -> int:
        """The change counter as last written by any process (no lock needed to peek)."""
        if self.detached:
            return 0
        raw = os.pread(self._open(), _COUNTER.size, 0)
        return _COUNTER.unpack(raw)[0] if len(raw) == _COUNTER.size else 0

    def bump(self) -> int:
        """Increment the counter; call only while holding the lock, before writing the project
        file and again after the write."""
        value = self.generation() + 1
        os.pwrite(self._open(), _COUNTER.pack(value), 0)
        return value

    def read_consistent(self, path: Path) -> tuple[int, os.stat_result, bytes]:
        """Read the project file at ``path`` as one version, without the lock if possible.

        Returns the counter read before the file (so a save that was under way makes the
        reader's copy look stale later), the file's status and its bytes. If the counter
        moved while reading, a save ran meanwhile and the bytes may mix two versions: read
        again, and after ``READ_ATTEMPTS`` tries, under the lock (re-entrant: a caller that
        holds it never gets here, as nobody else can write meanwhile).
        """
        read = self.read_unlocked(path)
        if read is not None:
            return read
        with self.exclusive():
            generation = self.generation()
            info, payload = read_file(path)
            return generation, info, payload

    def read_unlocked(self, path: Path) -> tuple[int, os.stat_result, bytes] | None:
        """``read_consistent`` without ever taking the lock: None if a save overlapped each
        of the ``READ_ATTEMPTS`` reads (the start-up reader, which must never wait for a
        lock its parent may hold, then lets the parent read)."""
        for _ in range(READ_ATTEMPTS):
            before = self.generation()
            info, payload = read_file(path)
            if self.generation() == before:
                return before, info, payload
        return None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
