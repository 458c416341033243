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
    """The file was written by a newer iterate-tui; this one may read it but not change it."""


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
