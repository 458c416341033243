"""The experiment commands, called in-process: add, list, show, start, result, skip, triage."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from iterate_tui.domain.enums import Outcome, Status
from iterate_tui.domain.experiment import Experiment
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .cli_support import Run, runner, stored


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return runner(capsys, monkeypatch, db_path)


def add(cli: Run, title: str, *options: str) -> int:
    result = cli("add", title, *options)
    assert result.code == 0, result.err
    return int(result.out)


@pytest.fixture
def three(cli: Run) -> Iterator[tuple[int, int, int]]:
    """A quick win (score 2.8), an incremental (1.6 / 2 = 0.8) and an unestimated idea."""
    yield (
        add(cli, "Focal loss", "--impact", "4", "--probability", "70%"),
        add(cli, "Tune learning rate", "--impact", "2", "--probability", "0.8", "--cost", "2"),
        add(cli, "Vague idea"),
    )


# -- add -----------------------------------------------------------------------------------
def test_add_prints_only_the_new_id_and_stores_every_option(cli: Run, db_path: Path) -> None:
    result = cli(
        "add",
        "Class-weighted focal loss",
        "--impact",
        "4",
        "--probability",
        "60%",
        "--cost",
        "6",
        "--info",
        "2",
        "--activity",
        "feature engineering",
        "--tier",
        "2",
        "--explore",
        "explore",
        "--hypothesis",
        "rare queues are under-fit",
        "--matters",
        "yes, they are 30% of volume",
        "--tag",
        "loss",
        "--tag",
        "Vision",
    )
    assert result.code == 0
    assert result.out == "1\n"
    (exp,) = stored(db_path)
    assert (exp.title, exp.impact, exp.probability, exp.cost) == (
        "Class-weighted focal loss",
        4,
        0.6,
        6.0,
    )
    assert (exp.info_value, exp.activity.value, exp.tier, exp.explore) == (
        2,
        "feature_engineering",
        2,
        True,
    )
    assert exp.tags == ("loss", "vision")
    assert exp.hypothesis == "rare queues are under-fit"
    assert exp.status is Status.IDEA


def test_an_idea_that_does_not_matter_is_skipped_with_a_note(cli: Run, db_path: Path) -> None:
    result = cli("add", "Pointless", "--matters", "No.")
    assert result.code == 0
    assert result.out == "1\n"
    assert "skipped" in result.err
    assert stored(db_path)[0].status is Status.SKIPPED


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (["--probability", "abc"], "probability"),
        (["--probability", "150%"], "probability"),
        (["--probability", "nan"], "probability"),
        (["--probability=-5%"], "probability"),
        (["--impact", "9"], "impact"),
        (["--impact", "2.5"], "impact"),
        (["--cost", "0"], "cost"),
        (["--cost", "inf"], "cost"),
        (["--info", "4"], "information value"),
        (["--tier", "0"], "tier"),
        (["--activity", "cooking"], "activity"),
        (["--explore", "maybe"], "explore/exploit"),
        (["--tag", "two words;"], "tag"),
    ],
)
def test_a_bad_value_names_its_field_and_nothing_is_stored(
    cli: Run, db_path: Path, options: list[str], field: str
) -> None:
    result = cli("add", "Something", *options)
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith(f"iterate-tui: error: {field}: ")
    assert len(result.err.strip().splitlines()) == 1
    assert stored(db_path) == []


def test_a_blank_title_is_refused(cli: Run) -> None:
    result = cli("add", "   ")
    assert result.code == 1
    assert "title: must not be empty" in result.err


def test_a_missing_title_is_a_usage_error(cli: Run) -> None:
    result = cli("add")
    assert result.code == 2
    assert result.err.startswith("iterate-tui: error: add: ")
    assert len(result.err.strip().splitlines()) == 1


# -- list ----------------------------------------------------------------------------------
def test_list_ranks_by_score_in_an_aligned_table(cli: Run, three: tuple[int, int, int]) -> None:
    result = cli("list")
    assert result.code == 0
    lines = result.out.splitlines()
    header = lines[0].split()
    assert header == [
        "rank",
        "id",
        "title",
        "quadrant",
        "impact",
        "prob",
        "EV",
        "info",
        "cost",
        "score",
        "status",
        "tier",
    ]
    rows = lines[1:4]
    assert [r.split()[1] for r in rows] == ["1", "2", "3"]
    assert rows[0].split()[0] == "1" and "2.800" in rows[0] and "Quick win" in rows[0]
    assert rows[1].split()[0] == "2" and "0.800" in rows[1] and "Incremental" in rows[1]
    assert rows[2].split()[0] == "-"  # not estimated: no rank
    # aligned: every status column starts at the same place
    words = ["status", "idea", "idea", "idea"]
    starts = {line.rindex(w) for line, w in zip(lines[:4], words, strict=True)}
    assert len(starts) == 1
    assert "3 of 3 experiments" in lines[-1]


def test_list_shows_open_experiments_unless_asked(cli: Run, three: tuple[int, int, int]) -> None:
    first, second, _ = three
    assert cli("skip", str(second), "--reason", "later").code == 0
    assert cli("result", str(first), "--outcome", "failure").code == 0
    assert [r["id"] for r in json.loads(cli("list", "--json").out)] == [3]
    everything = json.loads(cli("list", "--status", "all", "--json").out)
    assert [r["id"] for r in everything] == [1, 2, 3]
    done = json.loads(cli("list", "--status", "done,skipped", "--json").out)
    assert [r["id"] for r in done] == [1, 2]
    assert "(open ones; --status all" in cli("list").out


def test_list_filters_by_quadrant_and_query(cli: Run, three: tuple[int, int, int]) -> None:
    quick = json.loads(cli("list", "--quadrant", "quick-win", "--json").out)
    assert [r["id"] for r in quick] == [1]
    both = json.loads(
        cli("list", "--quadrant", "quick_win", "--quadrant", "Incremental", "--json").out
    )
    assert [r["id"] for r in both] == [1, 2]
    words = json.loads(cli("list", "--filter", "learning", "--json").out)
    assert [r["title"] for r in words] == ["Tune learning rate"]
    assert "no experiments match" in cli("list", "--quadrant", "moonshot").out


@pytest.mark.parametrize(
    ("options", "field"),
    [(["--status", "finished"], "status"), (["--quadrant", "corner"], "quadrant")],
)
def test_list_refuses_an_unknown_filter(
    cli: Run, three: tuple[int, int, int], options: list[str], field: str
) -> None:
    result = cli("list", *options)
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {field}: ")


def test_list_json_has_every_stored_field_and_the_derived_ones(
    cli: Run, three: tuple[int, int, int]
) -> None:
    records = json.loads(cli("list", "--json").out)
    expected = {
        "id",
        "title",
        "hypothesis",
        "matters",
        "impact",
        "probability",
        "cost",
        "info_value",
        "activity",
        "tier",
        "explore",
        "tags",
        "status",
        "outcome",
        "values",
        "actual_cost",
        "learned",
        "skip_reason",
        "started_impact",
        "started_probability",
        "created_at",
        "updated_at",
        "triaged_at",
        "started_at",
        "finished_at",
        "history",
        "run_url",
        "commit",
        "follow_up_of",
        "expected_value",
        "score",
        "quadrant",
    }
    assert all(set(r) == expected for r in records)
    top = records[0]
    assert (top["impact"], top["probability"], top["expected_value"]) == (4, 0.7, 2.8)
    assert top["score"] == pytest.approx(2.8)
    assert top["quadrant"] == "quick_win"
    assert records[2]["score"] is None and records[2]["quadrant"] is None


# -- show ----------------------------------------------------------------------------------
def test_show_explains_the_score_and_the_history(cli: Run, three: tuple[int, int, int]) -> None:
    assert cli("triage", "3", "moonshot").code == 0
    result = cli("show", "#3")
    assert result.code == 0
    text = result.out
    assert text.startswith("#3 Vague idea")
    assert "Moonshot: try selectively" in text
    assert "expected value  = impact 4 x probability 20% = 0.80" in text
    assert "score           = 0.80 / 1 = 0.800" in text
    assert "probability - -> 20%  (triaged: Moonshot)" in text


def test_show_without_estimates_says_so(cli: Run, three: tuple[int, int, int]) -> None:
    assert "not estimated yet" in cli("show", "3").out


def test_show_json_carries_the_breakdown(cli: Run, three: tuple[int, int, int]) -> None:
    data = json.loads(cli("show", "2", "--json").out)
    assert data["id"] == 2 and data["title"] == "Tune learning rate"
    terms = data["score_breakdown"]
    assert terms["expected_value"] == pytest.approx(1.6)
    assert terms["divisor"] == 2 and terms["score"] == pytest.approx(0.8)
    assert terms["lines"][-1].startswith("score")


@pytest.mark.parametrize(
    ("raw", "message"),
    [("99", "there is no experiment #99"), ("abc", "id: 'abc' is not an experiment number")],
)
def test_show_an_unknown_id(cli: Run, three: tuple[int, int, int], raw: str, message: str) -> None:
    result = cli("show", raw)
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {message}")


# -- start, result, skip, triage -----------------------------------------------------------
def test_start_freezes_the_estimates(cli: Run, db_path: Path, three: tuple[int, int, int]) -> None:
    result = cli("start", "1")
    assert result.code == 0
    assert "running" in result.out
    exp = stored(db_path)[0]
    assert exp.status is Status.RUNNING
    assert (exp.started_impact, exp.started_probability) == (4, 0.7)


def test_start_needs_estimates(cli: Run, three: tuple[int, int, int]) -> None:
    result = cli("start", "3")
    assert result.code == 1
    assert "estimate or triage it first" in result.err


def test_result_with_several_values(cli: Run, db_path: Path, three: tuple[int, int, int]) -> None:
    assert cli("start", "1").code == 0
    result = cli(
        "result",
        "1",
        "--value",
        "0.741",
        "--value",
        "0.745",
        "--value",
        "-0.5",
        "--outcome",
        "success",
        "--cost",
        "5.5",
        "--learned",
        "helps the long tail",
    )
    assert result.code == 0, result.err
    exp = stored(db_path)[0]
    assert exp.status is Status.DONE and exp.outcome is Outcome.SUCCESS
    assert exp.values == (0.741, 0.745, -0.5)
    assert exp.actual_cost == 5.5 and exp.learned == "helps the long tail"
    shown = cli("show", "1").out
    assert "0.741, 0.745, -0.5" in shown and "over 3 seeds" in shown


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (["--outcome", "great"], "outcome"),
        (["--outcome", "success"], "value"),  # a success needs a value
        (["--outcome", "failure", "--value", "abc"], "value"),
        (["--outcome", "failure", "--value", "0,741"], "value"),
        (["--outcome", "failure", "--value", "nan"], "value"),
        (["--outcome", "failure", "--cost", "-1"], "actual cost"),
    ],
)
def test_result_refuses_bad_input(
    cli: Run, db_path: Path, three: tuple[int, int, int], options: list[str], field: str
) -> None:
    result = cli("result", "1", *options)
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {field}: ")
    assert stored(db_path)[0].status is Status.IDEA


def test_result_needs_an_outcome(cli: Run, three: tuple[int, int, int]) -> None:
    assert cli("result", "1", "--value", "0.7").code == 2


def test_skip_with_a_reason(cli: Run, db_path: Path, three: tuple[int, int, int]) -> None:
    assert cli("skip", "2", "--reason", "superseded by #1").code == 0
    exp = stored(db_path)[1]
    assert exp.status is Status.SKIPPED and exp.skip_reason == "superseded by #1"
    again = cli("skip", "2", "--reason", "twice")
    assert again.code == 1 and "only open experiments" in again.err
    assert cli("skip", "1", "--reason", "  ").code == 1


def test_triage_moves_an_idea_into_a_quadrant(
    cli: Run, db_path: Path, three: tuple[int, int, int]
) -> None:
    result = cli("triage", "3", "quick-win")
    assert result.code == 0
    assert "Quick win" in result.out
    exp = stored(db_path)[2]
    assert exp.status is Status.BACKLOG and (exp.impact, exp.probability) == (4, 0.7)
    bad = cli("triage", "3", "corner")
    assert bad.code == 1 and bad.err.startswith("iterate-tui: error: quadrant: ")
    unknown = cli("triage", "42", "avoid")
    assert unknown.code == 1 and "#42" in unknown.err


# -- terminal safety and read-only files ---------------------------------------------------
def test_user_text_cannot_reach_the_terminal_as_escapes(cli: Run, db_path: Path) -> None:
    """Text that bypassed input cleaning (a hand-edited file) is still printed harmlessly."""
    store = ProjectStore.open(db_path)
    try:
        Repository(store).add(
            Experiment("red \x1b[31mALERT\x1b[0m \u202eevil\x9b", impact=3, probability=0.5)
        )
    finally:
        store.close()
    for args in (("list",), ("show", "1")):
        out = cli(*args).out
        assert "\x1b" not in out and "\u202e" not in out and "\x9b" not in out
        assert "ALERT" in out
    raw = cli("list", "--json").out
    assert "\x1b" not in raw and "\u202e" not in raw and "\x9b" not in raw
    assert json.loads(raw)[0]["title"] == "red \x1b[31mALERT\x1b[0m \u202eevil\x9b"


def test_a_file_from_a_newer_version_is_read_but_not_changed(cli: Run, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text(
        json.dumps({"_meta": {"1": {"schema_version": 99}}, "project": {}, "experiments": {}})
    )
    assert cli("list").code == 0
    before = db_path.read_bytes()
    result = cli("add", "New idea")
    assert result.code == 3
    assert "newer iterate-tui" in result.err
    assert db_path.read_bytes() == before


# -- wording -------------------------------------------------------------------------------
def test_counts_and_amounts_read_as_english(cli: Run) -> None:
    add(cli, "Only one", "--impact", "3", "--probability", "50%", "--cost", "1")
    assert cli("list").out.splitlines()[-1].startswith("1 of 1 experiment ")
    assert "  cost         1 GPU-hour\n" in cli("show", "1").out
    assert (
        cli(
            "result",
            "1",
            "--outcome",
            "success",
            "--value",
            "0.741",
            "--value",
            "0.745",
            "--cost",
            "1",
        ).code
        == 0
    )
    shown = cli("show", "1").out
    assert "(mean 0.743 ± 0.003 over 2 seeds)" in shown
    assert "cost spent   1 GPU-hour\n" in shown
    add(cli, "Another", "--cost", "2")
    assert cli("list", "--status", "all").out.splitlines()[-1] == "2 of 2 experiments"
    assert "  cost         2 GPU-hours\n" in cli("show", "2").out


# -- modify --------------------------------------------------------------------------------
def test_modify_changes_estimates_and_text_and_prints_each_change(
    cli: Run, db_path: Path, three: tuple[int, int, int]
) -> None:
    result = cli(
        "modify",
        "#1",
        "--title",
        "Focal loss, gamma 2",
        "--impact",
        "3",
        "--probability",
        "45%",
        "--cost",
        "2.5",
        "--info",
        "1",
        "--activity",
        "evaluation & debugging",
        "--tier",
        "2",
        "--explore",
        "explore",
        "--hypothesis",
        "rare classes",
        "--matters",
        "yes, +2 F1",
    )
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0] == "#1 Focal loss, gamma 2: modified"
    assert [line.split()[0] for line in lines[1:]] == [
        "title",
        "impact",
        "probability",
        "cost",
        "info",
        "activity",
        "tier",
        "explore",
        "hypothesis",
        "matters",
    ]
    assert "  impact       4 -> 3" in lines
    assert "  probability  70% -> 45%" in lines
    assert "  activity     model development -> evaluation & debugging" in lines
    assert "  explore      auto -> explore" in lines
    assert "  hypothesis   - -> rare classes" in lines
    exp = stored(db_path)[0]
    assert (exp.title, exp.impact, exp.probability, exp.cost, exp.info_value) == (
        "Focal loss, gamma 2",
        3,
        0.45,
        2.5,
        1,
    )
    assert (exp.activity.value, exp.tier, exp.explore) == ("evaluation_debugging", 2, True)
    assert (exp.hypothesis, exp.matters) == ("rare classes", "yes, +2 F1")
    # the estimate changes are in the history, as an edit in the app leaves them
    assert [(c.field, c.old, c.new, c.reason) for c in exp.history] == [
        ("impact", 4, 3, "edited"),
        ("probability", 0.7, 0.45, "edited"),
        ("cost", 1.0, 2.5, "edited"),
        ("info_value", 0, 1, "edited"),
    ]
    assert "impact 4 -> 3  (edited)" in cli("show", "1").out


def test_modify_adds_and_removes_tags(cli: Run, db_path: Path) -> None:
    add(cli, "Tagged", "--tag", "loss", "--tag", "draft")
    result = cli("modify", "1", "--tag", "Vision", "--untag", "draft", "--tag", "loss")
    assert result.code == 0, result.err
    assert "  tags  loss, draft -> loss, vision" in result.out.splitlines()
    assert stored(db_path)[0].tags == ("loss", "vision")
    both = cli("modify", "1", "--tag", "x", "--untag", "x")
    assert both.code == 1 and both.err.startswith("iterate-tui: error: tag: x: both")
    assert cli("modify", "1", "--untag", "loss", "--untag", "vision").code == 0
    assert stored(db_path)[0].tags == ()


def test_modify_with_nothing_to_change_is_a_usage_error(
    cli: Run, db_path: Path, three: tuple[int, int, int]
) -> None:
    before = db_path.read_bytes()
    result = cli("modify", "1")
    assert result.code == 2
    assert result.err == (
        "iterate-tui: error: modify: nothing to change: give a field, like --impact 3, "
        "--title TEXT or --tag T (see 'iterate-tui modify --help')\n"
    )
    assert db_path.read_bytes() == before


def test_modify_the_same_values_changes_nothing(
    cli: Run, db_path: Path, three: tuple[int, int, int]
) -> None:
    before = db_path.read_bytes()
    result = cli("modify", "1", "--impact", "4", "--probability", "0.7")
    assert result.code == 0
    assert result.out == "#1 Focal loss: nothing changed (it already has those values)\n"
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--impact", "9"], "impact: must be a whole number"),
        (["--title", " "], "title: must not be empty"),
        (["--activity", "model"], "activity: 'model' is not one of"),
        (["--commit", "xyz"], "commit: 'xyz' is not a commit id"),
        (["--run-url", "not a url"], "run URL: "),
        (["--tag", "two words;"], "tag: "),
    ],
)
def test_modify_refuses_a_bad_value_and_changes_nothing(
    cli: Run, db_path: Path, three: tuple[int, int, int], options: list[str], message: str
) -> None:
    before = db_path.read_bytes()
    result = cli("modify", "1", "--cost", "3", *options)
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {message}")
    assert db_path.read_bytes() == before


def test_modify_an_unknown_or_triaged_experiment(cli: Run, three: tuple[int, int, int]) -> None:
    unknown = cli("modify", "42", "--impact", "3")
    assert unknown.code == 1 and "#42" in unknown.err
    assert cli("triage", "3", "moonshot").code == 0
    cleared = cli("modify", "3", "--impact", "")
    assert cleared.code == 1 and "impact: is needed once an experiment is triaged" in cleared.err


def test_modify_answering_no_to_does_it_matter_skips_an_idea(
    cli: Run, db_path: Path, three: tuple[int, int, int]
) -> None:
    result = cli("modify", "3", "--matters", "No.")
    assert result.code == 0
    assert "  status       idea -> skipped" in result.out.splitlines()
    assert "  skipped      - -> does not matter: No." in result.out.splitlines()
    assert stored(db_path)[2].status is Status.SKIPPED


# -- where a result came from --------------------------------------------------------------
RUN = "https://wandb.ai/team/project/runs/12"


def test_run_url_and_commit_on_add_modify_and_result(cli: Run, db_path: Path) -> None:
    first = add(
        cli,
        "Linked",
        "--impact",
        "3",
        "--probability",
        "50%",
        "--run-url",
        RUN,
        "--commit",
        "3704D6B",
    )
    assert (stored(db_path)[0].run_url, stored(db_path)[0].commit) == (RUN, "3704d6b")
    shown = cli("show", str(first)).out
    assert f"  run          {RUN}\n" in shown and "  commit       3704d6b\n" in shown
    record = json.loads(cli("show", str(first), "--json").out)
    assert (record["run_url"], record["commit"]) == (RUN, "3704d6b")
    assert json.loads(cli("list", "--json").out)[0]["run_url"] == RUN

    changed = cli("modify", str(first), "--run-url", "file:///runs/12", "--commit", "")
    assert changed.code == 0, changed.err
    assert f"  run URL  {RUN} -> file:///runs/12" in changed.out.splitlines()
    assert "  commit   3704d6b -> -" in changed.out.splitlines()
    assert "commit" not in cli("show", str(first)).out.split("score")[0].split("tags")[1]

    done = cli(
        "result",
        str(first),
        "--outcome",
        "success",
        "--value",
        "0.74",
        "--run-url",
        RUN,
        "--commit",
        "abcdef0123",
    )
    assert done.code == 0, done.err
    exp = stored(db_path)[0]
    assert exp.status is Status.DONE
    assert (exp.run_url, exp.commit) == (RUN, "abcdef0123")


def test_result_with_a_bad_commit_records_nothing(
    cli: Run, db_path: Path, three: tuple[int, int, int]
) -> None:
    before = db_path.read_bytes()
    result = cli("result", "1", "--outcome", "success", "--value", "0.7", "--commit", "main")
    assert result.code == 1 and result.err.startswith("iterate-tui: error: commit: ")
    assert db_path.read_bytes() == before


# -- delete --------------------------------------------------------------------------------
class Terminal(io.StringIO):
    """Standard input that is a terminal, with what the user will type."""

    def isatty(self) -> bool:
        return True


def test_delete_asks_on_a_terminal(
    cli: Run, db_path: Path, three: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    result = cli("delete", "#2")
    assert result.code == 0
    assert result.err == "Delete #2 Tune learning rate? [y/N] "
    assert result.out == "#2 Tune learning rate: deleted\n"
    assert [e.id for e in stored(db_path)] == [1, 3]


@pytest.mark.parametrize("answer", ["\n", "n\n", "no\n", "maybe\n", ""])
def test_delete_keeps_it_unless_the_answer_is_yes(
    cli: Run,
    db_path: Path,
    three: tuple[int, int, int],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
) -> None:
    before = db_path.read_bytes()
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    result = cli("delete", "2")
    assert result.code == 1
    assert result.err == "Delete #2 Tune learning rate? [y/N] #2 Tune learning rate: not deleted\n"
    assert result.out == ""
    assert db_path.read_bytes() == before


def test_delete_without_a_terminal_needs_yes(
    cli: Run, db_path: Path, three: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # piped: never read as an answer
    before = db_path.read_bytes()
    refused = cli("delete", "2")
    assert refused.code == 2
    assert refused.err == (
        "iterate-tui: error: delete: nothing deleted: there is no terminal to ask on; add "
        "--yes to delete #2 without asking (see 'iterate-tui delete --help')\n"
    )
    assert db_path.read_bytes() == before
    done = cli("delete", "2", "--yes")
    assert (done.code, done.out, done.err) == (0, "#2 Tune learning rate: deleted\n", "")
    assert [e.id for e in stored(db_path)] == [1, 3]


def test_delete_an_unknown_id(cli: Run, three: tuple[int, int, int]) -> None:
    result = cli("delete", "42", "--yes")
    assert result.code == 1
    assert result.err.startswith("iterate-tui: error: there is no experiment #42")
    assert cli("delete", "42").code == 1  # said before asking anything
