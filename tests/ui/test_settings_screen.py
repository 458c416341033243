"""The settings screen (key 0): every setting edited with the command line's rules, checked
as it is typed, saved as one change that u undoes; a saved coefficient or threshold
re-ranks the backlog and re-derives the quadrants; the suggested phase is shown with its
reason."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from textual.widgets import Input, Select, Static

from iterate_tui.domain.enums import Phase
from iterate_tui.domain.settings import SETTING_SPECS
from iterate_tui.screens.base import SET_UP
from iterate_tui.session import ProjectSession
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.experiment_table import ExperimentTable
from iterate_tui.widgets.mode_bar import ModeBar

from .conftest import fixed_clock, reopen


def field(app, key: str) -> Input:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#setting-{key}")


def said(app, key: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#help-{key}", Static).render())


async def edit(pilot, app, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    box = field(app, key)
    app.screen.set_focus(box)
    box.value = value
    await pilot.pause()


async def test_every_setting_is_there_with_its_range(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("0")
        await pilot.pause()
        assert app.current_mode == "settings"
        assert not isinstance(app.focused, Input)  # the screen keys work at once
        for spec in SETTING_SPECS:
            assert app.screen.query(f"#setting-{spec.key}")
        assert field(app, "metric_name").value == seeded.settings().metric_name
        assert "from 0 to 3" in said(app, "alpha")


async def test_a_bad_value_is_named_as_typed_and_nothing_is_saved(
    seeded: Repository, make_app, db_path
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("0")
        before = db_path.read_bytes()
        await edit(pilot, app, "alpha", "9")
        assert "alpha" in said(app, "alpha") and "from 0 to 3" in said(app, "alpha")
        assert field(app, "alpha").has_class("-invalid")
        await edit(pilot, app, "deadline", "2001-01-01")  # before the start date
        await pilot.press("ctrl+s")
        assert db_path.read_bytes() == before
        status = str(app.screen.query_one("#settings-status", Static).render())
        assert "alpha" in status
        await edit(pilot, app, "alpha", "0.5")
        await pilot.press("ctrl+s")
        assert "before the start date" in str(
            app.screen.query_one("#settings-status", Static).render()
        )
        assert db_path.read_bytes() == before
        await pilot.press("escape")  # put back what is saved
        assert field(app, "alpha").value == "1" and field(app, "deadline").value == ""


async def test_a_saved_coefficient_re_ranks_the_backlog_and_u_undoes_it(
    seeded: Repository, make_app, db_path
) -> None:
    session = ProjectSession(seeded, fixed_clock)
    exp = session.add({"title": "Teaches a lot", "impact": "1", "probability": "10%"})
    session.edit(exp.id, {"info_value": "3", "cost": "2"})
    session.triage(exp.id, __import__("iterate_tui").domain.enums.Quadrant.AVOID)
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        top = app.screen.query_one(ExperimentTable).rows[0].title
        assert top == "Teaches a lot"  # information value 3 at weight 1 ranks it first
        await pilot.press("0")
        await edit(pilot, app, "w_info", "0")
        await pilot.press("ctrl+s", "escape", "1")
        await pilot.pause()
        rows = app.screen.query_one(ExperimentTable).rows
        assert rows[0].title != "Teaches a lot"  # without the information weight, it sinks
        assert reopen(db_path).settings().w_info == 0
        await pilot.press("u")
        await pilot.pause()
        assert app.screen.query_one(ExperimentTable).rows[0].title == "Teaches a lot"
        assert reopen(db_path).settings().w_info == 1


async def test_a_saved_threshold_re_derives_the_quadrants(seeded: Repository, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        counts = str(app.screen.query_one("#quadrant-quick-win-title", Static).render())
        assert "1 open" in counts  # the class-weighted loss: impact 4, 70%
        await pilot.press("0")
        await edit(pilot, app, "impact_threshold", "5")
        await pilot.press("ctrl+s", "escape", "3")
        await pilot.pause()
        counts = str(app.screen.query_one("#quadrant-quick-win-title", Static).render())
        assert "0 open" in counts  # impact 4 is no longer high impact


async def test_the_suggested_phase_is_shown_with_its_reason(repo: Repository, make_app) -> None:
    session = ProjectSession(repo, fixed_clock)  # 2026-11-28
    session.update_settings(
        dataclasses.replace(
            session.settings,
            start_date=date(2026, 11, 1),
            deadline=date(2026, 12, 1),
            phase=Phase.EARLY,
        )
    )
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("0")
        await pilot.pause()
        beside = said(app, "phase")
        # 27 of 30 days: 90% of the time, the deadline phase
        assert "suggested: deadline" in beside and "90% of the time" in beside
        await edit(pilot, app, "deadline", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "No phase suggestion" in str(
            app.screen.query_one("#settings-status", Static).render()
        )


async def test_the_phase_is_chosen_from_a_list(seeded: Repository, make_app, db_path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("0")
        select = app.screen.query_one("#setting-phase", Select)
        select.value = "late"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert reopen(db_path).settings().phase is Phase.LATE


async def test_a_new_project_is_invited_to_set_up(repo: Repository, make_app) -> None:
    app = make_app(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert SET_UP in str(app.screen.query_one(ModeBar).render())
        await pilot.press("0")
        await edit(pilot, app, "name", "Ticket routing")
        await pilot.press("enter")  # enter saves too
        await pilot.pause()
        bar = str(app.screen.query_one(ModeBar).render())
        assert "Ticket routing" in bar and SET_UP not in bar


async def test_text_settings_are_saved_as_typed(repo: Repository, make_app) -> None:
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("0")
        await edit(pilot, app, "name", "[/] [bold]x\x1b[31m")
        await edit(pilot, app, "budget_unit", "[red]h[/red]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        settings = repo.settings()
        assert settings.name == "[/] [bold]x[31m" and settings.budget_unit == "[red]h[/red]"
        assert "[/] [bold]x" in str(app.screen.query_one(ModeBar).render())
        await edit(pilot, app, "w_info", "[/]")
        assert "'[/]'" in said(app, "w_info")


async def test_read_only_saves_nothing(seeded: Repository, make_app, db_path) -> None:
    seeded.store.close()
    data = json.loads(db_path.read_text())
    data["_meta"]["1"]["schema_version"] = 99
    db_path.write_text(json.dumps(data))
    before = db_path.read_bytes()
    store = ProjectStore.open(db_path)
    app = make_app(Repository(store), notice=store.read_only_reason)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("0")
        await edit(pilot, app, "alpha", "2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Read-only" in n.message for n in app._notifications)
    store.close()
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_field_fits(seeded: Repository, make_app, size: tuple[int, int]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=size) as pilot:
        await pilot.press("0")
        await pilot.pause()
        scroll = app.screen.query_one("#settings-scroll")
        scroll.scroll_end(animate=False)
        await pilot.pause()
        last = app.screen.query_one("#setting-moonshot_share")
        assert scroll.region.contains_region(last.region)


async def test_esc_puts_back_and_leaves_the_field_so_a_digit_switches(
    seeded: Repository, make_app
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("0")
        await edit(pilot, app, "name", "half typed")
        await pilot.press("escape", "4")  # one esc, then a screen key
        await pilot.pause()
        assert app.current_mode == "portfolio"
        assert seeded.settings().name != "half typed"
