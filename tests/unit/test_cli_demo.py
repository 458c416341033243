"""``--demo`` works on a fresh copy and leaves nothing behind: not after a command, not
after the app, not after an error; and a copy whose process was killed is swept later."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest

from iterate_tui import demo
from iterate_tui.__main__ import main
from iterate_tui.cli import main as cli_main
from iterate_tui.demo import TEMP_PREFIX, demo_copy, discard_copy


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of the test's own, where the demo copies go."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.delenv("ITERATE_TUI_DB", raising=False)
    return folder


def left(temp: Path) -> list[str]:
    return sorted(p.name for p in temp.iterdir())


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every copy made, to check it existed while the command ran."""
    made: list[Path] = []
    real = demo.demo_copy

    def copy() -> Path:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(demo, "demo_copy", copy)
    return made


@pytest.mark.parametrize(
    "args",
    [
        ["--demo", "list"],
        ["--demo", "add", "Scratch"],
        ["next", "--demo", "--start"],
        ["--demo", "delete", "1", "--yes"],
        ["--demo", "backups"],
    ],
)
def test_a_command_leaves_nothing(
    temp: Path, copies: list[Path], capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(args) == 0, capsys.readouterr().err
    assert len(copies) == 1 and copies[0].parent.parent == temp
    assert left(temp) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--demo", "show", "999"], 1),
        (["--demo", "add", "x", "--impact", "9"], 1),
        (["--demo", "modify", "1"], 2),
    ],
)
def test_an_error_leaves_nothing(
    temp: Path, copies: list[Path], capsys: pytest.CaptureFixture[str], args: list[str], code: int
) -> None:
    assert main(args) == code
    assert capsys.readouterr().err.startswith("iterate-tui: error: ")
    assert len(copies) == 1 and left(temp) == []


def test_a_crash_leaves_nothing(
    temp: Path, copies: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: Any, ctx: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_main, "_handler", lambda command: broken)
    monkeypatch.setenv("ITERATE_TUI_DEBUG", "1")  # the exception goes all the way out
    with pytest.raises(RuntimeError):
        main(["--demo", "list"])
    assert len(copies) == 1 and left(temp) == []


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stand in for the Textual app: record what it saw, then do what the test says."""
    seen: list[dict[str, Any]] = []
    fake = types.ModuleType("iterate_tui.app")
    fake.outcome = None  # type: ignore[attr-defined]

    def run(repository: Any, **kwargs: Any) -> None:
        path = repository.store.path
        seen.append({"path": path, "existed": path.exists()})
        if fake.outcome is not None:  # type: ignore[attr-defined]
            raise fake.outcome  # type: ignore[attr-defined]

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iterate_tui.app", fake)
    monkeypatch.setattr(cli_main, "interactive", lambda: True)
    seen.append({"fake": fake})
    return seen


def test_the_app_leaves_nothing(temp: Path, app: list[dict[str, Any]]) -> None:
    assert main(["--demo"]) == 0
    assert app[1]["existed"] and app[1]["path"].parent.parent == temp
    assert left(temp) == []


@pytest.mark.parametrize(("problem", "code"), [(KeyboardInterrupt(), 130), (OSError(5, "EIO"), 3)])
def test_the_app_ending_badly_leaves_nothing(
    temp: Path,
    app: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
    problem: BaseException,
    code: int,
) -> None:
    app[0]["fake"].outcome = problem
    assert main(["--demo"]) == code
    assert app[1]["existed"]
    assert left(temp) == []


def test_discard_removes_only_a_demo_copy(temp: Path, tmp_path: Path) -> None:
    mine = tmp_path / "work" / "demo.json"
    mine.parent.mkdir()
    mine.write_text("{}")
    with pytest.raises(ValueError):
        discard_copy(mine)
    other = temp / f"{TEMP_PREFIX}not-ours" / "project.json"
    other.parent.mkdir()
    other.write_text("{}")
    with pytest.raises(ValueError):
        discard_copy(other)
    assert mine.exists() and other.exists()
    copy = demo_copy()
    (copy.parent / "backups").mkdir()
    discard_copy(copy)
    assert not copy.parent.exists()


def test_a_killed_processs_copy_is_swept_by_the_next_one(temp: Path) -> None:
    """A process killed outright (or a dropped SSH session) cannot clean up after itself."""
    script = (
        "import os, tempfile\n"
        f"tempfile.tempdir = {str(temp)!r}\n"
        "from iterate_tui.demo import demo_copy\n"
        "print(demo_copy(), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    orphan = Path(killed.stdout.strip())
    assert killed.returncode == -9 and orphan.exists()
    running = temp / f"{TEMP_PREFIX}{os.getpid()}-alive"  # this process runs: kept
    running.mkdir()
    old = temp / f"{TEMP_PREFIX}abcdef"  # an older version's folder, no process id: kept
    old.mkdir()
    copy = demo_copy()
    try:
        assert not orphan.parent.exists()
        assert running.exists() and old.exists()
    finally:
        discard_copy(copy)


def test_from_a_real_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ITERATE_TUI_DB"}
    env["TMPDIR"] = str(tmp_path)
    for args in (["--demo", "add", "x"], ["--demo", "show", "999"]):
        subprocess.run(
            [sys.executable, "-m", "iterate_tui", *args],
            env=env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    assert left(tmp_path) == []
