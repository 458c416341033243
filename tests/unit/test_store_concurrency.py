"""Several processes on one project: no lost update, a dead holder's lock is released, and an
outside change is noticed."""

from __future__ import annotations

import dataclasses
import itertools
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from iterate_tui.domain.experiment import Experiment
from iterate_tui.store.errors import LockTimeoutError
from iterate_tui.store.lock import ProjectLock
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import EXPERIMENTS_TABLE

from .store_children import spawn

CHANGES = 300


def race(path: Path, mode: str) -> None:
    """Run two ``rmw_worker`` processes against ``path`` at the same moment."""
    ProjectStore.open(path).close()
    workers = [spawn("rmw_worker", str(path), who, str(CHANGES), mode, stdin=True) for who in "AB"]
    try:
        for proc in workers:  # both have imported everything and opened the project
            assert proc.stdout is not None
            assert proc.stdout.readline() == b"ready\n", proc.stderr and proc.stderr.read()
        for proc in workers:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            proc.stdin.flush()
        for proc in workers:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0 and out == b"done\n", err.decode()
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def switches(sequence: list[str]) -> int:
    return sum(a != b for a, b in itertools.pairwise(sequence))


def test_two_processes_read_modify_write_without_losing_an_update(tmp_path: Path) -> None:
    path = tmp_path / "race" / "project.json"
    race(path, "raw")
    store = ProjectStore.open(path)
    try:
        counter = store.table("counters").raw()
        entries = store.table("entries").raw()
    finally:
        store.close()
    assert counter == {"1": {"n": 2 * CHANGES}}
    assert len(entries) == 2 * CHANGES
    assert {(e["who"], e["i"]) for e in entries.values()} == {
        (who, i) for who in "AB" for i in range(CHANGES)
    }
    # Every change saw the one before it: the values written are 1..600, each once.
    assert sorted(e["n"] for e in entries.values()) == list(range(1, 2 * CHANGES + 1))
    # The two really took turns (otherwise this test proved nothing).
    in_order = [entries[k]["who"] for k in sorted(entries, key=int)]
    assert switches(in_order) >= 4


def test_two_processes_adding_through_the_repository_get_distinct_ids(tmp_path: Path) -> None:
    path = tmp_path / "race" / "project.json"
    race(path, "repo")
    store = ProjectStore.open(path)
    try:
        experiments = Repository(store).experiments()
    finally:
        store.close()
    assert sorted(e.title for e in experiments) == sorted(
        f"{who}-{i}" for who in "AB" for i in range(CHANGES)
    )
    assert sorted(e.id for e in experiments) == list(range(1, 2 * CHANGES + 1))
    in_order = [e.title[0] for e in sorted(experiments, key=lambda e: e.id)]
    assert switches(in_order) >= 4


def test_the_lock_of_a_killed_process_is_released(db_path: Path) -> None:
    ProjectStore.open(db_path).close()
    before = db_path.read_bytes()
    holder = spawn("lock_holder", str(db_path))
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"locked\n"
        # While it lives, nobody else gets the lock.
        with pytest.raises(LockTimeoutError, match=r"project\.json\.lock"):
            ProjectStore.open(db_path, lock_timeout=0.2)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()
    assert holder.returncode == -signal.SIGKILL

    store = ProjectStore.open(db_path, lock_timeout=5)
    try:
        assert db_path.read_bytes() == before  # its change was never committed
        assert store.table(EXPERIMENTS_TABLE).raw() == {}
        repo = Repository(store)
        assert repo.add(Experiment("after the crash")).id == 1
    finally:
        store.close()


def test_the_lock_timeout_says_what_to_do(db_path: Path) -> None:
    store = ProjectStore.open(db_path)
    try:
        with store.lock.exclusive():
            with pytest.raises(LockTimeoutError) as info:
                ProjectStore.open(db_path, lock_timeout=0.05)
            assert "Nothing was changed" in str(info.value)
            assert str(db_path) in str(info.value)
    finally:
        store.close()


def test_a_thread_about_to_wait_for_the_lock_says_so_first(tmp_path: Path) -> None:
    """ProjectLock.on_wait: called when another thread of the process holds the lock (the
    session backup, waiting for the app's first frame, then copies at once)."""
    lock = ProjectLock(tmp_path / "project.json")
    calls: list[str] = []
    release = threading.Event()
    holding = threading.Event()

    def hold() -> None:
        with lock.exclusive():
            holding.set()
            release.wait(10)

    lock.on_wait = lambda: (calls.append("wait"), release.set())
    with lock.exclusive(), lock.exclusive():  # free, then re-entered: no wait
        pass
    assert calls == []
    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    with lock.exclusive():  # the holder lets go only when told that somebody waits
        assert calls == ["wait"]
    holder.join(10)
    assert not holder.is_alive()
    lock.close()


def outside(path: Path, *args: str) -> int:
    """Make one change from another process; return the id it touched."""
    proc = spawn("outside_writer", str(path), *args)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    return int(out)


def titles(repo: Repository) -> dict[int, str]:
    return {e.id: e.title for e in repo.experiments()}


def test_a_repository_notices_another_process_s_changes(repo: Repository) -> None:
    mine = repo.add(Experiment("mine"))
    assert mine.id == 1
    assert not repo.refresh_if_changed()
    revision = repo.revision

    theirs = outside(repo.store.path, "add", "theirs")
    assert theirs == 2
    assert repo.refresh_if_changed() is True
    assert titles(repo) == {1: "mine", 2: "theirs"}
    assert repo.revision > revision
    assert repo.refresh_if_changed() is False

    outside(repo.store.path, "rename", "1", "renamed outside")
    assert repo.refresh_if_changed()
    assert repo.get(1).title == "renamed outside"

    outside(repo.store.path, "delete", "2")
    assert repo.refresh_if_changed()
    assert titles(repo) == {1: "renamed outside"}


def test_an_insert_after_an_outside_insert_takes_a_new_id(repo: Repository) -> None:
    """TinyDB caches the next id per table; it must be forgotten when the file is re-read,
    whether or not the app refreshed first."""
    assert repo.add(Experiment("mine 1")).id == 1  # the table now caches next id 2
    assert outside(repo.store.path, "add", "theirs 1") == 2
    assert repo.add(Experiment("mine 2")).id == 3  # no refresh_if_changed() before
    assert outside(repo.store.path, "add", "theirs 2") == 4
    assert repo.refresh_if_changed()
    assert repo.add(Experiment("mine 3")).id == 5
    expected = {1: "mine 1", 2: "theirs 1", 3: "mine 2", 4: "theirs 2", 5: "mine 3"}
    assert titles(repo) == expected
    assert titles(Repository(ProjectStore.open(repo.store.path))) == expected


def test_a_save_after_an_outside_change_keeps_the_outside_change(repo: Repository) -> None:
    repo.add_many([Experiment("one"), Experiment("two")])
    outside(repo.store.path, "rename", "2", "two, renamed outside")
    repo.save(dataclasses.replace(repo.get(1), title="one, renamed here"))
    assert titles(repo) == {1: "one, renamed here", 2: "two, renamed outside"}


def test_delete_returns_what_was_removed_even_if_changed_outside(repo: Repository) -> None:
    """What delete returns is what undo puts back: it must be the removed version."""
    repo.add(Experiment("original"))
    outside(repo.store.path, "rename", "1", "changed outside")
    removed = repo.delete(1)
    assert removed.title == "changed outside"
    repo.put_back(removed)
    assert titles(repo) == {1: "changed outside"}


def test_children_are_separate_processes(db_path: Path) -> None:
    """The helpers really start another interpreter (so its lock is its own)."""
    proc = spawn("outside_writer", str(db_path), "add", "x")
    assert isinstance(proc, subprocess.Popen)
    out, _ = proc.communicate(timeout=30)
    assert proc.pid > 0 and out == b"1\n"
