"""Expected value, score and its term-by-term breakdown; ranking and the filter language.

The figures are the reference's: EV = impact x probability, score = (EV + w_info x
information value) / cost ** alpha with w_info = 1.0 and alpha = 1.0 by default, and the
four triage defaults (quick win 4 / 70%, moonshot 4 / 20%, incremental 2 / 70%,
avoid 1 / 20%) as example estimates.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from iterate_tui.domain.enums import Activity, Quadrant, Status
from iterate_tui.domain.errors import ValidationError
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.ranking import FILTER_KEYS, Filter, rank, rank_key
from iterate_tui.domain.scoring import breakdown, expected_value, score, score_of
from iterate_tui.domain.settings import ProjectSettings

DEFAULTS = ProjectSettings()
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def exp(
    impact: int | None = 3,
    probability: float | None = 0.5,
    *,
    exp_id: int = 1,
    cost: float = 1.0,
    info_value: int = 0,
    **other: object,
) -> Experiment:
    return Experiment(
        title=str(other.pop("title", f"experiment {exp_id}")),
        id=exp_id,
        impact=impact,
        probability=probability,
        cost=cost,
        info_value=info_value,
        created_at=T0,
        updated_at=T0,
        **other,  # type: ignore[arg-type]
    )


class TestSettingsDefaults:
    def test_reference_numbers(self) -> None:
        assert DEFAULTS.w_info == 1.0
        assert DEFAULTS.alpha == 1.0
        assert DEFAULTS.impact_threshold == 3
        assert DEFAULTS.probability_threshold == 0.5
        assert DEFAULTS.moonshot_share == 0.2


class TestExpectedValue:
    @pytest.mark.parametrize(
        ("impact", "probability", "ev"),
        [
            (4, 0.7, 2.8),  # quick win
            (4, 0.2, 0.8),  # moonshot
            (2, 0.7, 1.4),  # incremental
            (1, 0.2, 0.2),  # avoid
            (5, 1.0, 5.0),
            (5, 0.0, 0.0),
            (3, 0.5, 1.5),
        ],
    )
    def test_impact_times_probability(self, impact: int, probability: float, ev: float) -> None:
        assert expected_value(exp(impact, probability)) == pytest.approx(ev)

    @pytest.mark.parametrize(("impact", "probability"), [(None, 0.5), (3, None), (None, None)])
    def test_unknown_until_both_estimates(
        self, impact: int | None, probability: float | None
    ) -> None:
        e = exp(impact, probability)
        assert expected_value(e) is None
        assert score(e, DEFAULTS) is None
        assert breakdown(e, DEFAULTS) is None
        assert not e.estimated

    def test_a_moonshot_has_less_expected_value_than_an_incremental_change(self) -> None:
        moonshot = expected_value(exp(4, 0.2))
        incremental = expected_value(exp(2, 0.7))
        assert moonshot is not None and incremental is not None
        assert moonshot < incremental


class TestScore:
    @pytest.mark.parametrize(
        ("impact", "probability", "info", "cost", "expected"),
        [
            (4, 0.7, 0, 1.0, 2.8),
            (4, 0.7, 2, 4.0, (2.8 + 2) / 4),  # 1.2
            (4, 0.2, 0, 2.0, 0.4),
            (2, 0.7, 1, 0.5, (1.4 + 1) / 0.5),  # cheap: 4.8
            (1, 0.2, 3, 10.0, 0.32),  # an ablation: worth it for what it teaches
        ],
    )
    def test_default_coefficients(
        self, impact: int, probability: float, info: int, cost: float, expected: float
    ) -> None:
        e = exp(impact, probability, info_value=info, cost=cost)
        assert score(e, DEFAULTS) == pytest.approx(expected)
        assert score_of(impact, probability, info, cost, DEFAULTS) == pytest.approx(expected)

    def test_information_weight(self) -> None:
        settings = ProjectSettings(w_info=0.5)
        assert score(exp(4, 0.7, info_value=2, cost=4), settings) == pytest.approx(
            (2.8 + 0.5 * 2) / 4
        )
        assert score(exp(4, 0.7, info_value=2), ProjectSettings(w_info=0.0)) == pytest.approx(2.8)

    def test_cost_exponent(self) -> None:
        e = exp(4, 0.7, info_value=2, cost=4)
        assert score(e, ProjectSettings(alpha=0.5)) == pytest.approx(4.8 / 2)
        assert score(e, ProjectSettings(alpha=0.0)) == pytest.approx(4.8)
        assert score(e, ProjectSettings(alpha=2.0)) == pytest.approx(4.8 / 16)

    def test_cheaper_is_better_at_equal_value(self) -> None:
        cheap = score(exp(3, 0.5, cost=1), DEFAULTS)
        dear = score(exp(3, 0.5, cost=8), DEFAULTS)
        assert cheap is not None and dear is not None and cheap == 8 * dear


class TestBreakdown:
    def test_every_term(self) -> None:
        b = breakdown(exp(4, 0.7, info_value=2, cost=4), DEFAULTS)
        assert b is not None
        assert b.impact == 4
        assert b.probability == 0.7
        assert b.expected_value == pytest.approx(2.8)
        assert b.info_value == 2
        assert b.w_info == 1.0
        assert b.info_term == pytest.approx(2.0)
        assert b.numerator == pytest.approx(4.8)
        assert b.cost == 4
        assert b.alpha == 1.0
        assert b.divisor == pytest.approx(4.0)
        assert b.score == pytest.approx(1.2)

    def test_lines_read_term_by_term(self) -> None:
        b = breakdown(exp(4, 0.7, info_value=2, cost=4), DEFAULTS)
        assert b is not None
        assert b.lines("GPU-hours") == [
            "expected value  = impact 4 x probability 70% = 2.80",
            "information     = 1 x 2 = 2.00",
            "value           = 2.80 + 2.00 = 4.80",
            "cost factor     = cost 4 GPU-hours ^ 1 = 4",
            "score           = 4.80 / 4 = 1.200",
        ]

    def test_lines_with_other_coefficients_and_no_unit(self) -> None:
        settings = ProjectSettings(w_info=0.5, alpha=0.5)
        b = breakdown(exp(4, 0.2, info_value=3, cost=9), settings)
        assert b is not None
        assert b.lines() == [
            "expected value  = impact 4 x probability 20% = 0.80",
            "information     = 0.5 x 3 = 1.50",
            "value           = 0.80 + 1.50 = 2.30",
            "cost factor     = cost 9 ^ 0.5 = 3",
            "score           = 2.30 / 3 = 0.767",
        ]

    @pytest.mark.parametrize(
        ("impact", "probability", "info", "cost"),
        [(4, 0.7, 0, 1.0), (2, 0.7, 1, 0.5), (1, 0.2, 3, 10.0), (5, 0.35, 2, 3.0)],
    )
    def test_breakdown_agrees_with_score(
        self, impact: int, probability: float, info: int, cost: float
    ) -> None:
        for settings in (DEFAULTS, ProjectSettings(w_info=2.0, alpha=0.7)):
            e = exp(impact, probability, info_value=info, cost=cost)
            b = breakdown(e, settings)
            assert b is not None
            assert b.score == pytest.approx(score(e, settings))
            assert b.numerator == pytest.approx(b.expected_value + b.info_term)
            assert b.divisor == pytest.approx(math.pow(cost, settings.alpha))


class TestRanking:
    def test_highest_score_first(self) -> None:
        quick = exp(4, 0.7, exp_id=1)  # 2.8
        moon = exp(4, 0.2, exp_id=2)  # 0.8
        incr = exp(2, 0.7, exp_id=3)  # 1.4
        avoid = exp(1, 0.2, exp_id=4)  # 0.2
        ranked = rank([avoid, moon, incr, quick], DEFAULTS)
        assert [e.id for e in ranked] == [1, 3, 2, 4]

    def test_information_value_and_cost_change_the_order(self) -> None:
        quick = exp(4, 0.7, exp_id=1, cost=4)  # 0.7
        ablation = exp(1, 0.2, exp_id=2, info_value=3, cost=1)  # 3.2
        assert [e.id for e in rank([quick, ablation], DEFAULTS)] == [2, 1]
        no_info = ProjectSettings(w_info=0.0, alpha=0.0)
        assert [e.id for e in rank([quick, ablation], no_info)] == [1, 2]

    def test_ties_are_broken_by_id(self) -> None:
        a = exp(3, 0.5, exp_id=7)
        b = exp(3, 0.5, exp_id=2)
        c = exp(5, 0.3, exp_id=5)  # 1.5 as well
        assert [e.id for e in rank([a, b, c], DEFAULTS)] == [2, 5, 7]

    def test_unestimated_come_last_by_id(self) -> None:
        idea_9 = exp(None, None, exp_id=9)
        idea_3 = exp(4, None, exp_id=3)
        zero = exp(1, 0.0, exp_id=8)  # score 0, still before the unestimated
        top = exp(5, 0.9, exp_id=10)
        ranked = rank([idea_9, zero, idea_3, top], DEFAULTS)
        assert [e.id for e in ranked] == [10, 8, 3, 9]

    def test_rank_key(self) -> None:
        group, value, exp_id = rank_key(exp(4, 0.7, exp_id=3), DEFAULTS)
        assert (group, exp_id) == (0, 3) and value == pytest.approx(-2.8)
        assert rank_key(exp(None, None, exp_id=3), DEFAULTS) == (1, 0.0, 3)

    def test_rank_is_stable_and_does_not_mutate(self) -> None:
        items = [exp(1, 0.2, exp_id=1), exp(5, 1.0, exp_id=2)]
        before = list(items)
        rank(items, DEFAULTS)
        assert items == before


class TestFilterParse:
    def test_empty(self) -> None:
        assert Filter.parse("").is_empty
        assert Filter.parse("   ").is_empty
        assert Filter() == Filter.parse("")

    def test_every_key(self) -> None:
        f = Filter.parse(
            "status:idea quadrant:moonshot activity:evaluation-debugging tag:Vision tier:1 "
            "Augment mixup"
        )
        assert f.statuses == {Status.IDEA}
        assert f.quadrants == {Quadrant.MOONSHOT}
        assert f.activities == {Activity.EVALUATION_DEBUGGING}
        assert f.tags == {"vision"}
        assert f.tiers == {1}
        assert f.words == ("augment", "mixup")
        assert not f.is_empty

    def test_comma_separated_values(self) -> None:
        f = Filter.parse("status:idea,backlog quadrant:quick-win,incremental tier:1,2 tag:a,b")
        assert f.statuses == {Status.IDEA, Status.BACKLOG}
        assert f.quadrants == {Quadrant.QUICK_WIN, Quadrant.INCREMENTAL}
        assert f.tiers == {1, 2}
        assert f.tags == {"a", "b"}

    def test_key_prefixes_and_case(self) -> None:
        f = Filter.parse("St:running Q:avoid act:data_preparation ta:nlp ti:3")
        assert f.statuses == {Status.RUNNING}
        assert f.quadrants == {Quadrant.AVOID}
        assert f.activities == {Activity.DATA_PREPARATION}
        assert f.tags == {"nlp"}
        assert f.tiers == {3}

    def test_status_all_and_open(self) -> None:
        # The help, the filter box and the README promise `status:all` for done and skipped.
        assert Filter.parse("status:all tag:loss").statuses == set(Status)
        assert Filter.parse("STATUS:All").statuses == set(Status)
        assert Filter.parse("status:open").statuses == {
            Status.IDEA,
            Status.BACKLOG,
            Status.RUNNING,
        }
        assert Filter.parse("status:open,done").statuses == set(Status) - {Status.SKIPPED}

    def test_a_key_without_a_value_is_refused_with_an_example(self) -> None:
        # It used to be a word that matched nothing: half-typed, it showed 0 rows silently.
        with pytest.raises(ValidationError, match="status: give a value, like status:idea"):
            Filter.parse("status:")
        with pytest.raises(ValidationError, match="tag: give a value"):
            Filter.parse("tag: labels")

    def test_a_word_ending_in_a_colon_that_is_no_key_stays_a_word(self) -> None:
        assert Filter.parse("note: x").words == ("note:", "x")
        assert Filter.parse(":").words == (":",)

    def test_quoted_text_is_one_word_colons_and_spaces_included(self) -> None:
        f = Filter.parse('"lr:3e-4" tag:opt "Label  Noise" "" bert')
        assert f.words == ("lr:3e-4", "label  noise", "bert")
        assert f.tags == {"opt"}
        # The closing quote may be left off at the end (as one types).
        assert Filter.parse('status:idea "focal loss').words == ("focal loss",)

    def test_a_quoted_phrase_matches_as_typed(self) -> None:
        e = exp(3, 0.5, title="Lower lr:3e-4 with label noise")
        assert Filter.parse('"lr:3e-4" "label noise"').matches(e, DEFAULTS)
        assert not Filter.parse('"noise label"').matches(e, DEFAULTS)

    @pytest.mark.parametrize("query", ["foo:bar", "t:x", "priority:high", "x:1 status:idea"])
    def test_unknown_or_ambiguous_key(self, query: str) -> None:
        with pytest.raises(ValidationError) as info:
            Filter.parse(query)
        assert info.value.field == "filter"
        assert ", ".join(FILTER_KEYS) in info.value.message
        assert "double quotes" in info.value.message  # how to search for it as text

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("status:finished", "status"),
            ("quadrant:middle", "quadrant"),
            ("activity:sleep", "activity"),
            ("tier:4", "tier"),
            ("tier:full", "tier"),
            ("tag:[bold]", "tag"),
        ],
    )
    def test_bad_value_names_its_key(self, query: str, field: str) -> None:
        with pytest.raises(ValidationError) as info:
            Filter.parse(query)
        assert info.value.field == field


class TestFilterMatches:
    def test_every_criterion(self) -> None:
        e = exp(
            4,
            0.2,
            exp_id=1,
            title="Try a ViT backbone",
            hypothesis="Attention helps on small objects",
            matters="Yes, it closes half the gap",
            status=Status.BACKLOG,
            activity=Activity.MODEL_DEVELOPMENT,
            tier=2,
            tags=("vision", "arch"),
        )
        match = Filter.parse
        assert match("").matches(e, DEFAULTS)
        assert match(
            "status:backlog quadrant:moonshot activity:model-development tag:vision tier:2"
        ).matches(e, DEFAULTS)
        assert match("vit attention GAP").matches(e, DEFAULTS)
        assert match("tag:vision,arch").matches(e, DEFAULTS)  # all tags must be present
        assert not match("tag:vision,nlp").matches(e, DEFAULTS)
        assert not match("status:idea").matches(e, DEFAULTS)
        assert not match("quadrant:quick_win").matches(e, DEFAULTS)
        assert not match("activity:data_preparation").matches(e, DEFAULTS)
        assert not match("tier:3").matches(e, DEFAULTS)
        assert not match("vit transformer").matches(e, DEFAULTS)

    def test_quadrant_filter_uses_the_thresholds(self) -> None:
        e = exp(3, 0.5)
        assert Filter.parse("quadrant:Quick-Win").matches(e, DEFAULTS)
        strict = ProjectSettings(impact_threshold=4, probability_threshold=0.6)
        assert Filter.parse("quadrant:avoid").matches(e, strict)

    def test_an_unestimated_idea_is_in_no_quadrant(self) -> None:
        idea = exp(None, None)
        for q in Quadrant:
            assert not Filter(quadrants=frozenset({q})).matches(idea, DEFAULTS)
