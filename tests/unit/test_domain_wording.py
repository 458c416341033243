"""Counts and amounts read as English: "1 experiment", "2 GPU-hours", "0.743 ± 0.003"."""

from __future__ import annotations

import pytest

from iterate_tui.domain.wording import amount, mean_sd, plural


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "experiment", "0 experiments"),
        (1, "experiment", "1 experiment"),
        (2, "experiment", "2 experiments"),
        (1000, "experiment", "1000 experiments"),
        (1, "seed", "1 seed"),
        (3, "seed", "3 seeds"),
        (2, "match", "2 matches"),
        (2, "box", "2 boxes"),
        (2, "strategy", "2 strategies"),
        (2, "day", "2 days"),
    ],
)
def test_plural(count: int, noun: str, expected: str) -> None:
    assert plural(count, noun) == expected


def test_plural_with_an_irregular_form() -> None:
    assert plural(1, "analysis", "analyses") == "1 analysis"
    assert plural(4, "analysis", "analyses") == "4 analyses"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1, "GPU-hours", "1 GPU-hour"),
        (1.0, "GPU-hours", "1 GPU-hour"),
        (2, "GPU-hours", "2 GPU-hours"),
        (0.5, "days", "0.5 days"),
        (1, "days", "1 day"),
        (1.5, "days", "1.5 days"),
        (0, "days", "0 days"),
        (1, "kWh", "1 kWh"),
        (3, "kWh", "3 kWh"),
        (1, "EUR", "1 EUR"),
        (1, "", "1"),
        (12.25, "GPU-hours", "12.25 GPU-hours"),
    ],
)
def test_amount(value: float, unit: str, expected: str) -> None:
    assert amount(value, unit) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((), "-"),
        ((0.741,), "0.741"),
        ((0.741, 0.745, 0.743), "0.743 ± 0.002"),
        ((0.741, 0.745), "0.743 ± 0.003"),
        ((0.5, 0.5), "0.5 ± 0"),
        ((10.0, 12.0, 14.0), "12 ± 2"),
        ((1200.0, 1250.0), "1225 ± 35"),
        ((-0.2, -0.4), "-0.3 ± 0.1"),
    ],
)
def test_mean_sd(values: tuple[float, ...], expected: str) -> None:
    assert mean_sd(values) == expected
