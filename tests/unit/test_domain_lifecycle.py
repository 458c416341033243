"""How an experiment changes: creation (with the "does it matter?" rule), edits and their
history, triage snapping, nudges, start (frozen estimates), finish and skip."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from iterate_tui.domain import lifecycle, text
from iterate_tui.domain.enums import Activity, Outcome, Quadrant, Status
from iterate_tui.domain.errors import TransitionError, ValidationError
from iterate_tui.domain.experiment import EstimateChange, Experiment, Verdict, matters_verdict
from iterate_tui.domain.matrix import SNAP_DEFAULTS, quadrant
from iterate_tui.domain.settings import ProjectSettings

S = ProjectSettings()
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)
T3 = T0 + timedelta(hours=3)


def new(**values: object) -> Experiment:
    values.setdefault("title", "Mixup augmentation")
    return lifecycle.create(values, S, T0)


def backlog(impact: int = 4, probability: float = 0.7, **values: object) -> Experiment:
    exp = new(impact=impact, probability=probability, **values)
    return lifecycle.triage(exp, quadrant(exp, S) or Quadrant.QUICK_WIN, S, T0)


def running(**values: object) -> Experiment:
    return lifecycle.start(backlog(**values), T1)  # type: ignore[arg-type]


class TestCreate:
    def test_minimal_idea(self) -> None:
        exp = new()
        assert exp.title == "Mixup augmentation"
        assert exp.status is Status.IDEA
        assert exp.impact is None and exp.probability is None
        assert exp.cost == 1.0 and exp.info_value == 0 and exp.tier == 1
        assert exp.activity is Activity.MODEL_DEVELOPMENT
        assert exp.created_at == exp.updated_at == T0
        assert exp.history == () and exp.id == 0
        assert exp.is_open and not exp.estimated

    def test_parses_typed_strings(self) -> None:
        exp = new(
            title="  Label smoothing\x1b[31m ",
            hypothesis="line 1\nline 2",
            matters="Yes, +1 point F1",
            impact="3",
            probability="40%",
            cost="2.5",
            info_value="2",
            activity="feature engineering",
            tier="2",
            explore="explore",
            tags="Vision, #NLP",
        )
        assert exp.title == "Label smoothing[31m"
        assert exp.hypothesis == "line 1\nline 2"
        assert exp.impact == 3 and exp.probability == 0.4
        assert exp.cost == 2.5 and exp.info_value == 2 and exp.tier == 2
        assert exp.activity is Activity.FEATURE_ENGINEERING
        assert exp.explore is True
        assert exp.tags == ("vision", "nlp")
        assert exp.verdict is Verdict.YES
        assert exp.status is Status.IDEA  # estimates alone do not triage

    def test_blank_estimates_mean_not_estimated(self) -> None:
        exp = new(impact="", probability="  ", info_value="")
        assert exp.impact is None and exp.probability is None and exp.info_value == 0

    def test_title_is_required(self) -> None:
        with pytest.raises(ValidationError) as info:
            lifecycle.create({"impact": 3}, S, T0)
        assert info.value.field == "title"
        with pytest.raises(ValidationError, match="title"):
            new(title=" \x07 ")

    def test_unknown_key_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            new(impcat=3)
        assert info.value.field == "impcat"

    @pytest.mark.parametrize(
        ("key", "raw", "field"),
        [
            ("impact", "6", "impact"),
            ("probability", "nan", "probability"),
            ("probability", "120%", "probability"),
            ("cost", "0", "cost"),
            ("info_value", "4", "information value"),
            ("tier", "4", "tier"),
            ("activity", "cooking", "activity"),
            ("explore", "maybe", "explore/exploit"),
            ("tags", ["bad tag!"], "tag"),
            ("matters", "m" * (text.LINE_MAX + 1), "does it matter?"),
        ],
    )
    def test_invalid_fields_name_themselves(self, key: str, raw: object, field: str) -> None:
        with pytest.raises(ValidationError) as info:
            new(**{key: raw})
        assert info.value.field == field

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (None, None),
            (True, True),
            (False, False),
            ("", None),
            ("auto", None),
            ("explore", True),
            ("EXPLORATION", True),
            ("exploit", False),
            ("exploitation", False),
        ],
    )
    def test_parse_explore(self, raw: str | bool | None, expected: bool | None) -> None:
        assert lifecycle.parse_explore(raw) is expected

    @pytest.mark.parametrize("raw", ["exp", "ex", "explor", "yes"])
    def test_parse_explore_refuses_ambiguous(self, raw: str) -> None:
        with pytest.raises(ValidationError):
            lifecycle.parse_explore(raw)


class TestDoesItMatter:
    @pytest.mark.parametrize(
        "answer",
        [
            "no.",
            "No",
            "no",
            "NO!",
            "No — it would move the metric by 0.1%",
            "No - nobody uses that segment",
            "no, it moves F1 by 0.1",
            "  no: the product does not need it",
            "No; the metric is saturated",
        ],
    )
    def test_no_sends_the_idea_to_avoid_and_skips_it(self, answer: str) -> None:
        exp = new(matters=answer)
        assert exp.verdict is Verdict.NO
        assert exp.status is Status.SKIPPED
        assert quadrant(exp, S) is Quadrant.AVOID
        assert (exp.impact, exp.probability) == SNAP_DEFAULTS[Quadrant.AVOID]
        assert exp.skip_reason == f"does not matter: {answer.strip()}"
        assert exp.triaged_at == T0 and exp.finished_at == T0
        # The snap to Avoid is in the history.
        assert [(c.field, c.new, c.reason) for c in exp.history] == [
            ("impact", 1, "triaged: Avoid"),
            ("probability", 0.2, "triaged: Avoid"),
        ]

    def test_estimates_already_in_avoid_stay(self) -> None:
        exp = new(matters="no.", impact=2, probability="10%")
        assert exp.status is Status.SKIPPED
        assert (exp.impact, exp.probability) == (2, 0.1)
        assert exp.history == ()

    @pytest.mark.parametrize(
        "answer",
        [
            "",
            "not sure",
            "nothing changes if it fails, but a lot if it works",
            "no idea yet",
            "nope",
            "none of the metrics",
            "Yes, it closes the gap",
            "yes.",
            "it would matter",
            "I don't know, no",
        ],
    )
    def test_other_answers_leave_an_idea(self, answer: str) -> None:
        exp = new(matters=answer)
        assert exp.status is Status.IDEA
        assert exp.verdict is not Verdict.NO
        assert exp.skip_reason == ""

    @pytest.mark.parametrize(
        ("answer", "verdict"),
        [
            ("yes", Verdict.YES),
            ("Yes!", Verdict.YES),
            ("yes — doubles recall", Verdict.YES),
            ("yesterday's run says so", Verdict.UNSURE),
            ("no", Verdict.NO),
            ("nothing", Verdict.UNSURE),
            ("", Verdict.UNSURE),
        ],
    )
    def test_matters_verdict(self, answer: str, verdict: Verdict) -> None:
        assert matters_verdict(answer) is verdict

    def test_a_maximal_no_answer_is_still_skipped(self) -> None:
        answer = "no, " + "x" * (text.LINE_MAX - 4)
        exp = new(matters=answer)
        assert exp.status is Status.SKIPPED
        assert len(exp.skip_reason) == text.LINE_MAX
        assert exp.skip_reason.startswith("does not matter: no, xxx")
        assert exp.skip_reason.endswith("…")

    def test_editing_an_idea_to_no_skips_it(self) -> None:
        exp = lifecycle.edit(new(), {"matters": "No."}, S, T1)
        assert exp.status is Status.SKIPPED
        assert exp.skip_reason == "does not matter: No."

    def test_editing_a_triaged_item_to_no_does_not_move_it(self) -> None:
        exp = lifecycle.edit(backlog(), {"matters": "No."}, S, T1)
        assert exp.status is Status.BACKLOG
        assert exp.matters == "No."


class TestEdit:
    def test_no_change_returns_the_same_object(self) -> None:
        exp = backlog()
        assert lifecycle.edit(exp, {"impact": "4", "title": "Mixup augmentation"}, S, T1) is exp
        assert lifecycle.edit(exp, {}, S, T1) is exp

    def test_estimate_changes_are_recorded(self) -> None:
        exp = new()
        exp = lifecycle.edit(exp, {"impact": 3, "probability": "30%"}, S, T1)
        exp = lifecycle.edit(exp, {"probability": "45", "cost": 2, "info_value": 1}, S, T2)
        assert exp.history == (
            EstimateChange(T1, "impact", None, 3, "edited"),
            EstimateChange(T1, "probability", None, 0.3, "edited"),
            EstimateChange(T2, "probability", 0.3, 0.45, "edited"),
            EstimateChange(T2, "cost", 1.0, 2.0, "edited"),
            EstimateChange(T2, "info_value", 0, 1, "edited"),
        )
        assert exp.updated_at == T2 and exp.created_at == T0

    def test_other_fields_leave_no_history(self) -> None:
        exp = lifecycle.edit(
            new(),
            {
                "title": "Renamed",
                "hypothesis": "h",
                "tags": ["a"],
                "tier": 2,
                "activity": "data-preparation",
            },
            S,
            T1,
        )
        assert exp.title == "Renamed" and exp.tags == ("a",) and exp.tier == 2
        assert exp.activity is Activity.DATA_PREPARATION
        assert exp.history == ()
        assert exp.updated_at == T1

    def test_an_idea_may_lose_its_estimates(self) -> None:
        exp = lifecycle.edit(new(impact=3, probability=0.5), {"impact": ""}, S, T1)
        assert exp.impact is None
        assert exp.history[-1] == EstimateChange(T1, "impact", 3, None, "edited")

    @pytest.mark.parametrize("name", ["impact", "probability"])
    def test_a_triaged_item_keeps_its_estimates(self, name: str) -> None:
        with pytest.raises(ValidationError) as info:
            lifecycle.edit(backlog(), {name: ""}, S, T1)
        assert info.value.field == name

    def test_invalid_edit_is_refused_and_changes_nothing(self) -> None:
        exp = backlog()
        with pytest.raises(ValidationError) as info:
            lifecycle.edit(exp, {"probability": "inf"}, S, T1)
        assert info.value.field == "probability"
        assert exp.probability == 0.7


class TestTriage:
    @pytest.mark.parametrize("target", list(Quadrant))
    def test_an_unestimated_idea_snaps_to_the_defaults(self, target: Quadrant) -> None:
        exp = lifecycle.triage(new(), target, S, T1)
        assert (exp.impact, exp.probability) == SNAP_DEFAULTS[target]
        assert quadrant(exp, S) is target
        assert exp.status is Status.BACKLOG
        assert exp.triaged_at == T1 and exp.updated_at == T1
        assert {c.reason for c in exp.history} == {f"triaged: {target.label}"}

    def test_estimates_inside_the_quadrant_stay(self) -> None:
        exp = lifecycle.triage(new(impact=5, probability="90%"), Quadrant.QUICK_WIN, S, T1)
        assert (exp.impact, exp.probability) == (5, 0.9)
        assert exp.status is Status.BACKLOG
        assert exp.history == ()

    def test_threshold_values_are_inside(self) -> None:
        exp = lifecycle.triage(new(impact=3, probability="50%"), Quadrant.QUICK_WIN, S, T1)
        assert (exp.impact, exp.probability) == (3, 0.5)

    def test_estimates_outside_snap_both(self) -> None:
        exp = lifecycle.triage(new(impact=5, probability="30%"), Quadrant.QUICK_WIN, S, T1)
        assert (exp.impact, exp.probability) == (4, 0.7)
        assert [(c.field, c.old, c.new) for c in exp.history] == [
            ("impact", 5, 4),
            ("probability", 0.3, 0.7),
        ]

    def test_half_estimated_idea_snaps(self) -> None:
        exp = lifecycle.triage(new(impact=5), Quadrant.MOONSHOT, S, T1)
        assert (exp.impact, exp.probability) == (4, 0.2)

    def test_retriage_of_a_backlog_item_keeps_its_triage_time(self) -> None:
        exp = lifecycle.triage(backlog(), Quadrant.INCREMENTAL, S, T2)
        assert (exp.impact, exp.probability) == (2, 0.7)
        assert exp.status is Status.BACKLOG and exp.triaged_at == T0

    def test_retriage_into_the_same_quadrant_is_no_change(self) -> None:
        exp = backlog()
        assert lifecycle.triage(exp, Quadrant.QUICK_WIN, S, T2) is exp

    def test_a_running_experiment_can_be_retriaged_but_keeps_its_frozen_estimates(self) -> None:
        exp = lifecycle.triage(running(), Quadrant.AVOID, S, T2)
        assert exp.status is Status.RUNNING
        assert (exp.impact, exp.probability) == (1, 0.2)
        assert (exp.started_impact, exp.started_probability) == (4, 0.7)

    @pytest.mark.parametrize("status", [Status.DONE, Status.SKIPPED])
    def test_closed_experiments_do_not_move(self, status: Status) -> None:
        exp = dataclasses.replace(backlog(), status=status)
        with pytest.raises(TransitionError):
            lifecycle.triage(exp, Quadrant.AVOID, S, T1)

    def test_snapping_respects_custom_thresholds(self) -> None:
        strict = ProjectSettings(impact_threshold=5, probability_threshold=0.8)
        idea = lifecycle.create({"title": "x"}, strict, T0)
        for target in Quadrant:
            exp = lifecycle.triage(idea, target, strict, T1)
            assert quadrant(exp, strict) is target, target


class TestNudge:
    @pytest.mark.parametrize(
        ("start", "delta", "expected"), [(4, 1, 5), (4, -1, 3), (5, 1, 5), (1, -1, 1), (3, -9, 1)]
    )
    def test_impact_is_clamped_to_one_to_five(self, start: int, delta: int, expected: int) -> None:
        exp = backlog(impact=start, probability=0.7)
        assert lifecycle.nudge_impact(exp, delta, T1).impact == expected

    def test_impact_nudge_at_the_edge_is_no_change(self) -> None:
        exp = backlog(impact=5, probability=0.7)
        assert lifecycle.nudge_impact(exp, 1, T1) is exp

    def test_impact_nudge_is_recorded(self) -> None:
        exp = lifecycle.nudge_impact(backlog(), -1, T1)
        assert exp.history[-1] == EstimateChange(T1, "impact", 4, 3, "nudged")
        assert exp.updated_at == T1

    @pytest.mark.parametrize(
        ("start", "steps", "expected"),
        [
            (0.7, 1, 0.75),
            (0.7, -1, 0.65),
            (0.7, -2, 0.6),
            (0.2, -4, 0.0),
            (0.2, -5, 0.0),
            (0.95, 1, 1.0),
            (1.0, 1, 1.0),
            (0.33, 1, 0.38),
        ],
    )
    def test_probability_moves_in_five_point_steps_clamped(
        self, start: float, steps: int, expected: float
    ) -> None:
        exp = backlog(impact=4, probability=start)
        assert lifecycle.nudge_probability(exp, steps, T1).probability == expected

    def test_probability_nudge_crosses_the_threshold_exactly(self) -> None:
        exp = backlog(impact=4, probability=0.45)
        assert quadrant(exp, S) is Quadrant.MOONSHOT
        nudged = lifecycle.nudge_probability(exp, 1, T1)
        assert nudged.probability == 0.5
        assert quadrant(nudged, S) is Quadrant.QUICK_WIN

    def test_probability_nudge_at_the_edge_is_no_change(self) -> None:
        exp = backlog(impact=4, probability=1.0)
        assert lifecycle.nudge_probability(exp, 1, T1) is exp

    def test_probability_nudge_is_recorded(self) -> None:
        exp = lifecycle.nudge_probability(backlog(), 1, T1)
        assert exp.history[-1] == EstimateChange(T1, "probability", 0.7, 0.75, "nudged")

    def test_an_unestimated_idea_cannot_be_nudged(self) -> None:
        with pytest.raises(TransitionError, match="triage it first"):
            lifecycle.nudge_impact(new(), 1, T1)
        with pytest.raises(TransitionError, match="triage it first"):
            lifecycle.nudge_probability(new(), 1, T1)

    def test_a_closed_experiment_cannot_be_nudged(self) -> None:
        done = lifecycle.finish(running(), Outcome.FAILURE, [], T2)
        with pytest.raises(TransitionError):
            lifecycle.nudge_impact(done, 1, T3)
        with pytest.raises(TransitionError):
            lifecycle.nudge_probability(done, 1, T3)


class TestStart:
    def test_freezes_the_estimates(self) -> None:
        exp = lifecycle.start(backlog(impact=4, probability=0.7), T1)
        assert exp.status is Status.RUNNING
        assert exp.started_at == T1 and exp.updated_at == T1
        assert (exp.started_impact, exp.started_probability) == (4, 0.7)
        assert exp.triaged_at == T0

    def test_later_nudges_do_not_touch_the_frozen_estimates(self) -> None:
        exp = lifecycle.nudge_probability(lifecycle.nudge_impact(running(), 1, T2), -2, T2)
        assert (exp.impact, exp.probability) == (5, 0.6)
        assert (exp.started_impact, exp.started_probability) == (4, 0.7)

    def test_an_estimated_idea_starts_and_counts_as_triaged(self) -> None:
        exp = lifecycle.start(new(impact=2, probability=0.9), T1)
        assert exp.status is Status.RUNNING
        assert exp.triaged_at == T1

    def test_an_unestimated_idea_cannot_start(self) -> None:
        with pytest.raises(TransitionError, match="triage"):
            lifecycle.start(new(), T1)

    def test_running_cannot_start_again(self) -> None:
        with pytest.raises(TransitionError, match="running"):
            lifecycle.start(running(), T2)

    def test_done_and_skipped_cannot_start(self) -> None:
        done = lifecycle.finish(running(), Outcome.SUCCESS, [0.9], T2)
        skipped = lifecycle.skip(backlog(), "superseded", T2)
        for exp in (done, skipped):
            with pytest.raises(TransitionError):
                lifecycle.start(exp, T3)


class TestFinish:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ([0.91], (0.91,)),
            (["0.91", "0.93", " 0.90 "], (0.91, 0.93, 0.90)),
            ([0.8, 0.82, 0.81, 0.79, 0.8], (0.8, 0.82, 0.81, 0.79, 0.8)),
            (["-1.5", "0"], (-1.5, 0.0)),  # a loss can be negative
        ],
    )
    def test_success_with_seed_values(self, raw: list[str | float], expected: tuple[float]) -> None:
        exp = lifecycle.finish(
            running(), Outcome.SUCCESS, raw, T2, actual_cost="3.5", learned="works\nwell"
        )
        assert exp.status is Status.DONE and exp.outcome is Outcome.SUCCESS
        assert exp.values == pytest.approx(expected)
        assert all(isinstance(v, float) for v in exp.values)
        assert exp.actual_cost == 3.5
        assert exp.learned == "works\nwell"
        assert exp.finished_at == T2 and exp.updated_at == T2
        assert exp.started_at == T1
        assert not exp.is_open

    def test_success_requires_a_value(self) -> None:
        with pytest.raises(ValidationError) as info:
            lifecycle.finish(running(), Outcome.SUCCESS, [], T2)
        assert info.value.field == "value"

    @pytest.mark.parametrize("outcome", [Outcome.FAILURE, Outcome.INCONCLUSIVE])
    def test_failure_and_inconclusive_may_have_no_value(self, outcome: Outcome) -> None:
        exp = lifecycle.finish(running(), outcome, [], T2)
        assert exp.outcome is outcome and exp.values == ()
        assert exp.actual_cost is None

    @pytest.mark.parametrize("bad", [["nan"], [0.9, float("inf")], ["ninety"], [""]])
    def test_values_must_be_finite_numbers(self, bad: list[str | float]) -> None:
        with pytest.raises(ValidationError) as info:
            lifecycle.finish(running(), Outcome.SUCCESS, bad, T2)
        assert info.value.field == "value"

    @pytest.mark.parametrize("bad", ["-1", "nan", "lots"])
    def test_actual_cost_must_be_a_non_negative_number(self, bad: str) -> None:
        with pytest.raises(ValidationError) as info:
            lifecycle.finish(running(), Outcome.FAILURE, [], T2, actual_cost=bad)
        assert info.value.field == "actual cost"

    @pytest.mark.parametrize("blank", [None, "", "  "])
    def test_blank_actual_cost_is_unknown(self, blank: str | None) -> None:
        exp = lifecycle.finish(running(), Outcome.FAILURE, [], T2, actual_cost=blank)
        assert exp.actual_cost is None

    def test_learned_is_cleaned(self) -> None:
        exp = lifecycle.finish(running(), Outcome.FAILURE, [], T2, learned="\x1b[2Jboom\u202e")
        assert exp.learned == "[2Jboom"

    def test_finishing_a_backlog_item_starts_it_on_the_way(self) -> None:
        exp = lifecycle.finish(backlog(impact=2, probability=0.7), Outcome.SUCCESS, [0.5], T2)
        assert exp.status is Status.DONE
        assert exp.started_at == T2
        assert (exp.started_impact, exp.started_probability) == (2, 0.7)

    def test_finishing_an_estimated_idea_starts_it(self) -> None:
        exp = lifecycle.finish(new(impact=3, probability=0.4), Outcome.INCONCLUSIVE, [], T2)
        assert exp.status is Status.DONE
        assert (exp.started_impact, exp.started_probability) == (3, 0.4)
        assert exp.triaged_at == T2 and exp.started_at == T2

    def test_an_unestimated_idea_cannot_finish(self) -> None:
        with pytest.raises(TransitionError):
            lifecycle.finish(new(), Outcome.FAILURE, [], T2)

    def test_done_and_skipped_cannot_finish(self) -> None:
        done = lifecycle.finish(running(), Outcome.FAILURE, [], T2)
        skipped = lifecycle.skip(backlog(), "no GPU", T2)
        for exp in (done, skipped):
            with pytest.raises(TransitionError, match="only running experiments finish"):
                lifecycle.finish(exp, Outcome.SUCCESS, [1.0], T3)


class TestSkip:
    @pytest.mark.parametrize("make", [new, backlog, running])
    def test_any_open_experiment_can_be_skipped(self, make: object) -> None:
        exp = lifecycle.skip(make(), "  superseded by #4 ", T2)  # type: ignore[operator]
        assert exp.status is Status.SKIPPED
        assert exp.skip_reason == "superseded by #4"
        assert exp.finished_at == T2 and exp.updated_at == T2

    @pytest.mark.parametrize("reason", ["", "   ", "\x1b\x07"])
    def test_a_reason_is_required(self, reason: str) -> None:
        with pytest.raises(ValidationError) as info:
            lifecycle.skip(backlog(), reason, T2)
        assert info.value.field == "reason"

    def test_reason_is_one_clean_line(self) -> None:
        exp = lifecycle.skip(backlog(), "line one\nline \u202etwo [bold]", T2)
        assert exp.skip_reason == "line one line two [bold]"

    def test_reason_length_is_capped(self) -> None:
        with pytest.raises(ValidationError, match="reason"):
            lifecycle.skip(backlog(), "r" * (text.LINE_MAX + 1), T2)

    def test_closed_experiments_cannot_be_skipped(self) -> None:
        skipped = lifecycle.skip(backlog(), "first", T2)
        with pytest.raises(TransitionError):
            lifecycle.skip(skipped, "again", T3)
        done = lifecycle.finish(running(), Outcome.FAILURE, [], T2)
        with pytest.raises(TransitionError):
            lifecycle.skip(done, "late", T3)
