"""Errors about the project file, each saying which file, what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import IterateError


class StoreError(IterateError):
    """Something about the project file itself went wrong."""


class CorruptStoreError(StoreError):
    """The file cannot be read as a project. It is never overwritten."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(
            f"cannot open {path}: {problem}.\n"
            "The file has not been changed. To recover:\n"
            f"  iterate-tui --db {_quote(path)} backups            list dated backups\n"
            f"  iterate-tui --db {_quote(path)} restore BACKUP     restore one "
            "(the broken file is moved aside)\n"
            f"  iterate-tui --db {_quote(path)} salvage            keep the readable part "
            "(after copying the file aside)"
        )


class ReadOnlyStoreError(StoreError):
    """The project is open read-only (written by a newer iterate-tui, or in a place this
    user cannot write): it may be read but not changed."""


class ProjectPathError(StoreError):
    """The path given cannot be a project file (a folder, a device, a dangling symbolic
    link...). Raised before anything is created or changed."""


class ProjectMissingError(StoreError):
    """A command that only reads was given a project file that does not exist: nothing is
    created (a mistyped path must not become a new, empty project)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"there is no project at {path} (nothing was created). Check the path; a command "
            f"that writes creates it, e.g. iterate-tui --db {_quote(path)} add TITLE"
        )


class LockFileError(StoreError):
    """The lock file beside the project is not a plain file of its own (a symbolic link, a
    hard link to another file, a folder): it is never written through."""


class SaveError(StoreError, OSError):
    """Writing the project file (or a file beside it) failed: the disk is full, the file
    too large for ``ulimit -f``, permission denied... The message says which file and
    whether it was left unchanged. Still an OSError, with the original ``errno``."""

    def __init__(
        self, path: Path, error: OSError, *, doing: str = "saving", unchanged: bool = True
    ) -> None:
        reason = error.strerror or str(error)
        if unchanged:
            outcome = "nothing was created" if doing == "creating" else "nothing was changed"
        else:
            outcome = "the change was made but may not be on disk yet"
        super().__init__(error.errno, f"{reason} while {doing} {path}: {outcome}")
        self.path = path

    def __str__(self) -> str:
        return str(self.strerror)


class LockTimeoutError(StoreError):
    """Another process held the project's lock for too long."""


class NotFoundError(StoreError):
    """No experiment with that id."""


def _quote(path: Path) -> str:
    text = str(path)
    return f"'{text}'" if any(c in text for c in " \t'\"$`\\") else text


class PrefetchBroken(Exception):
    """The start-up reader's stream ended early or does not add up (see ``prefetch``).

    Never shown: the file is then read the usual way, which reports any real problem."""
