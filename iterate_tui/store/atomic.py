"""Crash-safe file replacement.

The whole new content goes to a temporary file in the same folder, is flushed and fsynced,
then renamed over the old file with ``os.replace`` and the folder is fsynced, so that after
a crash, a SIGKILL or a power cut the file holds either the old or the new content, never a
mix. The temporary files carry a recognisable name so that orphans from a crash can be
removed later, once the project's lock is held.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def temp_prefix(target: Path) -> str:
    return f".{target.name}.tmp-"


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(target: Path, payload: bytes, mode: int = FILE_MODE) -> None:
    """Replace ``target`` with ``payload`` durably; on any error the old file is untouched."""
    temp = target.with_name(f"{temp_prefix(target)}{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    os.close(fd)
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(target.parent)


def remove_orphan_temps(target: Path) -> list[Path]:
    """Delete temporary files left by a crashed writer. Call only while holding the lock."""
    removed = []
    prefix = temp_prefix(target)
    with contextlib.suppress(FileNotFoundError):
        for entry in target.parent.iterdir():
            if entry.name.startswith(prefix):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def ensure_private_folder(folder: Path) -> None:
    """Create a folder (and parents) readable by the owner only; existing ones are left as is."""
    if not folder.exists():
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        os.chmod(folder, FOLDER_MODE)
