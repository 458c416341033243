"""What the command-line tests share: running `main` in-process and reading the file back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from iterate_tui.__main__ import main
from iterate_tui.domain.experiment import Experiment
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


def runner(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path | None = None
) -> Callable[..., Result]:
    """``run(*args)`` on ``db`` (or ``run(db, *args)`` without one), never a traceback."""
    monkeypatch.delenv("ITERATE_TUI_DB", raising=False)

    def run(*args: str | Path) -> Result:
        argv = [str(a) for a in args] if db is None else [str(db), *map(str, args)]
        code = main(["--db", *argv])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return Result(code, captured.out, captured.err)

    return run


def stored(db_path: Path) -> list[Experiment]:
    """The experiments in the file, by id, as a fresh process would read them."""
    store = ProjectStore.open(db_path)
    try:
        return sorted(Repository(store).experiments(), key=lambda e: e.id)
    finally:
        store.close()
