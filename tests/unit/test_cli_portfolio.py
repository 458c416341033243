"""``portfolio``, ``promote`` and ``skip --cost`` through the real command-line entry, on a
project built with the commands themselves; and the session's promote with its undo."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from iterate_tui.cli import portfolio as cli_portfolio
from iterate_tui.domain.enums import Outcome, Status
from iterate_tui.domain.errors import TransitionError
from iterate_tui.session import ProjectSession
from iterate_tui.store.repository import Repository

from .cli_support import Run, runner, stored

#: The commands stamp experiments with the real clock (UTC): the figures are asked for on
#: that day, so the ones finished now are in the burn window.
TODAY = datetime.now(UTC).date()


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setattr(cli_portfolio, "today", lambda: TODAY)
    return runner(capsys, monkeypatch, db_path)


def ok(cli: Run, *args: str) -> str:
    result = cli(*args)
    assert result.code == 0, result.err
    return result.out


@pytest.fixture
def project(cli: Run) -> Run:
    """Five experiments, all model development but #3; start 31 days ago, deadline in 69.

    #1 quick win, done: spent 5 (its actual cost), values mean 0.75, exploits, tier 1, safe
    #2 moonshot, running: committed 10, explores, tier 3 with no smoke test, risky (20%)
    #3 quick win in the backlog, data preparation, flagged explore (score 4 x 0.7 / 2 = 1.4)
    #4 avoid, skipped after spending 1.5: exploits, tier 1, risky (20%, never started)
    #5 incremental in the backlog (score 2 x 0.8 / 3 = 0.53), exploits
    """
    start, deadline = TODAY - timedelta(days=31), TODAY + timedelta(days=69)
    ok(
        cli,
        "settings",
        *("--set", "budget_total=100", "--set", "phase=middle", "--set", "baseline=0.70"),
        *("--set", f"start_date={start.isoformat()}", "--set", f"deadline={deadline}"),
    )
    ok(cli, "add", "Focal loss", "--impact", "4", "--probability", "70%", "--cost", "6")
    ok(cli, "result", "1", "--outcome", "success", "--cost", "5", *("--value", "0.74 0.76"))
    ok(
        cli,
        "add",
        "Distil a 7B teacher",
        *("--impact", "4", "--probability", "20%", "--cost", "10", "--tier", "3"),
    )
    ok(cli, "start", "2")
    ok(
        cli,
        "add",
        "[bold]Relabel[/] billing tickets",
        *("--impact", "4", "--probability", "70%", "--cost", "2"),
        *("--activity", "data_preparation", "--explore", "explore"),
    )
    ok(cli, "triage", "3", "quick-win")
    ok(cli, "add", "Port to JAX", "--impact", "1", "--probability", "20%", "--cost", "12")
    ok(cli, "skip", "4", "--reason", "not worth it", "--cost", "1.5")
    ok(cli, "add", "Bigger batch", "--impact", "2", "--probability", "80%", "--cost", "3")
    ok(cli, "triage", "5", "incremental")
    return cli


# -- portfolio -------------------------------------------------------------------------------
def test_portfolio_json(project: Run) -> None:
    data = json.loads(ok(project, "portfolio", "--json"))
    assert data["today"] == TODAY.isoformat()
    assert data["phase"] == "middle"
    # the time decides: 31 of 100 days (31%) against 6.5 of 100 spent (6.5%)
    assert data["suggested_phase"] == "middle"
    assert data["phase_suggestion"]["reason"] == "31% of the time to the deadline has passed"
    # spent 5 + 1.5 = 6.5; committed 10; planned 16.5; left 100 - 16.5 = 83.5
    budget = data["budget"]
    assert (budget["total"], budget["spent"], budget["committed"], budget["left"]) == (
        100.0,
        6.5,
        10.0,
        83.5,
    )
    # burn 6.5 / 14 a day: 83.5 / (6.5 / 14) = 179.85 days
    assert budget["runway_days"] == pytest.approx(83.5 / (6.5 / 14), abs=1e-5)
    assert budget["runway_date"] == (TODAY + timedelta(days=179)).isoformat()
    # exploring: the moonshot's 10 of 16.5 = 60.6% (by count 1 of the 2 done or running)
    exploration = data["exploration"]
    assert exploration["target"] == 0.5
    assert exploration["share_cost"] == pytest.approx(10 / 16.5, abs=1e-6)
    assert exploration["share_count"] == 0.5
    assert exploration["deviation_points"] == pytest.approx((10 / 16.5 - 0.5) * 100, abs=1e-5)
    assert data["moonshots"] == {"cost": 10.0, "share_of_budget": 0.1, "allowance": 0.2}
    activities = data["activities"]
    assert activities["model_development"]["share"] == 1.0
    assert activities["model_development"]["status"] == "over"
    assert activities["data_preparation"]["share"] == 0.0
    assert activities["data_preparation"]["status"] == "under"
    # safe: #1's 5 (70% at start); risky: #2's 10 (20%) and #4's 1.5 (20%, never started)
    assert data["risk"] == {"safe": 5.0, "medium": 0.0, "risky": 11.5, "unknown": 0.0}
    assert data["tiers"] == {"1": 6.5, "2": 0.0, "3": 10.0}
    # one result, 0.75 over the 0.70 baseline: all the gain is its
    assert data["pareto"] == {"top_share": 1.0, "n_top": 1, "n_done": 1, "total_gain": 0.05}
    # data preparation 30 points under, feature engineering 20 under, model development 70
    # over (evaluation is 10 under: not more than 10); #2 is a full run with no smoke test
    assert [w["code"] for w in data["warnings"]] == [
        "activity_off_range",
        "activity_off_range",
        "activity_off_range",
        "no_smoke_test",
    ]
    assert data["warnings"][3]["ids"] == [2]
    # exploring over target: exploiters (#5); data preparation the furthest under (#3);
    # best score first
    assert data["pull_next"] == [3, 5]


def test_portfolio_text(project: Run) -> None:
    out = ok(project, "portfolio")
    lines = out.splitlines()
    assert lines[0] == f"Portfolio of Untitled project on {TODAY.isoformat()} (costs in GPU-hours)"
    assert (
        "phase         middle (as suggested: 31% of the time to the deadline has passed)" in lines
    )
    assert "exploration   exploring 61%, target 50%: 11 points over; by count 1 of 2 (50%)" in lines
    assert "moonshots     10% of the budget (10 GPU-hours), allowance 20%" in lines
    assert (
        "budget        spent 6.5, committed 10, planned 16.5, left 83.5 of 100 GPU-hours" in lines
    )
    runway = TODAY + timedelta(days=179)
    assert (
        f"runway        179 days at 0.46 GPU-hours a day: to {runway.isoformat()}, past the "
        f"deadline {(TODAY + timedelta(days=69)).isoformat()}"
    ) in lines
    assert "risk          safe 5, medium 0, risky 11.5 GPU-hours" in lines
    assert "tiers         1 smoke 6.5, 2 exploratory 0, 3 full 10 GPU-hours" in lines
    assert "80/20         the top 1 of 1 results brought 100% of the gain" in lines
    # the activity table: aligned columns
    table = lines[lines.index(next(x for x in lines if x.startswith("  activity"))) :][:5]
    assert table[0].split() == ["activity", "cost", "share", "range", "status", "count"]
    assert (
        " ".join(table[3].split())
        == "model development 16.5 100% 20-30% over by 70 points 2 (100%)"
    )
    assert len({line.index("%") for line in table[1:]}) == 1  # the shares end in one column
    assert "warnings (4)" in lines
    assert any(x.startswith("  ! full run before any smoke test: #2 ") for x in lines)
    # pull next: the title exactly as typed (markup is text), then the reason
    at = lines.index("pull next to rebalance")
    assert lines[at + 1 : at + 5] == [
        "  #3 [bold]Relabel[/] billing tickets",
        "      data preparation: 0% of planned cost, range 30-40%",
        "  #5 Bigger batch",
        "      exploits: exploring 61%, target 50%: 11 points over",
    ]


def test_portfolio_is_read_only(project: Run, db_path: Path) -> None:
    before = db_path.read_bytes(), db_path.stat().st_mtime_ns
    ok(project, "portfolio")
    ok(project, "portfolio", "--json")
    assert (db_path.read_bytes(), db_path.stat().st_mtime_ns) == before


def test_portfolio_of_an_empty_project_without_budget(cli: Run) -> None:
    ok(cli, "settings", "--set", "name=Empty")  # a project with nothing in it yet
    out = ok(cli, "portfolio")
    assert "exploration   nothing planned yet, target 80% exploring; by count: nothing" in out
    assert "(no budget set)" in out and "runway        - (no budget set)" in out
    assert "warnings: none" in out
    assert "pull next to rebalance: nothing in the backlog on the short side" in out
    data = json.loads(ok(cli, "portfolio", "--json"))
    assert data["exploration"]["share_cost"] is None and data["budget"]["total"] is None
    assert data["warnings"] == [] and data["pull_next"] == []


def test_portfolio_without_recent_spending(cli: Run) -> None:
    ok(cli, "settings", "--set", "budget_total=50")
    out = ok(cli, "portfolio")
    assert "runway        - (no recent spending: nothing spent in 14 days)" in out


def test_help_states_the_definitions(cli: Run) -> None:
    out = cli("portfolio", "--help").out
    flat = " ".join(out.split())
    assert "Runway: budget left / burn rate" in flat
    assert "The 80/20 check:" in flat and "Suggested phase:" in flat


# -- promote ---------------------------------------------------------------------------------
def test_promote_prints_the_new_id(project: Run, db_path: Path) -> None:
    assert ok(project, "promote", "1") == "6\n"
    new = stored(db_path)[5]
    assert (new.id, new.status, new.tier, new.follow_up_of) == (6, Status.IDEA, 2, 1)
    assert new.title == "Follow-up (tier 2): Focal loss"
    assert (new.impact, new.probability, new.cost) == (4, 0.7, 6.0)
    # then #6 is promoted to a full run once done, and the full run has its smoke test
    ok(project, "result", "6", "--outcome", "success", "--value", "0.76")
    assert ok(project, "promote", "#6") == "7\n"
    assert stored(db_path)[6].tier == 3
    data = json.loads(ok(project, "portfolio", "--json"))
    assert data["tier3_without_smoke_test"] == [2]


@pytest.mark.parametrize(
    ("exp_id", "message"),
    [
        ("2", "#2 is running; only a done experiment is promoted"),
        ("3", "#3 is backlog; only a done experiment is promoted"),
        ("99", "99"),
    ],
)
def test_promote_refuses(project: Run, db_path: Path, exp_id: str, message: str) -> None:
    before = db_path.read_bytes()
    result = project("promote", exp_id)
    assert result.code == 1 and result.out == ""
    assert message in result.err and result.err.startswith("iterate-tui: error: ")
    assert db_path.read_bytes() == before


def test_promote_refuses_tier_three(project: Run) -> None:
    ok(project, "result", "2", "--outcome", "failure", "--value", "0.7")
    result = project("promote", "2")
    assert result.code == 1
    assert "#2 is already at tier 3 (full); there is no tier above" in result.err


# -- skip --cost -----------------------------------------------------------------------------
def test_skip_with_a_cost(project: Run, db_path: Path) -> None:
    exp = stored(db_path)[3]
    assert exp.status is Status.SKIPPED and exp.actual_cost == 1.5
    out = ok(project, "skip", "5", "--reason", "no GPU free", "--cost", "0")
    assert out == "#5 Bigger batch: skipped (no GPU free), 0 GPU-hours spent\n"
    assert stored(db_path)[4].actual_cost == 0.0


def test_skip_without_a_cost_says_nothing_of_it(project: Run, db_path: Path) -> None:
    assert ok(project, "skip", "5", "--reason", "later") == "#5 Bigger batch: skipped (later)\n"
    assert stored(db_path)[4].actual_cost is None


@pytest.mark.parametrize("bad", ["-1", "nan", "inf", "lots"])
def test_skip_refuses_a_bad_cost(project: Run, db_path: Path, bad: str) -> None:
    result = project("skip", "5", "--reason", "later", f"--cost={bad}")
    assert result.code == 1 and "actual cost" in result.err
    assert stored(db_path)[4].status is Status.BACKLOG


# -- the session -----------------------------------------------------------------------------
def test_session_promote_is_undone_like_add(repo: Repository) -> None:
    session = ProjectSession(repo)
    exp = session.add({"title": "Smoke run", "impact": "3", "probability": "60%"})
    session.finish(exp.id, Outcome.SUCCESS, ["0.7"])
    follow_up = session.promote(exp.id)
    assert follow_up.follow_up_of == exp.id and repo.get(follow_up.id).tier == 2
    change = session.undo()
    assert change.description == f"promote #{exp.id} to #{follow_up.id}"
    assert [e.id for e in repo.experiments()] == [exp.id]


def test_session_promote_refused_records_nothing(repo: Repository) -> None:
    session = ProjectSession(repo)
    exp = session.add({"title": "Not run yet"})
    with pytest.raises(TransitionError):
        session.promote(exp.id)
    assert [entry.description for entry in session.journal()] == [f"add #{exp.id}"]
    assert repo.count() == 1
