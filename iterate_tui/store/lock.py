"""The project lock: an flock on a file beside the database, plus a change counter.

Every change to the project takes the lock exclusively, so that the app (open all day) and
training scripts calling ``iterate-tui result`` never lose each other's updates. The kernel
drops an flock when its holder dies, even by SIGKILL, so a crash never leaves a stale lock.

The lock file also holds a generation counter that every writer increments. A process
compares it (together with the database file's identity) to what it last read, to know
whether somebody else has written since: file identity alone can repeat when the kernel
reuses an inode number within one timestamp tick.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .atomic import FILE_MODE
from .errors import LockTimeoutError

_COUNTER = struct.Struct("<Q")


class ProjectLock:
    def __init__(self, db_path: Path, timeout: float = 15.0) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.timeout = timeout
        self._fd: int | None = None
        self._thread_lock = threading.RLock()
        self._depth = 0

    def _open(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        return self._fd

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the lock; re-entrant within one thread, exclusive across threads and processes."""
        with self._thread_lock:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._open(), fcntl.LOCK_UN)

    @property
    def held(self) -> bool:
        return self._depth > 0

    def _acquire(self) -> None:
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
        raw = os.pread(self._open(), _COUNTER.size, 0)
        return _COUNTER.unpack(raw)[0] if len(raw) == _COUNTER.size else 0

    def bump(self) -> int:
        """Increment the counter; call only while holding the lock, after a successful write."""
        value = self.generation() + 1
        os.pwrite(self._open(), _COUNTER.pack(value), 0)
        return value

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
