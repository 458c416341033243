"""One name for each thing: every spelling of a value is accepted, none is guessed.

A script that types ``--outcome succes`` must be told, not have it read as "success"; so
values are matched exactly (ignoring case, and ``-``, ``_``, spaces and ``&`` between the
words), never by prefix, and the refusal names the stored values, the one spelling the
command line prints for typing.
"""

from __future__ import annotations

import pytest

from iterate_tui.domain import fields, lifecycle
from iterate_tui.domain.enums import (
    Activity,
    Direction,
    Labelled,
    Outcome,
    Phase,
    Quadrant,
    Status,
    Support,
)
from iterate_tui.domain.errors import ValidationError
from iterate_tui.domain.ranking import Filter

EVERY_KIND: tuple[type[Labelled], ...] = (
    Status,
    Outcome,
    Activity,
    Quadrant,
    Direction,
    Phase,
    Support,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("quick_win", Quadrant.QUICK_WIN),
        ("quick-win", Quadrant.QUICK_WIN),
        ("Quick win", Quadrant.QUICK_WIN),
        ("  QUICK WIN ", Quadrant.QUICK_WIN),
        ("model-development", Activity.MODEL_DEVELOPMENT),
        ("model development", Activity.MODEL_DEVELOPMENT),
        ("model_development", Activity.MODEL_DEVELOPMENT),
        ("evaluation & debugging", Activity.EVALUATION_DEBUGGING),
        ("evaluation&debugging", Activity.EVALUATION_DEBUGGING),
        ("evaluation and debugging", Activity.EVALUATION_DEBUGGING),
        ("evaluation-debugging", Activity.EVALUATION_DEBUGGING),
        ("evaluation_debugging", Activity.EVALUATION_DEBUGGING),
        ("Data Preparation", Activity.DATA_PREPARATION),
        ("success", Outcome.SUCCESS),
        ("BACKLOG", Status.BACKLOG),
    ],
)
def test_every_spelling_of_a_value_is_accepted(raw: str, expected: Labelled) -> None:
    assert type(expected).parse(raw) is expected


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_each_value_and_label_reads_back_as_itself(kind: type[Labelled]) -> None:
    for member in kind:
        assert kind.parse(member.value) is member
        assert kind.parse(member.label) is member
        assert kind.parse(member.value.replace("_", "-")) is member


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (Outcome, "succes"),
        (Outcome, "s"),
        (Status, "back"),
        (Status, "run"),
        (Quadrant, "quick"),
        (Quadrant, "moon"),
        (Activity, "eval"),
        (Activity, "data"),
        (Direction, "max"),
        (Support, "withdraw"),
        (Phase, "mid"),
        (Activity, "model__development_x"),
        (Activity, "and"),
    ],
)
def test_a_prefix_or_a_near_miss_is_refused(kind: type[Labelled], raw: str) -> None:
    with pytest.raises(ValueError):
        kind.parse(raw)


def test_the_refusal_names_the_stored_values() -> None:
    with pytest.raises(ValidationError) as info:
        fields.choice(Outcome, "succes", "outcome")
    assert str(info.value) == "outcome: 'succes' is not one of: success, failure, inconclusive"
    with pytest.raises(ValidationError) as info:
        fields.choice(Activity, "model", "activity")
    assert info.value.message.endswith(
        "is not one of: data_preparation, feature_engineering, model_development, "
        "evaluation_debugging"
    )


def test_the_app_filter_refuses_a_prefix_with_the_same_message() -> None:
    with pytest.raises(ValidationError) as from_filter:
        Filter.parse("status:back")
    with pytest.raises(ValidationError) as from_choice:
        fields.choice(Status, "back", "status")
    assert str(from_filter.value) == str(from_choice.value)
    assert Filter.parse("status:backlog quadrant:quick-win").statuses == {Status.BACKLOG}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("explore", True), ("Exploration", True), ("exploit", False), ("EXPLOITATION", False)],
)
def test_explore_or_exploit_by_its_words(raw: str, expected: bool) -> None:
    assert lifecycle.parse_explore(raw) is expected


@pytest.mark.parametrize("raw", ["explor", "exploi", "expl", "explo"])
def test_explore_or_exploit_is_not_guessed_from_a_prefix(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        lifecycle.parse_explore(raw)
    assert info.value.message == f"{raw!r} is not one of: explore, exploit, auto"
