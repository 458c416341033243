"""The incremental serialization of the experiments table: a change re-serializes only the
documents it touched, and the file is still exactly ``orjson.dumps`` of the whole data.

A stale kept document would be silent data loss, so the state machine below drives every
way of changing the data (the repository, raw TinyDB operations, another writer, failed
changes, a replaced table object) and checks the file against an independent model, against
a full ``orjson.dumps`` of the writer's memory and against a fresh reader after every step,
with the production setting (no verification on write).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tinydb import where
from tinydb.table import Document

from iterate_tui.domain import lifecycle
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store import storage
from iterate_tui.store.codec import doc_to_experiment, experiment_to_doc, settings_to_doc
from iterate_tui.store.errors import NotFoundError
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import EXPERIMENTS_TABLE, PROJECT_TABLE

titles = st.text(st.characters(codec="utf-8"), min_size=1, max_size=10)
costs = st.floats(0.1, 100.0)
tags = st.text('abcxyzé"\\/', min_size=1, max_size=4)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def verify(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write in these tests is checked against a full ``orjson.dumps``."""
    monkeypatch.setattr(storage, "VERIFY_SERIALIZE", True)


def assert_file_is_the_data(store: ProjectStore) -> dict[str, Any]:
    """The file is byte for byte ``orjson.dumps`` of the writer's memory, and re-opens to it."""
    payload = store.path.read_bytes()
    parsed: dict[str, Any] = orjson.loads(payload)
    assert orjson.dumps(parsed) == payload
    if not store.changed_on_disk():
        assert orjson.dumps(store.storage.read()) == payload
    fresh = ProjectStore.open(store.path)
    try:
        assert fresh.storage.read() == parsed
    finally:
        fresh.close()
    return parsed


def new_doc(title: str, cost: float = 1.0) -> dict[str, Any]:
    return experiment_to_doc(Experiment(title, cost=cost, created_at=NOW, updated_at=NOW))


# -- the state machine ----------------------------------------------------------------------


class SerializeCacheMachine(RuleBasedStateMachine):
    """Two writers on one file (the app and a script) and the expected tables as dicts."""

    def __init__(self) -> None:
        super().__init__()
        # Production setting: nothing checks the writes but the invariant below.
        self.verify_before = storage.VERIFY_SERIALIZE
        storage.VERIFY_SERIALIZE = False
        self.folder = Path(tempfile.mkdtemp(prefix="iterate-sercache-"))
        self.path = self.folder / "project.json"
        self.app = Repository(ProjectStore.open(self.path))
        self.script = Repository(ProjectStore.open(self.path))
        self.docs: dict[str, dict[str, Any]] = {}
        self.project: dict[str, Any] = {}
        self.removed: list[tuple[int, dict[str, Any]]] = []
        self.last = self.app

    def teardown(self) -> None:
        storage.VERIFY_SERIALIZE = self.verify_before
        self.app.store.close()
        self.script.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def pick(self, use_script: bool) -> Repository:
        self.last = self.script if use_script else self.app
        return self.last

    @contextlib.contextmanager
    def change(self, use_script: bool) -> Iterator[Any]:
        with self.pick(use_script).store.change() as db:
            yield db.table(EXPERIMENTS_TABLE)

    def some_id(self, data: st.DataObject) -> int:
        return int(data.draw(st.sampled_from(sorted(self.docs, key=int)), label="id"))

    # -- through the repository ---------------------------------------------------------------
    @rule(title=titles, cost=costs, use_script=st.booleans())
    def add(self, title: str, cost: float, use_script: bool) -> None:
        exp = Experiment(title, cost=cost)
        stored = self.pick(use_script).add(exp)
        self.docs[str(stored.id)] = experiment_to_doc(exp)

    @rule(names=st.lists(titles, min_size=1, max_size=5), use_script=st.booleans())
    def add_many(self, names: list[str], use_script: bool) -> None:
        made = [
            lifecycle.create({"title": f"t {t}", "impact": 3}, ProjectSettings(), NOW)
            for t in names
        ]
        for exp in self.pick(use_script).add_many(made):
            self.docs[str(exp.id)] = experiment_to_doc(exp)

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), title=titles, use_script=st.booleans())
    def save(self, data: st.DataObject, title: str, use_script: bool) -> None:
        exp_id = self.some_id(data)
        changed = dataclasses.replace(
            doc_to_experiment(exp_id, self.docs[str(exp_id)]), title=title
        )
        self.pick(use_script).save(changed)
        self.docs[str(exp_id)] = experiment_to_doc(changed)

    @rule(exp_id=st.integers(1000, 2000), use_script=st.booleans())
    def save_missing(self, exp_id: int, use_script: bool) -> None:
        with pytest.raises(NotFoundError):
            self.pick(use_script).save(Experiment("ghost", id=exp_id))

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), use_script=st.booleans())
    def delete(self, data: st.DataObject, use_script: bool) -> None:
        exp_id = self.some_id(data)
        self.pick(use_script).delete(exp_id)
        self.removed.append((exp_id, self.docs.pop(str(exp_id))))

    @precondition(lambda self: self.removed)
    @rule(use_script=st.booleans())
    def put_back(self, use_script: bool) -> None:
        exp_id, doc = self.removed.pop()
        self.pick(use_script).put_back(doc_to_experiment(exp_id, doc))
        self.docs[str(exp_id)] = doc

    @rule(name=titles, use_script=st.booleans())
    def save_settings(self, name: str, use_script: bool) -> None:
        self.pick(use_script).save_settings(ProjectSettings(name=name))
        self.project = {"1": settings_to_doc(ProjectSettings(name=name))}

    @rule(use_script=st.booleans())
    def refresh(self, use_script: bool) -> None:
        self.pick(use_script).refresh_if_changed()

    # -- raw TinyDB operations --------------------------------------------------------------
    @precondition(lambda self: self.docs)
    @rule(data=st.data(), title=titles, cost=costs, use_script=st.booleans())
    def update_fields(self, data: st.DataObject, title: str, cost: float, use_script: bool) -> None:
        exp_id = self.some_id(data)
        choices: list[dict[str, Any]] = [
            {"title": title},
            {"cost": cost},
            {"title": title, "learned": "x"},
        ]
        fields = data.draw(st.sampled_from(choices))
        with self.change(use_script) as table:
            table.update(fields, doc_ids=[exp_id])
        self.docs[str(exp_id)].update(fields)

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), tag=tags, use_script=st.booleans())
    def update_nested_in_place(self, data: st.DataObject, tag: str, use_script: bool) -> None:
        """An updater that appends to a list inside the stored document."""
        exp_id = self.some_id(data)
        with self.change(use_script) as table:
            table.update(add_tag(tag), doc_ids=[exp_id])
        add_tag(tag)(self.docs[str(exp_id)])

    @rule(threshold=costs, tag=tags, use_script=st.booleans())
    def update_where(self, threshold: float, tag: str, use_script: bool) -> None:
        with self.change(use_script) as table:
            table.update(add_tag(tag), where("cost") >= threshold)
        for doc in self.docs.values():
            if doc["cost"] >= threshold:
                add_tag(tag)(doc)

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), use_script=st.booleans())
    def remove_ids(self, data: st.DataObject, use_script: bool) -> None:
        ids = data.draw(
            st.lists(st.sampled_from(sorted(self.docs, key=int)), min_size=1, unique=True)
        )
        with self.change(use_script) as table:
            table.remove(doc_ids=[int(i) for i in ids])
        for key in ids:
            self.docs.pop(key, None)

    @precondition(lambda self: len(self.docs) >= 5)
    @rule(threshold=st.floats(0.1, 20.0), use_script=st.booleans())
    def remove_where(self, threshold: float, use_script: bool) -> None:
        with self.change(use_script) as table:
            table.remove(where("cost") < threshold)
        self.docs = {k: d for k, d in self.docs.items() if not d["cost"] < threshold}

    @precondition(lambda self: len(self.docs) >= 10)
    @rule(use_script=st.booleans())
    def truncate(self, use_script: bool) -> None:
        with self.change(use_script) as table:
            table.truncate()
        self.docs.clear()

    @rule(names=st.lists(titles, min_size=1, max_size=3), use_script=st.booleans())
    def insert(self, names: list[str], use_script: bool) -> None:
        docs = [new_doc(t) for t in names]
        with self.change(use_script) as table:
            ids = [table.insert(docs[0]), *table.insert_multiple(docs[1:])]
        for exp_id, doc in zip(ids, docs, strict=True):
            self.docs[str(exp_id)] = doc

    @rule(data=st.data(), title=titles, use_script=st.booleans())
    def upsert(self, data: st.DataObject, title: str, use_script: bool) -> None:
        known = sorted(int(k) for k in self.docs)
        exp_id = data.draw(st.sampled_from([*known, 500 + len(known)]), label="id")
        doc = {"title": title} if exp_id in known else new_doc(title)
        with self.change(use_script) as table:
            table.upsert(Document(doc, doc_id=exp_id))
        self.docs.setdefault(str(exp_id), {}).update(doc)

    @precondition(lambda self: len(self.docs) >= 10)
    @rule(use_script=st.booleans())
    def drop_the_table(self, use_script: bool) -> None:
        with self.pick(use_script).store.change() as db:
            db.drop_table(EXPERIMENTS_TABLE)
        self.docs.clear()

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), title=titles, use_script=st.booleans())
    def replace_the_table_object(self, data: st.DataObject, title: str, use_script: bool) -> None:
        """The dict holding the experiments is swapped for another one (with a document that
        differs), then a TinyDB operation elsewhere in the table makes the write."""
        changed, updated = self.some_id(data), self.some_id(data)
        store = self.pick(use_script).store
        with store.change() as db:
            tables = store.storage.read()
            replacement = copy.deepcopy(tables[EXPERIMENTS_TABLE])
            replacement[str(changed)]["learned"] = "swapped"
            tables[EXPERIMENTS_TABLE] = replacement
            db.table(EXPERIMENTS_TABLE).update({"title": title}, doc_ids=[updated])
        self.docs[str(changed)]["learned"] = "swapped"
        self.docs[str(updated)]["title"] = title

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), title=titles, use_script=st.booleans())
    def failed_change(self, data: st.DataObject, title: str, use_script: bool) -> None:
        exp_id = self.some_id(data)
        with pytest.raises(KeyError, match="boom"), self.change(use_script) as table:
            table.update({"title": title}, doc_ids=[exp_id])
            table.update(add_tag("lost"), doc_ids=[exp_id])
            table.insert(new_doc(title))
            table.remove(doc_ids=[exp_id])
            raise KeyError("boom")

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), use_script=st.booleans())
    def unserializable_change(self, data: st.DataObject, use_script: bool) -> None:
        exp_id = self.some_id(data)
        with pytest.raises(TypeError), self.change(use_script) as table:
            table.update({"title": "ok"}, doc_ids=[exp_id])
            table.insert(new_doc("lone surrogate \udc80"))

    @precondition(lambda self: self.docs)
    @rule(data=st.data(), title=titles, use_script=st.booleans())
    def updater_fails_half_way(self, data: st.DataObject, title: str, use_script: bool) -> None:
        """An updater changes a document, then raises; the change catches it and goes on,
        so the half-made edit is in memory and must be in the file too."""
        exp_id = self.some_id(data)

        def half(doc: MutableMapping[str, Any]) -> None:
            doc["title"] = title
            raise ValueError("half way")

        with self.change(use_script) as table:
            with pytest.raises(ValueError, match="half way"):
                table.update(half, doc_ids=[exp_id])
            new_id = table.insert(new_doc("after"))
        self.docs[str(exp_id)]["title"] = title
        self.docs[str(new_id)] = new_doc("after")

    @invariant()
    def the_file_is_the_model_and_orjson_dumps_of_the_writer(self) -> None:
        parsed = assert_file_is_the_data(self.last.store)
        assert parsed.get(EXPERIMENTS_TABLE, {}) == self.docs
        assert parsed.get(PROJECT_TABLE, {}) == self.project


def add_tag(tag: str) -> Callable[[MutableMapping[str, Any]], None]:
    def add(doc: MutableMapping[str, Any]) -> None:
        doc.setdefault("tags", []).append(tag)

    return add


SerializeCacheMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None
)
TestSerializeCacheAgainstModel = SerializeCacheMachine.TestCase


# -- what one change costs -----------------------------------------------------------------


@pytest.fixture
def dumps_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts ``orjson.dumps`` calls by what they serialize: one experiment document, the
    whole data or a whole experiments table, or anything else (a small table, a name)."""
    counts: Counter[str] = Counter()
    real = orjson.dumps

    def counting(obj: Any, *args: Any, **kwargs: Any) -> bytes:
        if isinstance(obj, dict) and EXPERIMENTS_TABLE in obj:
            counts["whole data"] += 1
        elif isinstance(obj, dict) and len(obj) == 1 and next(iter(obj)).isdigit():
            counts["document"] += 1
        elif isinstance(obj, dict) and any(isinstance(k, str) and k.isdigit() for k in obj):
            counts["whole table"] += 1
        else:
            counts["other"] += 1
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(storage, "VERIFY_SERIALIZE", False)  # it dumps the whole data
    monkeypatch.setattr(orjson, "dumps", counting)
    return counts


def test_a_one_document_change_serializes_one_document(
    repo: Repository, dumps_calls: Counter[str]
) -> None:
    n = 300
    repo.add_many(
        lifecycle.create({"title": f"idea {i}", "impact": 1 + i % 5}, ProjectSettings(), NOW)
        for i in range(n)
    )
    exp = repo.get(150)
    repo.save(dataclasses.replace(exp, title="warm-up"))

    def documents_serialized_by(change: Callable[[], object]) -> int:
        dumps_calls.clear()
        change()
        assert dumps_calls["whole data"] == 0 and dumps_calls["whole table"] == 0
        assert dumps_calls["other"] <= 4  # `_meta`, `project`, `journal`, the table's name
        return dumps_calls["document"]

    assert documents_serialized_by(lambda: repo.save(dataclasses.replace(exp, title="x"))) == 1
    assert documents_serialized_by(lambda: repo.add(Experiment("new"))) == 1
    removed = repo.get(7)
    assert documents_serialized_by(lambda: repo.delete(7)) == 0
    assert documents_serialized_by(lambda: repo.put_back(removed)) == 1
    assert documents_serialized_by(lambda: repo.save_settings(ProjectSettings(name="p"))) == 0
    assert documents_serialized_by(lambda: repo.save(dataclasses.replace(exp, title="y"))) == 1

    # Another writer's change is read back in: everything is serialized afresh once.
    other = Repository(ProjectStore.open(repo.store.path))
    try:
        other.save(dataclasses.replace(other.get(3), title="outside"))
    finally:
        other.store.close()
    assert documents_serialized_by(lambda: repo.save(dataclasses.replace(exp, title="z"))) == n + 1
    assert documents_serialized_by(lambda: repo.save(dataclasses.replace(exp, title="w"))) == 1
    dumps_calls.clear()
    parsed = assert_file_is_the_data(repo.store)
    assert parsed[EXPERIMENTS_TABLE]["3"]["title"] == "outside"
    assert parsed[EXPERIMENTS_TABLE]["150"]["title"] == "w"
    assert len(parsed[EXPERIMENTS_TABLE]) == n + 1


# -- rollbacks and failures ----------------------------------------------------------------


def test_a_change_that_raises_rolls_back_and_the_next_write_is_right(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = repo.store
    repo.add_many(Experiment(f"e{n}") for n in range(10))
    repo.save(dataclasses.replace(repo.get(2), title="warm"))
    before = store.path.read_bytes()

    with pytest.raises(KeyError, match="boom"), store.change() as db:
        table = db.table(EXPERIMENTS_TABLE)
        table.update({"title": "lost"}, doc_ids=[2])
        table.update(add_tag("lost"), doc_ids=[3])
        table.remove(doc_ids=[4])
        table.insert(new_doc("lost"))
        raise KeyError("boom")
    assert store.path.read_bytes() == before

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "write_atomic", disk_full)
    with pytest.raises(OSError, match="No space"):
        repo.save(dataclasses.replace(repo.get(5), title="lost too"))
    monkeypatch.undo()
    monkeypatch.setattr(storage, "VERIFY_SERIALIZE", False)  # the file alone must be right
    assert store.path.read_bytes() == before

    with pytest.raises(TypeError), store.change() as db:
        db.table(EXPERIMENTS_TABLE).update({"title": "lost as well"}, doc_ids=[6])
        db.table(EXPERIMENTS_TABLE).update({"title": "lone surrogate \udc80"}, doc_ids=[7])
    assert store.path.read_bytes() == before

    repo.save(dataclasses.replace(repo.get(8), title="kept"))
    parsed = assert_file_is_the_data(store)
    titles = {int(k): d["title"] for k, d in parsed[EXPERIMENTS_TABLE].items()}
    assert titles == {1: "e0", 2: "warm", 3: "e2", 4: "e3", 5: "e4", 6: "e5", 7: "e6"} | {
        8: "kept",
        9: "e8",
        10: "e9",
    }
    assert "tags" not in parsed[EXPERIMENTS_TABLE]["3"]


def test_the_verification_catches_a_document_changed_behind_tinydbs_back(
    store: ProjectStore,
) -> None:
    """Documents handed out for reading must not be changed: their kept bytes would be
    written again. The check made on every write in tests refuses such a write."""
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).insert_multiple([new_doc("one"), new_doc("two")])
    before = store.path.read_bytes()
    store.table(EXPERIMENTS_TABLE).raw()["1"]["title"] = "behind its back"
    with pytest.raises(storage.SerializeCacheError), store.change() as db:
        db.table(EXPERIMENTS_TABLE).update({"title": "deux"}, doc_ids=[2])
    assert store.path.read_bytes() == before
    # The failed write rolled back to the file, so the next one is right again.
    assert store.table(EXPERIMENTS_TABLE).raw()["1"]["title"] == "one"
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).update({"title": "deux"}, doc_ids=[2])
    parsed = assert_file_is_the_data(store)
    assert [d["title"] for d in parsed[EXPERIMENTS_TABLE].values()] == ["one", "deux"]


def test_an_updater_that_fails_half_way_still_has_its_change_written(
    store: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document is recorded as touched before the updater gets it, not after."""
    monkeypatch.setattr(storage, "VERIFY_SERIALIZE", False)
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).insert_multiple([new_doc("one"), new_doc("two")])

    def half(doc: MutableMapping[str, Any]) -> None:
        doc["title"] = "half"
        raise ValueError("half way")

    with store.change() as db:
        table = db.table(EXPERIMENTS_TABLE)
        with pytest.raises(ValueError, match="half way"):
            table.update(half, doc_ids=[1])
        table.update({"cost": 2.0}, doc_ids=[2])
    parsed = assert_file_is_the_data(store)
    assert parsed[EXPERIMENTS_TABLE]["1"]["title"] == "half"


# -- whole-data writes, replaced tables, the format ------------------------------------------


def test_write_now_serializes_everything_even_when_changed_in_place(store: ProjectStore) -> None:
    """A migration may change the documents in place and hand the same objects back."""
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).insert_multiple([new_doc("one"), new_doc("two")])
    with store.lock.exclusive():
        data = store.storage.read()
        data[EXPERIMENTS_TABLE]["1"]["title"] = "migrated"
        store.storage.write_now(data)
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).update({"title": "deux"}, doc_ids=[2])
    parsed = assert_file_is_the_data(store)
    assert [d["title"] for d in parsed[EXPERIMENTS_TABLE].values()] == ["migrated", "deux"]


def test_a_replaced_or_recreated_experiments_table_is_serialized_afresh(
    store: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "VERIFY_SERIALIZE", False)
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).insert_multiple([new_doc("one"), new_doc("two")])
    with store.change() as db:  # an equal-looking table object with one document changed
        tables = store.storage.read()
        replacement = copy.deepcopy(tables[EXPERIMENTS_TABLE])
        replacement["1"]["title"] = "swapped"
        tables[EXPERIMENTS_TABLE] = replacement
        db.table(EXPERIMENTS_TABLE).update({"cost": 3.0}, doc_ids=[2])
    parsed = assert_file_is_the_data(store)
    assert parsed[EXPERIMENTS_TABLE]["1"]["title"] == "swapped"

    with store.change() as db:  # dropped, then made again by `setdefault` on insert
        db.drop_table(EXPERIMENTS_TABLE)
        db.table(EXPERIMENTS_TABLE).insert(new_doc("three"))
    parsed = assert_file_is_the_data(store)
    assert [d["title"] for d in parsed[EXPERIMENTS_TABLE].values()] == ["three"]

    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).truncate()
    assert assert_file_is_the_data(store)[EXPERIMENTS_TABLE] == {}
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).insert(new_doc("four"))
    assert [d["title"] for d in assert_file_is_the_data(store)[EXPERIMENTS_TABLE].values()] == [
        "four"
    ]


UNUSUAL = {
    "title": 'quotes " and \\ backslash / slash \u2028 \x00 \t é 漢字 🎉',
    "cost": 1e-7,
    "big": 10**18,
    "floats": [0.0, -0.0, 1e22, 1.5e-300, 123456789.125, -1.0],
    "nested": {"a": [{"b": None, "c": True, "d": False}], "": "empty key", "ключ": []},
}


def test_the_file_is_exactly_orjson_dumps_whatever_the_content_and_table_order(
    db_path: Path,
) -> None:
    """A bare TinyDB file (version 0) with the experiments first and other tables after."""
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(
        orjson.dumps(
            {
                EXPERIMENTS_TABLE: {"1": dict(UNUSUAL), "2": {"title": "plain"}},
                "zeta": {"1": {"x": [1, 2, 3]}},
            }
        )
    )
    store = ProjectStore.open(db_path)
    try:
        assert store.migrated_from == 0
        assert next(iter(store.storage.read())) == EXPERIMENTS_TABLE
        assert_file_is_the_data(store)
        with store.change() as db:
            db.table(EXPERIMENTS_TABLE).update({"title": "plain \U0010ffff ✓"}, doc_ids=[2])
        assert_file_is_the_data(store)
        with store.change() as db:
            db.table(EXPERIMENTS_TABLE).insert({**UNUSUAL, "cost": 2.5})
            db.table("zeta").insert({"y": "z"})
        assert_file_is_the_data(store)
        with store.change() as db:
            db.table(EXPERIMENTS_TABLE).remove(doc_ids=[1, 2, 3])
        parsed = assert_file_is_the_data(store)
        assert parsed[EXPERIMENTS_TABLE] == {}
        assert b'"experiments":{}' in store.path.read_bytes()
    finally:
        store.close()


def test_nan_is_refused_by_the_codec_and_written_as_orjson_would_otherwise(
    repo: Repository,
) -> None:
    repo.add(Experiment("kept"))
    before = repo.store.path.read_bytes()
    with pytest.raises(ValueError, match="NaN"):
        repo.add(Experiment("nan", cost=float("nan")))
    assert repo.store.path.read_bytes() == before
    # Below the codec nothing refuses it: orjson writes null, cached or not.
    with repo.store.change() as db:
        db.table(EXPERIMENTS_TABLE).update({"probability": float("nan")}, doc_ids=[1])
    assert assert_file_is_the_data(repo.store)[EXPERIMENTS_TABLE]["1"]["probability"] is None


def test_the_integer_keyed_view_records_every_document_it_hands_out() -> None:
    raw: dict[str, Any] = {"1": {"a": 1}, "2": {"a": 2}, "3": {"a": 3}}
    cache = storage.DocumentCache(EXPERIMENTS_TABLE)
    cache.table = raw
    view = storage._IntKeyed(raw, cache)

    assert 1 in view and list(view) == [1, 2, 3] and len(view) == 3
    assert cache.touched == set() and not cache.moved  # keys alone give no document

    view[1]["a"] = 10  # read, then changed in place
    view[2] = {"a": 20}  # replaced under an existing key: the order stays
    assert cache.touched == {"1", "2"} and not cache.moved
    view[4] = {"a": 4}
    assert cache.touched == {"1", "2", "4"} and cache.moved
    cache.moved = False
    assert view.pop(3) == {"a": 3}
    assert "3" in cache.touched and cache.moved
    cache.touched.clear()
    assert len(list(view.items())) == 3
    assert cache.touched == {"1", "2", "4"}  # every document iterated over is handed out
    view.clear()
    assert raw == {} and cache.table is None and cache.touched == set()

    # Another table's view records nothing.
    plain = storage._IntKeyed({"1": {}})
    plain[1]["x"] = 1
    assert plain.raw == {"1": {"x": 1}}


def test_every_wholesale_change_drops_the_kept_documents(
    store: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Belt and braces: besides the identity check on the table object, each way of
    replacing or rewriting the data forgets the kept bytes outright."""
    cache = store.storage.cache

    def warm() -> None:
        with store.change() as db:
            db.table(EXPERIMENTS_TABLE).insert(new_doc("doc"))
        assert cache.table is store.storage.read()[EXPERIMENTS_TABLE] and cache.pieces

    warm()
    store.reload()
    assert cache.table is None

    warm()
    with store.change() as db:
        db.drop_table(PROJECT_TABLE)  # TinyDB writes the whole data itself
        assert cache.table is None

    warm()
    with store.change():
        store.storage.write_documents(dict(store.storage.read()))
        assert cache.table is None

    warm()
    with store.lock.exclusive():
        store.storage.write_now(store.storage.read())
    assert cache.table is store.storage.read()[EXPERIMENTS_TABLE]  # made afresh

    warm()

    def unreadable() -> None:
        raise OSError("cannot re-read")

    monkeypatch.setattr(store.storage, "load", unreadable)
    with pytest.raises(KeyError), store.change() as db:
        db.table(EXPERIMENTS_TABLE).update({"title": "half"}, doc_ids=[1])
        raise KeyError("boom")
    assert cache.table is None
