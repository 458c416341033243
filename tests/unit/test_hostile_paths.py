"""Issue 12, "paths and files the store must not harm", and issue 11's mistyped path.

Each test sets up what a careless or hostile user could leave on disk (a folder for --db, a
symbolic link for the lock file or the project, a read-only folder, a full disk, the
half-written backups of a killed import) and checks that the store refuses clearly, naming
the file, and changes nothing it does not own.

The tests run as root here, and root may write anywhere: where a test needs a place this
user cannot write (a 0500 folder, a read-only mount) it also makes the system calls that
write fail the way the kernel would (EROFS, EACCES), and says so.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import stat
import subprocess
import sys
import types
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from iterate_tui.cli import main as cli_main
from iterate_tui.store import atomic
from iterate_tui.store.backups import KEEP, list_backups, take_backup
from iterate_tui.store.errors import LockFileError, ProjectPathError, SaveError
from iterate_tui.store.lock import ProjectLock
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .cli_support import Run, runner, stored

Snapshot = dict[str, tuple[int, bytes | None]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run(db, "list", ...)``: a command on a given project file, in this process."""
    return runner(capsys, monkeypatch)


def snapshot(root: Path) -> Snapshot:
    """Every name under ``root`` (links not followed) with its mode and, for files, bytes."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            data = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
            found[str(path.relative_to(root))] = (info.st_mode, data)
    return found


def project_with(run: Run, db: Path, *titles: str) -> Path:
    for title in titles:
        assert run(db, "add", title, "--impact", "3", "--probability", "50%").code == 0
    return db


def titles(db: Path) -> list[str]:
    return [e.title for e in stored(db)]


# -- --db naming a folder -------------------------------------------------------------------
READS_AND_WRITES = [
    ["list"],
    ["list", "--json"],
    ["show", "1"],
    ["export"],
    ["settings"],
    ["add", "x"],
    ["settings", "--set", "phase=late"],
    ["start", "1"],
]


@pytest.mark.parametrize("args", READS_AND_WRITES, ids=" ".join)
def test_a_folder_given_as_the_project_is_left_exactly_as_it_was(
    run: Run, tmp_path: Path, args: list[str]
) -> None:
    folder = tmp_path / "D"
    folder.mkdir()
    os.chmod(folder, 0o755)
    (folder / "notes.txt").write_text("x")
    before = snapshot(tmp_path)
    result = run(folder, *args)
    assert result.code == 3
    assert f"{folder} is a folder, not a project file" in result.err
    assert "unexpected" not in result.err
    assert snapshot(tmp_path) == before  # no chmod of D, no D.lock


def test_the_store_refuses_a_folder_before_touching_anything(tmp_path: Path) -> None:
    folder = tmp_path / "D"
    folder.mkdir(mode=0o755)
    before = snapshot(tmp_path)
    with pytest.raises(ProjectPathError, match="is a folder"):
        ProjectStore.open(folder)
    assert snapshot(tmp_path) == before


def test_a_path_through_a_file_is_refused(run: Run, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run(tmp_path / "file" / "p.json", "add", "x")
    assert result.code == 3 and "is a file, not a folder" in result.err


# -- the lock file (and every file written) is never followed through a link ---------------
@pytest.mark.parametrize("command", [["add", "second"], ["list"]], ids=" ".join)
def test_a_symbolic_link_as_the_lock_file_is_refused_and_its_target_untouched(
    run: Run, tmp_path: Path, command: list[str]
) -> None:
    db = project_with(run, tmp_path / "p" / "db.json", "first")
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    lock = db.with_name("db.json.lock")
    lock.unlink()
    lock.symlink_to(victim)
    result = run(db, *command)
    assert result.code == 3
    assert f"{lock} is a symbolic link" in result.err and "Nothing was changed" in result.err
    assert victim.read_bytes() == b"precious"
    assert lock.is_symlink()
    lock.unlink()
    assert titles(db) == ["first"]


def test_a_dangling_link_as_the_lock_file_creates_nothing_at_its_target(
    run: Run, tmp_path: Path
) -> None:
    db = project_with(run, tmp_path / "p" / "db.json", "first")
    target = tmp_path / "planted"
    lock = db.with_name("db.json.lock")
    lock.unlink()
    lock.symlink_to(target)
    result = run(db, "add", "second")
    assert result.code == 3 and "is a symbolic link" in result.err
    assert not target.exists()


def test_a_hard_link_as_the_lock_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    ProjectStore.open(db).close()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    lock = db.with_name("db.json.lock")
    lock.unlink()
    os.link(victim, lock)
    with pytest.raises(LockFileError, match="hard link"):
        ProjectStore.open(db)
    assert victim.read_bytes() == b"precious"


def test_a_link_planted_as_a_temp_file_is_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.json"
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    monkeypatch.setattr(atomic, "_token", lambda: "cafe")
    planted = target.with_name(f"{atomic.temp_prefix(target)}{os.getpid()}-cafe")
    planted.symlink_to(victim)
    with pytest.raises(FileExistsError):
        atomic.write_atomic(target, b"new")
    assert victim.read_bytes() == b"precious" and not target.exists()


def test_a_link_planted_as_a_backup_is_never_written_through(tmp_path: Path) -> None:
    db = tmp_path / "p.json"
    ProjectStore.open(db).close()
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    (tmp_path / "backups").mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    dangling = tmp_path / "nowhere.json"
    (tmp_path / "backups" / "p-20260501-120000-session.json").symlink_to(victim)
    (tmp_path / "backups" / "p-20260501-120000-2-session.json").symlink_to(dangling)
    copy = take_backup(db, "session", now=now)
    assert copy is not None and copy.name == "p-20260501-120000-3-session.json"
    assert victim.read_bytes() == b"precious" and not dangling.exists()


# -- a symbolic link as the project file -----------------------------------------------------
@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_a_linked_project_is_written_through_atomically_beside_the_real_file(
    run: Run, tmp_path: Path, relative: bool
) -> None:
    real = project_with(run, tmp_path / "real" / "db.json", "first")
    link = tmp_path / "links" / "link.json"
    link.parent.mkdir()
    pointer = os.path.relpath(real, link.parent) if relative else str(real)
    link.symlink_to(pointer)
    assert run(link, "add", "second").code == 0
    assert run(link, "settings", "--set", "phase=late").code == 0
    assert link.is_symlink() and os.readlink(link) == pointer
    assert titles(real) == ["first", "second"]
    assert json.loads(run(link, "list", "--json").out)[0]["title"] in ("first", "second")
    # The lock, temp files and spare are the real file's, in its folder; none beside the link.
    assert sorted(p.name for p in link.parent.iterdir()) == ["link.json"]
    assert (real.parent / "db.json.lock").exists()


def test_a_linked_project_is_one_project_with_one_lock(tmp_path: Path) -> None:
    real = tmp_path / "real" / "db.json"
    link = tmp_path / "link.json"
    ProjectStore.open(real).close()
    link.symlink_to(real)
    by_link = ProjectStore.open(link)
    try:
        assert by_link.path == real and by_link.lock.path == real.with_name("db.json.lock")
    finally:
        by_link.close()


@pytest.mark.parametrize("command", [["add", "x"], ["list"]], ids=" ".join)
def test_a_dangling_link_is_refused_and_no_project_appears(
    run: Run, tmp_path: Path, command: list[str]
) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "missing" / "db.json")
    result = run(link, *command)
    assert result.code == 3
    assert "is a symbolic link to" in result.err and "which does not exist" in result.err
    assert not (tmp_path / "missing").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json"]


# -- folders created for a new project --------------------------------------------------------
def test_every_folder_created_for_a_new_project_is_private(
    run: Run, tmp_path: Path, open_umask: None
) -> None:
    db = tmp_path / "a" / "b" / "c" / "p.json"
    assert run(db, "add", "x").code == 0
    for level in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_folder_that_was_there_keeps_its_mode(run: Run, tmp_path: Path, open_umask: None) -> None:
    (tmp_path / "shared").mkdir(mode=0o755)
    assert run(tmp_path / "shared" / "new" / "p.json", "add", "x").code == 0
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "shared" / "new").stat().st_mode) == 0o700


# -- reading needs no write access ------------------------------------------------------------
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@pytest.fixture
def read_only_place(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, int], None]:
    """Make ``folder`` behave like a read-only mount (EROFS) or a 0500 folder (EACCES):
    every call that would create, change or remove something in it fails as the kernel
    would make it fail for a normal user (root, which runs these tests, is never refused)."""

    def apply(folder: Path, code: int) -> None:
        os.chmod(folder, 0o500)
        inside = str(folder) + os.sep

        def refuse(path: Any) -> None:
            if os.fspath(path).startswith(inside) or os.fspath(path) == str(folder):
                raise OSError(code, os.strerror(code), os.fspath(path))

        real_open = os.open

        def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & WRITE_FLAGS:
                refuse(path)
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", guarded_open)
        for name in ("mkdir", "unlink", "rmdir", "chmod", "replace", "rename", "link"):
            real = getattr(os, name)

            def guarded(path: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
                refuse(path)
                return _real(path, *args, **kwargs)

            monkeypatch.setattr(os, name, guarded)

    return apply


READS = [
    ["list"],
    ["list", "--json"],
    ["show", "1"],
    ["export"],
    ["export", "--format", "csv"],
    ["settings"],
    ["settings", "--json"],
    ["backups"],
]


@pytest.mark.parametrize("lock_file", [True, False], ids=["with its lock file", "without"])
@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES], ids=["read-only mount", "0500"])
def test_reading_works_where_nothing_can_be_written(
    run: Run,
    tmp_path: Path,
    read_only_place: Callable[[Path, int], None],
    code: int,
    lock_file: bool,
) -> None:
    db = project_with(run, tmp_path / "ro" / "p.json", "first", "second")
    expected = {" ".join(args): run(db, *args).out for args in READS}
    if not lock_file:
        os.unlink(db.with_name("p.json.lock"))  # a copy made elsewhere may have none
    read_only_place(db.parent, code)
    before = snapshot(tmp_path)
    for args in READS:
        result = run(db, *args)
        assert result.code == 0, (args, result.err)
        assert result.out == expected[" ".join(args)]
    refused = run(db, "add", "third")
    assert refused.code == 3
    assert "cannot be changed here" in refused.err and "changes cannot be saved" in refused.err
    assert snapshot(tmp_path) == before


def test_a_read_only_store_says_so_once_and_takes_no_backup(
    run: Run,
    tmp_path: Path,
    read_only_place: Callable[[Path, int], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = project_with(run, tmp_path / "ro" / "p.json", "first")
    calls: list[dict[str, Any]] = []
    fake = types.ModuleType("iterate_tui.app")

    def fake_run(repository: Repository, **kwargs: Any) -> None:
        calls.append({"count": repository.count(), **kwargs})

    fake.run = fake_run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    read_only_place(db.parent, errno.EROFS)
    assert run(db).code == 0
    (call,) = calls
    assert call["count"] == 1 and call["session_backup"] is None
    assert "changes cannot be saved" in call["notice"]
    monkeypatch.undo()
    assert list_backups(db) == []


def test_a_read_only_file_opens_read_only(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = project_with(run, tmp_path / "p.json", "first")
    os.chmod(db, 0o400)
    before = db.read_bytes()
    real_access = os.access
    # As root os.access says yes to everything: answer as for the file's owner.
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode: (
            not (mode & os.W_OK and os.fspath(path) == str(db)) and real_access(path, mode)
        ),
    )
    store = ProjectStore.open(db)
    try:
        assert store.read_only and "is read-only" in (store.read_only_reason or "")
        assert [e.title for e in Repository(store).experiments()] == ["first"]
    finally:
        store.close()
    assert run(db, "add", "x").code == 3
    assert db.read_bytes() == before and stat.S_IMODE(db.stat().st_mode) == 0o400


# -- orphan temp files of killed backups --------------------------------------------------
def orphan(db: Path, stamp: str, size: int = 1 << 20) -> Path:
    path = db.parent / "backups" / f".{db.stem}-{stamp}-before-import.json.tmp-4242-beef"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


def test_half_written_backups_of_killed_imports_are_removed_under_the_lock(
    run: Run, tmp_path: Path
) -> None:
    db = project_with(run, tmp_path / "p" / "project.json", "first")
    orphans = [orphan(db, f"2026010{i}-000000") for i in range(1, 4)]
    other = db.parent / "backups" / ".other-20260101-000000-session.json.tmp-1-beef"
    other.write_bytes(b"another project's")
    source = tmp_path / "more.json"
    source.write_text(json.dumps([{"title": "more"}]))
    assert run(db, "import", str(source)).code == 0
    assert not any(path.exists() for path in orphans)
    assert other.exists()
    assert [b.reason for b in list_backups(db)] == ["before-import"]


def test_orphans_do_not_count_among_the_backups_kept(tmp_path: Path) -> None:
    db = tmp_path / "project.json"
    ProjectStore.open(db).close()
    for day in range(1, KEEP + 3):
        take_backup(db, "session", now=datetime(2026, 1, day, tzinfo=UTC))
    orphan(db, "20260201-000000")
    lock = ProjectLock(db)
    try:
        with lock.exclusive():
            take_backup(db, "before-import", lock=lock)
    finally:
        lock.close()
    assert len(list_backups(db)) == KEEP
    assert (
        sorted(p.name.startswith(".") for p in (db.parent / "backups").iterdir()) == [False] * KEEP
    )


# -- a failed write says which file, and that it was left unchanged ------------------------
@pytest.fixture
def failing_writes(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, int], None]:
    """Make every write into a file under ``folder`` fail with ``code`` (except the lock
    file's counter), as a full disk (ENOSPC), ``ulimit -f`` (EFBIG) or a lost permission
    (EACCES) would; opening for writing fails the same way for EACCES."""

    def apply(folder: Path, code: int) -> None:
        inside = str(folder)

        def target(fd: int) -> str:
            return os.readlink(f"/proc/self/fd/{fd}")

        def hit(fd: int) -> bool:
            name = target(fd)
            return name.startswith(inside) and not name.endswith(".lock")

        for name in ("write", "writev", "pwrite", "pwritev"):
            real = getattr(os, name)

            def guarded(fd: int, *args: Any, _real: Any = real) -> Any:
                if hit(fd):
                    raise OSError(code, os.strerror(code))
                return _real(fd, *args)

            monkeypatch.setattr(os, name, guarded)
        if code == errno.EACCES:
            real_open = os.open

            def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
                name = os.fspath(path)
                if flags & WRITE_FLAGS and name.startswith(inside) and not name.endswith(".lock"):
                    raise PermissionError(code, os.strerror(code), name)
                return real_open(path, flags, *args, **kwargs)

            monkeypatch.setattr(os, "open", guarded_open)

    return apply


@pytest.mark.parametrize(
    "code",
    [errno.ENOSPC, errno.EFBIG, errno.EACCES, errno.EPERM, errno.EDQUOT],
    ids=errno.errorcode.get,
)
def test_a_failed_save_names_the_file_and_says_nothing_changed(
    run: Run, tmp_path: Path, failing_writes: Callable[[Path, int], None], code: int
) -> None:
    db = project_with(run, tmp_path / "p" / "project.json", "first")
    before = db.read_bytes()
    failing_writes(db.parent, code)
    result = run(db, "add", "second")
    assert result.code == 3
    assert result.err == (
        f"iterate-tui: error: {os.strerror(code)} while saving {db}: nothing was changed\n"
    )
    assert db.read_bytes() == before
    assert not [p for p in db.parent.iterdir() if ".tmp-" in p.name]


def test_ulimit_f_is_reported_like_a_full_disk(tmp_path: Path) -> None:
    """A real file size limit (``ulimit -f``), in a child process: the kernel refuses the
    write past it with EFBIG (Python ignores the SIGXFSZ that would end the process)."""
    db = tmp_path / "p" / "project.json"
    ProjectStore.open(db).close()
    before = db.read_bytes()
    limit = 16 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if k != "ITERATE_TUI_DB"}
    big = "h" * (4 * limit)
    result = subprocess.run(
        [sys.executable, "-m", "iterate_tui", "--db", str(db), "add", "big", "--hypothesis", big],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=small_files,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    assert result.stderr == (
        f"iterate-tui: error: File too large while saving {db}: nothing was changed\n"
    )
    assert db.read_bytes() == before


def test_a_failed_import_on_a_full_disk_leaves_no_backups_folder(
    run: Run, tmp_path: Path, failing_writes: Callable[[Path, int], None]
) -> None:
    db = project_with(run, tmp_path / "p" / "project.json", "first")
    before = db.read_bytes()
    source = tmp_path / "more.json"
    source.write_text(json.dumps([{"title": "more"}]))
    failing_writes(db.parent, errno.ENOSPC)
    result = run(db, "import", str(source))
    assert result.code == 3
    assert "No space left on device while saving the backup" in result.err
    assert "nothing was changed" in result.err
    assert not (db.parent / "backups").exists()
    assert db.read_bytes() == before


def test_a_failed_create_leaves_no_file_lock_or_folder(
    run: Run, tmp_path: Path, failing_writes: Callable[[Path, int], None]
) -> None:
    db = tmp_path / "new" / "deeper" / "project.json"
    failing_writes(tmp_path, errno.ENOSPC)
    result = run(db, "add", "first")
    assert result.code == 3
    assert result.err == (
        f"iterate-tui: error: No space left on device while creating {db}: nothing was created\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_store_raises_a_save_error_that_is_still_an_os_error(
    tmp_path: Path, failing_writes: Callable[[Path, int], None]
) -> None:
    store = ProjectStore.open(tmp_path / "p.json")
    try:
        failing_writes(tmp_path, errno.ENOSPC)
        with pytest.raises(SaveError) as info, store.change() as db:
            db.table("experiments").insert({"title": "x"})
        assert isinstance(info.value, OSError) and info.value.errno == errno.ENOSPC
    finally:
        store.close()


# -- issue 11: a read on a mistyped path creates nothing --------------------------------------
@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_reading_a_missing_project_says_so_and_creates_nothing(
    run: Run, tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "nonexistent" / "dir" / "p.json"
    result = run(db, *args)
    if args == ["backups"]:  # lists the backups folder only: nothing to open
        assert result.code == 0 and "no backups" in result.out
    else:
        assert result.code == 1
        assert result.err.startswith(f"iterate-tui: error: there is no project at {db}")
        assert "nothing was created" in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [["add", "x"], ["settings", "--set", "phase=late"], ["import", "IDEAS"]],
    ids=lambda a: a[0],
)
def test_only_a_write_creates_a_project_and_says_where(
    run: Run, tmp_path: Path, args: list[str]
) -> None:
    ideas = tmp_path / "ideas.json"
    ideas.write_text(json.dumps([{"title": "imported"}]))
    db = tmp_path / "new" / "p.json"
    result = run(db, *[str(ideas) if a == "IDEAS" else a for a in args])
    assert result.code == 0, result.err
    assert result.err == f"iterate-tui: created a new project at {db}\n"
    assert db.is_file()
    again = run(db, *[str(ideas) if a == "IDEAS" else a for a in args])
    assert "created a new project" not in again.err


@pytest.mark.parametrize(
    "args",
    [
        ["add", "x", "--impact", "9"],
        ["settings", "--set", "alpha=7"],
        ["start", "1"],
        ["import", "BAD"],
    ],
    ids=lambda a: a[0],
)
def test_a_refused_write_creates_nothing(run: Run, tmp_path: Path, args: list[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"title": "x", "impact": 9}]))
    db = tmp_path / "new" / "p.json"
    result = run(db, *[str(bad) if a == "BAD" else a for a in args])
    assert result.code == 1
    assert "created" not in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_the_store_does_not_create_unless_asked(tmp_path: Path) -> None:
    from iterate_tui.store.errors import ProjectMissingError

    with pytest.raises(ProjectMissingError):
        ProjectStore.open(tmp_path / "a" / "p.json", create=False)
    assert list(tmp_path.iterdir()) == []
    deferred = ProjectStore.open(tmp_path / "b" / "p.json", defer=True)
    try:
        assert deferred.absent and list(tmp_path.iterdir()) == []
        assert Repository(deferred).experiments() == []
        with deferred.change() as db:
            db.table("experiments").insert({"title": "first"})  # the codec is not needed
        assert deferred.created and (tmp_path / "b" / "p.json").is_file()
    finally:
        deferred.close()


def test_writers_racing_to_create_a_project_all_land_in_one(tmp_path: Path) -> None:
    """Scripts started at once on a path with no project yet: one creates it, the others
    write into that one (creation is exclusive, so none replaces another's file)."""
    db = tmp_path / "new" / "p.json"
    env = {k: v for k, v in os.environ.items() if k != "ITERATE_TUI_DB"}
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "iterate_tui", "--db", str(db), "add", f"idea {n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(4)
    ]
    outcomes = [child.communicate(timeout=60) for child in children]
    assert [child.returncode for child in children] == [0] * 4, outcomes
    assert sum("created a new project" in err for _, err in outcomes) == 1
    assert sorted(e.title for e in stored(db)) == [f"idea {n}" for n in range(4)]
    assert sorted(e.id for e in stored(db)) == [1, 2, 3, 4]
