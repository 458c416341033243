"""Crash-safe file replacement.

The whole new content goes to a temporary file in the same folder, is flushed and fsynced,
then renamed over the old file with ``os.replace`` and the folder is fsynced, so that after
a crash, a SIGKILL or a power cut the file holds either the old or the new content, never a
mix. The temporary files carry a recognisable name so that orphans from a crash can be
removed later, once the project's lock is held.

The project file itself is written with ``recycle=True``: the "temporary file" is then the
spare (``.<name>.spare``), the version before the previous one, overwritten in place from
offset 0, cut to length and fdatasynced before the same renames. A new file costs fresh
blocks to fill and, when it replaces the old one, the old file's blocks to free, about half
of a save's time at 10,000 experiments; a spare costs neither. Before the rename, the old
file gets a second name (``.tmp-next-*``), and after it that name becomes the next spare, so
the rename frees nothing. The spare is never read: deleting it is safe. Its parts are
handed to the disk as they are written (``_start_writeback``), so that the disk works while
the next part is joined.

An inode that is written in place must not be one somebody is reading. The spare is reused
only when it has no other name (a hard link made by hand, or the project file itself), is a
regular file of ours, has been out of the project file's name for ``SPARE_COOL`` seconds,
and (on Linux) nobody has it open. Lock-free readers in this package also re-read when the
project's generation counter moved during their read (``lock.ProjectLock.read_consistent``);
the writer bumps it before writing anything.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterable, Sized
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700

#: Where nobody can tell whether the spare is open (no file leases: other systems, some
#: network file systems), how long (seconds) a file must have been out of the project
#: file's name before it is written again as the spare. A program outside this package
#: (``cp``, ``rsync``, ``jq``, a backup tool) that opened the project file just before a
#: save keeps reading that inode; the very next save must not overwrite it under the
#: reader. Saves closer together than this take the fresh-file path there. On Linux the
#: lease check (``_open_elsewhere``) answers instead, for as long as a reader holds it.
SPARE_COOL = 1.0

_datasync = getattr(os, "fdatasync", os.fsync)
_SETLEASE: int | None = getattr(fcntl, "F_SETLEASE", None)
_SETSIG: int | None = getattr(fcntl, "F_SETSIG", None)
_SYNC_FILE_RANGE_WRITE = 2
#: Linux's sync_file_range, looked up on first use (None: not available here).
_sync_file_range: Callable[[int, int, int, int], int] | None = None
_sync_file_range_looked_up = False

#: A part of a file: bytes, or buffers to be written one after the other (not joined).
Part = bytes | list[bytes]
#: What ``write_atomic`` writes: the bytes, or parts to be written in turn.
Payload = bytes | Iterable[Part]

#: What to do with the spare (see ``_claim_spare``).
_REUSE, _COOLING, _DISCARD = "reuse", "cooling", "discard"


def _token() -> str:
    """A random name part (what secrets.token_hex does; importing secrets loads OpenSSL's
    hashing, ~4 ms of the app's start-up)."""
    return os.urandom(4).hex()


def temp_prefix(target: Path) -> str:
    return f".{target.name}.tmp-"


def spare_path(target: Path) -> Path:
    """The spare of ``target``: deliberately not a ``temp_prefix`` name, so orphan cleanup
    keeps it."""
    return target.with_name(f".{target.name}.spare")


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(
    target: Path, payload: Payload, mode: int = FILE_MODE, *, recycle: bool = False
) -> None:
    """Replace ``target`` with ``payload`` durably; on any error the old file is untouched.

    ``payload`` may come in parts (an iterable of bytes, e.g. each made only when it is
    asked for): the file is their concatenation.

    ``recycle``: write into ``target``'s spare when it is safe to (see the module's
    docstring), and keep the old file as the next spare; the disk is asked to start on
    each part as soon as it is written (``_start_writeback``). Only for the project file:
    the caller holds its lock and has bumped its generation counter before calling.
    """
    parts: Iterable[Part] = (payload,) if isinstance(payload, bytes) else payload
    if recycle:
        _write_recycling(target, parts)
        return
    temp = _write_temp(target, parts, mode, hint=False)
    _replace(temp, target, None)
    _sync_after_replace(target)


class NotDurableError(OSError):
    """The new file is in place, but syncing its folder failed: after a power cut the old
    one might come back. Raised with the original error's errno and message."""


def _sync_after_replace(target: Path) -> None:
    try:
        fsync_folder(target.parent)
    except OSError as exc:
        raise NotDurableError(exc.errno, exc.strerror, str(target)) from exc


def _write_temp(target: Path, parts: Iterable[Part], mode: int, hint: bool) -> Path:
    """A new temp file beside ``target`` holding the ``parts``, fsynced."""
    temp = target.with_name(f"{temp_prefix(target)}{os.getpid()}-{_token()}")
    # A new name, never followed: a link planted under it makes the open fail.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        _write_parts(fd, parts, hint=hint, positioned=False)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    os.close(fd)
    return temp


def _replace(source: Path, target: Path, aside: Path | None, keep_source: bool = False) -> None:
    """``os.replace(source, target)``; on error remove ``aside`` (if any) and ``source``
    (unless ``keep_source``)."""
    try:
        os.replace(source, target)
    except BaseException:
        for name in (aside, None if keep_source else source):
            if name is not None:
                with contextlib.suppress(OSError):
                    name.unlink()
        raise


def _write_recycling(target: Path, parts: Iterable[Part]) -> None:
    spare = spare_path(target)
    try:
        old: os.stat_result | None = os.stat(target, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    fd, keep_old = _claim_spare(spare, old)
    if fd is None:
        source = _write_temp(target, parts, FILE_MODE, hint=True)
    else:
        try:
            try:
                _overwrite(fd, parts)
            finally:
                os.close(fd)
        except BaseException:
            # Half written, or written but maybe not on disk: never worth keeping.
            _discard(spare)
            raise
        source = spare
    aside = _link_aside(target) if keep_old and old is not None else None
    # On error the spare, complete and synced, stays a spare; a temp file goes.
    _replace(source, target, aside, keep_source=source == spare)
    if aside is not None:
        try:
            os.replace(aside, spare)
            if old is not None and stat.S_ISREG(old.st_mode) and old.st_mode & 0o077:
                os.chmod(spare, FILE_MODE)
        except OSError:
            with contextlib.suppress(OSError):
                aside.unlink()
    try:
        _sync_after_replace(target)
    except BaseException:
        # The renames may not be on disk: the spare could still be the project file's
        # inode after a power cut, so it must not be written into.
        _discard(spare)
        raise


def _claim_spare(spare: Path, old: os.stat_result | None) -> tuple[int | None, bool]:
    """Open the spare for reuse if it is safe to: ``(fd, True)``. Otherwise ``(None,
    keep_old)``: ``keep_old`` is False when a good spare is only cooling (it stays, and
    the old file is let go), True when there is no spare (any unusable one was removed),
    so that the old file becomes the next one."""
    try:
        fd = os.open(spare, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None, True
    except OSError:  # a symbolic link, a FIFO, a directory, not ours to write...
        _discard(spare)
        return None, True
    try:
        verdict = _judge(fd, old)
    except BaseException:
        os.close(fd)
        raise
    if verdict == _REUSE:
        return fd, True
    os.close(fd)
    if verdict == _COOLING:
        return None, False
    _discard(spare)
    return None, True


def _judge(fd: int, old: os.stat_result | None) -> str:
    info = os.fstat(fd)
    if (
        not stat.S_ISREG(info.st_mode)
        or info.st_nlink != 1  # another name: a link made by hand, or the project file
        or info.st_uid != os.geteuid()
        or (old is not None and (info.st_dev != old.st_dev or info.st_ino == old.st_ino))
    ):
        return _DISCARD
    readers = _open_elsewhere(fd)
    if readers is True:
        return _DISCARD
    if readers is None:
        # Nobody could say whether it is open: wait until it has been out of the project
        # file's name for SPARE_COOL. The ctime: when it lost its other name (or was last
        # written into, if later).
        age = time.time() - info.st_ctime_ns / 1e9
        if age < 0:
            return _DISCARD  # the clock went back: a new spare gets today's clock
        if age < SPARE_COOL:
            return _COOLING
    if stat.S_IMODE(info.st_mode) != FILE_MODE:
        os.fchmod(fd, FILE_MODE)
    return _REUSE


def _open_elsewhere(fd: int) -> bool | None:
    """Whether some other open file (a reader, a memory map) has this inode; None when
    this cannot be known here.

    Linux grants a write lease only when nobody else has the file open, so taking one and
    dropping it at once answers without privileges. Nobody can open the spare by the
    project file's name any more (it lost that name a save ago), so a reader that has not
    opened it yet never will: a granted lease means it is safe to write, however recently
    it was the project file. If somebody opens it by its own name during those
    microseconds, the kernel signals the lease holder: the signal is set to SIGURG,
    ignored by default, instead of SIGIO, which would end the process. Where leases are
    missing (other systems, some network file systems) the answer is None, and only
    ``SPARE_COOL`` protects readers.
    """
    if _SETLEASE is None or _SETSIG is None:
        return None
    try:
        fcntl.fcntl(fd, _SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, _SETLEASE, fcntl.F_WRLCK)
    except BlockingIOError:
        return True
    except OSError:
        return None
    try:
        fcntl.fcntl(fd, _SETLEASE, fcntl.F_UNLCK)
    except OSError:
        return True  # not reused: closing the file drops the lease
    return False


def _overwrite(fd: int, parts: Iterable[Part]) -> None:
    """Write the parts over the file from offset 0, cut it where they end, sync the data."""
    os.ftruncate(fd, _write_parts(fd, parts, hint=True, positioned=True))
    _datasync(fd)


def _write_parts(fd: int, parts: Iterable[Part], *, hint: bool, positioned: bool) -> int:
    """Write the parts one after the other from the start of a new (``positioned``: an
    existing) file; returns where they end. With ``hint``, each part but the last is
    handed to the disk as soon as it is written (the last is not: cutting the file after
    it would wait for its last page)."""
    offset = 0
    for index, part in enumerate(parts, 1 - _count(parts)):
        length = _write_part(fd, part, offset if positioned else None)
        if hint and index:
            _start_writeback(fd, offset, length)
        offset += length
    return offset


def _write_part(fd: int, part: Part, offset: int | None) -> int:
    """Write one part whole, at ``offset`` (None: where the file is); returns its length.

    Buffers go to the kernel as they are (``writev``): joining them first would copy
    megabytes once more."""
    if isinstance(part, bytes):
        view, done = memoryview(part), 0
    else:
        if offset is None:
            done = os.writev(fd, part)
        else:
            done = os.pwritev(fd, part, offset) if hasattr(os, "pwritev") else 0
        length = sum(map(len, part))
        if done == length:
            return length
        view = memoryview(b"".join(part))  # a short write (rare): the rest, joined
    while done < len(view):
        if offset is None:
            done += os.write(fd, view[done:])
        else:
            done += os.pwrite(fd, view[done:], offset + done)
    return done


def _count(parts: Iterable[Part]) -> int:
    """How many parts there are, if they say (0 if not: every part is hinted)."""
    return len(parts) if isinstance(parts, Sized) else 0


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the disk to start writing this range now, while the caller prepares the next
    part (Linux ``sync_file_range``; a hint only: the fdatasync that follows is what makes
    the data durable). Does nothing where it is not available."""
    global _sync_file_range, _sync_file_range_looked_up
    if not _sync_file_range_looked_up:
        _sync_file_range = _look_up_sync_file_range()
        _sync_file_range_looked_up = True
    if _sync_file_range is not None:
        _sync_file_range(fd, offset, length, _SYNC_FILE_RANGE_WRITE)


def _look_up_sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # only here: ~2 ms to import, paid at the first save

        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _link_aside(target: Path) -> Path | None:
    """A second (temp) name for ``target``, so that replacing ``target`` frees nothing;
    None where hard links are not possible."""
    aside = target.with_name(f"{temp_prefix(target)}next-{os.getpid()}-{_token()}")
    try:
        os.link(target, aside, follow_symlinks=False)
    except OSError:
        return None
    return aside


def _discard(spare: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(spare)


def remove_orphan_temps(target: Path) -> list[Path]:
    """Delete temporary files left by a crashed writer (a half-written temp file, or the
    second name of an old version: ``.tmp-next-*``). Call only while holding the lock."""
    removed = []
    prefix = temp_prefix(target)
    with contextlib.suppress(FileNotFoundError):
        for entry in target.parent.iterdir():
            if entry.name.startswith(prefix):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def ensure_private_folder(folder: Path) -> list[Path]:
    """Create a folder and its missing parents, each readable by the owner only (0700,
    whatever the umask); existing ones are left as they are. Returns the folders created,
    outermost first, so that a caller whose next step fails can remove them again
    (``remove_folders``)."""
    missing: list[Path] = []
    for level in (folder, *folder.parents):
        if level.is_dir():
            break
        missing.append(level)
    created: list[Path] = []
    for level in reversed(missing):
        try:
            os.mkdir(level, FOLDER_MODE)
        except FileExistsError:
            if not level.is_dir():
                raise
            continue  # made by somebody else meanwhile: theirs, not ours to remove
        except BaseException:
            remove_folders(created)
            raise
        os.chmod(level, FOLDER_MODE)  # the umask may have taken bits off
        created.append(level)
    return created


def remove_folders(created: list[Path]) -> None:
    """Remove folders ``ensure_private_folder`` created, innermost first, where empty."""
    for level in reversed(created):
        try:
            os.rmdir(level)
        except OSError:
            return  # not empty (somebody else's file went in) or gone: leave the rest


def create_exclusive(target: Path, payload: bytes) -> bool:
    """Write a new file at ``target`` durably, only if there is none: True if this call
    created it, False if one was there already (it is left as it is).

    The bytes go to a temp file that is then hard-linked to ``target``, which fails if
    ``target`` exists: the file appears whole or not at all, no lock is needed (so no lock
    file is left behind when creating fails), and two processes creating the same project
    at once cannot overwrite each other. Where hard links are not possible (some file
    systems), the temp file is renamed instead, after checking that there is no file.
    On error nothing is left behind (the caller removes the folders it made).
    """
    temp = _write_temp(target, (payload,), FILE_MODE, hint=False)
    try:
        try:
            os.link(temp, target, follow_symlinks=False)
        except FileExistsError:
            return False
        except FileNotFoundError:
            # Another process created the project meanwhile and, opening it, removed this
            # temp file as an orphan.
            if os.path.lexists(target):
                return False
            raise
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            if os.path.lexists(target):
                return False
            os.replace(temp, target)
        _sync_after_replace(target)
        return True
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


#: What ``link`` says on a file system without hard links.
_NO_LINKS = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP), errno.EMLINK}
)
