"""Dated copies of the project file in a ``backups/`` folder beside it.

A copy is taken when an app session starts, before a migration, before a restore and before
an import; the newest 14 are kept. Copies are written atomically with mode 0600 in a folder
with mode 0700 (each under a new name, never through a link planted there), and the
half-written copies a killed process leaves are removed the next time a backup is taken
under the project's lock. Reading the live file needs no lock: writers replace it atomically, and
a read that a save overlapped is read again (``ProjectLock.read_consistent``), so the copy
is one complete version.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .atomic import NotDurableError, ensure_private_folder, remove_folders, write_atomic
from .errors import SaveError
from .lock import ProjectLock

KEEP = 14
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str
    size: int


def backup_folder(db: Path) -> Path:
    return db.parent / "backups"


def _pattern(db: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db.stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?-([a-z0-9-]+)\.json$")


def take_backup(
    db: Path,
    reason: str,
    now: datetime | None = None,
    keep: int = KEEP,
    lock: ProjectLock | None = None,
) -> Path | None:
    """Copy the project file; returns the copy's path, or None if there is nothing to copy.

    A caller that holds the project's lock passes it as ``lock`` (a second ``ProjectLock``
    on the same file would wait for the first); otherwise one is opened to read the
    generation counter.
    """
    if not db.exists():
        return None  # before opening a lock: it would create the lock file
    own = lock is None
    reader = ProjectLock(db) if lock is None else lock
    try:
        _, _, payload = reader.read_consistent(db)
    except FileNotFoundError:
        return None
    finally:
        if own:
            reader.close()
    if not payload:
        return None
    folder = backup_folder(db)
    try:
        created = ensure_private_folder(folder)
    except OSError as exc:
        raise SaveError(folder, exc, doing="creating the backup folder") from None
    if lock is not None and lock.held:
        remove_orphan_backup_temps(db)
    stamp = (now or datetime.now(UTC)).strftime(_STAMP)
    target = folder / f"{db.stem}-{stamp}-{reason}.json"
    counter = 2
    while os.path.lexists(target):
        target = folder / f"{db.stem}-{stamp}-{counter}-{reason}.json"
        counter += 1
    try:
        write_atomic(target, payload)
    except OSError as exc:
        remove_folders(created)  # a full disk leaves no empty backups/ behind
        raise SaveError(
            target, exc, doing="saving the backup", unchanged=not isinstance(exc, NotDurableError)
        ) from None
    prune(db, keep)
    return target


def _orphan_pattern(db: Path) -> re.Pattern[str]:
    """The temp files ``write_atomic`` leaves in backups/ when a backup is killed midway
    (``.<backup name>.tmp-<pid>-<token>``), of this project only."""
    return re.compile(rf"^\.{re.escape(db.stem)}-\d{{8}}-\d{{6}}(?:-\d+)?-[a-z0-9-]+\.json\.tmp-")


def remove_orphan_backup_temps(db: Path) -> list[Path]:
    """Delete the half-written backups of killed imports, migrations and sessions (they
    are never listed as backups, nor counted in the ``KEEP`` kept, but they can be as
    large as the project). Only while holding the project's lock: then no backup of this
    project is being written."""
    pattern = _orphan_pattern(db)
    removed: list[Path] = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in backup_folder(db).iterdir():
            if pattern.match(entry.name):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def list_backups(db: Path) -> list[Backup]:
    """Backups of this project, newest first."""
    folder = backup_folder(db)
    pattern = _pattern(db)
    found: list[tuple[tuple[datetime, int, int], Backup]] = []
    with contextlib.suppress(FileNotFoundError):
        for entry in folder.iterdir():
            match = pattern.match(entry.name)
            taken = _taken(match.group(1)) if match else None
            if match and taken is not None:
                info = entry.stat()
                # Within one second the clock decides; when it ticks coarsely, the counter.
                order = (taken, info.st_mtime_ns, int(match.group(2) or 1))
                found.append((order, Backup(entry, taken, match.group(3), info.st_size)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [backup for _, backup in found]


def _taken(stamp: str) -> datetime | None:
    """The time in a backup's name (``_STAMP``), or None for digits that are not a time
    (a file named by hand). fromisoformat reads the same digits as strptime would, without
    importing _strptime in the backup thread while the app starts."""
    try:
        return datetime.fromisoformat(stamp.replace("-", "T")).replace(tzinfo=UTC)
    except ValueError:
        return None


def prune(db: Path, keep: int = KEEP) -> list[Path]:
    removed = []
    for old in list_backups(db)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
            removed.append(old.path)
    return removed


def resolve_backup(db: Path, name: str) -> Path:
    """A backup given by path, by file name in the backups folder, or by list number (1 =
    newest)."""
    if name.isdigit():
        backups = list_backups(db)
        index = int(name)
        if not 1 <= index <= len(backups):
            raise FileNotFoundError(f"there is no backup number {index} (have {len(backups)})")
        return backups[index - 1].path
    candidate = Path(name).expanduser()
    if candidate.exists():
        return candidate
    in_folder = backup_folder(db) / name
    if in_folder.exists():
        return in_folder
    raise FileNotFoundError(f"no backup named {name}")
