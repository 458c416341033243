"""Shared fixtures: a fresh project file in a temporary folder, and its repository."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project" / "project.json"


@pytest.fixture
def store(db_path: Path) -> Iterator[ProjectStore]:
    opened = ProjectStore.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def repo(store: ProjectStore) -> Repository:
    return Repository(store)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that masks nothing, so every mode checked comes from the code itself."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture(autouse=True)
def _textual_settings_stay_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the app through the command line sets Textual's frame rate in the
    environment (cli.main.configure_textual); undo it after each test."""
    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
