"""Expected value and score, and how a score is made up term by term.

EV    = impact x probability
score = (EV + w_info x information value) / cost ** alpha
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .wording import amount

if TYPE_CHECKING:
    from .experiment import Experiment
    from .settings import ProjectSettings


def expected_value(experiment: Experiment) -> float | None:
    if experiment.impact is None or experiment.probability is None:
        return None
    return experiment.impact * experiment.probability


def score_of(
    impact: int, probability: float, info_value: int, cost: float, settings: ProjectSettings
) -> float:
    return (impact * probability + settings.w_info * info_value) / math.pow(cost, settings.alpha)


def score(experiment: Experiment, settings: ProjectSettings) -> float | None:
    """The ranking score, or None for an idea whose estimates are not yet known."""
    if experiment.impact is None or experiment.probability is None:
        return None
    return score_of(
        experiment.impact, experiment.probability, experiment.info_value, experiment.cost, settings
    )


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    """Every term of the score, so the app can say why an experiment ranks where it does."""

    impact: int
    probability: float
    expected_value: float
    info_value: int
    w_info: float
    info_term: float
    numerator: float
    cost: float
    alpha: float
    divisor: float
    score: float

    def lines(self, cost_unit: str = "") -> list[str]:
        cost = amount(self.cost, cost_unit)
        return [
            f"expected value  = impact {self.impact} x probability {self.probability:.0%}"
            f" = {self.expected_value:.2f}",
            f"information     = {self.w_info:g} x {self.info_value} = {self.info_term:.2f}",
            f"value           = {self.expected_value:.2f} + {self.info_term:.2f}"
            f" = {self.numerator:.2f}",
            f"cost factor     = cost {cost} ^ {self.alpha:g} = {self.divisor:.3g}",
            f"score           = {self.numerator:.2f} / {self.divisor:.3g} = {self.score:.3f}",
        ]


def breakdown(experiment: Experiment, settings: ProjectSettings) -> ScoreBreakdown | None:
    if experiment.impact is None or experiment.probability is None:
        return None
    ev = experiment.impact * experiment.probability
    info_term = settings.w_info * experiment.info_value
    divisor = math.pow(experiment.cost, settings.alpha)
    return ScoreBreakdown(
        impact=experiment.impact,
        probability=experiment.probability,
        expected_value=ev,
        info_value=experiment.info_value,
        w_info=settings.w_info,
        info_term=info_term,
        numerator=ev + info_term,
        cost=experiment.cost,
        alpha=settings.alpha,
        divisor=divisor,
        score=(ev + info_term) / divisor,
    )
