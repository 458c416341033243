"""The detail pane's text: where the result came from, and counts that read as English."""

from __future__ import annotations

from datetime import UTC, datetime

from iterate_tui.domain.enums import Outcome, Status
from iterate_tui.domain.experiment import EstimateChange, Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.widgets.detail import describe

SETTINGS = ProjectSettings(budget_unit="GPU-hours")
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def lines(exp: Experiment, settings: ProjectSettings = SETTINGS) -> list[str]:
    return describe(exp, settings).plain.splitlines()


def test_run_url_and_commit_are_one_line() -> None:
    exp = Experiment(
        "Focal loss", id=3, run_url="https://wandb.ai/team/p/runs/12", commit="3704d6b"
    )
    assert "Run https://wandb.ai/team/p/runs/12 · commit 3704d6b" in lines(exp)


def test_only_one_of_them() -> None:
    assert "Run file:///runs/12" in lines(Experiment("x", run_url="file:///runs/12"))
    assert "Commit abcdef1" in lines(Experiment("x", commit="abcdef1"))
    assert not any(line.startswith(("Run", "Commit")) for line in lines(Experiment("x", id=1)))


def test_a_hand_edited_url_cannot_restyle_the_terminal() -> None:
    exp = Experiment("x", run_url="https://a/\x1b[31mred\u202e", commit="ab\x9bcd")
    text = "\n".join(lines(exp))
    assert "\x1b" not in text and "\u202e" not in text and "\x9b" not in text
    assert "Run https://a/[31mred · commit abcd" in text


def test_cost_and_spend_in_the_singular_for_exactly_one() -> None:
    exp = Experiment(
        "x",
        impact=3,
        probability=0.5,
        cost=1.0,
        status=Status.DONE,
        outcome=Outcome.SUCCESS,
        values=(0.741, 0.745),
        actual_cost=1.0,
    )
    text = describe(exp, SETTINGS).plain
    assert "cost 1 GPU-hour ·" in text
    assert "spent 1 GPU-hour" in text
    assert "(mean 0.743 ± 0.003, 2 seeds)" in text
    more = describe(Experiment("x", cost=2.5, actual_cost=None), SETTINGS).plain
    assert "cost 2.5 GPU-hours ·" in more


def test_one_earlier_change() -> None:
    history = tuple(EstimateChange(T0, "cost", float(n), float(n + 1)) for n in range(9))
    text = describe(Experiment("x", history=history), SETTINGS).plain
    assert "… 1 earlier change" in text and "earlier changes" not in text
