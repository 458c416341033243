"""``list --sort FIELD [--reverse] --limit N`` and the result column of done experiments."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from iterate_tui.cli.sorting import APP_FIELDS, SORT_FIELDS, sort_experiments
from iterate_tui.domain.enums import Activity, Outcome, Status
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.widgets.columns import BACKLOG_COLUMNS, SORTABLE
from iterate_tui.widgets.experiment_table import Sort, sort_key

from .cli_support import Run, runner

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
SETTINGS = ProjectSettings()


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return runner(capsys, monkeypatch, db_path)


def varied() -> list[Experiment]:
    """Ties, missing values, every status: what tells one order from another."""
    rows = [
        ("beta", 4, 0.7, 2.0, Status.BACKLOG, 2),
        ("Alpha", 2, 0.8, 1.0, Status.IDEA, 1),
        ("gamma", None, None, 3.0, Status.IDEA, 1),
        ("delta", 4, 0.2, 2.0, Status.RUNNING, 3),
        ("epsilon", 1, 0.2, 0.5, Status.DONE, 1),
        ("zeta", 4, 0.7, 2.0, Status.SKIPPED, 2),
        ("eta", 3, 0.5, 8.0, Status.BACKLOG, 3),
    ]
    return [
        Experiment(
            title,
            id=n,
            impact=impact,
            probability=probability,
            cost=cost,
            status=status,
            tier=tier,
            info_value=n % 3,
            activity=Activity.MODEL_DEVELOPMENT,
            created_at=T0 + timedelta(hours=(n * 5) % 7),
        )
        for n, (title, impact, probability, cost, status, tier) in enumerate(rows, 1)
    ]


def test_the_fields_are_the_backlogs_and_created() -> None:
    assert set(APP_FIELDS) == {c.key for c in SORTABLE}
    assert (*APP_FIELDS, "created") == SORT_FIELDS and "id" in APP_FIELDS


@pytest.mark.parametrize("field", APP_FIELDS)
@pytest.mark.parametrize("reverse", [False, True])
def test_each_field_sorts_as_the_app_sorts_it(field: str, reverse: bool) -> None:
    column = next(c for c in SORTABLE if c.key == field)
    descending = column.descending_first != reverse
    app = sorted(varied(), key=sort_key(Sort(field, descending), BACKLOG_COLUMNS, SETTINGS))
    ours = sort_experiments(varied(), field, reverse, SETTINGS)
    assert [e.id for e in ours] == [e.id for e in app]


def test_id_and_created_oldest_first() -> None:
    assert [e.id for e in sort_experiments(varied(), "id", False, SETTINGS)] == list(range(1, 8))
    created = sort_experiments(varied(), "created", False, SETTINGS)
    assert [e.created_at for e in created] == sorted(e.created_at for e in varied())
    newest = sort_experiments(varied(), "created", True, SETTINGS)
    assert newest == created[::-1]


def ids(cli: Run, *args: str) -> list[int]:
    result = cli("list", "--status", "all", "--json", *args)
    assert result.code == 0, result.err
    return [r["id"] for r in json.loads(result.out)]


@pytest.fixture
def listed(cli: Run) -> None:
    for title, impact, probability, cost in [
        ("Tune lr", "2", "80%", "2"),
        ("Focal loss", "4", "70%", "1"),
        ("Bigger model", "5", "20%", "20"),
        ("An idea", "", "", "0.5"),
    ]:
        options = ["--cost", cost]
        if impact:
            options += ["--impact", impact, "--probability", probability]
        assert cli("add", title, *options).code == 0


def test_list_sort_reverse_and_limit(cli: Run, listed: None) -> None:
    assert ids(cli) == [2, 1, 3, 4]  # by score
    assert ids(cli, "--sort", "score", "--reverse") == [3, 1, 2, 4]  # unestimated last
    assert ids(cli, "--sort", "title") == [4, 3, 2, 1]
    assert ids(cli, "--sort", "Title", "--reverse") == [1, 2, 3, 4]
    assert ids(cli, "--sort", "cost") == [4, 2, 1, 3]
    assert ids(cli, "--sort", "impact") == [3, 2, 1, 4]
    assert ids(cli, "--sort", "id", "--reverse") == [4, 3, 2, 1]
    assert ids(cli, "--sort", "cost", "--limit", "2") == [4, 2]
    assert ids(cli, "--limit", "10") == [2, 1, 3, 4]


def test_the_rank_stays_the_rank_by_score(cli: Run, listed: None) -> None:
    lines = cli("list", "--sort", "cost").out.splitlines()
    assert [(line.split()[0], line.split()[1]) for line in lines[1:5]] == [
        ("-", "4"),
        ("1", "2"),
        ("2", "1"),
        ("3", "3"),
    ]
    assert lines[-1] == "4 of 4 experiments (open ones; --status all for every one)"
    cut = cli("list", "--limit", "2").out.splitlines()
    assert len(cut) == 4
    assert cut[-1] == (
        "2 of 4 shown (--limit 2), of 4 experiments (open ones; --status all for every one)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sort", "priority"], "argument --sort: invalid choice: 'priority' (choose from"),
        (["--limit", "0"], "argument --limit: '0' is not a whole number above 0"),
        (["--limit", "x"], "argument --limit: 'x' is not a whole number above 0"),
    ],
)
def test_list_refuses_a_bad_sort_or_limit(
    cli: Run, listed: None, args: list[str], message: str
) -> None:
    result = cli("list", *args)
    assert result.code == 2
    assert result.err.startswith(f"iterate-tui: error: list: {message}")


def test_done_experiments_show_their_result(cli: Run, listed: None) -> None:
    assert (
        cli("result", "1", "--outcome", "success", "--value", "0.741", "--value", "0.745").code == 0
    )
    assert cli("result", "2", "--outcome", "success", "--value", "0.7").code == 0
    assert cli("result", "3", "--outcome", "failure").code == 0
    lines = cli("list", "--status", "all").out.splitlines()
    assert lines[0].split()[-1] == "result"
    cells = {line.split()[2]: re.split(r"\s{2,}", line.strip()) for line in lines[1:5]}
    assert cells["Tune"][-3:] == ["done", "1", "0.743 ± 0.003"]
    assert cells["Focal"][-3:] == ["done", "1", "0.7"]
    assert cells["Bigger"][-3:] == ["done", "1", "-"]
    assert cells["An"][-2:] == ["idea", "1"]
    # right-aligned under its header
    assert {len(line) for line in lines[:4]} == {len(lines[0])}
    # the open ones: no result column
    assert cli("list").out.splitlines()[0].split()[-1] == "tier"


def test_result_is_a_done_experiments_values(cli: Run) -> None:
    from iterate_tui.cli.experiments import result_cell

    done = Experiment("x", status=Status.DONE, outcome=Outcome.SUCCESS, values=(0.741, 0.745))
    assert result_cell(done) == "0.743 ± 0.003"
    assert result_cell(Experiment("x", status=Status.DONE, values=(0.7,))) == "0.7"
    assert result_cell(Experiment("x", status=Status.DONE)) == "-"
    assert result_cell(Experiment("x", status=Status.RUNNING, values=(0.7,))) == ""
