"""export and import: round trips in both formats, and all-or-nothing validation."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from iterate_tui.cli.records import FIELD_ORDER
from iterate_tui.domain.enums import Status
from iterate_tui.domain.experiment import Experiment
from iterate_tui.store.backups import list_backups
from iterate_tui.store.codec import experiment_to_doc

from .cli_support import Run, runner, stored

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo.json"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run a command on a given project file: ``run(db, "list", ...)``."""
    return runner(capsys, monkeypatch)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the shipped demo: every status, outcomes, values, histories, tags."""
    copy = tmp_path / "demo" / "demo.json"
    copy.parent.mkdir()
    copy.write_bytes(DEMO.read_bytes())
    return copy


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    return tmp_path / "empty" / "project.json"


def docs(db: Path) -> list[dict[str, Any]]:
    return [experiment_to_doc(e) for e in stored(db)]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_reproduces_every_experiment(
    run: Run, demo: Path, empty: Path, tmp_path: Path, fmt: str
) -> None:
    exported = run(demo, "export", "--format", fmt)
    assert exported.code == 0
    target = tmp_path / f"backlog.{fmt}"
    target.write_text(exported.out, encoding="utf-8")
    imported = run(empty, "import", str(target))
    assert imported.code == 0, imported.err
    original = docs(demo)
    assert len(original) > 40
    assert f"imported {len(original)} experiments" in imported.out
    assert docs(empty) == original
    assert [e.id for e in stored(empty)] == [e.id for e in stored(demo)]
    # and the export of the copy is the export of the original
    assert run(empty, "export", "--format", fmt).out == exported.out


def test_records_cover_every_field_of_an_experiment() -> None:
    assert set(FIELD_ORDER) == {f.name for f in dataclasses.fields(Experiment)}


def test_export_json_is_a_list_of_records(run: Run, demo: Path) -> None:
    records = json.loads(run(demo, "export").out)
    assert isinstance(records, list)
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert {"title", "status", "history", "score", "quadrant"} <= set(records[0])


def test_export_csv_has_one_row_per_experiment(run: Run, demo: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(demo, "export", "--format", "csv").out)))
    assert len(rows) == len(stored(demo))
    assert rows[0]["id"] == "1" and rows[0]["status"] == "done"
    assert rows[0]["values"] == "0.7091 0.7137 0.7132"


def test_csv_export_defuses_spreadsheet_formulas_and_import_restores_them(
    run: Run, empty: Path, tmp_path: Path
) -> None:
    titles = ['=HYPERLINK("http://x")', "+1 F1", "-lr", "@sum", "'=quoted", "'plain", "ok"]
    for title in titles:
        assert run(empty, "add", "--tag=-neg", "--hypothesis==2+2", "--", title).code == 0
    exported = run(empty, "export", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(exported)))
    cells = [r["title"] for r in rows]
    assert cells == [
        *('\'=HYPERLINK("http://x")', "'+1 F1", "'-lr", "'@sum", "''=quoted", "''plain", "ok")
    ]
    assert all(not c.startswith(("=", "+", "-", "@")) for r in rows for c in r.values() if c)
    assert {r["tags"] for r in rows} == {"'-neg"} and {r["hypothesis"] for r in rows} == {"'=2+2"}
    target = tmp_path / "back.csv"
    target.write_text(exported, encoding="utf-8")
    copy = tmp_path / "copy.json"
    assert run(copy, "import", str(target)).code == 0
    back = stored(copy)
    assert [e.title for e in back] == titles
    assert all(e.tags == ("-neg",) and e.hypothesis == "=2+2" for e in back)


def test_a_hand_made_csv_needs_only_titles(run: Run, empty: Path, tmp_path: Path) -> None:
    source = tmp_path / "ideas.csv"
    source.write_text(
        "title,impact,probability,tags\n"
        "Mixup,3,40%,aug vision\n"
        'Label smoothing,,,"loss, reg"\n'
        "Not worth it,,,\n",
        encoding="utf-8",
    )
    result = run(empty, "import", str(source))
    assert result.code == 0, result.err
    assert "imported 3 experiments (#1..#3)" in result.out
    first, second, third = stored(empty)
    assert (first.impact, first.probability, first.tags) == (3, 0.4, ("aug", "vision"))
    assert second.impact is None and second.tags == ("loss", "reg")
    assert all(e.status is Status.IDEA for e in (first, second, third))


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_bad_csv_row_is_reported_by_number_and_nothing_is_imported(
    run: Run, tmp_path: Path
) -> None:
    db = tmp_path / "p" / "project.json"
    assert run(db, "add", "Already there").code == 0
    before = db.read_bytes()
    source = tmp_path / "ideas.csv"
    rows = [{"title": f"Idea {i}", "probability": "50%", "impact": "3"} for i in range(1, 11)]
    rows[6]["probability"] = "abc"  # row 7
    rows[8]["impact"] = "9"  # row 9
    write_csv(source, rows)
    result = run(db, "import", str(source))
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines[0] == (
        "iterate-tui: error: row 7 (line 8), column probability: 'abc' is not a number"
    )
    assert lines[1].startswith(
        "iterate-tui: error: row 9 (line 10), column impact: must be a whole"
    )
    assert "nothing was imported (2 bad rows of 10" in lines[-1]
    assert db.read_bytes() == before
    assert [e.title for e in stored(db)] == ["Already there"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"probability": "nan"}, "row 2 (line 1), field probability: must be a finite number"),
        ({"probability": 1.5e3}, "row 2 (line 1), field probability: must not be above 100%"),
        ({"impact": [4]}, "row 2 (line 1), field impact: must be a single value"),
        ({"cost": 0}, "row 2 (line 1), field cost: must be greater than 0"),
        ({"status": "finished"}, "row 2 (line 1), field status: 'finished' is not one of"),
        ({"status": "done"}, "row 2 (line 1), field outcome: a done experiment needs one"),
        ({"outcome": "success"}, "row 2 (line 1), field outcome: only a done experiment has one"),
        (
            {"status": "skipped"},
            "row 2 (line 1), field skip_reason: a skipped experiment needs a reason",
        ),
        (
            {"status": "running", "impact": None},
            "row 2 (line 1), field impact: is needed for a running",
        ),
        (
            {"created_at": "yesterday"},
            "row 2 (line 1), field created_at: 'yesterday' is not a date",
        ),
        (
            {"history": [{"at": "2026-01-01T00:00:00Z"}]},
            "row 2 (line 1), field history: change 1 needs",
        ),
        ({"probabilty": 0.5}, "row 2 (line 1), field probabilty: is not a field of an experiment"),
        ({"title": ""}, "row 2 (line 1), field title: must not be empty"),
    ],
)
def test_a_bad_json_row_names_its_field(
    run: Run, empty: Path, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    good = {"title": "Fine", "impact": 3, "probability": 0.5}
    source = tmp_path / "ideas.json"
    source.write_text(json.dumps([good, {**good, **change}], allow_nan=True), encoding="utf-8")
    result = run(empty, "import", str(source))
    assert result.code == 1
    assert result.err.startswith(f"iterate-tui: error: {message}"), result.err
    assert "nothing was imported" in result.err
    assert not empty.exists() or stored(empty) == []


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("[{", "broken.json", "not valid JSON"),
        ('{"title": "x"}', "one.json", "expected a list of experiments"),
        ("titel,impact\nx,3\n", "typo.csv", "column 'titel' is not a field"),
        ("impact\n3\n", "untitled.csv", "there is no 'title' column"),
    ],
)
def test_an_unreadable_import_file_is_refused(
    run: Run, empty: Path, tmp_path: Path, content: str, name: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = run(empty, "import", str(source))
    assert result.code == 1
    assert message in result.err


def test_import_of_a_missing_file(run: Run, empty: Path, tmp_path: Path) -> None:
    result = run(empty, "import", str(tmp_path / "nope.csv"))
    assert result.code == 1
    assert "no such file" in result.err


def test_import_from_standard_input(run: Run, empty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = json.dumps([{"title": "From a pipe", "impact": 2, "probability": "70%"}])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload.encode())))
    result = run(empty, "import", "-")
    assert result.code == 0, result.err
    assert stored(empty)[0].title == "From a pipe"


def test_import_into_a_project_with_experiments_takes_a_backup_first(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    source = tmp_path / "more.json"
    source.write_text(json.dumps([{"title": "One more"}]), encoding="utf-8")
    count = len(stored(demo))
    assert run(demo, "import", str(source)).code == 0
    assert [b.reason for b in list_backups(demo)] == ["before-import"]
    assert len(stored(demo)) == count + 1


def test_an_imported_idea_that_does_not_matter_goes_to_avoid(
    run: Run, empty: Path, tmp_path: Path
) -> None:
    source = tmp_path / "ideas.json"
    source.write_text(json.dumps([{"title": "Meh", "matters": "No, nobody uses it"}]))
    assert run(empty, "import", str(source)).code == 0
    (exp,) = stored(empty)
    assert exp.status is Status.SKIPPED and exp.skip_reason.startswith("does not matter")


def test_list_json_output_can_be_imported_too(run: Run, demo: Path, empty: Path) -> None:
    listed = run(demo, "list", "--status", "all", "--json").out
    source = empty.parent.parent / "listed.json"
    source.write_text(listed, encoding="utf-8")
    assert run(empty, "import", str(source)).code == 0
    assert len(stored(empty)) == len(stored(demo))
