"""Properties that must hold for every input, found by Hypothesis."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iterate_tui.domain import fields, lifecycle, text
from iterate_tui.domain.enums import Quadrant, Status
from iterate_tui.domain.errors import ValidationError
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.matrix import SNAP_DEFAULTS, quadrant, quadrant_of, snap_point
from iterate_tui.domain.scoring import breakdown, score, score_of
from iterate_tui.domain.settings import ProjectSettings

T0 = datetime(2025, 3, 1, tzinfo=UTC)

probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
impacts = st.integers(min_value=1, max_value=5)
infos = st.integers(min_value=0, max_value=3)
costs = st.floats(min_value=0.01, max_value=10_000, allow_nan=False, allow_infinity=False)
coefficients = st.builds(
    ProjectSettings,
    w_info=st.floats(min_value=0.0, max_value=5.0),
    alpha=st.floats(min_value=0.0, max_value=2.0),
)
thresholds = st.builds(
    ProjectSettings,
    impact_threshold=st.integers(min_value=2, max_value=5),
    probability_threshold=st.floats(min_value=0.05, max_value=1.0).map(lambda p: round(p, 2)),
)


# -- probability parsing ------------------------------------------------------------------


@given(probabilities)
def test_probability_of_a_fraction_round_trips(p: float) -> None:
    assert fields.probability(p) == round(p, 6)
    assert fields.probability(repr(p)) == round(p, 6)


@given(probabilities)
def test_probability_typed_as_a_percentage_round_trips(p: float) -> None:
    typed = f"{p * 100:.4f}%"
    assert fields.probability(typed) == pytest.approx(p, abs=1e-6)
    # What is shown (a percentage) reads back as the same value.
    assert fields.probability(f"{fields.probability(typed) * 100:.4f}%") == fields.probability(
        typed
    )


@given(st.integers(min_value=2, max_value=100))
def test_whole_numbers_above_one_are_percentages(n: int) -> None:
    assert fields.probability(str(n)) == pytest.approx(n / 100)
    assert fields.probability(f"{n}%") == fields.probability(str(n))


@given(st.one_of(st.floats(), st.text(max_size=12), st.integers()))
def test_probability_is_in_range_or_refused(raw: float | str | int) -> None:
    try:
        value = fields.probability(raw)
    except ValidationError as error:
        assert error.field == "probability"
    else:
        assert 0.0 <= value <= 1.0 and math.isfinite(value)


@given(st.floats(allow_nan=False).filter(lambda x: x < 0 or x > 100))
def test_out_of_range_numbers_are_refused(x: float) -> None:
    with pytest.raises(ValidationError):
        fields.probability(x)


# -- score --------------------------------------------------------------------------------


@given(impacts, impacts, probabilities, infos, costs, coefficients)
def test_score_is_monotone_in_impact(
    a: int, b: int, p: float, info: int, cost: float, s: ProjectSettings
) -> None:
    low, high = sorted((a, b))
    assert score_of(low, p, info, cost, s) <= score_of(high, p, info, cost, s)
    if p >= 1e-6 and low < high:  # 1e-6: the finest probability fields.probability keeps
        assert score_of(low, p, info, cost, s) < score_of(high, p, info, cost, s)


@given(impacts, probabilities, probabilities, infos, costs, coefficients)
def test_score_is_monotone_in_probability(
    impact: int, a: float, b: float, info: int, cost: float, s: ProjectSettings
) -> None:
    low, high = sorted((a, b))
    assert score_of(impact, low, info, cost, s) <= score_of(impact, high, info, cost, s)


@given(impacts, probabilities, infos, costs, costs, coefficients)
def test_score_never_rises_with_cost(
    impact: int, p: float, info: int, c1: float, c2: float, s: ProjectSettings
) -> None:
    cheap, dear = sorted((c1, c2))
    assert score_of(impact, p, info, dear, s) <= score_of(impact, p, info, cheap, s) * (1 + 1e-12)


@given(impacts, probabilities, infos, costs, coefficients)
def test_breakdown_adds_up_to_the_score(
    impact: int, p: float, info: int, cost: float, s: ProjectSettings
) -> None:
    exp = Experiment("x", impact=impact, probability=p, info_value=info, cost=cost)
    b = breakdown(exp, s)
    assert b is not None
    assert b.score == pytest.approx(score(exp, s))
    assert b.expected_value == pytest.approx(impact * p)
    assert b.score == pytest.approx((b.expected_value + b.info_term) / b.divisor)
    assert len(b.lines()) == 5


# -- the matrix ---------------------------------------------------------------------------


@given(impacts, probabilities, thresholds)
def test_quadrant_agrees_with_the_thresholds(impact: int, p: float, s: ProjectSettings) -> None:
    q = quadrant_of(impact, p, s)
    high_impact = q in (Quadrant.QUICK_WIN, Quadrant.MOONSHOT)
    high_probability = q in (Quadrant.QUICK_WIN, Quadrant.INCREMENTAL)
    assert high_impact == (impact >= s.impact_threshold)
    assert high_probability == (p >= s.probability_threshold)


@given(impacts, probabilities)
def test_default_quadrants(impact: int, p: float) -> None:
    q = quadrant_of(impact, p, ProjectSettings())
    assert (q in (Quadrant.QUICK_WIN, Quadrant.MOONSHOT)) == (impact >= 3)
    assert (q in (Quadrant.QUICK_WIN, Quadrant.INCREMENTAL)) == (p >= 0.5)


@given(st.sampled_from(list(Quadrant)), thresholds)
def test_snap_point_lies_in_its_quadrant(target: Quadrant, s: ProjectSettings) -> None:
    impact, p = snap_point(target, s)
    assert 1 <= impact <= 5 and 0.0 <= p <= 1.0
    # A low side exists only when the threshold leaves room below it.
    assume(s.impact_threshold > 1 and s.probability_threshold > 0.0)
    assert quadrant_of(impact, p, s) is target


@given(
    st.one_of(st.none(), impacts),
    st.one_of(st.none(), probabilities),
    st.sampled_from(list(Quadrant)),
)
def test_triage_lands_in_the_chosen_quadrant(
    impact: int | None, p: float | None, target: Quadrant
) -> None:
    s = ProjectSettings()
    exp = Experiment("x", impact=impact, probability=p, created_at=T0, updated_at=T0)
    triaged = lifecycle.triage(exp, target, s, T0)
    assert quadrant(triaged, s) is target
    if quadrant(exp, s) is target:
        assert (triaged.impact, triaged.probability) == (impact, p)
    else:
        assert (triaged.impact, triaged.probability) == SNAP_DEFAULTS[target]


@settings(max_examples=50)
@given(impacts, probabilities, st.lists(st.integers(min_value=-3, max_value=3), max_size=10))
def test_nudges_stay_in_range(impact: int, p: float, steps: list[int]) -> None:
    exp = Experiment("x", impact=impact, probability=round(p, 4), status=Status.BACKLOG)
    for step in steps:
        exp = lifecycle.nudge_impact(exp, step, T0)
        exp = lifecycle.nudge_probability(exp, step, T0)
        assert exp.impact is not None and 1 <= exp.impact <= 5
        assert exp.probability is not None and 0.0 <= exp.probability <= 1.0


# -- text ---------------------------------------------------------------------------------


@given(st.text())
def test_cleaned_text_has_no_controls_or_bidi(raw: str) -> None:
    forbidden = {*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)}
    forbidden |= {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x061C}
    assert not {ord(c) for c in text.clean_line(raw)} & forbidden
    assert not {ord(c) for c in text.clean_multiline(raw)} & (forbidden - {0x09, 0x0A})
    assert text.clean_line(text.clean_line(raw)) == text.clean_line(raw)
