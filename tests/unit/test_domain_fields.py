"""Parsing of every estimate a person or a script can type: the clean value, or a
ValidationError that names the field."""

from __future__ import annotations

import math

import pytest

from iterate_tui.domain import fields
from iterate_tui.domain.enums import (
    IMPACT_LABELS,
    INFO_LABELS,
    TIER_LABELS,
    Activity,
    Direction,
    Labelled,
    Outcome,
    Quadrant,
    Status,
    Support,
)
from iterate_tui.domain.errors import IterateError, ValidationError


def refused(parser: object, raw: object, field: str) -> ValidationError:
    """Call ``parser(raw)`` and return the ValidationError it must raise for ``field``."""
    with pytest.raises(ValidationError) as info:
        parser(raw)  # type: ignore[operator]
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    return info.value


class TestValidationError:
    def test_is_a_value_error_and_an_iterate_error(self) -> None:
        error = ValidationError("impact", "must be 1..5")
        assert isinstance(error, ValueError)
        assert isinstance(error, IterateError)
        assert (error.field, error.message, str(error)) == (
            "impact",
            "must be 1..5",
            "impact: must be 1..5",
        )


class TestProbability:
    @pytest.mark.parametrize("raw", [0.3, "30%", "30", "0.3", " 30 % ", "30.0%", ".3", 30, "3e1"])
    def test_thirty_percent_in_every_spelling(self, raw: str | float) -> None:
        assert fields.probability(raw) == pytest.approx(0.3)

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("0", 0.0),
            (0, 0.0),
            ("0%", 0.0),
            ("1", 1.0),  # a fraction: 100%
            (1, 1.0),
            ("100", 1.0),
            ("100%", 1.0),
            ("50", 0.5),
            ("0.5", 0.5),
            ("5%", 0.05),
            ("0.5%", 0.005),
            ("+20%", 0.2),
            ("1.5", 0.015),  # above 1 is read as a percentage
            ("99.9", 0.999),
        ],
    )
    def test_values(self, raw: str | float, expected: float) -> None:
        assert fields.probability(raw) == pytest.approx(expected)

    def test_result_is_rounded_to_six_places(self) -> None:
        assert fields.probability("33.33333333%") == 0.333333

    @pytest.mark.parametrize(
        "raw", [math.nan, "nan", "NaN", "nan%", math.inf, -math.inf, "inf", "-inf", "Infinity"]
    )
    def test_refuses_nan_and_infinity(self, raw: str | float) -> None:
        refused(fields.probability, raw, "probability")

    @pytest.mark.parametrize("raw", [-0.1, "-0.1", "-5", "-5%", -30])
    def test_refuses_negative(self, raw: str | float) -> None:
        error = refused(fields.probability, raw, "probability")
        assert "negative" in error.message

    @pytest.mark.parametrize("raw", ["101%", "100.5%", "101", 150, "1000"])
    def test_refuses_above_one_hundred_percent(self, raw: str | float) -> None:
        error = refused(fields.probability, raw, "probability")
        assert "100%" in error.message

    @pytest.mark.parametrize("raw", ["abc", "30%%", "%30", "thirty", "0.3.1", "3 0", "½"])
    def test_refuses_garbage(self, raw: str) -> None:
        error = refused(fields.probability, raw, "probability")
        assert "not a number" in error.message

    def test_refuses_empty(self) -> None:
        error = refused(fields.probability, "   ", "probability")
        assert "empty" in error.message

    @pytest.mark.parametrize("raw", [True, False])
    def test_refuses_booleans(self, raw: bool) -> None:
        refused(fields.probability, raw, "probability")

    def test_custom_field_name(self) -> None:
        with pytest.raises(ValidationError) as info:
            fields.probability("x", field="started probability")
        assert info.value.field == "started probability"


class TestImpact:
    @pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
    def test_one_to_five(self, value: int) -> None:
        assert fields.impact(value) == value
        assert fields.impact(str(value)) == value
        assert fields.impact(f" {value}.0 ") == value
        assert isinstance(fields.impact(float(value)), int)

    @pytest.mark.parametrize("raw", [0, 6, -1, "0", "6", 2.5, "3.5", "10"])
    def test_refuses_outside_or_fractional(self, raw: str | float) -> None:
        error = refused(fields.impact, raw, "impact")
        assert "1 to 5" in error.message
        # The message lists what each number means.
        for label in IMPACT_LABELS.values():
            assert label in error.message

    @pytest.mark.parametrize("raw", ["", "major", "nan", math.inf, True])
    def test_refuses_non_numbers(self, raw: str | float) -> None:
        refused(fields.impact, raw, "impact")


class TestCost:
    @pytest.mark.parametrize(("raw", "expected"), [(1, 1.0), ("2.5", 2.5), ("0.01", 0.01)])
    def test_positive(self, raw: str | float, expected: float) -> None:
        assert fields.cost(raw) == expected

    @pytest.mark.parametrize("raw", [0, "0", "-1", -0.5, "0.0"])
    def test_refuses_zero_and_negative(self, raw: str | float) -> None:
        error = refused(fields.cost, raw, "cost")
        assert "greater than 0" in error.message

    @pytest.mark.parametrize("raw", ["nan", "inf", math.inf, "ten", ""])
    def test_refuses_non_finite_and_garbage(self, raw: str | float) -> None:
        refused(fields.cost, raw, "cost")

    def test_positive_is_cost_with_another_name(self) -> None:
        with pytest.raises(ValidationError) as info:
            fields.positive("0", "budget")
        assert info.value.field == "budget"


class TestOtherNumbers:
    @pytest.mark.parametrize("value", [0, 1, 2, 3])
    def test_info_value_zero_to_three(self, value: int) -> None:
        assert fields.info_value(value) == value
        assert fields.info_value(str(value)) == value

    @pytest.mark.parametrize("raw", [-1, 4, "1.5", "high", ""])
    def test_info_value_refused(self, raw: str | int) -> None:
        error = refused(fields.info_value, raw, "information value")
        if raw in (-1, 4, "1.5"):
            for label in INFO_LABELS.values():
                assert label in error.message

    @pytest.mark.parametrize("value", [1, 2, 3])
    def test_tier_one_to_three(self, value: int) -> None:
        assert fields.tier(value) == value
        assert fields.tier(str(value)) == value

    @pytest.mark.parametrize("raw", [0, 4, "2.5", "full", "nan"])
    def test_tier_refused(self, raw: str | int) -> None:
        error = refused(fields.tier, raw, "tier")
        if raw in (0, 4, "2.5"):
            for label in TIER_LABELS.values():
                assert label in error.message

    def test_finite_accepts_negatives_and_refuses_nan(self) -> None:
        assert fields.finite("-0.25", "value") == -0.25
        refused(lambda raw: fields.finite(raw, "value"), "nan", "value")
        refused(lambda raw: fields.finite(raw, "value"), "-inf", "value")

    def test_non_negative(self) -> None:
        assert fields.non_negative("0", "actual cost") == 0.0
        error = refused(lambda raw: fields.non_negative(raw, "actual cost"), "-1", "actual cost")
        assert "negative" in error.message


class TestChoice:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("idea", Status.IDEA),
            ("BACKLOG", Status.BACKLOG),
            ("Running", Status.RUNNING),
            (" skipped ", Status.SKIPPED),
        ],
    )
    def test_status_by_value(self, raw: str, expected: Status) -> None:
        assert fields.choice(Status, raw, "status") is expected

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("quick win", Quadrant.QUICK_WIN),
            ("quick-win", Quadrant.QUICK_WIN),
            ("Quick_Win", Quadrant.QUICK_WIN),
            ("moonshot", Quadrant.MOONSHOT),
            ("Incremental", Quadrant.INCREMENTAL),
            ("avoid", Quadrant.AVOID),
        ],
    )
    def test_quadrant_by_label(self, raw: str, expected: Quadrant) -> None:
        assert fields.choice(Quadrant, raw, "quadrant") is expected

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("evaluation & debugging", Activity.EVALUATION_DEBUGGING),
            ("evaluation_debugging", Activity.EVALUATION_DEBUGGING),
            ("data-preparation", Activity.DATA_PREPARATION),
            ("feature engineering", Activity.FEATURE_ENGINEERING),
            ("Model Development", Activity.MODEL_DEVELOPMENT),
        ],
    )
    def test_activity_by_label(self, raw: str, expected: Activity) -> None:
        assert fields.choice(Activity, raw, "activity") is expected

    @pytest.mark.parametrize("raw", ["", "   ", "xyz", "fail-ish", "succes", "s"])
    def test_unknown_lists_the_choices(self, raw: str) -> None:
        with pytest.raises(ValidationError) as info:
            fields.choice(Outcome, raw, "outcome")
        assert info.value.field == "outcome"
        assert "success, failure, inconclusive" in info.value.message

    @pytest.mark.parametrize(
        ("kind", "raw"), [(Direction, "m"), (Support, "w"), (Direction, "max"), (Support, "wi")]
    )
    def test_a_prefix_is_refused_even_when_unambiguous(
        self, kind: type[Labelled], raw: str
    ) -> None:
        with pytest.raises(ValidationError) as info:
            fields.choice(kind, raw, "choice")
        assert info.value.field == "choice"

    def test_labels(self) -> None:
        assert Quadrant.QUICK_WIN.label == "Quick win"
        assert Activity.EVALUATION_DEBUGGING.label == "evaluation & debugging"
        assert IMPACT_LABELS == {
            1: "negligible",
            2: "minor",
            3: "moderate",
            4: "major",
            5: "transformative",
        }
        assert INFO_LABELS == {0: "none", 1: "some", 2: "high", 3: "critical"}
        assert TIER_LABELS == {1: "smoke", 2: "exploratory", 3: "full"}


class TestTags:
    def test_lower_cased_deduplicated_order_kept(self) -> None:
        assert fields.tags(["Vision", "#nlp", "vision", "NLP"]) == ("vision", "nlp")

    def test_commas_and_spaces_split(self) -> None:
        assert fields.tags(["a, b c", "d,,e"]) == ("a", "b", "c", "d", "e")

    def test_allowed_punctuation(self) -> None:
        assert fields.tags(["lr/1e-3", "v2.1", "c++", "stage:eval", "snake_case"]) == (
            "lr/1e-3",
            "v2.1",
            "c++",
            "stage:eval",
            "snake_case",
        )

    def test_empty(self) -> None:
        assert fields.tags([]) == ()
        assert fields.tags(["", "  ", "#"]) == ()

    def test_forty_characters_at_most(self) -> None:
        assert fields.tags(["t" * 40]) == ("t" * 40,)
        with pytest.raises(ValidationError) as info:
            fields.tags(["t" * 41])
        assert info.value.field == "tag"

    @pytest.mark.parametrize("raw", ["[bold]", "a;b", "quote'", "x\x1by", "emoji🚀", "a|b"])
    def test_refuses_other_characters(self, raw: str) -> None:
        with pytest.raises(ValidationError) as info:
            fields.tags([raw], field="tags")
        assert info.value.field == "tags"
        assert "letters, digits" in info.value.message

    def test_accepts_a_tuple(self) -> None:
        assert fields.tags(("x", "y")) == ("x", "y")
