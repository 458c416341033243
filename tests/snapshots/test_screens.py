"""SVG snapshots of the main screens on the demo project, at 80x24 and 120x40.

Update after an intended visual change with `pytest tests/snapshots --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iterate_tui.app import IterateApp
from iterate_tui.demo import demo_copy
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from ..ui.conftest import fixed_clock

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def demo_app() -> Iterator[IterateApp]:
    store = ProjectStore.open(demo_copy())
    yield IterateApp(Repository(store), clock=fixed_clock, watch_interval=None)
    store.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_backlog(snap_compare, demo_app: IterateApp, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_triage_inbox(snap_compare, demo_app: IterateApp, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, press=["2"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_matrix(snap_compare, demo_app: IterateApp, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, press=["3"], terminal_size=size)


def test_backlog_after_triage_and_nudge(snap_compare, demo_app: IterateApp) -> None:
    assert snap_compare(demo_app, press=["2", "w", "plus", "1"], terminal_size=(120, 40))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_portfolio(snap_compare, demo_app: IterateApp, size: tuple[int, int]) -> None:
    async def shown(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("4")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(demo_app, run_before=shown, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_settings(snap_compare, demo_app: IterateApp, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, press=["0"], terminal_size=size)


def test_help(snap_compare, demo_app: IterateApp) -> None:
    assert snap_compare(demo_app, press=["question_mark", "G"], terminal_size=(80, 24))
