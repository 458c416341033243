"""The repository against a plain dict: random sequences of changes, with the file re-read by
an independent store after every step, must agree with the model."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
)

from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.errors import NotFoundError
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

titles = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)
costs = st.floats(0.1, 100.0)


class RepositoryMachine(RuleBasedStateMachine):
    """Two repositories on one file (as the app and a script would be) and a dict model."""

    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="iterate-store-"))
        self.path = self.folder / "project.json"
        self.app = Repository(ProjectStore.open(self.path))
        self.script = Repository(ProjectStore.open(self.path))
        self.model: dict[int, Experiment] = {}
        self.name = ProjectSettings().name
        self.removed: list[Experiment] = []
        self.last = self.app

    def teardown(self) -> None:
        self.app.store.close()
        self.script.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def pick(self, use_script: bool) -> Repository:
        """The repository a rule uses; the other one is left stale until it acts or
        refreshes, so that changes made on top of an outside change are exercised."""
        self.last = self.script if use_script else self.app
        return self.last

    @rule(target=ids, title=titles, cost=costs, use_script=st.booleans())
    def add(self, title: str, cost: float, use_script: bool) -> int:
        stored = self.pick(use_script).add(Experiment(title, cost=cost))
        assert stored.id not in self.model
        self.model[stored.id] = stored
        return stored.id

    @rule(target=ids, titles=st.lists(titles, min_size=1, max_size=4), use_script=st.booleans())
    def add_many(self, titles: list[str], use_script: bool) -> MultipleResults[int]:
        stored = self.pick(use_script).add_many(Experiment(t) for t in titles)
        assert [e.title for e in stored] == titles
        assert len({e.id for e in stored}) == len(titles)
        for exp in stored:
            assert exp.id not in self.model
            self.model[exp.id] = exp
        return multiple(*(e.id for e in stored))

    @rule(exp_id=ids, title=titles, use_script=st.booleans())
    def save(self, exp_id: int, title: str, use_script: bool) -> None:
        repo = self.pick(use_script)
        if exp_id not in self.model:
            with pytest.raises(NotFoundError):
                repo.save(Experiment(title, id=exp_id))
            return
        changed = dataclasses.replace(self.model[exp_id], title=title)
        assert repo.save(changed) == changed
        self.model[exp_id] = changed

    @rule(exp_id=consumes(ids), use_script=st.booleans())
    def delete(self, exp_id: int, use_script: bool) -> None:
        repo = self.pick(use_script)
        if exp_id not in self.model:
            with pytest.raises(NotFoundError):
                repo.delete(exp_id)
            return
        removed = repo.delete(exp_id)
        assert removed == self.model.pop(exp_id)
        self.removed.append(removed)

    @precondition(lambda self: self.removed)
    @rule(use_script=st.booleans())
    def undo_delete(self, use_script: bool) -> None:
        exp = self.removed.pop()
        if exp.id in self.model:
            return  # the id was handed out again (see test_an_id_is_never_handed_out_twice)
        self.pick(use_script).put_back(exp)
        self.model[exp.id] = exp

    @rule(name=titles, use_script=st.booleans())
    def save_settings(self, name: str, use_script: bool) -> None:
        self.pick(use_script).save_settings(ProjectSettings(name=name))
        self.name = name

    @rule(use_script=st.booleans())
    def refresh(self, use_script: bool) -> None:
        repo = self.pick(use_script)
        stale = repo.store.changed_on_disk()
        assert repo.refresh_if_changed() is stale
        assert repo.refresh_if_changed() is False

    @invariant()
    def the_file_and_the_last_repository_used_agree_with_the_model(self) -> None:
        fresh = Repository(ProjectStore.open(self.path))
        try:
            for repo in (fresh, self.last):
                assert {e.id: e for e in repo.experiments()} == self.model
                assert repo.settings().name == self.name
                assert repo.count() == len(self.model)
        finally:
            fresh.store.close()


RepositoryMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=20, deadline=None
)
TestRepositoryAgainstModel = RepositoryMachine.TestCase


def test_changes_to_a_missing_experiment_write_nothing(repo: Repository) -> None:
    repo.add(Experiment("one"))
    before = repo.store.path.read_bytes()
    with pytest.raises(NotFoundError, match="#7"):
        repo.save(Experiment("ghost", id=7))
    with pytest.raises(NotFoundError, match="#7"):
        repo.delete(7)
    with pytest.raises(NotFoundError, match="#7"):
        repo.get(7)
    assert repo.store.path.read_bytes() == before
    assert [e.title for e in repo.experiments()] == ["one"]


def test_put_back_restores_a_deleted_experiment_under_its_id(repo: Repository) -> None:
    repo.add_many([Experiment("one"), Experiment("two"), Experiment("three")])
    removed = repo.delete(2)
    assert [e.id for e in repo.experiments()] == [1, 3]
    repo.put_back(removed)
    assert repo.get(2) == removed
    assert repo.add(Experiment("four")).id == 4
    fresh = Repository(repo.store)
    assert {e.id: e.title for e in fresh.experiments()} == {
        1: "one",
        2: "two",
        3: "three",
        4: "four",
    }


def test_revision_moves_on_every_change(repo: Repository) -> None:
    seen = [repo.revision]
    exp = repo.add(Experiment("one"))
    seen.append(repo.revision)
    repo.save(dataclasses.replace(exp, title="two"))
    seen.append(repo.revision)
    repo.delete(exp.id)
    seen.append(repo.revision)
    assert seen == sorted(set(seen))


def test_an_empty_project_has_default_settings(repo: Repository) -> None:
    assert repo.experiments() == []
    assert repo.count() == 0
    assert repo.settings() == ProjectSettings()


def test_an_id_is_never_handed_out_twice(db_path: Path) -> None:
    app = Repository(ProjectStore.open(db_path))
    script = Repository(ProjectStore.open(db_path))
    try:
        app.add_many([Experiment("one"), Experiment("two")])
        removed = app.delete(2)
        from_script = script.add(Experiment("from a script"))
        app.put_back(removed)  # the app's undo
        assert from_script.id != removed.id
        assert "from a script" in {e.title for e in app.experiments()}
    finally:
        app.store.close()
        script.store.close()
