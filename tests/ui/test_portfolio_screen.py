"""The portfolio screen (key 4), as issue 14's checks ask: changing the phase in the
settings changes the target and the warnings; explore/exploit is toggled from here and
from the backlog; one key starts an experiment from "pull next", one shows it in the
backlog; the figures are worked out in a worker (waited for, never slept on)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from iterate_tui.domain.enums import Outcome, Phase, Quadrant, Status
from iterate_tui.domain.portfolio import WarningCode
from iterate_tui.session import ProjectSession
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.experiment_table import ExperimentTable
from iterate_tui.widgets.portfolio_view import PortfolioFigures

from .conftest import fixed_clock, reopen


@pytest.fixture
def balanced(repo: Repository) -> Repository:
    """A middle-phase project: two done exploit runs, one running moonshot (explore), and a
    backlog of one explore-flagged and two exploit experiments, two of them data
    preparation (the activity furthest under its range: nothing planned is data
    preparation), and a moonshot (under the allowance: 4 of 100). Planned: 2 + 2 done
    (exploit) + 4 running (explore) = 8; exploring 4/8 = 50%, on the middle target."""
    session = ProjectSession(repo, fixed_clock)
    session.update_settings(
        dataclasses.replace(
            session.settings,
            name="Balanced",
            phase=Phase.MIDDLE,
            budget_total=100.0,
            start_date=date(2026, 11, 1),
            deadline=date(2027, 1, 30),
        )
    )
    for title in ("Baseline", "Second baseline"):
        exp = session.add({"title": title, "impact": "2", "probability": "80%", "cost": "2"})
        session.finish(exp.id, Outcome.SUCCESS, ["0.7"])
    moon = session.add({"title": "Moonshot run", "impact": "5", "probability": "20%", "cost": "4"})
    session.triage(moon.id, Quadrant.MOONSHOT)
    session.start(moon.id)
    for title, explore, activity in (
        ("Explore me", "explore", "data_preparation"),
        ("Exploit A", "exploit", "data_preparation"),
        ("Exploit B", "", "model_development"),
    ):
        exp = session.add(
            {
                "title": title,
                "impact": "3",
                "probability": "60%",
                "cost": "1",
                "explore": explore,
                "activity": activity,
            }
        )
        session.triage(exp.id, Quadrant.QUICK_WIN)
    later = session.add({"title": "Later moonshot", "impact": "4", "probability": "20%"})
    session.triage(later.id, Quadrant.MOONSHOT)
    return repo


async def shown(pilot, app) -> PortfolioFigures:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()
    figures = app.screen.query_one(PortfolioFigures)
    assert figures.report is not None
    return figures


async def test_changing_the_phase_changes_the_target_and_the_warnings(
    balanced: Repository, make_app
) -> None:
    app = make_app(balanced)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        figures = await shown(pilot, app)
        report = figures.report
        assert report.exploration.target == 0.5 and report.exploration.share_cost == 0.5
        assert WarningCode.EXPLORATION_OFF_TARGET not in {w.code for w in report.warnings}
        assert "target 50%: on target" in figures.plain
        await pilot.press("0")
        app.screen.query_one("#setting-phase").value = "early"
        await pilot.pause()
        await pilot.press("ctrl+s", "4")
        figures = await shown(pilot, app)
        report = figures.report
        assert report.exploration.target == 0.8
        codes = {w.code for w in report.warnings}
        assert WarningCode.EXPLORATION_OFF_TARGET in codes  # 50% against 80%: 30 points
        assert "target 80%: 30 points under" in figures.plain


async def test_start_one_from_pull_next(balanced: Repository, make_app, db_path) -> None:
    app = make_app(balanced)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await shown(pilot, app)
        table = app.screen.query_one("#pull-next", ExperimentTable)
        assert table.rows, "nothing to pull"
        first = table.current
        assert first is not None and first.status is Status.BACKLOG
        await pilot.press("r")
        figures = await shown(pilot, app)
        assert reopen(db_path).get(first.id).status is Status.RUNNING
        assert first.id not in [e.id for e in table.rows]  # no longer in the backlog
        assert figures.report.budget.committed == 4 + first.cost


async def test_toggle_explore_here_and_in_the_backlog(
    balanced: Repository, make_app, db_path
) -> None:
    app = make_app(balanced)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await shown(pilot, app)
        exp = app.screen.query_one("#pull-next", ExperimentTable).current
        assert exp is not None
        flag = reopen(db_path).get(exp.id).explore
        await pilot.press("t")
        await shown(pilot, app)
        assert reopen(db_path).get(exp.id).explore is (not (flag or False))
        await pilot.press("1")
        await pilot.pause()
        backlog = app.screen.query_one(ExperimentTable)
        target = backlog.current
        assert target is not None
        before = reopen(db_path).get(target.id).explore
        await pilot.press("t")
        await pilot.pause()
        after = reopen(db_path).get(target.id).explore
        assert after is not None and after != before


async def test_enter_shows_it_in_the_backlog(balanced: Repository, make_app) -> None:
    app = make_app(balanced)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "slash", *"baseline", "enter")  # a filter that hides it
        await pilot.press("4")
        await shown(pilot, app)
        table = app.screen.query_one("#pull-next", ExperimentTable)
        await pilot.press("down")
        wanted = table.current
        assert wanted is not None
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "backlog"
        backlog = app.screen.query_one(ExperimentTable)
        assert backlog.current is not None and backlog.current.id == wanted.id


async def test_promote_a_done_experiment_from_the_backlog(
    balanced: Repository, make_app, db_path
) -> None:
    app = make_app(balanced)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"status:done", "enter")
        await pilot.pause()
        done = app.screen.query_one(ExperimentTable).current
        assert done is not None and done.status is Status.DONE
        await pilot.press("p")
        await pilot.pause()
        follow_up = max(reopen(db_path).experiments(), key=lambda e: e.id)
        assert follow_up.follow_up_of == done.id and follow_up.tier == done.tier + 1
        assert any(f"Promoted #{done.id}" in n.message for n in app._notifications)


async def test_the_figures_follow_a_change_made_on_another_screen(
    balanced: Repository, make_app
) -> None:
    app = make_app(balanced)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        committed = (await shown(pilot, app)).report.budget.committed
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("r")  # start the top of the backlog
        await pilot.pause()
        await pilot.press("4")
        assert (await shown(pilot, app)).report.budget.committed > committed
