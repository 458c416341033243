"""Experiments are built when first needed: the preview of the best-ranked ones, the rest a
chunk at a time, and changes made in between. Whatever the order, the repository must end
up exactly where one that built everything at once would be."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iterate_tui.domain import lifecycle
from iterate_tui.domain.enums import OPEN_STATUSES, Quadrant, Status
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.ranking import rank
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.errors import CorruptStoreError
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import EXPERIMENTS_TABLE

QUADRANTS = list(Quadrant)
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def make_project(path: Path, n: int, seed: int) -> None:
    """``n`` experiments over every status, some without estimates, ties in score."""
    rng = random.Random(seed)
    repo = Repository(ProjectStore.open(path))
    exps: list[Experiment] = []
    for i in range(n):
        exp = Experiment(
            title=f"idea {i}",
            impact=rng.choice([None, 1, 2, 3, 4, 5]),
            probability=rng.choice([None, 0.1, 0.5, 0.9]),
            cost=rng.choice([0.5, 1.0, 8.0]),
            info_value=rng.randint(0, 3),
        )
        if rng.random() < 0.6:
            exp = lifecycle.triage(exp, rng.choice(QUADRANTS), ProjectSettings(), NOW)
            if rng.random() < 0.3:
                exp = lifecycle.skip(exp, "not now", NOW)
        exps.append(exp)
    repo.add_many(exps)
    repo.store.close()


def fresh(path: Path) -> Repository:
    return Repository(ProjectStore.open(path))


def eager(path: Path) -> list[Experiment]:
    repo = fresh(path)
    try:
        return repo.experiments()
    finally:
        repo.store.close()


@pytest.fixture
def project(db_path: Path) -> Path:
    make_project(db_path, 120, seed=7)
    return db_path


def test_the_preview_is_the_top_of_the_full_ranking_and_builds_only_that(project: Path) -> None:
    repo = fresh(project)
    preview = repo.top_ranked(OPEN_STATUSES, 10)
    assert preview is not None
    rows, shown = preview
    everything = eager(project)
    opened = [e for e in everything if e.status in OPEN_STATUSES]
    assert shown == len(opened)
    assert rows == rank(opened, repo.settings())[:10]
    assert not repo.complete
    assert repo.count() == len(everything)  # counted without building
    assert repo.status_counts()[Status.IDEA.value] == sum(
        e.status is Status.IDEA for e in everything
    )
    assert repo.experiments() == everything and repo.complete
    assert repo.top_ranked(OPEN_STATUSES, 10) is None  # built: rank them directly


def test_one_status_is_built_alone_in_the_files_order(project: Path) -> None:
    repo = fresh(project)
    ideas = repo.with_status(frozenset({Status.IDEA}))
    assert not repo.complete
    assert ideas == [e for e in eager(project) if e.status is Status.IDEA] and ideas
    repo.experiments()
    assert repo.with_status(frozenset({Status.IDEA})) == ideas


def test_building_in_chunks_keeps_the_files_order(project: Path) -> None:
    repo = fresh(project)
    repo.top_ranked(OPEN_STATUSES, 5)
    steps = 0
    while not repo.build_some(17):
        steps += 1
        assert not repo.complete
    assert steps == 6 and repo.complete  # 115 left after the preview: 7 chunks of 17
    assert repo.experiments() == eager(project)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), script=st.lists(st.integers(0, 6), max_size=25))
def test_changes_while_partly_built_end_where_an_eager_build_would(
    tmp_path_factory: pytest.TempPathFactory, seed: int, script: list[int]
) -> None:
    path = tmp_path_factory.mktemp("lazy") / "project.json"
    make_project(path, 40, seed)
    rng = random.Random(seed)
    repo = fresh(path)
    deleted: list[Experiment] = []
    try:
        for step in script:
            ids = [int(k) for k in orjson.loads(path.read_bytes())[EXPERIMENTS_TABLE]]
            if step == 0:
                repo.top_ranked(OPEN_STATUSES, rng.randint(1, 10))
            elif step == 1:
                repo.build_some(rng.randint(1, 15))
            elif step == 2 and ids:
                exp = repo.get(rng.choice(ids))
                repo.save(dataclasses.replace(exp, title=exp.title + "!", cost=exp.cost + 1))
            elif step == 3:
                repo.add(Experiment(title=f"new {len(ids)}", impact=5, probability=0.9))
            elif step == 4 and ids:
                deleted.append(repo.delete(rng.choice(ids)))
            elif step == 5 and deleted:
                repo.put_back(deleted.pop())
            elif step == 6:
                assert repo.count() == len(ids)
        assert repo.experiments() == eager(path)
        assert repo.count() == len(eager(path))
    finally:
        repo.store.close()


def test_a_malformed_document_is_left_out_of_the_preview_and_reported_by_the_build(
    project: Path,
) -> None:
    data = orjson.loads(project.read_bytes())
    first = next(iter(data[EXPERIMENTS_TABLE]))
    data[EXPERIMENTS_TABLE][first]["created_at"] = "yesterday"
    project.write_bytes(orjson.dumps(data))
    repo = fresh(project)
    try:
        preview = repo.top_ranked(OPEN_STATUSES, 500)
        assert preview is not None
        rows, _ = preview
        assert int(first) not in {e.id for e in rows}
        with pytest.raises(CorruptStoreError, match=f"experiment '{first}' is malformed"):
            while not repo.build_some(50):
                pass
    finally:
        repo.store.close()
