"""The portfolio figures on small hand-made portfolios, each expected figure worked out by
hand in the test (the arithmetic is in the comments), with the edge cases: no budget, no
experiments, everything skipped, a minimize metric, a cycle of follow-ups, the runway with
and without recent spending, each warning present and absent, the phase boundaries."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from iterate_tui.domain import lifecycle, portfolio, text
from iterate_tui.domain.enums import Activity, Direction, Outcome, Phase, Status
from iterate_tui.domain.errors import TransitionError
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.matrix import is_explore
from iterate_tui.domain.portfolio import (
    PortfolioReport,
    RangeStatus,
    WarningCode,
    exploration_wording,
    has_smoke_test,
    pareto,
    portfolio_report,
    report_to_json,
    suggest_phase,
)
from iterate_tui.domain.portfolio_definitions import DEFINITIONS
from iterate_tui.domain.settings import ProjectSettings

DATA = Activity.DATA_PREPARATION
FEAT = Activity.FEATURE_ENGINEERING
MODEL = Activity.MODEL_DEVELOPMENT
EVAL = Activity.EVALUATION_DEBUGGING

DONE, RUNNING, SKIPPED = Status.DONE, Status.RUNNING, Status.SKIPPED
BACKLOG, IDEA = Status.BACKLOG, Status.IDEA

TODAY = date(2026, 2, 1)
#: 100 days from start to deadline, so the elapsed share is the day number / 100.
SETTINGS = ProjectSettings(
    start_date=date(2026, 1, 1),
    deadline=date(2026, 4, 11),
    budget_total=100.0,
    phase=Phase.MIDDLE,
)
NO_BUDGET = dataclasses.replace(SETTINGS, budget_total=None)

# Estimates that fall in each quadrant with the default thresholds (impact 3, 50%).
QUICK_WIN = {"impact": 4, "probability": 0.7}
MOONSHOT = {"impact": 4, "probability": 0.2}
INCREMENTAL = {"impact": 2, "probability": 0.7}
AVOID = {"impact": 1, "probability": 0.2}


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def make(
    exp_id: int,
    status: Status = DONE,
    cost: float = 1.0,
    *,
    actual: float | None = None,
    quadrant: dict[str, float] | None = None,
    explore: bool | None = None,
    activity: Activity = MODEL,
    tier: int = 1,
    values: tuple[float, ...] = (),
    finished: date | None = None,
    started_probability: float | None = None,
    follow_up_of: int | None = None,
    info_value: int = 0,
) -> Experiment:
    """An experiment as the store would hold it; done and skipped ones finished long ago
    (outside the burn window) unless ``finished`` says otherwise."""
    estimates = QUICK_WIN if quadrant is None else quadrant
    ended = finished or date(2025, 6, 1)
    return Experiment(
        title=f"Experiment {exp_id}",
        id=exp_id,
        status=status,
        cost=cost,
        actual_cost=actual,
        impact=int(estimates["impact"]),
        probability=estimates["probability"],
        explore=explore,
        activity=activity,
        tier=tier,
        values=values,
        outcome=Outcome.SUCCESS if status is DONE else None,
        finished_at=at(ended) if status in (DONE, SKIPPED) else None,
        started_probability=started_probability,
        follow_up_of=follow_up_of,
        info_value=info_value,
    )


def report(
    experiments: list[Experiment],
    settings: ProjectSettings = SETTINGS,
    today: date = TODAY,
) -> PortfolioReport:
    return portfolio_report(experiments, settings, today)


def codes(result: PortfolioReport) -> list[WarningCode]:
    return [w.code for w in result.warnings]


EXPLORATION_CODES = (WarningCode.PURE_EXPLOITATION, WarningCode.EXPLORATION_OFF_TARGET)


def exploration_codes(result: PortfolioReport) -> list[WarningCode]:
    """The exploration warnings only (these small portfolios are all model development,
    which the activity warnings would add to)."""
    return [c for c in codes(result) if c in EXPLORATION_CODES]


# -- spent, committed, planned, left ---------------------------------------------------------
class TestBudget:
    def test_spent_committed_planned_left(self) -> None:
        result = report(
            [
                make(1, DONE, cost=5, actual=3),  # spent 3: the actual cost, not the estimate
                make(2, DONE, cost=2),  # spent 2: no actual cost, so the estimate
                make(3, SKIPPED, cost=9, actual=1.5),  # spent 1.5: what went before giving up
                make(4, SKIPPED, cost=7),  # spent 0: skipped with no cost recorded
                make(5, RUNNING, cost=4),  # committed 4
                make(6, BACKLOG, cost=10),  # not planned
                make(7, IDEA, cost=20),  # not planned
            ]
        )
        budget = result.budget
        # spent = 3 + 2 + 1.5 + 0 = 6.5; committed = 4; planned = 10.5; left = 100 - 10.5
        assert budget.spent == pytest.approx(6.5)
        assert budget.committed == pytest.approx(4.0)
        assert budget.planned == pytest.approx(10.5)
        assert budget.left == pytest.approx(89.5)
        assert budget.total == 100.0 and budget.unit == "GPU-hours"

    def test_no_budget_set(self) -> None:
        result = report(
            [make(1, DONE, cost=5, finished=TODAY), make(2, RUNNING, cost=3)], NO_BUDGET
        )
        assert result.budget.planned == pytest.approx(8.0)
        assert result.budget.total is None and result.budget.left is None
        assert result.budget.runway_days is None and result.budget.runway_date is None
        assert result.moonshots.share_of_budget is None
        assert WarningCode.OVER_BUDGET not in codes(result)
        data = report_to_json(result)
        assert data["budget"]["total"] is None and data["budget"]["left"] is None
        assert data["budget"]["runway_days"] is None
        assert data["moonshots"]["share_of_budget"] is None

    def test_over_budget_warning(self) -> None:
        # planned = 60 spent + 50 committed = 110 > 100: 10 over
        result = report([make(1, DONE, cost=60), make(2, RUNNING, cost=50)])
        (warning,) = [w for w in result.warnings if w.code is WarningCode.OVER_BUDGET]
        assert "110" in warning.message and "100" in warning.message and "by 10" in warning.message
        assert result.budget.over and result.budget.left == pytest.approx(-10.0)

    def test_planned_exactly_the_budget_is_not_over(self) -> None:
        result = report([make(1, DONE, cost=60), make(2, RUNNING, cost=40)])
        assert result.budget.left == pytest.approx(0.0)
        assert WarningCode.OVER_BUDGET not in codes(result)


# -- no experiments, everything skipped -------------------------------------------------------
class TestEmptyPortfolios:
    def test_no_experiments(self) -> None:
        result = report([])
        ex = result.exploration
        assert ex.share_cost is None and ex.share_count is None and ex.deviation_points is None
        assert ex.wording == "nothing planned yet, target 50% exploring"
        assert result.budget.planned == 0 and result.budget.left == 100.0
        assert result.budget.runway_days is None
        assert result.moonshots.share_of_budget == 0.0
        assert all(s.share is None and s.status is None for s in result.activities.shares)
        assert (result.pareto.n_done, result.pareto.n_top, result.pareto.top_share) == (0, 0, None)
        assert result.warnings == () and result.pull_next == ()
        json.dumps(report_to_json(result), allow_nan=False)

    def test_everything_skipped_without_cost(self) -> None:
        result = report([make(1, SKIPPED, cost=5), make(2, SKIPPED, cost=3, explore=True)])
        # Nothing was spent: planned 0, so no share by cost; skipped ones are not counted.
        assert result.budget.planned == 0
        assert result.exploration.share_cost is None and result.exploration.share_count is None
        assert result.warnings == ()

    def test_skipped_ones_count_by_cost_only(self) -> None:
        result = report(
            [
                make(1, SKIPPED, cost=5, actual=2, explore=True),  # explore 2 by cost only
                make(2, DONE, cost=6),  # exploit 6, counted
            ]
        )
        # by cost: 2 / (2 + 6) = 25%; by count: 0 explorers of the 1 done or running
        assert result.exploration.share_cost == pytest.approx(0.25)
        assert result.exploration.share_count == 0.0
        assert (result.exploration.explore_count, result.exploration.counted) == (0, 1)

    def test_only_skipped_with_cost_has_no_count_share(self) -> None:
        result = report([make(1, SKIPPED, cost=5, actual=2, explore=True)])
        assert result.exploration.share_cost == 1.0
        assert result.exploration.share_count is None


# -- exploration -------------------------------------------------------------------------------
class TestExploration:
    def test_shares_deviation_and_wording(self) -> None:
        result = report(
            [
                make(1, DONE, cost=2, quadrant=MOONSHOT),  # explores: a moonshot, no flag
                make(2, RUNNING, cost=1.5, quadrant=QUICK_WIN, explore=True),  # its flag
                make(3, DONE, cost=4, quadrant=MOONSHOT, explore=False),  # its flag: exploits
                make(4, DONE, cost=2.5, quadrant=INCREMENTAL),  # exploits
            ]
        )
        ex = result.exploration
        # by cost: (2 + 1.5) / (2 + 1.5 + 4 + 2.5) = 3.5 / 10 = 35%; by count: 2 of 4
        assert ex.share_cost == pytest.approx(0.35)
        assert ex.share_count == pytest.approx(0.5)
        # (0.35 - 0.5) x 100 = -15: under the target, so negative
        assert ex.deviation_points == pytest.approx(-15.0)
        assert ex.wording == "exploring 35%, target 50%: 15 points under"

    def test_deviation_over_target_is_positive(self) -> None:
        result = report([make(1, DONE, cost=7, explore=True), make(2, DONE, cost=3)])
        # 7 / 10 = 70% against 50%: +20 points
        assert result.exploration.deviation_points == pytest.approx(20.0)
        assert result.exploration.wording == "exploring 70%, target 50%: 20 points over"

    def test_wording_on_target_and_one_point(self) -> None:
        assert exploration_wording(0.502, 0.5) == "exploring 50%, target 50%: on target"
        assert exploration_wording(0.19, 0.2) == "exploring 19%, target 20%: 1 point under"

    @pytest.mark.parametrize(
        ("phase", "target"),
        [(Phase.EARLY, 0.8), (Phase.MIDDLE, 0.5), (Phase.LATE, 0.2), (Phase.DEADLINE, 0.0)],
    )
    def test_target_follows_the_phase(self, phase: Phase, target: float) -> None:
        settings = dataclasses.replace(SETTINGS, phase=phase)
        result = report([make(1, DONE, cost=4, explore=True), make(2, DONE, cost=6)], settings)
        assert result.exploration.target == target
        # 4 / 10 = 40% exploring
        assert result.exploration.deviation_points == pytest.approx((0.4 - target) * 100)

    @pytest.mark.parametrize("explore", [None, True, False])
    @pytest.mark.parametrize("impact", [1, 2, 3, 5])
    @pytest.mark.parametrize("probability", [0.0, 0.3, 0.5, 0.55, 1.0])
    def test_explore_is_the_matrix_rule(
        self, explore: bool | None, impact: int, probability: float
    ) -> None:
        settings = dataclasses.replace(SETTINGS, impact_threshold=3, probability_threshold=0.55)
        exp = make(
            1,
            DONE,
            cost=1,
            quadrant={"impact": impact, "probability": probability},
            explore=explore,
        )
        result = report([exp], settings)
        assert (result.exploration.explore_cost == 1.0) is is_explore(exp, settings)


# -- moonshots ---------------------------------------------------------------------------------
class TestMoonshots:
    def test_share_of_budget_and_warning(self) -> None:
        result = report(
            [
                make(1, DONE, cost=15, actual=17, quadrant=MOONSHOT),
                make(2, RUNNING, cost=8, quadrant=MOONSHOT),
                make(3, BACKLOG, cost=30, quadrant=MOONSHOT),  # not planned: not counted
                make(4, DONE, cost=10, quadrant=QUICK_WIN, explore=True),  # explores, no moonshot
            ]
        )
        # (17 + 8) / 100 = 25% of the budget, over the 20% allowance
        assert result.moonshots.share_of_budget == pytest.approx(0.25)
        assert result.moonshots.allowance == 0.2
        (warning,) = [w for w in result.warnings if w.code is WarningCode.MOONSHOTS_OVER_ALLOWANCE]
        assert "25%" in warning.message and "20%" in warning.message

    def test_at_the_allowance_no_warning(self) -> None:
        result = report([make(1, DONE, cost=20, quadrant=MOONSHOT)])
        assert result.moonshots.share_of_budget == pytest.approx(0.2)
        assert WarningCode.MOONSHOTS_OVER_ALLOWANCE not in codes(result)

    def test_allowance_is_the_setting(self) -> None:
        settings = dataclasses.replace(SETTINGS, moonshot_share=0.3)
        result = report([make(1, DONE, cost=25, quadrant=MOONSHOT)], settings)
        assert result.moonshots.allowance == 0.3
        assert WarningCode.MOONSHOTS_OVER_ALLOWANCE not in codes(result)


# -- activities --------------------------------------------------------------------------------
class TestActivities:
    def test_shares_by_cost_and_count_and_status(self) -> None:
        result = report(
            [
                make(1, DONE, cost=3, activity=DATA),
                make(2, DONE, cost=2, activity=FEAT),
                make(3, RUNNING, cost=4, activity=MODEL),
                make(4, SKIPPED, cost=5, actual=1, activity=EVAL),  # by cost only
            ]
        )
        # planned 3 + 2 + 4 + 1 = 10; counted: 3 (the skipped one is not)
        data, feat, model, evaluation = result.activities.shares
        assert (data.share, feat.share, model.share, evaluation.share) == pytest.approx(
            (0.3, 0.2, 0.4, 0.1)
        )
        assert (data.share_count, evaluation.share_count) == pytest.approx((1 / 3, 0.0))
        # 30% and 20% and 10% are on the low ends of their ranges: in; 40% is over 20-30%
        assert data.status is RangeStatus.IN and feat.status is RangeStatus.IN
        assert evaluation.status is RangeStatus.IN
        assert model.status is RangeStatus.OVER
        assert result.activities.unit == "GPU-hours"
        assert (data.low, data.high) == (0.3, 0.4)

    def test_under(self) -> None:
        result = report([make(1, DONE, cost=1, activity=DATA), make(2, DONE, cost=9)])
        # data preparation 1 / 10 = 10%, under 30-40% by 20 points
        data = result.activities.of(DATA)
        assert data.status is RangeStatus.UNDER
        assert data.points_outside == pytest.approx(20.0)

    def test_warning_beyond_ten_points(self) -> None:
        # data preparation 19 / 100 = 19%: 11 points under 30% -> warned
        spread = [
            make(1, DONE, cost=19, activity=DATA),
            make(2, DONE, cost=25, activity=FEAT),
            make(3, DONE, cost=41, activity=MODEL),  # 41%: 11 points over 30% -> warned
            make(4, DONE, cost=15, activity=EVAL),
        ]
        result = report(spread, NO_BUDGET)
        messages = [w.message for w in result.warnings if w.code is WarningCode.ACTIVITY_OFF_RANGE]
        assert messages == [
            "data preparation takes 19% of the planned GPU-hours, range 30-40%: 11 points under",
            "model development takes 41% of the planned GPU-hours, range 20-30%: 11 points over",
        ]

    def test_no_warning_within_ten_points(self) -> None:
        # data preparation 21%: 9 points under, status under, but no warning
        result = report(
            [
                make(1, DONE, cost=21, activity=DATA),
                make(2, DONE, cost=29, activity=FEAT),
                make(3, DONE, cost=35, activity=MODEL),  # 5 points over
                make(4, DONE, cost=15, activity=EVAL),
            ],
            NO_BUDGET,
        )
        assert result.activities.of(DATA).status is RangeStatus.UNDER
        assert WarningCode.ACTIVITY_OFF_RANGE not in codes(result)


# -- risk levels and tiers -----------------------------------------------------------------------
class TestRiskAndTiers:
    def test_risk_by_probability_held_at_start(self) -> None:
        result = report(
            [
                # started at 70% (safe), estimate moved to 20% since: the start counts
                make(1, DONE, cost=1, quadrant=MOONSHOT, started_probability=0.7),
                make(2, RUNNING, cost=2, quadrant=QUICK_WIN, started_probability=0.4),  # medium
                make(3, DONE, cost=4, started_probability=0.3999),  # risky
                # never started (skipped from the backlog): its current 70% -> safe
                make(4, SKIPPED, cost=9, actual=8, quadrant=QUICK_WIN),
                make(5, BACKLOG, cost=50, quadrant=AVOID),  # not planned
            ]
        )
        # safe 1 + 8 = 9, medium 2, risky 4
        assert (result.risk.safe, result.risk.medium, result.risk.risky) == pytest.approx(
            (9.0, 2.0, 4.0)
        )
        assert result.risk.unknown == 0

    def test_without_a_probability_the_risk_is_unknown(self) -> None:
        idea = Experiment(title="x", id=1, status=SKIPPED, cost=3, actual_cost=2)
        result = report([idea])
        assert result.risk.unknown == 2.0 and result.risk.safe == 0

    def test_cost_per_tier(self) -> None:
        result = report(
            [
                make(1, DONE, cost=1, tier=1),
                make(2, DONE, cost=2, actual=3, tier=2),
                make(3, RUNNING, cost=10, tier=3),
                make(4, BACKLOG, cost=40, tier=3),  # not planned
            ]
        )
        assert [(t.tier, t.cost, t.count) for t in result.tiers.costs] == [
            (1, 1.0, 1),
            (2, 3.0, 1),
            (3, 10.0, 1),
        ]
        assert result.tiers.cost(2) == 3.0
        assert report_to_json(result)["tiers"] == {"1": 1.0, "2": 3.0, "3": 10.0}


# -- tier 3 without a smoke test ---------------------------------------------------------------
class TestSmokeTest:
    def test_chain_to_a_done_lower_tier(self) -> None:
        smoke = make(1, DONE, tier=1)
        sample = make(2, IDEA, tier=2, follow_up_of=1)  # not done itself
        full = make(3, BACKLOG, tier=3, follow_up_of=2)  # its grandparent is the smoke test
        result = report([smoke, sample, full])
        assert result.tiers.without_smoke_test == ()
        assert WarningCode.NO_SMOKE_TEST not in codes(result)

    def test_flagged(self) -> None:
        experiments = [
            make(1, RUNNING, tier=1),  # not finished yet
            make(2, SKIPPED, tier=2),  # given up: not a test that ran
            make(3, DONE, tier=3),  # done, but tier 3 itself
            make(10, BACKLOG, tier=3),  # no chain at all
            make(11, RUNNING, tier=3, follow_up_of=1),
            make(12, IDEA, tier=3, follow_up_of=2),
            make(13, DONE, tier=3, follow_up_of=3),
            make(14, BACKLOG, tier=3, follow_up_of=99),  # the parent was deleted
            make(15, SKIPPED, tier=3),  # skipped: left out
        ]
        result = report(experiments)
        assert result.tiers.without_smoke_test == (3, 10, 11, 12, 13, 14)
        (warning,) = [w for w in result.warnings if w.code is WarningCode.NO_SMOKE_TEST]
        assert warning.ids == (3, 10, 11, 12, 13, 14)
        assert "#3, #10, #11, #12, #13, #14" in warning.message
        assert "full run before any smoke test" in warning.message

    def test_a_cycle_ends(self) -> None:
        first = make(1, BACKLOG, tier=3, follow_up_of=2)
        second = make(2, DONE, tier=3, follow_up_of=1)
        by_id = {1: first, 2: second}
        assert not has_smoke_test(first, by_id)
        assert report([first, second]).tiers.without_smoke_test == (1, 2)

    def test_a_cycle_through_a_smoke_test(self) -> None:
        smoke = make(1, DONE, tier=1, follow_up_of=2)
        full = make(2, BACKLOG, tier=3, follow_up_of=1)
        assert report([smoke, full]).tiers.without_smoke_test == ()

    def test_self_loop(self) -> None:
        loop = make(1, BACKLOG, tier=3, follow_up_of=1)
        assert report([loop]).tiers.without_smoke_test == (1,)

    def test_many_ids_are_shortened(self) -> None:
        result = report([make(i, BACKLOG, tier=3) for i in range(1, 13)])
        (warning,) = result.warnings
        assert "#10 and 2 more" in warning.message and "#11" not in warning.message
        assert len(warning.ids) == 12


# -- promotion ---------------------------------------------------------------------------------
NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def done_experiment(**values: object) -> Experiment:
    values.setdefault("title", "Mixup on the image branch")
    exp = lifecycle.create(
        {
            "hypothesis": "mixup regularises the tail",
            "matters": "yes, +1 F1",
            "impact": 4,
            "probability": 0.6,
            "cost": 2,
            "info_value": 2,
            "activity": "feature_engineering",
            "explore": "explore",
            "tags": "aug, vision",
            **values,
        },
        SETTINGS,
        NOW,
    )
    exp = dataclasses.replace(exp, id=7)
    return lifecycle.finish(exp, Outcome.SUCCESS, [0.74], NOW, actual_cost=2.5)


class TestPromote:
    def test_makes_a_linked_idea_one_tier_up(self) -> None:
        source = done_experiment(tier=1)
        later = NOW + timedelta(hours=1)
        new = lifecycle.promote(source, SETTINGS, later)
        assert new.status is Status.IDEA and new.id == 0
        assert new.tier == 2 and new.follow_up_of == 7
        assert new.title == "Follow-up (tier 2): Mixup on the image branch"
        assert new.hypothesis == source.hypothesis
        assert (new.impact, new.probability, new.cost, new.info_value) == (4, 0.6, 2.0, 2)
        assert new.activity is FEAT and new.tags == ("aug", "vision") and new.explore is True
        assert new.matters == "" and new.values == () and new.actual_cost is None
        assert new.created_at == new.updated_at == later and new.history == ()

    def test_prefixes_do_not_stack(self) -> None:
        first = lifecycle.promote(done_experiment(tier=1), SETTINGS, NOW)
        second_source = lifecycle.finish(
            dataclasses.replace(first, id=8), Outcome.SUCCESS, [0.75], NOW
        )
        second = lifecycle.promote(second_source, SETTINGS, NOW)
        assert second.title == "Follow-up (tier 3): Mixup on the image branch"
        assert second.tier == 3 and second.follow_up_of == 8

    def test_title_stays_within_the_limit(self) -> None:
        source = done_experiment(title="x" * text.TITLE_MAX)
        new = lifecycle.promote(source, SETTINGS, NOW)
        assert len(new.title) == text.TITLE_MAX
        assert new.title.startswith("Follow-up (tier 2): xxx") and new.title.endswith("…")

    def test_refuses_tier_three(self) -> None:
        with pytest.raises(TransitionError, match="already at tier 3"):
            lifecycle.promote(done_experiment(tier=3), SETTINGS, NOW)

    @pytest.mark.parametrize("status", [IDEA, BACKLOG, RUNNING, SKIPPED])
    def test_refuses_what_is_not_done(self, status: Status) -> None:
        exp = make(3, status, tier=1)
        with pytest.raises(TransitionError, match="only a done experiment"):
            lifecycle.promote(exp, SETTINGS, NOW)

    def test_a_promoted_full_run_has_its_smoke_test(self) -> None:
        smoke = dataclasses.replace(done_experiment(tier=2), id=1)
        full = dataclasses.replace(lifecycle.promote(smoke, SETTINGS, NOW), id=2)
        assert full.tier == 3
        assert report([smoke, full]).tiers.without_smoke_test == ()


class TestSkipCost:
    def test_skip_records_what_was_spent(self) -> None:
        exp = lifecycle.start(make(1, BACKLOG), NOW)
        skipped = lifecycle.skip(exp, "diverged", NOW, "2.5")
        assert skipped.actual_cost == 2.5 and skipped.status is SKIPPED

    def test_skip_without_cost(self) -> None:
        assert lifecycle.skip(make(1, BACKLOG), "superseded", NOW).actual_cost is None
        assert lifecycle.skip(make(1, BACKLOG), "superseded", NOW, " ").actual_cost is None

    @pytest.mark.parametrize("bad", ["-1", "nan", "inf", "a lot"])
    def test_skip_refuses_a_bad_cost(self, bad: str) -> None:
        with pytest.raises(ValueError, match="actual cost"):
            lifecycle.skip(make(1, BACKLOG), "superseded", NOW, bad)


# -- runway --------------------------------------------------------------------------------------
class TestRunway:
    def test_burn_rate_over_the_last_fourteen_days(self) -> None:
        window_start = TODAY - timedelta(days=13)
        result = report(
            [
                make(1, DONE, cost=5, actual=7, finished=TODAY),  # in: today
                make(2, DONE, cost=7, finished=window_start),  # in: 13 days ago
                make(3, SKIPPED, cost=9, actual=7, finished=TODAY - timedelta(days=3)),  # in
                make(4, DONE, cost=30, finished=TODAY - timedelta(days=14)),  # out: 14 days
                make(5, RUNNING, cost=20),  # committed, not burned
            ]
        )
        budget = result.budget
        # burned 7 + 7 + 7 = 21 in 14 days: 1.5 a day
        assert budget.burn_per_day == pytest.approx(1.5)
        # planned 7 + 7 + 7 + 30 + 20 = 71; left 100 - 71 = 29; 29 / 1.5 = 19.33 days
        assert budget.left == pytest.approx(29.0)
        assert budget.runway_days == pytest.approx(29 / 1.5)
        assert budget.runway_date == TODAY + timedelta(days=19)
        # the deadline (April 11) is later: the budget runs out first
        assert budget.runs_out_before_deadline is True
        assert report_to_json(result)["budget"]["runway_date"] == "2026-02-20"

    def test_no_recent_spending(self) -> None:
        result = report([make(1, DONE, cost=5, finished=TODAY - timedelta(days=20))])
        assert result.budget.burn_per_day == 0
        assert result.budget.runway_days is None and result.budget.runway_date is None
        assert result.budget.runs_out_before_deadline is None

    def test_lasting_past_the_deadline(self) -> None:
        result = report([make(1, DONE, cost=1.4, finished=TODAY)])
        # burn 1.4 / 14 = 0.1 a day; left 98.6; 986 days: well past the deadline
        assert result.budget.runway_days == pytest.approx(986.0)
        assert result.budget.runs_out_before_deadline is False

    def test_used_up(self) -> None:
        result = report([make(1, DONE, cost=140, finished=TODAY)])
        # left 100 - 140 = -40: no runway left at all
        assert result.budget.runway_days == 0.0
        assert result.budget.runway_date == TODAY


# -- the 80/20 check -----------------------------------------------------------------------------
def result_exp(
    exp_id: int, day: int, *values: float, outcome: Outcome = Outcome.SUCCESS
) -> Experiment:
    exp = make(exp_id, DONE, values=values, finished=date(2026, 1, day))
    return dataclasses.replace(exp, outcome=outcome)


class TestPareto:
    def test_maximize_in_finishing_order(self) -> None:
        settings = dataclasses.replace(SETTINGS, baseline=0.70)
        experiments = [
            result_exp(5, 5, 0.80),  # finished last: 0.80 - 0.75 = 0.05
            result_exp(1, 1, 0.72),  # first: 0.72 - 0.70 = 0.02
            result_exp(2, 2, 0.71, outcome=Outcome.FAILURE),  # below the best 0.72: 0
            result_exp(3, 3, 0.74, 0.76),  # mean 0.75: 0.75 - 0.72 = 0.03
            result_exp(4, 4, 0.74, outcome=Outcome.INCONCLUSIVE),  # below 0.75: 0
            make(6, DONE, cost=1),  # no value: not in the check
        ]
        result = report(experiments, settings)
        gains = [(g.exp_id, round(g.gain, 9)) for g in result.pareto.gains]
        assert gains == [(1, 0.02), (2, 0.0), (3, 0.03), (4, 0.0), (5, 0.05)]
        # 5 results: the top 20% is 1; it brought 0.05 of 0.10 in all = 50%
        assert (result.pareto.n_done, result.pareto.n_top) == (5, 1)
        assert result.pareto.total_gain == pytest.approx(0.10)
        assert result.pareto.top_share == pytest.approx(0.5)

    def test_minimize(self) -> None:
        settings = dataclasses.replace(SETTINGS, baseline=1.0, direction=Direction.MINIMIZE)
        experiments = [
            result_exp(1, 1, 0.9),  # 1.0 - 0.9 = 0.1
            result_exp(2, 2, 0.95),  # worse than 0.9: 0
            result_exp(3, 3, 0.6),  # 0.9 - 0.6 = 0.3
            result_exp(4, 4, 1.2),  # worse: 0 (a maximize reading would call it the best)
        ]
        result = pareto(experiments, settings)
        # 4 results: top 1 (rounded up from 0.8); 0.3 of 0.4 = 75%
        assert [round(g.gain, 9) for g in result.gains] == [0.1, 0.0, 0.3, 0.0]
        assert result.n_top == 1
        assert result.top_share == pytest.approx(0.75)

    def test_without_a_baseline_the_first_result_starts(self) -> None:
        settings = dataclasses.replace(SETTINGS, baseline=None)
        experiments = [result_exp(1, 1, 0.5), result_exp(2, 2, 0.6), result_exp(3, 3, 0.9)]
        result = pareto(experiments, settings)
        # gains 0 (the start), 0.1, 0.3: the top 1 of 3 brought 0.3 / 0.4 = 75%
        assert [round(g.gain, 9) for g in result.gains] == [0.0, 0.1, 0.3]
        assert result.top_share == pytest.approx(0.75)

    def test_no_gain(self) -> None:
        settings = dataclasses.replace(SETTINGS, baseline=0.9)
        result = pareto([result_exp(1, 1, 0.8), result_exp(2, 2, 0.85)], settings)
        assert result.total_gain == 0 and result.top_share is None
        assert (result.n_done, result.n_top) == (2, 1)

    @pytest.mark.parametrize(("n", "top"), [(1, 1), (5, 1), (6, 2), (10, 2), (15, 3), (16, 4)])
    def test_top_fifth_rounded_up(self, n: int, top: int) -> None:
        # ceil(n / 5): one of 1 to 5, two of 6 to 10, three of 11 to 15, four from 16
        experiments = [result_exp(i, 1 + i % 27, 0.5 + i / 100) for i in range(1, n + 1)]
        assert pareto(experiments, dataclasses.replace(SETTINGS, baseline=0.0)).n_top == top

    def test_top_share_sums_the_largest_gains(self) -> None:
        settings = dataclasses.replace(SETTINGS, baseline=0.0)
        # 6 results, gains 0.1, 0.05, 0.2, 0.05, 0.4, 0.2 (each a new best) -> top 2 = 0.4 + 0.2
        values = [0.1, 0.15, 0.35, 0.4, 0.8, 1.0]
        result = pareto([result_exp(i, i, v) for i, v in enumerate(values, 1)], settings)
        assert result.n_top == 2
        assert result.top_share == pytest.approx(0.6 / 1.0)


# -- suggested phase -------------------------------------------------------------------------------
class TestSuggestPhase:
    @pytest.mark.parametrize(
        ("day", "phase"),
        [
            (0, Phase.EARLY),
            (24, Phase.EARLY),
            (25, Phase.MIDDLE),
            (59, Phase.MIDDLE),
            (60, Phase.LATE),
            (89, Phase.LATE),
            (90, Phase.DEADLINE),
            (100, Phase.DEADLINE),
        ],
    )
    def test_time_boundaries(self, day: int, phase: Phase) -> None:
        today = SETTINGS.start_date + timedelta(days=day)
        suggestion = suggest_phase(NO_BUDGET, 0.0, today)
        assert suggestion is not None
        assert suggestion.phase is phase
        assert suggestion.time_share == pytest.approx(day / 100)
        assert suggestion.budget_share is None

    def test_reason_names_the_share(self) -> None:
        suggestion = suggest_phase(NO_BUDGET, 0.0, SETTINGS.start_date + timedelta(days=62))
        assert suggestion is not None
        assert suggestion.reason == "62% of the time to the deadline has passed"

    def test_after_the_deadline(self) -> None:
        suggestion = suggest_phase(SETTINGS, 0.0, SETTINGS.start_date + timedelta(days=105))
        assert suggestion is not None
        assert suggestion.phase is Phase.DEADLINE
        assert suggestion.reason == "the deadline passed 5 days ago"

    @pytest.mark.parametrize(
        ("spent", "phase"),
        [(24.9, Phase.EARLY), (25, Phase.MIDDLE), (60, Phase.LATE), (90, Phase.DEADLINE)],
    )
    def test_budget_boundaries_without_deadline(self, spent: float, phase: Phase) -> None:
        settings = dataclasses.replace(SETTINGS, deadline=None)
        suggestion = suggest_phase(settings, spent, TODAY)
        assert suggestion is not None
        assert suggestion.phase is phase and suggestion.time_share is None

    def test_the_larger_share_decides(self) -> None:
        # day 31 of 100 (31%, middle) against 65 of 100 spent (65%, late): late, by budget
        suggestion = suggest_phase(SETTINGS, 65.0, TODAY)
        assert suggestion is not None
        assert suggestion.phase is Phase.LATE
        assert suggestion.share == pytest.approx(0.65)
        assert suggestion.reason == "65% of the budget is spent"
        # and the other way round: 10 spent, the time (31%) decides
        by_time = suggest_phase(SETTINGS, 10.0, TODAY)
        assert by_time is not None and by_time.phase is Phase.MIDDLE
        assert by_time.reason == "31% of the time to the deadline has passed"

    def test_neither_deadline_nor_budget(self) -> None:
        settings = dataclasses.replace(SETTINGS, deadline=None, budget_total=None)
        assert suggest_phase(settings, 50.0, TODAY) is None
        assert report([make(1)], settings).suggested_phase is None

    def test_deadline_on_the_start_day(self) -> None:
        settings = dataclasses.replace(NO_BUDGET, deadline=SETTINGS.start_date)
        before = suggest_phase(settings, 0.0, SETTINGS.start_date - timedelta(days=1))
        on = suggest_phase(settings, 0.0, SETTINGS.start_date)
        assert before is not None and before.phase is Phase.EARLY
        assert on is not None and on.phase is Phase.DEADLINE

    def test_report_uses_the_spent_cost(self) -> None:
        settings = dataclasses.replace(SETTINGS, deadline=None)
        # spent 30 (done), committed 50 (running, not "used"): 30% -> middle
        result = report([make(1, DONE, cost=30), make(2, RUNNING, cost=50)], settings)
        assert result.suggested_phase is not None
        assert result.suggested_phase.budget_share == pytest.approx(0.3)
        assert result.suggested_phase.phase is Phase.MIDDLE


# -- the exploration warnings --------------------------------------------------------------
class TestExplorationWarnings:
    def test_pure_exploitation(self) -> None:
        result = report([make(1, DONE, cost=5), make(2, RUNNING, cost=5)])
        assert WarningCode.PURE_EXPLOITATION in codes(result)
        (warning,) = [w for w in result.warnings if w.code is WarningCode.PURE_EXPLOITATION]
        assert "10 GPU-hours" in warning.message and "middle" in warning.message

    def test_pure_exploitation_is_right_at_the_deadline(self) -> None:
        settings = dataclasses.replace(SETTINGS, phase=Phase.DEADLINE)
        result = report([make(1, DONE, cost=5)], settings)
        assert exploration_codes(result) == []

    def test_some_exploration_is_not_pure_exploitation(self) -> None:
        settings = dataclasses.replace(SETTINGS, phase=Phase.LATE)
        result = report([make(1, DONE, cost=1, explore=True), make(2, DONE, cost=9)], settings)
        # 10% against 20%: 10 points under, neither warning
        assert exploration_codes(result) == []

    def test_pure_exploitation_late_is_not_off_target(self) -> None:
        settings = dataclasses.replace(SETTINGS, phase=Phase.LATE)
        result = report([make(1, DONE, cost=5)], settings)
        # 0% against 20% is 20 points: not more than 20, so only pure exploitation warns
        assert exploration_codes(result) == [WarningCode.PURE_EXPLOITATION]

    def test_off_target_by_more_than_twenty_points(self) -> None:
        result = report([make(1, DONE, cost=1, explore=True), make(2, DONE, cost=3)], NO_BUDGET)
        # 25% against 50%: 25 points under
        assert exploration_codes(result) == [WarningCode.EXPLORATION_OFF_TARGET]
        warning = result.warnings[0]
        assert warning.message.startswith("exploring 25%, target 50%: 25 points under")

    def test_off_target_over(self) -> None:
        result = report([make(1, DONE, cost=3, explore=True), make(2, DONE, cost=1)], NO_BUDGET)
        # 75% against 50%: 25 points over
        assert exploration_codes(result) == [WarningCode.EXPLORATION_OFF_TARGET]
        assert "25 points over" in result.warnings[0].message

    def test_twenty_points_off_is_not_warned(self) -> None:
        result = report([make(1, DONE, cost=3, explore=True), make(2, DONE, cost=7)], NO_BUDGET)
        # 30% against 50%: exactly 20 points
        assert result.exploration.deviation_points == pytest.approx(-20.0)
        assert exploration_codes(result) == []

    def test_changing_the_phase_changes_target_and_warnings(self) -> None:
        experiments = [make(1, DONE, cost=1, explore=True), make(2, DONE, cost=3)]
        early = report(experiments, dataclasses.replace(NO_BUDGET, phase=Phase.EARLY))
        late = report(experiments, dataclasses.replace(NO_BUDGET, phase=Phase.LATE))
        # 25% exploring: 55 points under 80% (warned), 5 over 20% (fine)
        assert exploration_codes(early) == [WarningCode.EXPLORATION_OFF_TARGET]
        assert exploration_codes(late) == []


# -- pull next ---------------------------------------------------------------------------------
def candidate(
    exp_id: int,
    quadrant: dict[str, float],
    cost: float = 1.0,
    *,
    explore: bool | None = None,
    activity: Activity = MODEL,
    status: Status = BACKLOG,
) -> Experiment:
    return make(exp_id, status, cost, quadrant=quadrant, explore=explore, activity=activity)


def pulled(result: PortfolioReport) -> list[int]:
    return [p.experiment.id for p in result.pull_next]


class TestPullNext:
    # Planned: 8 exploit + 2 explore (not a moonshot) = 20% exploring against 50%; the
    # activities: model development 10 of 10 (data preparation, the furthest under, at 0%).
    BASE = (
        make(1, DONE, cost=8, quadrant=QUICK_WIN),
        make(2, DONE, cost=2, quadrant=QUICK_WIN, explore=True),
    )

    def test_explorers_when_exploration_is_under_target(self) -> None:
        settings = dataclasses.replace(NO_BUDGET)
        experiments = [
            *self.BASE,
            candidate(10, QUICK_WIN, cost=1, explore=True),  # score 2.8 / 1
            candidate(11, QUICK_WIN, cost=2, explore=True),  # score 2.8 / 2 = 1.4
            candidate(12, QUICK_WIN, cost=1),  # exploits: not on the short side
            candidate(13, QUICK_WIN, cost=1, explore=True, status=IDEA),  # not backlog
        ]
        result = report(experiments, settings)
        assert pulled(result) == [10, 11]
        assert result.pull_next[0].reasons == (
            "explores: exploring 20%, target 50%: 30 points under",
        )

    def test_exploiters_when_exploration_is_over_target(self) -> None:
        settings = dataclasses.replace(NO_BUDGET, phase=Phase.LATE)
        experiments = [
            make(1, DONE, cost=5, quadrant=QUICK_WIN, explore=True),  # 50% against 20%
            make(2, DONE, cost=5, quadrant=QUICK_WIN),
            candidate(10, QUICK_WIN, explore=True),
            candidate(11, INCREMENTAL),  # exploits, score 1.4
        ]
        assert pulled(report(experiments, settings)) == [11]

    def test_on_target_pulls_nothing_for_exploration(self) -> None:
        experiments = [
            make(1, DONE, cost=5, explore=True, activity=DATA),
            make(2, DONE, cost=5, activity=MODEL),
            candidate(10, QUICK_WIN, explore=True, activity=MODEL),
            candidate(11, QUICK_WIN, activity=MODEL),
        ]
        # 50% exploring, on target; data preparation and model development at 50% are
        # over their ranges, the other two under: feature engineering (20 points under)
        # is the furthest, and no candidate does it
        assert pulled(report(experiments, NO_BUDGET)) == []

    def test_the_activity_furthest_under_its_range(self) -> None:
        experiments = [
            make(1, DONE, cost=5, explore=True, activity=MODEL),
            make(2, DONE, cost=5, activity=MODEL),
            candidate(10, QUICK_WIN, activity=DATA),  # 30 points under: the furthest
            candidate(11, QUICK_WIN, activity=FEAT),  # 20 points under
        ]
        result = report(experiments, NO_BUDGET)
        assert pulled(result) == [10]
        assert result.pull_next[0].reason == "data preparation: 0% of planned cost, range 30-40%"

    def test_moonshots_while_under_the_allowance(self) -> None:
        settings = dataclasses.replace(SETTINGS, phase=Phase.LATE)
        experiments = [
            make(1, DONE, cost=2, explore=True),  # 2 / 10 = 20%: on target for late
            make(2, DONE, cost=8, activity=DATA),
            candidate(10, MOONSHOT, explore=False, activity=MODEL),  # 0% of the budget: wanted
            candidate(11, QUICK_WIN, activity=MODEL),
        ]
        # activities: data preparation 80% (over), model development 20% (in), feature
        # engineering the furthest under (0%: 20 points), and no candidate does it
        result = report(experiments, settings)
        assert pulled(result) == [10]
        assert result.pull_next[0].reason == "moonshot: 0% of the budget, allowance 20%"

    def test_no_moonshot_while_over_the_allowance(self) -> None:
        experiments = [
            make(1, DONE, cost=30, quadrant=MOONSHOT),  # 30% of the budget: over
            make(2, DONE, cost=70, quadrant=QUICK_WIN),  # 30% exploring: under target
            candidate(10, MOONSHOT),  # explores, but a moonshot: not pulled
            candidate(11, QUICK_WIN, explore=True),
        ]
        assert pulled(report(experiments)) == [11]

    def test_avoid_is_never_pulled(self) -> None:
        experiments = [*self.BASE, candidate(10, AVOID, explore=True, activity=DATA)]
        assert pulled(report(experiments, NO_BUDGET)) == []

    def test_best_first_deduplicated_limited(self) -> None:
        experiments = [
            *self.BASE,
            # explores and is data preparation: chosen once, with both reasons
            candidate(10, QUICK_WIN, cost=1, explore=True, activity=DATA),
            *(candidate(20 + i, QUICK_WIN, cost=2 + i, explore=True) for i in range(6)),
        ]
        result = portfolio_report(experiments, NO_BUDGET, TODAY, pull_limit=4)
        # scores 2.8 / cost: #10 (cost 1), then #20 (2), #21 (3), #22 (4)
        assert pulled(result) == [10, 20, 21, 22]
        assert len(result.pull_next[0].reasons) == 2
        assert result.pull_next[0].reason.startswith("explores: ")
        assert "; data preparation: " in result.pull_next[0].reason


# -- JSON and the definitions ---------------------------------------------------------------
def test_json_has_every_key() -> None:
    experiments = [
        make(1, DONE, cost=4, actual=3, quadrant=MOONSHOT, activity=DATA, values=(0.75,)),
        make(2, RUNNING, cost=2, tier=3),
        make(3, BACKLOG, cost=1, explore=True, activity=FEAT),
    ]
    data = report_to_json(report(experiments, dataclasses.replace(SETTINGS, baseline=0.7)))
    json.dumps(data, allow_nan=False)
    assert data["phase"] == "middle" and data["suggested_phase"] == "middle"
    assert data["exploration"] == {
        **data["exploration"],
        "target": 0.5,
        "share_cost": 0.6,  # 3 / (3 + 2)
        "share_count": 0.5,
        "deviation_points": 10.0,
    }
    assert data["moonshots"] == {"cost": 3.0, "share_of_budget": 0.03, "allowance": 0.2}
    assert set(data["activities"]) == {a.value for a in Activity}
    assert data["activities"]["data_preparation"] == {
        "cost": 3.0,
        "count": 1,
        "share": 0.6,
        "share_count": 0.5,
        "low": 0.3,
        "high": 0.4,
        "status": "over",
    }
    assert data["risk"] == {"safe": 2.0, "medium": 0.0, "risky": 3.0, "unknown": 0.0}
    assert data["tiers"] == {"1": 3.0, "2": 0.0, "3": 2.0}
    budget = data["budget"]
    assert (budget["total"], budget["spent"], budget["committed"], budget["left"]) == (
        100.0,
        3.0,
        2.0,
        95.0,
    )
    assert budget["runway_days"] is None  # finished long ago: no recent spending
    assert data["pareto"] == {"top_share": 1.0, "n_top": 1, "n_done": 1, "total_gain": 0.05}
    assert {w["code"] for w in data["warnings"]} == {"activity_off_range", "no_smoke_test"}
    assert all(set(w) >= {"code", "message"} for w in data["warnings"])
    assert data["pull_next"] == [3]


def test_definitions_are_the_module_docstring() -> None:
    doc = " ".join((portfolio.__doc__ or "").split())
    assert len(DEFINITIONS) >= 12
    for name, line in DEFINITIONS:
        assert f"- {name}: {line}" in doc, name


def test_report_is_deterministic_and_takes_any_sequence() -> None:
    experiments = (make(1, DONE, cost=2, explore=True), make(2, DONE, cost=2))
    assert report(list(experiments)) == report(list(experiments))
    assert report(experiments).exploration.share_cost == 0.5  # a tuple works too


@pytest.mark.parametrize(
    ("value", "shown"),
    [(400.0, "400"), (24.099999999999998, "24.1"), (0.25, "0.25"), (-1e-12, "0"), (-10, "-10")],
)
def test_amounts_as_people_read_them(value: float, shown: str) -> None:
    assert portfolio.amount(value) == shown


def test_spent_cost_is_the_reports_spent() -> None:
    """The settings screen's phase suggestion counts what the portfolio counts."""
    import random

    from iterate_tui.domain.portfolio import spent_cost

    rng = random.Random(7)
    statuses = list(Status)
    experiments = [
        Experiment(
            f"e{n}",
            id=n,
            impact=3,
            probability=0.5,
            cost=rng.choice([0.5, 1.0, 4.0]),
            status=rng.choice(statuses),
            actual_cost=rng.choice([None, 0.0, 2.5]),
        )
        for n in range(1, 200)
    ]
    report = portfolio_report(experiments, ProjectSettings(), date(2026, 6, 1))
    assert spent_cost(experiments) == pytest.approx(report.budget.spent)
    assert spent_cost([]) == 0.0


def test_the_80_20_check_in_words() -> None:
    from iterate_tui.domain.portfolio import Pareto

    assert Pareto(0, 0, 0.0, None, ()).wording == "no results yet"
    assert Pareto(3, 1, 0.0, None, ()).wording == "no gain over the baseline yet (3 results)"
    assert Pareto(22, 5, 1.0, 0.78, ()).wording == "the top 5 of 22 results brought 78% of the gain"
