"""The start-up reader: a forked child reads, parses and ranks the project while the app
imports Textual (see iterate_tui/store/prefetch.py). Whatever happens to it, the
repository must end exactly where a plain open would, and the child must be collected."""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

from iterate_tui.domain.enums import OPEN_STATUSES, Status
from iterate_tui.domain.ranking import rank
from iterate_tui.store.errors import CorruptStoreError
from iterate_tui.store.lock import ProjectLock
from iterate_tui.store.prefetch import Prefetch
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import EXPERIMENTS_TABLE, SCHEMA_VERSION, version_of

from .test_store_lazy_build import eager, make_project
from .test_store_schema import EXPERIMENT_DOC, newer_file, write_json

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

LIMIT = 10


@pytest.fixture
def project(db_path: Path) -> Path:
    make_project(db_path, 200, seed=11)
    return db_path


def start(path: Path, limit: int = LIMIT) -> Prefetch:
    prefetch = Prefetch.start(path, OPEN_STATUSES, limit)
    assert prefetch is not None
    return prefetch


def open_prefetched(path: Path, prefetch: Prefetch | None = None) -> Repository:
    return Repository(ProjectStore.open(path, prefetch=prefetch or start(path)))


def collected(pid: int) -> bool:
    """Has the child been waited for (no zombie left)?"""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def build_everything(repo: Repository) -> None:
    while not repo.build_some(64):
        pass


def test_the_first_screen_is_answered_from_the_child_without_parsing_the_rest(
    project: Path,
) -> None:
    everything = eager(project)
    repo = open_prefetched(project)
    storage = repo.store.storage
    assert storage.feeding
    preview = repo.top_ranked(OPEN_STATUSES, LIMIT)
    assert preview is not None
    rows, shown = preview
    opened = [e for e in everything if e.status in OPEN_STATUSES]
    assert rows == rank(opened, repo.settings())[:LIMIT]
    assert shown == len(opened)
    assert repo.count() == len(everything)
    assert repo.status_counts() == Counter(e.status.value for e in everything)
    assert storage.feeding, "nothing above needed the rest of the experiments"
    assert storage.documents(EXPERIMENTS_TABLE) == {}
    repo.store.close()


def test_built_in_chunks_it_ends_as_a_plain_open_and_the_child_is_collected(
    project: Path,
) -> None:
    prefetch = start(project)
    repo = open_prefetched(project, prefetch)
    repo.top_ranked(OPEN_STATUSES, LIMIT)
    steps = 0
    while not repo.build_some(64):
        steps += 1
    assert steps > 3, "the experiments arrived a chunk at a time"
    assert repo.experiments() == eager(project)
    data = repo.store.storage.read()
    on_disk = orjson.loads(project.read_bytes())
    assert data == on_disk
    assert list(data[EXPERIMENTS_TABLE]) == list(on_disk[EXPERIMENTS_TABLE]), "file order"
    assert not repo.store.storage.feeding
    assert collected(prefetch.pid)
    repo.store.close()


def test_a_change_before_the_rest_arrived_waits_for_it_and_writes_the_whole_file(
    project: Path,
) -> None:
    before = eager(project)
    repo = open_prefetched(project)
    preview = repo.top_ranked(OPEN_STATUSES, LIMIT)
    assert preview is not None
    top = preview[0][0]
    changed = dataclasses.replace(top, title="changed while loading")
    repo.save(changed)
    after = eager(project)
    assert after == [changed if e.id == top.id else e for e in before]
    repo.store.close()


def test_questions_the_header_cannot_answer_wait_for_everything(project: Path) -> None:
    everything = eager(project)
    repo = open_prefetched(project)
    preview = repo.top_ranked(OPEN_STATUSES, LIMIT + 5)  # more rows than the child ranked
    assert preview is not None
    opened = [e for e in everything if e.status in OPEN_STATUSES]
    assert preview[0] == rank(opened, repo.settings())[: LIMIT + 5]
    ideas = repo.with_status(frozenset({Status.IDEA}))
    assert ideas == [e for e in everything if e.status is Status.IDEA]
    assert repo.get(everything[-1].id) == everything[-1]
    repo.store.close()


def test_the_childs_copy_is_dropped_if_the_file_changed_after_it_read_it(
    project: Path,
) -> None:
    prefetch = start(project)
    assert prefetch.header() is not None  # the child has read the file
    other = Repository(ProjectStore.open(project))
    first = other.experiments()[0]
    other.save(dataclasses.replace(first, title="written by a script meanwhile"))
    other.store.close()
    repo = open_prefetched(project, prefetch)
    assert not repo.store.storage.feeding
    assert repo.get(first.id).title == "written by a script meanwhile"
    assert collected(prefetch.pid)
    repo.store.close()


def test_a_child_that_dies_midway_leaves_a_plain_read(db_path: Path) -> None:
    make_project(db_path, 3000, seed=3)  # far more than a pipe holds: the child waits
    everything = eager(db_path)
    prefetch = start(db_path)
    repo = open_prefetched(db_path, prefetch)
    assert repo.store.storage.feeding
    repo.build_some(64)
    os.kill(prefetch.pid, signal.SIGKILL)
    build_everything(repo)
    assert repo.experiments() == everything
    assert not repo.store.storage.feeding
    assert collected(prefetch.pid)
    repo.store.close()


def test_a_damaged_file_is_reported_exactly_as_without_the_child(db_path: Path) -> None:
    make_project(db_path, 50, seed=5)
    db_path.write_bytes(db_path.read_bytes()[:-40])
    with pytest.raises(CorruptStoreError) as plain:
        ProjectStore.open(db_path)
    prefetch = start(db_path)
    with pytest.raises(CorruptStoreError) as prefetched:
        ProjectStore.open(db_path, prefetch=prefetch)
    assert str(prefetched.value) == str(plain.value)
    assert collected(prefetch.pid)


def test_closing_before_everything_arrived_stops_the_child(project: Path) -> None:
    prefetch = start(project)
    repo = open_prefetched(project, prefetch)
    assert repo.store.storage.feeding
    repo.store.close()
    assert collected(prefetch.pid)


def test_the_child_never_waits_for_the_lock(project: Path) -> None:
    """The parent holds the lock while it waits for the child: the child must read
    without it, or both would wait for each other."""
    holder = ProjectLock(project)
    with holder.exclusive():
        prefetch = start(project)
        header = prefetch.header(timeout=10)
    holder.close()
    assert header is not None
    prefetch.close()
    assert collected(prefetch.pid)


def test_an_outside_change_while_arriving_is_read_in(project: Path) -> None:
    repo = open_prefetched(project)
    repo.top_ranked(OPEN_STATUSES, LIMIT)
    other = Repository(ProjectStore.open(project))
    first = other.experiments()[0]
    other.save(dataclasses.replace(first, title="changed outside"))
    other.store.close()
    assert repo.refresh_if_changed()
    build_everything(repo)
    assert repo.experiments() == eager(project)
    assert repo.get(first.id).title == "changed outside"
    repo.store.close()


@pytest.mark.parametrize("seed", range(6))
def test_any_mix_of_steps_while_arriving_ends_as_a_plain_open(project: Path, seed: int) -> None:
    rng = random.Random(seed)
    repo = open_prefetched(project)
    for _ in range(rng.randint(1, 12)):
        step = rng.choice(["build", "build", "top", "count", "counts", "get", "save"])
        if step == "build":
            repo.build_some(rng.choice([1, 7, 64]))
        elif step == "top":
            repo.top_ranked(OPEN_STATUSES, rng.choice([3, LIMIT, 40]))
        elif step == "count":
            assert repo.count() == 200
        elif step == "counts":
            assert sum(repo.status_counts().values()) == 200
        elif step == "get":
            repo.get(rng.randint(1, 200))
        else:
            exp = repo.get(rng.randint(1, 200))
            repo.save(dataclasses.replace(exp, title=f"{exp.title} / {seed}"))
    build_everything(repo)
    assert repo.experiments() == eager(project)
    assert repo.store.storage.read() == orjson.loads(project.read_bytes())
    repo.store.close()


def test_it_can_be_switched_off(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    monkeypatch.setenv("ITERATE_TUI_NO_PREFETCH", "1")
    assert Prefetch.start(project, OPEN_STATUSES, LIMIT) is None


def test_a_write_straight_through_tinydb_also_waits_for_every_experiment(project: Path) -> None:
    """Not only the repository: any read of the store's data waits for the rest."""
    before = orjson.loads(project.read_bytes())
    store = ProjectStore.open(project, prefetch=start(project))
    assert store.storage.feeding
    with store.change() as db:
        db.table(EXPERIMENTS_TABLE).update({"title": "via TinyDB"}, doc_ids=[1])
    after = orjson.loads(project.read_bytes())
    assert list(after[EXPERIMENTS_TABLE]) == list(before[EXPERIMENTS_TABLE])
    before[EXPERIMENTS_TABLE]["1"]["title"] = "via TinyDB"
    assert after == before
    store.close()


def test_an_older_file_is_migrated_with_every_experiment(db_path: Path) -> None:
    write_json(
        db_path,
        {
            "_default": {},
            EXPERIMENTS_TABLE: {"1": EXPERIMENT_DOC, "4": {**EXPERIMENT_DOC, "title": "Other"}},
            "project": {"1": {"name": "Old project"}},
        },
    )
    os.chmod(db_path, 0o600)
    repo = open_prefetched(db_path)
    assert repo.store.migrated_from == 0
    assert {e.id: e.title for e in repo.experiments()} == {1: "Try a bigger model", 4: "Other"}
    repo.store.close()
    data = orjson.loads(db_path.read_bytes())
    assert version_of(data) == SCHEMA_VERSION and set(data[EXPERIMENTS_TABLE]) == {"1", "4"}


def test_a_newer_file_is_read_from_the_childs_copy_and_stays_read_only(db_path: Path) -> None:
    newer_file(db_path)
    os.chmod(db_path, 0o600)
    before = db_path.read_bytes()
    repo = open_prefetched(db_path)
    assert repo.store.read_only and repo.store.storage.feeding
    assert [e.title for e in repo.experiments()] == ["Try a bigger model"]
    repo.store.close()
    assert db_path.read_bytes() == before
