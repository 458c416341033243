"""Regenerate what the README takes from the app itself, so that the two never disagree:

- ``docs/backlog.svg``: the backlog of the demo project, drawn by the app headless at
  120x40 (as the snapshot tests draw it, with the tests' fixed clock);
- the blocks between ``<!-- BEGIN name -->`` and ``<!-- END name -->``: every key of every
  screen (from ``modes.MODES``), every command with its summary (from the argument parser)
  and the portfolio's definitions.

    .venv/bin/python docs/make_readme.py            # write them
    .venv/bin/python docs/make_readme.py --check    # exit 1 if the README is out of date

``tests/unit/test_readme.py`` runs the check.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iterate_tui.commands import Command

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

README = ROOT / "README.md"
SCREENSHOT = ROOT / "docs" / "backlog.svg"
SIZE = (120, 40)
#: The tests' clock (tests/ui/conftest.py), so the screenshot changes only with the app.
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def keys_markdown() -> str:
    """One table per screen: its keys and what each does, and the keys of every screen."""
    from iterate_tui import modes
    from iterate_tui.commands import TRIAGE
    from iterate_tui.screens.help import LISTS, distinct

    def table(commands: Iterable[Command]) -> list[str]:
        lines = ["| key | what it does |", "| --- | --- |"]
        for command in distinct(commands):
            keys = " ".join(f"`{k}`" for k in command.display_keys.split())
            lines.append(f"| {keys} | {command.verb} |")
        return lines

    out = ["**Everywhere**", "", *table(modes.app_commands()), ""]
    triage = set(TRIAGE)
    for mode in modes.MODES:
        about = mode.help.splitlines()[0].split(" How each figure")[0]
        own = [c for c in mode.commands if c not in triage]
        shared = " With the triage keys below." if triage & set(mode.commands) else ""
        out += [f"**{mode.title}**: {about}{shared}", "", *table(own), ""]
    out += ["**The triage keys** (backlog, inbox, matrix)", "", *table(TRIAGE), ""]
    out += ["**In every list**", "", *table(LISTS)]
    return "\n".join(out)


def commands_markdown() -> str:
    """Every command and its summary, as ``iterate-tui --help`` lists them."""
    from iterate_tui.cli.parser import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = ["| command | what it does |", "| --- | --- |"]
    for choice in sub._choices_actions:
        lines.append(f"| `{choice.dest}` | {choice.help} |")
    return "\n".join(lines)


def definitions_markdown() -> str:
    from iterate_tui.domain.portfolio_definitions import DEFINITIONS

    return "\n".join(f"- **{name}**: {text}" for name, text in DEFINITIONS)


BLOCKS = {
    "keys": keys_markdown,
    "commands": commands_markdown,
    "portfolio": definitions_markdown,
}


def with_blocks(text: str) -> str:
    """The README with every generated block made anew."""
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- BEGIN {name} --> ... END block")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), text)
    return text


async def _screenshot() -> str:
    from iterate_tui.app import IterateApp
    from iterate_tui.demo import demo_copy, discard_copy
    from iterate_tui.store.project import ProjectStore
    from iterate_tui.store.repository import Repository

    path = demo_copy()
    store = ProjectStore.open(path)
    try:
        app = IterateApp(Repository(store), clock=lambda: NOW, watch_interval=None)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return app.export_screenshot(title="iterate-tui: the backlog of the demo project")
    finally:
        store.close()
        discard_copy(path)


def screenshot() -> str:
    return asyncio.run(_screenshot())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    fresh = with_blocks(current)
    if args.check:
        if fresh != current:
            print("README.md is out of date: run docs/make_readme.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    SCREENSHOT.write_text(screenshot(), encoding="utf-8")
    print(f"wrote {README.relative_to(ROOT)} and {SCREENSHOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
