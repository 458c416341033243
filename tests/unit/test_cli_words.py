"""One name for each thing on the command line: what is printed for typing is the stored
value (``quick_win``), in the help, its examples and the errors; a value is accepted in any
of its spellings but never guessed from a prefix."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from iterate_tui.cli.parser import build_parser
from iterate_tui.domain.enums import Activity, Labelled, Quadrant

from .cli_support import Run, runner


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return runner(capsys, monkeypatch, db_path)


def every_help() -> str:
    """The help of the program and of every command (and verb), as --help prints them."""
    texts = []
    pending: list[argparse.ArgumentParser] = [build_parser()]
    while pending:
        parser = pending.pop()
        texts.append(parser.format_help())
        for action in parser._actions:  # argparse keeps the sub-parsers only here
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(action.choices.values())
    return "\n".join(texts)


MULTI_WORD: list[Labelled] = [m for kind in (Activity, Quadrant) for m in kind if "_" in m.value]


@pytest.mark.parametrize("member", MULTI_WORD, ids=str)
def test_help_spells_values_as_they_are_stored(member: Labelled) -> None:
    text = every_help()
    assert member.value in text
    assert member.value.replace("_", "-") not in text


def test_help_does_not_promise_prefixes() -> None:
    assert "prefix" not in every_help()


@pytest.mark.parametrize(
    "spelling", ["quick_win", "quick-win", "Quick win", "QUICK-WIN", "quick & win"]
)
def test_any_spelling_is_accepted_on_input(cli: Run, spelling: str) -> None:
    assert cli("add", "Idea").code == 0
    assert cli("triage", "1", spelling).code == 0
    assert json.loads(cli("show", "1", "--json").out)["quadrant"] == "quick_win"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["result", "1", "--outcome", "succes", "--value", "0.7"],
            "outcome: 'succes' is not one of: success, failure, inconclusive",
        ),
        (
            ["triage", "1", "quick"],
            "quadrant: 'quick' is not one of: quick_win, moonshot, incremental, avoid",
        ),
        (["list", "--status", "back"], "status: 'back' is not one of: idea, backlog"),
        (["list", "--filter", "status:back"], "status: 'back' is not one of: idea, backlog"),
        (
            ["add", "x", "--activity", "model"],
            "activity: 'model' is not one of: data_preparation, feature_engineering, "
            "model_development, evaluation_debugging",
        ),
        (["add", "x", "--explore", "explo"], "'explo' is not one of: explore, exploit, auto"),
        (["settings", "--set", "phase=mid"], "'mid' is not one of: early, middle, late"),
    ],
)
def test_a_prefix_is_refused_naming_the_stored_values(
    cli: Run, db_path: Path, args: list[str], message: str
) -> None:
    assert cli("add", "Idea", "--impact", "3", "--probability", "50%").code == 0
    before = db_path.read_bytes()
    result = cli(*args)
    assert result.code == 1
    assert message in result.err
    assert db_path.read_bytes() == before
