"""When a change cannot be saved the app says so, keeps running and loses nothing."""

from __future__ import annotations

import errno
import json
import threading

import pytest

from iterate_tui.domain.enums import Status
from iterate_tui.store import atomic
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.experiment_table import ExperimentTable
from iterate_tui.widgets.mode_bar import ModeBar

from .conftest import reopen


async def test_disk_full_is_reported_and_nothing_changes(
    seeded: Repository, make_app, db_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = db_path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(db_path))

    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        monkeypatch.setattr("iterate_tui.store.storage.write_atomic", full)
        await pilot.press("w")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("No space left" in m for m in messages), messages
        assert "Idea 1 of 3" in str(app.screen.query_one("#inbox-position").render())
        monkeypatch.setattr("iterate_tui.store.storage.write_atomic", atomic.write_atomic)
        await pilot.press("w")
        await pilot.pause()
        assert "Idea 1 of 2" in str(app.screen.query_one("#inbox-position").render())
    assert db_path.read_bytes() != before
    assert sum(e.status is Status.IDEA for e in reopen(db_path).experiments()) == 2


async def test_a_newer_file_opens_read_only(seeded: Repository, make_app, db_path) -> None:
    seeded.store.close()
    data = json.loads(db_path.read_text())
    data["_meta"]["1"]["schema_version"] = 99
    db_path.write_text(json.dumps(data))
    before = db_path.read_bytes()
    store = ProjectStore.open(db_path)
    assert store.read_only
    app = make_app(Repository(store), notice=store.read_only_reason)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "READ-ONLY" in str(app.screen.query_one(ModeBar).render())
        rows = len(app.screen.query_one(ExperimentTable).rows)
        await pilot.press("w", "r", "delete", "y")
        await pilot.pause()
        assert len(app.screen.query_one(ExperimentTable).rows) == rows
        assert any("read-only" in n.message for n in app._notifications)
    assert db_path.read_bytes() == before


async def test_the_session_backup_begins_once_the_first_frame_is_drawn(
    seeded: Repository, make_app
) -> None:
    """The copy waits (it slowed the start-up): the app starts it after its first frame."""
    from concurrent.futures import Future

    begun: list[bool] = []
    backup: Future[object] = Future()
    app = make_app(seeded, session_backup=backup, begin_backup=lambda: begun.append(True))
    original = app._after_first_frame

    def after_first_frame() -> None:
        assert app.screen.query_one(ExperimentTable).rows  # drawn, and not begun yet
        assert begun == []
        original()

    app._after_first_frame = after_first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert begun == [True]


async def test_a_failed_session_backup_is_reported(seeded: Repository, make_app) -> None:
    """The session backup is written in a thread while the app starts; its failure shows."""
    from concurrent.futures import Future

    backup: Future[object] = Future()
    app = make_app(seeded, session_backup=backup)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app._notifications
        failing = threading.Thread(
            target=backup.set_exception, args=(OSError(errno.ENOSPC, "No space left on device"),)
        )
        failing.start()  # as the backup thread does (it waits for the app to take the note)
        for _ in range(50):
            await pilot.pause(0.02)
            if not failing.is_alive():
                break
        failing.join(timeout=5)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("session backup could not be written" in m for m in messages), messages
        assert "No space left" in messages[0]
