"""Dated backups: taken atomically and privately, newest 14 kept, found by number, name or
path."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from iterate_tui.store.backups import (
    KEEP,
    backup_folder,
    list_backups,
    prune,
    resolve_backup,
    take_backup,
)

T0 = datetime(2024, 3, 1, 9, 30, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "project.json"
    path.write_bytes(b'{"experiments": {}}')
    return path


def test_take_backup_writes_a_dated_private_copy(db: Path) -> None:
    backup = take_backup(db, "manual", now=T0)
    assert backup == backup_folder(db) / "project-20240301-093000-manual.json"
    assert backup.read_bytes() == db.read_bytes()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    assert [p.name for p in backup.parent.iterdir()] == [backup.name]  # no temp left over
    [listed] = list_backups(db)
    assert (listed.path, listed.taken_at, listed.reason, listed.size) == (
        backup,
        T0,
        "manual",
        len(db.read_bytes()),
    )


def test_nothing_to_back_up(tmp_path: Path) -> None:
    missing = tmp_path / "project.json"
    assert take_backup(missing, "manual") is None
    missing.write_bytes(b"")
    assert take_backup(missing, "manual") is None
    assert not backup_folder(missing).exists()
    assert list_backups(missing) == []


def test_backups_in_the_same_second_get_distinct_names(db: Path) -> None:
    first = take_backup(db, "session", now=T0)
    db.write_bytes(b'{"experiments": {"1": {}}}')
    second = take_backup(db, "session", now=T0)
    third = take_backup(db, "import", now=T0)
    assert first is not None and second is not None and third is not None
    assert len({first, second, third}) == 3
    assert second.name == "project-20240301-093000-2-session.json"
    assert first.read_bytes() != second.read_bytes()
    # Within one second the modification time orders them (set here: the kernel's clock
    # may tick more coarsely than these three writes).
    for n, path in enumerate((first, second, third)):
        os.utime(path, ns=(1_700_000_000_000_000_000 + n * 1000,) * 2)
    assert [b.path for b in list_backups(db)] == [third, second, first]


def test_same_second_backups_are_ordered_by_their_counter_not_the_clock(db: Path) -> None:
    """On a file system with coarse timestamps several backups share one mtime."""
    taken = [take_backup(db, "session", now=T0) for _ in range(6)]
    for path in taken:
        assert path is not None
        os.utime(path, ns=(1_700_000_000_000_000_000,) * 2)
    assert [b.path for b in list_backups(db)] == taken[::-1]
    assert resolve_backup(db, "1") == taken[-1]


def test_only_the_newest_are_kept(db: Path) -> None:
    taken = []
    for day in range(KEEP + 6):
        db.write_bytes(f'{{"day": {day}}}'.encode())
        taken.append(take_backup(db, "session", now=T0 + timedelta(days=day)))
    backups = list_backups(db)
    assert KEEP == 14
    assert [b.path for b in backups] == taken[::-1][:KEEP]
    assert all(not p.exists() for p in taken[: len(taken) - KEEP] if p is not None)
    assert backups[0].path.read_bytes() == db.read_bytes()
    assert [b.taken_at for b in backups] == sorted((b.taken_at for b in backups), reverse=True)


def test_prune_keeps_other_files_alone(db: Path) -> None:
    for day in range(5):
        take_backup(db, "session", now=T0 + timedelta(days=day))
    folder = backup_folder(db)
    others = [folder / "notes.txt", folder / "other-20240301-093000-session.json"]
    for other in others:
        other.write_bytes(b"keep")
    removed = prune(db, keep=2)
    assert len(removed) == 3
    assert len(list_backups(db)) == 2
    assert all(o.exists() for o in others)


def test_a_name_whose_digits_are_no_time_is_not_a_backup(db: Path) -> None:
    """Named by hand: month 13. Listing (and so the session backup's pruning) goes on."""
    backup = take_backup(db, "session", now=T0)
    stray = backup_folder(db) / "project-20241301-093000-session.json"
    stray.write_bytes(b"{}")
    assert [b.path for b in list_backups(db)] == [backup]
    assert prune(db, keep=1) == [] and stray.exists()


def test_reasons_with_digits_are_listed(db: Path) -> None:
    backup = take_backup(db, "before-migration-v0", now=T0)
    assert [(b.path, b.reason) for b in list_backups(db)] == [(backup, "before-migration-v0")]


def test_resolve_backup_by_number_name_and_path(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = take_backup(db, "session", now=T0)
    new = take_backup(db, "session", now=T0 + timedelta(hours=1))
    assert old is not None and new is not None
    assert resolve_backup(db, "1") == new
    assert resolve_backup(db, "2") == old
    assert resolve_backup(db, old.name) == old
    assert resolve_backup(db, str(new)) == new
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(b"{}")
    assert resolve_backup(db, str(elsewhere)) == elsewhere
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_backup(db, "~/elsewhere.json") == elsewhere


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("0", "no backup number 0 .have 2."),
        ("3", "no backup number 3 .have 2."),
        ("project-20990101-000000-session.json", "no backup named"),
        ("/no/such/file.json", "no backup named"),
    ],
)
def test_resolve_backup_errors(db: Path, name: str, message: str) -> None:
    take_backup(db, "session", now=T0)
    take_backup(db, "session", now=T0 + timedelta(hours=1))
    with pytest.raises(FileNotFoundError, match=message):
        resolve_backup(db, name)


def test_resolve_backup_without_any_backup(db: Path) -> None:
    with pytest.raises(FileNotFoundError, match="have 0"):
        resolve_backup(db, "1")
