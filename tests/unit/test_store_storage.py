"""The in-memory storage: one serialization and one replace per change, re-reads only after
another writer, all-or-nothing changes."""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store import atomic, storage
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import EXPERIMENTS_TABLE


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts serializations, parses, atomic writes and renames made by the store (a rename
    onto the spare, which keeps the old version's blocks for the next write, is not one)."""
    counts: Counter[str] = Counter()

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(storage, "serialize_parts", counting("serialize", storage.serialize_parts))
    monkeypatch.setattr(storage, "parse", counting("parse", storage.parse))
    monkeypatch.setattr(storage, "write_atomic", counting("write_atomic", atomic.write_atomic))
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if not Path(dst).name.endswith(".spare"):
            counts["replace"] += 1
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return counts


def outside(path: Path) -> Repository:
    """Another writer: its own store, lock descriptor and caches (like another process)."""
    return Repository(ProjectStore.open(path))


def test_each_repository_change_is_one_serialization_and_one_replace(
    repo: Repository, calls: Counter[str]
) -> None:
    repo.add_many([Experiment(f"e{n}") for n in range(20)])
    loads = repo.store.load_count
    calls.clear()
    exp = repo.get(7)
    repo.save(dataclasses.replace(exp, title="renamed", impact=4))
    assert calls == {"serialize": 1, "write_atomic": 1, "replace": 1}

    for change in (
        lambda: repo.add(Experiment("new")),
        lambda: repo.add_many([Experiment("a"), Experiment("b"), Experiment("c")]),
        lambda: repo.delete(3),
        lambda: repo.put_back(dataclasses.replace(exp, id=3)),
        lambda: repo.save_settings(ProjectSettings(name="p")),
    ):
        calls.clear()
        change()
        assert calls == {"serialize": 1, "write_atomic": 1, "replace": 1}
    # Nothing was read back from disk after our own writes.
    assert repo.store.load_count == loads
    assert repo.get(7).title == "renamed"


def test_several_operations_in_one_change_are_one_write(
    store: ProjectStore, calls: Counter[str]
) -> None:
    with store.change() as db:
        table = db.table(EXPERIMENTS_TABLE)
        for n in range(10):
            table.insert({"n": n})
        table.remove(doc_ids=[2, 3])
        table.update({"n": 99}, doc_ids=[1])
    assert calls == {"serialize": 1, "write_atomic": 1, "replace": 1}
    assert sorted(store.table(EXPERIMENTS_TABLE).raw()) == ["1", "10", "4", "5", "6", "7", "8", "9"]


def test_a_change_that_writes_nothing_does_not_touch_the_file(
    store: ProjectStore, calls: Counter[str]
) -> None:
    before = store.path.stat()
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).all()
    assert calls == {}
    assert store.path.stat().st_ino == before.st_ino


def test_reads_come_from_memory(repo: Repository, calls: Counter[str]) -> None:
    repo.add(Experiment("one"))
    calls.clear()
    for _ in range(5):
        assert [e.title for e in repo.experiments()] == ["one"]
        assert not repo.refresh_if_changed()
    assert calls == {}


def test_rereads_only_after_another_writer(repo: Repository, calls: Counter[str]) -> None:
    mine = repo.add(Experiment("mine"))
    loads = repo.store.load_count
    assert not repo.store.changed_on_disk()

    theirs = outside(repo.store.path)
    try:
        theirs.save(dataclasses.replace(theirs.get(mine.id), title="theirs"))
    finally:
        theirs.store.close()
    calls.clear()
    assert repo.store.changed_on_disk()
    repo.add(Experiment("second"))  # the change catches up before applying
    assert calls["parse"] == 1 and calls["replace"] == 1
    assert repo.store.load_count == loads + 1
    assert {e.title for e in repo.experiments()} == {"theirs", "second"}


def test_staleness_is_seen_through_the_counter_when_the_file_looks_the_same(
    store: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel may reuse an inode within one timestamp tick: the counter still tells."""
    monkeypatch.setattr(storage, "file_identity", lambda stat: (1, 2, 3, 4))
    store.reload()
    other = ProjectStore.open(store.path)
    try:
        with other.change() as db:
            db.table(EXPERIMENTS_TABLE).insert({"title": "outside"})
    finally:
        other.close()
    assert store.changed_on_disk()
    assert store.refresh_if_changed()
    assert store.table(EXPERIMENTS_TABLE).raw() == {"1": {"title": "outside"}}


def test_a_failed_change_leaves_the_file_and_memory_as_they_were(store: ProjectStore) -> None:
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).insert({"title": "kept"})
    before = store.path.read_bytes()
    loads = store.load_count

    with pytest.raises(KeyError, match="boom"), store.change() as db:
        table = db.table(EXPERIMENTS_TABLE)
        table.insert({"title": "lost 1"})
        table.update({"title": "changed"}, doc_ids=[1])
        table.insert({"title": "lost 2"})
        raise KeyError("boom")

    assert store.path.read_bytes() == before
    assert store.load_count == loads + 1  # memory was re-read from the (unchanged) file
    assert store.table(EXPERIMENTS_TABLE).raw() == {"1": {"title": "kept"}}
    # TinyDB's cached next id was forgotten too: the next insert continues from the file.
    with store.change() as db:
        assert db.table(EXPERIMENTS_TABLE).insert({"title": "next"}) == 2


def test_a_failed_write_rolls_back_the_repository(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.add(Experiment("kept"))
    before = repo.store.path.read_bytes()

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "write_atomic", disk_full)
    with pytest.raises(OSError, match="No space"):
        repo.add(Experiment("lost"))
    with pytest.raises(OSError, match="No space"):
        repo.save(dataclasses.replace(repo.get(1), title="lost"))
    monkeypatch.undo()

    assert repo.store.path.read_bytes() == before
    assert [e.title for e in repo.experiments()] == ["kept"]
    assert repo.add(Experiment("next")).id == 2
    assert [e.title for e in Repository(repo.store).experiments()] == ["kept", "next"]


def test_an_unserializable_value_is_refused_before_writing(repo: Repository) -> None:
    repo.add(Experiment("kept"))
    before = repo.store.path.read_bytes()
    with pytest.raises(TypeError):
        repo.add(Experiment("lone surrogate \udc80"))
    assert repo.store.path.read_bytes() == before
    assert [e.title for e in repo.experiments()] == ["kept"]


def test_writes_outside_change_are_refused_and_leave_nothing_behind(
    store: ProjectStore,
) -> None:
    before = store.path.read_bytes()
    with pytest.raises(RuntimeError, match=r"ProjectStore\.change"):
        store.table(EXPERIMENTS_TABLE).insert({"title": "sneaky"})
    assert store.path.read_bytes() == before
    assert store.table(EXPERIMENTS_TABLE).raw() == {}
    # ...and the refused document does not ride along with the next real change.
    with store.change() as db:
        db.table("other").insert({"x": 1})
    assert b"sneaky" not in store.path.read_bytes()


def test_nested_changes_are_one_write(store: ProjectStore, calls: Counter[str]) -> None:
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).insert({"title": "a"})
        with store.change() as inner:
            inner.table(EXPERIMENTS_TABLE).insert({"title": "b"})
        assert calls["replace"] == 0
    assert calls["replace"] == 1
    assert len(store.table(EXPERIMENTS_TABLE).raw()) == 2


def test_integer_keyed_view_of_a_table() -> None:
    raw: dict[str, Any] = {"1": {"a": 1}, "3": {"a": 3}}
    view = storage._IntKeyed(raw)
    assert list(view) == [1, 3] and len(view) == 2 and 3 in view and 2 not in view
    view[5] = {"a": 5}
    del view[1]
    assert raw == {"3": {"a": 3}, "5": {"a": 5}}
    view.clear()
    assert raw == {}


def test_atomic_module_is_what_the_storage_uses() -> None:
    """The counting above is meaningful only if storage writes through write_atomic."""
    assert getattr(storage, "write_atomic") is atomic.write_atomic  # noqa: B009
