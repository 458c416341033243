"""Apps for Pilot tests: a real project file in a temporary folder and a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from iterate_tui.app import IterateApp
from iterate_tui.session import ProjectSession
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


def reopen(path: Path) -> Repository:
    """A fresh view of the file, as the next session (or another process) would see it."""
    return Repository(ProjectStore.open(path))


@pytest.fixture
def seeded(repo: Repository) -> Repository:
    """Three backlog items in different quadrants and three untriaged ideas."""
    session = ProjectSession(repo, fixed_clock)
    for values in (
        {"title": "Class-weighted loss", "impact": "4", "probability": "70%", "cost": "2"},
        {"title": "Distil a 7B teacher", "impact": "5", "probability": "20%", "cost": "40"},
        {"title": "Warmup sweep", "impact": "2", "probability": "80%", "cost": "4"},
    ):
        exp = session.add({**values, "tags": "loss"})
        session.triage(exp.id, _quadrant_of(exp))
    for title in ("Relabel billing tickets", "Mixup on embeddings", "Bigger batch"):
        session.add(
            {
                "title": title,
                "hypothesis": f"if {title.lower()} then F1 up",
                "matters": "yes, +1 F1",
            }
        )
    return repo


def _quadrant_of(exp: object) -> object:
    from iterate_tui.domain.matrix import quadrant
    from iterate_tui.domain.settings import ProjectSettings

    return quadrant(exp, ProjectSettings())  # type: ignore[arg-type]


@pytest.fixture
def make_app() -> Iterator[Callable[..., IterateApp]]:
    def build(repository: Repository, **kwargs: object) -> IterateApp:
        kwargs.setdefault("watch_interval", None)
        return IterateApp(repository, clock=fixed_clock, **kwargs)  # type: ignore[arg-type]

    yield build
