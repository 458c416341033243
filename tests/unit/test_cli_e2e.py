"""The command line as a script sees it: a real process, exit statuses, standard error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iterate_tui import __version__


def iterate(
    *args: str, db: Path | None = None, env_db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ITERATE_TUI_DB"}
    if env_db is not None:
        env["ITERATE_TUI_DB"] = str(env_db)
    prefix = ["--db", str(db)] if db is not None else []
    return subprocess.run(
        [sys.executable, "-m", "iterate_tui", *prefix, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_version() -> None:
    result = iterate("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"iterate-tui {__version__}"


def test_help_explains_with_examples() -> None:
    result = iterate("--help")
    assert result.returncode == 0
    text = result.stdout
    for word in ("usage: iterate-tui", "--db PATH", "--demo", "examples:", "exit status"):
        assert word in text
    for command in ("add", "list", "show", "start", "result", "skip", "triage", "export"):
        assert f"\n    {command} " in text
    for command in ("modify", "delete", "next"):
        assert f"\n    {command} " in text
    for command in ("import", "settings", "backups", "restore", "salvage"):
        assert f"\n    {command} " in text
    sub = iterate("result", "--help")
    assert sub.returncode == 0 and "--outcome O" in sub.stdout and "example:" in sub.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["add"], "add: the following arguments are required: TITLE"),
        (["list", "--nope"], "unrecognized arguments: --nope"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = iterate(*args, db=tmp_path / "p.json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("iterate-tui: error: ") and message in lines[0]


def test_a_script_session(tmp_path: Path) -> None:
    db = tmp_path / "data" / "project.json"
    added = iterate("add", "Focal loss", "--impact", "4", "--probability", "60%", env_db=db)
    assert (added.returncode, added.stdout) == (0, "1\n")
    assert added.stderr == f"iterate-tui: created a new project at {db}\n"
    assert iterate("start", "1", env_db=db).returncode == 0
    done = iterate(
        "result", "1", "--value", "0.74", "--value", "0.75", "--outcome", "success", env_db=db
    )
    assert done.returncode == 0, done.stderr
    listed = iterate("list", "--status", "done", env_db=db)
    assert "Focal loss" in listed.stdout and "done" in listed.stdout
    assert oct(db.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["add", "x", "--probability", "abc"], 1),
        (["show", "42"], 1),
        (["result", "1", "--outcome", "meh"], 1),
    ],
)
def test_bad_input_exits_1_without_a_traceback(tmp_path: Path, args: list[str], code: int) -> None:
    result = iterate(*args, db=tmp_path / "p.json")
    assert result.returncode == code
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("iterate-tui: error: ")


def test_a_damaged_file_exits_3_and_stays_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "project.json"
    assert iterate("add", "Something", db=db).returncode == 0
    damaged = db.read_bytes()[:-7]
    db.write_bytes(damaged)
    result = iterate("list", db=db)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert f"cannot open {db}" in result.stderr and "salvage" in result.stderr
    assert db.read_bytes() == damaged
    assert iterate("backups", db=db).returncode == 0
    salvaged = iterate("salvage", db=db)
    assert salvaged.returncode == 0 and "kept:" in salvaged.stdout


def test_commands_do_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from iterate_tui.__main__ import main\n"
        f"main(['--db', {str(tmp_path / 'p.json')!r}, 'add', 'x'])\n"
        f"main(['--db', {str(tmp_path / 'p.json')!r}, 'list'])\n"
        # sorted by the app's own columns (widgets.columns): still no Textual
        f"main(['--db', {str(tmp_path / 'p.json')!r}, 'list', '--sort', 'quadrant'])\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip().endswith("False")


def test_the_app_refuses_to_start_without_a_terminal(tmp_path: Path) -> None:
    result = iterate(db=tmp_path / "p.json")
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr


def test_delete_from_a_script_needs_yes(tmp_path: Path) -> None:
    db = tmp_path / "p.json"
    assert iterate("add", "Keep me", db=db).returncode == 0
    before = db.read_bytes()
    refused = iterate("delete", "1", db=db)  # standard input is not a terminal
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    assert db.read_bytes() == before
    deleted = iterate("delete", "1", "--yes", db=db)
    assert (deleted.returncode, deleted.stdout) == (0, "#1 Keep me: deleted\n")
    assert iterate("show", "1", db=db).returncode == 1
