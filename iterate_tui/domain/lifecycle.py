"""How an experiment changes: creation, edits, triage, nudges, start, result, skip, promote.

Every function takes an experiment and returns a new one; none of them stores anything.
Status moves idea -> backlog (triage) -> running (start) -> done (result), or to skipped
with a reason from any open status. Changes to an estimate are appended to the history,
and the impact and probability held when an experiment starts are frozen with it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from . import fields, text
from .enums import TIER_LABELS, Activity, Outcome, Quadrant, Status
from .errors import TransitionError, ValidationError
from .experiment import EstimateChange, Experiment, Verdict
from .matrix import quadrant, snap_point
from .settings import ProjectSettings

ESTIMATE_FIELDS = ("impact", "probability", "cost", "info_value")
EDITABLE_FIELDS = (
    "title",
    "hypothesis",
    "matters",
    "impact",
    "probability",
    "cost",
    "info_value",
    "activity",
    "tier",
    "explore",
    "tags",
    "run_url",
    "commit",
)
PROBABILITY_STEP = 0.05


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_explore(raw: str | bool | None) -> bool | None:
    """'explore' / 'exploit' / 'auto' (derived from the quadrant), or the nouns.

    Whole words only, like every other value: "explo" could be either."""
    if raw is None or isinstance(raw, bool):
        return raw
    word = raw.strip().lower()
    if word in ("", "auto", "default"):
        return None
    if word in ("explore", "exploration"):
        return True
    if word in ("exploit", "exploitation"):
        return False
    raise ValidationError("explore/exploit", f"{raw!r} is not one of: explore, exploit, auto")


def parse_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the editable fields present in ``raw`` (strings as typed, or values).

    Unknown keys are refused so that a typo in an import file is not silently dropped.
    A blank impact or probability means "not estimated yet".
    """
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "title":
            clean[key] = text.title(str(value))
        elif key == "hypothesis":
            clean[key] = text.note(str(value or ""), "hypothesis")
        elif key == "matters":
            clean[key] = text.line(str(value or ""), "does it matter?")
        elif key == "impact":
            clean[key] = None if _blank(value) else fields.impact(value)
        elif key == "probability":
            clean[key] = None if _blank(value) else fields.probability(value)
        elif key == "cost":
            clean[key] = fields.cost(value)
        elif key == "info_value":
            clean[key] = 0 if _blank(value) else fields.info_value(value)
        elif key == "activity":
            clean[key] = (
                value if isinstance(value, Activity) else fields.choice(Activity, value, "activity")
            )
        elif key == "tier":
            clean[key] = fields.tier(value)
        elif key == "explore":
            clean[key] = parse_explore(value)
        elif key == "tags":
            items = [value] if isinstance(value, str) else list(value or ())
            clean[key] = fields.tags(items)
        elif key == "run_url":
            clean[key] = fields.run_url(str(value or ""))
        elif key == "commit":
            clean[key] = fields.commit(str(value or ""))
        else:
            raise ValidationError(key, "is not a field of an experiment")
    return clean


def _record(
    before: Experiment, after: Experiment, now: datetime, reason: str
) -> tuple[EstimateChange, ...]:
    changes = [
        EstimateChange(now, name, getattr(before, name), getattr(after, name), reason)
        for name in ESTIMATE_FIELDS
        if getattr(before, name) != getattr(after, name)
    ]
    return before.history + tuple(changes)


def _change(exp: Experiment, now: datetime, reason: str, **updates: Any) -> Experiment:
    updated = dataclasses.replace(exp, **updates, updated_at=now)
    history = _record(exp, updated, now, reason)
    if history is not exp.history:
        updated = dataclasses.replace(updated, history=history)
    return updated


def create(values: Mapping[str, Any], settings: ProjectSettings, now: datetime) -> Experiment:
    """A new idea from validated or raw fields; "does it matter? no" sends it to Avoid."""
    clean = parse_fields(values)
    if "title" not in clean:
        raise ValidationError("title", "must not be empty")
    exp = Experiment(**clean, created_at=now, updated_at=now)
    return apply_matters_rule(exp, settings, now)


def edit(
    exp: Experiment, values: Mapping[str, Any], settings: ProjectSettings, now: datetime
) -> Experiment:
    """Change editable fields; estimate changes go to the history."""
    clean = parse_fields(values)
    changed = {k: v for k, v in clean.items() if getattr(exp, k) != v}
    if not changed:
        return exp
    if exp.status is not Status.IDEA:
        for name in ("impact", "probability"):
            if name in changed and changed[name] is None:
                raise ValidationError(name, "is needed once an experiment is triaged")
    updated = _change(exp, now, "edited", **changed)
    return apply_matters_rule(updated, settings, now)


def apply_matters_rule(exp: Experiment, settings: ProjectSettings, now: datetime) -> Experiment:
    """An idea answered "no, it would not matter" is documented and skipped, in Avoid."""
    if exp.status is not Status.IDEA or exp.verdict is not Verdict.NO:
        return exp
    triaged = triage(exp, Quadrant.AVOID, settings, now)
    reason = f"does not matter: {exp.matters}"
    if len(reason) > text.LINE_MAX:  # the answer may itself be LINE_MAX long
        reason = reason[: text.LINE_MAX - 1] + "…"
    return skip(triaged, reason, now)


def triage(
    exp: Experiment, target: Quadrant, settings: ProjectSettings, now: datetime
) -> Experiment:
    """Put an experiment into a quadrant.

    Estimates already inside the quadrant stay; otherwise they snap to its defaults
    (quick win 4 / 70%, moonshot 4 / 20%, incremental 2 / 70%, avoid 1 / 20%).
    An idea becomes a backlog item.
    """
    if not exp.is_open:
        raise TransitionError(f"#{exp.id} is {exp.status.label}: only open experiments move")
    updates: dict[str, Any] = {}
    if quadrant(exp, settings) is not target:
        impact, probability = snap_point(target, settings)
        updates = {"impact": impact, "probability": probability}
    if exp.status is Status.IDEA:
        updates["status"] = Status.BACKLOG
        updates["triaged_at"] = now
    if not updates:
        return exp
    return _change(exp, now, f"triaged: {target.label}", **updates)


def nudge_impact(exp: Experiment, delta: int, now: datetime) -> Experiment:
    """Raise or lower impact by whole steps, staying within 1..5."""
    if exp.impact is None or not exp.is_open:
        raise TransitionError(f"#{exp.id}: triage it first, then nudge its impact")
    value = min(5, max(1, exp.impact + delta))
    if value == exp.impact:
        return exp
    return _change(exp, now, "nudged", impact=value)


def nudge_probability(exp: Experiment, steps: int, now: datetime) -> Experiment:
    """Raise or lower probability in 5-point steps, staying within 0..100%."""
    if exp.probability is None or not exp.is_open:
        raise TransitionError(f"#{exp.id}: triage it first, then nudge its probability")
    value = round(min(1.0, max(0.0, exp.probability + steps * PROBABILITY_STEP)), 4)
    if value == exp.probability:
        return exp
    return _change(exp, now, "nudged", probability=value)


def start(exp: Experiment, now: datetime) -> Experiment:
    """Start running; the impact and probability held now are frozen with the experiment."""
    if exp.status not in (Status.IDEA, Status.BACKLOG):
        raise TransitionError(
            f"#{exp.id} is {exp.status.label}; only ideas and backlog items start"
        )
    if exp.impact is None or exp.probability is None:
        raise TransitionError(
            f"#{exp.id} has no impact/probability yet: estimate or triage it first"
        )
    return dataclasses.replace(
        exp,
        status=Status.RUNNING,
        started_at=now,
        started_impact=exp.impact,
        started_probability=exp.probability,
        triaged_at=exp.triaged_at or now,
        updated_at=now,
    )


def finish(
    exp: Experiment,
    outcome: Outcome,
    values: Iterable[float | str],
    now: datetime,
    actual_cost: float | str | None = None,
    learned: str = "",
) -> Experiment:
    """Record the result. An idea or backlog item is started (and frozen) on the way."""
    if exp.status in (Status.IDEA, Status.BACKLOG):
        exp = start(exp, now)
    if exp.status is not Status.RUNNING:
        raise TransitionError(f"#{exp.id} is {exp.status.label}; only running experiments finish")
    metric = tuple(fields.finite(v, "value") for v in values)
    if outcome is Outcome.SUCCESS and not metric:
        raise ValidationError("value", "a success needs at least one metric value")
    cost = None if _blank(actual_cost) else fields.non_negative(actual_cost, "actual cost")  # type: ignore[arg-type]
    return dataclasses.replace(
        exp,
        status=Status.DONE,
        outcome=outcome,
        values=metric,
        actual_cost=cost,
        learned=text.note(learned, "learned"),
        finished_at=now,
        updated_at=now,
    )


def skip(
    exp: Experiment, reason: str, now: datetime, actual_cost: float | str | None = None
) -> Experiment:
    """Document and skip: a reason is required. ``actual_cost`` is what was spent before
    giving up (a run stopped half-way); the portfolio counts it as spent."""
    if not exp.is_open:
        raise TransitionError(f"#{exp.id} is {exp.status.label}; only open experiments are skipped")
    why = text.line(reason, "reason")
    if not why:
        raise ValidationError("reason", "say why it is skipped")
    cost = None if _blank(actual_cost) else fields.non_negative(actual_cost, "actual cost")  # type: ignore[arg-type]
    return dataclasses.replace(
        exp,
        status=Status.SKIPPED,
        skip_reason=why,
        actual_cost=cost,
        finished_at=now,
        updated_at=now,
    )


#: The title a promoted follow-up gets: the tier it runs at, then the original title.
FOLLOW_UP_TITLE = "Follow-up (tier {tier}): "
_FOLLOW_UP_PREFIX = re.compile(r"^Follow-up \(tier \d\): ")


def follow_up_title(title: str, tier: int) -> str:
    """The title of a follow-up, as in 'Follow-up (tier 2): Mixup', without stacking
    prefixes along a chain, cut with an ellipsis to the title limit."""
    full = FOLLOW_UP_TITLE.format(tier=tier) + _FOLLOW_UP_PREFIX.sub("", title)
    if len(full) > text.TITLE_MAX:
        full = full[: text.TITLE_MAX - 1] + "…"
    return full


def promote(exp: Experiment, settings: ProjectSettings, now: datetime) -> Experiment:
    """A new idea that follows ``exp`` up one compute tier higher (smoke -> exploratory ->
    full), linked to it by ``follow_up_of``: what was learned on the cheap run earns the
    bigger one. Only a done experiment below tier 3 can be promoted.

    The title, hypothesis, activity, tags, explore flag and estimates (impact, probability,
    cost, information value) are copied as a starting point to edit; the answer to "does
    it matter?" is not, as it is to be asked again at the bigger cost."""
    if exp.status is not Status.DONE:
        raise TransitionError(
            f"#{exp.id} is {exp.status.label}; only a done experiment is promoted to a "
            "follow-up (finish it first)"
        )
    if exp.tier >= 3:
        raise TransitionError(
            f"#{exp.id} is already at tier {exp.tier} ({TIER_LABELS[3]}); there is no tier above"
        )
    tier = exp.tier + 1
    values = {
        "title": follow_up_title(exp.title, tier),
        "hypothesis": exp.hypothesis,
        "impact": exp.impact,
        "probability": exp.probability,
        "cost": exp.cost,
        "info_value": exp.info_value,
        "activity": exp.activity,
        "tier": tier,
        "explore": exp.explore,
        "tags": exp.tags,
    }
    return dataclasses.replace(create(values, settings, now), follow_up_of=exp.id)
