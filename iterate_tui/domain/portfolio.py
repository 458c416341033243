"""The portfolio: where the budget goes, against the balance the project's phase calls for.

Every figure is computed here from the experiments, the settings and the day it is asked on
(``today``); nothing is stored. The screen and ``iterate-tui portfolio`` both show
``portfolio_report``, and ``report_to_json`` is their one JSON form. Costs are in the
project's budget unit. The definitions, one each (``portfolio_definitions.DEFINITIONS``
holds the same lines for the help, and a test keeps the two alike):

- Spent: the actual cost of done experiments (the estimate where none was recorded) plus
  the actual cost recorded on skipped ones (0 where none was).
- Committed: the estimated cost of running experiments; planned = spent + committed; budget
  left = budget - planned (none without a budget).
- Explore or exploit: the experiment's own flag; unset, moonshots explore and every other
  quadrant exploits.
- Exploration share: explore cost / planned cost, and by count over done + running
  experiments (skipped ones count by cost only), against the phase's target (early 80%,
  middle 50%, late 20%, deadline 0%); deviation in points = (share by cost - target) x 100.
- Moonshot share: the planned cost of moonshots / the total budget, against the allowance
  (20% by default); none without a budget.
- Activity shares: each activity's share of planned cost (and by count, as for
  exploration), under, in or over its reference range by cost; the ranges are of people's
  time, the shares of the budget unit.
- Risk levels: planned cost by the probability held at start (the current one where an
  experiment never started): safe from 70%, medium 40-70%, risky below 40%.
- Compute tiers: planned cost per tier; a tier-3 experiment (idea, backlog, running or
  done) with no done lower-tier experiment up its chain of follow-ups is flagged.
- Runway: budget left / burn rate, the burn rate being the spent cost of the experiments
  finished in the 14 days up to and including today, / 14; none while it is 0.
- The 80/20 check: done experiments with a value (their mean), in finishing order, each
  gain how far it moved the best-so-far in the goal's direction (0 if not), from the
  baseline (or, without one, from the first result); the share of the total gain from the
  top 20% of them, rounded up; none while the total is 0.
- Suggested phase: from the larger of the elapsed share of start..deadline and the share of
  the budget spent: early below 0.25, middle below 0.6, late below 0.9, deadline from 0.9
  or once the deadline has passed.
- Pull next: the best-ranked backlog experiments on the under-weighted side (explore or
  exploit), of the activity furthest under its range, and moonshots while under the
  allowance; never one in Avoid, nor a moonshot while over the allowance.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple

from .enums import TIER_LABELS, Activity, Direction, Phase, Status
from .experiment import Experiment
from .ranking import rank_key
from .settings import ProjectSettings

#: The exploring share of planned cost each phase calls for (the reference's table).
PHASE_TARGETS: dict[Phase, float] = {
    Phase.EARLY: 0.8,
    Phase.MIDDLE: 0.5,
    Phase.LATE: 0.2,
    Phase.DEADLINE: 0.0,
}

#: The reference's time allocation per activity (low, high), as fractions.
ACTIVITY_RANGES: dict[Activity, tuple[float, float]] = {
    Activity.DATA_PREPARATION: (0.30, 0.40),
    Activity.FEATURE_ENGINEERING: (0.20, 0.30),
    Activity.MODEL_DEVELOPMENT: (0.20, 0.30),
    Activity.EVALUATION_DEBUGGING: (0.10, 0.20),
}

#: Probability bands of the risk levels: safe from SAFE_FROM, risky below RISKY_BELOW.
SAFE_FROM = 0.70
RISKY_BELOW = 0.40

#: The burn rate is the spending of the last BURN_DAYS days (today included) per day.
BURN_DAYS = 14

#: Warning thresholds, in points (hundredths) of planned cost.
EXPLORATION_TOLERANCE = 20.0
ACTIVITY_TOLERANCE = 10.0

#: Suggested phase: the first phase whose bound the elapsed share is below; else deadline.
PHASE_BOUNDS: tuple[tuple[float, Phase], ...] = (
    (0.25, Phase.EARLY),
    (0.6, Phase.MIDDLE),
    (0.9, Phase.LATE),
)

#: The share of experiments the 80/20 check looks at (the top fifth, rounded up).
TOP_FRACTION_DIVISOR = 5

PULL_NEXT = 5

#: Shares are sums of floats: a share a rounding error off a bound counts as on it.
_EPS = 1e-9

_by_id = attrgetter("id")

#: How many ids a warning names before it says "and N more".
_IDS_SHOWN = 10


class RangeStatus(StrEnum):
    """Where a share lies against its reference range."""

    UNDER = "under"
    IN = "in"
    OVER = "over"


class WarningCode(StrEnum):
    """Stable names of the portfolio warnings, for scripts and tests."""

    PURE_EXPLOITATION = "pure_exploitation"
    EXPLORATION_OFF_TARGET = "exploration_off_target"
    MOONSHOTS_OVER_ALLOWANCE = "moonshots_over_allowance"
    OVER_BUDGET = "over_budget"
    ACTIVITY_OFF_RANGE = "activity_off_range"
    NO_SMOKE_TEST = "no_smoke_test"


# -- results ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Exploration:
    """The explore/exploit split against the phase's target."""

    target: float
    explore_cost: float
    planned_cost: float
    explore_count: int
    counted: int
    share_cost: float | None
    share_count: float | None
    deviation_points: float | None

    @property
    def wording(self) -> str:
        """In words, as in 'exploring 35%, target 50%: 15 points under'."""
        return exploration_wording(self.share_cost, self.target)


@dataclass(frozen=True, slots=True)
class Moonshots:
    cost: float
    share_of_budget: float | None
    allowance: float

    @property
    def over(self) -> bool:
        return self.share_of_budget is not None and self.share_of_budget > self.allowance + _EPS


@dataclass(frozen=True, slots=True)
class ActivityShare:
    activity: Activity
    cost: float
    count: int
    share: float | None
    share_count: float | None
    low: float
    high: float
    status: RangeStatus | None

    @property
    def points_outside(self) -> float:
        """How far the share by cost lies outside the range, in points (0 inside it)."""
        if self.share is None:
            return 0.0
        return max(self.low - self.share, self.share - self.high, 0.0) * 100


@dataclass(frozen=True, slots=True)
class Activities:
    """The shares per activity, in ``Activity`` order, and the unit the costs are in (the
    reference ranges are people's time; the shares here are of the budget unit)."""

    unit: str
    shares: tuple[ActivityShare, ...]

    def of(self, activity: Activity) -> ActivityShare:
        return next(s for s in self.shares if s.activity is activity)


@dataclass(frozen=True, slots=True)
class Risk:
    """Planned cost by the probability held at start."""

    safe: float
    medium: float
    risky: float
    unknown: float


@dataclass(frozen=True, slots=True)
class TierCost:
    tier: int
    label: str
    cost: float
    count: int


@dataclass(frozen=True, slots=True)
class Tiers:
    costs: tuple[TierCost, ...]
    #: Tier-3 experiments with no done lower-tier experiment in their chain, by id.
    without_smoke_test: tuple[int, ...]

    def cost(self, tier: int) -> float:
        return next((t.cost for t in self.costs if t.tier == tier), 0.0)


@dataclass(frozen=True, slots=True)
class Budget:
    total: float | None
    unit: str
    spent: float
    committed: float
    planned: float
    left: float | None
    burn_per_day: float
    runway_days: float | None
    runway_date: date | None
    deadline: date | None

    @property
    def over(self) -> bool:
        return self.total is not None and self.planned > self.total + _EPS

    @property
    def runs_out_before_deadline(self) -> bool | None:
        """Whether the budget left lasts until the deadline at the current burn rate."""
        if self.runway_date is None or self.deadline is None:
            return None
        return self.runway_date < self.deadline


class Gain(NamedTuple):
    """One result's realized gain (a named tuple: a large project has tens of thousands,
    and a frozen dataclass is built several times slower)."""

    exp_id: int
    value: float
    gain: float


@dataclass(frozen=True, slots=True)
class Pareto:
    """The 80/20 check. ``gains`` are in finishing order."""

    n_done: int
    n_top: int
    total_gain: float
    top_share: float | None
    gains: tuple[Gain, ...]

    @property
    def wording(self) -> str:
        """In words, as in 'the top 5 of 22 results brought 78% of the gain'."""
        if self.top_share is None:
            if not self.n_done:
                return "no results yet"
            return f"no gain over the baseline yet ({self.n_done} results)"
        return (
            f"the top {self.n_top} of {self.n_done} results brought "
            f"{_pct(self.top_share)} of the gain"
        )


@dataclass(frozen=True, slots=True)
class PhaseSuggestion:
    phase: Phase
    #: The larger of the two shares, which decided the phase.
    share: float
    time_share: float | None
    budget_share: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class PortfolioWarning:
    code: WarningCode
    message: str
    #: The experiments the warning is about, if it names any.
    ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PullNext:
    experiment: Experiment
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True, slots=True)
class PortfolioReport:
    today: date
    phase: Phase
    suggested_phase: PhaseSuggestion | None
    exploration: Exploration
    moonshots: Moonshots
    activities: Activities
    risk: Risk
    tiers: Tiers
    budget: Budget
    pareto: Pareto
    warnings: tuple[PortfolioWarning, ...]
    pull_next: tuple[PullNext, ...]


class _Candidate(NamedTuple):
    """A backlog experiment that may be pulled next, with what the one pass found out."""

    exp: Experiment
    explores: bool
    moonshot: bool


# -- small pieces -------------------------------------------------------------------------------
def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def amount(value: float) -> str:
    """A cost as people read it: at most two decimals, no trailing zeros (and never "-0"
    for a float sum a hair below zero)."""
    if abs(value) < 0.005:
        return "0"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def exploration_wording(share: float | None, target: float) -> str:
    """The split in words, as in 'exploring 35%, target 50%: 15 points under' (whole
    points: a split half a point off its target reads "on target")."""
    if share is None:
        return f"nothing planned yet, target {_pct(target)} exploring"
    points = round((share - target) * 100)
    if points == 0:
        gap = "on target"
    else:
        side = "under" if points < 0 else "over"
        gap = f"{abs(points)} point{'s' if abs(points) != 1 else ''} {side}"
    return f"exploring {_pct(share)}, target {_pct(target)}: {gap}"


def _range(low: float, high: float) -> str:
    return f"{low * 100:.0f}-{high * 100:.0f}%"


def _status(share: float | None, low: float, high: float) -> RangeStatus | None:
    if share is None:
        return None
    if share < low - _EPS:
        return RangeStatus.UNDER
    if share > high + _EPS:
        return RangeStatus.OVER
    return RangeStatus.IN


def _ids(ids: Sequence[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:_IDS_SHOWN])
    more = len(ids) - _IDS_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


# -- suggested phase -----------------------------------------------------------------------------
def spent_cost(experiments: Iterable[Experiment]) -> float:
    """What has been spent, as the report counts it (done: the actual cost, else the
    estimate; skipped: the actual cost recorded, else nothing): for the phase suggestion
    where no whole report is needed (the settings screen)."""
    spent = 0.0
    for exp in experiments:
        if exp.status is Status.DONE:
            spent += exp.cost if exp.actual_cost is None else exp.actual_cost
        elif exp.status is Status.SKIPPED:
            spent += exp.actual_cost or 0.0
    return spent


def suggest_phase(settings: ProjectSettings, spent: float, today: date) -> PhaseSuggestion | None:
    """The phase the calendar and the budget suggest, or None with neither a deadline nor a
    budget. The larger of the two shares decides (the time share on a tie)."""
    time_share: float | None = None
    if settings.deadline is not None:
        span = (settings.deadline - settings.start_date).days
        elapsed = (today - settings.start_date).days
        if span > 0:
            time_share = max(0.0, elapsed / span)
        else:  # a deadline on the start day: all of the time is used once it is here
            time_share = 1.0 if today >= settings.deadline else 0.0
    budget_share: float | None = None
    if settings.budget_total is not None and settings.budget_total > 0:
        budget_share = max(0.0, spent / settings.budget_total)
    if time_share is None and budget_share is None:
        return None
    by_time = budget_share is None or (time_share is not None and time_share >= budget_share)
    share = time_share if by_time else budget_share
    assert share is not None
    phase = next((p for bound, p in PHASE_BOUNDS if share < bound), Phase.DEADLINE)
    if by_time:
        assert settings.deadline is not None
        late = (today - settings.deadline).days
        if late > 0:
            reason = f"the deadline passed {late} day{'s' if late != 1 else ''} ago"
        else:
            reason = f"{_pct(min(share, 1.0))} of the time to the deadline has passed"
    else:
        reason = f"{_pct(share)} of the budget is spent"
    return PhaseSuggestion(phase, share, time_share, budget_share, reason)


# -- follow-up chains -----------------------------------------------------------------------------
def has_smoke_test(exp: Experiment, by_id: dict[int, Experiment]) -> bool:
    """Whether a done experiment of a lower tier lies up ``exp``'s chain of follow-ups.

    The chain is followed through ``follow_up_of`` until it ends, reaches an id that is no
    longer there (a deleted experiment), or comes back to one already seen (a cycle, which
    only a hand-edited file can hold)."""
    seen = {exp.id}
    parent = exp.follow_up_of
    while parent is not None and parent not in seen:
        seen.add(parent)
        found = by_id.get(parent)
        if found is None:
            return False
        if found.status is Status.DONE and found.tier < exp.tier:
            return True
        parent = found.follow_up_of
    return False


# -- the report ---------------------------------------------------------------------------------
def portfolio_report(
    experiments: Sequence[Experiment],
    settings: ProjectSettings,
    today: date,
    pull_limit: int = PULL_NEXT,
) -> PortfolioReport:
    """Every portfolio figure, in one pass over the experiments."""
    impact_threshold = settings.impact_threshold
    probability_threshold = settings.probability_threshold
    burn_from = today - timedelta(days=BURN_DAYS - 1)
    done_, skipped_, running_ = Status.DONE, Status.SKIPPED, Status.RUNNING
    backlog_ = Status.BACKLOG

    spent = committed = explore_cost = moon_cost = burned = 0.0
    explore_count = counted = 0
    activity_cost = dict.fromkeys(Activity, 0.0)
    activity_count = dict.fromkeys(Activity, 0)
    tier_cost: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.0}
    tier_count: dict[int, int] = {1: 0, 2: 0, 3: 0}
    safe = medium = risky = unknown = 0.0
    results: list[Experiment] = []
    full_runs: list[Experiment] = []
    backlog: list[_Candidate] = []

    for exp in experiments:
        status = exp.status
        impact, probability = exp.impact, exp.probability
        # matrix.is_explore, inlined (it runs for every experiment of a large project).
        moon = (
            impact is not None
            and probability is not None
            and impact >= impact_threshold
            and probability < probability_threshold
        )
        explores = moon if exp.explore is None else exp.explore
        if exp.tier == 3 and status is not skipped_:
            full_runs.append(exp)
        if status is done_:
            cost = exp.cost if exp.actual_cost is None else exp.actual_cost
            spent += cost
            counts = True
            if exp.values:
                results.append(exp)
        elif status is skipped_:
            cost = exp.actual_cost or 0.0
            spent += cost
            counts = False
        elif status is running_:
            cost = exp.cost
            committed += cost
            counts = True
        else:  # an idea or a backlog item: nothing planned yet
            # Avoid is "document and skip": never pulled to rebalance anything.
            if status is backlog_ and not (
                impact is not None
                and probability is not None
                and impact < impact_threshold
                and probability < probability_threshold
            ):
                backlog.append(_Candidate(exp, explores, moon))
            continue
        finished = exp.finished_at
        if (
            status is not running_
            and finished is not None
            and burn_from <= finished.date() <= today
        ):
            burned += cost
        activity = exp.activity
        activity_cost[activity] += cost
        tier_cost[exp.tier] = tier_cost.get(exp.tier, 0.0) + cost
        tier_count[exp.tier] = tier_count.get(exp.tier, 0) + 1
        if explores:
            explore_cost += cost
        if moon:
            moon_cost += cost
        if counts:
            counted += 1
            activity_count[activity] += 1
            if explores:
                explore_count += 1
        held = exp.started_probability if exp.started_probability is not None else probability
        if held is None:
            unknown += cost
        elif held >= SAFE_FROM:
            safe += cost
        elif held >= RISKY_BELOW:
            medium += cost
        else:
            risky += cost

    planned = spent + committed
    target = PHASE_TARGETS[settings.phase]
    share_cost = explore_cost / planned if planned > 0 else None
    exploration = Exploration(
        target=target,
        explore_cost=explore_cost,
        planned_cost=planned,
        explore_count=explore_count,
        counted=counted,
        share_cost=share_cost,
        share_count=explore_count / counted if counted else None,
        deviation_points=None if share_cost is None else (share_cost - target) * 100,
    )
    total = settings.budget_total if settings.budget_total and settings.budget_total > 0 else None
    moonshots = Moonshots(
        cost=moon_cost,
        share_of_budget=None if total is None else moon_cost / total,
        allowance=settings.moonshot_share,
    )
    shares = []
    for activity, (low, high) in ACTIVITY_RANGES.items():
        share = activity_cost[activity] / planned if planned > 0 else None
        shares.append(
            ActivityShare(
                activity=activity,
                cost=activity_cost[activity],
                count=activity_count[activity],
                share=share,
                share_count=activity_count[activity] / counted if counted else None,
                low=low,
                high=high,
                status=_status(share, low, high),
            )
        )
    activities = Activities(settings.budget_unit, tuple(shares))
    unsmoked = _without_smoke_test(full_runs, experiments)
    tiers = Tiers(
        tuple(
            TierCost(t, TIER_LABELS.get(t, str(t)), tier_cost[t], tier_count[t])
            for t in sorted(tier_cost)
        ),
        unsmoked,
    )
    budget = _budget(settings, total, spent, committed, burned / BURN_DAYS, today)
    return PortfolioReport(
        today=today,
        phase=settings.phase,
        suggested_phase=suggest_phase(settings, spent, today),
        exploration=exploration,
        moonshots=moonshots,
        activities=activities,
        risk=Risk(safe, medium, risky, unknown),
        tiers=tiers,
        budget=budget,
        pareto=_pareto(results, settings),
        warnings=_warnings(settings, exploration, moonshots, activities, tiers, budget),
        pull_next=_pull_next(backlog, exploration, moonshots, activities, settings, pull_limit),
    )


def _without_smoke_test(
    full_runs: list[Experiment], experiments: Sequence[Experiment]
) -> tuple[int, ...]:
    """The ids of the tier-3 experiments (skipped ones left out: they have nothing left to
    test) without a smoke test. The id index is built only when some chain needs it."""
    if any(e.follow_up_of is not None for e in full_runs):
        by_id = {e.id: e for e in experiments}
    else:
        by_id = {}
    return tuple(sorted(e.id for e in full_runs if not has_smoke_test(e, by_id)))


def _budget(
    settings: ProjectSettings,
    total: float | None,
    spent: float,
    committed: float,
    burn: float,
    today: date,
) -> Budget:
    planned = spent + committed
    left = None if total is None else total - planned
    runway_days: float | None = None
    runway_date: date | None = None
    if left is not None and burn > 0:
        runway_days = max(0.0, left / burn)
        room = (date.max - today).days
        runway_date = today + timedelta(days=min(math.floor(runway_days), room))
    return Budget(
        total=total,
        unit=settings.budget_unit,
        spent=spent,
        committed=committed,
        planned=planned,
        left=left,
        burn_per_day=burn,
        runway_days=runway_days,
        runway_date=runway_date,
        deadline=settings.deadline,
    )


def pareto(done: Sequence[Experiment], settings: ProjectSettings) -> Pareto:
    """The 80/20 check over done experiments that have values (others are ignored)."""
    return _pareto([e for e in done if e.status is Status.DONE and e.values], settings)


def _finished(exp: Experiment) -> datetime:
    # finish() always sets finished_at; a hand-made file may not, then the last change is
    # the best guess of when it finished.
    return exp.finished_at or exp.updated_at


def _pareto(results: list[Experiment], settings: ProjectSettings) -> Pareto:
    # In finishing order, ties by id: two stable sorts on one attribute each build no key
    # tuples (tens of thousands of allocations that wake the garbage collector).
    results.sort(key=_by_id)
    results.sort(key=_finished)
    gains: list[Gain] = []
    best = settings.baseline
    maximize = settings.direction is Direction.MAXIMIZE
    for exp in results:
        values = exp.values
        value = values[0] if len(values) == 1 else math.fsum(values) / len(values)
        if best is None:  # no baseline: the first result is where the gains start from
            gain = 0.0
            best = value
        elif maximize:
            gain = value - best if value > best else 0.0
            best = value if value > best else best
        else:
            gain = best - value if value < best else 0.0
            best = value if value < best else best
        gains.append(Gain(exp.id, value, gain))
    n_done = len(gains)
    n_top = -(-n_done // TOP_FRACTION_DIVISOR)  # the top fifth, rounded up, in integers
    total = math.fsum(g.gain for g in gains)
    top = math.fsum(heapq.nlargest(n_top, (g.gain for g in gains)))
    return Pareto(
        n_done=n_done,
        n_top=n_top,
        total_gain=total,
        top_share=top / total if total > 0 else None,
        gains=tuple(gains),
    )


# -- warnings -------------------------------------------------------------------------------------
def _warnings(
    settings: ProjectSettings,
    exploration: Exploration,
    moonshots: Moonshots,
    activities: Activities,
    tiers: Tiers,
    budget: Budget,
) -> tuple[PortfolioWarning, ...]:
    unit = settings.budget_unit
    found: list[PortfolioWarning] = []
    phase = settings.phase
    if (
        exploration.planned_cost > 0
        and exploration.explore_cost == 0
        and phase is not Phase.DEADLINE
    ):
        found.append(
            PortfolioWarning(
                WarningCode.PURE_EXPLOITATION,
                f"pure exploitation: none of the {amount(exploration.planned_cost)} {unit} "
                f"planned explores, in the {phase.label} phase (target "
                f"{_pct(exploration.target)} exploring); pure exploitation leads to local "
                "optima",
            )
        )
    deviation = exploration.deviation_points
    if deviation is not None and abs(deviation) > EXPLORATION_TOLERANCE + _EPS:
        found.append(
            PortfolioWarning(
                WarningCode.EXPLORATION_OFF_TARGET,
                f"{exploration.wording} (more than {EXPLORATION_TOLERANCE:.0f} points off "
                f"for the {phase.label} phase)",
            )
        )
    if moonshots.over:
        assert moonshots.share_of_budget is not None and budget.total is not None
        found.append(
            PortfolioWarning(
                WarningCode.MOONSHOTS_OVER_ALLOWANCE,
                f"moonshots take {_pct(moonshots.share_of_budget)} of the budget "
                f"({amount(moonshots.cost)} of {amount(budget.total)} {unit}), over the "
                f"{_pct(moonshots.allowance)} allowance",
            )
        )
    if budget.over:
        assert budget.total is not None
        found.append(
            PortfolioWarning(
                WarningCode.OVER_BUDGET,
                f"planned cost {amount(budget.planned)} {unit} is over the budget of "
                f"{amount(budget.total)} by {amount(budget.planned - budget.total)}",
            )
        )
    for share in activities.shares:
        outside = share.points_outside
        if share.share is not None and outside > ACTIVITY_TOLERANCE + _EPS:
            side = "under" if share.share < share.low else "over"
            found.append(
                PortfolioWarning(
                    WarningCode.ACTIVITY_OFF_RANGE,
                    f"{share.activity.label} takes {_pct(share.share)} of the planned "
                    f"{unit}, range {_range(share.low, share.high)}: {outside:.0f} points "
                    f"{side}",
                )
            )
    if tiers.without_smoke_test:
        ids = tiers.without_smoke_test
        found.append(
            PortfolioWarning(
                WarningCode.NO_SMOKE_TEST,
                f"full run before any smoke test: {_ids(ids)} at tier 3 with no finished "
                "lower-tier experiment in the chain of follow-ups",
                ids,
            )
        )
    return tuple(found)


# -- pull next -------------------------------------------------------------------------------------
def _pull_next(
    backlog: list[_Candidate],
    exploration: Exploration,
    moonshots: Moonshots,
    activities: Activities,
    settings: ProjectSettings,
    limit: int,
) -> tuple[PullNext, ...]:
    """The best-ranked backlog experiments that move the portfolio toward its targets: on
    the side of the exploration target that is short (none when on target or when nothing
    is planned), of the activity furthest under its range, and moonshots while their share
    is under the allowance (never while it is over); Avoid is left out before."""
    deviation = exploration.deviation_points
    side: bool | None = None  # True: pull explorers, False: exploiters, None: balanced
    if deviation is not None and deviation < -_EPS:
        side = True
    elif deviation is not None and deviation > _EPS:
        side = False
    under = [s for s in activities.shares if s.status is RangeStatus.UNDER]
    lagging = max(under, key=lambda s: s.points_outside) if under else None
    want_moonshots = (
        moonshots.share_of_budget is not None
        and moonshots.share_of_budget < moonshots.allowance - _EPS
    )
    # Over the allowance, a moonshot would pull the portfolio further off whatever else it
    # helps: the allowance is a ceiling ("at most 20% of budget"), so none is pulled.
    no_moonshots = moonshots.over
    picked = [
        item
        for item in backlog
        if not (no_moonshots and item.moonshot)
        and (
            (side is not None and item.explores is side)
            or (lagging is not None and item.exp.activity is lagging.activity)
            or (want_moonshots and item.moonshot)
        )
    ]
    best = heapq.nsmallest(limit, picked, key=lambda item: rank_key(item.exp, settings))
    chosen = []
    for exp, explores, moon in best:
        reasons = []
        if side is not None and explores is side:
            reasons.append(f"{'explores' if side else 'exploits'}: {exploration.wording}")
        if lagging is not None and exp.activity is lagging.activity:
            assert lagging.share is not None
            reasons.append(
                f"{lagging.activity.label}: {_pct(lagging.share)} of planned cost, range "
                f"{_range(lagging.low, lagging.high)}"
            )
        if want_moonshots and moon:
            assert moonshots.share_of_budget is not None
            reasons.append(
                f"moonshot: {_pct(moonshots.share_of_budget)} of the budget, allowance "
                f"{_pct(moonshots.allowance)}"
            )
        chosen.append(PullNext(exp, tuple(reasons)))
    return tuple(chosen)


# -- JSON -----------------------------------------------------------------------------------------
def _r(value: float | None) -> float | None:
    """Figures in JSON to six decimals: sums of costs carry float noise nobody needs."""
    return None if value is None else round(value, 6)


def report_to_json(report: PortfolioReport) -> dict[str, Any]:
    """The report as plain JSON values (shares are fractions 0..1, costs in budget units)."""
    ex, moon, budget, pareto_ = report.exploration, report.moonshots, report.budget, report.pareto
    suggestion = report.suggested_phase
    return {
        "today": report.today.isoformat(),
        "phase": report.phase.value,
        "suggested_phase": None if suggestion is None else suggestion.phase.value,
        "phase_suggestion": None
        if suggestion is None
        else {
            "phase": suggestion.phase.value,
            "share": _r(suggestion.share),
            "time_share": _r(suggestion.time_share),
            "budget_share": _r(suggestion.budget_share),
            "reason": suggestion.reason,
        },
        "exploration": {
            "target": ex.target,
            "share_cost": _r(ex.share_cost),
            "share_count": _r(ex.share_count),
            "deviation_points": _r(ex.deviation_points),
            "explore_cost": _r(ex.explore_cost),
            "planned_cost": _r(ex.planned_cost),
            "explore_count": ex.explore_count,
            "count": ex.counted,
            "text": ex.wording,
        },
        "moonshots": {
            "cost": _r(moon.cost),
            "share_of_budget": _r(moon.share_of_budget),
            "allowance": moon.allowance,
        },
        "unit": report.activities.unit,
        "activities": {
            s.activity.value: {
                "cost": _r(s.cost),
                "count": s.count,
                "share": _r(s.share),
                "share_count": _r(s.share_count),
                "low": s.low,
                "high": s.high,
                "status": None if s.status is None else s.status.value,
            }
            for s in report.activities.shares
        },
        "risk": {
            "safe": _r(report.risk.safe),
            "medium": _r(report.risk.medium),
            "risky": _r(report.risk.risky),
            "unknown": _r(report.risk.unknown),
        },
        "tiers": {str(t.tier): _r(t.cost) for t in report.tiers.costs},
        "tier3_without_smoke_test": list(report.tiers.without_smoke_test),
        "budget": {
            "total": _r(budget.total),
            "unit": budget.unit,
            "spent": _r(budget.spent),
            "committed": _r(budget.committed),
            "planned": _r(budget.planned),
            "left": _r(budget.left),
            "burn_per_day": _r(budget.burn_per_day),
            "runway_days": _r(budget.runway_days),
            "runway_date": None if budget.runway_date is None else budget.runway_date.isoformat(),
            "deadline": None if budget.deadline is None else budget.deadline.isoformat(),
        },
        "pareto": {
            "top_share": _r(pareto_.top_share),
            "n_top": pareto_.n_top,
            "n_done": pareto_.n_done,
            "total_gain": _r(pareto_.total_gain),
        },
        "warnings": [
            {"code": w.code.value, "message": w.message, "ids": list(w.ids)}
            for w in report.warnings
        ],
        "pull_next": [p.experiment.id for p in report.pull_next],
        "pull_next_reasons": {str(p.experiment.id): p.reason for p in report.pull_next},
    }
