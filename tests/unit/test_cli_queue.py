"""``next``: the best-scored backlog experiment, for training workers that loop on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iterate_tui.cli.queue import best
from iterate_tui.domain.enums import Status
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.ranking import rank
from iterate_tui.domain.scoring import score
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .cli_support import Run, runner, stored

NOTHING_LEFT = 4


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return runner(capsys, monkeypatch, db_path)


def backlog(db_path: Path, count: int) -> list[Experiment]:
    """``count`` backlog experiments with different scores, written in one go."""
    experiments = [
        Experiment(
            f"Experiment {n}",
            impact=1 + n % 5,
            probability=round(0.05 + (n * 37 % 90) / 100, 2),
            cost=1.0 + n % 4,
            info_value=n % 3,
            status=Status.BACKLOG,
        )
        for n in range(count)
    ]
    store = ProjectStore.open(db_path)
    try:
        return Repository(store).add_many(experiments)
    finally:
        store.close()


@pytest.fixture
def mixed(cli: Run) -> None:
    """An idea scored higher than anything in the backlog, a running one, two backlog."""
    for title, impact, probability, cost in [
        ("Idea, not triaged", "5", "90%", "1"),
        ("Running already", "5", "90%", "1"),
        ("Backlog, lower", "2", "70%", "2"),
        ("Backlog, best", "4", "70%", "1"),
    ]:
        options = ["--impact", impact, "--probability", probability, "--cost", cost]
        assert cli("add", title, *options).code == 0
    assert cli("start", "2").code == 0
    assert cli("triage", "3", "incremental").code == 0
    assert cli("triage", "4", "quick_win").code == 0


def test_next_prints_the_best_backlog_id_and_changes_nothing(
    cli: Run, db_path: Path, mixed: None
) -> None:
    before = db_path.read_bytes()
    result = cli("next")
    assert (result.code, result.out, result.err) == (0, "4\n", "")
    assert db_path.read_bytes() == before


def test_next_json_is_the_show_json_record(cli: Run, mixed: None) -> None:
    data = json.loads(cli("next", "--json").out)
    assert data == json.loads(cli("show", "4", "--json").out)
    assert data["id"] == 4 and data["status"] == "backlog" and "score_breakdown" in data


def test_next_start_starts_it_and_moves_on(cli: Run, db_path: Path, mixed: None) -> None:
    first = cli("next", "--start")
    assert (first.code, first.out) == (0, "4\n")
    assert stored(db_path)[3].status is Status.RUNNING
    assert stored(db_path)[3].started_probability == 0.7
    started = json.loads(cli("next", "--start", "--json").out)
    assert (started["id"], started["status"]) == (3, "running")
    last = cli("next", "--start")
    assert last.code == NOTHING_LEFT
    assert last.out == ""
    assert (
        last.err
        == "iterate-tui: nothing to start: the backlog is empty (1 idea waiting for triage)\n"
    )
    assert [e.status for e in stored(db_path)] == [
        Status.IDEA,
        Status.RUNNING,
        Status.RUNNING,
        Status.RUNNING,
    ]


def test_an_empty_backlog_exits_4(cli: Run, db_path: Path) -> None:
    assert cli("add", "A skipped one", "--matters", "no.").code == 0  # a project, no backlog
    for args in (("next",), ("next", "--json"), ("next", "--start")):
        result = cli(*args)
        assert (result.code, result.out) == (NOTHING_LEFT, "")
        assert result.err == "iterate-tui: nothing to start: the backlog is empty\n"


def test_best_follows_the_ranking(db_path: Path) -> None:
    settings = ProjectSettings()
    every = backlog(db_path, 30)
    assert best(every, settings) == rank(every, settings)[0]
    assert best([], settings) is None


def test_the_exit_status_is_in_the_help(cli: Run) -> None:
    text = " ".join(cli("--help").out.split())
    assert "4 nothing left to do ('next': the backlog is empty" in text
    assert "exits with status 4" in cli("next", "--help").out.replace("\n", " ").replace("  ", " ")


WORKER = """
while id=$("$PYTHON" -m iterate_tui --db "$DB" next --start) || { echo $? > "$RC"; false; }; do
  echo "$id" >> "$TOOK"
done
"""


def test_two_workers_looping_never_take_the_same_experiment(tmp_path: Path) -> None:
    db = tmp_path / "project" / "project.json"
    experiments = backlog(db, 30)
    env = {k: v for k, v in os.environ.items() if k != "ITERATE_TUI_DB"}
    workers = []
    for name in ("a", "b"):
        worker_env = {
            **env,
            "PYTHON": sys.executable,
            "DB": str(db),
            "RC": str(tmp_path / f"{name}.rc"),
            "TOOK": str(tmp_path / f"{name}.took"),
        }
        workers.append(subprocess.Popen(["/bin/sh", "-c", WORKER], env=worker_env))
    for worker in workers:
        assert worker.wait(timeout=300) == 0
    for name in ("a", "b"):
        assert (tmp_path / f"{name}.rc").read_text().strip() == str(NOTHING_LEFT)
    took = {
        name: [int(line) for line in (tmp_path / f"{name}.took").read_text().split()]
        for name in ("a", "b")
        if (tmp_path / f"{name}.took").exists()
    }
    assert len(took) == 2, "both workers took some (they ran at the same time)"
    everything = [exp_id for ids in took.values() for exp_id in ids]
    assert sorted(everything) == sorted(e.id for e in experiments)  # each exactly once
    after = stored(db)
    assert all(e.status is Status.RUNNING for e in after)
    # each worker took the best one left, each time: its own picks go down the ranking
    settings = ProjectSettings()
    scores = {e.id: score(e, settings) for e in after}
    for ids in took.values():
        picked = [scores[i] for i in ids]
        assert picked == sorted(picked, reverse=True)
