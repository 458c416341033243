"""Project-level commands: settings, a damaged file (exit 3, untouched), backups, restore,
salvage, where the file is found, and opening the app."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest

from iterate_tui.__main__ import main
from iterate_tui.cli import main as cli_main
from iterate_tui.cli.context import Context
from iterate_tui.domain.settings import SETTING_SPECS, ProjectSettings
from iterate_tui.store.backups import list_backups, take_backup
from iterate_tui.store.errors import CorruptStoreError
from iterate_tui.store.lock import ProjectLock
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .cli_support import Run, runner, stored


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return runner(capsys, monkeypatch, db_path)


def titles(db: Path) -> list[str]:
    return [e.title for e in stored(db)]


@pytest.fixture
def project(cli: Run, db_path: Path) -> Path:
    """A project with four experiments and a dated backup of it."""
    for title in ("First", "Second", "Third", "Fourth"):
        assert cli("add", title, "--impact", "3", "--probability", "50%").code == 0
    assert cli("settings", "--set", "metric_name=macro-F1").code == 0
    take_backup(db_path, "session")
    return db_path


def truncate(db: Path, keep: float = 0.6) -> bytes:
    """Cut the file at ``keep`` of the part before the journal (the journal, last in the
    file, repeats the experiments its entries changed)."""
    payload = db.read_bytes()
    end = payload.find(b',"journal":{')
    damaged = payload[: int((len(payload) if end < 0 else end) * keep)]
    db.write_bytes(damaged)
    return damaged


# -- settings ------------------------------------------------------------------------------
def test_every_setting_can_be_set() -> None:
    assert {s.key for s in SETTING_SPECS} == {f.name for f in dataclasses.fields(ProjectSettings)}


@pytest.fixture
def new(db_path: Path) -> Path:
    """An empty project with the default settings (reading creates none)."""
    ProjectStore.open(db_path).close()
    return db_path


def test_settings_show_every_key(cli: Run, new: Path) -> None:
    result = cli("settings")
    assert result.code == 0
    for key in ("metric_name", "direction", "deadline", "w_info", "probability_threshold"):
        assert key in result.out
    assert "50%" in result.out  # probability threshold shown as a percentage


def test_settings_set_validates_and_saves(cli: Run, db_path: Path) -> None:
    result = cli(
        "settings",
        "--set",
        "metric_name=macro-F1",
        "--set",
        "deadline=2026-12-31",
        "--set",
        "budget-total=400",
        "--set",
        "probability_threshold=60%",
        "--set",
        "phase=Middle",
    )
    assert result.code == 0, result.err
    data = json.loads(cli("settings", "--json").out)
    assert data["metric_name"] == "macro-F1"
    assert data["deadline"] == "2026-12-31"
    assert data["budget_total"] == 400.0
    assert data["probability_threshold"] == 0.6
    assert data["phase"] == "middle"
    assert cli("settings", "--set", "deadline=").code == 0
    assert json.loads(cli("settings", "--json").out)["deadline"] is None


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("probability_threshold=abc", "probability_threshold: 'abc' is not a number"),
        ("w_info=-1", "w_info: must be from 0 to 100"),
        ("alpha=nan", "alpha: must be a finite number"),
        ("deadline=2026-13-01", "deadline: '2026-13-01' is not a date"),
        ("deadline=2000-01-01", "deadline: 2000-01-01 is before the start date"),
        ("impact_threshold=1", "impact_threshold: must be from 2 to 5"),
        ("direction=sideways", "direction: 'sideways' is not one of"),
        ("colour=blue", "settings: 'colour' is not a setting"),
        ("metric_name", "settings: 'metric_name' is not key=value"),
        ("name=", "name: must not be empty"),
    ],
)
def test_settings_refuse_bad_values_and_change_nothing(
    cli: Run, new: Path, assignment: str, message: str
) -> None:
    before = cli("settings", "--json").out
    result = cli("settings", "--set", "metric_name=changed", "--set", assignment)
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {message}"), result.err
    assert cli("settings", "--json").out == before


# -- a damaged project file ----------------------------------------------------------------
COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["add", "Another"],
    ["show", "1"],
    ["start", "1"],
    ["result", "1", "--outcome", "failure"],
    ["skip", "1", "--reason", "x"],
    ["triage", "1", "avoid"],
    ["export"],
    ["settings"],
    ["settings", "--set", "phase=late"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_truncated_file_stops_every_command_untouched(
    cli: Run, project: Path, args: list[str]
) -> None:
    damaged = truncate(project)
    result = cli(*args)
    assert result.code == 3
    assert result.out == ""
    first = result.err.splitlines()[0]
    assert first.startswith(f"iterate-tui: error: cannot open {project}: it is not valid JSON")
    assert "backups" in result.err and "restore" in result.err and "salvage" in result.err
    assert project.read_bytes() == damaged


def test_a_malformed_experiment_stops_commands_too(cli: Run, project: Path) -> None:
    data = json.loads(project.read_text())
    data["experiments"]["2"]["impact"] = 9
    project.write_text(json.dumps(data))
    before = project.read_bytes()
    result = cli("add", "Another")
    assert result.code == 3
    assert "experiment '2' is malformed" in result.err
    assert project.read_bytes() == before


def test_import_into_a_damaged_file_is_refused(cli: Run, project: Path, tmp_path: Path) -> None:
    source = tmp_path / "ideas.json"
    source.write_text(json.dumps([{"title": "x"}]))
    damaged = truncate(project)
    assert cli("import", str(source)).code == 3
    assert project.read_bytes() == damaged


def test_backups_are_listed_even_when_the_file_is_damaged(cli: Run, project: Path) -> None:
    take_backup(project, "before-import")
    truncate(project)
    result = cli("backups")
    assert result.code == 0
    lines = result.out.splitlines()
    assert "newest first" in lines[0]
    assert lines[2].split()[0] == "1" and "before-import" in lines[2]
    assert lines[3].split()[0] == "2" and "session" in lines[3]
    assert "KB" in lines[2] or " B " in lines[2]


def test_backups_when_there_are_none(cli: Run) -> None:
    result = cli("backups")
    assert result.code == 0
    assert "no backups" in result.out


def test_restore_by_number_moves_the_damaged_file_aside(cli: Run, project: Path) -> None:
    damaged = truncate(project)
    result = cli("restore", "1")
    assert result.code == 0, result.err
    asides = list(project.parent.glob("project.json.broken-*"))
    assert len(asides) == 1
    assert asides[0].read_bytes() == damaged
    assert f"moved to {asides[0]}" in result.out
    assert titles(project) == ["First", "Second", "Third", "Fourth"]
    assert cli("list").code == 0


def test_restore_by_name_and_by_path(cli: Run, project: Path) -> None:
    (backup,) = list_backups(project)
    truncate(project)
    assert cli("restore", backup.path.name).code == 0
    truncate(project)
    assert cli("restore", str(backup.path)).code == 0
    assert len(list(project.parent.glob("project.json.broken-*"))) == 2
    assert titles(project) == ["First", "Second", "Third", "Fourth"]


@pytest.mark.parametrize("name", ["9", "no-such-backup.json"])
def test_restore_an_unknown_backup(cli: Run, project: Path, name: str) -> None:
    damaged = truncate(project)
    result = cli("restore", name)
    assert result.code == 1
    assert result.err.startswith("iterate-tui: error: backup: ")
    assert project.read_bytes() == damaged


def test_restore_refuses_a_damaged_backup(cli: Run, project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{]")
    before = project.read_bytes()
    result = cli("restore", str(bad))
    assert result.code == 3
    assert "is not a usable backup" in result.err and "Nothing was changed" in result.err
    assert project.read_bytes() == before
    assert not list(project.parent.glob("project.json.broken-*"))


def test_salvage_keeps_what_is_readable(cli: Run, project: Path) -> None:
    damaged = truncate(project, 0.75)
    result = cli("salvage")
    assert result.code == 0, result.err
    (aside,) = project.parent.glob("project.json.broken-*")
    assert aside.read_bytes() == damaged
    assert f"copied to {aside}" in result.out
    kept = titles(project)
    assert 1 <= len(kept) < 4
    assert kept == ["First", "Second", "Third", "Fourth"][: len(kept)]
    assert f"kept: {len(kept)}" in result.out
    assert "problems:" in result.out
    assert cli("list").code == 0


def test_salvage_of_a_missing_file(cli: Run) -> None:
    result = cli("salvage")
    assert result.code == 3
    assert "no project file" in result.err


# -- where the project is ------------------------------------------------------------------
def test_the_environment_variable_chooses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "env" / "project.json"
    monkeypatch.setenv("ITERATE_TUI_DB", str(db))
    assert main(["add", "From the environment"]) == 0
    assert titles(db) == ["From the environment"]
    other = tmp_path / "flag" / "project.json"
    assert main(["--db", str(other), "add", "From the flag"]) == 0
    assert main(["list", "--db", str(other)]) == 0  # --db also after the command
    assert "From the flag" in capsys.readouterr().out
    assert titles(db) == ["From the environment"]


def test_demo_commands_work_on_a_temporary_copy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from iterate_tui import demo

    made: list[Path] = []
    real = demo.demo_copy

    def copy() -> Path:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(demo, "demo_copy", copy)
    assert main(["--demo", "add", "Scratch"]) == 0
    assert main(["list", "--demo", "--status", "all", "--json"]) == 0
    out = capsys.readouterr().out
    assert len(made) == 2 and made[0] != made[1]
    assert "Scratch" not in out.split("\n", 1)[1]  # each call gets a fresh copy
    assert len(json.loads(out.split("\n", 1)[1])) > 40


def test_demo_and_db_together_is_a_usage_error(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "list", "--demo"]) == 2
    assert "--demo cannot be combined with --db" in capsys.readouterr().err


# -- opening the app -----------------------------------------------------------------------
@pytest.fixture
def app_runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stand in for the Textual app: record what it was given instead of running it."""
    calls: list[dict[str, Any]] = []
    fake = types.ModuleType("iterate_tui.app")

    def run(
        repository: Repository,
        *,
        notice: str | None = None,
        session_backup: Any = None,
        **kwargs: Any,
    ) -> None:
        calls.append({"repository": repository, "notice": notice, "count": repository.count()})

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    return calls


def test_the_app_opens_after_a_session_backup(
    cli: Run, project: Path, app_runs: list[dict[str, Any]]
) -> None:
    before = len(list_backups(project))
    assert cli().code == 0
    assert app_runs[0]["count"] == 4 and app_runs[0]["notice"] is None
    backups = list_backups(project)
    assert len(backups) == before + 1 and backups[0].reason == "session"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reader forks: Linux only")
def test_the_app_gets_the_project_from_the_start_up_reader(
    cli: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in a second process while Textual is imported (store.prefetch), and Textual
    configured before it is imported."""
    seen: dict[str, Any] = {}
    fake = types.ModuleType("iterate_tui.app")

    def run(repository: Repository, **kwargs: Any) -> None:
        seen["feeding"] = repository.store.storage.feeding
        seen["count"] = repository.count()
        seen["titles"] = [e.title for e in repository.experiments()]
        seen["fps"] = os.environ.get("TEXTUAL_FPS")

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    expected = [e.title for e in stored(project)]
    assert cli().code == 0
    assert seen == {
        "feeding": True,
        "count": len(expected),
        "titles": expected,
        "fps": str(cli_main.FRAME_RATE),
    }


def test_a_closed_context_opens_the_project_afresh(project: Path) -> None:
    ctx = Context(project)
    first = ctx.repository
    ctx.close()
    again = ctx.repository
    assert again is not first and again.store is not first.store
    assert [e.title for e in again.experiments()] == ["First", "Second", "Third", "Fourth"]
    ctx.close()


def test_a_frame_rate_chosen_by_the_user_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_FPS", "30")
    cli_main.configure_textual()
    assert os.environ["TEXTUAL_FPS"] == "30"


def test_the_session_backup_holds_the_state_before_the_apps_first_change(
    cli: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy runs in a thread while the app starts; a change made at once must wait."""
    before = project.read_bytes()
    fake = types.ModuleType("iterate_tui.app")

    def run(
        repository: Repository,
        *,
        notice: str | None = None,
        session_backup: Any = None,
        **kwargs: Any,
    ) -> None:
        exp = repository.experiments()[0]
        repository.save(dataclasses.replace(exp, title="changed at once"))

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    exclusive = ProjectLock.exclusive

    def slow_to_lock(self: ProjectLock) -> Any:
        if threading.current_thread().name == "session-backup":
            time.sleep(0.3)  # a slow thread start: the app must still not write first
        return exclusive(self)

    monkeypatch.setattr(ProjectLock, "exclusive", slow_to_lock)
    assert cli().code == 0
    session = next(b for b in list_backups(project) if b.reason == "session")
    assert session.path.read_bytes() == before
    assert b"changed at once" in project.read_bytes()


def test_the_session_backup_waits_for_the_app_to_begin_it(
    cli: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not copied while Textual starts (the app begins it after its first frame), and the
    copy is complete before the command leaves even if the app never began it."""
    seen: list[int] = []
    fake = types.ModuleType("iterate_tui.app")

    def run(repository: Repository, **kwargs: Any) -> None:
        time.sleep(0.2)  # a thread that copied at once would be done by now
        seen.append(len(list_backups(project)))
        kwargs["begin_backup"]()
        kwargs["session_backup"].result(timeout=10)
        seen.append(len(list_backups(project)))

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    before = len(list_backups(project))
    assert cli().code == 0
    assert seen == [before, before + 1]

    fake.run = lambda repository, **kwargs: None  # type: ignore[attr-defined]
    assert cli().code == 0  # the command began it on the way out, and waited
    assert len(list_backups(project)) == before + 2


def test_the_command_leaves_only_after_the_backup_let_go_of_the_lock(
    cli: Run, project: Path, app_runs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command closes the lock once the copy is done: the copy must be reported done
    only after it let go of the lock (else: 'Bad file descriptor' in the thread)."""
    from iterate_tui.store import lock as lock_module

    flock = lock_module.fcntl.flock

    def slow_unlock(fd: int, operation: int) -> None:
        if operation == lock_module.fcntl.LOCK_UN and threading.current_thread().name == (
            "session-backup"
        ):
            time.sleep(0.2)
        flock(fd, operation)

    failures: list[BaseException | None] = []
    monkeypatch.setattr(lock_module.fcntl, "flock", slow_unlock)
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    assert cli().code == 0
    time.sleep(0.3)  # a thread still unlocking would fail now
    assert failures == []
    assert any(b.reason == "session" for b in list_backups(project))


def test_a_change_before_the_first_frame_does_not_wait_for_the_backups_timer(
    cli: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change asked for while the backup waits for the first frame starts the copy (the
    lock's on_wait), instead of waiting until BACKUP_WAIT."""
    monkeypatch.setattr(cli_main, "BACKUP_WAIT", 600.0)
    fake = types.ModuleType("iterate_tui.app")

    def run(repository: Repository, **kwargs: Any) -> None:
        exp = repository.experiments()[0]
        repository.save(dataclasses.replace(exp, title="changed before the first frame"))

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    codes: list[int] = []
    command = threading.Thread(target=lambda: codes.append(cli().code), daemon=True)
    command.start()
    command.join(60)  # without on_wait the save would wait for the 600 s timer
    assert codes == [0]
    assert b"changed before the first frame" in project.read_bytes()


def test_a_problem_found_after_the_app_opened_exits_like_a_command(
    cli: Run, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app builds the experiments after its first frame; a malformed one ends it."""
    fake = types.ModuleType("iterate_tui.app")

    def run(repository: Repository, **kwargs: Any) -> Exception:
        return CorruptStoreError(project, "experiment '3' is malformed ('status')")

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    result = cli()
    assert result.code == 3
    assert "experiment '3' is malformed" in result.err and "salvage" in result.err
    assert "Traceback" not in result.err


def test_a_new_project_opens_without_a_backup(
    cli: Run, db_path: Path, app_runs: list[dict[str, Any]]
) -> None:
    assert cli().code == 0
    assert db_path.exists() and list_backups(db_path) == []


def test_the_app_is_not_opened_on_a_damaged_file(
    cli: Run, project: Path, app_runs: list[dict[str, Any]]
) -> None:
    damaged = truncate(project)
    before = list_backups(project)
    result = cli()
    assert result.code == 3 and "cannot open" in result.err
    assert app_runs == []
    assert project.read_bytes() == damaged
    assert list_backups(project) == before


def test_the_app_is_told_about_an_upgrade(
    cli: Run, db_path: Path, app_runs: list[dict[str, Any]]
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text(json.dumps({"_default": {}, "experiments": {}}))  # schema 0
    assert cli().code == 0
    assert "upgraded from schema version 0" in app_runs[0]["notice"]


def test_the_app_is_told_it_is_read_only(
    cli: Run, db_path: Path, app_runs: list[dict[str, Any]]
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text(json.dumps({"_meta": {"1": {"schema_version": 7}}}))
    assert cli().code == 0
    assert "read-only" in app_runs[0]["notice"]


def test_the_app_on_the_demo_says_it_is_a_copy(
    app_runs: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--demo"]) == 0
    notice = app_runs[0]["notice"]
    assert "temporary copy of the demo" in notice and "removed when you quit" in notice
    db = Path(notice.split("(", 1)[1].split(")", 1)[0])
    assert app_runs[0]["repository"].store.path == db
    assert not db.parent.exists()  # removed when the app ended (no session backup either)


def test_the_app_needs_a_terminal(cli: Run) -> None:
    result = cli()
    assert result.code == 2
    assert "needs a terminal" in result.err
