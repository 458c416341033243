"""Atomic replacement of the project file, file and folder modes, orphan temp files."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from iterate_tui.domain.experiment import Experiment
from iterate_tui.store import atomic, project
from iterate_tui.store.atomic import remove_orphan_temps, temp_prefix, write_atomic
from iterate_tui.store.backups import backup_folder, take_backup
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository


class FakeOs(ModuleType):
    """Stands in for ``os`` inside ``atomic``: records calls, can replace some of them."""

    def __init__(self, overrides: dict[str, Callable[..., Any]] | None = None) -> None:
        super().__init__("fake_os")
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.overrides = overrides or {}

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if not callable(real) or name not in {"open", "write", "fsync", "replace", "close"}:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args))
            return self.overrides.get(name, real)(*args, **kwargs)

        return call


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def temps(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name.startswith(temp_prefix(path))]


# -- write_atomic -------------------------------------------------------------------------
def test_write_goes_through_a_complete_temp_file_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "project.json"
    target.write_bytes(b"old content")
    seen: dict[str, Any] = {}

    def replace(src: str | Path, dst: str | Path) -> None:
        src, dst = Path(src), Path(dst)
        seen.update(
            src=src,
            dst=dst,
            src_bytes=src.read_bytes(),
            src_mode=mode(src),
            dst_bytes=dst.read_bytes(),
        )
        os.replace(src, dst)

    fake = FakeOs({"replace": replace})
    monkeypatch.setattr(atomic, "os", fake)
    payload = b'{"x": 1}' * 10_000
    write_atomic(target, payload)

    assert seen["dst"] == target
    assert seen["src"].parent == target.parent
    assert seen["src"].name.startswith(".project.json.tmp-")
    assert seen["src_bytes"] == payload  # complete before the rename...
    assert seen["src_mode"] == 0o600
    assert seen["dst_bytes"] == b"old content"  # ...and the old file untouched until then
    assert target.read_bytes() == payload
    assert temps(target) == []
    # The data is fsynced before the rename, the folder after it.
    names = [name for name, _ in fake.calls]
    cut = names.index("replace")
    assert names[0] == "open" and names[cut - 2 : cut] == ["fsync", "close"]
    assert names[cut + 1 :] == ["open", "fsync", "close"]
    assert Path(fake.calls[cut + 1][1][0]) == target.parent


def test_failed_rename_keeps_the_old_file_and_removes_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "project.json"
    target.write_bytes(b"old content")

    def replace(src: Any, dst: Any) -> None:
        raise OSError(errno.EXDEV, "simulated")

    monkeypatch.setattr(atomic, "os", FakeOs({"replace": replace}))
    with pytest.raises(OSError, match="simulated"):
        write_atomic(target, b"new content")
    assert target.read_bytes() == b"old content"
    assert temps(target) == []


@pytest.mark.parametrize("after_bytes", [0, 5])
def test_disk_full_keeps_the_old_file_and_removes_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after_bytes: int
) -> None:
    target = tmp_path / "project.json"
    target.write_bytes(b"old content")
    budget = [after_bytes]

    def write(fd: int, data: Any) -> int:
        if budget[0] == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = min(budget[0], len(data))
        budget[0] -= n
        return os.write(fd, bytes(data[:n]))

    monkeypatch.setattr(atomic, "os", FakeOs({"write": write}))
    with pytest.raises(OSError) as info:
        write_atomic(target, b"a much longer new content")
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old content"
    assert temps(target) == []


def test_short_writes_are_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "project.json"

    def write(fd: int, data: Any) -> int:
        return os.write(fd, bytes(data[:3]))

    monkeypatch.setattr(atomic, "os", FakeOs({"write": write}))
    write_atomic(target, b"0123456789abcdef")
    assert target.read_bytes() == b"0123456789abcdef"


# -- modes ------------------------------------------------------------------------------------
def test_new_project_file_folder_lock_and_backups_are_private(
    tmp_path: Path, open_umask: None
) -> None:
    path = tmp_path / "a" / "b" / "project.json"
    store = ProjectStore.open(path)
    try:
        Repository(store).add(Experiment("one"))
    finally:
        store.close()
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    assert mode(path.with_name("project.json.lock")) == 0o600
    backup = take_backup(path, "manual")
    assert backup is not None
    assert mode(backup_folder(path)) == 0o700
    assert mode(backup) == 0o600


def test_an_existing_readable_file_is_made_private_on_open(tmp_path: Path) -> None:
    path = tmp_path / "project.json"
    ProjectStore.open(path).close()
    os.chmod(path, 0o644)
    store = ProjectStore.open(path)
    try:
        assert mode(path) == 0o600
        # Tightening the mode is not mistaken for another writer's change.
        assert not store.changed_on_disk()
    finally:
        store.close()


def test_a_rewrite_makes_a_group_readable_file_private(store: ProjectStore) -> None:
    os.chmod(store.path, 0o664)
    with store.change() as db:
        db.table("experiments").insert({"title": "x"})
    assert mode(store.path) == 0o600


def test_an_existing_folder_keeps_its_mode(tmp_path: Path, open_umask: None) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o750)
    ProjectStore.open(folder / "project.json").close()
    assert mode(folder) == 0o750


# -- orphan temp files ------------------------------------------------------------------------
def test_orphan_temps_are_removed_on_open_while_holding_the_lock(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ProjectStore.open(db_path).close()
    before = db_path.read_bytes()
    orphans = [db_path.parent / f".project.json.tmp-{n}-deadbeef" for n in (1, 2)]
    for orphan in orphans:
        orphan.write_bytes(b'{"half": ')
    unrelated = [db_path.parent / ".other.json.tmp-1-deadbeef", db_path.parent / "notes.txt"]
    for other in unrelated:
        other.write_bytes(b"keep me")
    held_during_cleanup: list[bool] = []

    def checking_remove(target: Path) -> list[Path]:
        fd = os.open(target.with_name(target.name + ".lock"), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held_during_cleanup.append(True)
        else:
            held_during_cleanup.append(False)
        finally:
            os.close(fd)
        return remove_orphan_temps(target)

    monkeypatch.setattr(project, "remove_orphan_temps", checking_remove)
    ProjectStore.open(db_path).close()

    assert held_during_cleanup == [True]
    assert not any(o.exists() for o in orphans)
    assert all(o.read_bytes() == b"keep me" for o in unrelated)
    assert db_path.read_bytes() == before


def test_remove_orphan_temps_reports_what_it_removed(tmp_path: Path) -> None:
    target = tmp_path / "p.json"
    orphan = tmp_path / ".p.json.tmp-9-00"
    orphan.write_bytes(b"")
    (tmp_path / "p.json").write_bytes(b"{}")
    assert remove_orphan_temps(target) == [orphan]
    assert remove_orphan_temps(tmp_path / "missing" / "p.json") == []
