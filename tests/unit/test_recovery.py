"""store.recovery: restore a backup and salvage a damaged file, never losing the original."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.codec import experiment_to_doc
from iterate_tui.store.errors import CorruptStoreError
from iterate_tui.store.lock import ProjectLock
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.recovery import (
    RecoveryError,
    SalvageReport,
    aside_path,
    check_project,
    restore,
    salvage,
)
from iterate_tui.store.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo.json"
NOW = datetime(2026, 11, 29, 8, 30, 0, tzinfo=UTC)


def make_project(db: Path, titles: list[str], metric: str = "macro-F1") -> None:
    store = ProjectStore.open(db)
    try:
        repository = Repository(store)
        repository.save_settings(ProjectSettings(metric_name=metric))
        repository.add_many([Experiment(t, impact=3, probability=0.5, tags=("x",)) for t in titles])
    finally:
        store.close()


def read(db: Path) -> tuple[list[str], ProjectSettings]:
    store = ProjectStore.open(db)
    try:
        repository = Repository(store)
        exps = sorted(repository.experiments(), key=lambda e: e.id)
        return [e.title for e in exps], repository.settings()
    finally:
        store.close()


@pytest.fixture
def project(db_path: Path) -> Path:
    make_project(db_path, ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"])
    return db_path


# -- restore -------------------------------------------------------------------------------
def test_restore_moves_the_current_file_aside(project: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    make_project(backup, ["Old"], metric="accuracy")
    current = project.read_bytes()
    aside = restore(project, backup, now=NOW)
    assert aside == project.with_name("project.json.broken-20261129-083000")
    assert aside.read_bytes() == current
    assert read(project)[0] == ["Old"]
    assert oct(aside.stat().st_mode & 0o777) == "0o600"


def test_restore_of_a_backup_that_knows_every_id_keeps_its_bytes(
    project: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.json"
    make_project(backup, ["A", "B", "C", "D", "E", "F"])  # ids 1-6: more than the file's 5
    restore(project, backup, now=NOW)
    assert project.read_bytes() == backup.read_bytes()


def test_ids_handed_out_after_the_backup_are_never_given_again(
    project: Path, tmp_path: Path
) -> None:
    """The file gave out ids 1-5 (and 6, since deleted); the backup knows only 1-2. After
    the restore a new experiment gets 7, not 3: 3-6 name experiments of the file kept aside
    (and perhaps notes or commit messages)."""
    backup = tmp_path / "backup.json"
    make_project(backup, ["Old one", "Old two"])
    store = ProjectStore.open(project)
    try:
        repository = Repository(store)
        sixth = repository.add(Experiment("Sixth", impact=3, probability=0.5))
        repository.delete(sixth.id)
    finally:
        store.close()
    restore(project, backup, now=NOW)
    assert read(project)[0] == ["Old one", "Old two"]
    store = ProjectStore.open(project)
    try:
        assert Repository(store).add(Experiment("New")).id == 7
    finally:
        store.close()


def test_restore_over_a_damaged_file_still_keeps_its_ids_taken(
    project: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.json"
    make_project(backup, ["Old"])
    project.write_bytes(project.read_bytes()[:-40])  # cut short: not JSON any more
    restore(project, backup, now=NOW)
    store = ProjectStore.open(project)
    try:
        assert Repository(store).add(Experiment("New")).id > 4  # 5 may be the cut one
    finally:
        store.close()


def test_restore_without_a_file_returns_none(db_path: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    make_project(backup, ["Only"])
    assert restore(db_path, backup) is None
    assert read(db_path)[0] == ["Only"]


def test_restore_is_seen_by_an_open_repository(project: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    make_project(backup, ["Restored"])
    store = ProjectStore.open(project)
    try:
        repository = Repository(store)
        assert len(repository.experiments()) == 5
        generation = ProjectLock(project).generation()
        restore(project, backup)
        assert ProjectLock(project).generation() == generation + 1
        assert repository.refresh_if_changed()
        assert [e.title for e in repository.experiments()] == ["Restored"]
    finally:
        store.close()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        json.dumps({"experiments": {"1": {"title": "no cost"}}}).encode(),
        json.dumps({"_meta": {"1": {"schema_version": "one"}}}).encode(),
        json.dumps({"project": {"1": {"direction": "sideways"}}}).encode(),
    ],
)
def test_an_unusable_backup_changes_nothing(project: Path, tmp_path: Path, content: bytes) -> None:
    backup = tmp_path / "bad.json"
    backup.write_bytes(content)
    before = project.read_bytes()
    with pytest.raises(RecoveryError, match="is not a usable backup"):
        restore(project, backup)
    assert project.read_bytes() == before
    assert not list(project.parent.glob("*.broken-*"))


def test_restore_refuses_a_missing_backup_or_the_file_itself(project: Path) -> None:
    with pytest.raises(RecoveryError, match="cannot read the backup"):
        restore(project, project.parent / "nope.json")
    with pytest.raises(RecoveryError, match="the project file itself"):
        restore(project, project)


def test_check_project_names_the_file_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    with pytest.raises(CorruptStoreError) as caught:
        check_project(path, json.dumps({"experiments": {"3": {"title": "t"}}}).encode())
    assert caught.value.path == path
    assert "experiment '3' is malformed" in caught.value.problem


def test_aside_names_are_never_reused(project: Path) -> None:
    first = aside_path(project, NOW)
    first.write_bytes(b"taken")
    second = aside_path(project, NOW)
    assert second != first and second.name.endswith("-2")


# -- salvage -------------------------------------------------------------------------------
def test_salvage_of_a_healthy_file_keeps_everything(project: Path) -> None:
    before = project.read_bytes()
    report = salvage(project, now=NOW)
    assert report == SalvageReport(
        aside=project.with_name("project.json.broken-20261129-083000"),
        experiments_found=5,
        experiments_kept=5,
        settings_kept=True,
        problems=[],
    )
    assert report.aside.read_bytes() == before
    titles, settings = read(project)
    assert titles == ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    assert settings.metric_name == "macro-F1"


def test_salvage_of_a_truncated_file(project: Path) -> None:
    payload = project.read_bytes()
    cut = payload.index(b'"4":')  # the file ends just before the fourth experiment
    project.write_bytes(payload[: cut + 20])
    report = salvage(project)
    assert report.aside.read_bytes() == payload[: cut + 20]
    assert report.experiments_found == 4 and report.experiments_kept == 3
    assert any("not valid JSON" in p for p in report.problems)
    assert any("experiment 4 is incomplete" in p for p in report.problems)
    assert read(project)[0] == ["Alpha", "Beta", "Gamma"]


def test_salvage_skips_a_damaged_entry_and_reads_on(project: Path) -> None:
    payload = project.read_bytes()
    start = payload.index(b'"2":')
    end = payload.index(b'"3":')
    damaged = payload[: start + 6] + b"\x00" * (end - start - 8) + payload[end - 2 :]
    project.write_bytes(damaged)
    report = salvage(project)
    assert read(project)[0] == ["Alpha", "Gamma", "Delta", "Epsilon"]
    assert report.experiments_kept == 4
    assert report.settings_kept


def test_salvage_drops_invalid_experiments_by_name(project: Path) -> None:
    data = json.loads(project.read_text())
    data["experiments"]["2"]["probability"] = 7
    del data["experiments"]["3"]["cost"]
    data["experiments"]["4"]["values"] = [float("nan")]
    data["experiments"]["x"] = {"title": "bad id"}
    project.write_text(json.dumps(data))
    report = salvage(project)
    assert report.experiments_found == 6 and report.experiments_kept == 2
    problems = "\n".join(report.problems)
    assert "experiment 2 dropped: probability 7" in problems
    assert "experiment 3 dropped: field 'cost' is missing" in problems
    assert "experiment 4 dropped" in problems and "experiment x dropped" in problems
    assert read(project)[0] == ["Alpha", "Epsilon"]


def test_salvage_keeps_ids_so_references_stay_right(project: Path) -> None:
    data = json.loads(project.read_text())
    del data["experiments"]["2"]
    project.write_text(json.dumps(data)[:-30])
    salvage(project)
    store = ProjectStore.open(project)
    try:
        assert sorted(e.id for e in Repository(store).experiments()) == [1, 3, 4]
    finally:
        store.close()


def test_lost_settings_are_reported(project: Path) -> None:
    data: dict[str, Any] = json.loads(project.read_text())
    data["project"]["1"]["phase"] = "someday"
    project.write_text(json.dumps(data))
    report = salvage(project)
    assert not report.settings_kept
    assert any("project settings dropped" in p for p in report.problems)
    assert read(project)[1] == ProjectSettings(start_date=read(project)[1].start_date)


@pytest.mark.parametrize("fraction", [i / 20 for i in range(20)])
def test_salvage_of_the_demo_cut_anywhere_gives_a_valid_project(
    tmp_path: Path, fraction: float
) -> None:
    db = tmp_path / "demo.json"
    payload = DEMO.read_bytes()
    db.write_bytes(payload[: int(len(payload) * fraction)])
    if fraction == 0:
        db.write_bytes(b"")
    report = salvage(db)
    assert report.aside.read_bytes() == payload[: int(len(payload) * fraction)]
    titles, _ = read(db)
    assert len(titles) == report.experiments_kept <= report.experiments_found
    full = json.loads(payload)["experiments"]
    assert report.experiments_kept >= len(full) * fraction - 10  # 1.5 KB per experiment


def test_salvage_of_every_cut_of_a_small_file(tmp_path: Path) -> None:
    db = tmp_path / "p.json"
    make_project(db, ["One", "Two"])
    payload = db.read_bytes()
    store = ProjectStore.open(db)
    try:
        docs = [
            experiment_to_doc(e)
            for e in sorted(Repository(store).experiments(), key=lambda e: e.id)
        ]
    finally:
        store.close()
    for cut in range(0, len(payload), 5):
        db.write_bytes(payload[:cut])
        report = salvage(db)
        store = ProjectStore.open(db)
        try:
            kept = sorted(Repository(store).experiments(), key=lambda e: e.id)
        finally:
            store.close()
        assert [experiment_to_doc(e) for e in kept] == docs[: len(kept)]
        assert report.experiments_kept == len(kept)
        report.aside.unlink()


def test_salvage_refuses_a_file_from_a_newer_version(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text(json.dumps({"_meta": {"1": {"schema_version": 9}}, "experiments": {}}))
    before = db_path.read_bytes()
    with pytest.raises(RecoveryError, match="newer iterate-tui"):
        salvage(db_path)
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.broken-*"))


def test_salvage_of_a_missing_file(db_path: Path) -> None:
    with pytest.raises(RecoveryError, match="no project file"):
        salvage(db_path)


def test_salvage_of_bytes_that_are_not_utf8(project: Path) -> None:
    payload = project.read_bytes()
    project.write_bytes(payload[:-40] + b"\xff\xfe" + payload[-38:])
    report = salvage(project)
    assert "bytes that are not UTF-8 were replaced" in report.problems
    assert report.experiments_kept >= 4


def next_id_after(db: Path) -> int:
    store = ProjectStore.open(db)
    try:
        return Repository(store).add(Experiment("New after salvage")).id
    finally:
        store.close()


def test_the_id_of_a_lost_experiment_is_not_handed_out_again(project: Path) -> None:
    payload = project.read_bytes()
    cut = payload.index(b'"4":')  # experiments 4 and 5 are lost
    project.write_bytes(payload[: cut + 10])
    salvage(project)
    assert read(project)[0] == ["Alpha", "Beta", "Gamma"]
    assert next_id_after(project) == 6


def test_a_salvaged_file_without_recorded_ids_counts_from_the_ids_found(db_path: Path) -> None:
    make_project(db_path, ["One", "Two", "Three"])
    data = json.loads(db_path.read_text())
    del data["_meta"]["1"]["last_ids"]
    data["experiments"]["3"]["impact"] = 42  # dropped, but its id was seen
    db_path.write_text(json.dumps(data))
    report = salvage(db_path)
    assert report.experiments_kept == 2
    assert next_id_after(db_path) == 4
