"""The README's key and command tables and the portfolio's definitions are made from the app
itself (docs/make_readme.py): they must be what the registry and --help say now."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def make_readme() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_readme", ROOT / "docs" / "make_readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_tables_are_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert make_readme().with_blocks(readme) == readme, "run docs/make_readme.py"


def test_every_key_and_command_is_in_the_readme() -> None:
    """What the generated blocks hold, checked against the registry and the parser."""
    from iterate_tui import modes
    from iterate_tui.cli.parser import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for mode in modes.MODES:
        assert f"**{mode.title}**" in readme
        for command in mode.commands:
            assert f"| {command.verb} |" in readme, command.title
    help_text = build_parser().format_help()
    for name in re.findall(r"^    (\w+)\s", help_text, re.MULTILINE):
        assert f"| `{name}` |" in readme, name


def test_the_readme_starts_with_the_screenshot_and_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("docs/backlog.svg") < readme.index("```sh")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "pip install -e . && .venv/bin/iterate-tui --demo" in first_block
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert run in first_block  # CI runs exactly the README's test command
    assert (ROOT / "docs" / "backlog.svg").read_text(encoding="utf-8").startswith("<svg")
