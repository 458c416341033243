"""A training script writes the file while the app is open: the app shows it soon after."""

from __future__ import annotations

import asyncio

from iterate_tui.domain.enums import Outcome, Status
from iterate_tui.session import ProjectSession
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.experiment_table import ExperimentTable

from .conftest import fixed_clock, reopen


async def wait_for(condition, pilot, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
        await pilot.pause()
    return condition()


async def test_a_change_made_by_another_process_appears(seeded: Repository, make_app, db_path):
    app = make_app(seeded, watch_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(ExperimentTable)
        assert len(table.rows) == 6
        other = ProjectSession(reopen(db_path), fixed_clock)  # a second store on the same file
        added = other.add(
            {"title": "Added by a training script", "impact": "5", "probability": "90%"}
        )
        assert await wait_for(lambda: len(table.rows) == 7, pilot)
        assert table.rows[0].title == "Added by a training script"

        # the app's own change afterwards keeps the outside one (no lost update)
        await pilot.press("3", "1")
        other.finish(added.id, Outcome.SUCCESS, [0.79])
        assert await wait_for(lambda: all(e.title != added.title for e in table.rows), pilot)
        await pilot.press("2", "w")
    final = {e.title: e for e in reopen(db_path).experiments()}
    assert final["Added by a training script"].status is Status.DONE
    assert final["Relabel billing tickets"].status is Status.BACKLOG
