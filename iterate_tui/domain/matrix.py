"""The prioritization matrix: quadrant derivation, strategies and triage defaults.

The quadrant is never stored: it is read off impact and probability with the project's
thresholds (high impact from 3, high probability from 50% by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .enums import Quadrant

if TYPE_CHECKING:
    from .experiment import Experiment
    from .settings import ProjectSettings

#: Where triage snaps an experiment whose estimates lie outside the chosen quadrant.
SNAP_DEFAULTS: dict[Quadrant, tuple[int, float]] = {
    Quadrant.QUICK_WIN: (4, 0.7),
    Quadrant.MOONSHOT: (4, 0.2),
    Quadrant.INCREMENTAL: (2, 0.7),
    Quadrant.AVOID: (1, 0.2),
}

#: The matrix as it is drawn (and as the triage keys lie on the keyboard): top row is
#: high impact, right column is high probability.
LAYOUT: tuple[tuple[Quadrant, Quadrant], tuple[Quadrant, Quadrant]] = (
    (Quadrant.MOONSHOT, Quadrant.QUICK_WIN),
    (Quadrant.AVOID, Quadrant.INCREMENTAL),
)


def snap_point(target: Quadrant, settings: ProjectSettings) -> tuple[int, float]:
    """The estimates triage snaps to: the quadrant's default, moved inside the quadrant
    when the project's thresholds are not the defaults (so a quick win stays a quick win)."""
    impact, probability = SNAP_DEFAULTS[target]
    if target in (Quadrant.QUICK_WIN, Quadrant.MOONSHOT):
        impact = max(impact, settings.impact_threshold)
    else:
        impact = min(impact, settings.impact_threshold - 1)
    if target in (Quadrant.QUICK_WIN, Quadrant.INCREMENTAL):
        probability = max(probability, settings.probability_threshold)
    else:
        probability = min(probability, settings.probability_threshold - 0.05)
    return min(5, max(1, impact)), round(min(1.0, max(0.0, probability)), 4)


def strategy(quadrant: Quadrant, settings: ProjectSettings) -> str:
    """What the reference says to do with a quadrant's experiments."""
    if quadrant is Quadrant.MOONSHOT:
        return f"try selectively, {settings.moonshot_share:.0%} of budget"
    return {
        Quadrant.QUICK_WIN: "do immediately",
        Quadrant.INCREMENTAL: "systematic search",
        Quadrant.AVOID: "document and skip",
    }[quadrant]


def quadrant_of(impact: int, probability: float, settings: ProjectSettings) -> Quadrant:
    high_impact = impact >= settings.impact_threshold
    high_probability = probability >= settings.probability_threshold
    if high_impact:
        return Quadrant.QUICK_WIN if high_probability else Quadrant.MOONSHOT
    return Quadrant.INCREMENTAL if high_probability else Quadrant.AVOID


def quadrant(experiment: Experiment, settings: ProjectSettings) -> Quadrant | None:
    """The experiment's quadrant, or None while its estimates are not both known."""
    if experiment.impact is None or experiment.probability is None:
        return None
    return quadrant_of(experiment.impact, experiment.probability, settings)


def is_explore(experiment: Experiment, settings: ProjectSettings) -> bool:
    """Exploration unless said otherwise: moonshots explore, everything else exploits."""
    if experiment.explore is not None:
        return experiment.explore
    return quadrant(experiment, settings) is Quadrant.MOONSHOT
