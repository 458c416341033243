"""An unreadable file is reported (which file, what is wrong, how to recover) and never
changed."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from iterate_tui.store.backups import backup_folder
from iterate_tui.store.errors import CorruptStoreError
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import EXPERIMENTS_TABLE, META_TABLE, PROJECT_TABLE, SCHEMA_VERSION

VALID = orjson.dumps(
    {
        META_TABLE: {"1": {"schema_version": SCHEMA_VERSION}},
        EXPERIMENTS_TABLE: {
            "1": {
                "title": "ok",
                "status": "idea",
                "cost": 1.0,
                "activity": "model_development",
                "tier": 1,
                "info_value": 0,
                "created_at": "2024-01-02T03:04:05Z",
                "updated_at": "2024-01-02T03:04:05Z",
            }
        },
        PROJECT_TABLE: {},
    }
)

CORRUPT = {
    "empty": (b"", "the file is empty"),
    "blank": (b" \n\t\n", "the file is empty"),
    "truncated": (VALID[: len(VALID) // 2], "not valid JSON"),
    "trailing garbage": (VALID + b"}x", "not valid JSON"),
    "not an object": (b"[1, 2, 3]", "not a TinyDB document"),
    "a number": (b"42", "not a TinyDB document"),
    "null": (b"null", "not a TinyDB document"),
    "table not an object": (b'{"experiments": [1, 2]}', "table 'experiments'"),
    "document not an object": (b'{"experiments": {"1": "x"}}', "table 'experiments'"),
    "garbage bytes": (bytes(range(256)) * 4, "not valid JSON"),
    "invalid utf-8": (b'{"experiments": {"1": {"title": "\xff\xfe"}}}', "not valid JSON"),
    "nul bytes": (b"\0" * 4096, "not valid JSON"),
}


def assert_recovery_advice(message: str, path: Path) -> None:
    assert str(path) in message
    assert "has not been changed" in message
    for command in ("backups", "restore BACKUP", "salvage"):
        assert re.search(rf"iterate-tui --db \S+ {command}", message), command


@pytest.mark.parametrize("case", CORRUPT, ids=list(CORRUPT))
def test_a_corrupt_file_is_reported_and_left_alone(db_path: Path, case: str) -> None:
    payload, problem = CORRUPT[case]
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(payload)
    before = db_path.stat()

    with pytest.raises(CorruptStoreError) as info:
        ProjectStore.open(db_path)

    error = info.value
    assert error.path == db_path
    assert problem in error.problem
    assert_recovery_advice(str(error), db_path)
    assert db_path.read_bytes() == payload
    after = db_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not backup_folder(db_path).exists()
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["project.json", "project.json.lock"]


def test_the_lock_is_released_after_a_failed_open(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"{broken")
    for _ in range(2):
        with pytest.raises(CorruptStoreError):
            ProjectStore.open(db_path, lock_timeout=0.5)
    db_path.write_bytes(VALID)
    ProjectStore.open(db_path, lock_timeout=0.5).close()


def test_a_path_with_spaces_is_quoted_in_the_advice(tmp_path: Path) -> None:
    path = tmp_path / "my projects" / "project.json"
    path.parent.mkdir()
    path.write_bytes(b"")
    with pytest.raises(CorruptStoreError) as info:
        ProjectStore.open(path)
    assert f"iterate-tui --db '{path}' restore BACKUP" in str(info.value)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": "finished"}, "experiment '1' is malformed"),
        ({"cost": -1}, "experiment '1' is malformed"),
        ({"probability": 1.5}, "experiment '1' is malformed"),
        ({"created_at": "yesterday"}, "experiment '1' is malformed"),
        ({"title": None}, "experiment '1' is malformed"),
    ],
)
def test_a_malformed_experiment_is_reported_when_read(
    db_path: Path, change: dict[str, object], problem: str
) -> None:
    data = orjson.loads(VALID)
    data[EXPERIMENTS_TABLE]["1"].update(change)
    db_path.parent.mkdir(parents=True)
    payload = orjson.dumps(data)
    db_path.write_bytes(payload)
    store = ProjectStore.open(db_path)
    try:
        with pytest.raises(CorruptStoreError, match=problem) as info:
            Repository(store).experiments()
        assert_recovery_advice(str(info.value), db_path)
    finally:
        store.close()
    assert db_path.read_bytes() == payload


def test_a_document_missing_a_required_field_is_reported(db_path: Path) -> None:
    data = orjson.loads(VALID)
    del data[EXPERIMENTS_TABLE]["1"]["status"]
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(orjson.dumps(data))
    store = ProjectStore.open(db_path)
    try:
        repository = Repository(store)
        assert repository.count() == 1  # counting builds nothing
        with pytest.raises(CorruptStoreError, match="experiment '1' is malformed"):
            repository.experiments()
    finally:
        store.close()


def test_malformed_settings_are_reported(db_path: Path) -> None:
    data = orjson.loads(VALID)
    data[PROJECT_TABLE] = {"1": {"direction": "sideways"}}
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(orjson.dumps(data))
    store = ProjectStore.open(db_path)
    try:
        with pytest.raises(CorruptStoreError, match="settings are malformed"):
            Repository(store).settings()
    finally:
        store.close()
