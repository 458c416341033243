"""The spare file: a save writes into the version before the previous one when (and only
when) nobody can be reading it, keeps the old file as the next spare, and a killed or failed
save never harms the project file. Lock-free readers re-read when a save overlapped them."""

from __future__ import annotations

import dataclasses
import errno
import mmap
import os
import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from iterate_tui.domain.experiment import Experiment
from iterate_tui.store import atomic, lock, storage
from iterate_tui.store.atomic import spare_path, temp_prefix
from iterate_tui.store.backups import take_backup
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .store_children import spawn
from .store_children.step_killer import STEPS


@pytest.fixture
def no_cooling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "SPARE_COOL", 0)


@pytest.fixture
def fresh_writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The temp files written by the fresh-file path (i.e. saves that did not use the spare)."""
    made: list[Path] = []
    real = atomic._write_temp

    def spy(*args: Any, **kwargs: Any) -> Path:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(atomic, "_write_temp", spy)
    return made


def inode(path: Path) -> int:
    return path.stat().st_ino


def titled(repo: Repository, title: str) -> None:
    """One change: experiment 1 gets ``title``."""
    repo.save(dataclasses.replace(repo.get(1), title=title))


def on_disk(path: Path) -> str:
    """Experiment 1's title as the file says (parsed from the bytes, not through a store)."""
    title: str = orjson.loads(path.read_bytes())["experiments"]["1"]["title"]
    return title


@pytest.fixture
def filled(repo: Repository) -> Repository:
    repo.add(Experiment("zero", hypothesis="some text " * 300))
    return repo


# -- reuse --------------------------------------------------------------------------------
def test_saves_alternate_between_two_files_and_make_no_new_one(
    filled: Repository, no_cooling: None, fresh_writes: list[Path]
) -> None:
    path = filled.store.path
    spare = spare_path(path)
    titled(filled, "warm-up")  # the first save may have no spare yet
    fresh_writes.clear()
    seen = []
    for n in range(6):
        before = (inode(path), inode(spare))
        titled(filled, f"t{n}")
        # The spare became the project file, the old project file the spare.
        assert (inode(path), inode(spare)) == before[::-1]
        assert on_disk(path) == f"t{n}"
        seen.append(inode(path))
    assert fresh_writes == []
    assert len(set(seen)) == 2
    assert path.stat().st_nlink == 1 and spare.stat().st_nlink == 1
    assert not [p for p in path.parent.iterdir() if p.name.startswith(temp_prefix(path))]
    # Another store (another process) reads every change.
    assert Repository(ProjectStore.open(path)).get(1).title == "t5"


def test_the_spare_is_private_and_never_a_temp_name(
    filled: Repository, no_cooling: None, open_umask: None
) -> None:
    path = filled.store.path
    os.chmod(path, 0o644)  # loosened by hand: the copy kept as the spare is tightened
    for n in range(3):
        titled(filled, f"t{n}")
        assert stat.S_IMODE(spare_path(path).stat().st_mode) == 0o600
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not spare_path(path).name.startswith(temp_prefix(path))
    os.chmod(spare_path(path), 0o644)
    titled(filled, "after chmod")  # written into the spare: made private first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_spare_that_has_not_cooled_is_kept_and_not_written(
    filled: Repository,
    no_leases: None,
    monkeypatch: pytest.MonkeyPatch,
    fresh_writes: list[Path],
) -> None:
    """Without leases nobody can say whether a reader still has the old version open:
    it is written again only once it has been out of the project file's name a while."""
    path = filled.store.path
    spare = spare_path(path)
    titled(filled, "warm-up")
    cooling = (inode(spare), spare.read_bytes())
    fresh_writes.clear()
    titled(filled, "soon after")  # well within SPARE_COOL of the warm-up
    assert len(fresh_writes) == 1
    assert (inode(spare), spare.read_bytes()) == cooling  # left alone, still cooling
    assert on_disk(path) == "soon after"

    later = time.time() + atomic.SPARE_COOL + 0.1
    monkeypatch.setattr(atomic, "time", SimpleNamespace(time=lambda: later))
    titled(filled, "later")
    assert len(fresh_writes) == 1  # cooled: written into
    assert inode(path) == cooling[0]
    assert on_disk(path) == "later"


def test_a_clock_that_went_back_gets_a_new_spare(
    filled: Repository,
    no_cooling: None,
    no_leases: None,
    monkeypatch: pytest.MonkeyPatch,
    fresh_writes: list[Path],
) -> None:
    path = filled.store.path
    titled(filled, "warm-up")
    fresh_writes.clear()
    old = inode(path)
    now = time.time()
    monkeypatch.setattr(atomic, "time", SimpleNamespace(time=lambda: now - 3600))
    titled(filled, "after the clock jumped")
    assert len(fresh_writes) == 1
    assert inode(spare_path(path)) == old  # stamped by the clock as it is now
    assert on_disk(path) == "after the clock jumped"


# -- never written: other names, readers, odd files ------------------------------------------
def test_a_hard_link_made_by_hand_is_never_written(
    filled: Repository, no_cooling: None, fresh_writes: list[Path]
) -> None:
    path = filled.store.path
    titled(filled, "warm-up")
    mine = path.with_name("mine.json")
    os.link(path, mine)
    kept = mine.read_bytes()
    for n in range(5):
        titled(filled, f"t{n}")
        assert mine.read_bytes() == kept
    assert on_disk(path) == "t4"
    assert inode(mine) != inode(path) and inode(mine) != inode(spare_path(path))
    assert fresh_writes  # the linked file was skipped at least once


def test_a_spare_that_is_the_project_file_itself_is_never_written(
    filled: Repository, no_cooling: None
) -> None:
    path = filled.store.path
    spare = spare_path(path)
    titled(filled, "warm-up")
    spare.unlink()
    os.link(path, spare)
    kept = path.read_bytes()
    old = inode(path)
    titled(filled, "after")
    assert on_disk(path) == "after"
    assert inode(spare) != inode(path)
    # The old project file (now the spare, or gone) was not written into.
    if inode(spare) == old:
        assert spare.read_bytes() == kept


@pytest.mark.skipif(atomic._SETLEASE is None, reason="no file leases on this system")
@pytest.mark.parametrize("how", ["open file", "memory map"])
def test_a_version_somebody_still_reads_is_never_written(
    filled: Repository, no_cooling: None, how: str
) -> None:
    """A program that opened the project file (or mapped it) several saves ago, however
    long ago, still reads that version: an inode open elsewhere is not reused."""
    path = filled.store.path
    titled(filled, "warm-up")
    kept = path.read_bytes()
    reader = open(path, "rb")  # noqa: SIM115  (closed below)
    view: mmap.mmap | None = None
    try:
        if how == "memory map":
            view = mmap.mmap(reader.fileno(), 0, prot=mmap.PROT_READ)
            reader.close()  # the map alone keeps the inode in use
        for n in range(4):
            titled(filled, f"t{n}")
        assert (view[:] if view is not None else reader.read()) == kept
    finally:
        if view is not None:
            view.close()
        reader.close()
    assert on_disk(path) == "t3"


def test_a_symlink_or_a_fifo_as_the_spare_is_replaced_not_followed(
    filled: Repository, no_cooling: None, tmp_path: Path
) -> None:
    path = filled.store.path
    spare = spare_path(path)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not yours")
    spare.unlink(missing_ok=True)
    spare.symlink_to(victim)
    titled(filled, "t1")
    assert victim.read_bytes() == b"not yours"
    assert spare.is_file() and not spare.is_symlink()
    spare.unlink()
    os.mkfifo(spare)
    titled(filled, "t2")  # opening a FIFO for writing must not wait for a reader
    assert stat.S_ISREG(os.lstat(spare).st_mode)
    assert on_disk(path) == "t2"


# -- failures -------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["pwrite", "datasync", "replace"])
def test_a_failed_write_into_the_spare_leaves_the_project_file_as_it_was(
    filled: Repository, no_cooling: None, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = filled.store.path
    titled(filled, "warm-up")
    titled(filled, "kept")
    before = path.read_bytes()
    failing = [True]
    calls: list[str] = []

    def disk_full() -> None:
        calls.append(where)
        raise OSError(errno.ENOSPC, "No space left on device")

    real_pwrite, real_datasync, real_replace = os.pwrite, atomic._datasync, os.replace
    real_pwritev = os.pwritev

    def pwritev(fd: int, buffers: list[bytes], offset: int) -> int:
        if failing[0] and where == "pwrite":
            calls.append("short")  # a short write first, then the disk is full
            return real_pwrite(fd, buffers[0][: len(buffers[0]) // 2], offset)
        return real_pwritev(fd, buffers, offset)

    counter = filled.store.lock._open()

    def pwrite(fd: int, data: Any, offset: int) -> int:
        if failing[0] and where == "pwrite" and fd != counter:
            if "short" in calls:
                disk_full()
            calls.append("short")
            return real_pwrite(fd, data[: len(data) // 2], offset)
        return real_pwrite(fd, data, offset)

    def datasync(fd: int) -> None:
        if failing[0] and where == "datasync":
            disk_full()
        real_datasync(fd)

    def replace(src: Any, dst: Any) -> None:
        if failing[0] and where == "replace" and Path(dst) == path:
            disk_full()
        real_replace(src, dst)

    monkeypatch.setattr(os, "pwritev", pwritev)
    monkeypatch.setattr(os, "pwrite", pwrite)
    monkeypatch.setattr(atomic, "_datasync", datasync)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space"):
        titled(filled, "lost")
    failing[0] = False
    assert where in calls  # the save went through the spare, and failed there
    assert ("short" in calls) == (where == "pwrite")
    assert path.read_bytes() == before
    assert path.stat().st_nlink == 1
    assert not [p for p in path.parent.iterdir() if p.name.startswith(temp_prefix(path))]
    assert filled.get(1).title == "kept"  # memory rolled back too
    for n in range(3):
        titled(filled, f"then {n}")
        assert on_disk(path) == f"then {n}"
    assert Repository(ProjectStore.open(path)).get(1).title == "then 2"


def test_no_hard_links_no_spare_still_saves(
    filled: Repository, no_cooling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled.store.path
    spare_path(path).unlink(missing_ok=True)

    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    for n in range(3):
        titled(filled, f"t{n}")
        assert on_disk(path) == f"t{n}"
    assert not spare_path(path).exists()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(temp_prefix(path))]


def test_a_failed_folder_fsync_discards_the_spare(
    filled: Repository, no_cooling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The renames may not be on disk: the spare may still be the project file there."""
    path = filled.store.path
    titled(filled, "warm-up")

    def failing(folder: Path) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic, "fsync_folder", failing)
    with pytest.raises(OSError, match="Input/output"):
        titled(filled, "maybe")
    assert not spare_path(path).exists()


def test_a_save_bumps_the_counter_before_writing_and_after(
    filled: Repository, no_cooling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = filled.store
    titled(filled, "warm-up")
    start = store.lock.generation()
    during: list[int] = []
    real = atomic._overwrite

    def spy(*args: Any) -> None:
        during.append(store.lock.generation())
        real(*args)

    monkeypatch.setattr(atomic, "_overwrite", spy)
    titled(filled, "t")
    assert during == [start + 1]
    assert store.lock.generation() == start + 2
    assert not store.changed_on_disk()


# -- lock-free readers ----------------------------------------------------------------------
def racing_read(path: Path, saves: Callable[[], None]) -> Callable[[Path], Any]:
    """A ``lock.read_file`` whose first read opens the file, reads half, lets ``saves``
    run (meant to overwrite the very inode being read), then reads the rest."""
    real = lock.read_file
    calls = [0]

    def read_file(target: Path) -> tuple[os.stat_result, bytes]:
        calls[0] += 1
        if calls[0] > 1:
            return real(target)
        with open(target, "rb") as handle:
            info = os.fstat(handle.fileno())
            head = handle.read(info.st_size // 2)
            saves()
            return info, head + handle.read()

    read_file.calls = calls  # type: ignore[attr-defined]
    return read_file


@pytest.fixture
def no_leases(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a system without file leases: only the delay protects readers."""
    monkeypatch.setattr(atomic, "_open_elsewhere", lambda fd: None)


def test_a_reader_overlapped_by_two_saves_reads_again(
    filled: Repository, no_cooling: None, no_leases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled.store.path
    titled(filled, "warm-up")
    reader = ProjectStore.open(path)
    try:

        def two_saves() -> None:
            titled(filled, "x" * 2000)  # changes the length: the tail moves
            titled(filled, "latest")  # written into the inode being read

        read_file = racing_read(path, two_saves)
        monkeypatch.setattr(lock, "read_file", read_file)
        reader.reload()
        assert read_file.calls[0] == 2  # type: ignore[attr-defined]
        assert Repository(reader).get(1).title == "latest"
        assert not reader.changed_on_disk()
    finally:
        reader.close()


def test_a_reader_that_always_races_reads_under_the_lock(
    filled: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = filled.store
    real = lock.read_file
    held: list[bool] = []

    def busy(target: Path) -> tuple[os.stat_result, bytes]:
        held.append(store.lock.held)
        if not store.lock.held:
            store.lock.bump()  # as if a save ran during every lock-free read
        return real(target)

    monkeypatch.setattr(lock, "read_file", busy)
    store.reload()
    assert held == [False] * lock.READ_ATTEMPTS + [True]
    assert Repository(store).get(1).title == "zero"


def test_the_session_backup_is_one_version_even_when_saves_overlap_it(
    filled: Repository, no_cooling: None, no_leases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled.store.path
    titled(filled, "warm-up")

    def two_saves() -> None:
        titled(filled, "x" * 2000)
        titled(filled, "latest")

    monkeypatch.setattr(lock, "read_file", racing_read(path, two_saves))
    backup = take_backup(path, "session")
    assert backup is not None
    assert orjson.loads(backup.read_bytes())["experiments"]["1"]["title"] == "latest"


# -- crashes ---------------------------------------------------------------------------------
def test_orphan_second_names_are_removed_on_open_and_the_spare_is_kept(
    filled: Repository, no_cooling: None
) -> None:
    path = filled.store.path
    titled(filled, "warm-up")
    orphan = path.with_name(f"{temp_prefix(path)}next-123-deadbeef")
    os.link(path, orphan)  # as left by a save killed between its link and its renames
    spare = spare_path(path)
    kept = (inode(spare), spare.read_bytes())
    ProjectStore.open(path).close()
    assert not orphan.exists()
    assert path.stat().st_nlink == 1
    assert (inode(spare), spare.read_bytes()) == kept


@pytest.mark.parametrize("step", STEPS)
def test_a_save_killed_after_any_step_leaves_a_complete_file(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    proc = spawn("step_killer", str(db_path), step)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err.decode()
    assert out == b"A\nP\n", out  # killed inside the second save, never after it

    applied = step in ("replace-project", "replace-spare", "fsync-folder")
    assert on_disk(db_path) == ("second" if applied else "first")
    store = ProjectStore.open(db_path)  # cleans up what the kill left
    try:
        assert not [p for p in db_path.parent.iterdir() if p.name.startswith(temp_prefix(db_path))]
        spare = spare_path(db_path)
        assert db_path.stat().st_nlink == 1
        if spare.exists():
            assert spare.stat().st_nlink == 1 and inode(spare) != inode(db_path)
        repo = Repository(store)
        monkeypatch.setattr(atomic, "SPARE_COOL", 0)
        for n in range(3):
            titled(repo, f"after {n}")
            assert on_disk(db_path) == f"after {n}"
        assert spare.exists()
    finally:
        store.close()


# -- the parts a change is written in ---------------------------------------------------------
@pytest.mark.parametrize("pieces", [0, 1, 2, 3, 7, 8, 9, 16, 17, 100, 1500])
@pytest.mark.parametrize("parts", [1, 2, 3, 8, 200])
def test_the_parts_are_the_whole_file(pieces: int, parts: int) -> None:
    body = [f"p{n}".encode() * (n % 3 + 1) for n in range(pieces)] or [b"{}"]
    file_parts = storage.FileParts(body, parts)
    chunks = list(file_parts)
    assert b"".join(b"".join(chunk) for chunk in chunks) == b",".join(body)
    assert len(chunks) == len(file_parts) <= max(parts, len(body) // storage.FileParts.MOST + 1)
    assert all(0 < len(chunk) < 1024 for chunk in chunks)  # IOV_MAX


def test_short_vectored_writes_are_continued(
    filled: Repository, no_cooling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled.store.path
    titled(filled, "warm-up")
    real_pwritev = os.pwritev
    shorts: list[int] = []

    def one_buffer_at_a_time(fd: int, buffers: list[bytes], offset: int) -> int:
        shorts.append(len(buffers))
        return real_pwritev(fd, buffers[:1], offset)

    monkeypatch.setattr(os, "pwritev", one_buffer_at_a_time)
    monkeypatch.setattr(storage, "VERIFY_SERIALIZE", False)  # which writes one whole part
    titled(filled, "complete")
    assert shorts
    assert on_disk(path) == "complete"
    assert orjson.dumps(filled.store.storage.read()) == path.read_bytes()


@pytest.mark.skipif(atomic._SETLEASE is None, reason="no file leases on this system")
def test_with_leases_saves_in_a_row_reuse_the_spare_when_nobody_reads_it(
    filled: Repository, fresh_writes: list[Path]
) -> None:
    """A granted lease proves nobody has the old version open: no waiting (a person
    triaging several ideas a second gets the fast save every time)."""
    path = filled.store.path
    titled(filled, "warm-up")
    fresh_writes.clear()
    inodes = set()
    for i in range(4):
        titled(filled, f"quick {i}")
        inodes.add(inode(path))
    assert fresh_writes == [] and len(inodes) == 2
    with open(spare_path(path), "rb"):  # somebody reads the version before the last
        titled(filled, "while read")
    assert len(fresh_writes) == 1
    assert on_disk(path) == "while read"
