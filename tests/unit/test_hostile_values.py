"""Issue 12, "no value breaks a read", and issue 11's import items.

Every setting and numeric field is bounded to a range a user could mean, so that no value
the command line accepts can make a score infinite or a read fail; values of the wrong type
in an import are reported by line and column, every row and every column checked; a
hand-edited project file is refused as damaged (exit 3, the recovery commands), never an
"unexpected" error; probabilities are read by one documented rule.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iterate_tui.domain import fields
from iterate_tui.domain.errors import ValidationError
from iterate_tui.domain.settings import SETTING_SPECS, SPECS, ProjectSettings, apply_settings
from iterate_tui.store.errors import CorruptStoreError
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .cli_support import Run, runner, stored


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return runner(capsys, monkeypatch)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "p" / "project.json"
    ProjectStore.open(path).close()
    return path


def no_surprise(err: str) -> None:
    assert "unexpected" not in err and "Traceback" not in err


# -- settings: one table, bounded ranges -------------------------------------------------------
@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("alpha=1000", "alpha: must be from 0 to 3"),
        ("alpha=400", "alpha: must be from 0 to 3"),
        ("alpha=-1", "alpha: must be from 0 to 3"),
        ("w_info=1e308", "w_info: must be from 0 to 100"),
        ("w_info=1e400", "w_info: must be a finite number"),
        ("budget_total=0", "budget_total: must be greater than 0, up to 1e12"),
        ("budget_total=1e13", "budget_total: must be greater than 0, up to 1e12"),
        ("baseline=1e16", "baseline: must be from -1e15 to 1e15"),
        ("target=-1e300", "target: must be from -1e15 to 1e15"),
        ("start_date=0001-01-01", "start_date: 0001-01-01 is not from 1970-01-01 to 2999-12-31"),
        ("deadline=9999-12-31", "deadline: 9999-12-31 is not from 1970-01-01"),
        ("support_confirmed=yesterday", "support_confirmed: 'yesterday' is not a date"),
        ("probability_threshold=1.2", "probability_threshold: 1.2 is ambiguous"),
        ("moonshot_share=1_0", "moonshot_share: '1_0' is not a number"),
        ("impact_threshold=true", "impact_threshold: 'true' is not a number"),
    ],
)
def test_a_setting_out_of_its_range_is_refused_and_nothing_changes(
    run: Run, db: Path, assignment: str, message: str
) -> None:
    before = db.read_bytes()
    result = run(db, "settings", "--set", assignment)
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {message}"), result.err
    assert db.read_bytes() == before


def test_settings_help_states_every_range(run: Run) -> None:
    result = run(Path("unused.json"), "settings", "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    for spec in SETTING_SPECS:
        assert f"{spec.key} {' '.join(spec.range_text.split())}" in text


def test_settings_show_each_range(run: Run, db: Path) -> None:
    shown = run(db, "settings").out
    for spec in SETTING_SPECS:
        assert spec.range_text in shown


def test_support_confirmed_is_a_setting(run: Run, db: Path) -> None:
    assert run(db, "settings", "--set", "support-confirmed=2026-11-02").code == 0
    assert json.loads(run(db, "settings", "--json").out)["support_confirmed"] == "2026-11-02"
    assert run(db, "settings", "--set", "support_confirmed=").code == 0
    assert json.loads(run(db, "settings", "--json").out)["support_confirmed"] is None


def test_apply_settings_checks_each_value_and_the_whole() -> None:
    current = ProjectSettings()
    changed = apply_settings(current, {"Alpha": "0.5", "w-info": "2", "deadline": "2999-12-31"})
    assert (changed.alpha, changed.w_info, str(changed.deadline)) == (0.5, 2.0, "2999-12-31")
    with pytest.raises(ValidationError, match="before the start date"):
        apply_settings(current, {"start_date": "2027-01-02", "deadline": "2027-01-01"})
    with pytest.raises(ValidationError, match="'colour' is not a setting"):
        apply_settings(current, {"colour": "blue"})


@pytest.mark.parametrize("spec", SETTING_SPECS, ids=lambda s: s.key)
def test_every_stored_setting_is_type_checked(spec: Any) -> None:
    """A hand edit that puts a value of the wrong JSON type is refused by the same table."""
    wrong = 5 if spec.kind in ("text", "choice", "date") else "x"
    with pytest.raises(ValidationError) as info:
        spec.from_stored(wrong)
    assert info.value.field == spec.key


# -- scoring is total: the extremes that are accepted read back ---------------------------------
def test_the_extremes_of_every_range_give_finite_scores_everywhere(run: Run, db: Path) -> None:
    assert run(db, "settings", "--set", "alpha=3", "--set", "w_info=100").code == 0
    for cost in ("0.000001", "1e9"):
        added = run(db, "add", f"cost {cost}", "--impact", "5", "--probability", "1")
        assert added.code == 0
        assert run(db, "add", "x", "--cost", cost, "--impact", "1", "--probability", "0",
                   "--info", "3").code == 0  # fmt: skip
    listed = json.loads(run(db, "list", "--json").out, parse_constant=_refuse_constant)
    assert all(math.isfinite(r["score"]) for r in listed)
    assert max(r["score"] for r in listed) < 1e21
    assert run(db, "list").code == 0
    assert run(db, "show", "1").code == 0
    json.loads(run(db, "export").out, parse_constant=_refuse_constant)
    exported = run(db, "export", "--format", "csv").out
    cells = {cell.lower() for row in csv.reader(io.StringIO(exported)) for cell in row}
    assert not cells & {"inf", "-inf", "nan"}
    assert all(math.isfinite(float(r["score"])) for r in csv.DictReader(io.StringIO(exported)))


def _refuse_constant(name: str) -> float:
    raise AssertionError(f"{name} in JSON output")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cost", "5e-324"], "cost: must be from 0.000001 to 1e9 budget units"),
        (["--cost", "1e10"], "cost: must be from 0.000001 to 1e9 budget units"),
        (["--cost", "0"], "cost: must be greater than 0"),
        (["--probability", "1_0"], "probability: '1_0' is not a number"),
        (["--probability", "١٠"], "probability: '١٠' is not a number"),
        (["--probability", "1.0000001"], "probability: 1.0000001 is ambiguous"),
        (["--probability", "1.2"], "probability: 1.2 is ambiguous"),
        (["--impact", "5_0"], "impact: '5_0' is not a number"),
    ],
)
def test_an_estimate_out_of_its_range_is_refused(
    run: Run, db: Path, args: list[str], message: str
) -> None:
    result = run(db, "add", "x", *args)
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {message}"), result.err
    assert stored(db) == []


def test_a_metric_value_out_of_range_is_refused(run: Run, db: Path) -> None:
    assert run(db, "add", "x", "--impact", "3", "--probability", "50%").code == 0
    result = run(db, "result", "1", "--value", "1e308", "--outcome", "success")
    assert result.code == 1 and "value: must be from -1e15 to 1e15" in result.err


def test_minus_zero_is_zero(run: Run, db: Path) -> None:
    assert run(db, "add", "x", "--impact", "3", "--probability", "-0").code == 0
    (exp,) = stored(db)
    assert exp.probability == 0.0 and math.copysign(1.0, exp.probability or 0.0) == 1.0
    assert "-0%" not in run(db, "list").out and "0%" in run(db, "show", "1").out
    assert fields.probability("-0%") == 0.0 and math.copysign(1, fields.probability("-0%")) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0.3", 0.3), ("30%", 0.3), ("30", 0.3), ("1", 1.0), ("1.5", 0.015), ("1.5%", 0.015)],
)
def test_the_probability_rule(raw: str, expected: float) -> None:
    assert fields.probability(raw) == pytest.approx(expected)


def test_the_probability_rule_is_documented(run: Run) -> None:
    text = " ".join(run(Path("unused.json"), "add", "--help").out.split())
    assert "a fraction 0..1 (0.6), a percentage with % (60%)" in text
    assert "from 1.5 to 100 read as a percentage (60); between 1 and 1.5 write the %" in text


# -- imports: wrong types, every problem, by line and column ----------------------------------
def test_values_of_the_wrong_type_are_reported_by_line_and_field(
    run: Run, db: Path, tmp_path: Path
) -> None:
    rows: list[dict[str, Any]] = [
        {"title": "fine"},
        {"title": "t1", "tags": 5},
        {"title": "t2", "tags": [1, 2]},
        {"title": "t3", "explore": 1.5},
        {"title": "t4", "activity": 5},
        {"title": "t5", "created_at": "9999-12-31T23:59:59-05:00"},
        {"title": "t6", "created_at": "0001-01-01T00:00:00+05:00"},
        {"title": "t7", "impact": True, "cost": [1], "values": ["x"], "history": 3},
    ]
    source = tmp_path / "ideas.json"
    text = json.dumps(rows, indent=2)
    source.write_text(text)
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "  {"]
    result = run(db, "import", str(source))
    assert result.code == 1
    no_surprise(result.err)
    expected = [
        (2, "tags", "5 is not a list of words"),
        (3, "tags", "[1, 2] is not a list of words"),
        (4, "explore", "1.5 is not one of: explore, exploit, auto"),
        (5, "activity", "must be text, not 5"),
        (6, "created_at", "9999-12-31 is not from 1970-01-01 to 2999-12-31"),
        (7, "created_at", "0001-01-01 is not from 1970-01-01 to 2999-12-31"),
        (8, "impact", "must be a number"),
        (8, "cost", "must be a single value, not a list or an object"),
        (8, "values", "'x' is not a number"),
        (8, "history", "must be a list of changes"),
    ]
    for row, field, message in expected:
        line = starts[row - 1]
        wanted = f"iterate-tui: error: row {row} (line {line}), field {field}: "
        assert any(e.startswith(wanted) and message in e for e in result.err.splitlines()), (
            wanted,
            message,
            result.err,
        )
    assert "nothing was imported (7 bad rows of 8" in result.err
    assert stored(db) == []


def test_every_problem_of_a_csv_row_is_reported_by_line_and_column(
    run: Run, db: Path, tmp_path: Path
) -> None:
    source = tmp_path / "ideas.csv"
    source.write_text(
        "title,impact,probability,tier,tags\n"
        "good,3,50%,1,a\n"
        '"multi\nline title",9,abc,7,"x;y"\n'  # a quoted title across two lines
        "fine,,,,\n"
        ",2,150%,1,\n",
        encoding="utf-8",
    )
    result = run(db, "import", str(source))
    assert result.code == 1
    no_surprise(result.err)
    lines = result.err.splitlines()
    for column in ("impact", "probability", "tier", "tags"):
        assert any(x.startswith(f"iterate-tui: error: row 2 (line 3), column {column}: ")
                   for x in lines), (column, result.err)  # fmt: skip
    for column in ("title", "probability"):
        assert any(x.startswith(f"iterate-tui: error: row 4 (line 6), column {column}: ")
                   for x in lines), (column, result.err)  # fmt: skip
    assert "nothing was imported (2 bad rows of 4" in lines[-1]


def test_importing_the_same_file_twice_warns_and_skip_existing_leaves_them_out(
    run: Run, db: Path, tmp_path: Path
) -> None:
    for title in ("one", "two", "three"):
        assert run(db, "add", title).code == 0
    exported = tmp_path / "backlog.csv"
    exported.write_text(run(db, "export", "--format", "csv").out)
    again = run(db, "import", str(exported))
    assert again.code == 0
    assert "3 of these are already in the project" in again.err
    assert len(stored(db)) == 6
    skipped = run(db, "import", "--skip-existing", str(exported))
    assert skipped.code == 0
    assert "nothing to import: all 3 are already in the project" in skipped.out
    assert len(stored(db)) == 6


def test_skip_existing_imports_only_what_is_new(run: Run, db: Path, tmp_path: Path) -> None:
    assert run(db, "add", "known").code == 0
    rows = list(csv.DictReader(io.StringIO(run(db, "export", "--format", "csv").out)))
    rows.append({**rows[0], "title": "new"})
    hand_made = tmp_path / "ideas.csv"  # no created_at: matched on the title
    hand_made.write_text("title\nknown\nother\n")
    both = tmp_path / "both.csv"
    with both.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run(db, "import", "--skip-existing", str(both))
    assert result.code == 0 and "imported 1 experiment" in result.out
    assert "left out 1 already in the project" in result.out
    assert run(db, "import", "--skip-existing", str(hand_made)).code == 0
    assert sorted(e.title for e in stored(db)) == ["known", "new", "other"]


# -- a hand-edited project file -------------------------------------------------------------
def _rekey(key: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["experiments"][key] = data["experiments"].pop("1")

    return edit


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value

    return edit


def _done_with_values(data: dict[str, Any]) -> None:
    data["experiments"]["1"].update(
        status="done", outcome="success", values=["x"], started_impact=3,
        started_probability=0.5, started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-02T00:00:00Z",
    )  # fmt: skip


HAND_EDITS = {
    "impact true": _set(("experiments", "1", "impact"), True),
    "tags 'abc'": _set(("experiments", "1", "tags"), "abc"),
    "key '0'": _rekey("0"),
    "key '-5'": _rekey("-5"),
    "key 'abc'": _rekey("abc"),
    "key '007'": _rekey("007"),
    "key '01' beside '1'": lambda data: data["experiments"].update(
        {"01": dict(data["experiments"]["1"])}
    ),
    "_meta.last_ids 5": _set(("_meta", "1", "last_ids"), 5),
    "w_info 'x'": _set(("project", "1", "w_info"), "x"),
    "alpha 1000 (an older version)": _set(("project", "1", "alpha"), 1000),
    "cost 5e-324 (an older version)": _set(("experiments", "1", "cost"), 5e-324),
    "a done experiment with values ['x']": _done_with_values,
    "naive created_at": _set(("experiments", "1", "created_at"), "2026-01-01T00:00:00"),
    "history old 'x'": _set(
        ("experiments", "1", "history"),
        [{"at": "2026-01-01T00:00:00Z", "field": "impact", "old": "x", "new": 3}],
    ),
}


@pytest.fixture
def edited(run: Run, db: Path) -> Callable[[str], bytes]:
    """The project with two experiments, then edited by hand as ``HAND_EDITS[name]``."""
    for title in ("first", "second"):
        assert run(db, "add", title, "--impact", "3", "--probability", "50%").code == 0
    assert run(db, "settings", "--set", "name=Mine").code == 0

    def edit(name: str) -> bytes:
        data = json.loads(db.read_text())
        HAND_EDITS[name](data)
        db.write_text(json.dumps(data))
        return db.read_bytes()

    return edit


@pytest.mark.parametrize("name", HAND_EDITS)
@pytest.mark.parametrize(
    "args", [["list"], ["list", "--json"], ["show", "2"], ["export"], ["add", "x"]], ids=" ".join
)
def test_a_hand_edited_file_is_refused_as_damaged(
    run: Run, db: Path, edited: Callable[[str], bytes], name: str, args: list[str]
) -> None:
    before = edited(name)
    result = run(db, *args)
    assert result.code == 3, result.err
    no_surprise(result.err)
    assert "cannot open" in result.err
    assert "backups" in result.err and "restore" in result.err and "salvage" in result.err
    assert db.read_bytes() == before


@pytest.mark.parametrize("name", HAND_EDITS)
def test_the_app_path_reports_a_hand_edit_as_damage(
    db: Path, edited: Callable[[str], bytes], name: str
) -> None:
    """The app reads the settings, then the best-ranked rows, then the rest in chunks: each
    step reports a hand edit as CorruptStoreError, never another error."""
    from iterate_tui.domain.enums import OPEN_STATUSES

    edited(name)
    with pytest.raises(CorruptStoreError):
        store = ProjectStore.open(db)
        try:
            repo = Repository(store)
            repo.settings()
            repo.top_ranked(OPEN_STATUSES, 10)
            while not repo.build_some(1):
                pass
            repo.experiments()
        finally:
            store.close()


@pytest.mark.parametrize("name", HAND_EDITS)
def test_salvage_recovers_from_a_hand_edit(
    run: Run, db: Path, edited: Callable[[str], bytes], name: str
) -> None:
    edited(name)
    result = run(db, "salvage")
    assert result.code == 0, result.err
    assert run(db, "list", "--status", "all").code == 0


def test_spec_table_keys_are_the_settings() -> None:
    assert set(SPECS) == {spec.key for spec in SETTING_SPECS}
