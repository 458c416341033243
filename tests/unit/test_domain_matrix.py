"""The prioritization matrix: quadrants at and around the thresholds (impact 3,
probability 50%), the reference's strategies, the layout and the triage snapping points."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from iterate_tui.domain.enums import Quadrant
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.matrix import (
    LAYOUT,
    SNAP_DEFAULTS,
    is_explore,
    quadrant,
    quadrant_of,
    snap_point,
    strategy,
)
from iterate_tui.domain.settings import ProjectSettings

DEFAULTS = ProjectSettings()
T0 = datetime(2025, 3, 1, tzinfo=UTC)


def exp(impact: int | None, probability: float | None, explore: bool | None = None) -> Experiment:
    return Experiment(
        "x", impact=impact, probability=probability, explore=explore, created_at=T0, updated_at=T0
    )


class TestQuadrantOf:
    @pytest.mark.parametrize(
        ("impact", "probability", "expected"),
        [
            # exactly on both thresholds: high impact, high probability
            (3, 0.5, Quadrant.QUICK_WIN),
            (3, 0.4999, Quadrant.MOONSHOT),
            (2, 0.5, Quadrant.INCREMENTAL),
            (2, 0.4999, Quadrant.AVOID),
            (3, 0.5001, Quadrant.QUICK_WIN),
            (5, 1.0, Quadrant.QUICK_WIN),
            (5, 0.0, Quadrant.MOONSHOT),
            (1, 1.0, Quadrant.INCREMENTAL),
            (1, 0.0, Quadrant.AVOID),
            (4, 0.45, Quadrant.MOONSHOT),
            (4, 0.55, Quadrant.QUICK_WIN),
            (2, 0.45, Quadrant.AVOID),
            (2, 0.55, Quadrant.INCREMENTAL),
        ],
    )
    def test_default_thresholds(self, impact: int, probability: float, expected: Quadrant) -> None:
        assert quadrant_of(impact, probability, DEFAULTS) is expected

    @pytest.mark.parametrize(
        ("impact", "probability", "expected"),
        [
            (4, 0.7, Quadrant.MOONSHOT),
            (4, 0.8, Quadrant.QUICK_WIN),
            (3, 0.9, Quadrant.INCREMENTAL),
            (3, 0.1, Quadrant.AVOID),
        ],
    )
    def test_thresholds_are_settings(
        self, impact: int, probability: float, expected: Quadrant
    ) -> None:
        settings = ProjectSettings(impact_threshold=4, probability_threshold=0.8)
        assert quadrant_of(impact, probability, settings) is expected

    @pytest.mark.parametrize("quad", list(Quadrant))
    def test_snap_defaults_lie_in_their_own_quadrant(self, quad: Quadrant) -> None:
        impact, probability = SNAP_DEFAULTS[quad]
        assert quadrant_of(impact, probability, DEFAULTS) is quad

    def test_quadrant_of_an_experiment(self) -> None:
        assert quadrant(exp(4, 0.7), DEFAULTS) is Quadrant.QUICK_WIN
        assert quadrant(exp(None, 0.7), DEFAULTS) is None
        assert quadrant(exp(4, None), DEFAULTS) is None


class TestSnapDefaults:
    def test_reference_values(self) -> None:
        assert SNAP_DEFAULTS == {
            Quadrant.QUICK_WIN: (4, 0.7),
            Quadrant.MOONSHOT: (4, 0.2),
            Quadrant.INCREMENTAL: (2, 0.7),
            Quadrant.AVOID: (1, 0.2),
        }

    @pytest.mark.parametrize("quad", list(Quadrant))
    def test_snap_point_is_the_default_with_default_thresholds(self, quad: Quadrant) -> None:
        assert snap_point(quad, DEFAULTS) == SNAP_DEFAULTS[quad]

    @pytest.mark.parametrize(
        ("impact_threshold", "probability_threshold"),
        [(5, 0.8), (4, 0.75), (2, 0.3), (2, 0.1), (3, 0.95), (5, 0.15), (4, 1.0)],
    )
    @pytest.mark.parametrize("quad", list(Quadrant))
    def test_snap_point_stays_in_the_quadrant_with_other_thresholds(
        self, quad: Quadrant, impact_threshold: int, probability_threshold: float
    ) -> None:
        settings = ProjectSettings(
            impact_threshold=impact_threshold, probability_threshold=probability_threshold
        )
        impact, probability = snap_point(quad, settings)
        assert 1 <= impact <= 5 and 0.0 <= probability <= 1.0
        assert quadrant_of(impact, probability, settings) is quad

    def test_snap_point_moves_only_as_far_as_needed(self) -> None:
        settings = ProjectSettings(impact_threshold=5, probability_threshold=0.8)
        assert snap_point(Quadrant.QUICK_WIN, settings) == (5, 0.8)
        assert snap_point(Quadrant.MOONSHOT, settings) == (5, 0.2)
        assert snap_point(Quadrant.INCREMENTAL, settings) == (2, 0.8)
        assert snap_point(Quadrant.AVOID, settings) == (1, 0.2)
        low = ProjectSettings(impact_threshold=2, probability_threshold=0.15)
        assert snap_point(Quadrant.AVOID, low) == (1, 0.1)
        assert snap_point(Quadrant.INCREMENTAL, low) == (1, 0.7)


class TestStrategy:
    @pytest.mark.parametrize(
        ("quad", "text"),
        [
            (Quadrant.QUICK_WIN, "do immediately"),
            (Quadrant.INCREMENTAL, "systematic search"),
            (Quadrant.AVOID, "document and skip"),
        ],
    )
    def test_reference_strategies(self, quad: Quadrant, text: str) -> None:
        assert strategy(quad, DEFAULTS) == text

    def test_moonshots_get_twenty_percent_of_the_budget(self) -> None:
        text = strategy(Quadrant.MOONSHOT, DEFAULTS)
        assert "try selectively" in text
        assert "20% of budget" in text

    def test_moonshot_share_is_a_setting(self) -> None:
        assert "15% of budget" in strategy(Quadrant.MOONSHOT, ProjectSettings(moonshot_share=0.15))


class TestLayout:
    def test_top_row_is_high_impact_right_column_is_high_probability(self) -> None:
        assert LAYOUT == (
            (Quadrant.MOONSHOT, Quadrant.QUICK_WIN),
            (Quadrant.AVOID, Quadrant.INCREMENTAL),
        )
        for row, impact in zip(LAYOUT, (4, 2), strict=True):
            for quad, probability in zip(row, (0.2, 0.7), strict=True):
                assert quadrant_of(impact, probability, DEFAULTS) is quad


class TestExplore:
    def test_moonshots_explore_by_default(self) -> None:
        assert is_explore(exp(4, 0.2), DEFAULTS)

    @pytest.mark.parametrize(("impact", "probability"), [(4, 0.7), (2, 0.7), (1, 0.2)])
    def test_the_rest_exploit_by_default(self, impact: int, probability: float) -> None:
        assert not is_explore(exp(impact, probability), DEFAULTS)

    def test_unestimated_exploits(self) -> None:
        assert not is_explore(exp(None, None), DEFAULTS)

    def test_explicit_choice_wins(self) -> None:
        assert not is_explore(exp(4, 0.2, explore=False), DEFAULTS)
        assert is_explore(exp(4, 0.7, explore=True), DEFAULTS)
