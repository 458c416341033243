"""Project settings: the goal, the calendar and budget, and the tunable coefficients.

Defaults are the reference's numbers: information weight 1.0, cost exponent 1.0, high impact
from 3, high probability from 50%, moonshots at most 20% of the budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .enums import Direction, Phase, Support


def _today() -> date:
    return date.today()


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    name: str = "Untitled project"
    metric_name: str = "accuracy"
    direction: Direction = Direction.MAXIMIZE
    baseline: float | None = None
    target: float | None = None
    start_date: date = field(default_factory=_today)
    deadline: date | None = None
    budget_total: float | None = None
    budget_unit: str = "GPU-hours"
    phase: Phase = Phase.EARLY
    support: Support = Support.STRONG
    w_info: float = 1.0
    alpha: float = 1.0
    impact_threshold: int = 3
    probability_threshold: float = 0.5
    moonshot_share: float = 0.2
