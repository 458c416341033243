"""Schema version, migrations (pure, after a backup) and newer files opened read-only."""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.backups import backup_folder, list_backups
from iterate_tui.store.errors import CorruptStoreError, ReadOnlyStoreError
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import (
    EXPERIMENTS_TABLE,
    JOURNAL_TABLE,
    META_TABLE,
    MIGRATIONS,
    PROJECT_TABLE,
    SCHEMA_VERSION,
    RawData,
    _v0_to_v1,
    _v1_to_v2,
    empty_project,
    migrate,
    version_of,
    with_version,
)

EXPERIMENT_DOC = {
    "title": "Try a bigger model",
    "status": "backlog",
    "cost": 4.0,
    "activity": "model_development",
    "tier": 2,
    "info_value": 1,
    "impact": 3,
    "probability": 0.4,
    "created_at": "2024-01-02T03:04:05Z",
    "updated_at": "2024-01-02T03:04:05Z",
}


def write_json(path: Path, data: Any) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = orjson.dumps(data)
    path.write_bytes(payload)
    return payload


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def test_a_new_project_declares_the_current_schema(store: ProjectStore) -> None:
    data = read_json(store.path)
    assert data[META_TABLE]["1"]["schema_version"] == SCHEMA_VERSION == 2
    assert data[META_TABLE]["1"]["created_by"].startswith("iterate-tui ")
    assert data[EXPERIMENTS_TABLE] == {} and data[PROJECT_TABLE] == {}
    assert data[JOURNAL_TABLE] == {}
    assert store.file_version == SCHEMA_VERSION
    assert store.migrated_from is None and not store.read_only


def test_a_version_0_file_is_backed_up_then_migrated(db_path: Path) -> None:
    original = {
        "_default": {},
        EXPERIMENTS_TABLE: {"1": EXPERIMENT_DOC, "4": {**EXPERIMENT_DOC, "title": "Other"}},
        PROJECT_TABLE: {"1": {"name": "Old project", "metric_name": "F1"}},
    }
    payload = write_json(db_path, original)

    store = ProjectStore.open(db_path)
    try:
        assert store.migrated_from == 0
        repo = Repository(store)
        assert {e.id: e.title for e in repo.experiments()} == {1: "Try a bigger model", 4: "Other"}
        assert repo.settings().name == "Old project"
        assert repo.add(Experiment("after")).id == 5
    finally:
        store.close()

    data = read_json(db_path)
    assert version_of(data) == SCHEMA_VERSION
    assert "_default" not in data
    [backup] = list_backups(db_path)
    assert backup.reason == "before-migration-v0"
    assert backup.path.read_bytes() == payload  # taken before anything was changed
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    # A second open finds nothing to migrate and takes no backup.
    again = ProjectStore.open(db_path)
    again.close()
    assert again.migrated_from is None
    assert len(list_backups(db_path)) == 1


def test_a_version_1_file_gains_the_journal_and_keeps_everything(db_path: Path) -> None:
    original = {
        META_TABLE: {"1": {"schema_version": 1, "last_ids": {EXPERIMENTS_TABLE: 9}}},
        EXPERIMENTS_TABLE: {"3": EXPERIMENT_DOC},
        PROJECT_TABLE: {"1": {"name": "Kept"}},
    }
    payload = write_json(db_path, original)
    store = ProjectStore.open(db_path)
    try:
        assert store.migrated_from == 1
        assert [e.title for e in Repository(store).experiments()] == ["Try a bigger model"]
    finally:
        store.close()
    data = read_json(db_path)
    assert version_of(data) == 2 and data[JOURNAL_TABLE] == {}
    assert data[EXPERIMENTS_TABLE] == original[EXPERIMENTS_TABLE]
    assert data[META_TABLE]["1"]["last_ids"] == {EXPERIMENTS_TABLE: 9}
    [backup] = list_backups(db_path)
    assert backup.reason == "before-migration-v1" and backup.path.read_bytes() == payload


def test_a_bare_tinydb_file_with_data_in_the_default_table_keeps_it(db_path: Path) -> None:
    write_json(db_path, {"_default": {"1": {"note": "mine"}}})
    ProjectStore.open(db_path).close()
    data = read_json(db_path)
    assert data["_default"] == {"1": {"note": "mine"}}
    assert data[EXPERIMENTS_TABLE] == {} and data[PROJECT_TABLE] == {}
    assert version_of(data) == SCHEMA_VERSION


def test_an_empty_tinydb_document_is_version_0(db_path: Path) -> None:
    write_json(db_path, {})
    store = ProjectStore.open(db_path)
    store.close()
    assert store.migrated_from == 0
    assert read_json(db_path) == {
        EXPERIMENTS_TABLE: {},
        PROJECT_TABLE: {},
        META_TABLE: {"1": {"schema_version": SCHEMA_VERSION}},
        JOURNAL_TABLE: {},
    }


def test_a_chain_of_migrations_runs_in_order(db_path: Path) -> None:
    ProjectStore.open(db_path).close()

    now = SCHEMA_VERSION

    def add_notes(data: RawData) -> RawData:
        out = {name: dict(table) for name, table in data.items()}
        out["notes"] = {"1": {"text": "added by the next version"}}
        return with_version(out, now + 1)

    def shout(data: RawData) -> RawData:
        out = {name: dict(table) for name, table in data.items()}
        out["notes"] = {k: {**d, "text": d["text"].upper()} for k, d in out["notes"].items()}
        return with_version(out, now + 2)

    store = ProjectStore.open(
        db_path, schema_version=now + 2, migrations={**MIGRATIONS, now: add_notes, now + 1: shout}
    )
    store.close()
    assert store.migrated_from == now
    data = read_json(db_path)
    assert version_of(data) == now + 2
    assert data["notes"] == {"1": {"text": "ADDED BY THE NEXT VERSION"}}
    assert data[META_TABLE]["1"]["created_by"].startswith("iterate-tui")
    assert [b.reason for b in list_backups(db_path)] == [f"before-migration-v{now}"]


@pytest.mark.parametrize(
    ("migrations", "problem"),
    [
        ({}, f"no migration from schema version {SCHEMA_VERSION}"),
        (
            {SCHEMA_VERSION: lambda data: with_version(data, SCHEMA_VERSION + 2)},
            f"migration from {SCHEMA_VERSION} produced version {SCHEMA_VERSION + 2}",
        ),
        (
            {SCHEMA_VERSION: lambda data: data["missing"]},
            f"could not be upgraded from schema version {SCHEMA_VERSION}",
        ),
    ],
)
def test_a_failing_migration_leaves_the_file_alone(
    db_path: Path, migrations: dict[int, Any], problem: str
) -> None:
    ProjectStore.open(db_path).close()
    before = db_path.read_bytes()
    with pytest.raises(CorruptStoreError, match=problem) as info:
        ProjectStore.open(db_path, schema_version=SCHEMA_VERSION + 1, migrations=migrations)
    assert str(db_path) in str(info.value)
    assert db_path.read_bytes() == before
    # The backup taken before trying is there to go back to.
    assert [b.path.read_bytes() for b in list_backups(db_path)] == [before]


def newer_file(path: Path) -> bytes:
    return write_json(
        path,
        {
            META_TABLE: {"1": {"schema_version": SCHEMA_VERSION + 1}},
            EXPERIMENTS_TABLE: {"1": EXPERIMENT_DOC},
            PROJECT_TABLE: {"1": {"name": "From the future"}},
            "something_new": {"1": {"x": 1}},
        },
    )


def test_a_newer_file_opens_read_only_and_is_never_written(db_path: Path) -> None:
    payload = newer_file(db_path)
    os.chmod(db_path, 0o644)
    before = db_path.stat()
    store = ProjectStore.open(db_path)
    try:
        assert store.read_only
        assert store.file_version == SCHEMA_VERSION + 1
        reason = store.read_only_reason or ""
        assert f"schema {SCHEMA_VERSION + 1}" in reason
        assert f"up to {SCHEMA_VERSION}" in reason and str(db_path) in reason
        repo = Repository(store)
        assert [e.title for e in repo.experiments()] == ["Try a bigger model"]
        assert repo.settings().name == "From the future"

        with pytest.raises(ReadOnlyStoreError, match="newer iterate-tui"), store.change():
            pass
        exp = repo.get(1)
        for write in (
            lambda: repo.add(Experiment("new")),
            lambda: repo.add_many([Experiment("new")]),
            lambda: repo.save(exp),
            lambda: repo.put_back(exp),
            lambda: repo.delete(1),
            lambda: repo.save_settings(ProjectSettings()),
        ):
            with pytest.raises(ReadOnlyStoreError):
                write()
        assert [e.title for e in repo.experiments()] == ["Try a bigger model"]
    finally:
        store.close()
    after = db_path.stat()
    assert db_path.read_bytes() == payload
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not backup_folder(db_path).exists()


@pytest.mark.parametrize("version", ["2", -1, 1.5, True, None])
def test_a_meaningless_schema_version_is_a_corrupt_file(db_path: Path, version: Any) -> None:
    payload = write_json(db_path, {META_TABLE: {"1": {"schema_version": version}}})
    with pytest.raises(CorruptStoreError, match="schema_version") as info:
        ProjectStore.open(db_path)
    assert str(db_path) in str(info.value)
    assert db_path.read_bytes() == payload


def test_version_of() -> None:
    assert version_of({}) == 0
    assert version_of({"_default": {}}) == 0
    assert version_of({META_TABLE: {}}) == 0
    assert version_of(empty_project({})) == SCHEMA_VERSION
    assert version_of(with_version({}, 7)) == 7


# -- purity -----------------------------------------------------------------------------------
json_leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
documents = st.dictionaries(st.text(max_size=5), json_leaf, max_size=4)
tables = st.dictionaries(st.integers(1, 50).map(str), documents, max_size=4)
raw_data = st.dictionaries(
    st.sampled_from(["_default", EXPERIMENTS_TABLE, PROJECT_TABLE, "other"]), tables
)


@given(raw_data)
def test_migrations_do_not_mutate_their_input(data: RawData) -> None:
    frozen = copy.deepcopy(data)
    migrated = migrate(data)
    assert data == frozen
    assert version_of(migrated) == SCHEMA_VERSION
    for name, table in data.items():
        if table or name != "_default":
            assert migrated[name] == table  # nothing else is lost or changed
    assert _v1_to_v2(_v0_to_v1(data)) == migrated
    assert data == frozen


@given(raw_data, st.integers(0, 10))
def test_with_version_does_not_mutate_its_input(data: RawData, version: int) -> None:
    data = {**data, META_TABLE: {"1": {"created_by": "x", "schema_version": 0}}}
    frozen = copy.deepcopy(data)
    out = with_version(data, version)
    assert data == frozen
    assert out[META_TABLE]["1"] == {"created_by": "x", "schema_version": version}
