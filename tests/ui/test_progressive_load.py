"""The backlog's first frame shows the best-ranked rows before every experiment is built;
the rest arrive from a worker. Nothing a person does in between may be lost or wrong."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest

from iterate_tui.app import IterateApp
from iterate_tui.domain.enums import OPEN_STATUSES, Status
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.ranking import rank
from iterate_tui.screens.backlog import PREVIEW_ROWS
from iterate_tui.store.errors import CorruptStoreError
from iterate_tui.store.prefetch import Prefetch
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import EXPERIMENTS_TABLE
from iterate_tui.widgets.experiment_table import ExperimentTable
from iterate_tui.widgets.mode_bar import ModeBar

from .conftest import reopen

N = PREVIEW_ROWS + 150


@pytest.fixture
def big(db_path: Path) -> Path:
    repo = Repository(ProjectStore.open(db_path))
    repo.add_many(
        Experiment(
            title=f"idea {i}",
            impact=1 + i % 5,
            probability=round(0.05 + (i * 37 % 90) / 100, 2),
            cost=1.0 + i % 7,
            status=Status.BACKLOG if i % 3 else Status.IDEA,
        )
        for i in range(N)
    )
    repo.store.close()
    return db_path


@pytest.fixture
def unloaded(big: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> tuple[Repository, IterateApp]:
    """The app on the big project with its loading worker held back: the preview stays."""
    monkeypatch.setattr(IterateApp, "finish_loading", lambda self: None)
    repo = Repository(ProjectStore.open(big))
    return repo, make_app(repo)


def table(app: IterateApp) -> ExperimentTable:
    return app.screen.query_one(ExperimentTable)


def status_line(app: IterateApp) -> str:
    return str(app.screen.query_one("#backlog-status").render())


async def test_the_preview_then_every_row_with_the_cursor_kept(
    big: Path, unloaded: tuple[Repository, IterateApp]
) -> None:
    repo, app = unloaded
    expected = rank(
        [e for e in reopen(big).experiments() if e.status in OPEN_STATUSES], repo.settings()
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not repo.complete
        assert table(app).rows == expected[:PREVIEW_ROWS]
        assert f"{N:,} shown of {N:,}" in status_line(app)
        ideas = sum(1 for i in range(N) if i % 3 == 0)  # counted from the documents
        assert f"Triage ({ideas})" in str(app.screen.query_one(ModeBar).render())
        await pilot.press("down", "down")
        assert table(app).current == expected[2]
        while not repo.build_some(100):
            pass
        app.screen.loaded()
        await pilot.pause()
        assert table(app).rows == expected
        assert table(app).current == expected[2]


async def test_a_change_during_the_preview_is_saved_and_shown_in_full(
    big: Path, unloaded: tuple[Repository, IterateApp]
) -> None:
    repo, app = unloaded
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = table(app).current
        assert first is not None and not repo.complete
        await pilot.press("a")  # to Avoid: it drops far down the ranking
        await pilot.pause()
        assert len(table(app).rows) == N  # every row now, the moved one in its place
        moved = next(e for e in table(app).rows if e.id == first.id)
        assert moved.impact == 1
        assert [e.id for e in table(app).rows] == [
            e.id for e in rank(table(app).rows, repo.settings())
        ]
    assert reopen(big).get(first.id).impact == 1


async def test_sorting_during_the_preview_sorts_every_row(
    unloaded: tuple[Repository, IterateApp],
) -> None:
    _, app = unloaded
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("O")  # reverse the order
        await pilot.pause()
        assert len(table(app).rows) == N


async def test_the_worker_builds_the_rest_after_the_first_frame(big: Path, make_app) -> None:
    repo = Repository(ProjectStore.open(big))
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if repo.complete and len(table(app).rows) == N:
                break
        assert repo.complete and len(table(app).rows) == N


async def test_a_malformed_experiment_found_after_the_first_frame_closes_the_app(
    big: Path, make_app
) -> None:
    data = orjson.loads(big.read_bytes())
    last = list(data[EXPERIMENTS_TABLE])[-1]
    data[EXPERIMENTS_TABLE][last]["created_at"] = "not a date"
    big.write_bytes(orjson.dumps(data))
    before = big.read_bytes()
    app = make_app(Repository(ProjectStore.open(big)))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if app.load_error is not None:
                break
    assert isinstance(app.load_error, CorruptStoreError)
    assert f"experiment '{last}' is malformed" in str(app.load_error)
    assert app.return_code == 3
    assert big.read_bytes() == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reader forks: Linux only")
async def test_the_first_rows_come_from_the_start_up_reader_then_every_row(
    big: Path, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the command opens the app: a forked child has read and ranked the project."""
    monkeypatch.setattr(IterateApp, "finish_loading", lambda self: None)
    expected = rank(
        [e for e in reopen(big).experiments() if e.status in OPEN_STATUSES],
        reopen(big).settings(),
    )
    prefetch = Prefetch.start(big, OPEN_STATUSES, PREVIEW_ROWS)
    repo = Repository(ProjectStore.open(big, prefetch=prefetch))
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert repo.store.storage.feeding, "the first frame did not wait for the rest"
        assert table(app).rows == expected[:PREVIEW_ROWS]
        assert f"{N:,} shown of {N:,}" in status_line(app)
        await pilot.press("down")
        while not repo.build_some(64):
            pass
        app.screen.loaded()
        await pilot.pause()
        assert table(app).rows == expected
        assert table(app).current == expected[1]
