"""A change made on one screen is applied to the other screens already shown, so switching
back to one shows it at once, without rebuilding it; what it shows must be exactly what a
rebuild would show."""

from __future__ import annotations

import pytest

from iterate_tui.domain.enums import Status
from iterate_tui.screens.backlog import BacklogScreen
from iterate_tui.screens.experiments import ExperimentActions
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.experiment_table import ExperimentTable


def rows(screen: ExperimentActions) -> list[tuple[int, str, object]]:
    return [
        (e.id, e.status.value, e.impact)
        for table in screen.query(ExperimentTable)
        for e in table.rows
    ]


def inbox_state(screen: ExperimentActions) -> tuple[list[int], int | None]:
    last = screen.last  # type: ignore[attr-defined]
    return [e.id for e in screen.ideas], None if last is None else last.id  # type: ignore[attr-defined]


async def test_switching_back_after_changes_elsewhere_needs_no_rebuild(
    seeded: Repository, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloads: list[str] = []
    for cls in ExperimentActions.__subclasses__():
        original = cls.refresh_view

        def counting(self: ExperimentActions, original=original) -> None:
            reloads.append(self.MODE.name)
            original(self)

        monkeypatch.setattr(cls, "refresh_view", counting)

    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "3", "1")  # every screen shown once
        await pilot.pause()
        reloads.clear()

        await pilot.press("2", "w")  # triage an idea in the inbox
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        backlog = app.screen
        assert isinstance(backlog, BacklogScreen)
        shown = rows(backlog)
        await pilot.press("3", "a")  # move one in the matrix
        await pilot.pause()
        await pilot.press("u")  # undo it there
        await pilot.pause()
        matrix = app.screen
        await pilot.press("1", "w", "2")  # a triage from the backlog, then to the inbox
        await pilot.pause()
        inbox = app.screen
        seen_inbox = inbox_state(inbox)
        await pilot.press("1")
        await pilot.pause()
        assert reloads == [], reloads  # every switch showed the screen as it was kept

        # ... and what each screen kept is what rebuilding it shows.
        kept = rows(backlog)
        backlog.refresh_view()
        assert kept and rows(backlog) == kept
        inbox.refresh_view()
        assert inbox_state(inbox) == seen_inbox
        kept = rows(matrix)
        matrix.refresh_view()
        assert kept and rows(matrix) == kept
    assert sum(e.status is Status.IDEA for e in seeded.experiments()) == 2
    assert shown  # the backlog had rows after the inbox triage


async def test_a_key_updates_only_the_screen_on_show(
    seeded: Repository, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screens already shown apply a change when they are shown again, not during
    the key (which would cost every key the work of all three screens)."""
    applied: list[str] = []
    for cls in ExperimentActions.__subclasses__():
        original = cls.apply_change

        def counting(self: ExperimentActions, *args: object, original=original, **kw: object):
            applied.append(self.MODE.name)
            return original(self, *args, **kw)

        monkeypatch.setattr(cls, "apply_change", counting)

    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "3", "1")
        await pilot.pause()
        backlog = app.screen
        applied.clear()
        await pilot.press("a", "s")  # two triages on the backlog (the row moves twice)
        await pilot.pause()
        assert applied == ["backlog", "backlog"]
        applied.clear()
        await pilot.press("3")
        await pilot.pause()
        assert applied == ["matrix", "matrix"]  # both, in order, when it is shown
        kept = rows(app.screen)
        app.screen.refresh_view()
        assert rows(app.screen) == kept
        assert backlog is not app.screen
