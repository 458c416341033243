"""Commands that group several verbs (``curves run|import|list|show``), declared with
``parser.add_group``: tried on a throwaway group built here, not one of the product's."""

from __future__ import annotations

import argparse
import sys
import types
from argparse import Namespace

import pytest

from iterate_tui.__main__ import main
from iterate_tui.cli import parser as cli_parser
from iterate_tui.cli.main import COMMANDS
from iterate_tui.cli.parser import PROG, Parser, add_group

PRODUCT_PARSER = cli_parser.build_parser


def build() -> Parser:
    """The product's parser with one more command: ``things list|show``."""
    parser = PRODUCT_PARSER()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    things = add_group(
        commands,
        "things",
        "keep a list of things",
        "Things, listed and shown: a group of verbs for the test.",
    )
    listing = things.verb("list", "every thing, one a line")
    listing.add_argument("--json", action="store_true", help="as JSON")
    showing = things.verb("show", "one thing in full")
    showing.add_argument("id", metavar="ID")
    return parser


@pytest.fixture
def with_things(monkeypatch: pytest.MonkeyPatch) -> list[Namespace]:
    """The throwaway group in the real command line, its verbs handled by a module made
    here (found by cli.main like any command's module); returns the calls they got."""
    calls: list[Namespace] = []
    module = types.ModuleType("iterate_tui.cli._things")

    def list_(args: Namespace, ctx: object) -> int:
        calls.append(args)
        print("listed")
        return 0

    module.list_ = list_  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iterate_tui.cli._things", module)
    monkeypatch.setitem(COMMANDS, "things list", ("_things", "list_"))
    monkeypatch.setattr(cli_parser, "build_parser", build)
    return calls


def test_a_verb_parses_its_own_options() -> None:
    args = build().parse_args(["things", "list", "--json"])
    assert (args.command, args.json) == ("things list", True)
    args = build().parse_args(["things", "show", "#3"])
    assert (args.command, args.id) == ("things show", "#3")


def test_the_group_help_lists_its_verbs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build().parse_args(["things", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: {PROG} things")
    assert "Things, listed and shown" in text
    assert "verbs:" in text
    assert "list" in text and "every thing, one a line" in text
    assert "show" in text and "one thing in full" in text


def test_a_verb_has_its_own_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build().parse_args(["things", "show", "--help"])
    text = capsys.readouterr().out
    assert text.startswith(f"usage: {PROG} things show") and "ID" in text


def test_the_group_alone_prints_its_usage_and_exits_2(
    with_things: list[Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["things"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines[0].startswith(f"usage: {PROG} things")
    assert lines[-1] == (
        f"{PROG}: error: things: choose a verb: list, show (see '{PROG} things --help')"
    )
    assert with_things == []


def test_an_unknown_verb_is_a_usage_error(
    with_things: list[Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["things", "frob"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'frob'" in err and "'list', 'show'" in err


def test_an_error_in_a_verb_names_the_verb(
    with_things: list[Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["things", "show"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{PROG}: error: things show: the following arguments are required: ID "
        f"(see '{PROG} things show --help')"
    )


def test_a_verb_runs_its_handler(
    with_things: list[Namespace], tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", f"{tmp_path}/p.json", "things", "list", "--json"]) == 0
    assert capsys.readouterr().out == "listed\n"
    assert [(a.command, a.json) for a in with_things] == [("things list", True)]


def test_the_top_help_lists_the_group(
    with_things: list[Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--help"]) == 0
    assert "\n    things " in capsys.readouterr().out
