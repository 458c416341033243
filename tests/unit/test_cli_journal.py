"""``iterate-tui undo``: the journal in the project file serves scripts too, and an undo
made in the app is seen by the command line (and the other way round)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from iterate_tui.domain.enums import Quadrant, Status
from iterate_tui.session import NothingToUndo, ProjectSession
from iterate_tui.store.journal import BY_APP
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .cli_support import Run, runner, stored


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return runner(capsys, monkeypatch, db_path)


def test_undo_takes_back_the_last_command(cli: Run, db_path: Path) -> None:
    assert cli("add", "Mixup", "--impact", "3", "--probability", "40%").code == 0
    assert cli("triage", "1", "quick_win").code == 0
    result = cli("undo")
    assert result.code == 0, result.err
    assert "undone: triage #1 to Quick win (made by a command" in result.out
    [exp] = stored(db_path)
    assert exp.status is Status.IDEA and exp.probability == 0.4
    assert cli("undo").code == 0  # the add
    assert stored(db_path) == []
    nothing = cli("undo")
    assert nothing.code == 1 and "nothing to undo" in nothing.err


def test_undo_list_shows_the_changes_newest_first(cli: Run) -> None:
    cli("add", "First")
    cli("add", "[bold]Second[/] \x1b[31m")
    cli("undo")
    result = cli("undo", "--list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert "change" in lines[0] and "state" in lines[0]
    assert "add #2" in lines[1] and "undone" in lines[1]
    assert "add #1" in lines[2] and "can be undone" in lines[2]
    assert "\x1b" not in result.out
    assert len(cli("undo", "--list", "1").out.splitlines()) == 2


def test_a_script_can_undo_what_the_app_did_and_the_app_only_its_own(
    cli: Run, db_path: Path
) -> None:
    cli("add", "From a script", "--impact", "4", "--probability", "70%")
    app = ProjectSession(Repository(ProjectStore.open(db_path)), by=BY_APP)
    app.triage(1, Quadrant.QUICK_WIN)
    cli("add", "Another from a script")
    # the command line's --by app finds the app's change under the script's newer one
    result = cli("undo", "--by", "app")
    assert result.code == 0 and "triage #1" in result.out and "by the app" in result.out
    with pytest.raises(NothingToUndo):
        app.undo()  # its only change was taken back from the command line
    app.repository.close()
    assert [e.title for e in stored(db_path)] == ["From a script", "Another from a script"]


def test_undo_refuses_what_was_changed_since(cli: Run, db_path: Path) -> None:
    cli("add", "x", "--impact", "3", "--probability", "40%")
    cli("triage", "1", "moonshot")
    store = ProjectStore.open(db_path)
    repo = Repository(store)
    repo.save(dataclasses.replace(repo.get(1), title="renamed by hand"))
    store.close()
    result = cli("undo")
    assert result.code == 1
    assert "cannot undo triage #1 to Moonshot: #1 changed elsewhere since" in result.err
    assert stored(db_path)[0].title == "renamed by hand"
    listed = cli("undo", "--list").out
    assert "changed since" in listed.splitlines()[1]
